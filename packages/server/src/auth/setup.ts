import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNotNull, isNull } from 'drizzle-orm';
import { hashToken } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import type { Executor } from '../store/db.ts';
import { staff } from '../store/schema.ts';
import { setupCodes, staffCredentials } from '../store/schema-auth.ts';
import { authEvent, normalizeEmail, startEnrolment, type Enrolment } from './accounts.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import { createSession } from './sessions.ts';

export const SETUP_CODE_HOURS = 24;

/** True while no administrator of the organisation can sign in with a password. */
export async function needsAdminSetup(tx: Executor, organizationId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: staff.id })
    .from(staff)
    .innerJoin(staffCredentials, and(eq(staffCredentials.staffId, staff.id), eq(staffCredentials.organizationId, staff.organizationId)))
    .where(and(eq(staff.organizationId, organizationId), eq(staff.role, 'admin'), isNotNull(staffCredentials.passwordHash)))
    .limit(1);
  return rows.length === 0;
}

/**
 * A one-time set-up code (stored as its sha256, valid 24 hours). It travels in the URL
 * fragment (`/setup#code`), which browsers never send to servers or proxies in logs. Earlier
 * unused codes stop working: only the latest printed link is live.
 */
export async function createSetupCode(tx: Executor, organizationId: string, now: Date): Promise<string> {
  const code = randomBytes(24).toString('base64url');
  await tx.update(setupCodes).set({ usedAt: now.toISOString() }).where(and(eq(setupCodes.organizationId, organizationId), isNull(setupCodes.usedAt)));
  await tx.insert(setupCodes).values({
    organizationId,
    codeHash: hashToken(code),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SETUP_CODE_HOURS * 3_600_000).toISOString(),
  });
  return code;
}

export interface SetupInput {
  code: string;
  name: string;
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Redeems a set-up code: creates the first administrator with a password, opens a session that
 * may only enrol TOTP, and hands out the TOTP secret to enrol. The code cannot be used again.
 */
export async function completeAdminSetup(
  services: Services,
  input: SetupInput,
): Promise<{ organizationId: string; staffId: string; session: { id: string; token: string; expiresAt: string }; enrolment: Enrolment }> {
  const problem = passwordProblem(input.password);
  if (problem) throw new BadInput('weak_password', problem, 422);
  const now = services.now();
  const passwordHash = await hashPassword(input.password);
  const db = services.database.db;
  const created = await db.transaction(async (tx) => {
    const [code] = await tx
      .update(setupCodes)
      .set({ usedAt: now.toISOString() })
      .where(and(eq(setupCodes.codeHash, hashToken(input.code)), isNull(setupCodes.usedAt), gt(setupCodes.expiresAt, now.toISOString())))
      .returning({ organizationId: setupCodes.organizationId });
    if (!code) throw new BadInput('invalid_setup_code', 'This set-up link is not valid any more. Restart carethread to print a new one.', 403);
    const organizationId = code.organizationId;
    if (!(await needsAdminSetup(tx, organizationId))) throw new BadInput('already_set_up', 'An administrator already exists; sign in instead.', 409);
    const email = normalizeEmail(input.email);
    const [taken] = await tx
      .select({ id: staffCredentials.staffId })
      .from(staffCredentials)
      .where(and(eq(staffCredentials.organizationId, organizationId), eq(staffCredentials.loginEmail, email)));
    if (taken) throw new BadInput('email_taken', 'Another account signs in with that email.', 409);
    const [member] = await tx.insert(staff).values({ organizationId, name: input.name.trim(), email, role: 'admin' }).returning({ id: staff.id });
    const at = now.toISOString();
    await tx.insert(staffCredentials).values({ staffId: member!.id, organizationId, loginEmail: email, passwordHash, passwordChangedAt: at, createdAt: at, updatedAt: at });
    const session = await createSession(tx, { organizationId, staffId: member!.id, method: 'setup', mfaPending: true, ip: input.ip, userAgent: input.userAgent, now });
    await authEvent(tx, organizationId, 'admin_setup_completed', now, { staffId: member!.id, sessionId: session.id }, { ip: input.ip, userAgent: input.userAgent });
    return { organizationId, staffId: member!.id, session };
  });
  const enrolment = await startEnrolment(services, created.organizationId, created.staffId);
  return { ...created, enrolment };
}
