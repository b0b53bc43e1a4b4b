import { sql } from 'drizzle-orm';
import { frictionMetrics, type AssistantMetrics, type CaseFrictionSummary, type FrictionMetrics } from '@carethread/core';
import { assistantReport } from './assistant-metrics.ts';
import type { Executor } from '../store/db.ts';

/**
 * One summary row per case opened in [from, to), read from the event log. A channel switch is
 * seamless when its join was automatic and no repeat ask happened on the interaction that
 * switched.
 */
export async function caseFrictionSummaries(
  tx: Executor,
  organizationId: string,
  from: string,
  to: string,
): Promise<CaseFrictionSummary[]> {
  const result = await tx.execute(sql`
    select c.id as "caseId",
      (select count(*) from interactions i where i.case_id = c.id)::int as "interactions",
      (select count(*) from events e where e.case_id = c.id and e.kind = 'channel_switch')::int as "channelSwitches",
      (select count(*) from events e where e.case_id = c.id and e.kind = 'channel_switch'
         and (e.data->>'automatic')::boolean
         and not exists (select 1 from events r where r.organization_id = e.organization_id and r.kind = 'repeat_ask'
                           and r.interaction_id = e.interaction_id))::int as "seamlessSwitches",
      (select count(*) from events e where e.case_id = c.id and e.kind = 'repeat_ask')::int as "repeatAsks",
      (select count(*) from events e where e.case_id = c.id and e.kind = 'recontact')::int as "recontacts",
      c.resolved_at as "resolvedAt"
    from cases c
    where c.organization_id = ${organizationId} and c.status <> 'merged'
      and c.opened_at >= ${from} and c.opened_at < ${to}
  `);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<CaseFrictionSummary & { resolvedAt: string | Date | null }>;
  return rows.map((r) => ({ ...r, resolvedAt: r.resolvedAt === null ? null : new Date(r.resolvedAt).toISOString() }));
}

export async function frictionReport(
  tx: Executor,
  organizationId: string,
  from: string,
  to: string,
  now: Date,
): Promise<FrictionMetrics & { from: string; to: string; assistant: AssistantMetrics }> {
  return { from, to, ...frictionMetrics(await caseFrictionSummaries(tx, organizationId, from, to), now), assistant: await assistantReport(tx, organizationId, from, to) };
}
