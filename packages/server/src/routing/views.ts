import { and, desc, eq, gt, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import { servesDepartment, summarizeQueue, waitSeconds, type QueueSummary, type RoutingRule } from '@carethread/core';
import type { Executor } from '../store/db.ts';
import { listDepartments } from '../store/orgs.ts';
import { BadInput } from '../pipeline/errors.ts';
import { cases, departments, interactions, messages, patients } from '../store/schema.ts';
import { caseNotes, caseRouting, routingOffers } from '../store/schema-routing.ts';
import { getAgent, listAgents, type AgentView } from './agents.ts';
import { offerView, type OfferView } from './offers.ts';
import { iso, lookupOf, ruleRows, rowsOf } from './state.ts';

// Read models for the workspace: the supervisor's live queues, an agent's offers and inbox.
// Message bodies appear here because the agent reads them; they never reach a log.

export interface LastMessage {
  channel: string;
  direction: string;
  actor: string;
  body: string | null;
  occurredAt: string;
}

export interface CaseLine {
  caseId: string;
  requestType: string;
  status: string;
  queueState: string;
  department: { id: string; name: string } | null;
  patient: { id: string; givenName: string | null; familyName: string | null } | null;
  /** The channel of the contact routing is about (the waiting one, or the one held). */
  channel: string | null;
  language: string | null;
  waitingSince: string | null;
  waitSeconds: number | null;
  lastMessage: LastMessage | null;
  /** The latest handover note, when the case was transferred. */
  handover: { id: string; body: string; staffId: string | null; createdAt: string } | null;
  updatedAt: string;
}

async function lastMessages(tx: Executor, organizationId: string, caseIds: readonly string[]): Promise<Map<string, LastMessage>> {
  if (caseIds.length === 0) return new Map();
  const ids = sql.join(
    caseIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  // The newest line with words in it (keyed digits carry none). DISTINCT ON walks
  // messages_case (case_id, occurred_at): one index probe per case.
  const result = await tx.execute(sql`
    select distinct on (case_id) case_id, channel, direction, actor, body, occurred_at
    from messages
    where organization_id = ${organizationId} and case_id in (${ids}) and body is not null
    order by case_id, occurred_at desc`);
  const rows = rowsOf<{ case_id: string; channel: string; direction: string; actor: string; body: string | null; occurred_at: string | Date }>(result);
  return new Map(
    rows.map((r) => [
      r.case_id,
      // Raw SQL bypasses the column mapper: open the sealed body the way Drizzle would.
      { channel: r.channel, direction: r.direction, actor: r.actor, body: r.body === null ? null : (messages.body.mapFromDriverValue(r.body) as string), occurredAt: new Date(r.occurred_at).toISOString() },
    ]),
  );
}

async function handovers(tx: Executor, organizationId: string, caseIds: readonly string[]) {
  if (caseIds.length === 0) return new Map<string, CaseLine['handover']>();
  const rows = await tx
    .select()
    .from(caseNotes)
    .where(and(eq(caseNotes.organizationId, organizationId), inArray(caseNotes.caseId, [...caseIds]), eq(caseNotes.kind, 'handover')))
    .orderBy(desc(caseNotes.createdAt));
  const map = new Map<string, CaseLine['handover']>();
  for (const r of rows) if (!map.has(r.caseId)) map.set(r.caseId, { id: r.id, body: r.body, staffId: r.staffId, createdAt: iso(r.createdAt) });
  return map;
}

/** Case lines for a set of cases, in the order given. */
async function caseLines(tx: Executor, organizationId: string, caseIds: readonly string[], now: Date): Promise<CaseLine[]> {
  if (caseIds.length === 0) return [];
  const rows = await tx
    .select({ c: cases, d: { id: departments.id, name: departments.name }, p: { id: patients.id, givenName: patients.givenName, familyName: patients.familyName }, r: caseRouting })
    .from(cases)
    .leftJoin(departments, eq(departments.id, cases.departmentId))
    .leftJoin(patients, eq(patients.id, cases.patientId))
    .leftJoin(caseRouting, eq(caseRouting.caseId, cases.id))
    .where(and(eq(cases.organizationId, organizationId), inArray(cases.id, [...caseIds])));
  const [messages, notes] = [await lastMessages(tx, organizationId, caseIds), await handovers(tx, organizationId, caseIds)];
  const byId = new Map(rows.map((row) => [row.c.id, row]));
  return caseIds.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const { c, d, p, r } = row;
    const waiting = c.queueState === 'queued' && r?.waitingSince ? iso(r.waitingSince) : null;
    return [
      {
        caseId: c.id,
        requestType: c.requestType,
        status: c.status,
        queueState: c.queueState,
        department: d?.id ? { id: d.id, name: d.name } : null,
        patient: p?.id ? { id: p.id, givenName: p.givenName, familyName: p.familyName } : null,
        channel: r?.channel ?? c.lastChannel,
        language: r?.language ?? null,
        waitingSince: waiting,
        waitSeconds: waiting ? waitSeconds(waiting, now) : null,
        lastMessage: messages.get(c.id) ?? null,
        handover: notes.get(c.id) ?? null,
        updatedAt: iso(c.updatedAt),
      },
    ];
  });
}

interface WaitingRow {
  caseId: string;
  departmentId: string | null;
  waitingSince: string;
  offeredTo: string | null;
}

/** Everything waiting in the organisation, longest first, with the agent it is offered to now. */
async function waitingRows(tx: Executor, organizationId: string): Promise<WaitingRow[]> {
  const rows = await tx
    .select({ caseId: caseRouting.caseId, departmentId: cases.departmentId, waitingSince: caseRouting.waitingSince, offeredTo: routingOffers.staffId })
    .from(caseRouting)
    .innerJoin(cases, eq(cases.id, caseRouting.caseId))
    .leftJoin(routingOffers, and(eq(routingOffers.caseId, caseRouting.caseId), eq(routingOffers.status, 'offered')))
    .where(and(eq(caseRouting.organizationId, organizationId), isNotNull(caseRouting.waitingSince), eq(cases.status, 'open'), eq(cases.queueState, 'queued')))
    .orderBy(caseRouting.waitingSince);
  return rows.map((r) => ({ ...r, waitingSince: iso(r.waitingSince!) }));
}

export interface QueueView extends QueueSummary {
  department: { id: string; slug: string; name: string } | null;
  waitTargetSeconds: number;
  breachingCount: number;
  /** Agents who serve this queue, in any presence. */
  agentsServing: number;
  /** Open cases of this department the virtual assistant is handling: not waiting, offered to nobody. */
  withAssistant: number;
  /** The longest-waiting cases (up to 20), with whom each is offered to now. */
  cases: Array<{ caseId: string; waitingSince: string; waitSeconds: number; offeredTo: string | null; breaching: boolean }>;
}

function queueView(
  department: QueueView['department'],
  waiting: WaitingRow[],
  agents: AgentView[],
  rule: RoutingRule,
  now: Date,
  withAssistant = 0,
): QueueView {
  const serving = agents.filter((a) => servesDepartment(a, department?.id ?? null));
  const summary = summarizeQueue(
    waiting.map((w) => ({ caseId: w.caseId, waitingSince: w.waitingSince, offered: w.offeredTo !== null })),
    serving,
    rule,
    now,
  );
  return {
    department,
    ...summary,
    waitTargetSeconds: rule.waitTargetSeconds,
    breachingCount: summary.breaching.length,
    agentsServing: serving.length,
    withAssistant,
    cases: waiting.slice(0, 20).map((w) => {
      const s = waitSeconds(w.waitingSince, now);
      return { caseId: w.caseId, waitingSince: w.waitingSince, waitSeconds: s, offeredTo: w.offeredTo, breaching: s > rule.waitTargetSeconds };
    }),
  };
}

/** Open cases the virtual assistant is handling, per department (queue state `assistant`). */
async function assistantCounts(tx: Executor, organizationId: string): Promise<Map<string | null, number>> {
  const rows = await tx
    .select({ departmentId: cases.departmentId, n: sql<number>`count(*)::int` })
    .from(cases)
    .where(and(eq(cases.organizationId, organizationId), eq(cases.status, 'open'), eq(cases.queueState, 'assistant')))
    .groupBy(cases.departmentId);
  return new Map(rows.map((r) => [r.departmentId, Number(r.n)]));
}

/**
 * The supervisor's live view: per department queue, what waits, for how long, who could take it.
 * Cases the assistant is handling wait nowhere; they are counted apart (`withAssistant`).
 */
export async function queuesView(tx: Executor, organizationId: string, now: Date): Promise<{ at: string; queues: QueueView[]; withAssistant: number }> {
  const [depts, waiting, agents, rules, assisted] = [
    await listDepartments(tx, organizationId),
    await waitingRows(tx, organizationId),
    await listAgents(tx, organizationId),
    await ruleRows(tx, organizationId),
    await assistantCounts(tx, organizationId),
  ];
  const ruleFor = lookupOf(rules);
  const queues = depts.map((d) =>
    queueView({ id: d.id, slug: d.slug, name: d.name }, waiting.filter((w) => w.departmentId === d.id), agents, ruleFor(d.id), now, assisted.get(d.id) ?? 0),
  );
  const orphans = waiting.filter((w) => w.departmentId === null);
  const orphansWithAssistant = assisted.get(null) ?? 0;
  if (orphans.length > 0 || orphansWithAssistant > 0) queues.push(queueView(null, orphans, agents, ruleFor(null), now, orphansWithAssistant));
  let withAssistant = 0;
  for (const n of assisted.values()) withAssistant += n;
  return { at: now.toISOString(), queues, withAssistant };
}

export interface OfferLine extends OfferView {
  secondsLeft: number;
  case: CaseLine | null;
}

/** An agent's offers: open ones by default (the ones they can still accept), newest first. */
export async function agentOffers(
  tx: Executor,
  organizationId: string,
  staffId: string,
  now: Date,
  status: 'offered' | 'accepted' | 'declined' | 'timed_out' | 'cancelled' = 'offered',
  limit = 50,
): Promise<OfferLine[]> {
  await getAgent(tx, organizationId, staffId);
  const rows = await tx
    .select()
    .from(routingOffers)
    .where(
      and(
        eq(routingOffers.organizationId, organizationId),
        eq(routingOffers.staffId, staffId),
        eq(routingOffers.status, status),
        ...(status === 'offered' ? [gt(routingOffers.expiresAt, now.toISOString())] : []),
      ),
    )
    .orderBy(desc(routingOffers.offeredAt))
    .limit(limit);
  const lines = new Map((await caseLines(tx, organizationId, [...new Set(rows.map((r) => r.caseId))], now)).map((l) => [l.caseId, l]));
  return rows.map((r) => ({
    ...offerView(r),
    secondsLeft: Math.max(0, Math.floor((Date.parse(r.expiresAt) - now.getTime()) / 1000)),
    case: lines.get(r.caseId) ?? null,
  }));
}

export interface Inbox {
  agent: AgentView;
  /** Open cases this agent holds, most recently active first. */
  assigned: CaseLine[];
  offers: OfferLine[];
  /** The department queues the agent serves: the summary and the longest-waiting cases. */
  queues: Array<QueueView & { waitingCases: CaseLine[] }>;
}

const INBOX_CASES = 100;
const INBOX_QUEUE_CASES = 25;

export async function agentInbox(tx: Executor, organizationId: string, staffId: string, now: Date): Promise<Inbox> {
  const agent = await getAgent(tx, organizationId, staffId);
  const held = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.organizationId, organizationId), eq(cases.ownerId, staffId), eq(cases.status, 'open'), eq(cases.queueState, 'assigned')))
    .orderBy(desc(cases.updatedAt))
    .limit(INBOX_CASES);
  const assigned = await caseLines(
    tx,
    organizationId,
    held.map((h) => h.id),
    now,
  );
  const offers = await agentOffers(tx, organizationId, staffId, now);
  const { queues } = await queuesView(tx, organizationId, now);
  const mine = queues.filter((q) => servesDepartment(agent, q.department?.id ?? null));
  // One read for the waiting cases of every queue shown, split afterwards.
  const lines = new Map(
    (await caseLines(tx, organizationId, mine.flatMap((q) => q.cases.slice(0, INBOX_QUEUE_CASES).map((c) => c.caseId)), now)).map((l) => [l.caseId, l]),
  );
  const withCases = mine.map((q) => ({
    ...q,
    waitingCases: q.cases.slice(0, INBOX_QUEUE_CASES).flatMap((c) => lines.get(c.caseId) ?? []),
  }));
  return { agent, assigned, offers, queues: withCases };
}

export type ConversationItem =
  | {
      type: 'message';
      id: string;
      interactionId: string;
      channel: string;
      direction: string;
      actor: string;
      staffId: string | null;
      body: string | null;
      subject: string | null;
      /** Attachments stay with the provider: links only. */
      mediaUrls: string[];
      occurredAt: string;
      readAt: string | null;
    }
  | { type: 'note'; id: string; kind: 'note' | 'handover'; staffId: string | null; body: string; toStaffId: string | null; toDepartmentId: string | null; occurredAt: string };

export interface Conversation {
  case: { id: string; status: string; requestType: string; queueState: string; ownerId: string | null; departmentId: string | null };
  /** The channel to answer on by default: the contact the case is about now. */
  currentChannel: string | null;
  currentInteractionId: string | null;
  contacts: Array<{ interactionId: string; channel: string; status: string; joinedBy: string | null; agentId: string | null; startedAt: string; endedAt: string | null }>;
  /** Every message from every channel and every internal note, oldest first. */
  items: ConversationItem[];
  /** More (older) messages exist before the first one here: ask again with `before` = its time. */
  hasMore: boolean;
}

/**
 * One conversation per case: what the patient and staff said on every channel, in order, with
 * the internal notes in between (marked as notes: they never reach the patient).
 */
export async function caseConversation(tx: Executor, organizationId: string, caseId: string, opts: { before?: string; limit?: number } = {}): Promise<Conversation> {
  const limit = opts.limit ?? 200;
  const [c] = await tx.select().from(cases).where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)));
  if (!c) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
  const contacts = await tx
    .select()
    .from(interactions)
    .where(and(eq(interactions.organizationId, organizationId), eq(interactions.caseId, caseId)))
    .orderBy(interactions.startedAt);
  const newestFirst = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.organizationId, organizationId), eq(messages.caseId, caseId), ...(opts.before ? [lt(messages.occurredAt, opts.before)] : [])))
    .orderBy(desc(messages.occurredAt))
    .limit(limit + 1);
  const hasMore = newestFirst.length > limit;
  const page = newestFirst.slice(0, limit).reverse();
  // Notes of the same stretch of time: from the first message shown (or the start) up to `before`.
  const from = hasMore ? page[0]?.occurredAt : undefined;
  const notes = await tx
    .select()
    .from(caseNotes)
    .where(
      and(
        eq(caseNotes.organizationId, organizationId),
        eq(caseNotes.caseId, caseId),
        ...(from ? [gte(caseNotes.createdAt, from)] : []),
        ...(opts.before ? [lt(caseNotes.createdAt, opts.before)] : []),
      ),
    )
    .orderBy(caseNotes.createdAt);
  const items: ConversationItem[] = [
    ...page.map((m) => ({
      type: 'message' as const,
      id: m.id,
      interactionId: m.interactionId,
      channel: m.channel,
      direction: m.direction,
      actor: m.actor,
      staffId: m.staffId,
      body: m.body,
      subject: m.subject,
      mediaUrls: m.mediaUrls ?? [],
      occurredAt: iso(m.occurredAt),
      readAt: iso(m.readAt),
    })),
    ...notes.map((n) => ({
      type: 'note' as const,
      id: n.id,
      kind: n.kind === 'handover' ? ('handover' as const) : ('note' as const),
      staffId: n.staffId,
      body: n.body,
      toStaffId: n.toStaffId,
      toDepartmentId: n.toDepartmentId,
      occurredAt: iso(n.createdAt),
    })),
  ].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  const [state] = await tx.select().from(caseRouting).where(and(eq(caseRouting.organizationId, organizationId), eq(caseRouting.caseId, caseId)));
  const live = [...contacts].sort((a, b) => Number(b.status === 'open') - Number(a.status === 'open') || Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt))[0];
  const current = contacts.find((i) => i.id === state?.interactionId) ?? live ?? null;
  return {
    case: { id: c.id, status: c.status, requestType: c.requestType, queueState: c.queueState, ownerId: c.ownerId, departmentId: c.departmentId },
    currentChannel: current?.channel ?? c.lastChannel,
    currentInteractionId: current?.id ?? null,
    contacts: contacts.map((i) => ({
      interactionId: i.id,
      channel: i.channel,
      status: i.status,
      joinedBy: i.joinedBy,
      agentId: i.agentId,
      startedAt: iso(i.startedAt),
      endedAt: iso(i.endedAt),
    })),
    items,
    hasMore,
  };
}
