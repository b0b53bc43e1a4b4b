import { and, asc, desc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import { canTransition, CHANGEABLE_STATUSES, type AppointmentStatus } from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import type { Executor } from '../store/db.ts';
import type { ChangeSet } from '../store/events.ts';
import { getActivePatient, getPatient } from '../store/patients.ts';
import { patients } from '../store/schema.ts';
import { appointmentReminders, appointments, locations, slots, waitlistEntries } from '../store/schema-scheduling.ts';
import { claimSlot, inTransaction, isUniqueViolation, orgContext, releaseSlot, zoneOf, type AppointmentRow, type OrgContext } from './common.ts';
import { cancelPendingReminders, planAppointmentReminders } from './plan.ts';
import { appointmentView, appointmentViews, findAppointment, type AppointmentView } from './views.ts';
import { assertCase, closeOffer, offerFreedSlot, type OfferResult } from './waitlist.ts';

/**
 * Booking, moving, cancelling and confirming appointments. Each is one transaction that ends
 * with its events; a refusal (unknown, past, taken, another tenant's) throws before anything is
 * written, so bad input changes nothing.
 */

const ACTIVE: readonly AppointmentStatus[] = ['proposed', 'pending', 'booked', 'arrived'];

export type BookingSource = 'staff' | 'assistant' | 'integration';

export interface BookInput {
  patientId: string;
  slotId: string;
  /** The request this visit answers: reminder replies and the events land on it. */
  caseId?: string;
  reason?: string;
  source?: BookingSource;
  /** Who booked, for the record: token:<id>, assistant. */
  bookedBy?: string;
  at?: string;
}

async function lockAppointment(changes: ChangeSet, appointmentId: string): Promise<AppointmentRow> {
  const row = await findAppointment(changes.tx, changes.organizationId, appointmentId, { lock: true });
  if (!row) throw new BadInput('unknown_appointment', 'No such appointment in this organization.', 404);
  return row;
}

async function assertNoOverlap(tx: Executor, organizationId: string, patientId: string, start: string, end: string, exceptId?: string): Promise<void> {
  const [clash] = await tx
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.organizationId, organizationId),
        eq(appointments.patientId, patientId),
        inArray(appointments.status, [...ACTIVE]),
        sql`${appointments.start} < ${end}`,
        sql`${appointments.end} > ${start}`,
        ...(exceptId ? [ne(appointments.id, exceptId)] : []),
      ),
    )
    .limit(1);
  if (clash) throw new BadInput('patient_double_booked', 'The patient already has an appointment at that time.', 409);
}

function assertUpcoming(row: AppointmentRow, at: string): void {
  if (Date.parse(row.start) <= Date.parse(at)) throw new BadInput('appointment_started', 'This appointment has already started; it can no longer be changed.', 409);
}

export async function book(services: Services, organizationId: string, input: BookInput): Promise<AppointmentView> {
  return inTransaction(services, organizationId, async (changes) => {
    const { tx } = changes;
    const at = input.at ?? services.now().toISOString();
    const ctx = await orgContext(tx, organizationId);
    // A stale id of a record that was merged reaches the surviving patient.
    const patient = await getActivePatient(tx, organizationId, input.patientId);
    if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
    if (input.caseId) await assertCase(tx, organizationId, input.caseId, patient.id);
    const sc = await claimSlot(changes, input.slotId, at, 'busy');
    await assertNoOverlap(tx, organizationId, patient.id, sc.slot.start, sc.slot.end);
    let row: AppointmentRow;
    try {
      [row] = (await tx
        .insert(appointments)
        .values({
          organizationId,
          patientId: patient.id,
          slotId: sc.slot.id,
          scheduleId: sc.schedule.id,
          providerId: sc.provider.id,
          locationId: sc.location.id,
          start: new Date(sc.slot.start).toISOString(),
          end: new Date(sc.slot.end).toISOString(),
          status: 'booked',
          serviceType: sc.schedule.serviceType,
          reason: input.reason ?? null,
          caseId: input.caseId ?? null,
          source: input.source ?? 'staff',
          bookedBy: input.bookedBy ?? null,
          createdAt: at,
          updatedAt: at,
        })
        .returning()) as [AppointmentRow];
    } catch (err) {
      // The slot guard above makes this unreachable in practice; the unique index is the backstop.
      if (isUniqueViolation(err)) throw new BadInput('slot_unavailable', 'That slot is no longer free; search again for another time.', 409);
      throw err;
    }
    const reminders = await planAppointmentReminders(changes, row, ctx.policy, zoneOf(sc.location, ctx.org), at);
    await changes.append({
      kind: 'appointment_booked',
      caseId: row.caseId,
      patientId: patient.id,
      occurredAt: at,
      data: {
        appointmentId: row.id,
        slotId: row.slotId,
        providerId: row.providerId,
        locationId: row.locationId,
        departmentId: sc.provider.departmentId,
        source: row.source,
        reminders,
      },
    });
    return appointmentView(tx, organizationId, row);
  });
}

export interface ChangeResult {
  appointment: AppointmentView;
  /** What happened to the slot that was given up: offered to this waiting patient, or null. */
  waitlistOffer: OfferResult | null;
}

/**
 * Moves a booked appointment to another slot: the same appointment (its id, case and history
 * stay), a new slot, fresh reminders, confirmation to be given again; the old slot goes to the
 * waitlist.
 */
export async function reschedule(services: Services, organizationId: string, appointmentId: string, input: { slotId: string; at?: string; by?: string }): Promise<ChangeResult> {
  return inTransaction(services, organizationId, async (changes) => {
    const { tx } = changes;
    const at = input.at ?? services.now().toISOString();
    const ctx = await orgContext(tx, organizationId);
    const current = await lockAppointment(changes, appointmentId);
    if (current.status === 'proposed') throw new BadInput('offer_not_accepted', 'This is a waitlist offer: accept or decline it instead.', 409);
    if (current.status !== 'booked' && current.status !== 'pending') {
      throw new BadInput('not_reschedulable', `A ${current.status} appointment cannot be moved.`, 409);
    }
    assertUpcoming(current, at);
    if (input.slotId === current.slotId) throw new BadInput('same_slot', 'The appointment is already in that slot.', 422);
    const sc = await claimSlot(changes, input.slotId, at, 'busy');
    await assertNoOverlap(tx, organizationId, current.patientId, sc.slot.start, sc.slot.end, current.id);
    let moved: AppointmentRow;
    try {
      [moved] = (await tx
        .update(appointments)
        .set({
          slotId: sc.slot.id,
          scheduleId: sc.schedule.id,
          providerId: sc.provider.id,
          locationId: sc.location.id,
          start: new Date(sc.slot.start).toISOString(),
          end: new Date(sc.slot.end).toISOString(),
          serviceType: sc.schedule.serviceType ?? current.serviceType,
          status: 'booked',
          confirmedAt: null,
          updatedAt: at,
        })
        .where(changes.owned(appointments, current.id))
        .returning()) as [AppointmentRow];
    } catch (err) {
      if (isUniqueViolation(err)) throw new BadInput('slot_unavailable', 'That slot is no longer free; search again for another time.', 409);
      throw err;
    }
    await releaseSlot(changes, current.slotId, at);
    await cancelPendingReminders(changes, current.id);
    await planAppointmentReminders(changes, moved, ctx.policy, zoneOf(sc.location, ctx.org), at);
    await changes.append({
      kind: 'appointment_rescheduled',
      caseId: moved.caseId,
      patientId: moved.patientId,
      occurredAt: at,
      data: { appointmentId: moved.id, fromSlotId: current.slotId, toSlotId: moved.slotId, providerId: moved.providerId, by: input.by ?? null },
    });
    const waitlistOffer = await offerFreedSlot(changes, ctx, current.slotId, at, [moved.patientId]);
    return { appointment: await appointmentView(tx, organizationId, moved), waitlistOffer };
  });
}

/** Cancels an upcoming appointment, frees its slot and offers it to the waitlist in the same transaction. */
export async function cancel(services: Services, organizationId: string, appointmentId: string, input: { reason: string; at?: string; by?: string }): Promise<ChangeResult> {
  return inTransaction(services, organizationId, async (changes) => {
    const { tx } = changes;
    const at = input.at ?? services.now().toISOString();
    const ctx = await orgContext(tx, organizationId);
    const current = await lockAppointment(changes, appointmentId);
    if (current.status === 'cancelled') throw new BadInput('already_cancelled', 'This appointment is already cancelled.', 409);
    if (!(CHANGEABLE_STATUSES as readonly string[]).includes(current.status)) {
      throw new BadInput('not_cancellable', `A ${current.status} appointment cannot be cancelled.`, 409);
    }
    assertUpcoming(current, at);
    if (current.status === 'proposed') {
      // Cancelling an offer is declining it: the next patient in line gets it.
      const waitlistOffer = await closeOffer(changes, ctx, current, at, 'offer_declined');
      const row = (await findAppointment(tx, organizationId, current.id))!;
      return { appointment: await appointmentView(tx, organizationId, row), waitlistOffer };
    }
    const [row] = (await tx
      .update(appointments)
      .set({ status: 'cancelled', cancelledAt: at, cancelReason: input.reason, updatedAt: at })
      .where(changes.owned(appointments, current.id))
      .returning()) as [AppointmentRow];
    await cancelPendingReminders(changes, current.id);
    await releaseSlot(changes, current.slotId, at);
    await changes.append({
      kind: 'appointment_cancelled',
      caseId: row.caseId,
      patientId: row.patientId,
      occurredAt: at,
      // The reason is free text and may hold PHI: the event says only that one was given.
      data: { appointmentId: row.id, slotId: row.slotId, providerId: row.providerId, by: input.by ?? null, reasonGiven: input.reason.length > 0 },
    });
    const waitlistOffer = await offerFreedSlot(changes, ctx, current.slotId, at, [row.patientId]);
    return { appointment: await appointmentView(tx, organizationId, row), waitlistOffer };
  });
}

/**
 * The patient says they will come. For a booked appointment that records the confirmation
 * (again is harmless); for a waitlist offer it is the acceptance, and books it.
 */
export async function confirm(services: Services, organizationId: string, appointmentId: string, input: { at?: string; by?: string } = {}): Promise<AppointmentView> {
  return inTransaction(services, organizationId, async (changes) => {
    const at = input.at ?? services.now().toISOString();
    const current = await lockAppointment(changes, appointmentId);
    if (current.status === 'proposed') return acceptOffer(changes, await orgContext(changes.tx, organizationId), current, at);
    if (current.status !== 'booked' && current.status !== 'pending') {
      throw new BadInput('not_confirmable', `A ${current.status} appointment cannot be confirmed.`, 409);
    }
    assertUpcoming(current, at);
    if (current.status === 'booked' && current.confirmedAt) return appointmentView(changes.tx, organizationId, current);
    const [row] = (await changes.tx
      .update(appointments)
      .set({ status: 'booked', confirmedAt: at, updatedAt: at })
      .where(changes.owned(appointments, current.id))
      .returning()) as [AppointmentRow];
    await changes.append({
      kind: 'appointment_confirmed',
      caseId: row.caseId,
      patientId: row.patientId,
      occurredAt: at,
      data: { appointmentId: row.id, by: input.by ?? null },
    });
    return appointmentView(changes.tx, organizationId, row);
  });
}

async function acceptOffer(changes: ChangeSet, ctx: OrgContext, offer: AppointmentRow, at: string): Promise<AppointmentView> {
  const { tx, organizationId } = changes;
  if (offer.holdExpiresAt && Date.parse(offer.holdExpiresAt) <= Date.parse(at)) {
    throw new BadInput('offer_expired', 'The hold on this offer has run out; the slot may have gone to someone else.', 409);
  }
  assertUpcoming(offer, at);
  const held = await tx
    .update(slots)
    .set({ status: 'busy', updatedAt: at })
    .where(and(eq(slots.organizationId, organizationId), eq(slots.id, offer.slotId), eq(slots.status, 'busy-tentative')))
    .returning({ id: slots.id });
  if (held.length === 0) throw new BadInput('slot_unavailable', 'That slot is no longer held for this offer.', 409);
  const [row] = (await tx
    .update(appointments)
    .set({ status: 'booked', confirmedAt: at, updatedAt: at })
    .where(changes.owned(appointments, offer.id))
    .returning()) as [AppointmentRow];
  if (offer.waitlistEntryId) {
    await tx
      .update(waitlistEntries)
      .set({ status: 'booked', updatedAt: at, closedAt: at })
      .where(and(eq(waitlistEntries.organizationId, organizationId), eq(waitlistEntries.id, offer.waitlistEntryId)));
  }
  const [location] = await tx
    .select({ timeZone: locations.timeZone })
    .from(locations)
    .where(and(eq(locations.organizationId, organizationId), eq(locations.id, offer.locationId)));
  const reminders = await planAppointmentReminders(changes, row, ctx.policy, zoneOf(location, ctx.org), at);
  await changes.append({
    kind: 'appointment_booked',
    caseId: row.caseId,
    patientId: row.patientId,
    occurredAt: at,
    data: { appointmentId: row.id, slotId: row.slotId, providerId: row.providerId, locationId: row.locationId, source: 'waitlist', entryId: offer.waitlistEntryId, reminders },
  });
  return appointmentView(tx, organizationId, row);
}

/** Front-desk and clinic outcomes: arrived, fulfilled, no-show. */
export async function setAttendance(
  services: Services,
  organizationId: string,
  appointmentId: string,
  input: { status: 'arrived' | 'fulfilled' | 'noshow'; at?: string; by?: string },
): Promise<AppointmentView> {
  return inTransaction(services, organizationId, async (changes) => {
    const at = input.at ?? services.now().toISOString();
    const current = await lockAppointment(changes, appointmentId);
    if (!canTransition(current.status as AppointmentStatus, input.status)) {
      throw new BadInput('invalid_transition', `A ${current.status} appointment cannot become ${input.status}.`, 409);
    }
    if (input.status === 'noshow' && Date.parse(current.start) > Date.parse(at)) {
      throw new BadInput('not_started', 'A visit that has not started yet cannot be a no-show.', 422);
    }
    const [row] = (await changes.tx
      .update(appointments)
      .set({ status: input.status, updatedAt: at })
      .where(changes.owned(appointments, current.id))
      .returning()) as [AppointmentRow];
    await cancelPendingReminders(changes, current.id);
    await changes.append({
      kind: 'appointment_status_changed',
      caseId: row.caseId,
      patientId: row.patientId,
      occurredAt: at,
      data: { appointmentId: row.id, from: current.status, to: input.status, by: input.by ?? null },
    });
    return appointmentView(changes.tx, organizationId, row);
  });
}

export async function getAppointment(services: Services, organizationId: string, appointmentId: string): Promise<AppointmentView> {
  const db = services.database.db;
  const row = await findAppointment(db, organizationId, appointmentId);
  if (!row) throw new BadInput('unknown_appointment', 'No such appointment in this organization.', 404);
  return appointmentView(db, organizationId, row);
}

/**
 * A patient's appointments, soonest first. Includes records merged into this patient, whose
 * appointments still carry the old id.
 */
export async function appointmentsOfPatient(
  services: Services,
  organizationId: string,
  patientId: string,
  filter: { upcoming?: boolean; status?: AppointmentStatus; at?: string; limit?: number } = {},
): Promise<AppointmentView[]> {
  const db = services.database.db;
  const patient = await getPatient(db, organizationId, patientId);
  if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
  const merged = await db
    .select({ id: patients.id })
    .from(patients)
    .where(and(eq(patients.organizationId, organizationId), eq(patients.mergedIntoId, patientId)));
  const at = filter.at ?? services.now().toISOString();
  const rows = await db
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.organizationId, organizationId),
        inArray(appointments.patientId, [patientId, ...merged.map((m) => m.id)]),
        ...(filter.status ? [eq(appointments.status, filter.status)] : []),
        ...(filter.upcoming ? [gt(appointments.start, at)] : []),
      ),
    )
    .orderBy(asc(appointments.start))
    .limit(filter.limit ?? 200);
  return appointmentViews(db, organizationId, rows);
}

/**
 * The appointment a patient's bare reply ("C", "cancelar") most likely answers: an open
 * waitlist offer first (it is waiting on them), else the upcoming appointment whose reminder
 * went out last, else their next one. For the dialogue, which hears the reply on the case.
 */
export async function appointmentForReply(services: Services, organizationId: string, patientId: string, at?: string): Promise<AppointmentView | null> {
  const db = services.database.db;
  const when = at ?? services.now().toISOString();
  const upcoming = await db
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.organizationId, organizationId),
        eq(appointments.patientId, patientId),
        inArray(appointments.status, [...CHANGEABLE_STATUSES]),
        gt(appointments.start, when),
      ),
    )
    .orderBy(asc(appointments.start));
  if (upcoming.length === 0) return null;
  const offer = upcoming.filter((a) => a.status === 'proposed' && a.holdExpiresAt && Date.parse(a.holdExpiresAt) > Date.parse(when)).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  if (offer) return appointmentView(db, organizationId, offer);
  const booked = upcoming.filter((a) => a.status !== 'proposed');
  if (booked.length === 0) return null;
  const [reminded] = await db
    .select({ appointmentId: appointmentReminders.appointmentId })
    .from(appointmentReminders)
    .where(
      and(
        eq(appointmentReminders.organizationId, organizationId),
        inArray(appointmentReminders.appointmentId, booked.map((a) => a.id)),
        eq(appointmentReminders.status, 'queued'),
      ),
    )
    .orderBy(desc(appointmentReminders.queuedAt))
    .limit(1);
  const pick = (reminded && booked.find((a) => a.id === reminded.appointmentId)) || booked[0]!;
  return appointmentView(db, organizationId, pick);
}

/** The patient takes the slot their waitlist entry was offered. */
export async function acceptWaitlistOffer(services: Services, organizationId: string, entryId: string, opts: { at?: string; by?: string } = {}): Promise<AppointmentView> {
  const [entry] = await services.database.db
    .select({ status: waitlistEntries.status, offerAppointmentId: waitlistEntries.offerAppointmentId })
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.organizationId, organizationId), eq(waitlistEntries.id, entryId)));
  if (!entry) throw new BadInput('unknown_waitlist_entry', 'No such waitlist entry in this organization.', 404);
  if (entry.status !== 'offered' || !entry.offerAppointmentId) throw new BadInput('no_open_offer', 'This waitlist entry has no open offer.', 409);
  return confirm(services, organizationId, entry.offerAppointmentId, opts);
}
