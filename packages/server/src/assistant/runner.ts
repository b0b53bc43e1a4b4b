import { and, eq } from 'drizzle-orm';
import { currentFacts, interpretReminderReply, zonedParts, type ChannelEvent, type FactName, type KnownFact, type Language } from '@carethread/core';
import {
  catalogue,
  decide,
  shapeForChannel,
  type DialogueAction,
  type DialogueState,
  type Observation,
  type UnderstandingEngine,
} from '@carethread/assistant';
import { askForFact, replyOnCase } from '../pipeline/actions.ts';
import type { AssistantHook, AssistantTurnResult, Services } from '../pipeline/context.ts';
import { knownFacts, scopeOf } from '../pipeline/facts.ts';
import type { IngestResult } from '../pipeline/ingest.ts';
import { appointmentForReply, applyReminderReply } from '../scheduling/index.ts';
import { ChangeSet } from '../store/events.ts';
import { endpointsOf } from '../store/endpoints.ts';
import { organizationDirectory } from '../store/orgs.ts';
import { cases, facts as factsTable, interactions, patients } from '../store/schema.ts';
import { providers } from '../store/schema-scheduling.ts';
import { ASSISTANT_QUEUE_STATE } from '../routing/engine.ts';
import { escalateUrgent, handOff, releaseCase } from './escalation.ts';
import { performEffect, slotLabel, type EffectContext } from './executor.ts';
import { assistantSettingsOf } from './settings.ts';
import { loadDialogue, openAlerts, saveDialogue } from './store.ts';

type CaseRow = typeof cases.$inferSelect;

/** Channels the assistant answers on. Email waits for a person; the desk is a person. */
const ASSISTANT_CHANNELS = new Set(['webchat', 'sms', 'voice', 'portal']);
/** Effects and ledger answers one turn may go through before it must have said something. */
const MAX_STEPS = 8;

/**
 * The assistant as the pipeline's after-ingest hook: each inbound patient message on chat,
 * SMS, voice or portal whose case no person holds gets the dialogue's answer. Runs after the
 * ingest transaction committed, so the message and its facts are already on the case; every
 * question goes through the facts ledger (askForFact), every reply through replyOnCase (stored
 * on the case, and through the outbox for SMS and portal).
 */
export function createAssistant(engine: UnderstandingEngine): AssistantHook {
  return {
    claim: claimForAssistant,
    async afterIngest(services, organizationId, event, result) {
      if (result.duplicate || !result.caseId || !answersEvent(event)) return null;
      const text = (event.text ?? '').trim() || (event.kind === 'dtmf' && !result.joinedBy?.startsWith('continuation') ? (event.dtmf ?? '') : '');
      let turn: AssistantTurnResult | null = null;
      try {
        turn = await runTurn(services, engine, organizationId, event, result, text);
      } catch (err) {
        // The message is safely on the case already: a person will see it. Names only, never content.
        console.error(`assistant turn failed: ${(err as Error)?.name ?? 'Error'} ${(err as { code?: string })?.code ?? ''}`.trim());
      }
      // A case claimed for a turn that did not happen (a failure, a setting changed meanwhile)
      // must not sit out of every queue: it goes to people.
      if (!turn) await releaseCase(services, organizationId, result.caseId, event.occurredAt).catch(() => undefined);
      return turn;
    },
  };
}

/** Inbound patient messages on the channels the assistant answers. */
function answersEvent(event: ChannelEvent): boolean {
  if (event.direction !== 'inbound' || (event.actor ?? 'patient') !== 'patient') return false;
  if (event.kind !== 'message' && event.kind !== 'dtmf') return false;
  if (!ASSISTANT_CHANNELS.has(event.channel)) return false;
  // On a call the assistant speaks only where the caller is listening for it: the request
  // menu and its own turns (voice-calls.ts keys), not what a caller adds while on hold.
  if (event.channel === 'voice' && !/:(menu|assistant):\d+$/.test(event.idempotencyKey)) return false;
  return true;
}

/**
 * In the ingest transaction, before routing: a case the assistant will answer (no person holds
 * or awaits it, the dialogue is active, no urgent alert is open) takes the queue state
 * `assistant`, so routing offers it to nobody. A case already queued for or held by a person
 * stays where it is.
 */
async function claimForAssistant(changes: ChangeSet, event: ChannelEvent, caseRow: CaseRow): Promise<void> {
  if (caseRow.queueState !== 'none' || caseRow.ownerId || !answersEvent(event)) return;
  const org = changes.organizationId;
  const dir = await organizationDirectory(changes.tx, org);
  if (!dir || !assistantSettingsOf(dir.org).enabled) return;
  if ((await loadDialogue(changes.tx, org, caseRow.id)).mode !== 'active') return;
  if ((await openAlerts(changes.tx, org, caseRow.id)).length > 0) return;
  await changes.tx.update(cases).set({ queueState: ASSISTANT_QUEUE_STATE }).where(and(changes.owned(cases, caseRow.id), eq(cases.queueState, 'none')));
}

async function runTurn(
  services: Services,
  engine: UnderstandingEngine,
  organizationId: string,
  event: ChannelEvent,
  result: IngestResult,
  text: string,
): Promise<AssistantTurnResult | null> {
  const db = services.database.db;
  const dir = await organizationDirectory(db, organizationId);
  if (!dir) return null;
  const settings = assistantSettingsOf(dir.org);
  if (!settings.enabled) return null;
  // The organisation's phone line, for a continuation by phone (none: not offered).
  const voiceNumber = (await endpointsOf(db, organizationId, 'voice'))[0]?.address ?? null;
  const caseId = result.caseId!;
  const [caseRow] = await db.select().from(cases).where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)));
  if (!caseRow || caseRow.status === 'merged') return null;
  const [interaction] = result.interactionId
    ? await db.select().from(interactions).where(and(eq(interactions.organizationId, organizationId), eq(interactions.id, result.interactionId)))
    : [];
  const [patient] = caseRow.patientId
    ? await db.select({ language: patients.language }).from(patients).where(and(eq(patients.organizationId, organizationId), eq(patients.id, caseRow.patientId)))
    : [];
  const patientLanguage = (patient?.language === 'es' || patient?.language === 'en' ? patient.language : null) as Language | null;
  const knownLanguage = (interaction?.language === 'es' || interaction?.language === 'en' ? interaction.language : patientLanguage) as Language | null;

  // Doctors are recognised by name ("Dr. Núñez", "con la doctora Ana Núñez") to book with them.
  const providerNames = await db.select({ id: providers.id, name: providers.name }).from(providers).where(and(eq(providers.organizationId, organizationId), eq(providers.active, true)));
  const message = await engine.understand(text, {
    ...(knownLanguage ? { language: knownLanguage } : {}),
    referenceTime: event.occurredAt,
    timeZone: dir.org.timeZone,
    region: dir.org.defaultRegion,
    departments: dir.departments.map((d) => ({ id: d.id, name: d.name, aliases: [d.slug] })),
    providers: providerNames,
    ...(interaction?.awaitingFact ? { awaiting: interaction.awaitingFact as FactName } : {}),
  });
  // A person holds the case: they answer. Urgent guidance still goes out at once.
  const held = caseRow.queueState === 'assigned' && !!caseRow.ownerId;
  if (held && !message.urgent.urgent) return null;

  let state = await loadDialogue(db, organizationId, caseId);
  const base = Date.parse(event.occurredAt);
  let tick = 0;
  // Replies follow the message they answer, in order, even within the same millisecond.
  const at = () => new Date(base + ++tick).toISOString();
  const turn: AssistantTurnResult = { replies: [], language: state.language ?? knownLanguage ?? message.language, handedOff: false, urgent: false, asked: [] };
  const channel = event.channel;

  const sayOut = async (reply: string) => {
    const text = shapeForChannel(reply, channel);
    if (!text) return;
    await replyOnCase(services, organizationId, caseId, { text, actor: 'assistant', at: at() });
    turn.replies.push(text);
  };

  // Reminder replies ("C", "R", "cancelar") by SMS are applied to the appointment they answer.
  if (channel === 'sms' && caseRow.patientId && state.mode === 'active' && !held) {
    const applied = await reminderReply(services, organizationId, caseId, caseRow.patientId, text, knownLanguage, event.occurredAt, state);
    if (applied) {
      state = applied.state;
      for (const line of applied.say) await sayOut(line);
      state.turns += 1;
      await persist(services, organizationId, caseId, caseRow.patientId, state, message.intent, applied.completed, at());
      return turn;
    }
  }

  // A bare answer to a free-text question ("Walgreens on Main Street" after "Which pharmacy?")
  // is that fact, even when the extractor has no pattern for it.
  const awaited = interaction?.awaitingFact as FactName | null | undefined;
  const stated = result.facts.filter((f): f is FactName => typeof f === 'string') as FactName[];
  if (awaited && FREE_TEXT_FACTS.has(awaited) && !stated.includes(awaited) && state.mode === 'active' && !message.urgent.urgent && message.intent !== 'speak_to_person') {
    const value = freeTextAnswer(text);
    if (value && (message.intent === 'other' || message.confidence < 0.9)) {
      await recordAnswer(services, organizationId, caseId, caseRow.patientId, result.interactionId, awaited, value, event.occurredAt);
      stated.push(awaited);
    }
  }
  const facts = await statedFacts(services, organizationId, caseId, caseRow.patientId, event.occurredAt);
  let assurance = (interaction?.assurance ?? result.assurance ?? 'anonymous') as 'anonymous' | 'claimed' | 'matched' | 'verified';
  let observation: Observation | undefined;
  const completed: string[] = [];
  for (let step = 0; step < MAX_STEPS; step++) {
    const decision = decide({
      message,
      state,
      facts,
      assurance,
      channel,
      patientLanguage,
      settings,
      stated,
      today: zonedParts(new Date(event.occurredAt), dir.org.timeZone).date,
      ...(observation ? { observation } : {}),
    });
    state = decision.state;
    turn.language = state.language ?? turn.language;
    observation = undefined;
    for (const action of decision.actions) {
      const next = await perform(action);
      if (next) {
        observation = next;
        if (next.kind === 'known') facts[next.fact] = next.value;
        if ((next.kind === 'verified' || next.kind === 'code_checked') && next.ok) assurance = 'verified';
        break;
      }
    }
    if (!observation) break;
  }
  await persist(services, organizationId, caseId, caseRow.patientId, state, message.intent, completed, at());
  return turn;

  /** Carries out one action; returns an observation when the dialogue must decide again. */
  async function perform(action: DialogueAction): Promise<Observation | null> {
    switch (action.kind) {
      case 'say':
        await sayOut(action.text);
        return null;
      case 'ask': {
        const outcome = await askForFact(services, organizationId, caseId, { fact: action.fact, actor: 'assistant', ...(result.interactionId ? { interactionId: result.interactionId } : {}), at: at() });
        if (outcome.outcome === 'ask') {
          turn.asked.push(action.fact);
          await sayOut(action.text);
          return null;
        }
        // The ledger knows it already (the 409 of the ask API): never asked, used instead.
        return { kind: 'known', fact: action.fact, value: outcome.known?.value ?? '' };
      }
      case 'effect':
        return performEffect(services, effectContext(), action.effect);
      case 'urgent':
        turn.urgent = true;
        await escalateUrgent(services, organizationId, caseId, { category: action.category, guidance: action.guidance, at: at() });
        return null;
      case 'handoff': {
        turn.handedOff = true;
        if (action.reason === 'urgent') {
          await handOff(services, organizationId, caseId, action.summary, at());
          return null;
        }
        const { waitMinutes } = await handOff(services, organizationId, caseId, action.summary, at());
        const c = catalogue(state.language ?? 'en');
        // On a call the caller is about to hear the hold queue; elsewhere they may prefer a call back.
        // Elsewhere: a call back, or carrying on by phone (a continuation code) or by text.
        const options = { phone: !!voiceNumber && !!result.interactionId, text: (channel === 'webchat' || channel === 'portal') && !!result.interactionId };
        await sayOut(channel === 'voice' ? c.waitAbout(waitMinutes) : `${c.waitAbout(waitMinutes)} ${c.handoffOptions(options)}`);
        return null;
      }
      case 'complete':
        completed.push(action.task);
        return null;
    }
  }

  function effectContext(): EffectContext {
    return {
      organizationId,
      caseId,
      patientId: caseRow!.patientId,
      language: state.language ?? 'en',
      timeZone: dir!.org.timeZone,
      reason: facts.reason ?? null,
      at,
      interactionId: result.interactionId ?? null,
      voiceNumber,
    };
  }
}

/** Facts whose answer is the patient's own words, not a pattern (a pharmacy, a reason). */
const FREE_TEXT_FACTS = new Set<FactName>(['pharmacy', 'reason', 'medication']);

function freeTextAnswer(text: string): string | null {
  const value = text.replace(/\s+/g, ' ').trim().replace(/^(it'?s|it is|the|es|la|el|en)\s+/i, '').replace(/[.!]+$/, '');
  if (!/[\p{L}]{2}/u.test(value) || value.length > 120) return null;
  return value;
}

/** Writes the answer to the ledger as the pipeline writes what the extractor found, with source `assistant`. */
async function recordAnswer(
  services: Services,
  organizationId: string,
  caseId: string,
  patientId: string | null,
  interactionId: string | null,
  name: FactName,
  value: string,
  at: string,
): Promise<void> {
  await services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    await tx.insert(factsTable).values({ organizationId, patientId, caseId, scope: scopeOf(name), name, value, sourceInteractionId: interactionId, source: 'assistant', confidence: 0.8, observedAt: at });
    if (interactionId) await tx.update(interactions).set({ awaitingFact: null }).where(changes.owned(interactions, interactionId));
    await changes.append({ kind: 'fact_recorded', caseId, patientId, interactionId, occurredAt: at, data: { name, source: 'assistant' } });
    await changes.commit();
  });
}

/** What the patient has said (this case and, for personal facts, earlier ones), still fresh. The record's own values are not "said". */
async function statedFacts(services: Services, organizationId: string, caseId: string, patientId: string | null, at: string): Promise<Partial<Record<FactName, string>>> {
  const all = await knownFacts(services.database.db, organizationId, caseId, patientId);
  const stated = all.filter((f) => f.source !== 'record');
  const out: Partial<Record<FactName, string>> = {};
  for (const f of currentFacts(stated as KnownFact[], new Date(at))) out[f.name] = f.value;
  return out;
}

/**
 * A bare "C" / "R" / "cancelar" after a reminder: applied to the appointment it answers
 * (core's interpretReminderReply, scheduling's applyReminderReply). A reschedule request goes
 * on as a dialogue: the suggested slots are offered on the same case.
 */
async function reminderReply(
  services: Services,
  organizationId: string,
  caseId: string,
  patientId: string,
  text: string,
  language: Language | null,
  at: string,
  state: DialogueState,
): Promise<{ state: DialogueState; say: string[]; completed: string[] } | null> {
  // Only a bare reply ("C", "R", "cancelar", "sí"): a sentence ("I need to change my
  // appointment") is a request for the dialogue, which verifies first.
  if (state.task || text.length > 40 || text.trim().split(/\s+/).length > 2) return null;
  const action = interpretReminderReply(text, language);
  if (!action) return null;
  const appointment = await appointmentForReply(services, organizationId, patientId, at);
  if (!appointment) return null;
  // It answers something we sent: a reminder, a waitlist offer, or the booking made on this case.
  const prompted = appointment.status === 'proposed' || appointment.reminders.some((r) => r.status === 'sent') || appointment.caseId === caseId;
  if (!prompted) return null;
  const reply = await applyReminderReply(services, organizationId, appointment.id, action, { at });
  const next: DialogueState = { ...state, language: state.language ?? language };
  const lang = next.language ?? 'en';
  if (action === 'reschedule' && reply.suggestions.length > 0) {
    next.task = 'reschedule';
    const dir = await organizationDirectory(services.database.db, organizationId);
    const specialty = (id: string | null | undefined) => (id ? (dir?.departments.find((d) => d.id === id)?.name ?? null) : null);
    next.appointment = {
      id: appointment.id,
      label: slotLabel(appointment.start, appointment.location.timeZone, lang, appointment.provider.name, appointment.department?.name),
      providerId: appointment.provider.id,
      ...(appointment.department ? { departmentId: appointment.department.id } : {}),
    };
    // "Another day?" after the suggestions looks in the same specialty the suggestions came from.
    next.preferences = appointment.department ? { departmentId: appointment.department.id } : { providerId: appointment.provider.id };
    next.offered = reply.suggestions.slice(0, 3).map((s) => ({ id: s.id, start: s.start, label: slotLabel(s.start, s.location.timeZone, lang, s.provider.name, specialty(s.provider.departmentId)) }));
    next.awaiting = { kind: 'choice' };
    next.tried = [...next.tried, 'reminder_reply', 'offered_slots'];
    return { state: next, say: [catalogue(lang).offerSlots(next.offered, false)], completed: [] };
  }
  next.tried = [...next.tried, 'reminder_reply'];
  const task = action === 'confirm' ? 'confirm' : action === 'cancel' ? 'cancel' : null;
  return { state: next, say: [reply.acknowledgement.text], completed: task ? [task] : [] };
}

/** Saves the dialogue and logs the turn: `assistant_turn`, and `assistant_completed` per finished request (containment). */
async function persist(
  services: Services,
  organizationId: string,
  caseId: string,
  patientId: string | null,
  state: DialogueState,
  intent: string,
  completed: string[],
  at: string,
): Promise<void> {
  await services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    await saveDialogue(tx, organizationId, caseId, state, at);
    await changes.append({ kind: 'assistant_turn', caseId, patientId, occurredAt: at, data: { intent, task: state.task, mode: state.mode, turn: state.turns } });
    for (const task of completed) {
      await changes.append({ kind: 'assistant_completed', caseId, patientId, occurredAt: at, data: { task, turns: state.turns } });
    }
    await changes.commit();
  });
}
