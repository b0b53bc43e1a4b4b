import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { hashToken } from '../auth.ts';
import type { Executor } from '../store/db.ts';
import { staff } from '../store/schema.ts';
import { staffSessions } from '../store/schema-auth.ts';
import { policyOf, SESSION_MAX_HOURS } from './policy.ts';

export const SESSION_COOKIE = 'ct_session';
/** Mutating requests authenticated by the cookie must carry this header (see authenticate.ts). */
export const CSRF_HEADER = 'x-carethread-csrf';

export interface NewSession {
  organizationId: string;
  staffId: string;
  method: 'password' | 'oidc' | 'setup';
  mfaPending: boolean;
  ip: string | null;
  userAgent: string | null;
  now: Date;
}

/** Opens a session; returns the cookie value (shown once, stored only as its hash). */
export async function createSession(tx: Executor, s: NewSession): Promise<{ id: string; token: string; expiresAt: string }> {
  const token = `cts_${randomBytes(32).toString('base64url')}`;
  const now = s.now.toISOString();
  const expiresAt = new Date(s.now.getTime() + SESSION_MAX_HOURS * 3_600_000).toISOString();
  const [row] = await tx
    .insert(staffSessions)
    .values({
      organizationId: s.organizationId,
      staffId: s.staffId,
      tokenHash: hashToken(token),
      method: s.method,
      mfaPending: s.mfaPending,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      // Kept for the owner's session list and investigations; trimmed so a hostile header cannot bloat rows.
      ip: s.ip?.slice(0, 64) ?? null,
      userAgent: s.userAgent?.slice(0, 256) ?? null,
    })
    .returning({ id: staffSessions.id });
  return { id: row!.id, token, expiresAt };
}

export interface LiveSession {
  id: string;
  organizationId: string;
  staffId: string;
  role: string;
  mfaPending: boolean;
  method: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  idleExpiresAt: string;
}

/** Sessions touched more recently than this are not written again (at most one write per 30 seconds per session). */
const TOUCH_EVERY_MS = 30_000;

/**
 * The live session a cookie names, its idle clock restarted; null when unknown, revoked, idle
 * past the organisation's limit or past its absolute lifetime (such a session is revoked, so it
 * can never come back).
 */
export async function sessionFor(tx: Executor, token: string, now: Date): Promise<LiveSession | null> {
  if (!token || token.length > 200) return null;
  const [row] = await tx
    .select({ s: staffSessions, role: staff.role })
    .from(staffSessions)
    .innerJoin(staff, and(eq(staff.id, staffSessions.staffId), eq(staff.organizationId, staffSessions.organizationId)))
    .where(and(eq(staffSessions.tokenHash, hashToken(token)), isNull(staffSessions.revokedAt)));
  if (!row) return null;
  const s = row.s;
  const policy = await policyOf(tx, s.organizationId);
  const idleMs = policy.sessionIdleMinutes * 60_000;
  const t = now.getTime();
  if (t >= Date.parse(s.expiresAt) || t - Date.parse(s.lastSeenAt) >= idleMs) {
    await tx.update(staffSessions).set({ revokedAt: now.toISOString() }).where(and(eq(staffSessions.organizationId, s.organizationId), eq(staffSessions.id, s.id)));
    return null;
  }
  let lastSeenAt = s.lastSeenAt;
  if (t - Date.parse(s.lastSeenAt) >= TOUCH_EVERY_MS) {
    lastSeenAt = now.toISOString();
    await tx.update(staffSessions).set({ lastSeenAt }).where(and(eq(staffSessions.organizationId, s.organizationId), eq(staffSessions.id, s.id)));
  }
  return {
    id: s.id,
    organizationId: s.organizationId,
    staffId: s.staffId,
    role: row.role,
    mfaPending: s.mfaPending,
    method: s.method,
    createdAt: s.createdAt,
    lastSeenAt,
    expiresAt: s.expiresAt,
    idleExpiresAt: new Date(Math.min(Date.parse(lastSeenAt) + idleMs, Date.parse(s.expiresAt))).toISOString(),
  };
}

export async function revokeSession(tx: Executor, organizationId: string, sessionId: string, now: Date): Promise<void> {
  await tx
    .update(staffSessions)
    .set({ revokedAt: now.toISOString() })
    .where(and(eq(staffSessions.organizationId, organizationId), eq(staffSessions.id, sessionId), isNull(staffSessions.revokedAt)));
}

/** Ends every session of one staff member (sign out everywhere, password change, lockout by an admin). */
export async function revokeAllSessions(tx: Executor, organizationId: string, staffId: string, now: Date): Promise<number> {
  const rows = await tx
    .update(staffSessions)
    .set({ revokedAt: now.toISOString() })
    .where(and(eq(staffSessions.organizationId, organizationId), eq(staffSessions.staffId, staffId), isNull(staffSessions.revokedAt)))
    .returning({ id: staffSessions.id });
  return rows.length;
}

export async function clearMfaPending(tx: Executor, organizationId: string, sessionId: string): Promise<void> {
  await tx.update(staffSessions).set({ mfaPending: false }).where(and(eq(staffSessions.organizationId, organizationId), eq(staffSessions.id, sessionId)));
}

/**
 * Who a session cookie signs in, for pages served outside /api/v1 (the front desk) that then
 * call the API with the same cookie; null without a live session or while TOTP enrolment is pending.
 */
export async function sessionStaff(tx: Executor, token: string | undefined, now: Date): Promise<{ staffId: string; name: string; role: string } | null> {
  const session = token ? await sessionFor(tx, token, now) : null;
  if (!session || session.mfaPending) return null;
  const [member] = await tx
    .select({ name: staff.name })
    .from(staff)
    .where(and(eq(staff.organizationId, session.organizationId), eq(staff.id, session.staffId)));
  return member ? { staffId: session.staffId, name: member.name, role: session.role } : null;
}
