import { and, asc, eq, lte } from 'drizzle-orm';
import {
  interpretReminderReply,
  reminderMessage,
  replyAcknowledgement,
  sendDecision,
  type Language,
  type PatientText,
  type ReminderReplyAction,
  type ReplyOutcome,
} from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { ChangeSet } from '../store/events.ts';
import { getActivePatient } from '../store/patients.ts';
import { withPreferredLanguage } from '../store/preferences.ts';
import { appointmentReminders, appointments, locations, providers } from '../store/schema-scheduling.ts';
import { inTransaction, orgContext, queueToPatient, zoneOf } from './common.ts';
import { cancel, confirm, getAppointment } from './appointments.ts';
import { contactRouteFor } from './contact.ts';
import { findSlots, type SlotView } from './slots.ts';
import { declineOffer } from './waitlist.ts';
import type { AppointmentView } from './views.ts';

export interface ReminderRun {
  queued: number;
  skipped: number;
  deferred: number;
}

/**
 * Job: every reminder due by `now` goes to the outbox on the patient's channel, in their
 * language, with the reply instructions. One short transaction per reminder, claimed FOR UPDATE
 * SKIP LOCKED, so any number of processes may run it; the outbox key `reminder:<id>` makes a
 * reminder go out at most once whatever happens. The clock is a parameter so tests and replays
 * can drive it.
 */
export async function runDueReminders(services: Services, now: Date = services.now(), opts: { limit?: number } = {}): Promise<ReminderRun> {
  const db = services.database.db;
  const at = now.toISOString();
  const run: ReminderRun = { queued: 0, skipped: 0, deferred: 0 };
  for (let i = 0; i < (opts.limit ?? 500); i++) {
    const outcome = await db.transaction(async (tx) => {
      const [reminder] = await tx
        .select()
        .from(appointmentReminders)
        .where(and(eq(appointmentReminders.status, 'pending'), lte(appointmentReminders.dueAt, at)))
        .orderBy(asc(appointmentReminders.dueAt))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!reminder) return null;
      const changes = new ChangeSet(tx, reminder.organizationId);
      const result = await deliverReminder(changes, reminder, at);
      await changes.commit();
      return result;
    });
    if (outcome === null) break;
    run[outcome]++;
  }
  return run;
}

async function deliverReminder(changes: ChangeSet, reminder: typeof appointmentReminders.$inferSelect, at: string): Promise<keyof ReminderRun> {
  const { tx, organizationId } = changes;
  const skip = async (reason: string, appointment?: { caseId: string | null; patientId: string }) => {
    await tx.update(appointmentReminders).set({ status: 'skipped', skipReason: reason }).where(changes.owned(appointmentReminders, reminder.id));
    await changes.append({
      kind: 'reminder_skipped',
      caseId: appointment?.caseId ?? null,
      patientId: appointment?.patientId ?? null,
      occurredAt: at,
      data: { reminderId: reminder.id, appointmentId: reminder.appointmentId, kind: reminder.kind, reason },
    });
    return 'skipped' as const;
  };
  const [row] = await tx
    .select({ appointment: appointments, provider: providers, location: locations })
    .from(appointments)
    .innerJoin(providers, eq(providers.id, appointments.providerId))
    .innerJoin(locations, eq(locations.id, appointments.locationId))
    .where(and(eq(appointments.organizationId, organizationId), eq(appointments.id, reminder.appointmentId)));
  if (!row) return skip('appointment_missing');
  const { appointment, provider, location } = row;
  if (appointment.status !== 'booked' && appointment.status !== 'pending') return skip(`appointment_${appointment.status}`, appointment);
  const { org, policy } = await orgContext(tx, organizationId);
  const timeZone = zoneOf(location, org);
  const start = new Date(appointment.start);
  const decision = sendDecision(new Date(at), start, policy.quietHours, timeZone);
  if (decision.action === 'skip') return skip(decision.reason, appointment);
  if (decision.action === 'defer') {
    await tx.update(appointmentReminders).set({ dueAt: decision.until.toISOString() }).where(changes.owned(appointmentReminders, reminder.id));
    return 'deferred';
  }
  // The language the patient asked for (docs/consent.md) wins over the record's.
  const patient = await withPreferredLanguage(tx, organizationId, await getActivePatient(tx, organizationId, appointment.patientId));
  if (!patient) return skip('no_patient', appointment);
  const route = await contactRouteFor(tx, organizationId, patient, { hasCase: !!appointment.caseId });
  if (!route) return skip('no_address', appointment);
  const message = reminderMessage(
    { organizationName: org.name, providerName: provider.name, locationName: location.name, locationAddress: location.addressLine, start, timeZone },
    languageOf(patient.language),
  );
  const { outboxId } = await queueToPatient(changes, {
    caseId: appointment.caseId,
    patientId: patient.id,
    channel: route.channel,
    address: route.address,
    text: message.text,
    subject: message.subject,
    purpose: 'appointment_reminder',
    appointmentId: appointment.id,
    idempotencyKey: `reminder:${reminder.id}`,
    at,
    notAfter: appointment.start,
  });
  await tx
    .update(appointmentReminders)
    .set({ status: 'queued', channel: route.channel, outboxId, queuedAt: at })
    .where(changes.owned(appointmentReminders, reminder.id));
  await changes.append({
    kind: 'reminder_queued',
    caseId: appointment.caseId,
    patientId: patient.id,
    occurredAt: at,
    data: { reminderId: reminder.id, appointmentId: appointment.id, kind: reminder.kind, channel: route.channel, outboxId },
  });
  changes.touch(appointment.caseId);
  return 'queued';
}

function languageOf(value: string | null | undefined): Language | null {
  return value === 'en' || value === 'es' ? value : null;
}

export interface ReplyResult {
  action: ReminderReplyAction;
  outcome: ReplyOutcome;
  appointment: AppointmentView;
  /** What to tell the patient, in their language; the caller sends it on the case. */
  acknowledgement: PatientText;
  /** For a reschedule: free slots of the same kind of visit, best first, to offer next. */
  suggestions: SlotView[];
}

/**
 * A patient's answer to a reminder or a waitlist offer, already read by
 * `interpretReminderReply`: confirm (accepts an offer), cancel (declines an offer), or
 * reschedule, which keeps the current booking until a new slot is chosen and returns the
 * alternatives to offer. The dialogue calls this from the case the reply arrived on.
 */
export async function applyReminderReply(
  services: Services,
  organizationId: string,
  appointmentId: string,
  action: ReminderReplyAction,
  opts: { at?: string } = {},
): Promise<ReplyResult> {
  const at = opts.at ?? services.now().toISOString();
  const before = await getAppointment(services, organizationId, appointmentId);
  const wasOffer = before.status === 'proposed';
  let outcome: ReplyOutcome;
  let suggestions: SlotView[] = [];
  if (action === 'confirm') {
    await confirm(services, organizationId, appointmentId, { at, by: 'patient' });
    outcome = wasOffer ? 'offer_accepted' : 'confirmed';
  } else if (action === 'cancel') {
    if (wasOffer) await declineOffer(services, organizationId, appointmentId, { at });
    else await cancel(services, organizationId, appointmentId, { reason: 'patient_reply', at, by: 'patient' });
    outcome = wasOffer ? 'offer_declined' : 'cancelled';
  } else {
    if (wasOffer) {
      await declineOffer(services, organizationId, appointmentId, { at });
    } else {
      if (!['booked', 'pending'].includes(before.status) || Date.parse(before.start) <= Date.parse(at)) {
        throw new BadInput('not_reschedulable', `A ${before.status} appointment cannot be moved.`, 409);
      }
      await inTransaction(services, organizationId, async (changes) => {
        await changes.append({
          kind: 'appointment_reschedule_requested',
          caseId: before.caseId,
          patientId: before.patientId,
          occurredAt: at,
          data: { appointmentId, by: 'patient' },
        });
      });
    }
    const found = await findSlots(services, organizationId, {
      ...(before.department ? { departmentId: before.department.id } : { providerId: before.provider.id }),
      ...(before.serviceType ? { serviceType: before.serviceType } : {}),
      patientId: before.patientId,
      timeZone: before.location.timeZone,
      excludeSlotId: before.slotId,
      limit: 5,
      at,
    });
    suggestions = found.slots;
    outcome = wasOffer ? 'offer_declined' : 'reschedule_requested';
  }
  const after = await getAppointment(services, organizationId, appointmentId);
  const patient = await withPreferredLanguage(services.database.db, organizationId, await getActivePatient(services.database.db, organizationId, after.patientId));
  const { org } = await orgContext(services.database.db, organizationId);
  const acknowledgement = replyAcknowledgement(
    outcome,
    {
      organizationName: org.name,
      providerName: after.provider.name,
      locationName: after.location.name,
      locationAddress: after.location.addressLine,
      start: new Date(after.start),
      timeZone: after.location.timeZone,
    },
    languageOf(patient?.language),
  );
  return { action, outcome, appointment: after, acknowledgement, suggestions };
}

/**
 * A reply in the patient's words ("C", "sí", "cancelar") applied to an appointment; a reply
 * that cannot be read safely is refused (422) so a person or the dialogue can ask.
 */
export async function replyToAppointment(
  services: Services,
  organizationId: string,
  appointmentId: string,
  input: { text?: string; action?: ReminderReplyAction; language?: Language; at?: string },
): Promise<ReplyResult> {
  const action = input.action ?? (input.text !== undefined ? interpretReminderReply(input.text, input.language ?? null) : null);
  if (!action) throw new BadInput('unrecognised_reply', 'The reply is not a clear confirm, reschedule or cancel; ask the patient what they want.', 422);
  return applyReminderReply(services, organizationId, appointmentId, action, { at: input.at });
}
