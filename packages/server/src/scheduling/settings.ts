import { eq, sql } from 'drizzle-orm';
import { invalidSchedulingPolicy, type SchedulingPolicy } from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { organizations } from '../store/schema.ts';
import { inTransaction, orgContext } from './common.ts';

export async function getSchedulingPolicy(services: Services, organizationId: string): Promise<SchedulingPolicy> {
  return (await orgContext(services.database.db, organizationId)).policy;
}

/**
 * Changes some of the organisation's scheduling policy (reminder offsets, quiet hours, offer
 * hold). Written into settings.scheduling with jsonb_set so the other areas' settings in the
 * same column are never overwritten. Affects reminders planned from now on; those already
 * planned keep their times.
 */
export async function updateSchedulingPolicy(services: Services, organizationId: string, patch: Partial<SchedulingPolicy>): Promise<SchedulingPolicy> {
  const problem = invalidSchedulingPolicy(patch);
  if (problem) throw new BadInput('invalid_policy', problem, 422);
  return inTransaction(services, organizationId, async (changes) => {
    // Row lock: two concurrent patches both land instead of one overwriting the other.
    await changes.tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId)).for('update');
    const { policy } = await orgContext(changes.tx, organizationId);
    const next: SchedulingPolicy = { ...policy, ...patch };
    await changes.tx
      .update(organizations)
      .set({ settings: sql`jsonb_set(coalesce(${organizations.settings}, '{}'::jsonb), '{scheduling}', ${JSON.stringify(next)}::jsonb)` })
      .where(eq(organizations.id, organizationId));
    await changes.append({ kind: 'scheduling_policy_changed', occurredAt: services.now().toISOString(), data: { changed: Object.keys(patch) } });
    return next;
  });
}
