import { and, eq, isNull } from 'drizzle-orm';
import { normalizePhone, parseContinuationCode, type ChannelAddress, type ChannelEvent, type Language } from '@carethread/core';
import type { Services } from '../../pipeline/context.ts';
import { ContinuationRejected, type ContinuationRejectReason } from '../../pipeline/errors.ts';
import { codeEntryOf } from '../../pipeline/continuations.ts';
import { ingestEvent, type IngestResult } from '../../pipeline/ingest.ts';
import { routeCase } from '../../pipeline/thread.ts';
import { releaseCase } from '../../assistant/escalation.ts';
import { incomingContextCard } from '../../read/context-card.ts';
import { organizationForEndpoint } from '../../store/endpoints.ts';
import { ChangeSet } from '../../store/events.ts';
import { organizationDirectory, type OrganizationRow } from '../../store/orgs.ts';
import { cases, inboundReceipts, interactions, staff } from '../../store/schema.ts';
import { spokenDigits } from './voice-prompts.ts';
import { voiceQueueName } from './voice-twiml.ts';

/**
 * What the voice adapter does with a call: each step becomes a ChannelEvent for the pipeline
 * (start, code, request, end) or, for the call's own life cycle (ringing, queued, bridged,
 * abandoned…), an entry in the event log. Every step is keyed by the CallSid so Twilio's
 * redeliveries change nothing.
 */

/** One call as Twilio names it in every request. */
export interface CallRef {
  callSid: string;
  /** Caller ID as Twilio sent it (may be withheld). */
  rawFrom: string | undefined;
}

/** A call that waits longer than this in a queue counts as a `long_wait` friction event. */
export const LONG_WAIT_SECONDS = 180;

/** Twilio's stand-ins for a withheld or unavailable caller ID: never an identity. */
const WITHHELD = new Set(['anonymous', 'restricted', 'unknown', 'unavailable', 'private', '+266696687', '+86282452253', '+7378742833', '+2562533', '+8656696']);

/** The organisation that owns the dialled number, or null when nobody here does. */
export async function organizationForNumber(services: Services, to: string | undefined): Promise<OrganizationRow | null> {
  const number = to ? normalizePhone(to) : null;
  if (!number) return null;
  const organizationId = await organizationForEndpoint(services.database.db, 'voice', number);
  return organizationId ? ((await organizationDirectory(services.database.db, organizationId))?.org ?? null) : null;
}

/** The caller's number as an address, or nothing when caller ID is withheld or not a phone number (SIP, client). */
export function callerAddress(rawFrom: string | undefined, region: string): ChannelAddress | undefined {
  if (!rawFrom || WITHHELD.has(rawFrom.trim().toLowerCase())) return undefined;
  const value = normalizePhone(rawFrom, region);
  return value ? { kind: 'phone', value } : undefined;
}

function voiceEvent(org: OrganizationRow, call: CallRef, at: string, fields: Partial<ChannelEvent> & Pick<ChannelEvent, 'kind' | 'idempotencyKey'>): ChannelEvent {
  const from = callerAddress(call.rawFrom, org.defaultRegion);
  return { channel: 'voice', direction: 'inbound', occurredAt: at, conversationRef: call.callSid, ...(from ? { from } : {}), ...fields };
}

/**
 * The language to greet in: the caller's own when caller ID points at one patient who has one.
 * Read from the incoming-contact card (the same view an agent gets), so a shared family line
 * or an unknown number gets the default.
 */
export async function callerLanguage(services: Services, org: OrganizationRow, call: CallRef): Promise<Language | null> {
  const from = callerAddress(call.rawFrom, org.defaultRegion);
  if (!from) return null;
  const card = await incomingContextCard(services.database.db, org.id, 'phone', from.value, services.now());
  const language = card.preferences.language;
  return language === 'es' || language === 'en' ? language : null;
}

/** The call begins: one interaction, keyed by the CallSid, identified by caller ID (never above `matched`). */
export async function startCall(services: Services, org: OrganizationRow, call: CallRef, at: string): Promise<{ language: Language; result: IngestResult }> {
  const language = await callerLanguage(services, org, call);
  const result = await ingestEvent(
    services,
    org.id,
    voiceEvent(org, call, at, { kind: 'contact_started', idempotencyKey: `${call.callSid}:start`, ...(language ? { language } : {}) }),
  );
  return { language: language ?? 'en', result };
}

/** Whether the organisation's code entry is paused after many wrong codes (then the call goes straight to the menu). */
export async function codeEntryPaused(services: Services, organizationId: string, at: string): Promise<boolean> {
  return (await codeEntryOf(services.database.db, organizationId, at)).state === 'paused';
}

export type CodeOutcome =
  | { kind: 'joined'; caseId: string }
  | { kind: 'rejected'; reason: ContinuationRejectReason }
  | { kind: 'none' };

/**
 * The caller keyed or said a continuation code: the pipeline redeems it and the call joins the
 * case it was issued for. Keyed digits that are not a code are a mistyped code; speech without
 * one is simply no code.
 */
export async function presentCode(
  services: Services,
  org: OrganizationRow,
  call: CallRef,
  input: { digits: string; speech: string; attempt: number },
  at: string,
): Promise<CodeOutcome> {
  const idempotencyKey = `${call.callSid}:code:${input.attempt}`;
  let event: ChannelEvent;
  if (input.digits) {
    const code = parseContinuationCode(input.digits);
    if (!code) return { kind: 'rejected', reason: 'unknown' };
    event = voiceEvent(org, call, at, { kind: 'dtmf', idempotencyKey, dtmf: code });
  } else {
    const code = input.speech ? parseContinuationCode(spokenDigits(input.speech)) : null;
    if (!code) return { kind: 'none' };
    // What was said is kept as the message; the code is handed over explicitly because a
    // recogniser may return the digits without the words "my code is".
    event = voiceEvent(org, call, at, { kind: 'message', idempotencyKey, text: input.speech, continuation: code });
  }
  try {
    const result = await ingestEvent(services, org.id, event);
    return result.caseId ? { kind: 'joined', caseId: result.caseId } : { kind: 'none' };
  } catch (err) {
    if (!(err instanceof ContinuationRejected)) throw err;
    return { kind: 'rejected', reason: err.reason };
  }
}

/** The caller's request (a menu choice put in words, or what they said): identified, threaded and routed by the pipeline. */
export async function sayRequest(
  services: Services,
  org: OrganizationRow,
  call: CallRef,
  input: { text: string; language?: Language; attempt: number },
  at: string,
): Promise<IngestResult> {
  return ingestEvent(
    services,
    org.id,
    voiceEvent(org, call, at, {
      kind: 'message',
      idempotencyKey: `${call.callSid}:menu:${input.attempt}`,
      text: input.text,
      ...(input.language ? { language: input.language } : {}),
    }),
  );
}

/** Something the caller said while waiting to be connected (date of birth, medication, reason). */
export async function sayDetails(
  services: Services,
  org: OrganizationRow,
  call: CallRef,
  input: { text: string; attempt: number },
  at: string,
): Promise<IngestResult> {
  return ingestEvent(services, org.id, voiceEvent(org, call, at, { kind: 'message', idempotencyKey: `${call.callSid}:details:${input.attempt}`, text: input.text }));
}

/** The call ends (completed, busy, failed, unanswered, cancelled): the pipeline closes the interaction. */
export async function endCall(services: Services, org: OrganizationRow, call: CallRef, at: string): Promise<void> {
  await ingestEvent(services, org.id, voiceEvent(org, call, at, { kind: 'contact_ended', idempotencyKey: `${call.callSid}:end` }));
}

/** The queue the caller waits in: the one of the department the case was routed to. Recorded as a `queued` step. */
export async function holdCall(services: Services, organizationId: string, callSid: string, caseId: string | null, at: string): Promise<string> {
  let departmentId: string | null = null;
  if (caseId) {
    // A caller put on hold waits for a person: a case the assistant still held (silence, a very
    // long call) goes back to ordinary routing.
    await releaseCase(services, organizationId, caseId, at);
    const [row] = await services.database.db
      .select({ departmentId: cases.departmentId })
      .from(cases)
      .where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)));
    departmentId = row?.departmentId ?? null;
  }
  const queue = voiceQueueName(departmentId, organizationId);
  await recordCallStep(services, organizationId, callSid, { key: `queued:${queue}`, status: 'queued', at, queue, departmentId });
  return queue;
}

export type CallStatus =
  | 'ringing'
  | 'answered'
  | 'completed'
  | 'busy'
  | 'failed'
  | 'no_answer'
  | 'canceled'
  | 'queued'
  | 'bridged'
  | 'abandoned'
  | 'left_queue'
  | 'transferred'
  | 'queue_full'
  | 'queue_error'
  | 'agent_connecting';

/** Twilio's CallStatus values; `queued` and `initiated` say nothing a later step does not. */
export const TWILIO_CALL_STATUS: Record<string, CallStatus | null> = {
  queued: null,
  initiated: null,
  ringing: 'ringing',
  'in-progress': 'answered',
  answered: 'answered',
  completed: 'completed',
  busy: 'busy',
  failed: 'failed',
  'no-answer': 'no_answer',
  canceled: 'canceled',
};
export const CALL_ENDED: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'failed', 'no_answer', 'canceled']);

/** Twilio's <Enqueue> QueueResult values and the friction each one means. */
export const QUEUE_RESULT: Record<string, { status: CallStatus; friction?: 'abandon' | 'transfer' }> = {
  bridged: { status: 'bridged' },
  'bridging-in-process': { status: 'bridged' },
  hangup: { status: 'abandoned', friction: 'abandon' },
  leave: { status: 'left_queue' },
  redirected: { status: 'transferred', friction: 'transfer' },
  'redirected-from-bridged': { status: 'transferred', friction: 'transfer' },
  'queue-full': { status: 'queue_full' },
  error: { status: 'queue_error' },
  'system-error': { status: 'queue_error' },
};

export interface CallStep {
  /** Unique within the call: a redelivered callback with the same key changes nothing. */
  key: string;
  /** null records only the friction (a long wait noticed while the caller still waits). */
  status: CallStatus | null;
  at: string;
  durationSeconds?: number;
  queueSeconds?: number;
  queue?: string;
  departmentId?: string | null;
  queueResult?: string;
  friction?: Array<'abandon' | 'transfer' | 'long_wait'>;
  /** The staff member taking the call: set on the interaction (and as the case's owner when it has none). */
  agentId?: string;
}

export interface StepResult {
  /** This organisation has the call. */
  found: boolean;
  /** false for a redelivery: it was recorded the first time. */
  recorded: boolean;
  /** The call's language, when known. */
  language: Language | null;
}

/**
 * One step of a call's life, written in one transaction: the receipt that makes it happen once,
 * a `call_status` event, its friction events, and the NOTIFY that pushes the case's fresh card
 * to subscribers. Nothing is recorded for a call this organisation has not seen.
 */
export async function recordCallStep(
  services: Services,
  organizationId: string,
  callSid: string,
  step: CallStep,
): Promise<StepResult> {
  return services.database.db.transaction(async (tx) => {
    const [interaction] = await tx
      .select()
      .from(interactions)
      .where(and(eq(interactions.organizationId, organizationId), eq(interactions.channel, 'voice'), eq(interactions.conversationRef, callSid)))
      .limit(1);
    if (!interaction) return { found: false, recorded: false, language: null };
    const language = interaction.language === 'es' || interaction.language === 'en' ? interaction.language : null;
    const [receipt] = await tx
      .insert(inboundReceipts)
      .values({ organizationId, channel: 'voice', idempotencyKey: `${callSid}:${step.key}`, result: { status: step.status }, receivedAt: step.at })
      .onConflictDoNothing()
      .returning({ key: inboundReceipts.idempotencyKey });
    if (!receipt) return { found: true, recorded: false, language };

    const changes = new ChangeSet(tx, organizationId);
    const on = { interactionId: interaction.id, caseId: interaction.caseId, patientId: interaction.patientId, occurredAt: step.at };
    if (step.status) {
      await changes.append({
        kind: 'call_status',
        ...on,
        data: {
          status: step.status,
          ...(step.durationSeconds !== undefined ? { durationSeconds: step.durationSeconds } : {}),
          ...(step.queueSeconds !== undefined ? { queueSeconds: step.queueSeconds } : {}),
          ...(step.queue ? { queue: step.queue } : {}),
          ...(step.departmentId !== undefined ? { departmentId: step.departmentId } : {}),
          ...(step.queueResult ? { queueResult: step.queueResult } : {}),
          ...(step.agentId ? { agentId: step.agentId } : {}),
        },
      });
    }
    for (const kind of step.friction ?? []) {
      await changes.append({
        kind,
        ...on,
        data: { channel: 'voice', ...(step.queueSeconds !== undefined ? { queueSeconds: step.queueSeconds } : {}), ...(step.queue ? { queue: step.queue } : {}) },
      });
    }
    if (step.agentId) {
      await tx.update(interactions).set({ agentId: step.agentId, lastActivityAt: step.at }).where(changes.owned(interactions, interaction.id));
      if (interaction.caseId) {
        // Whoever takes the call is handling the case: it leaves the department's queue so no
        // one else picks it up meanwhile. A case someone already owns keeps its owner.
        const [owned] = await tx
          .update(cases)
          .set({ ownerId: step.agentId, updatedAt: step.at })
          .where(and(changes.owned(cases, interaction.caseId), isNull(cases.ownerId), eq(cases.status, 'open')))
          .returning();
        if (owned) await routeCase(changes, owned, step.at);
      }
    }
    changes.touch(interaction.caseId);
    await changes.commit();
    return { found: true, recorded: true, language };
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An agent is about to be bridged to a queued caller: the call is theirs now, and the case's
 * card goes out (through the same NOTIFY as every change) before either of them speaks. The
 * agent must be staff of the organisation that has the call.
 */
export async function connectAgent(
  services: Services,
  callSid: string,
  agentId: string,
  queueSeconds: number | undefined,
  at: string,
): Promise<StepResult> {
  const none: StepResult = { found: false, recorded: false, language: null };
  if (!UUID.test(agentId)) return none;
  const [agent] = await services.database.db.select({ organizationId: staff.organizationId }).from(staff).where(eq(staff.id, agentId));
  if (!agent) return none;
  return recordCallStep(services, agent.organizationId, callSid, {
    key: `agent:${agentId}`,
    status: 'agent_connecting',
    at,
    agentId,
    ...(queueSeconds !== undefined ? { queueSeconds } : {}),
  });
}

/** What the caller says (or keys) to the virtual assistant: one message on the call's case. */
export async function sayToAssistant(
  services: Services,
  org: OrganizationRow,
  call: CallRef,
  input: { text: string; attempt: number },
  at: string,
): Promise<IngestResult> {
  return ingestEvent(services, org.id, voiceEvent(org, call, at, { kind: 'message', idempotencyKey: `${call.callSid}:assistant:${input.attempt}`, text: input.text }));
}
