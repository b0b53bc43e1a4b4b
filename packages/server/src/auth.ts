import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from './store/db.ts';
import { apiTokens, staff } from './store/schema.ts';
import { apiTokenGrants } from './store/schema-auth.ts';

export interface Principal {
  organizationId: string;
  role: string;
  tokenId: string;
  /** The staff member acting, when the token belongs to one (agents, supervisors). */
  staffId: string | null;
  /** Integration tokens: the scopes that limit which routes they reach (auth/scopes.ts); absent means unscoped. */
  scopes?: string[] | null;
  /** Set when the principal comes from a browser session cookie rather than a bearer token. */
  sessionId?: string | null;
  /** A session that must enrol TOTP before anything else. */
  mfaPending?: boolean;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return `ct_${randomBytes(24).toString('base64url')}`;
}

export async function principalForToken(tx: Executor, token: string, now: Date = new Date()): Promise<Principal | null> {
  if (!token || token.length > 200) return null;
  const [row] = await tx
    .select({
      id: apiTokens.id,
      organizationId: apiTokens.organizationId,
      role: apiTokens.role,
      staffId: apiTokens.staffId,
      scopes: apiTokenGrants.scopes,
      expiresAt: apiTokenGrants.expiresAt,
    })
    .from(apiTokens)
    .leftJoin(apiTokenGrants, and(eq(apiTokenGrants.tokenId, apiTokens.id), eq(apiTokenGrants.organizationId, apiTokens.organizationId)))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  if (row.expiresAt && Date.parse(row.expiresAt) <= now.getTime()) return null;
  // An integration token is always limited to its scopes: without a grant it reaches nothing.
  return { organizationId: row.organizationId, role: row.role, tokenId: row.id, staffId: row.staffId, scopes: row.scopes ?? (row.role === 'integration' ? [] : null) };
}

/**
 * The bootstrap admin token of an organisation: created once, printed once. When the operator
 * supplies one (CARETHREAD_ADMIN_TOKEN) it is registered instead, so scripts can know it.
 */
export async function ensureAdminToken(
  tx: Executor,
  organizationId: string,
  supplied?: string,
): Promise<{ token: string | null; created: boolean }> {
  if (supplied) {
    await tx
      .insert(apiTokens)
      .values({ organizationId, name: 'bootstrap admin (supplied)', tokenHash: hashToken(supplied), role: 'admin' })
      .onConflictDoNothing();
    return { token: supplied, created: false };
  }
  const existing = await tx
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.organizationId, organizationId), eq(apiTokens.role, 'admin'), isNull(apiTokens.revokedAt)))
    .limit(1);
  if (existing.length > 0) return { token: null, created: false };
  const token = newToken();
  await tx.insert(apiTokens).values({ organizationId, name: 'bootstrap admin', tokenHash: hashToken(token), role: 'admin' });
  return { token, created: true };
}

/**
 * A sign-in token for one staff member, shown once. It carries the staff member's role, so the
 * workspace knows who is acting without asking.
 */
export async function issueStaffToken(tx: Executor, organizationId: string, staffId: string, name = 'workspace sign-in'): Promise<{ token: string; staffId: string; role: string } | null> {
  const [member] = await tx.select({ id: staff.id, role: staff.role }).from(staff).where(and(eq(staff.organizationId, organizationId), eq(staff.id, staffId)));
  if (!member) return null;
  const token = newToken();
  await tx.insert(apiTokens).values({ organizationId, name, tokenHash: hashToken(token), role: member.role, staffId: member.id });
  return { token, staffId: member.id, role: member.role };
}
