import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '@carethread/core';
import type { Services } from '../../pipeline/context.ts';
import type { RealtimeHub } from '../../realtime.ts';
import type { OrganizationRow } from '../../store/orgs.ts';
import { formField, hasValidTwilioSignature, refuseUnsignedTwilio, requireTwilioSignature } from './common.ts';
import {
  CALL_ENDED,
  LONG_WAIT_SECONDS,
  QUEUE_RESULT,
  TWILIO_CALL_STATUS,
  codeEntryPaused,
  connectAgent,
  endCall,
  holdCall,
  organizationForNumber,
  presentCode,
  recordCallStep,
  sayDetails,
  sayRequest,
  sayToAssistant,
  startCall,
  type CallRef,
} from './voice-calls.ts';
import { MENU_CHOICES, SWITCH_LANGUAGE_KEY, languageOf, otherLanguage, promptsFor, spokenDigits } from './voice-prompts.ts';
import { and, eq } from 'drizzle-orm';
import type { IngestResult } from '../../pipeline/ingest.ts';
import { interactions } from '../../store/schema.ts';
import {
  assistantTwiml,
  VOICE_PATH,
  codeRetryTwiml,
  connectingTwiml,
  emptyTwiml,
  enqueueTwiml,
  failSafeTwiml,
  greetingTwiml,
  menuTwiml,
  notInServiceTwiml,
  sayAndHangUp,
  waitTwiml,
} from './voice-twiml.ts';

/** Code prompts: the first try and one more after a wrong code, then the menu. */
const CODE_TRIES = 2;
/** Menu prompts before a caller who says nothing usable is put through to a person. */
const MENU_TRIES = 3;
/** Turns with the virtual assistant on one call before a person takes over. */
const ASSISTANT_TURNS = 20;
/** How many things a caller can add while waiting before we stop asking. */
const DETAILS_TRIES = 5;

/** What a handler knows so far, so a failure still answers the caller as well as it can. */
interface Step {
  language: Language;
  organizationId: string | null;
}

/**
 * Twilio Programmable Voice: the incoming-call webhook, the code and menu steps, the hold loop,
 * queue and status callbacks, and the URL fetched when an agent takes a queued call. Every
 * route checks Twilio's signature first and always answers TwiML: Twilio reads a 5xx as a
 * dead line and plays its own error to the patient.
 */
export async function registerTwilioVoice(app: FastifyInstance, services: Services, hub: RealtimeHub): Promise<void> {
  // The card reaches agents through the event log's NOTIFY, which the hub already fans out.
  void hub;
  const base = () => services.settings.publicUrl;

  await app.register(async (scope) => {
    // A body the form parser refuses, or anything thrown outside a handler, still gets TwiML.
    scope.setErrorHandler(async (error: Error, request, reply) => {
      // A body that failed to parse never passed the signature check: refuse it, not answer it.
      if (!hasValidTwilioSignature(services, request)) return reply.code(403).type('text/plain').send('Invalid or missing X-Twilio-Signature');
      request.log.warn({ err: { name: error.name, code: (error as { code?: string }).code } }, 'twilio voice request failed');
      return sendTwiml(reply, failSafeTwiml(languageOf(query(request).lang), null));
    });
    const signed = { onRequest: refuseUnsignedTwilio, preHandler: requireTwilioSignature(services), schema: { hide: true } };

    /**
     * `onFailure` answers when the step itself failed; by default the caller is apologised to and
     * put through to a person. The hold loop and the agent's bridge allow only a few verbs, so
     * they answer with what is allowed there.
     */
    const route = (
      path: string,
      handle: (request: FastifyRequest, step: Step) => Promise<string>,
      onFailure: (step: Step) => string = (step) => failSafeTwiml(step.language, step.organizationId),
    ) =>
      scope.post(`${VOICE_PATH}${path}`, signed, async (request, reply) => {
        const step: Step = { language: languageOf(query(request).lang), organizationId: null };
        try {
          return sendTwiml(reply, await handle(request, step));
        } catch (err) {
          // Names only: what failed, never what the caller said or their number.
          request.log.error({ err: { name: (err as Error).name, code: (err as { code?: string }).code } }, 'twilio voice step failed');
          return sendTwiml(reply, onFailure(step));
        }
      });

    /** The call's organisation (by the dialled number) and the call itself, or a polite refusal. */
    const callOf = async (request: FastifyRequest, step: Step): Promise<{ org: OrganizationRow; call: CallRef } | null> => {
      const callSid = formField(request.body, 'CallSid');
      if (!callSid || !/^[A-Za-z0-9_-]{2,64}$/.test(callSid)) return null;
      const org = await organizationForNumber(services, formField(request.body, 'To'));
      if (!org) return null;
      step.organizationId = org.id;
      return { org, call: { callSid, rawFrom: formField(request.body, 'From') } };
    };
    const now = () => services.now().toISOString();

    // 1. The call arrives: record its start, greet, and ask for a continuation code.
    route('', async (request, step) => {
      const found = await callOf(request, step);
      if (!found) return notInServiceTwiml();
      const { language } = await startCall(services, found.org, found.call, now());
      step.language = language;
      // While code entry is paused for the organisation, the caller is not asked for one: straight to the menu.
      if (await codeEntryPaused(services, found.org.id, now())) {
        const p = promptsFor(language);
        return menuTwiml(base(), language, 1, `${p.welcome(found.org.name)} ${p.emergency(found.org.defaultRegion)} ${p.codeEntryUnavailable}`);
      }
      return greetingTwiml(base(), language, found.org.name, found.org.defaultRegion);
    });

    // 2. A code (keyed or spoken) joins the call to the case it was issued for; none → the menu.
    route('/code', async (request, step) => {
      const found = await callOf(request, step);
      if (!found) return notInServiceTwiml();
      const { language } = step;
      const p = promptsFor(language);
      const attempt = attemptOf(request, CODE_TRIES);
      const digits = (formField(request.body, 'Digits') ?? '').replace(/[#*\s]/g, '').slice(0, 32);
      const speech = (formField(request.body, 'SpeechResult') ?? '').trim().slice(0, 500);
      const outcome = digits || speech ? await presentCode(services, found.org, found.call, { digits, speech, attempt }, now()) : { kind: 'none' as const };
      if (outcome.kind === 'joined') {
        const queue = await holdCall(services, found.org.id, found.call.callSid, outcome.caseId, now());
        return enqueueTwiml(base(), language, queue, [p.joined, p.holding], 1);
      }
      if (outcome.kind === 'none') return menuTwiml(base(), language, 1);
      if (outcome.reason === 'rate_limited') return menuTwiml(base(), language, 1, p.codeRateLimited);
      if (outcome.reason === 'busy' || outcome.reason === 'paused') return menuTwiml(base(), language, 1, p.codeEntryUnavailable);
      const why = outcome.reason === 'expired' ? p.codeExpired : outcome.reason === 'used' ? p.codeUsed : p.codeUnknown;
      return attempt < CODE_TRIES ? codeRetryTwiml(base(), language, why, attempt + 1) : menuTwiml(base(), language, 1, why);
    });

    // 3. The request menu: a key or a sentence becomes a message the pipeline routes, then the caller waits in that department's queue.
    route('/menu', async (request, step) => {
      const found = await callOf(request, step);
      if (!found) return notInServiceTwiml();
      const { language } = step;
      const p = promptsFor(language);
      const attempt = attemptOf(request, MENU_TRIES);
      const keyed = (formField(request.body, 'Digits') ?? '').replace(/[#*\s]/g, '').slice(0, 8);
      const speech = (formField(request.body, 'SpeechResult') ?? '').trim().slice(0, 500);
      // "Two." or "dos" on its own is the key 2, not a sentence.
      const spoken = spokenDigits(speech).replace(/[\s.,!?¿¡]/g, '');
      const key = keyed || (/^\d$/.test(spoken) ? spoken : '');
      if (key === SWITCH_LANGUAGE_KEY) return menuTwiml(base(), otherLanguage(language), attempt);

      let text: string;
      let said: Language | undefined = language;
      if (key && MENU_CHOICES[key]) {
        text = MENU_CHOICES[key][language];
      } else if (keyed) {
        if (attempt < MENU_TRIES) return menuTwiml(base(), language, attempt + 1, p.notAnOption);
        text = MENU_CHOICES['0']![language];
      } else if (speech) {
        // Free speech is the patient's own words: the pipeline detects its language and request type.
        text = speech;
        said = undefined;
      } else {
        if (attempt < MENU_TRIES) return menuTwiml(base(), language, attempt + 1);
        text = MENU_CHOICES['0']![language];
      }
      const result = await sayRequest(services, found.org, found.call, { text, attempt, ...(said ? { language: said } : {}) }, now());
      const answered = assistantAnswer(result);
      if (answered) return answered;
      const queue = await holdCall(services, found.org.id, found.call.callSid, result.caseId, now());
      // The assistant may have answered in the language the caller spoke (guidance, a hand-over).
      const spokenIn = result.assistant?.replies.length ? result.assistant.language : language;
      return enqueueTwiml(base(), spokenIn, queue, [...(result.assistant?.replies ?? []), promptsFor(spokenIn).holding], 1);
    });

    // 3a. The virtual assistant's turn: what the caller said or keyed after its question goes
    // through the same pipeline; its answer is spoken, until it is done or hands over.
    route('/assistant', async (request, step) => {
      const found = await callOf(request, step);
      if (!found) return notInServiceTwiml();
      const attempt = attemptOf(request, ASSISTANT_TURNS);
      const digits = (formField(request.body, 'Digits') ?? '').replace(/[#*\s]/g, '').slice(0, 32);
      const speech = (formField(request.body, 'SpeechResult') ?? '').trim().slice(0, 500);
      const text = speech || digits;
      const p = promptsFor(step.language);
      if (text && attempt < ASSISTANT_TURNS) {
        const result = await sayToAssistant(services, found.org, found.call, { text, attempt }, now());
        const answered = assistantAnswer(result, attempt + 1);
        if (answered) return answered;
        const queue = await holdCall(services, found.org.id, found.call.callSid, result.caseId, now());
        return enqueueTwiml(base(), result.assistant?.language ?? step.language, queue, [...(result.assistant?.replies ?? []), p.holding]);
      }
      // Silence, or a very long call with the assistant: a person takes over.
      const queue = await holdCall(services, found.org.id, found.call.callSid, await caseOfCall(found.org.id, found.call.callSid), now());
      return enqueueTwiml(base(), step.language, queue, [p.holding], 1);
    });

    // 3b. What the caller adds before being connected goes on the case; then back to the queue.
    route('/details', async (request, step) => {
      const found = await callOf(request, step);
      if (!found) return notInServiceTwiml();
      const { language } = step;
      const attempt = attemptOf(request, DETAILS_TRIES);
      const speech = (formField(request.body, 'SpeechResult') ?? '').trim().slice(0, 500);
      let caseId: string | null = null;
      if (speech) caseId = (await sayDetails(services, found.org, found.call, { text: speech, attempt }, now())).caseId;
      const queue = await holdCall(services, found.org.id, found.call.callSid, caseId, now());
      return enqueueTwiml(base(), language, queue, [], speech && attempt < DETAILS_TRIES ? attempt + 1 : undefined);
    });

    // 4. Hold loop (Twilio's waitUrl): where the caller stands; a long wait is noted as friction once.
    route('/wait', async (request, step) => {
      const position = intField(request.body, 'QueuePosition');
      const queueSeconds = intField(request.body, 'QueueTime');
      if (queueSeconds !== undefined && queueSeconds >= LONG_WAIT_SECONDS) {
        const found = await callOf(request, step);
        if (found) await noteLongWait(found.org.id, found.call.callSid, queueSeconds, formField(request.body, 'QueueSid'));
      }
      return waitTwiml(step.language, position ?? null);
    }, (step) => waitTwiml(step.language, null));

    // 5. The caller left the queue (Enqueue action): bridged, hung up (abandoned), transferred, or the queue failed.
    route('/queue', async (request, step) => {
      const result = formField(request.body, 'QueueResult') ?? '';
      const outcome = QUEUE_RESULT[result];
      const found = await callOf(request, step);
      const queueSeconds = intField(request.body, 'QueueTime');
      const queueSid = formField(request.body, 'QueueSid');
      if (found && outcome) {
        await recordCallStep(services, found.org.id, found.call.callSid, {
          key: `queue:${queueSid ?? ''}:${outcome.status}`,
          status: outcome.status,
          at: now(),
          queueResult: result,
          ...(queueSeconds !== undefined ? { queueSeconds } : {}),
          ...(outcome.friction ? { friction: [outcome.friction] } : {}),
        });
        if (queueSeconds !== undefined && queueSeconds >= LONG_WAIT_SECONDS) await noteLongWait(found.org.id, found.call.callSid, queueSeconds, queueSid);
      }
      const p = promptsFor(step.language);
      if (outcome?.status === 'bridged') return sayAndHangUp(step.language, [p.goodbye]);
      if (outcome?.status === 'abandoned' || outcome?.status === 'transferred') return emptyTwiml();
      return sayAndHangUp(step.language, [p.allBusy]);
    });

    // 6. Call status callback: ringing, answered, and how the call ended (which closes the interaction).
    route('/status', async (request, step) => {
      const found = await callOf(request, step);
      const status = TWILIO_CALL_STATUS[formField(request.body, 'CallStatus') ?? ''];
      if (!found || !status) return emptyTwiml();
      const at = timestampOf(formField(request.body, 'Timestamp')) ?? now();
      // A callback may beat the voice webhook; starting is idempotent, so whichever comes first opens the call.
      await startCall(services, found.org, found.call, at);
      const durationSeconds = CALL_ENDED.has(status) ? intField(request.body, 'CallDuration') : undefined;
      await recordCallStep(services, found.org.id, found.call.callSid, {
        key: `status:${status}`,
        status,
        at,
        ...(durationSeconds !== undefined ? { durationSeconds } : {}),
      });
      if (CALL_ENDED.has(status)) await endCall(services, found.org, found.call, at);
      return emptyTwiml();
    }, () => emptyTwiml());

    // 7. An agent dequeues the caller (<Dial><Queue url=…>): fetched before the two are bridged.
    route('/connect-agent', async (request, step) => {
      const callSid = formField(request.body, 'CallSid');
      const agentId = query(request).agentId;
      if (!callSid || typeof agentId !== 'string') return emptyTwiml();
      const connected = await connectAgent(services, callSid, agentId, intField(request.body, 'QueueTime'), now());
      if (!connected.found) return emptyTwiml();
      step.language = connected.language ?? step.language;
      return connectingTwiml(step.language);
    }, () => emptyTwiml());
  });

  /** The assistant answered and is still on the call (not handed over): speak and listen again. */
  function assistantAnswer(result: IngestResult, attempt = 1): string | null {
    const a = result.assistant;
    if (!a || a.handedOff || a.replies.length === 0) return null;
    return assistantTwiml(base(), a.language, a.replies, attempt);
  }

  async function caseOfCall(organizationId: string, callSid: string): Promise<string | null> {
    const [row] = await services.database.db
      .select({ caseId: interactions.caseId })
      .from(interactions)
      .where(and(eq(interactions.organizationId, organizationId), eq(interactions.channel, 'voice'), eq(interactions.conversationRef, callSid)))
      .limit(1);
    return row?.caseId ?? null;
  }

  async function noteLongWait(organizationId: string, callSid: string, queueSeconds: number, queueSid: string | undefined): Promise<void> {
    await recordCallStep(services, organizationId, callSid, {
      key: `long_wait:${queueSid ?? ''}`,
      status: null,
      at: services.now().toISOString(),
      queueSeconds,
      friction: ['long_wait'],
    });
  }
}

function sendTwiml(reply: FastifyReply, xml: string): FastifyReply {
  return reply.code(200).type('text/xml').send(xml);
}

function query(request: FastifyRequest): Record<string, unknown> {
  return (request.query && typeof request.query === 'object' ? request.query : {}) as Record<string, unknown>;
}

function attemptOf(request: FastifyRequest, max: number): number {
  const n = Number(query(request).attempt);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : 1;
}

function intField(body: unknown, name: string): number | undefined {
  const raw = formField(body, name);
  if (raw === undefined || !/^\d{1,9}$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

/** Twilio's status callbacks carry an RFC 2822 Timestamp; the step happened then, not when it reached us. */
function timestampOf(raw: string | undefined): string | null {
  if (!raw) return null;
  const t = Date.parse(raw);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}
