import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { capacityOf, departmentForRequestType, planRoutingOffers, type Channel, type PlannedOffer } from '@carethread/core';
import type { ChangeSet } from '../store/events.ts';
import { organizationDirectory } from '../store/orgs.ts';
import { cases, interactions, patients } from '../store/schema.ts';
import { agentProfiles, caseRouting, routingAssignments, routingOffers } from '../store/schema-routing.ts';
import {
  agentLoadOn,
  availableAgents,
  caseRoutingOf,
  casesWithoutOffer,
  lookupOf,
  ruleRows,
  type CaseRoutingRow,
  type OfferRow,
} from './state.ts';

// The routing engine: where a case waits, who is offered it, who holds it. Runs inside the
// caller's transaction (the pipeline's, an offer answer's, the timer's) and writes its events
// through the same ChangeSet.
//
// Lock order, everywhere: the case's current contact (as the pipeline takes it), the case row,
// the offer row, the agent's profile row. Dispatch takes the rows of other cases and of agents
// with SKIP LOCKED, so it never waits on another transaction: what it skips, the next dispatch
// (at the latest the timer's sweep) picks up.

type CaseRow = typeof cases.$inferSelect;
type InteractionRow = typeof interactions.$inferSelect;
/** What routing needs of a contact. */
type Contact = Pick<InteractionRow, 'id' | 'agentId' | 'channel' | 'language'>;

/** The contact a case is about now: the live one before one that just ended, newest first. */
export async function currentInteraction(changes: ChangeSet, caseId: string): Promise<InteractionRow | null> {
  const [row] = await changes.tx
    .select()
    .from(interactions)
    .where(and(eq(interactions.organizationId, changes.organizationId), eq(interactions.caseId, caseId)))
    .orderBy(sql`${interactions.status} = 'open' desc`, desc(interactions.lastActivityAt))
    .limit(1);
  return row ?? null;
}

/**
 * Locks a case the way the pipeline does, its current contact first and then the case, so an
 * offer answer or a transfer never deadlocks with a message arriving on that contact.
 */
export async function lockCaseWithContact(changes: ChangeSet, caseId: string): Promise<CaseRow | null> {
  const contact = await currentInteraction(changes, caseId);
  if (contact) await changes.tx.select({ id: interactions.id }).from(interactions).where(changes.owned(interactions, contact.id)).for('update');
  const [caseRow] = await changes.tx.select().from(cases).where(changes.owned(cases, caseId)).for('update');
  return caseRow ?? null;
}

/** Deadlocks and serialisation failures are retried: the whole transaction runs again. */
export function isRetryable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === '40P01' || e.code === '40001') return true;
  }
  return false;
}

export async function retrying<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (i >= attempts || !isRetryable(err)) throw err;
    }
  }
}

export async function interactionById(changes: ChangeSet, id: string | null): Promise<InteractionRow | null> {
  if (!id) return null;
  const [row] = await changes.tx.select().from(interactions).where(changes.owned(interactions, id));
  return row ?? null;
}

async function saveState(changes: ChangeSet, caseId: string, values: Partial<typeof caseRouting.$inferInsert> & { updatedAt: string }): Promise<void> {
  await changes.tx
    .insert(caseRouting)
    .values({ caseId, organizationId: changes.organizationId, ...values })
    .onConflictDoUpdate({ target: caseRouting.caseId, set: values, setWhere: eq(caseRouting.organizationId, changes.organizationId) });
}

async function noteRouted(changes: ChangeSet, caseRow: CaseRow, departmentId: string | null, queueState: 'queued' | 'assigned' | 'assistant', at: string): Promise<void> {
  if (caseRow.departmentId === departmentId && caseRow.queueState === queueState) return;
  await changes.append({
    kind: 'case_routed',
    caseId: caseRow.id,
    patientId: caseRow.patientId,
    occurredAt: at,
    data: { departmentId, queueState, requestType: caseRow.requestType },
  });
}

/** Closes the open offer of a case, if any (someone else took it, it closed, it moved). */
export async function cancelOpenOffers(changes: ChangeSet, caseId: string, why: string, at: string): Promise<OfferRow[]> {
  const closed = await changes.tx
    .update(routingOffers)
    .set({ status: 'cancelled', decidedAt: at, outcomeReason: why })
    .where(and(eq(routingOffers.organizationId, changes.organizationId), eq(routingOffers.caseId, caseId), eq(routingOffers.status, 'offered')))
    .returning();
  for (const offer of closed) {
    await changes.append({
      kind: 'offer_cancelled',
      caseId,
      interactionId: offer.interactionId,
      occurredAt: at,
      data: { offerId: offer.id, agentId: offer.staffId, channel: offer.channel, reason: offer.reason, why },
    });
  }
  return closed;
}

export async function activeAssignment(changes: ChangeSet, caseId: string): Promise<typeof routingAssignments.$inferSelect | null> {
  const [row] = await changes.tx
    .select()
    .from(routingAssignments)
    .where(and(eq(routingAssignments.organizationId, changes.organizationId), eq(routingAssignments.caseId, caseId), isNull(routingAssignments.releasedAt)));
  return row ?? null;
}

export async function releaseAssignment(changes: ChangeSet, caseId: string, why: string, at: string): Promise<void> {
  await changes.tx
    .update(routingAssignments)
    .set({ releasedAt: at, releaseReason: why })
    .where(and(eq(routingAssignments.organizationId, changes.organizationId), eq(routingAssignments.caseId, caseId), isNull(routingAssignments.releasedAt)));
}

export type HoldVia = 'offer' | 'manual' | 'voice' | 'owner';

/**
 * `agentId` holds the case and its current contact: the owner, the contact's handler and the
 * seat on that channel all agree, the case leaves the queue, and any open offer is withdrawn.
 */
export async function holdCase(
  changes: ChangeSet,
  caseRow: CaseRow,
  agentId: string,
  interaction: Contact | null,
  departmentId: string | null,
  via: HoldVia,
  at: string,
): Promise<void> {
  const tx = changes.tx;
  if (interaction && interaction.agentId !== agentId) {
    // The pipeline locks a contact before its case; a caller holding the case lock first (a
    // manual assignment) must not wait for the contact. If a message is being ingested on it
    // right now, that ingest routes the case next and sets the handler then.
    const [free] = await tx.select({ id: interactions.id }).from(interactions).where(changes.owned(interactions, interaction.id)).for('update', { skipLocked: true });
    if (free) await tx.update(interactions).set({ agentId }).where(changes.owned(interactions, interaction.id));
  }
  if (caseRow.ownerId !== agentId || caseRow.queueState !== 'assigned' || caseRow.departmentId !== departmentId) {
    await tx.update(cases).set({ ownerId: agentId, queueState: 'assigned', departmentId, updatedAt: at }).where(changes.owned(cases, caseRow.id));
  }
  await noteRouted(changes, caseRow, departmentId, 'assigned', at);
  const channel = (interaction?.channel ?? caseRow.lastChannel ?? 'webchat') as Channel;
  const active = await activeAssignment(changes, caseRow.id);
  if (!active || active.staffId !== agentId || active.interactionId !== (interaction?.id ?? null)) {
    if (active) await releaseAssignment(changes, caseRow.id, active.staffId === agentId ? 'next_contact' : 'reassigned', at);
    await tx.insert(routingAssignments).values({
      organizationId: changes.organizationId,
      caseId: caseRow.id,
      staffId: agentId,
      interactionId: interaction?.id ?? null,
      channel,
      via,
      assignedAt: at,
    });
  }
  await saveState(changes, caseRow.id, {
    departmentId,
    waitingSince: null,
    interactionId: interaction?.id ?? null,
    channel,
    preferredAgentId: null,
    preferredReason: null,
    lastAgentId: agentId,
    updatedAt: at,
  });
  await cancelOpenOffers(changes, caseRow.id, 'taken', at);
}

/**
 * Puts a case on its department's queue (or keeps it there, following its newest contact).
 * A case that starts waiting remembers who handled it last: they are offered it first.
 * Returns whether anything routing cares about changed (so a dispatch is worth running).
 */
async function enqueue(
  changes: ChangeSet,
  caseRow: CaseRow,
  state: CaseRoutingRow | null,
  contacts: Contact[],
  patientLanguage: string | null,
  departmentId: string | null,
  at: string,
): Promise<boolean> {
  const interaction = contacts[0] ?? null;
  const waiting = !!state?.waitingSince;
  const channel = interaction?.channel ?? state?.channel ?? caseRow.lastChannel ?? 'webchat';
  const language = interaction?.language ?? (interaction?.id === state?.interactionId ? state?.language : null) ?? patientLanguage;
  let changed = false;
  if (waiting) {
    if (state!.interactionId !== (interaction?.id ?? null) || state!.departmentId !== departmentId || state!.channel !== channel || state!.language !== language) {
      await saveState(changes, caseRow.id, { departmentId, interactionId: interaction?.id ?? null, channel, language, updatedAt: at });
      changed = true;
    }
  } else {
    // The agent who last handled it: the owner, routing's own record, else whoever took one of its contacts.
    const previous = caseRow.ownerId ?? state?.lastAgentId ?? contacts.find((c) => c.agentId)?.agentId ?? null;
    if (state) await releaseAssignment(changes, caseRow.id, 'requeued', at);
    await saveState(changes, caseRow.id, {
      departmentId,
      waitingSince: at,
      interactionId: interaction?.id ?? null,
      channel,
      language,
      preferredAgentId: previous,
      preferredReason: previous ? 'same_agent' : null,
      lastAgentId: previous,
      updatedAt: at,
    });
    changed = true;
  }
  if (caseRow.queueState !== 'queued' || caseRow.ownerId !== null || caseRow.departmentId !== departmentId) {
    // Waiting means nobody holds it: the last handler is remembered in case_routing, not as owner.
    await changes.tx.update(cases).set({ queueState: 'queued', ownerId: null, departmentId }).where(changes.owned(cases, caseRow.id));
    changed = true;
  }
  await noteRouted(changes, caseRow, departmentId, 'queued', at);
  return changed;
}

/**
 * Routing for one case, called by the pipeline's `routeCase` whenever something happened on an
 * open case (a message, a manual assignment, an agent taking a call). The caller holds the case
 * row's lock. In order:
 *
 * - assigned with an owner: the owner keeps it and handles its current contact, unless that
 *   contact is a new one nobody has taken (the patient came back on another contact): then the
 *   case waits again, offered first to the owner;
 * - somebody took the current contact (an agent answered the queued call): they hold the case;
 * - otherwise it waits on its department's queue, and waiting cases are offered.
 */
export async function routeCaseWithEngine(changes: ChangeSet, given: CaseRow, at: string): Promise<void> {
  // Re-read under the lock the caller already holds: the row it read may predate a commit it
  // waited for (an accept that landed while this message was being ingested). One round trip
  // brings the routing state and the patient's language along.
  const [row] = await changes.tx
    .select({
      c: cases,
      r: caseRouting,
      patientLanguage: patients.language,
      // The case's contacts, current first (live before ended, newest first), in the same trip.
      contacts: sql<Array<{ id: string; agent_id: string | null; channel: string; language: string | null }> | string | null>`(
        select json_agg(x order by x.n) from (
          select i.id, i.agent_id, i.channel, i.language,
                 row_number() over (order by i.status = 'open' desc, i.last_activity_at desc) as n
          from ${interactions} i
          where i.organization_id = ${changes.organizationId} and i.case_id = ${cases.id}
          order by i.status = 'open' desc, i.last_activity_at desc
          limit 20) x)`,
    })
    .from(cases)
    .leftJoin(caseRouting, eq(caseRouting.caseId, cases.id))
    .leftJoin(patients, eq(patients.id, cases.patientId))
    .where(changes.owned(cases, given.id))
    .for('update', { of: cases });
  if (!row) return;
  const { c: caseRow, r: state, patientLanguage } = row;
  const rawContacts = typeof row.contacts === 'string' ? (JSON.parse(row.contacts) as Exclude<typeof row.contacts, string>) : row.contacts;
  const contacts: Contact[] = (rawContacts ?? []).map((x) => ({ id: x.id, agentId: x.agent_id, channel: x.channel, language: x.language }));
  if (caseRow.status !== 'open') {
    if (state?.waitingSince) await saveState(changes, caseRow.id, { waitingSince: null, updatedAt: at });
    await cancelOpenOffers(changes, caseRow.id, 'case_closed', at);
    return;
  }
  const departmentId = await departmentOf(changes, caseRow, state);
  const current = contacts[0] ?? null;

  if (caseRow.queueState === ASSISTANT_QUEUE_STATE && !current?.agentId) {
    await keepWithAssistant(changes, caseRow, state, departmentId, at);
    return;
  }
  if (caseRow.queueState === 'assigned' && caseRow.ownerId) {
    if (current?.agentId && current.agentId !== caseRow.ownerId) {
      // Owner and handler disagree: whichever changed outside routing wins. Routing recorded who
      // holds this contact; if that is still the handler, the owner was reassigned (a person
      // moved the case), otherwise someone else picked the contact up (an agent took the call).
      const active = await activeAssignment(changes, caseRow.id);
      const reassigned = !!active && active.staffId === current.agentId && active.interactionId === current.id;
      const holder = reassigned ? caseRow.ownerId : current.agentId;
      await holdCase(changes, caseRow, holder, current, departmentId, reassigned ? 'manual' : 'voice', at);
      return;
    }
    const newContact = !!current && !current.agentId && !!state?.interactionId && state.interactionId !== current.id;
    if (!newContact) {
      const steady = current?.agentId === caseRow.ownerId && state?.interactionId === current?.id && state?.departmentId === departmentId && !state?.waitingSince;
      if (!steady) await holdCase(changes, caseRow, caseRow.ownerId, current, departmentId, current?.agentId ? 'owner' : 'manual', at);
      return;
    }
  } else if (current?.agentId) {
    await holdCase(changes, caseRow, caseRow.ownerId ?? current.agentId, current, departmentId, 'voice', at);
    return;
  }
  // A case already waiting, unchanged, was offered when it started waiting and is re-offered by
  // whatever frees an agent (presence, an answer, the timer): another message changes nothing.
  if (await enqueue(changes, caseRow, state, contacts, patientLanguage, departmentId, at)) await dispatch(changes, at);
}

/**
 * Queue state of a case the virtual assistant is handling (docs/assistant.md): it waits on no
 * queue and is offered to nobody until the assistant hands it off, escalates it, or a person
 * picks it (an assignment, or an agent taking its call). Only the assistant sets it; routing
 * without an assistant never sees it.
 */
export const ASSISTANT_QUEUE_STATE = 'assistant';

/** The assistant holds the case: it knows its department (for the supervisor's count), and nothing waits or is offered. */
async function keepWithAssistant(changes: ChangeSet, caseRow: CaseRow, state: CaseRoutingRow | null, departmentId: string | null, at: string): Promise<void> {
  if (caseRow.ownerId !== null || caseRow.departmentId !== departmentId) {
    await changes.tx.update(cases).set({ ownerId: null, departmentId }).where(changes.owned(cases, caseRow.id));
  }
  if (state?.waitingSince) await saveState(changes, caseRow.id, { waitingSince: null, updatedAt: at });
  await cancelOpenOffers(changes, caseRow.id, 'assistant', at);
  await noteRouted(changes, caseRow, departmentId, ASSISTANT_QUEUE_STATE, at);
}

/**
 * The assistant lets go of a case (hand-off, urgent symptoms, a call put on hold): it goes back
 * to ordinary routing, so it waits on its department's queue and is offered. Call with the
 * case locked, inside the caller's transaction; a case not held by the assistant is unchanged.
 */
export async function releaseFromAssistant(changes: ChangeSet, caseId: string): Promise<boolean> {
  const released = await changes.tx
    .update(cases)
    .set({ queueState: 'none' })
    .where(and(changes.owned(cases, caseId), eq(cases.queueState, ASSISTANT_QUEUE_STATE)))
    .returning({ id: cases.id });
  return released.length > 0;
}

async function departmentOf(changes: ChangeSet, caseRow: CaseRow, state: CaseRoutingRow | null): Promise<string | null> {
  if (state?.departmentPinned && caseRow.departmentId) return caseRow.departmentId;
  const departments = (await organizationDirectory(changes.tx, changes.organizationId))?.departments ?? [];
  return departmentForRequestType(departments, caseRow.requestType)?.id ?? null;
}

/**
 * Makes the offers the policy plans for this organisation's waiting cases, checking each one
 * again under its locks. Returns the offers made.
 */
export async function dispatch(changes: ChangeSet, at: string): Promise<OfferRow[]> {
  const tx = changes.tx;
  const org = changes.organizationId;
  const agents = await availableAgents(tx, org);
  if (agents.length === 0) return [];
  const rules = await ruleRows(tx, org);
  const now = new Date(at);
  const waiting = await casesWithoutOffer(tx, org, now, rules);
  if (waiting.length === 0) return [];
  const plan = planRoutingOffers(waiting, agents, lookupOf(rules), now);
  const made: OfferRow[] = [];
  for (const planned of plan) {
    const offer = await makeOffer(changes, planned, at);
    if (offer) made.push(offer);
  }
  return made;
}

async function makeOffer(changes: ChangeSet, planned: PlannedOffer, at: string): Promise<OfferRow | null> {
  const tx = changes.tx;
  const [caseRow] = await tx
    .select({ id: cases.id, status: cases.status, queueState: cases.queueState, patientId: cases.patientId })
    .from(cases)
    .where(changes.owned(cases, planned.caseId))
    .for('update', { skipLocked: true });
  if (!caseRow || caseRow.status !== 'open' || caseRow.queueState !== 'queued') return null;
  const [agent] = await tx
    .select()
    .from(agentProfiles)
    .where(and(eq(agentProfiles.organizationId, changes.organizationId), eq(agentProfiles.staffId, planned.agentId)))
    .for('update', { skipLocked: true });
  if (!agent || agent.presence !== 'available') return null;
  const load = await agentLoadOn(tx, changes.organizationId, agent.staffId, planned.channel);
  if (load.held + load.offered >= capacityOf(agent.capacity)[planned.channel]) return null;
  const state = await caseRoutingOf(tx, changes.organizationId, planned.caseId);
  const [offer] = await tx
    .insert(routingOffers)
    .values({
      organizationId: changes.organizationId,
      caseId: planned.caseId,
      staffId: planned.agentId,
      interactionId: state?.interactionId ?? null,
      channel: planned.channel,
      reason: planned.reason,
      offeredAt: at,
      expiresAt: planned.expiresAt,
    })
    // The partial unique index keeps one open offer per case; losing that race is not an error.
    .onConflictDoNothing()
    .returning();
  if (!offer) return null;
  await tx
    .update(agentProfiles)
    .set({ lastOfferedAt: at })
    .where(and(eq(agentProfiles.organizationId, changes.organizationId), eq(agentProfiles.staffId, agent.staffId)));
  await changes.append({
    kind: 'offer_made',
    caseId: planned.caseId,
    patientId: caseRow.patientId,
    interactionId: offer.interactionId,
    occurredAt: at,
    data: { offerId: offer.id, agentId: offer.staffId, channel: offer.channel, reason: offer.reason, expiresAt: offer.expiresAt },
  });
  return offer;
}
