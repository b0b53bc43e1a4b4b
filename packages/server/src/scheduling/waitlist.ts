import { and, asc, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import {
  invalidPreferences,
  offerHoldUntil,
  rankWaitlist,
  sendDecision,
  waitlistOfferMessage,
  zonedParts,
  type SlotPreferences,
} from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import type { Executor } from '../store/db.ts';
import { ChangeSet } from '../store/events.ts';
import { getActivePatient } from '../store/patients.ts';
import { withPreferredLanguage } from '../store/preferences.ts';
import { cases } from '../store/schema.ts';
import { appointments, slots, waitlistEntries } from '../store/schema-scheduling.ts';
import {
  inTransaction,
  iso,
  orgContext,
  queueToPatient,
  releaseSlot,
  slotContext,
  zoneOf,
  type AppointmentRow,
  type OrgContext,
} from './common.ts';
import { contactRouteFor } from './contact.ts';
import { assertLocation, assertProvider, resolveDepartment } from './directory.ts';
import { findAppointment } from './views.ts';

/**
 * The waitlist: patients who want a sooner or better time than any free one. When a slot is
 * freed (a cancellation, a move, an expired or declined offer), the best-matching waiting
 * patient is offered it in the same transaction: the slot is held for them (busy-tentative,
 * a `proposed` appointment with a hold deadline) and an outbox message tells them on their
 * channel. Accepting books it; declining or letting the hold run out offers it to the next.
 */

export type WaitlistRow = typeof waitlistEntries.$inferSelect;
const HOLDING = ['proposed', 'pending', 'booked', 'arrived'] as const;

export interface WaitlistView extends Omit<WaitlistRow, 'createdAt' | 'updatedAt' | 'closedAt'> {
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

const view = (r: WaitlistRow): WaitlistView => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt), closedAt: iso(r.closedAt) });

export interface WaitlistInput {
  patientId: string;
  caseId?: string;
  departmentId?: string;
  /** Department slug, as an alternative to its id. */
  department?: string;
  providerId?: string;
  locationId?: string;
  serviceType?: string;
  preferences?: SlotPreferences;
  /** The patient's zone for reading preferences; default the organisation's. */
  timeZone?: string;
  at?: string;
}

export async function addToWaitlist(services: Services, organizationId: string, input: WaitlistInput): Promise<WaitlistView> {
  return inTransaction(services, organizationId, async (changes) => {
    const { tx } = changes;
    const at = input.at ?? services.now().toISOString();
    const { org } = await orgContext(tx, organizationId);
    const patient = await getActivePatient(tx, organizationId, input.patientId);
    if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
    if (input.caseId) await assertCase(tx, organizationId, input.caseId, patient.id);
    const departmentId = await resolveDepartment(tx, organizationId, input);
    if (input.providerId) await assertProvider(tx, organizationId, input.providerId);
    if (input.locationId) await assertLocation(tx, organizationId, input.locationId);
    const preferences = input.preferences ?? {};
    const timeZone = input.timeZone ?? org.timeZone;
    const problem = invalidPreferences(preferences, timeZone);
    if (problem) throw new BadInput('invalid_preferences', problem, 422);
    if (preferences.latestDate && preferences.latestDate < zonedParts(new Date(at), timeZone).date) {
      throw new BadInput('invalid_preferences', 'latestDate is already past.', 422);
    }
    const [same] = await tx
      .select({ id: waitlistEntries.id })
      .from(waitlistEntries)
      .where(
        and(
          eq(waitlistEntries.organizationId, organizationId),
          eq(waitlistEntries.patientId, patient.id),
          inArray(waitlistEntries.status, ['waiting', 'offered']),
          departmentId ? eq(waitlistEntries.departmentId, departmentId) : isNull(waitlistEntries.departmentId),
          input.providerId ? eq(waitlistEntries.providerId, input.providerId) : isNull(waitlistEntries.providerId),
          input.serviceType ? eq(waitlistEntries.serviceType, input.serviceType) : isNull(waitlistEntries.serviceType),
        ),
      );
    if (same) throw new BadInput('already_on_waitlist', 'This patient is already on the waitlist for that; update or remove that entry instead.', 409);
    const [row] = await tx
      .insert(waitlistEntries)
      .values({
        organizationId,
        patientId: patient.id,
        caseId: input.caseId ?? null,
        departmentId,
        providerId: input.providerId ?? null,
        locationId: input.locationId ?? null,
        serviceType: input.serviceType ?? null,
        preferences,
        timeZone,
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    await changes.append({
      kind: 'waitlist_added',
      caseId: row!.caseId,
      patientId: patient.id,
      occurredAt: at,
      data: { entryId: row!.id, departmentId, providerId: row!.providerId, serviceType: row!.serviceType },
    });
    return view(row!);
  });
}

export async function assertCase(tx: Executor, organizationId: string, caseId: string, patientId: string): Promise<void> {
  const [row] = await tx
    .select({ patientId: cases.patientId, status: cases.status })
    .from(cases)
    .where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)));
  if (!row) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
  if (row.status === 'merged') throw new BadInput('case_merged', 'That case was folded into another case; use that one.', 409);
  if (row.patientId && row.patientId !== patientId) throw new BadInput('case_patient_mismatch', 'That case belongs to a different patient.', 422);
}

export async function listWaitlist(
  services: Services,
  organizationId: string,
  filter: { status?: WaitlistRow['status']; patientId?: string; limit?: number } = {},
): Promise<WaitlistView[]> {
  const rows = await services.database.db
    .select()
    .from(waitlistEntries)
    .where(
      and(
        eq(waitlistEntries.organizationId, organizationId),
        ...(filter.status ? [eq(waitlistEntries.status, filter.status)] : []),
        ...(filter.patientId ? [eq(waitlistEntries.patientId, filter.patientId)] : []),
      ),
    )
    .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id))
    .limit(filter.limit ?? 200);
  return rows.map(view);
}

export async function getWaitlistEntry(tx: Executor, organizationId: string, id: string, lock = false): Promise<WaitlistRow> {
  const q = tx
    .select()
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.organizationId, organizationId), eq(waitlistEntries.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw new BadInput('unknown_waitlist_entry', 'No such waitlist entry in this organization.', 404);
  return row;
}

/** The patient no longer waits. An offer they were holding is withdrawn and goes to the next. */
export async function removeFromWaitlist(services: Services, organizationId: string, entryId: string, opts: { at?: string } = {}): Promise<WaitlistView> {
  return inTransaction(services, organizationId, async (changes) => {
    const at = opts.at ?? services.now().toISOString();
    const entry = await getWaitlistEntry(changes.tx, organizationId, entryId, true);
    if (entry.status !== 'waiting' && entry.status !== 'offered') {
      throw new BadInput('waitlist_entry_closed', `This waitlist entry is already ${entry.status}.`, 409);
    }
    const [row] = await changes.tx
      .update(waitlistEntries)
      .set({ status: 'removed', offerAppointmentId: null, updatedAt: at, closedAt: at })
      .where(changes.owned(waitlistEntries, entryId))
      .returning();
    await changes.append({ kind: 'waitlist_removed', caseId: entry.caseId, patientId: entry.patientId, occurredAt: at, data: { entryId, reason: 'removed' } });
    if (entry.status === 'offered' && entry.offerAppointmentId) {
      const offer = await findAppointment(changes.tx, organizationId, entry.offerAppointmentId, { lock: true });
      if (offer && offer.status === 'proposed') await closeOffer(changes, await orgContext(changes.tx, organizationId), offer, at, 'offer_withdrawn');
    }
    return view(row!);
  });
}

export interface OfferResult {
  appointmentId: string;
  entryId: string;
  patientId: string;
  holdExpiresAt: string;
  channel: string;
  sendAt: string;
}

/**
 * Offers a free slot to the best-matching waiting patient, inside the caller's transaction.
 * The chosen entry is taken FOR UPDATE SKIP LOCKED, so two slots freed at once never offer to
 * the same entry twice. A patient is never offered the same slot again after declining or letting it
 * lapse, nor a slot that overlaps an appointment they already hold.
 */
export async function offerFreedSlot(changes: ChangeSet, ctx: OrgContext, slotId: string, at: string, excludePatientIds: readonly string[] = []): Promise<OfferResult | null> {
  const { tx, organizationId } = changes;
  const sc = await slotContext(tx, organizationId, slotId);
  if (!sc || sc.slot.status !== 'free' || !sc.schedule.active || !sc.provider.active || !sc.location.active) return null;
  const start = new Date(sc.slot.start);
  const timeZone = zoneOf(sc.location, ctx.org);
  // Offers follow the same quiet hours as reminders: at night the message waits for the
  // morning, and the hold counts from when it goes out.
  const decision = sendDecision(new Date(at), start, ctx.policy.quietHours, timeZone);
  if (decision.action === 'skip') return null;
  const sendAt = decision.action === 'defer' ? decision.until : new Date(at);
  const holdUntil = offerHoldUntil(start, sendAt, ctx.policy.offerHoldMinutes, ctx.policy.offerMinLeadMinutes);
  if (!holdUntil) return null;

  const deptId = sc.provider.departmentId;
  const entries = await tx
    .select()
    .from(waitlistEntries)
    .where(
      and(
        eq(waitlistEntries.organizationId, organizationId),
        eq(waitlistEntries.status, 'waiting'),
        deptId ? or(isNull(waitlistEntries.departmentId), eq(waitlistEntries.departmentId, deptId)) : isNull(waitlistEntries.departmentId),
        or(isNull(waitlistEntries.providerId), eq(waitlistEntries.providerId, sc.provider.id)),
        or(isNull(waitlistEntries.locationId), eq(waitlistEntries.locationId, sc.location.id)),
        sc.schedule.serviceType
          ? or(isNull(waitlistEntries.serviceType), eq(waitlistEntries.serviceType, sc.schedule.serviceType))
          : isNull(waitlistEntries.serviceType),
      ),
    )
    .orderBy(asc(waitlistEntries.createdAt))
    .limit(500);
  if (entries.length === 0) return null;

  const excluded = new Set(excludePatientIds);
  const previous = await tx
    .select({ patientId: appointments.patientId })
    .from(appointments)
    .where(
      and(
        eq(appointments.organizationId, organizationId),
        eq(appointments.slotId, slotId),
        eq(appointments.status, 'cancelled'),
        inArray(appointments.cancelReason, ['offer_declined', 'offer_expired']),
      ),
    );
  for (const p of previous) excluded.add(p.patientId);
  const busy = await tx
    .select({ patientId: appointments.patientId })
    .from(appointments)
    .where(
      and(
        eq(appointments.organizationId, organizationId),
        inArray(appointments.patientId, [...new Set(entries.map((e) => e.patientId))]),
        inArray(appointments.status, [...HOLDING]),
        sql`${appointments.start} < ${sc.slot.end}`,
        sql`${appointments.end} > ${sc.slot.start}`,
      ),
    );
  for (const p of busy) excluded.add(p.patientId);

  const ranked = rankWaitlist(
    entries.filter((e) => !excluded.has(e.patientId)).map((e) => ({ ...e, createdAt: iso(e.createdAt) })),
    {
      start,
      end: new Date(sc.slot.end),
      departmentId: deptId,
      providerId: sc.provider.id,
      locationId: sc.location.id,
      serviceType: sc.schedule.serviceType,
      providerLanguages: sc.provider.languages,
    },
    timeZone,
  );
  for (const entry of ranked) {
    // Only the chosen entry is locked, and one another transaction holds is passed over: two
    // slots freed at the same moment go to two different patients instead of waiting on each other.
    const [mine] = await tx
      .select({ id: waitlistEntries.id })
      .from(waitlistEntries)
      .where(and(eq(waitlistEntries.organizationId, organizationId), eq(waitlistEntries.id, entry.id), eq(waitlistEntries.status, 'waiting')))
      .for('update', { skipLocked: true });
    if (!mine) continue;
    // The language the patient asked for (docs/consent.md) wins over the record's.
    const patient = await withPreferredLanguage(tx, organizationId, await getActivePatient(tx, organizationId, entry.patientId));
    if (!patient || excluded.has(patient.id)) continue;
    const route = await contactRouteFor(tx, organizationId, patient, { hasCase: !!entry.caseId });
    if (!route) continue;
    const held = await tx
      .update(slots)
      .set({ status: 'busy-tentative', updatedAt: at })
      .where(and(eq(slots.organizationId, organizationId), eq(slots.id, slotId), eq(slots.status, 'free')))
      .returning({ id: slots.id });
    if (held.length === 0) return null;
    const holdExpiresAt = holdUntil.toISOString();
    const [offer] = await tx
      .insert(appointments)
      .values({
        organizationId,
        patientId: patient.id,
        slotId,
        scheduleId: sc.schedule.id,
        providerId: sc.provider.id,
        locationId: sc.location.id,
        start: start.toISOString(),
        end: new Date(sc.slot.end).toISOString(),
        status: 'proposed',
        serviceType: sc.schedule.serviceType,
        caseId: entry.caseId,
        waitlistEntryId: entry.id,
        source: 'waitlist',
        bookedBy: 'waitlist',
        holdExpiresAt,
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    await tx.update(waitlistEntries).set({ status: 'offered', offerAppointmentId: offer!.id, updatedAt: at }).where(changes.owned(waitlistEntries, entry.id));
    const message = waitlistOfferMessage(
      {
        organizationName: ctx.org.name,
        providerName: sc.provider.name,
        locationName: sc.location.name,
        locationAddress: sc.location.addressLine,
        start,
        timeZone,
        holdUntil,
      },
      patient.language === 'es' || patient.language === 'en' ? patient.language : null,
    );
    await queueToPatient(changes, {
      caseId: entry.caseId,
      patientId: patient.id,
      channel: route.channel,
      address: route.address,
      text: message.text,
      subject: message.subject,
      purpose: 'waitlist_offer',
      appointmentId: offer!.id,
      idempotencyKey: `waitlist-offer:${offer!.id}`,
      at,
      sendAt: sendAt.toISOString(),
      notAfter: holdExpiresAt,
    });
    await changes.append({
      kind: 'waitlist_offered',
      caseId: entry.caseId,
      patientId: patient.id,
      occurredAt: at,
      data: { entryId: entry.id, appointmentId: offer!.id, slotId, providerId: sc.provider.id, holdExpiresAt, channel: route.channel, score: entry.fit.score },
    });
    changes.touch(entry.caseId);
    return { appointmentId: offer!.id, entryId: entry.id, patientId: patient.id, holdExpiresAt, channel: route.channel, sendAt: sendAt.toISOString() };
  }
  return null;
}

/**
 * Ends a waitlist offer that was not taken: the proposed appointment is cancelled, the slot is
 * free again, the entry waits again (unless it was withdrawn or its last date has passed), and
 * the slot is offered to the next patient in line.
 */
export async function closeOffer(
  changes: ChangeSet,
  ctx: OrgContext,
  offer: AppointmentRow,
  at: string,
  reason: 'offer_declined' | 'offer_expired' | 'offer_withdrawn',
): Promise<OfferResult | null> {
  const { tx, organizationId } = changes;
  await tx
    .update(appointments)
    .set({ status: 'cancelled', cancelledAt: at, cancelReason: reason, updatedAt: at })
    .where(changes.owned(appointments, offer.id));
  await releaseSlot(changes, offer.slotId, at);
  if (offer.waitlistEntryId && reason !== 'offer_withdrawn') {
    const entry = await getWaitlistEntry(tx, organizationId, offer.waitlistEntryId, true);
    if (entry.status === 'offered' && entry.offerAppointmentId === offer.id) {
      const lapsed = entry.preferences.latestDate !== undefined && entry.preferences.latestDate < zonedParts(new Date(at), entry.timeZone).date;
      await tx
        .update(waitlistEntries)
        .set({ status: lapsed ? 'expired' : 'waiting', offerAppointmentId: null, updatedAt: at, ...(lapsed ? { closedAt: at } : {}) })
        .where(changes.owned(waitlistEntries, entry.id));
    }
  }
  await changes.append({
    kind: reason === 'offer_expired' ? 'waitlist_offer_expired' : 'waitlist_offer_declined',
    caseId: offer.caseId,
    patientId: offer.patientId,
    occurredAt: at,
    data: { appointmentId: offer.id, slotId: offer.slotId, entryId: offer.waitlistEntryId, reason },
  });
  return offerFreedSlot(changes, ctx, offer.slotId, at, [offer.patientId]);
}

export async function declineOffer(services: Services, organizationId: string, appointmentId: string, opts: { at?: string } = {}) {
  return inTransaction(services, organizationId, async (changes) => {
    const at = opts.at ?? services.now().toISOString();
    const offer = await findAppointment(changes.tx, organizationId, appointmentId, { lock: true });
    if (!offer) throw new BadInput('unknown_appointment', 'No such appointment in this organization.', 404);
    if (offer.status !== 'proposed') throw new BadInput('not_an_offer', 'This appointment is not an open waitlist offer.', 409);
    const next = await closeOffer(changes, await orgContext(changes.tx, organizationId), offer, at, 'offer_declined');
    return { appointmentId, status: 'cancelled' as const, nextOffer: next };
  });
}

/**
 * Job: offers whose hold ran out go to the next patient; entries whose last acceptable date has
 * passed leave the waitlist. One short transaction per offer, claimed with SKIP LOCKED, so
 * several processes can run it.
 */
export async function expireWaitlist(services: Services, now: Date = services.now(), opts: { limit?: number } = {}): Promise<{ offersExpired: number; entriesExpired: number }> {
  const db = services.database.db;
  const at = now.toISOString();
  let offersExpired = 0;
  for (let i = 0; i < (opts.limit ?? 200); i++) {
    const done = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(appointments)
        .where(and(eq(appointments.status, 'proposed'), isNotNull(appointments.holdExpiresAt), lte(appointments.holdExpiresAt, at)))
        .orderBy(asc(appointments.holdExpiresAt))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!row) return false;
      const changes = new ChangeSet(tx, row.organizationId);
      await closeOffer(changes, await orgContext(tx, row.organizationId), row, at, 'offer_expired');
      await changes.commit();
      return true;
    });
    if (!done) break;
    offersExpired++;
  }

  // Entries with a last date: a cheap prefilter in SQL (UTC date + 1 covers every zone), the
  // exact local-date test here.
  const tomorrowUtc = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  const candidates = await db
    .select({ id: waitlistEntries.id, organizationId: waitlistEntries.organizationId, preferences: waitlistEntries.preferences, timeZone: waitlistEntries.timeZone })
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.status, 'waiting'), sql`${waitlistEntries.preferences}->>'latestDate' < ${tomorrowUtc}`))
    .limit(1000);
  const lapsed = candidates.filter((c) => c.preferences.latestDate && c.preferences.latestDate < zonedParts(now, c.timeZone).date);
  const byOrg = new Map<string, string[]>();
  for (const c of lapsed) byOrg.set(c.organizationId, [...(byOrg.get(c.organizationId) ?? []), c.id]);
  let entriesExpired = 0;
  for (const [organizationId, ids] of byOrg) {
    await inTransaction(services, organizationId, async (changes) => {
      const rows = await changes.tx
        .update(waitlistEntries)
        .set({ status: 'expired', updatedAt: at, closedAt: at })
        .where(and(eq(waitlistEntries.organizationId, organizationId), inArray(waitlistEntries.id, ids), eq(waitlistEntries.status, 'waiting')))
        .returning();
      for (const r of rows) {
        await changes.append({ kind: 'waitlist_removed', caseId: r.caseId, patientId: r.patientId, occurredAt: at, data: { entryId: r.id, reason: 'expired' } });
      }
      entriesExpired += rows.length;
    });
  }
  return { offersExpired, entriesExpired };
}

/** The patient turns down the slot their waitlist entry was offered; they keep waiting. */
export async function declineWaitlistOffer(services: Services, organizationId: string, entryId: string, opts: { at?: string } = {}) {
  const entry = await getWaitlistEntry(services.database.db, organizationId, entryId);
  if (entry.status !== 'offered' || !entry.offerAppointmentId) throw new BadInput('no_open_offer', 'This waitlist entry has no open offer.', 409);
  return declineOffer(services, organizationId, entry.offerAppointmentId, opts);
}
