import { and, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import {
  capacityOf,
  DEFAULT_ROUTING_RULE,
  isAgentPresence,
  routingRuleOf,
  type AgentPresence,
  type Channel,
  type QueuedCase,
  type RoutingAgent,
  type RoutingRule,
  type RuleLookup,
} from '@carethread/core';
import type { Executor } from '../store/db.ts';
import { cases, interactions } from '../store/schema.ts';
import { agentProfiles, caseRouting, routingAssignments, routingOffers, routingRules } from '../store/schema-routing.ts';
import { caseAlerts } from '../store/schema-assistant.ts';

// Reads that give the routing policy its snapshot. Every query is scoped by organisation.

export type AgentProfileRow = typeof agentProfiles.$inferSelect;
export type RoutingRuleRow = typeof routingRules.$inferSelect;
export type CaseRoutingRow = typeof caseRouting.$inferSelect;
export type OfferRow = typeof routingOffers.$inferSelect;
export type AssignmentRow = typeof routingAssignments.$inferSelect;

/** Timestamps leave routing as ISO 8601 in UTC, whatever text form the driver returned. */
export function iso(value: string): string;
export function iso(value: string | null | undefined): string | null;
export function iso(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : new Date(value).toISOString();
}

export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export function ruleFromRow(row: RoutingRuleRow | null | undefined): RoutingRule {
  if (!row) return { ...DEFAULT_ROUTING_RULE };
  return routingRuleOf({
    requiredSkills: row.requiredSkills,
    matchLanguage: row.matchLanguage,
    matchRequestType: row.matchRequestType,
    sameAgentOfferSeconds: row.sameAgentOfferSeconds,
    offerSeconds: row.offerSeconds,
    waitTargetSeconds: row.waitTargetSeconds,
    reofferAfterSeconds: row.reofferAfterSeconds,
  });
}

export async function ruleRows(tx: Executor, organizationId: string): Promise<RoutingRuleRow[]> {
  return tx.select().from(routingRules).where(eq(routingRules.organizationId, organizationId));
}

export function lookupOf(rows: readonly RoutingRuleRow[]): RuleLookup {
  const byDepartment = new Map(rows.map((r) => [r.departmentId, ruleFromRow(r)]));
  return (departmentId) => (departmentId && byDepartment.get(departmentId)) || { ...DEFAULT_ROUTING_RULE };
}

type LoadMap = Map<string, Partial<Record<Channel, number>>>;

function addLoad(map: LoadMap, staffId: string, channel: string, n: number): void {
  const entry = map.get(staffId) ?? {};
  entry[channel as Channel] = (entry[channel as Channel] ?? 0) + n;
  map.set(staffId, entry);
}

/**
 * Contacts each agent holds now, per channel. An assignment counts while its case is open,
 * owned by that agent and assigned, and its contact is open: resolving, a chat or call ending,
 * a transfer or a reassignment free the seat wherever in the code they happen.
 */
export async function heldLoads(tx: Executor, organizationId: string, staffIds?: readonly string[]): Promise<LoadMap> {
  if (staffIds && staffIds.length === 0) return new Map();
  const rows = await tx
    .select({ staffId: routingAssignments.staffId, channel: routingAssignments.channel, n: sql<number>`count(*)::int` })
    .from(routingAssignments)
    .innerJoin(cases, eq(cases.id, routingAssignments.caseId))
    .leftJoin(interactions, eq(interactions.id, routingAssignments.interactionId))
    .where(
      and(
        eq(routingAssignments.organizationId, organizationId),
        isNull(routingAssignments.releasedAt),
        ...(staffIds ? [inArray(routingAssignments.staffId, [...staffIds])] : []),
        eq(cases.status, 'open'),
        eq(cases.queueState, 'assigned'),
        eq(cases.ownerId, routingAssignments.staffId),
        sql`(${routingAssignments.interactionId} is null or ${interactions.status} = 'open')`,
      ),
    )
    .groupBy(routingAssignments.staffId, routingAssignments.channel);
  const map: LoadMap = new Map();
  for (const r of rows) addLoad(map, r.staffId, r.channel, Number(r.n));
  return map;
}

/** Offers still open per agent and channel: an offer holds its seat until it is answered. */
export async function offeredLoads(tx: Executor, organizationId: string, staffIds?: readonly string[]): Promise<LoadMap> {
  if (staffIds && staffIds.length === 0) return new Map();
  const rows = await tx
    .select({ staffId: routingOffers.staffId, channel: routingOffers.channel, n: sql<number>`count(*)::int` })
    .from(routingOffers)
    .where(
      and(
        eq(routingOffers.organizationId, organizationId),
        eq(routingOffers.status, 'offered'),
        ...(staffIds ? [inArray(routingOffers.staffId, [...staffIds])] : []),
      ),
    )
    .groupBy(routingOffers.staffId, routingOffers.channel);
  const map: LoadMap = new Map();
  for (const r of rows) addLoad(map, r.staffId, r.channel, Number(r.n));
  return map;
}

export function toRoutingAgent(row: AgentProfileRow, held: LoadMap, offered: LoadMap): RoutingAgent {
  const load: Partial<Record<Channel, number>> = {};
  for (const source of [held.get(row.staffId), offered.get(row.staffId)]) {
    for (const [channel, n] of Object.entries(source ?? {})) load[channel as Channel] = (load[channel as Channel] ?? 0) + (n ?? 0);
  }
  return {
    id: row.staffId,
    presence: isAgentPresence(row.presence) ? row.presence : 'offline',
    languages: row.languages,
    requestTypes: row.requestTypes,
    skills: row.skills,
    departmentIds: row.departmentIds,
    capacity: capacityOf(row.capacity),
    load,
    lastOfferedAt: iso(row.lastOfferedAt),
  };
}

/** Agents who can receive offers now, with what they hold. */
export async function availableAgents(tx: Executor, organizationId: string): Promise<RoutingAgent[]> {
  const rows = await tx
    .select()
    .from(agentProfiles)
    .where(and(eq(agentProfiles.organizationId, organizationId), eq(agentProfiles.presence, 'available' satisfies AgentPresence)));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.staffId);
  const [held, offered] = [await heldLoads(tx, organizationId, ids), await offeredLoads(tx, organizationId, ids)];
  return rows.map((r) => toRoutingAgent(r, held, offered));
}

/** Contacts one agent holds on one channel, assignments and open offers counted separately. */
export async function agentLoadOn(tx: Executor, organizationId: string, staffId: string, channel: Channel): Promise<{ held: number; offered: number }> {
  const [held, offered] = [await heldLoads(tx, organizationId, [staffId]), await offeredLoads(tx, organizationId, [staffId])];
  return { held: held.get(staffId)?.[channel] ?? 0, offered: offered.get(staffId)?.[channel] ?? 0 };
}

const WAITING_BATCH = 500;

/**
 * Cases waiting for a person without an open offer, longest waiting first, with the agents who
 * recently declined or missed them. A transfer counts as the transferring agent letting go: they
 * are not offered the case straight back.
 */
export async function casesWithoutOffer(tx: Executor, organizationId: string, now: Date, rules: readonly RoutingRuleRow[]): Promise<QueuedCase[]> {
  const rows = await tx
    .select({
      r: caseRouting,
      requestType: cases.requestType,
      // An open urgent alert (assistant: urgent symptoms) puts the case first.
      urgent: sql<boolean>`exists (select 1 from ${caseAlerts} a where a.organization_id = ${caseRouting.organizationId} and a.case_id = ${caseRouting.caseId} and a.cleared_at is null and a.priority = 'urgent')`,
    })
    .from(caseRouting)
    .innerJoin(cases, eq(cases.id, caseRouting.caseId))
    .where(
      and(
        eq(caseRouting.organizationId, organizationId),
        isNotNull(caseRouting.waitingSince),
        eq(cases.status, 'open'),
        eq(cases.queueState, 'queued'),
        sql`not exists (select 1 from ${routingOffers} o where o.case_id = ${caseRouting.caseId} and o.status = 'offered')`,
      ),
    )
    .orderBy(sql`exists (select 1 from ${caseAlerts} a where a.organization_id = ${caseRouting.organizationId} and a.case_id = ${caseRouting.caseId} and a.cleared_at is null and a.priority = 'urgent') desc`, caseRouting.waitingSince)
    .limit(WAITING_BATCH);
  if (rows.length === 0) return [];
  const longest = Math.max(DEFAULT_ROUTING_RULE.reofferAfterSeconds, ...rules.map((r) => r.reofferAfterSeconds));
  const since = new Date(now.getTime() - longest * 1000).toISOString();
  const refusals = await tx
    .select({ caseId: routingOffers.caseId, staffId: routingOffers.staffId, at: routingOffers.decidedAt })
    .from(routingOffers)
    .where(
      and(
        eq(routingOffers.organizationId, organizationId),
        inArray(
          routingOffers.caseId,
          rows.map((r) => r.r.caseId),
        ),
        inArray(routingOffers.status, ['declined', 'timed_out']),
        gt(routingOffers.decidedAt, since),
      ),
    );
  return rows.map(({ r, requestType, urgent }) => {
    const refused = refusals.filter((x) => x.caseId === r.caseId && x.at).map((x) => ({ agentId: x.staffId, at: iso(x.at!) }));
    if (r.preferredReason === 'transfer' && r.lastAgentId && r.waitingSince) refused.push({ agentId: r.lastAgentId, at: iso(r.waitingSince) });
    return {
      caseId: r.caseId,
      departmentId: r.departmentId,
      channel: (r.channel ?? 'webchat') as Channel,
      language: r.language,
      requestType,
      waitingSince: iso(r.waitingSince!),
      preferredAgentId: r.preferredAgentId,
      preferredReason: r.preferredReason === 'transfer' ? 'transfer' : r.preferredAgentId ? 'same_agent' : null,
      refusals: refused,
      priority: urgent === true || (urgent as unknown) === 't' ? 'urgent' : 'normal',
    } satisfies QueuedCase;
  });
}

export async function caseRoutingOf(tx: Executor, organizationId: string, caseId: string): Promise<CaseRoutingRow | null> {
  const [row] = await tx
    .select()
    .from(caseRouting)
    .where(and(eq(caseRouting.organizationId, organizationId), eq(caseRouting.caseId, caseId)));
  return row ?? null;
}
