import { and, desc, eq, gte, or } from 'drizzle-orm';
import { ACTIVE_CONVERSATION_MINUTES, classifyOutbound, decideSend, type MessageClass, type SendVerdict } from '@carethread/core';
import type { Executor } from '../store/db.ts';
import { getActivePatient } from '../store/patients.ts';
import { contactPreferencesFor } from '../store/preferences.ts';
import { cases, interactions, messages, organizations, type outbox } from '../store/schema.ts';

/** What the send-time check needs of an outbox row (the worker's claimed row has all of it). */
export interface PolicyRow {
  organizationId: string;
  caseId: string | null;
  interactionId: string | null;
  channel: string;
  attempts: number;
  payload: Record<string, unknown>;
}

export interface PolicyOutcome {
  verdict: SendVerdict;
  messageClass: MessageClass;
  patientId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whose message this is: the payload says so (reminders, notifications), else its case, else its interaction. */
async function patientOf(db: Executor, row: PolicyRow): Promise<string | null> {
  let id: string | null = typeof row.payload.patientId === 'string' && UUID.test(row.payload.patientId) ? row.payload.patientId : null;
  if (!id && row.caseId) {
    const [c] = await db
      .select({ patientId: cases.patientId })
      .from(cases)
      .where(and(eq(cases.organizationId, row.organizationId), eq(cases.id, row.caseId)));
    id = c?.patientId ?? null;
  }
  if (!id && row.interactionId) {
    const [i] = await db
      .select({ patientId: interactions.patientId })
      .from(interactions)
      .where(and(eq(interactions.organizationId, row.organizationId), eq(interactions.id, row.interactionId)));
    id = i?.patientId ?? null;
  }
  if (!id) return null;
  // Preferences belong to the golden record a merge kept.
  return (await getActivePatient(db, row.organizationId, id))?.id ?? id;
}

/** When the patient last wrote to us, on any of their interactions or on this case, within the active-conversation window. */
async function lastInboundAt(db: Executor, row: PolicyRow, patientId: string, now: Date): Promise<Date | null> {
  const since = new Date(now.getTime() - ACTIVE_CONVERSATION_MINUTES * 60_000).toISOString();
  const [m] = await db
    .select({ at: messages.occurredAt })
    .from(messages)
    .innerJoin(interactions, eq(interactions.id, messages.interactionId))
    .where(
      and(
        eq(messages.organizationId, row.organizationId),
        eq(messages.direction, 'inbound'),
        gte(messages.occurredAt, since),
        row.caseId ? or(eq(interactions.patientId, patientId), eq(messages.caseId, row.caseId)) : eq(interactions.patientId, patientId),
      ),
    )
    .orderBy(desc(messages.occurredAt))
    .limit(1);
  return m ? new Date(m.at) : null;
}

/**
 * The patient-level send-time check (docs/consent.md): the patient's channel opt-outs, survey
 * opt-out and quiet hours, read when the message is about to go, so a change made after it was
 * queued still counts. The per-address STOP in `consents` is checked by the worker before this.
 */
export async function sendPolicyFor(db: Executor, row: PolicyRow, now: Date): Promise<PolicyOutcome> {
  const messageClass = classifyOutbound(row.payload);
  const patientId = await patientOf(db, row);
  if (!patientId) return { verdict: { action: 'send' }, messageClass, patientId };
  const preferences = await contactPreferencesFor(db, row.organizationId, patientId);
  if (!preferences) return { verdict: { action: 'send' }, messageClass, patientId };
  const [org] = await db.select({ timeZone: organizations.timeZone }).from(organizations).where(eq(organizations.id, row.organizationId));
  const notAfter = typeof row.payload.notAfter === 'string' && !Number.isNaN(Date.parse(row.payload.notAfter)) ? new Date(row.payload.notAfter) : null;
  const verdict = decideSend({
    now,
    messageClass,
    channel: row.channel,
    preferences,
    organizationTimeZone: org?.timeZone ?? 'UTC',
    lastInboundAt: messageClass === 'reply' && preferences.quietHours ? await lastInboundAt(db, row, patientId, now) : null,
    notAfter,
  });
  return { verdict, messageClass, patientId };
}

const BLOCK_TEXT: Record<Extract<SendVerdict, { action: 'block' }>['reason'], string> = {
  patient_opted_out: 'patient opted out of this channel',
  surveys_opted_out: 'patient opted out of surveys',
  expired_in_quiet_hours: 'quiet hours last past the time this message was useful',
};

/** How the worker settles a row the policy holds back: the row's new state and the event to log. */
export interface HoldBack {
  kind: 'outbound_blocked' | 'outbound_deferred';
  patientId: string | null;
  data: Record<string, unknown>;
  set: Partial<typeof outbox.$inferInsert>;
}

/**
 * Null when the row may go now. A blocked row is settled `blocked` with the reason; a deferred
 * row goes back to the queue as `deferred` until the quiet hours end, and the claim that brought
 * it here is not counted as a delivery attempt.
 */
export async function holdBack(db: Executor, row: PolicyRow, now: Date): Promise<HoldBack | null> {
  const { verdict, messageClass, patientId } = await sendPolicyFor(db, row, now);
  const purpose = typeof row.payload.purpose === 'string' ? row.payload.purpose : null;
  if (verdict.action === 'block') {
    return {
      kind: 'outbound_blocked',
      patientId,
      data: { reason: verdict.reason, messageClass, purpose },
      set: { status: 'blocked', lastError: BLOCK_TEXT[verdict.reason] },
    };
  }
  if (verdict.action === 'defer') {
    const until = verdict.until.toISOString();
    return {
      kind: 'outbound_deferred',
      patientId,
      data: { reason: 'quiet_hours', until, timeZone: verdict.timeZone, messageClass, purpose },
      set: { status: 'deferred', attempts: Math.max(0, row.attempts - 1), nextAttemptAt: until, lastError: `deferred to the end of the patient's quiet hours` },
    };
  }
  return null;
}
