import type { FactName, Language } from '@carethread/core';
import type { Entity } from '../entities/index.ts';
import type { Intent } from '../intents.ts';
import { catalogue, DEFAULT_NURSE_GUIDANCE, shapeForChannel } from './replies.ts';
import { visitCuesFrom } from './visit.ts';
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

/** "CALL", "can I call instead?", "TELEFONO": go on by phone with a continuation code. */
export const WANTS_PHONE =
  /^\s*(call|phone|tel[eé]fono)\s*[.!]?\s*$|\bcan i (just )?(call|phone)\b|\b(call|phone) (you )?instead\b|\bcontinue (by|on the) (phone|call)\b|\b(puedo|prefiero) llamar\b|\bseguir por tel[eé]fono\b/i;
/** "TEXT", "can you text me instead?": go on by text message with a continuation. */
export const WANTS_TEXT = /^\s*(text|sms|texto)\s*[.!]?\s*$|\b(continue|carry on) by text\b|\btext me instead\b|\bseguir por (mensaje|texto)\b/i;
/** The patient would rather get a one-time code than say their name and date of birth. */
export const WANTS_CODE =
  /^\s*(code|c[oó]digo)\s*[.!]?\s*$|\bsend (me )?(a |the )?code\b|\b(one[- ]time|verification) code\b|\b(rather|prefer) not (to )?(say|give|share)\b|\b(don'?t|do not) want to (say|give|share)\b|\b(env[ií]e(me)?|m[aá]nde(me)?) (un |el )?c[oó]digo\b|\bprefiero no (decir|dar)(lo)?\b/i;
/** Talking results over: the assistant never interprets them; a clinician calls. */
export const DISCUSS_RESULTS =
  /\b(discuss|go over|talk (about|over)|explain|interpret|what (do|does) (it|they|my \w+|the \w+) mean|is (it|that|this) (bad|normal|serious)|worried)\b|\b(hablar|revisar|explicar|interpretar|qu[eé] significa|es grave|es normal|preocupad[oa])\b/i;
/** A payment plan request ("can I pay in installments", "plan de pagos"). */
export const PAYMENT_PLAN = /\bpayment plan\b|\b(pay|paying) (it |this |my bill )?(in|by) (installments|instalments|monthly payments)\b|\bmonthly payments?\b|\bplan de pagos?\b|\bpagar a plazos\b|\bpagos? mensual(es)?\b|\bmensualidades\b/i;
/** Insurance questions about the patient's own plan or claim: a person checks those. */
const SPECIFIC_INSURANCE = /\b(my|mine|mi|mis)\b|\bclaims?\b|\bdenied\b|\bmember id\b|\breclamos?\b|\bnegad[oa]\b|\bafiliado\b/i;

/** "$50 a month", "50 dollars", "50 dólares al mes": the monthly amount asked for, if any. */
export function monthlyAmountFrom(text: string): number | null {
  const m = text.match(/\$\s*(\d{1,6}(?:\.\d{1,2})?)|\b(\d{1,6}(?:\.\d{1,2})?)\s*(?:dollars|bucks|d[oó]lares|usd)\b/i);
  const v = m ? Number(m[1] ?? m[2]) : NaN;
  return Number.isFinite(v) && v > 0 && v <= 100_000 ? Math.round(v * 100) / 100 : null;
}

/** Six digits, perhaps spaced ("123 456", "1-2-3-4-5-6"): a one-time code. */
export function codeFrom(text: string): string | null {
  const digits = text.replace(/[\s.-]/g, '');
  const m = digits.match(/(?:^|\D)(\d{6})(?:\D|$)/);
  return m ? m[1]! : null;
}

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
    visit: state.visit ? { ...state.visit } : null,
    completed: [...(state.completed ?? [])],
    paymentPlan: state.paymentPlan ? { ...state.paymentPlan } : null,
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
 * Scheduling preferences read from the message: a day ("next Tuesday", "el martes 15"), a part
 * of day ("afternoon"), a named provider or department (entities), the patient's own doctor or
 * primary care ("my family doctor", "mi médico de cabecera": from the words). Null when the
 * message says none.
 */
export function preferencesFrom(entities: readonly Entity[], text = ''): SchedulingPreferences | null {
  const out: SchedulingPreferences = {};
  const cues = visitCuesFrom(text);
  if (cues?.usual) out.usual = true;
  if (cues?.primaryCare) out.primaryCare = true;
  if (cues?.specialty && !cues.primaryCare && !entities.some((e) => (e.type === 'department' || e.type === 'provider') && e.id)) out.otherSpecialty = true;
  for (const e of entities) {
    if (e.type === 'provider' && e.id) out.providerId = e.id;
    if (e.type === 'department' && e.id) out.departmentId = e.id;
    if (e.type !== 'datetime') continue;
    // "to the afternoon", "por la tarde" without a day: only the part of the day.
    if (e.kind === 'timerange' || e.kind === 'time') {
      const hour = /^(\d{2}):(\d{2})/.exec(e.value);
      if (hour && !out.partsOfDay) out.partsOfDay = [PART_BY_HOUR(Number(hour[1]))];
      continue;
    }
    const [from, to] = e.value.split('/');
    const day = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null);
    const d1 = day(from);
    if (!d1) continue;
    const d2 = day(to) ?? d1;
    if (out.earliestDate && out.earliestDate < d1) continue;
    out.earliestDate = d1;
    out.latestDate = d2 < d1 ? d1 : d2;
    const time = from!.match(/T(\d{2}):(\d{2})/);
    if (time && (e.kind === 'datetimerange' || e.kind === 'datetime')) {
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

function ask(t: Turn, fact: FactName, preface = '', suffix = ''): void {
  const c = catalogue(t.lang);
  t.s.awaiting = { kind: 'fact', fact };
  const text = shapeForChannel(`${preface} ${c.ask[fact]} ${suffix}`.trim(), t.input.channel);
  if (t.s.asked.includes(fact)) {
    // Asked before and still unanswered (the patient went another way, e.g. a code that could
    // not be sent): the question is said again, not asked again.
    t.actions.push({ kind: 'say', text });
    return;
  }
  t.s.asked.push(fact);
  t.s.tried.push(`asked:${fact}`);
  t.actions.push({ kind: 'ask', fact, text });
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
  t.s.visit = null;
}

function hasPreferences(p: SchedulingPreferences): boolean {
  return !!(p.earliestDate || p.partsOfDay?.length || p.providerId || p.departmentId || p.usual || p.primaryCare || p.otherSpecialty);
}

const VISIT_KEYS = ['providerId', 'departmentId', 'usual', 'primaryCare', 'otherSpecialty'] as const;

/**
 * What the patient says now over what they said before. Whom they want to see is replaced as a
 * whole: a doctor named after a department (or "my family doctor" after a doctor) is the new
 * request, not one added to the old, so the search never mixes two specialties.
 */
function mergePreferences(s: DialogueState, next: SchedulingPreferences): void {
  const merged: SchedulingPreferences = { ...s.preferences, ...next };
  if (VISIT_KEYS.some((k) => next[k])) {
    for (const k of VISIT_KEYS) if (!next[k]) delete merged[k];
    s.visit = null;
  }
  s.preferences = merged;
}

/**
 * Looks for slots once the request is sound: a day the patient asked for that has already
 * passed is questioned, never silently moved to the next one.
 */
function search(t: Turn): void {
  const { s } = t;
  const today = t.input.today;
  const lastDay = s.preferences.latestDate ?? s.preferences.earliestDate;
  if (today && lastDay && lastDay < today) {
    const said = s.preferences.earliestDate ?? lastDay;
    delete s.preferences.earliestDate;
    delete s.preferences.latestDate;
    s.offered = [];
    s.awaiting = { kind: 'choice' };
    s.tried.push('date_passed');
    say(t, catalogue(t.lang).datePassed(said));
    return;
  }
  s.offered = [];
  effect(t, { kind: 'find_slots', preferences: { ...s.preferences }, excludeIds: [] });
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
    if (s.verifyBy === 'code') {
      if (!s.codeSent) return effect(t, { kind: 'send_code' });
      s.awaiting = { kind: 'code' };
      say(t, preface, c.askCode(t.voice));
      return;
    }
    const missing = VERIFICATION_FACTS.find((f) => !input.facts[f]);
    const first = !s.tried.some((x) => x.startsWith('asked:') && VERIFICATION_FACTS.includes(x.slice(6) as FactName));
    // The first identity question also offers the one-time code (a name is hard to catch on the phone).
    if (missing) return ask(t, missing, `${preface} ${first ? c.verifyIntro : ''}`.trim(), first && s.verifyBy !== 'dob_name' ? c.codeHint(t.voice) : '');
    return effect(t, { kind: 'verify', givenName: input.facts.givenName!, familyName: input.facts.familyName!, birthDate: input.facts.birthDate! });
  }
  switch (task) {
    case 'schedule':
    case 'reschedule': {
      if (task === 'reschedule' && !s.appointment) return effect(t, findAppointment(t));
      if (s.offered.length > 0) {
        s.awaiting = { kind: 'choice' };
        say(t, preface, c.offerSlots(s.offered, t.voice));
        return;
      }
      if (!hasPreferences(s.preferences) && !input.facts.preferredTime) {
        if (!s.asked.includes('preferredTime')) return ask(t, 'preferredTime', preface);
      }
      return search(t);
    }
    case 'cancel':
      if (!s.appointment) return effect(t, findAppointment(t));
      s.awaiting = { kind: 'yes_no' };
      say(t, preface, c.confirmCancel(s.appointment.label));
      return;
    case 'confirm':
      if (!s.appointment) return effect(t, findAppointment(t));
      return effect(t, { kind: 'confirm', appointmentId: s.appointment.id });
    case 'refill':
      return effect(t, { kind: 'refill', medication: input.facts.medication!, pharmacy: input.facts.pharmacy!, urgency: /\b(today|urgent|out of|run out|ran out|hoy|urgente|se me acab)/i.test(input.message?.text ?? '') ? 'today' : 'routine' });
    case 'results':
      if (s.discussResults) return effect(t, { kind: 'clinician_callback', reason: 'discuss_results' });
      return effect(t, { kind: 'results_status' });
    case 'billing':
      if (s.paymentPlan) return effect(t, { kind: 'payment_plan', monthlyAmount: s.paymentPlan.monthlyAmount });
      return effect(t, { kind: 'explain_statement' });
  }
}

/** Looks up the appointment a move, cancel or confirm is about: one on a day the patient named, else the next. */
function findAppointment(t: Turn): Effect {
  const days = new Set<string>();
  const p = t.s.preferences;
  if (p.earliestDate && (!p.latestDate || p.latestDate === p.earliestDate)) days.add(p.earliestDate);
  const said = t.input.message?.entities ? preferencesFrom(t.input.message.entities) : null;
  if (said?.earliestDate && (!said.latestDate || said.latestDate === said.earliestDate)) days.add(said.earliestDate);
  return days.size > 0 ? { kind: 'find_appointment', days: [...days] } : { kind: 'find_appointment' };
}

/** Ends a request with a yes/no offer (a clinician call-back, a payment plan) instead of "anything else?". */
function finishWithOffer(t: Turn, task: Task, text: string, offer: NonNullable<DialogueState['offer']>, question: string): void {
  say(t, text, question);
  t.actions.push({ kind: 'complete', task });
  if (!t.s.completed.includes(task)) t.s.completed.push(task);
  t.s.task = null;
  t.s.offered = [];
  t.s.appointment = null;
  t.s.preferences = {};
  t.s.visit = null;
  t.s.offer = offer;
  t.s.awaiting = { kind: 'yes_no' };
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
      if (o.visitOptions) {
        // Whom to see could not be worked out: asked, never guessed (a guess books the wrong specialty).
        s.offered = [];
        s.awaiting = { kind: 'visit', options: o.visitOptions.slice(0, 8) };
        s.tried.push('asked:visit');
        say(t, c.askVisit(o.visitOptions));
        return;
      }
      if (o.visit) {
        // Later searches ("another day") stay with the same provider or specialty.
        s.visit = o.visit;
        for (const k of VISIT_KEYS) delete s.preferences[k];
        if (o.visit.providerId) s.preferences.providerId = o.visit.providerId;
        if (o.visit.departmentId) s.preferences.departmentId = o.visit.departmentId;
      }
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
      // A move stays with the provider of the visit being moved, unless the patient named another.
      if (s.task === 'reschedule' && o.appointment.providerId && !VISIT_KEYS.some((k) => s.preferences[k])) s.preferences.providerId = o.appointment.providerId;
      if (s.task === 'reschedule' && !s.preferences.earliestDate && !s.preferences.partsOfDay?.length) {
        s.awaiting = { kind: 'choice' };
        say(t, c.yourAppointment(o.appointment.label), c.ask.preferredTime);
        return;
      }
      // Which visit is being moved is said before the new times, so the patient can tell.
      if (s.task === 'reschedule') say(t, c.yourAppointment(o.appointment.label));
      return advance(t);
    case 'changed':
      return finish(t, s.task ?? 'schedule', o.what === 'cancelled' ? c.cancelled(o.label) : o.what === 'confirmed' ? c.confirmed(o.label) : c.rescheduled(o.label));
    case 'callback_created':
      say(t, c.callbackCreated);
      return;
    case 'refill_created':
      return finish(t, 'refill', c.refillCreated(t.input.facts.medication ?? '', t.input.facts.pharmacy ?? ''));
    case 'results':
      // Available or not, a clinician can call to go over them: the assistant never interprets.
      return finishWithOffer(t, 'results', c.results(o.available, o.pending, o.portalUrl, t.voice).replace(/ (A clinician can call you to go over them\.|Un profesional puede llamarle para revisarlos\.)$/, ''), 'clinician_callback', c.resultsCallbackOffer);
    case 'statement':
      if (o.found) return finishWithOffer(t, 'billing', c.statement(o.lines.slice(0, 4), o.balanceText), 'payment_plan', t.lang === 'es' ? '¿Lo pido? Responda sí o no.' : 'Shall I? Please answer yes or no.');
      return finish(t, 'billing', c.noStatement);
    case 'code_sent':
      if (!o.ok) {
        // No verified contact to send it to (or no record yet): name and date of birth instead.
        s.verifyBy = 'dob_name';
        s.tried.push('code_unavailable');
        return advance(t, c.codeUnavailable);
      }
      s.codeSent = true;
      s.awaiting = { kind: 'code' };
      say(t, c.codeSent(o.channel, t.voice));
      return;
    case 'code_checked':
      if (o.ok) {
        t.input = { ...t.input, assurance: 'verified' };
        s.awaiting = null;
        return advance(t);
      }
      s.codeTries = (s.codeTries ?? 0) + 1;
      if (s.codeTries >= 2 || o.attemptsLeft <= 0) {
        s.verificationFailed = true;
        return handoff(t, 'verification_failed');
      }
      s.awaiting = { kind: 'code' };
      say(t, c.codeWrong, c.askCode(t.voice));
      return;
    case 'clinician_callback_created':
      s.discussResults = false;
      if (s.task === 'results') return finish(t, 'results', `${c.noInterpretation} ${c.clinicianCallbackCreated}`);
      say(t, c.clinicianCallbackCreated, c.anythingElse);
      return;
    case 'payment_plan_created':
      s.paymentPlan = null;
      if (s.task === 'billing') return finish(t, 'billing', c.paymentPlanCreated(o.monthlyAmount));
      say(t, c.paymentPlanCreated(o.monthlyAmount), c.anythingElse);
      return;
    case 'continuation':
      s.tried.push(`continue:${o.channel}`);
      say(t, o.instructions);
      return;
    case 'failed':
      if (o.effect === 'continue_on') {
        say(t, c.continuationFailed);
        return;
      }
      if (o.effect === 'send_code') return observe(t, { kind: 'code_sent', ok: false, channel: null });
      if (s.mode !== 'active') {
        // Already with a person (a call-back that could not be arranged): no second hand-off.
        say(t, c.callbackFailed);
        return;
      }
      if (o.reason === 'conflict' && (o.effect === 'book' || o.effect === 'reschedule')) {
        // Someone took the slot meanwhile: look again rather than give up.
        return search(t);
      }
      return handoff(t, 'unavailable');
  }
}

/** Reads the patient's message against what the dialogue waits for; true when it moved things on. */
function takeAnswer(t: Turn, stated: readonly FactName[]): { progressed: boolean; done: boolean } {
  const { s, input } = t;
  const m = input.message;
  const c = catalogue(t.lang);
  const prefs = preferencesFrom(m.entities, m.text);
  const schedulingTask = s.task === 'schedule' || s.task === 'reschedule';
  if (prefs && schedulingTask) {
    mergePreferences(s, prefs);
    if (s.awaiting?.kind === 'choice' || s.awaiting?.kind === 'visit' || s.offered.length > 0) {
      s.awaiting = null;
      search(t);
      return { progressed: true, done: true };
    }
  }
  if (s.awaiting?.kind === 'code') {
    const code = codeFrom(m.text);
    if (code) {
      s.awaiting = null;
      effect(t, { kind: 'verify_code', code });
      return { progressed: true, done: true };
    }
    if (/\b(resend|new code|another code|otro c[oó]digo|reenv)/i.test(m.text)) {
      s.codeSent = false;
      effect(t, { kind: 'send_code' });
      return { progressed: true, done: true };
    }
  }
  if (s.awaiting?.kind === 'yes_no' && s.offer && !s.task) {
    const yes = parseYesNo(m.text);
    const offer = s.offer;
    if (yes !== null) {
      s.offer = null;
      s.awaiting = null;
      if (yes && offer === 'clinician_callback') effect(t, { kind: 'clinician_callback', reason: 'results_unavailable' });
      else if (yes && offer === 'payment_plan') {
        s.task = 'billing';
        s.paymentPlan = { monthlyAmount: monthlyAmountFrom(m.text) };
        advance(t);
      } else say(t, c.okNoOffer, c.anythingElse);
      return { progressed: true, done: true };
    }
    s.offer = null;
    s.awaiting = null;
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
  const set =
    g === 'crisis_line'
      ? input.settings.crisisGuidance
      : g === 'poison_control'
        ? input.settings.poisonGuidance
        : g === 'nurse_line'
          ? (input.settings.nurseGuidance ?? DEFAULT_NURSE_GUIDANCE)
          : input.settings.emergencyGuidance;
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
  // 1. Urgent symptoms: guidance at once, then a person, whatever else is going on. A message
  // that may be urgent goes to the nurse line the same way, with the nurse line's words.
  if (m.urgent?.urgent || m.urgent?.nurseReview) {
    const guidance = m.urgent.urgent ? (m.urgent.guidance ?? 'emergency') : 'nurse_line';
    t.actions.push({ kind: 'urgent', guidance, category: m.urgent.category ?? 'unspecified' });
    say(t, urgentText(input, lang));
    if (s.mode !== 'urgent') handoff(t, 'urgent');
    return { state: s, actions: t.actions };
  }
  // 2. A person has the case: the assistant stays out of the conversation, except to take the
  // call-back it offered when it handed over.
  if (s.mode !== 'active') {
    if (s.mode === 'handed_off' && typeof m.text === 'string') {
      if (WANTS_CALLBACK.test(m.text) && !s.tried.includes('callback')) effect(t, { kind: 'callback' });
      else continuation(t, m.text);
    }
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

  if (continuation(t, text)) return { state: s, actions: t.actions };
  // "Send me a code instead": identity by a one-time code to a verified contact.
  if (s.task && input.assurance !== 'verified' && s.verifyBy !== 'code' && !s.verificationFailed && WANTS_CODE.test(text)) {
    s.verifyBy = 'code';
    s.awaiting = null;
    s.tried.push('verify_by_code');
    advance(t, long);
    return { state: s, actions: t.actions };
  }
  // A payment plan or talking results over can come with any message: they shape the task.
  if (PAYMENT_PLAN.test(text) && s.awaiting?.kind !== 'code') {
    startTask(t, 'billing');
    s.offer = null;
    s.paymentPlan = { monthlyAmount: monthlyAmountFrom(text) };
    s.misunderstandings = 0;
    advance(t, long);
    return { state: s, actions: t.actions };
  }
  if ((m.intent === 'test_results' || s.task === 'results') && DISCUSS_RESULTS.test(text)) {
    startTask(t, 'results');
    s.discussResults = true;
    s.misunderstandings = 0;
    advance(t, long);
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
    const prefs = preferencesFrom(m.entities, text);
    if (prefs && (task === 'schedule' || task === 'reschedule')) mergePreferences(s, prefs);
    advance(t, `${long} ${s.turns === 1 ? c.taskIntro[task] : ''}`.trim());
    return { state: s, actions: t.actions };
  }
  if (m.intent === 'insurance_question' && confident) {
    // A general explanation is safe; the patient's own plan or claim needs a person.
    if (SPECIFIC_INSURANCE.test(text)) handoff(t, 'not_automated', c.insuranceGeneral);
    else say(t, c.insuranceGeneral, c.insuranceMore);
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
  if (w?.kind === 'visit') return say(t, c.askVisit(w.options));
  if (w?.kind === 'yes_no' && t.s.appointment) return say(t, c.confirmCancel(t.s.appointment.label));
  advance(t);
}

/**
 * "CALL" / "can I call instead?" / "TEXT": a continuation on the phone (a code to key in) or by
 * text message, through the usual continuation API. Offered once per channel; never to the
 * channel the patient is already on. True when it acted.
 */
function continuation(t: Turn, text: string): boolean {
  const channel = t.input.channel;
  const want = WANTS_PHONE.test(text) ? 'voice' : WANTS_TEXT.test(text) ? 'sms' : null;
  if (!want || want === channel || t.s.tried.includes(`continue:${want}`) || t.s.awaiting?.kind === 'code') return false;
  effect(t, { kind: 'continue_on', channel: want });
  return true;
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
