import { and, eq, lte } from 'drizzle-orm';
import { capacityOf, type Channel } from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { ChangeSet } from '../store/events.ts';
import { cases } from '../store/schema.ts';
import { agentProfiles, routingOffers } from '../store/schema-routing.ts';
import { currentInteraction, dispatch, holdCase, interactionById, lockCaseWithContact, retrying } from './engine.ts';
import { agentLoadOn, caseRoutingOf, iso, type OfferRow } from './state.ts';

/** Why an agent passes on an offer: a short code, never free text (it lands in the event log). */
export const DECLINE_REASONS = ['busy', 'not_my_area', 'language', 'other'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export interface OfferView {
  id: string;
  caseId: string;
  staffId: string;
  interactionId: string | null;
  channel: string;
  reason: string;
  status: string;
  offeredAt: string;
  expiresAt: string;
  decidedAt: string | null;
  outcomeReason: string | null;
}

export function offerView(row: OfferRow): OfferView {
  return {
    id: row.id,
    caseId: row.caseId,
    staffId: row.staffId,
    interactionId: row.interactionId,
    channel: row.channel,
    reason: row.reason,
    status: row.status,
    offeredAt: iso(row.offeredAt),
    expiresAt: iso(row.expiresAt),
    decidedAt: iso(row.decidedAt),
    outcomeReason: row.outcomeReason,
  };
}

/** A refusal that still changed something (the stale offer was closed): committed, then reported as a 409. */
class Refusal {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}
}

/**
 * Locks in the house order (case, then offer) and hands the fresh offer and case to `work`. The
 * offer is read once without a lock only to learn its case.
 */
async function withOffer<T>(
  services: Services,
  organizationId: string,
  offerId: string,
  staffId: string | undefined,
  work: (changes: ChangeSet, offer: OfferRow, caseRow: typeof cases.$inferSelect) => Promise<T | Refusal>,
): Promise<T> {
  const outcome = await retrying(() => services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const [peek] = await tx.select({ caseId: routingOffers.caseId, staffId: routingOffers.staffId }).from(routingOffers).where(changes.owned(routingOffers, offerId));
    if (!peek) throw new BadInput('unknown_offer', 'No such offer in this organization.', 404);
    if (staffId && staffId !== peek.staffId) throw new BadInput('not_your_offer', 'This offer was made to another agent.', 403);
    const caseRow = await lockCaseWithContact(changes, peek.caseId);
    const [offer] = await tx.select().from(routingOffers).where(changes.owned(routingOffers, offerId)).for('update');
    if (!caseRow || !offer) throw new BadInput('unknown_offer', 'No such offer in this organization.', 404);
    if (offer.status !== 'offered') {
      throw new BadInput(`offer_${offer.status}`, `This offer is no longer open (${offer.status.replace('_', ' ')}).`, 409);
    }
    const result = await work(changes, offer, caseRow);
    changes.touch(caseRow.id);
    await changes.commit();
    return result;
  }));
  if (outcome instanceof Refusal) throw new BadInput(outcome.code, outcome.message, 409);
  return outcome;
}

async function closeOffer(changes: ChangeSet, offer: OfferRow, status: 'declined' | 'timed_out' | 'cancelled', why: string | null, at: string): Promise<void> {
  await changes.tx.update(routingOffers).set({ status, decidedAt: at, outcomeReason: why }).where(changes.owned(routingOffers, offer.id));
  const kind = status === 'declined' ? 'offer_declined' : status === 'timed_out' ? 'offer_timed_out' : 'offer_cancelled';
  await changes.append({
    kind,
    caseId: offer.caseId,
    interactionId: offer.interactionId,
    occurredAt: at,
    data: { offerId: offer.id, agentId: offer.staffId, channel: offer.channel, reason: offer.reason, ...(why ? { why } : {}) },
  });
}

export interface AcceptResult {
  offer: OfferView;
  caseId: string;
  interactionId: string | null;
  channel: string;
  /** How long the case waited, from joining the queue to this accept. */
  waitSeconds: number;
}

/**
 * The agent takes the case. Two agents can never both hold it: the case row is locked first and
 * only a case still waiting can be accepted. The agent's profile row is locked next, so their
 * own accepts run one at a time and the capacity check sees every earlier one.
 */
export async function acceptOffer(services: Services, organizationId: string, offerId: string, input: { staffId?: string } = {}): Promise<AcceptResult> {
  const at = services.now().toISOString();
  return withOffer(services, organizationId, offerId, input.staffId, async (changes, offer, caseRow) => {
    if (Date.parse(offer.expiresAt) <= Date.parse(at)) return new Refusal('offer_expired', 'This offer has expired; the case has moved on to the next agent.');
    if (caseRow.status !== 'open' || caseRow.queueState !== 'queued') {
      const why = caseRow.status !== 'open' ? 'case_closed' : 'taken';
      await closeOffer(changes, offer, 'cancelled', why, at);
      return new Refusal(why === 'taken' ? 'case_taken' : 'case_closed', why === 'taken' ? 'Someone else has already taken this case.' : 'This case is no longer open.');
    }
    const [agent] = await changes.tx
      .select()
      .from(agentProfiles)
      .where(and(eq(agentProfiles.organizationId, organizationId), eq(agentProfiles.staffId, offer.staffId)))
      .for('update');
    const state = await caseRoutingOf(changes.tx, organizationId, caseRow.id);
    const interaction = (await interactionById(changes, state?.interactionId ?? offer.interactionId)) ?? (await currentInteraction(changes, caseRow.id));
    const channel = (interaction?.channel ?? offer.channel) as Channel;
    const { held } = await agentLoadOn(changes.tx, organizationId, offer.staffId, channel);
    if (held + 1 > capacityOf(agent?.capacity)[channel]) {
      await closeOffer(changes, offer, 'cancelled', 'over_capacity', at);
      await dispatch(changes, at);
      return new Refusal('over_capacity', `You already hold as many ${channel} contacts as your capacity allows; the case goes to the next agent.`);
    }
    await changes.tx.update(routingOffers).set({ status: 'accepted', decidedAt: at }).where(changes.owned(routingOffers, offer.id));
    const waitSeconds = state?.waitingSince ? Math.max(0, Math.round((Date.parse(at) - Date.parse(state.waitingSince)) / 1000)) : 0;
    await changes.append({
      kind: 'offer_accepted',
      caseId: caseRow.id,
      patientId: caseRow.patientId,
      interactionId: interaction?.id ?? null,
      occurredAt: at,
      data: { offerId: offer.id, agentId: offer.staffId, channel, reason: offer.reason, waitSeconds },
    });
    await holdCase(changes, caseRow, offer.staffId, interaction, caseRow.departmentId, 'offer', at);
    const [row] = await changes.tx.select().from(routingOffers).where(changes.owned(routingOffers, offer.id));
    return { offer: offerView(row!), caseId: caseRow.id, interactionId: interaction?.id ?? null, channel, waitSeconds };
  });
}

export interface DeclineResult {
  offer: OfferView;
  /** The offer made next for the same case, if an agent was free. */
  next: OfferView | null;
}

/** The agent passes; the case is offered to the next agent straight away (never back to them for a while). */
export async function declineOffer(
  services: Services,
  organizationId: string,
  offerId: string,
  input: { staffId?: string; reason?: DeclineReason } = {},
): Promise<DeclineResult> {
  const at = services.now().toISOString();
  return withOffer(services, organizationId, offerId, input.staffId, async (changes, offer) => {
    await closeOffer(changes, offer, 'declined', input.reason ?? null, at);
    const made = await dispatch(changes, at);
    const [row] = await changes.tx.select().from(routingOffers).where(changes.owned(routingOffers, offer.id));
    const next = made.find((o) => o.caseId === offer.caseId);
    return { offer: offerView(row!), next: next ? offerView(next) : null };
  });
}

/** Withdraws an agent's open offers (they went away or offline) and offers those cases again. */
export async function withdrawOffersOf(services: Services, organizationId: string, staffId: string, why: string, at: string): Promise<number> {
  const open = await services.database.db
    .select({ id: routingOffers.id })
    .from(routingOffers)
    .where(and(eq(routingOffers.organizationId, organizationId), eq(routingOffers.staffId, staffId), eq(routingOffers.status, 'offered')));
  let withdrawn = 0;
  for (const { id } of open) {
    try {
      await withOffer(services, organizationId, id, staffId, async (changes, offer) => {
        await closeOffer(changes, offer, 'cancelled', why, at);
        await dispatch(changes, at);
        withdrawn++;
        return null;
      });
    } catch (err) {
      // Answered or expired meanwhile: nothing left to withdraw.
      if (!(err instanceof BadInput)) throw err;
    }
  }
  return withdrawn;
}

/**
 * Times out every open offer whose time has passed and offers those cases again. Safe in
 * several processes: a case another transaction holds is skipped and picked up next run.
 */
export async function expireDueOffers(services: Services, now: Date, batch = 200): Promise<number> {
  const at = now.toISOString();
  const due = await services.database.db
    .select({ id: routingOffers.id, organizationId: routingOffers.organizationId, caseId: routingOffers.caseId })
    .from(routingOffers)
    .where(and(eq(routingOffers.status, 'offered'), lte(routingOffers.expiresAt, at)))
    .orderBy(routingOffers.expiresAt)
    .limit(batch);
  let expired = 0;
  for (const row of due) {
    const done = await services.database.db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, row.organizationId);
      const [caseRow] = await tx.select({ id: cases.id }).from(cases).where(changes.owned(cases, row.caseId)).for('update', { skipLocked: true });
      if (!caseRow) return false;
      const [offer] = await tx.select().from(routingOffers).where(changes.owned(routingOffers, row.id)).for('update');
      if (!offer || offer.status !== 'offered' || Date.parse(offer.expiresAt) > now.getTime()) return false;
      await closeOffer(changes, offer, 'timed_out', null, at);
      await dispatch(changes, at);
      changes.touch(row.caseId);
      await changes.commit();
      return true;
    });
    if (done) expired++;
  }
  return expired;
}
