import { sql } from 'drizzle-orm';
import { assistantMetrics, type AssistantCaseSummary, type AssistantMetrics } from '@carethread/core';
import type { Executor } from '../store/db.ts';

/**
 * One row per case opened in [from, to) that the assistant answered, read from the event log:
 * its turns, requests completed, hand-offs and their reasons, replies by people, and asks by the
 * assistant that repeated a fact (a `repeat_ask` by the assistant, or a second `fact_asked` of
 * the same fact on the case).
 */
export async function assistantCaseSummaries(tx: Executor, organizationId: string, from: string, to: string): Promise<AssistantCaseSummary[]> {
  const result = await tx.execute(sql`
    select c.id as "caseId",
      (select count(*) from events e where e.case_id = c.id and e.kind = 'assistant_turn')::int as "turns",
      (select count(*) from events e where e.case_id = c.id and e.kind = 'assistant_completed')::int as "completed",
      coalesce((select json_agg(e.data->>'reason' order by e.id) from events e where e.case_id = c.id and e.kind = 'assistant_handoff'), '[]'::json) as "handoffs",
      (select count(*) from messages m where m.case_id = c.id and m.actor = 'agent' and m.direction = 'outbound')::int as "agentReplies",
      ((select count(*) from events e where e.case_id = c.id and e.kind = 'repeat_ask' and e.data->>'actor' = 'assistant')
        + (select coalesce(sum(n - 1), 0) from (select count(*) as n from events e where e.case_id = c.id and e.kind = 'fact_asked'
             and e.data->>'actor' = 'assistant' group by e.data->>'fact') x))::int as "repeatAsks"
    from cases c
    where c.organization_id = ${organizationId} and c.status <> 'merged'
      and c.opened_at >= ${from} and c.opened_at < ${to}
      and exists (select 1 from events e where e.case_id = c.id and e.kind = 'assistant_turn')
  `);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<AssistantCaseSummary & { handoffs: string[] | string }>;
  return rows.map((r) => ({ ...r, handoffs: typeof r.handoffs === 'string' ? (JSON.parse(r.handoffs) as string[]) : r.handoffs }));
}

export async function assistantReport(tx: Executor, organizationId: string, from: string, to: string): Promise<AssistantMetrics> {
  return assistantMetrics(await assistantCaseSummaries(tx, organizationId, from, to));
}
