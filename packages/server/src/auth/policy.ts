import { eq } from 'drizzle-orm';
import type { Executor } from '../store/db.ts';
import { organizations } from '../store/schema.ts';

/** Sign-in policy of one organisation, from organizations.settings with safe defaults. */
export interface AuthPolicy {
  /** Minutes without a request after which a session ends (settings.sessionIdleMinutes). */
  sessionIdleMinutes: number;
  /** Roles that must use TOTP besides admin, which always must (settings.mfaRequiredRoles). */
  mfaRequiredRoles: string[];
}

export const DEFAULT_IDLE_MINUTES = 15;
/** Absolute lifetime of a session, however active: a working shift. */
export const SESSION_MAX_HOURS = 12;
export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 15;

export function policyFrom(settings: Record<string, unknown> | null | undefined): AuthPolicy {
  const idle = Number(settings?.sessionIdleMinutes);
  const roles = settings?.mfaRequiredRoles;
  return {
    // Bounded: a typo must not turn the idle limit off (1 minute to 12 hours).
    sessionIdleMinutes: Number.isFinite(idle) && idle >= 1 ? Math.min(Math.floor(idle), SESSION_MAX_HOURS * 60) : DEFAULT_IDLE_MINUTES,
    mfaRequiredRoles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
  };
}

export async function policyOf(tx: Executor, organizationId: string): Promise<AuthPolicy> {
  const [org] = await tx.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, organizationId));
  return policyFrom(org?.settings);
}

export function mfaRequiredFor(policy: AuthPolicy, role: string, accountRequires: boolean): boolean {
  return role === 'admin' || accountRequires || policy.mfaRequiredRoles.includes(role);
}
