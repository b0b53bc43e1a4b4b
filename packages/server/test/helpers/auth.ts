import { eq } from 'drizzle-orm';
import type { Harness } from './harness.ts';
import { setPassword } from '../../src/auth/accounts.ts';
import { base32Decode, totp } from '../../src/auth/totp.ts';
import { schema } from '../../src/index.ts';

/** A staff member with a password in the harness organisation. */
export async function staffWithPassword(h: Harness, role: string, email: string, password: string): Promise<string> {
  const [row] = await h.database.db.insert(schema.staff).values({ organizationId: h.organizationId, name: `Test ${role}`, email, role }).returning({ id: schema.staff.id });
  await setPassword(h.services, h.organizationId, row!.id, password);
  return row!.id;
}

export async function orgSlug(h: Harness): Promise<string> {
  const [org] = await h.database.db.select({ slug: schema.organizations.slug }).from(schema.organizations).where(eq(schema.organizations.id, h.organizationId));
  return org!.slug;
}

export function cookieFrom(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const line = (Array.isArray(raw) ? raw : [raw]).find((c) => typeof c === 'string' && c.startsWith('ct_session=')) as string | undefined;
  if (!line) throw new Error('no ct_session cookie set');
  return line.split(';')[0]!;
}

export function codeFor(secretBase32: string, at: Date): string {
  return totp(base32Decode(secretBase32), at);
}

/** A settable clock for services.now: session expiry and lockout without waiting. */
export function clock(h: Harness, start = new Date('2030-01-15T14:00:00Z')) {
  let now = start.getTime();
  h.services.now = () => new Date(now);
  return {
    advance(ms: number) {
      now += ms;
    },
    now: () => new Date(now),
  };
}
