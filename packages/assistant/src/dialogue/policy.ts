import type { FactName, Language } from '@carethread/core';
import type { Entity } from '../entities/index.ts';
import type { Intent } from '../intents.ts';
import { catalogue, shapeForChannel } from './replies.ts';
import {
  initialDialogueState,
  type DialogueAction,
  type DialogueDecision,
  type DialogueInput,
  type DialogueState,
  type Effect,
  type HandoffReason,
  type Observation,
  type SchedulingPreferences,
  type Task,
} from './types.ts';

/**
 * The assistant's dialogue policy: pure, no I/O. Given what the latest message means, what the
 * dialogue remembers, the facts the patient already gave and how sure we are who they are, it
 * decides the next actions. Work that needs the database (finding slots, booking, checking an
 * identity) comes back as an `effect`; the executor performs it and calls `decide` again with
 * the `observation`, in the same turn.
 *
 * Rules that hold whatever the input:
 * - urgent symptoms come first: guidance, then a person;
 * - a fact is asked only when it is not known, and only through an `ask` action (the facts
 *   ledger refuses a known one, so a repeat is impossible by construction);
 * - nothing personal or clinical is looked up before the contact is `verified`;
 * - every reply fits its channel, and nothing throws.
 */

/** A trained intent below this is treated as not understood. */
export const INTENT_CONFIDENCE = 0.6;
/** Messages longer than this are read only in part (the understanding caps them too). */
export const LONG_MESSAGE_CHARS = 1000;

const TASK_OF_INTENT: Partial<Record<Intent, Task>> = {
  schedule_appointment: 'schedule',
  reschedule_appointment: 'reschedule',
  cancel_appointment: 'cancel',
  confirm_appointment: 'confirm',
  prescription_refill: 'refill',
  test_results: 'results',
  billing_question: 'billing',
};

/** Requests the assistant does not carry itself: straight to a person, with the context. */
const PERSON_INTENTS: ReadonlySet<Intent> = new Set(['insurance_question', 'medical_records']);

/** What a task needs the patient to say before the assistant can act, in asking order. */
const TASK_FACTS: Record<Task, FactName[]> = {
  schedule: ['reason'],
  reschedule: [],
  cancel: [],
  confirm: [],
  refill: ['medication', 'pharmacy'],
  results: [],
  billing: [],
};

const VERIFICATION_FACTS: FactName[] = ['givenName', 'familyName', 'birthDate'];

const PROMPT_LIKE =
  /\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules)\b|\bsystem prompt\b|\byou are now\b|\bjailbreak\b|\bdeveloper mode\b|\b(olvida|ignora)\b.{0,40}\binstrucciones\b|<\/?(script|system)\b/i;

/** "CALLBACK", "call me back", "llámenme", "LLAMADA": the call-back offered at hand-off. */
export const WANTS_CALLBACK = /\b(call ?back|call me|ll[aá]menme|ll[aá]mame|llamada|dev[ué]lvanme la llamada)\b/i;

const YES = /^(y|yes|yeah|yep|sure|ok|okay|correct|right|please do|s[ií]|claro|vale|de acuerdo|correcto|confirmo)\b/i;
const NO = /^(n|no|nope|don'?t|do not|keep it|never ?mind|no gracias|mejor no)\b/i;

/** Tried in order: ordinal words ("the second one"), then digits, then number words ("two"). */
const CHOICE_TIERS: Array<Array<[RegExp, number]>> = [
  [
    [/\b(first|primer[oa]?)\b/i, 1],
    [/\b(second|segund[oa])\b/i, 2],
    [/\b(third|tercer[oa]?)\b/i, 3],
  ],
  [
    [/(^|\D)1(\D|$)/, 1],
    [/(^|\D)2(\D|$)/, 2],
    [/(^|\D)3(\D|$)/, 3],
  ],
  [
    [/\b(one|uno|una)\b/i, 1],
    [/\b(two|dos)\b/i, 2],
    [/\b(three|tres)\b/i, 3],
  ],
];

function words(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

function hasContent(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

function clone(state: DialogueState | null | undefined): DialogueState {
  const base = initialDialogueState();
  if (!state || typeof state !== 'object') return base;
  return {
    ...base,
    ...state,
    tried: [...(state.tried ?? [])].slice(-20),
    asked: [...(state.asked ?? [])],
    offered: [...(state.offered ?? [])],
    preferences: { ...(state.preferences ?? {}) },
    completed: [...(state.completed ?? [])],
  };
}

/** The choice a message makes among `n` offered options, or null. */
export function parseChoice(text: string, n: number): number | null {
  const t = text.trim().toLowerCase();
  if (!t || t.length > 80) return null;
  for (const tier of CHOICE_TIERS) {
    const hits = tier.filter(([re]) => re.test(t)).map(([, k]) => k);
    if (hits.length === 1) return hits[0]! <= n ? hits[0]! : null;
    if (hits.length > 1) return null;
  }
  return null;
}

export function parseYesNo(text: string): boolean | null {
  const t = text.trim().toLowerCase().replace(/^[¡¿"'\s]+/, '');
  if (YES.test(t)) return true;
  if (NO.test(t)) return false;
  return null;
}

const PART_BY_HOUR = (hour: number): 'morning' | 'afternoon' | 'evening' => (hour < 12 ? 'morning' : hour < 17 ? 'afternoon' : 'evening');

/**
 * Scheduling preferences read from the message's date entities: a day ("next Tuesday"), a part
 * of day ("afternoon"), a provider, a department. Null when the message names none.
 */
export function preferencesFrom(entities: readonly Entity[]): SchedulingPreferences | null {
  const out: SchedulingPreferences = {};
  for (const e of entities) {
    if (e.type === 'provider' && e.id) out.providerId = e.id;
    if (e.type === 'department' && e.id) out.departmentId = e.id;
    if (e.type !== 'datetime') continue;
    const [from, to] = e.value.split('/');
    const day = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null);
    const d1 = day(from);
    if (!d1) continue;
    const d2 = day(to) ?? d1;
    if (out.earliestDate && out.earliestDate < d1) continue;
    out.earliestDate = d1;
    out.latestDate = d2 < d1 ? d1 : d2;
    const time = from!.match(/T(\d{2}):(\d{2})/);
    if (time && (e.kind === 'datetimerange' || e.kind === 'datetime' || e.kind === 'timerange' || e.kind === 'time')) {
      const hour = Number(time[1]);
      if (!(hour === 0 && Number(time[2]) === 0)) out.partsOfDay = [PART_BY_HOUR(hour)];
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}

interface Turn {
  input: DialogueInput;
  s: DialogueState;
  lang: Language;
  voice: boolean;
  actions: DialogueAction[];
}

function say(t: Turn, ...parts: string[]): void {
  const text = parts.filter(Boolean).join(' ');
  if (text) t.actions.push({ kind: 'say', text: shapeForChannel(text, t.input.channel) });
}

function ask(t: Turn, fact: FactName, preface = ''): void {
  const c = catalogue(t.lang);
  t.s.awaiting = { kind: 'fact', fact };
  if (!t.s.asked.includes(fact)) t.s.asked.push(fact);
  t.s.tried.push(`asked:${fact}`);
  t.actions.push({ kind: 'ask', fact, text: shapeForChannel(`${preface} ${c.ask[fact]}`.trim(), t.input.channel) });
}

function effect(t: Turn, e: Effect): void {
  t.s.tried.push(e.kind);
  t.actions.push({ kind: 'effect', effect: e });
}

function knownFactNames(input: DialogueInput): FactName[] {
  return (Object.keys(input.facts) as FactName[]).filter((k) => !!input.facts[k]);
}

function handoff(t: Turn, reason: HandoffReason, preface = ''): void {
  const c = catalogue(t.lang);
  const text = reason === 'requested' ? c.handoffRequested : reason === 'frustration' ? c.handoffFrustration : reason === 'verification_failed' ? c.verifyFailed : reason === 'unavailable' ? c.unavailable : c.handoff;
  if (reason !== 'urgent') say(t, preface, text);
  t.s.mode = reason === 'urgent' ? 'urgent' : 'handed_off';
  t.s.handoffReason = reason;
  t.s.awaiting = null;
  t.actions.push({
    kind: 'handoff',
    reason,
    summary: {
      reason,
      task: t.s.task,
      intent: t.input.message?.intent ?? 'other',
      facts: knownFactNames(t.input),
      tried: [...t.s.tried],
      turns: t.s.turns,
    },
  });
}

function startTask(t: Turn, task: Task): void {
  if (t.s.task !== task) {
    t.s.task = task;
    t.s.offered = [];
    t.s.appointment = null;
    t.s.awaiting = null;
    t.s.tried.push(`task:${task}`);
  }
}

function finish(t: Turn, task: Task, text: string): void {
  const c = catalogue(t.lang);
  say(t, text, c.anythingElse);
  t.actions.push({ kind: 'complete', task });
  if (!t.s.completed.includes(task)) t.s.completed.push(task);
  t.s.task = null;
  t.s.awaiting = null;
  t.s.offered = [];
  t.s.appointment = null;
  t.s.preferences = {};
}

function hasPreferences(p: SchedulingPreferences): boolean {
  return !!(p.earliestDate || p.partsOfDay?.length || p.providerId || p.departmentId);
}

/**
 * Carries the current task one step further: the missing fact, the identity check, the lookup,
 * the offer. Stops at the first thing that needs the patient or the executor.
 */
function advance(t: Turn, preface = ''): void {
  const { s, input } = t;
  const c = catalogue(t.lang);
  const task = s.task;
  if (!task) {
    say(t, preface, c.menu);
    return;
  }
  for (const fact of TASK_FACTS[task]) {
    if (!input.facts[fact]) return ask(t, fact, preface);
  }
  if (input.assurance !== 'verified') {
    if (s.verificationFailed) return handoff(t, 'verification_failed');
    const missing = VERIFICATION_FACTS.find((f) => !input.facts[f]);
    if (missing) return ask(t, missing, `${preface} ${s.tried.some((x) => x.startsWith('asked:') && VERIFICATION_FACTS.includes(x.slice(6) as FactName)) ? '' : c.verifyIntro}`.trim());
    return effect(t, { kind: 'verify', givenName: input.facts.givenName!, familyName: input.facts.familyName!, birthDate: input.facts.birthDate! });
  }
  switch (task) {
    case 'schedule':
    case 'reschedule': {
      if (task === 'reschedule' && !s.appointment) return effect(t, { kind: 'find_appointment' });
      if (s.offered.length > 0) {
        s.awaiting = { kind: 'choice' };
        say(t, preface, c.offerSlots(s.offered, t.voice));
        return;
      }
      if (!hasPreferences(s.preferences) && !input.facts.preferredTime) {
        if (!s.asked.includes('preferredTime')) return ask(t, 'preferredTime', preface);
      }
      return effect(t, { kind: 'find_slots', preferences: { ...s.preferences }, excludeIds: [] });
    }
    case 'cancel':
      if (!s.appointment) return effect(t, { kind: 'find_appointment' });
      s.awaiting = { kind: 'yes_no' };
      say(t, preface, c.confirmCancel(s.appointment.label));
      return;
    case 'confirm':
      if (!s.appointment) return effect(t, { kind: 'find_appointment' });
      return effect(t, { kind: 'confirm', appointmentId: s.appointment.id });
    case 'refill':
      return effect(t, { kind: 'refill', medication: input.facts.medication!, pharmacy: input.facts.pharmacy!, urgency: /\b(today|urgent|out of|run out|ran out|hoy|urgente|se me acab)/i.test(input.message?.text ?? '') ? 'today' : 'routine' });
    case 'results':
      return effect(t, { kind: 'results_status' });
    case 'billing':
      return effect(t, { kind: 'explain_statement' });
  }
}

function observe(t: Turn, o: Observation): void {
  const { s } = t;
  const c = catalogue(t.lang);
  switch (o.kind) {
    case 'known':
      // The ledger already had it: the dialogue carries on as if the patient had just said it.
      t.input = { ...t.input, facts: { ...t.input.facts, [o.fact]: o.value } };
      if (s.awaiting?.kind === 'fact' && s.awaiting.fact === o.fact) s.awaiting = null;
      return advance(t);
    case 'verified':
      if (!o.ok) {
        s.verificationFailed = true;
        return handoff(t, 'verification_failed');
      }
      t.input = { ...t.input, assurance: 'verified' };
      return advance(t);
    case 'slots':
      if (o.slots.length === 0) {
        s.offered = [];
        s.awaiting = { kind: 'choice' };
        say(t, c.noSlots);
        return;
      }
      s.offered = o.slots.slice(0, 3);
      s.awaiting = { kind: 'choice' };
      s.tried.push('offered_slots');
      say(t, c.offerSlots(s.offered, t.voice));
      return;
    case 'booked':
      return finish(t, 'schedule', c.booked(o.label));
    case 'appointment':
      if (!o.appointment) {
        const task = s.task;
        s.task = null;
        s.awaiting = null;
        say(t, c.noAppointment, task === 'reschedule' || task === 'confirm' || task === 'cancel' ? c.menu : '');
        return;
      }
      s.appointment = o.appointment;
      if (s.task === 'reschedule' && !hasPreferences(s.preferences)) {
        s.awaiting = { kind: 'choice' };
        say(t, c.yourAppointment(o.appointment.label), c.ask.preferredTime);
        return;
      }
      return advance(t);
    case 'changed':
      return finish(t, s.task ?? 'schedule', o.what === 'cancelled' ? c.cancelled(o.label) : o.what === 'confirmed' ? c.confirmed(o.label) : c.rescheduled(o.label));
    case 'callback_created':
      say(t, c.callbackCreated);
      return;
    case 'refill_created':
      return finish(t, 'refill', c.refillCreated(t.input.facts.medication ?? '', t.input.facts.pharmacy ?? ''));
    case 'results':
      return finish(t, 'results', c.results(o.available, o.pending, o.portalUrl, t.voice));
    case 'statement':
      return o.found ? finish(t, 'billing', c.statement(o.lines.slice(0, 4), o.balanceText)) : finish(t, 'billing', c.noStatement);
    case 'failed':
      if (s.mode !== 'active') {
        // Already with a person (a call-back that could not be arranged): no second hand-off.
        say(t, c.callbackFailed);
        return;
      }
      if (o.reason === 'conflict' && (o.effect === 'book' || o.effect === 'reschedule')) {
        // Someone took the slot meanwhile: look again rather than give up.
        s.offered = [];
        return effect(t, { kind: 'find_slots', preferences: { ...s.preferences }, excludeIds: [] });
      }
      return handoff(t, 'unavailable');
  }
}

/** Reads the patient's message against what the dialogue waits for; true when it moved things on. */
function takeAnswer(t: Turn, stated: readonly FactName[]): { progressed: boolean; done: boolean } {
  const { s, input } = t;
  const m = input.message;
  const c = catalogue(t.lang);
  const prefs = preferencesFrom(m.entities);
  const schedulingTask = s.task === 'schedule' || s.task === 'reschedule';
  if (prefs && schedulingTask) {
    s.preferences = { ...s.preferences, ...prefs };
    if (s.awaiting?.kind === 'choice' || s.offered.length > 0) {
      s.offered = [];
      effect(t, { kind: 'find_slots', preferences: { ...s.preferences }, excludeIds: [] });
      return { progressed: true, done: true };
    }
  }
  if (s.awaiting?.kind === 'choice' && s.offered.length > 0) {
    const n = parseChoice(m.text, s.offered.length) ?? (s.offered.length === 1 && parseYesNo(m.text) === true ? 1 : null);
    if (n !== null) {
      const slot = s.offered[n - 1]!;
      s.awaiting = null;
      if (s.task === 'reschedule' && s.appointment) effect(t, { kind: 'reschedule', appointmentId: s.appointment.id, slotId: slot.id });
      else effect(t, { kind: 'book', slotId: slot.id });
      return { progressed: true, done: true };
    }
  }
  if (s.awaiting?.kind === 'yes_no' && s.task === 'cancel' && s.appointment) {
    const yes = parseYesNo(m.text);
    if (yes === true) {
      s.awaiting = null;
      effect(t, { kind: 'cancel', appointmentId: s.appointment.id });
      return { progressed: true, done: true };
    }
    if (yes === false) {
      finish(t, 'cancel', c.keepAppointment);
      return { progressed: true, done: true };
    }
  }
  if (s.awaiting?.kind === 'fact' && input.facts[s.awaiting.fact]) {
    s.awaiting = null;
    return { progressed: true, done: false };
  }
  return { progressed: stated.length > 0 || (!!prefs && schedulingTask), done: false };
}

function chooseLanguage(input: DialogueInput, s: DialogueState): Language {
  const m = input.message;
  const current = s.language ?? input.patientLanguage ?? null;
  if (!current) return m?.language === 'es' ? 'es' : 'en';
  // One or two words ("Maria Lopez", "ok") say little about the language; a sentence does.
  if (input.observation || !m || typeof m.text !== 'string') return current;
  if (m.language !== current && words(m.text) >= 3 && (m.languageConfidence ?? 1) >= 0.75) return m.language;
  return current;
}

function urgentText(input: DialogueInput, lang: Language): string {
  const g = input.message.urgent.guidance;
  const set = g === 'crisis_line' ? input.settings.crisisGuidance : g === 'poison_control' ? input.settings.poisonGuidance : input.settings.emergencyGuidance;
  return set[lang] || set.en;
}

function decideUnsafe(input: DialogueInput & { stated?: readonly FactName[] }): DialogueDecision {
  const s = clone(input.state);
  const lang = chooseLanguage(input, s);
  s.language = lang;
  const t: Turn = { input, s, lang, voice: input.channel === 'voice', actions: [] };
  const c = catalogue(lang);

  if (input.observation) {
    observe(t, input.observation);
    return { state: t.s, actions: t.actions };
  }

  const m = input.message;
  s.turns += 1;
  // 1. Urgent symptoms: guidance at once, then a person, whatever else is going on.
  if (m.urgent?.urgent) {
    t.actions.push({ kind: 'urgent', guidance: m.urgent.guidance ?? 'emergency', category: m.urgent.category ?? 'unspecified' });
    say(t, urgentText(input, lang));
    if (s.mode !== 'urgent') handoff(t, 'urgent');
    return { state: s, actions: t.actions };
  }
  // 2. A person has the case: the assistant stays out of the conversation, except to take the
  // call-back it offered when it handed over.
  if (s.mode !== 'active') {
    if (s.mode === 'handed_off' && typeof m.text === 'string' && WANTS_CALLBACK.test(m.text) && !s.tried.includes('callback')) effect(t, { kind: 'callback' });
    return { state: s, actions: t.actions };
  }

  const text = typeof m.text === 'string' ? m.text : '';
  // 3. Nothing to read (empty, emoji, punctuation): a polite prompt, not a misunderstanding.
  if (!hasContent(text)) {
    say(t, s.turns === 1 ? `${c.hello} ${c.welcome}` : '', s.task ? c.notUnderstood : c.menu);
    if (s.task) advanceRepeat(t);
    return { state: s, actions: t.actions };
  }
  // 4. Instructions aimed at the assistant itself are never followed or repeated back.
  if (PROMPT_LIKE.test(text)) {
    s.tried.push('prompt_like');
    say(t, c.safeFallback);
    return { state: s, actions: t.actions };
  }
  const long = text.length > LONG_MESSAGE_CHARS ? c.tooLong : '';

  if (m.intent === 'speak_to_person') {
    handoff(t, 'requested');
    return { state: s, actions: t.actions };
  }
  if (m.frustration) {
    handoff(t, 'frustration');
    return { state: s, actions: t.actions };
  }

  const answer = takeAnswer(t, input.stated ?? []);
  if (answer.done) {
    s.misunderstandings = 0;
    return { state: s, actions: t.actions };
  }
  const task = TASK_OF_INTENT[m.intent];
  const confident = m.confidence >= INTENT_CONFIDENCE;
  if (answer.progressed && s.task && !(task && confident && task !== s.task && m.confidence >= 0.9)) {
    s.misunderstandings = 0;
    advance(t, long);
    return { state: s, actions: t.actions };
  }
  if (task && confident) {
    s.misunderstandings = 0;
    startTask(t, task);
    const prefs = preferencesFrom(m.entities);
    if (prefs && (task === 'schedule' || task === 'reschedule')) s.preferences = { ...s.preferences, ...prefs };
    advance(t, `${long} ${s.turns === 1 ? c.taskIntro[task] : ''}`.trim());
    return { state: s, actions: t.actions };
  }
  if (PERSON_INTENTS.has(m.intent) && confident) {
    handoff(t, 'not_automated');
    return { state: s, actions: t.actions };
  }
  if (m.intent === 'greeting' && confident && !answer.progressed) {
    s.misunderstandings = 0;
    if (s.task) advance(t, c.hello);
    else say(t, `${c.hello} ${s.turns === 1 ? c.welcome : ''}`.trim(), c.menu);
    return { state: s, actions: t.actions };
  }
  if (m.intent === 'thanks' && confident) {
    s.misunderstandings = 0;
    if (s.task) advance(t);
    else say(t, c.thanks);
    return { state: s, actions: t.actions };
  }
  if (answer.progressed) {
    s.misunderstandings = 0;
    advance(t, long);
    return { state: s, actions: t.actions };
  }
  // 5. Not understood: rephrase once, then a person.
  s.misunderstandings += 1;
  s.tried.push('not_understood');
  if (s.misunderstandings >= 2) {
    handoff(t, m.intent !== 'other' && !confident ? 'low_confidence' : 'misunderstood');
    return { state: s, actions: t.actions };
  }
  say(t, c.notUnderstood);
  if (s.task) advanceRepeat(t);
  else say(t, c.menu);
  return { state: s, actions: t.actions };
}

/**
 * After "sorry, I didn't get that": repeat what the dialogue waits for. A fact question is not
 * asked again through the ledger (it was asked already); its words are simply said again.
 */
function advanceRepeat(t: Turn): void {
  const c = catalogue(t.lang);
  const w = t.s.awaiting;
  if (w?.kind === 'fact') return say(t, c.ask[w.fact]);
  if (w?.kind === 'choice' && t.s.offered.length > 0) return say(t, c.chooseAgain(t.s.offered.length, t.voice));
  if (w?.kind === 'choice') return say(t, c.ask.preferredTime);
  if (w?.kind === 'yes_no' && t.s.appointment) return say(t, c.confirmCancel(t.s.appointment.label));
  advance(t);
}

/**
 * Decides the assistant's next actions. Never throws: whatever goes wrong inside, the patient
 * gets a polite answer and the state is left as it was.
 */
export function decide(input: DialogueInput & { stated?: readonly FactName[] }): DialogueDecision {
  try {
    return decideUnsafe(input);
  } catch {
    const lang: Language = input?.state?.language === 'es' || input?.patientLanguage === 'es' ? 'es' : 'en';
    const state = clone(input?.state);
    return { state, actions: [{ kind: 'say', text: catalogue(lang).safeFallback }] };
  }
}
