import type { Services } from '../pipeline/context.ts';
import { repeatEvery } from '../jobs.ts';
import { organizations } from '../store/schema.ts';
import { purgeExpiredAudit, type PurgeResult } from './log.ts';

export interface AuditRetentionJob {
  /** One pass over every organisation (what the timer runs; tests call it directly). */
  runOnce(): Promise<Array<PurgeResult & { organizationId: string }>>;
  stop(): Promise<void>;
}

/**
 * Purges audit entries past each organisation's retention once a day. The purge is idempotent
 * and serialised per organisation by the chain lock, so several server processes may run it.
 */
export function startAuditRetentionJob(services: Services, intervalMs = 24 * 3_600_000): AuditRetentionJob {
  const runOnce = async () => {
    const db = services.database.db;
    const orgs = await db.select({ id: organizations.id }).from(organizations);
    const results: Array<PurgeResult & { organizationId: string }> = [];
    for (const org of orgs) results.push({ organizationId: org.id, ...(await purgeExpiredAudit(db, org.id)) });
    return results;
  };
  // The first purge waits a full interval: start-up stays quick. Failures are retried on the next
  // pass; the next verify shows nothing was lost.
  const job = repeatEvery(intervalMs, runOnce, () => undefined, { firstDelayMs: intervalMs });
  return { runOnce, stop: () => job.stop() };
}
