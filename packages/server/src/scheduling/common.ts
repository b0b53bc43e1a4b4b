import { and, desc, eq, sql } from 'drizzle-orm';
import { schedulingPolicyOf, type SchedulingPolicy } from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { caseReplyToken, recordSystemMessage } from '../pipeline/system-messages.ts';
import type { Executor } from '../store/db.ts';
import { ChangeSet } from '../store/events.ts';
import { getOrganization, type OrganizationRow } from '../store/orgs.ts';
import { interactions, outbox } from '../store/schema.ts';
import { appointments, locations, providers, schedules, slots } from '../store/schema-scheduling.ts';

export type ProviderRow = typeof providers.$inferSelect;
export type LocationRow = typeof locations.$inferSelect;
export type ScheduleRow = typeof schedules.$inferSelect;
export type SlotRow = typeof slots.$inferSelect;
export type AppointmentRow = typeof appointments.$inferSelect;

/** One scheduling change = one transaction with its events, committed (and announced) at the end. */
export async function inTransaction<T>(services: Services, organizationId: string, work: (changes: ChangeSet) => Promise<T>): Promise<T> {
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const result = await work(changes);
    await changes.commit();
    return result;
  });
}

export interface OrgContext {
  org: OrganizationRow;
  policy: SchedulingPolicy;
}

export async function orgContext(tx: Executor, organizationId: string): Promise<OrgContext> {
  const org = await getOrganization(tx, organizationId);
  if (!org) throw new BadInput('unknown_organization', 'No such organization.', 404);
  return { org, policy: schedulingPolicyOf(org.settings) };
}

/** The wall clock of a location: its own zone, else the organisation's. */
export function zoneOf(location: Pick<LocationRow, 'timeZone'> | null | undefined, org: Pick<OrganizationRow, 'timeZone'>): string {
  return location?.timeZone ?? org.timeZone;
}

/** Timestamps leave the API as ISO 8601 in UTC, whatever the driver's text form was. */
export function iso(value: string | Date): string;
export function iso(value: string | Date | null | undefined): string | null;
export function iso(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** A unique-index violation (SQLSTATE 23505), however deep the driver wrapped it. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e = err as { code?: unknown; cause?: unknown; constraint?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === '23505') return constraint ? e.constraint === constraint || String(e.message ?? '').includes(constraint) : true;
  }
  return false;
}

export interface SlotContext {
  slot: SlotRow;
  schedule: ScheduleRow;
  provider: ProviderRow;
  location: LocationRow;
}

export async function slotContext(tx: Executor, organizationId: string, slotId: string): Promise<SlotContext | null> {
  const [row] = await tx
    .select({ slot: slots, schedule: schedules, provider: providers, location: locations })
    .from(slots)
    .innerJoin(schedules, eq(schedules.id, slots.scheduleId))
    .innerJoin(providers, eq(providers.id, schedules.providerId))
    .innerJoin(locations, eq(locations.id, schedules.locationId))
    .where(and(eq(slots.organizationId, organizationId), eq(slots.id, slotId)));
  return row ?? null;
}

/**
 * Takes a free slot for a booking (busy) or a waitlist hold (busy-tentative). The conditional
 * UPDATE is the concurrency guard: of any number of transactions racing for one slot, exactly
 * one sees it free; the others wait on the row lock, re-read it busy and get a clean 409.
 */
export async function claimSlot(changes: ChangeSet, slotId: string, at: string, to: 'busy' | 'busy-tentative'): Promise<SlotContext> {
  const claimed = await changes.tx
    .update(slots)
    .set({ status: to, updatedAt: at })
    .where(and(eq(slots.organizationId, changes.organizationId), eq(slots.id, slotId), eq(slots.status, 'free'), sql`${slots.start} > ${at}`))
    .returning({ id: slots.id });
  const ctx = await slotContext(changes.tx, changes.organizationId, slotId);
  if (claimed.length === 0) {
    // Another organisation's slot is as unknown as a slot that does not exist.
    if (!ctx) throw new BadInput('unknown_slot', 'No such slot in this organization.', 404);
    if (Date.parse(ctx.slot.start) <= Date.parse(at)) throw new BadInput('slot_in_past', 'That slot has already started; pick a later one.', 422);
    throw new BadInput('slot_unavailable', 'That slot is no longer free; search again for another time.', 409);
  }
  if (!ctx!.schedule.active || !ctx!.provider.active || !ctx!.location.active) {
    throw new BadInput('slot_unavailable', 'That slot belongs to a schedule that is no longer offered.', 409);
  }
  return ctx!;
}

/** Gives a slot back (after a cancellation, a move or an expired hold). */
export async function releaseSlot(changes: ChangeSet, slotId: string, at: string): Promise<void> {
  await changes.tx
    .update(slots)
    .set({ status: 'free', updatedAt: at })
    .where(and(eq(slots.organizationId, changes.organizationId), eq(slots.id, slotId), sql`${slots.status} in ('busy', 'busy-tentative')`));
}

/**
 * Queues a message to the patient through the outbox, in the caller's transaction. When the
 * appointment belongs to a case, the message is also stored on the case's latest interaction,
 * so whoever opens the case sees what the patient was sent, and an email reply threads back.
 */
export async function queueToPatient(
  changes: ChangeSet,
  input: {
    caseId: string | null;
    patientId: string;
    channel: 'sms' | 'email' | 'portal';
    address: string;
    text: string;
    subject: string;
    purpose: 'appointment_reminder' | 'waitlist_offer';
    appointmentId: string;
    idempotencyKey: string;
    at: string;
    /** Not before this (quiet hours); default `at`. */
    sendAt?: string;
    /** Pointless after this (the visit, the end of an offer's hold): the outbox drops it rather than send it late. */
    notAfter?: string;
  },
): Promise<{ outboxId: number; messageId: string | null }> {
  let messageId: string | null = null;
  const replyToken = await caseReplyToken(changes, input.caseId);
  if (input.caseId) {
    const [interaction] = await changes.tx
      .select({ id: interactions.id })
      .from(interactions)
      .where(and(eq(interactions.organizationId, changes.organizationId), eq(interactions.caseId, input.caseId)))
      .orderBy(desc(interactions.lastActivityAt))
      .limit(1);
    if (interaction) {
      messageId = await recordSystemMessage(changes, {
        caseId: input.caseId,
        patientId: input.patientId,
        interactionId: interaction.id,
        channel: input.channel,
        text: input.text,
        subject: input.subject,
        purpose: input.purpose,
        at: input.at,
      });
    }
  }
  const [row] = await changes.tx
    .insert(outbox)
    .values({
      organizationId: changes.organizationId,
      // Not tied to the conversation's delivery order: a reminder must not wait behind a reply
      // still pending on another channel of that interaction.
      interactionId: null,
      caseId: input.caseId,
      channel: input.channel,
      toAddress: input.address,
      payload: {
        text: input.text,
        ...(input.channel === 'email' ? { subject: input.subject } : {}),
        purpose: input.purpose,
        appointmentId: input.appointmentId,
        // For the send-time check of the patient's preferences (outbox/send-policy.ts).
        patientId: input.patientId,
        ...(input.notAfter ? { notAfter: input.notAfter } : {}),
        ...(messageId ? { messageId } : {}),
        ...(replyToken ? { replyToken } : {}),
      },
      idempotencyKey: input.idempotencyKey,
      nextAttemptAt: input.sendAt ?? input.at,
      createdAt: input.at,
    })
    .returning({ id: outbox.id });
  return { outboxId: row!.id, messageId };
}
