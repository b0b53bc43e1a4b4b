import { and, eq, isNull, sql } from 'drizzle-orm';
import { appendAudit, type AuditEntry } from '../audit/log.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import type { Executor } from '../store/db.ts';
import { ChangeSet, type EventKind } from '../store/events.ts';
import { organizations, staff } from '../store/schema.ts';
import { staffCredentials } from '../store/schema-auth.ts';
import { checkPassword, hashPassword, passwordProblem } from './passwords.ts';
import { IP_WINDOW_MS, ipLimiterFor } from './ip-limit.ts';
import { LOCK_MINUTES, MAX_FAILED_ATTEMPTS, mfaRequiredFor, policyOf } from './policy.ts';
import { openSecret, sealSecret } from './secret-box.ts';
import { clearMfaPending, createSession, revokeAllSessions, revokeSession } from './sessions.ts';
import { qrSvg } from './qr.ts';
import { base32Decode, groupSecret, newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';

export const TOTP_PURPOSE = 'totp-secret';

/** The audit action each sign-in event is recorded under (audit/log.ts: who did what, when, from where). */
const AUDIT_ACTIONS: Partial<Record<EventKind, string>> = {
  staff_signed_in: 'sign_in',
  staff_signed_out: 'sign_out',
  staff_sign_in_failed: 'sign_in_failed',
  staff_locked: 'account_locked',
  staff_mfa_enrolled: 'mfa_enrolled',
  admin_setup_completed: 'admin_setup',
  api_token_issued: 'token_issued',
  api_token_revoked: 'token_revoked',
  oidc_config_changed: 'sso_config_change',
};

const SIGN_IN_KINDS = new Set<EventKind>(['staff_signed_in', 'staff_signed_out', 'staff_sign_in_failed', 'staff_locked', 'staff_mfa_enrolled']);

/** Where a request came from, for the audit row (never logged elsewhere). */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/**
 * Sign-in events carry the staff id when known, never an email, password or code. Each is also
 * chained into the audit log, so it must run inside a transaction (the audit append holds the
 * organisation's chain lock until it ends) and last in it.
 */
export async function authEvent(tx: Executor, organizationId: string, kind: EventKind, at: Date, data: Record<string, unknown>, client?: ClientInfo): Promise<void> {
  const changes = new ChangeSet(tx, organizationId);
  await changes.append({ kind, occurredAt: at.toISOString(), data });
  await changes.commit();
  const action = AUDIT_ACTIONS[kind];
  if (!action) return;
  const staffId = typeof data.staffId === 'string' ? data.staffId : null;
  const tokenId = typeof data.tokenId === 'string' ? data.tokenId : null;
  const entry: AuditEntry = {
    organizationId,
    // An unknown account trying to sign in is still a would-be staff member, not the system.
    actorType: staffId || SIGN_IN_KINDS.has(kind) ? 'staff' : 'system',
    actorId: staffId,
    // The session a sign-in opened or a sign-out ended: the same id the request audit rows carry as tokenId.
    tokenId: typeof data.sessionId === 'string' ? data.sessionId : null,
    action,
    resourceType: tokenId ? 'api_token' : kind === 'oidc_config_changed' ? 'oidc_config' : staffId ? 'staff' : null,
    resourceId: tokenId ?? (kind === 'oidc_config_changed' ? null : staffId),
    reason: typeof data.reason === 'string' ? data.reason : null,
    ip: client?.ip ?? null,
    userAgent: client?.userAgent ?? null,
    detail: data,
  };
  await appendAudit(tx, entry);
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Gives a staff member a password (creating their credential row when needed). */
export async function setPassword(services: Services, organizationId: string, staffId: string, password: string): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new BadInput('weak_password', problem, 422);
  const [member] = await services.database.db
    .select({ email: staff.email })
    .from(staff)
    .where(and(eq(staff.organizationId, organizationId), eq(staff.id, staffId)));
  if (!member) throw new BadInput('not_found', 'No such staff member.', 404);
  if (!member.email) throw new BadInput('no_email', 'The staff member needs an email address to sign in with.', 422);
  const passwordHash = await hashPassword(password);
  const now = services.now().toISOString();
  await services.database.db
    .insert(staffCredentials)
    .values({ staffId, organizationId, loginEmail: normalizeEmail(member.email), passwordHash, passwordChangedAt: now, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: staffCredentials.staffId, set: { passwordHash, passwordChangedAt: now, updatedAt: now, loginEmail: normalizeEmail(member.email) } });
}

export interface SignInInput {
  organization: string;
  email: string;
  password: string;
  code?: string | undefined;
  ip: string | null;
  userAgent: string | null;
}

export interface SignedIn {
  session: { id: string; token: string; expiresAt: string };
  staff: { id: string; name: string; email: string | null };
  role: string;
  organizationId: string;
  /** True when the account must enrol TOTP before anything else: the session allows only that. */
  mfaRequired: boolean;
}

const INVALID = 'The email, password or organisation is not right, or the account is locked for a while. Check and try again.';

/**
 * Password (and TOTP) sign-in. Every failure that could tell an attacker whether an account
 * exists answers the same 401 after the same argon2 work; five misses lock the account for 15
 * minutes; a hundred from one address within an hour (attempts on locked accounts not counted)
 * block that address for the rest of the hour.
 */
export async function signIn(services: Services, input: SignInInput): Promise<SignedIn> {
  const now = services.now();
  const limiter = ipLimiterFor(services);
  const ip = input.ip ?? 'unknown';
  if (limiter.blocked(ip, now)) throw new BadInput('rate_limited', `Too many failed sign-ins from this address. Wait ${IP_WINDOW_MS / 60_000} minutes and try again.`, 429);
  const db = services.database.db;
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, input.organization.trim().toLowerCase()));
  const [row] = org
    ? await db
        .select({ cred: staffCredentials, name: staff.name, email: staff.email, role: staff.role })
        .from(staffCredentials)
        .innerJoin(staff, and(eq(staff.id, staffCredentials.staffId), eq(staff.organizationId, staffCredentials.organizationId)))
        .where(and(eq(staffCredentials.organizationId, org.id), eq(staffCredentials.loginEmail, normalizeEmail(input.email))))
    : [];
  // Always a full verification, whether or not the account exists.
  const passwordOk = await checkPassword(row?.cred.passwordHash, input.password);
  const locked = !!row?.cred.lockedUntil && Date.parse(row.cred.lockedUntil) > now.getTime();

  const client: ClientInfo = { ip: input.ip, userAgent: input.userAgent };
  const fail = async (reason: 'unknown_account' | 'password' | 'locked' | 'code') => {
    // A locked account refuses every password anyway: trying it is no guess worth counting.
    if (reason !== 'locked') limiter.fail(ip, now);
    if (!org) return;
    await db.transaction(async (tx) => {
      if (row && reason !== 'locked') {
        const [after] = await tx
          .update(staffCredentials)
          .set({ failedAttempts: sql`${staffCredentials.failedAttempts} + 1`, updatedAt: now.toISOString() })
          .where(and(eq(staffCredentials.organizationId, org.id), eq(staffCredentials.staffId, row.cred.staffId)))
          .returning({ failedAttempts: staffCredentials.failedAttempts });
        const locks = !!after && after.failedAttempts >= MAX_FAILED_ATTEMPTS;
        const lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString();
        if (locks) {
          await tx
            .update(staffCredentials)
            .set({ failedAttempts: 0, lockedUntil })
            .where(and(eq(staffCredentials.organizationId, org.id), eq(staffCredentials.staffId, row.cred.staffId)));
        }
        await authEvent(tx, org.id, 'staff_sign_in_failed', now, { staffId: row.cred.staffId, reason }, client);
        if (locks) await authEvent(tx, org.id, 'staff_locked', now, { staffId: row.cred.staffId, until: lockedUntil }, client);
        return;
      }
      await authEvent(tx, org.id, 'staff_sign_in_failed', now, row ? { staffId: row.cred.staffId, reason } : { reason }, client);
    });
  };

  if (!row || locked || !passwordOk) {
    await fail(!row ? 'unknown_account' : locked ? 'locked' : 'password');
    throw new BadInput('invalid_credentials', INVALID, 401);
  }
  const cred = row.cred;
  const policy = await policyOf(db, cred.organizationId);
  const required = mfaRequiredFor(policy, row.role, cred.mfaRequired);
  const secret = openSecret(services.secret, TOTP_PURPOSE, cred.staffId, cred.totpSecret);
  let totpStep: number | null = null;
  if (secret) {
    if (!input.code) throw new BadInput('code_required', 'Enter the 6-digit code from your authenticator app.', 401, { mfaRequired: true });
    totpStep = verifyTotp(base32Decode(secret), input.code.trim(), now, cred.totpLastStep);
    if (totpStep === null) {
      await fail('code');
      throw new BadInput('invalid_code', 'That code is not right or was already used. Wait for the next code and try again.', 401, { mfaRequired: true });
    }
  }
  const mfaPending = required && !secret;
  const session = await db.transaction(async (tx) => {
    await tx
      .update(staffCredentials)
      .set({ failedAttempts: 0, lockedUntil: null, updatedAt: now.toISOString(), ...(totpStep !== null ? { totpLastStep: totpStep } : {}) })
      .where(and(eq(staffCredentials.organizationId, cred.organizationId), eq(staffCredentials.staffId, cred.staffId)));
    const opened = await createSession(tx, { organizationId: cred.organizationId, staffId: cred.staffId, method: 'password', mfaPending, ip: input.ip, userAgent: input.userAgent, now });
    await authEvent(tx, cred.organizationId, 'staff_signed_in', now, { staffId: cred.staffId, method: 'password', mfa: totpStep !== null, sessionId: opened.id }, client);
    return opened;
  });
  return { session, staff: { id: cred.staffId, name: row.name, email: row.email }, role: row.role, organizationId: cred.organizationId, mfaRequired: mfaPending };
}

export interface Enrolment {
  otpauthUri: string;
  secret: string;
  /** The secret in groups of four, for typing by hand. */
  secretGrouped: string;
  /** The otpauth URI as a QR code (SVG markup: rectangles only), for authenticator apps to scan. */
  qrSvg: string;
}

/** Hands out a new TOTP secret, kept pending until a code from it is confirmed. */
export async function startEnrolment(services: Services, organizationId: string, staffId: string): Promise<Enrolment> {
  const db = services.database.db;
  const [cred] = await db
    .select({ loginEmail: staffCredentials.loginEmail, totpSecret: staffCredentials.totpSecret })
    .from(staffCredentials)
    .where(and(eq(staffCredentials.organizationId, organizationId), eq(staffCredentials.staffId, staffId)));
  if (!cred) throw new BadInput('no_credentials', 'This staff member has no sign-in account to add a code to.', 409);
  // Replacing an enrolled authenticator would let a stolen session take over the second factor.
  if (cred.totpSecret) throw new BadInput('already_enrolled', 'An authenticator is already enrolled for this account.', 409);
  const secret = newTotpSecret();
  await db
    .update(staffCredentials)
    .set({ totpPending: sealSecret(services.secret, TOTP_PURPOSE, staffId, secret), updatedAt: services.now().toISOString() })
    .where(and(eq(staffCredentials.organizationId, organizationId), eq(staffCredentials.staffId, staffId)));
  const uri = otpauthUri(secret, cred.loginEmail);
  return { otpauthUri: uri, secret, secretGrouped: groupSecret(secret), qrSvg: qrSvg(uri, 'QR code for the authenticator app') };
}

/** Confirms the pending secret with a code from it; the session (if any) leaves its enrol-only state. */
export async function confirmEnrolment(services: Services, organizationId: string, staffId: string, code: string, sessionId: string | null): Promise<{ enrolled: true }> {
  const db = services.database.db;
  const now = services.now();
  const [cred] = await db
    .select({ totpPending: staffCredentials.totpPending })
    .from(staffCredentials)
    .where(and(eq(staffCredentials.organizationId, organizationId), eq(staffCredentials.staffId, staffId), isNull(staffCredentials.totpSecret)));
  const secret = openSecret(services.secret, TOTP_PURPOSE, staffId, cred?.totpPending);
  if (!cred || !secret) throw new BadInput('no_enrolment', 'Start the enrolment first (POST /api/v1/auth/mfa/enrol).', 409);
  const step = verifyTotp(base32Decode(secret), code.trim(), now);
  if (step === null) throw new BadInput('invalid_code', 'That code is not right. Check the clock of your phone and try the next code.', 422);
  await db.transaction(async (tx) => {
    await tx
      .update(staffCredentials)
      .set({ totpSecret: cred.totpPending, totpPending: null, totpLastStep: step, mfaEnrolledAt: now.toISOString(), updatedAt: now.toISOString() })
      .where(and(eq(staffCredentials.organizationId, organizationId), eq(staffCredentials.staffId, staffId)));
    if (sessionId) await clearMfaPending(tx, organizationId, sessionId);
    await authEvent(tx, organizationId, 'staff_mfa_enrolled', now, { staffId });
  });
  return { enrolled: true };
}

/** Ends one session (sign-out): the revocation and its event in one transaction. */
export async function signOut(services: Services, who: { organizationId: string; staffId: string | null; sessionId: string }, client: ClientInfo): Promise<void> {
  const now = services.now();
  await services.database.db.transaction(async (tx) => {
    await revokeSession(tx, who.organizationId, who.sessionId, now);
    await authEvent(tx, who.organizationId, 'staff_signed_out', now, { staffId: who.staffId, sessionId: who.sessionId }, client);
  });
}

/** Ends every session of one staff member, on every device; returns how many were live. */
export async function signOutEverywhere(services: Services, organizationId: string, staffId: string, client: ClientInfo): Promise<number> {
  const now = services.now();
  return services.database.db.transaction(async (tx) => {
    const ended = await revokeAllSessions(tx, organizationId, staffId, now);
    await authEvent(tx, organizationId, 'staff_signed_out', now, { staffId, everywhere: true, sessions: ended }, client);
    return ended;
  });
}
