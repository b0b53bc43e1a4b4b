import {
  detectLanguage,
  extractFacts,
  findPhoneNumberSpans,
  normalizeIdentifier,
  type ExtractedFact,
  type FactExtractionContext,
  type FactExtractor,
  type FactName,
  type Language,
} from '@carethread/core';
import { foldAligned } from '../text.ts';
import { isoDateOf, safeTimeZone, wallClock } from '../entities/time-zone.ts';
import { findSpokenDates, type SpokenDate } from './birth-date.ts';
import { findMedicationsIn } from './medications.ts';
import { findNamesBeyondCore, findTitledFamilyName, splitSpanishName } from './names.ts';
import { bestPharmacy } from './pharmacy.ts';
import { findPreferredTime } from './preferred-time.ts';
import { spokenDigitRuns } from './tokens.ts';

export { findSpokenDates } from './birth-date.ts';
export { findPharmacies } from './pharmacy.ts';
export { findPreferredTime } from './preferred-time.ts';
export { genericOf } from './medications.ts';

/**
 * The one reading of what a patient said that both the assistant and the ledger use. Core's
 * rules supply names, e-mail addresses, identifiers and the reason for contact; this adds
 * what they cannot read: dates of birth said in words or with two-digit years, phone numbers
 * and ids said digit by digit, pharmacies, medicines off the built-in list and preferred
 * times. Below ACCEPT, nothing is handed to the ledger: a missed fact costs one question, a
 * wrong one is shown to the next person as what the patient said.
 */
export const ACCEPT = 0.5;

const MAX_TEXT = 5000;

const BIRTH_CUE = /\b(?:born|birth|birthday|birthdate|bday|b-day|dob|d\.o\.b|date of birth|nacimiento|naci|nacio|nacida|nacido|cumpleanos|cumple|f\.? ?nac|fecha de nac)\b/g;
const THIRD_PARTY =
  /\b(?:son|daughter|child|kid|baby|mother|mom|mum|father|dad|husband|wife|partner|brother|sister|grandson|granddaughter|grandmother|grandfather|hijo|hija|nino|nina|bebe|madre|mama|padre|papa|esposo|esposa|hermano|hermana|nieto|nieta|abuela|abuelo)(?:'s)?\b/;
const SELF = /\b(?:my|mine|i was|i'm|i am|mi|yo|naci)\b/;
const CUE_BEFORE = 50;
const CUE_AFTER = 30;

/** Someone else's number: a pharmacy's, an office's, a fax. */
const NOT_PATIENT_NUMBER =
  /\b(?:pharmacy|pharmacy's|office|fax|clinic|doctor's|account|order|claim|reference|confirmation|policy|group|member|id|prescription|rx|farmacia|consultorio|oficina|clinica|del doctor|de la doctora|cuenta|pedido|referencia|confirmacion|poliza|grupo|receta)\b[^.!?]{0,25}$/;
const CALLBACK_CUE =
  /\b(?:call(?:ing)?|text|reach|contact|ring|number|cell|mobile|phone|celular|telefono|numero|llam\w*|marc\w*|comunic\w*|contact\w*|localiz\w*|whatsapp)\b[^.!?]{0,40}$/;

function todayOf(ctx: FactExtractionContext): string {
  const reference = ctx.reference ?? new Date();
  return isoDateOf(wallClock(reference, safeTimeZone(ctx.timeZone)));
}

class Found {
  readonly list: ExtractedFact[] = [];
  add(name: FactName, value: string | null | undefined, confidence: number): void {
    if (!value || confidence < ACCEPT) return;
    const c = Math.round(Math.min(1, confidence) * 100) / 100;
    const same = this.list.find((f) => f.name === name && f.value === value);
    if (same) same.confidence = Math.max(same.confidence, c);
    else this.list.push({ name, value, confidence: c });
  }
  drop(name: FactName): void {
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]!.name === name) this.list.splice(i, 1);
  }
  has(name: FactName): boolean {
    return this.list.some((f) => f.name === name);
  }
}

/** Spoken digit runs ("five five five, one two three…") rewritten as digits, same meaning. */
function digitsForSpoken(text: string): string {
  const folded = foldAligned(text);
  const runs = spokenDigitRuns(folded, 4).filter((r) => /[a-z]/.test(folded.slice(r.start, r.end)));
  let out = text;
  for (const r of [...runs].reverse()) out = out.slice(0, r.start) + r.digits + out.slice(r.end);
  return out;
}

function birthDate(folded: string, ctx: FactExtractionContext, language: Language, today: string, exclude: Array<{ start: number; end: number }>, found: Found): SpokenDate | null {
  const pivot = Number(today.slice(2, 4));
  const dates = findSpokenDates(folded, { order: language === 'es' ? 'day-first' : 'month-first', pivot }).filter(
    (d) => d.iso <= today && exclude.every((x) => d.end <= x.start || d.start >= x.end),
  );
  if (dates.length === 0) return null;
  const cues = [...folded.matchAll(BIRTH_CUE)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const awaiting = ctx.awaiting === 'birthDate';
  const penalty = (d: SpokenDate) => (d.ambiguousOrder ? 0.1 : 0) + (d.twoDigitYear ? 0.05 : 0) + (d.compact || d.spaced ? 0.05 : 0);
  let best: { d: SpokenDate; distance: number; cue: { start: number; end: number } } | null = null;
  for (const d of dates) {
    for (const c of cues) {
      const before = c.end <= d.start;
      const distance = before ? d.start - c.end : c.start >= d.end ? c.start - d.end : 0;
      if (distance > (before ? CUE_BEFORE : CUE_AFTER)) continue;
      // A sentence end between the cue and the date breaks the link.
      const between = folded.slice(Math.min(c.end, d.end), Math.max(c.start, d.start));
      if (/[.!?](?:\s|$)/.test(between) && !/\b(?:d\.o\.b|dob\.)/.test(between)) continue;
      if (!best || distance < best.distance) best = { d, distance, cue: c };
    }
  }
  if (best) {
    // "my son was born on…", "la fecha de nacimiento de mi hija": someone else's date.
    const lead = folded.slice(Math.max(0, Math.min(best.cue.start, best.d.start) - 30), Math.max(best.cue.end, best.d.start));
    if (THIRD_PARTY.test(lead) && !/\b(?:my|mi) (?:dob|date of birth|birthday|fecha de nacimiento|cumpleanos)\b/.test(lead)) return null;
    found.add('birthDate', best.d.iso, 0.95 - penalty(best.d));
    return best.d;
  }
  const usable = dates.filter((d) => awaiting || (!d.compact && !d.spaced));
  if (usable.length !== 1) return null;
  const only = usable[0]!;
  if (awaiting) {
    found.add('birthDate', only.iso, 0.9 - penalty(only));
    return only;
  }
  // A short message that is only a past date, old enough to be a birth date: the patient's answer.
  const otherWords = (folded.slice(0, only.start) + ' ' + folded.slice(only.end)).match(/\p{L}+/gu)?.length ?? 0;
  if (otherWords <= 3 && Number(only.iso.slice(0, 4)) <= Number(today.slice(0, 4)) - 2 && !THIRD_PARTY.test(folded)) {
    found.add('birthDate', only.iso, 0.65 - penalty(only));
    return only;
  }
  return null;
}

const MEMBER_CUE =
  /\b(?:(?:medicare|medicaid|insurance card|card) (?:id|number|#)(?: number)?|member(?:ship)?(?: id| identification| number| #| no\.?)+|(?:insurance|subscriber|policy|plan)(?: member)?(?: id| identification| number| #| no\.?)+|id (?:number|#)|(?:my |the )?id(?: is|:|#)|numero de (?:afiliad[oa]|afiliacion|miembro|socio|poliza|seguro|asegurad[oa]|credencial)|(?:id|identificacion|numero|num\.?|no\.?) (?:de )?(?:miembro|afiliad[oa]|socio|asegurad[oa])|mi (?:numero de )?(?:afiliacion|credencial)|(?:mi )?id (?:es|del seguro|de seguro))(?:\s+(?:is|es|number|numero))?[\s:#=]*(?:(?:el|the)\s+)?/g;
const CODE = /^([a-z]{0,4}[-\s]?\d[a-z0-9]*(?:[-\s][a-z0-9]*\d[a-z0-9]*){0,3}|[a-z]{1,4}[-\s]?(?:\d[\s-]?){4,})/;

function memberIds(original: string, folded: string, ctx: FactExtractionContext, found: Found, taken: Array<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  for (const m of folded.matchAll(MEMBER_CUE)) {
    const at = m.index + m[0].length;
    // Letters spelled one by one before the digits ("A B C 123456") belong to the id.
    const spelled = /^((?:[a-z][\s.-]+){1,4})(?=\d)/.exec(folded.slice(at, at + 40));
    const lead = spelled ? spelled[1]!.replace(/[^a-z]/g, '') : '';
    const from = at + (spelled ? spelled[0].length : 0);
    const code = CODE.exec(folded.slice(from, from + 40));
    if (!code) continue;
    const raw = code[1]!.replace(/[\s-]+$/, '');
    if (raw.replace(/\D/g, '').length < 3) continue;
    const value = normalizeIdentifier('member_id', lead + original.slice(from, from + raw.length).replace(/\s+/g, ''));
    if (!value || value.replace(/-/g, '').length < 5 || value.length > 24) continue;
    found.add('memberId', value.replace(/-/g, ''), 0.9);
    spans.push({ start: m.index, end: from + raw.length });
  }
  if (ctx.awaiting === 'memberId' && !found.has('memberId')) {
    const bare = original.trim().replace(/[.!]+$/, '').replace(/^(?:it'?s|it is|es|sure|yes|si|claro)[\s,:]+/i, '');
    if (/^[a-z0-9][a-z0-9 -]{3,29}$/i.test(bare) && /\d/.test(bare)) {
      const value = normalizeIdentifier('member_id', bare.replace(/\s+/g, ''));
      if (value && value.length >= 5) found.add('memberId', value.replace(/-/g, ''), 0.85);
    }
  }
  void taken;
  return spans;
}

export function extractPatientFacts(text: string, ctx: FactExtractionContext = {}): ExtractedFact[] {
  if (typeof text !== 'string' || text.trim() === '') return [];
  const clipped = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const original = digitsForSpoken(clipped);
  const folded = foldAligned(original).replace(/’/g, "'");
  const language: Language = ctx.language ?? detectLanguage(original)?.language ?? 'en';
  const today = todayOf(ctx);
  const found = new Found();

  // Core's rules: names, e-mail, phones, MRN, reason. Their dates of birth, member ids and
  // medicines are replaced by the readings below (one reading per fact).
  let core: ExtractedFact[] = [];
  try {
    core = extractFacts(original, { ...ctx, language });
  } catch {
    core = [];
  }
  for (const f of core) {
    if (f.name === 'birthDate' || f.name === 'medication' || f.name === 'callbackNumber' || f.name === 'memberId') continue;
    found.add(f.name, f.value, f.confidence);
  }

  // Names: core's triggers first, then the forms they leave out; a Spanish compound given
  // name ("José Luis") is kept whole.
  const given = found.list.find((f) => f.name === 'givenName');
  const family = found.list.find((f) => f.name === 'familyName');
  if (!given && !family) {
    const titled = findTitledFamilyName(original);
    if (titled) found.add('familyName', titled, 0.75);
  }
  if (!given && !found.has('familyName')) {
    const extra = findNamesBeyondCore(original, language);
    if (extra) {
      found.add('givenName', extra.given, 0.8);
      if (extra.family && !family) found.add('familyName', extra.family, 0.75);
    }
  } else if (given && language === 'es' && family && family.value.includes(' ')) {
    const split = splitSpanishName([given.value, ...family.value.split(' ')]);
    if (split.given !== given.value) {
      given.value = split.given;
      family.value = split.family!;
    }
  }

  const phones = findPhoneNumberSpans(original, ctx.defaultRegion).filter((p) => !/[#№]\s*$/.test(original.slice(Math.max(0, p.start - 2), p.start)));
  const idSpans = memberIds(original, folded, ctx, found, phones);
  // A member id that also parses as a phone number is the id.
  const patientPhones = phones.filter((p) => idSpans.every((s) => p.end <= s.start || p.start >= s.end));
  found.drop('phone');
  for (const p of patientPhones) {
    const before = folded.slice(Math.max(0, p.start - 50), p.start);
    if (NOT_PATIENT_NUMBER.test(before)) continue;
    found.add('phone', p.value, 0.9);
    if (CALLBACK_CUE.test(before) || ctx.awaiting === 'callbackNumber' || ctx.awaiting === 'phone' || patientPhones.length === 1) found.add('callbackNumber', p.value, 0.9);
  }

  const email = core.filter((f) => f.name === 'email');
  void email;
  const taken = [...patientPhones, ...idSpans];
  const dob = birthDate(folded, ctx, language, today, taken, found);
  if (dob) taken.push(dob);
  else if (!found.has('birthDate')) {
    // Core's reading stays as a fallback for written forms this reader does not know.
    const coreBirth = core.find((f) => f.name === 'birthDate' && f.value <= today);
    if (coreBirth && coreBirth.confidence >= 0.8) found.add('birthDate', coreBirth.value, coreBirth.confidence - 0.1);
  }

  for (const m of findMedicationsIn(original, folded)) found.add('medication', m.value, m.confidence);
  const pharmacy = bestPharmacy(original, folded);
  if (pharmacy) found.add('pharmacy', pharmacy.value, pharmacy.confidence);
  if (!pharmacy && ctx.awaiting === 'pharmacy') {
    const bare = original.trim().replace(/[.!]+$/, '').replace(/^(?:it'?s|it is|the|es|la|el|en|a la|al)\s+/i, '');
    if (/\p{L}{2}/u.test(bare) && bare.length <= 80 && bare.split(/\s+/).length <= 8) found.add('pharmacy', bare, 0.7);
  }

  const time = findPreferredTime(folded, today, { awaiting: ctx.awaiting === 'preferredTime', exclude: [...taken, ...(dob ? [dob] : [])] });
  if (time) found.add('preferredTime', time.value, time.confidence);
  return found.list;
}

export const assistantFactExtractor: FactExtractor = {
  extract: (text, context) => extractPatientFacts(text, context),
};
