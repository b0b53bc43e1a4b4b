import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The organisation a piece of work acts for, carried through async calls. An API request gets a
 * scope when it arrives (app.ts) and learns its organisation once authenticated
 * (auth/authenticate.ts); on PostgreSQL every connection it uses then runs as the restricted
 * role `carethread_app` with `carethread.organization_id` set, so the row-level security
 * policies (migration 0016) hide every other organisation's rows from it, whatever a query
 * forgets. Work without an organisation (start-up, migrations, background jobs that serve every
 * organisation, provider webhooks before their tenant is known) runs as the tables' owner.
 */
export interface TenantScope {
  organizationId: string | null;
}

export const tenantScope = new AsyncLocalStorage<TenantScope>();

/** The organisation the current work is walled into, if any. */
export function scopedOrganization(): string | null {
  return tenantScope.getStore()?.organizationId ?? null;
}

/** Runs `fn` walled into one organisation (tests, and work done on behalf of one tenant). */
export function withinOrganization<T>(organizationId: string, fn: () => T): T {
  return tenantScope.run({ organizationId }, fn);
}

/**
 * Runs `fn` outside any organisation's wall: timers and loops that serve every organisation
 * must not inherit the scope of the request that happened to start or wake them.
 */
export function outsideTenantScope<T>(fn: () => T): T {
  return tenantScope.exit(fn);
}
