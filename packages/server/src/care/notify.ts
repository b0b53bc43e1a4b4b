import { and, desc, eq } from 'drizzle-orm';
import type { Language } from '@carethread/core';
import { consentFor } from '../store/consent.ts';
import type { ChangeSet } from '../store/events.ts';
import { identitiesOf, type PatientRow } from '../store/patients.ts';
import { interactions, outbox } from '../store/schema.ts';
import { contactRouteFor } from '../scheduling/contact.ts';
import { caseReplyToken, recordSystemMessage } from '../pipeline/system-messages.ts';

const LIVE_CHANNELS = new Set(['webchat', 'voice', 'in_person']);
const QUEUED_CHANNELS = new Set(['sms', 'email', 'portal']);

export type LatestInteraction = typeof interactions.$inferSelect;

export async function latestInteractionOf(changes: ChangeSet, caseId: string | null): Promise<LatestInteraction | null> {
  if (!caseId) return null;
  const [row] = await changes.tx
    .select()
    .from(interactions)
    .where(and(eq(interactions.organizationId, changes.organizationId), eq(interactions.caseId, caseId)))
    .orderBy(desc(interactions.lastActivityAt))
    .limit(1);
  return row ?? null;
}

/** The patient's language: their record, else what they spoke on this case, else English. */
export function languageFor(patient: Pick<PatientRow, 'language'> | null, interaction: Pick<LatestInteraction, 'language'> | null): Language {
  for (const v of [patient?.language, interaction?.language]) if (v === 'en' || v === 'es') return v;
  return 'en';
}

type Route = { channel: string; address: string | null; interactionId: string | null; live: boolean };

/**
 * Where an update reaches the patient: the conversation they are in now (a chat or call still
 * open gets it in the session; an SMS, email or portal thread gets a reply on it), else their
 * preferred channel. An address they opted out of is skipped for another one they did not;
 * the outbox worker checks consent again at send time.
 */
async function routeFor(changes: ChangeSet, patient: PatientRow, interaction: LatestInteraction | null): Promise<Route | { blocked: 'opted_out' | 'no_address' }> {
  const { tx, organizationId } = changes;
  const candidates: Route[] = [];
  if (interaction) {
    if (LIVE_CHANNELS.has(interaction.channel) && interaction.status === 'open') {
      return { channel: interaction.channel, address: null, interactionId: interaction.id, live: true };
    }
    if (QUEUED_CHANNELS.has(interaction.channel) && interaction.contactValue) {
      candidates.push({ channel: interaction.channel, address: interaction.contactValue, interactionId: interaction.id, live: false });
    }
  }
  const preferred = await contactRouteFor(tx, organizationId, patient, { hasCase: !!interaction });
  if (preferred) candidates.push({ channel: preferred.channel, address: preferred.address, interactionId: null, live: false });
  // Fallbacks when the first choices are opted out: any verified-first phone or email on file.
  const ids = (await identitiesOf(tx, organizationId, patient.id)).filter((i) => i.assurance !== 'claimed');
  for (const kind of ['phone', 'email'] as const) {
    for (const id of ids.filter((i) => i.kind === kind).sort((a, b) => Number(b.verified) - Number(a.verified) || b.confidence - a.confidence)) {
      candidates.push({ channel: kind === 'phone' ? 'sms' : 'email', address: id.value, interactionId: null, live: false });
    }
  }
  if (candidates.length === 0) return { blocked: 'no_address' };
  for (const c of candidates) {
    if (c.channel === 'sms' || c.channel === 'email') {
      if ((await consentFor(tx, organizationId, c.channel, c.address!)) === 'opted_out') continue;
    }
    return c;
  }
  return { blocked: 'opted_out' };
}

export interface NotifyResult {
  channel: string | null;
  outboxId: number | null;
  messageId: string | null;
  /** Why nothing was sent, if nothing was. */
  blocked: 'opted_out' | 'no_address' | null;
}

/**
 * Tells the patient about a task, in the caller's transaction: the text is stored on the case
 * as an outbound message (so whoever opens it sees what was said) and queued in the outbox
 * unless the patient is in a live session, which delivers it there.
 */
export async function notifyPatient(
  changes: ChangeSet,
  input: {
    patient: PatientRow;
    caseId: string | null;
    interaction: LatestInteraction | null;
    text: string;
    subject: string;
    purpose: string;
    idempotencyKey: string;
    taskId: string;
    at: string;
  },
): Promise<NotifyResult> {
  const { tx, organizationId } = changes;
  const route = await routeFor(changes, input.patient, input.interaction);
  if ('blocked' in route) {
    await changes.append({
      kind: 'outbound_blocked',
      caseId: input.caseId,
      patientId: input.patient.id,
      occurredAt: input.at,
      data: { reason: route.blocked, purpose: input.purpose, taskId: input.taskId },
    });
    return { channel: null, outboxId: null, messageId: null, blocked: route.blocked };
  }
  const replyToken = await caseReplyToken(changes, input.caseId);
  const messageId = input.interaction
    ? await recordSystemMessage(changes, {
        caseId: input.caseId,
        patientId: input.patient.id,
        interactionId: input.interaction.id,
        channel: route.channel,
        text: input.text,
        subject: input.subject,
        purpose: input.purpose,
        at: input.at,
      })
    : null;
  let outboxId: number | null = null;
  if (!route.live) {
    const [row] = await tx
      .insert(outbox)
      .values({
        organizationId,
        // On the conversation it answers, in order with its other replies; otherwise on its own.
        interactionId: route.interactionId,
        caseId: input.caseId,
        channel: route.channel,
        toAddress: route.address!,
        payload: {
          text: input.text,
          ...(route.channel === 'email' ? { subject: input.subject } : {}),
          purpose: input.purpose,
          taskId: input.taskId,
          // For the send-time check of the patient's preferences (outbox/send-policy.ts).
          patientId: input.patient.id,
          ...(messageId ? { messageId } : {}),
          ...(replyToken ? { replyToken } : {}),
        },
        idempotencyKey: input.idempotencyKey,
        nextAttemptAt: input.at,
        createdAt: input.at,
      })
      .onConflictDoNothing()
      .returning({ id: outbox.id });
    outboxId = row?.id ?? null;
  }
  await changes.append({
    kind: 'care_patient_notified',
    caseId: input.caseId,
    patientId: input.patient.id,
    occurredAt: input.at,
    data: { taskId: input.taskId, purpose: input.purpose, channel: route.channel, outboxId, live: route.live },
  });
  changes.touch(input.caseId);
  return { channel: route.channel, outboxId, messageId, blocked: null };
}
