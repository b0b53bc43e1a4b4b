import { findEmailSpans, findPhoneNumberSpans, type ExtractedFact, type FactName, type Language } from '@carethread/core';
import { extractPatientFacts } from '../facts/index.ts';
import { fold, foldAligned } from '../text.ts';
import { findDateTimes, type DateTimeKind } from './datetime.ts';
import { findDepartments, findMedications, findProviders, type NamedThing } from './lookup.ts';
import { isoDateOf, wallClock } from './time-zone.ts';

export type { NamedThing } from './lookup.ts';
export type { DateTimeKind } from './datetime.ts';

export const ENTITY_TYPES = ['datetime', 'birth_date', 'phone', 'email', 'given_name', 'family_name', 'medication', 'department', 'provider'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface Entity {
  type: EntityType;
  /** The words as written; `start`/`end` index the message (end exclusive). */
  text: string;
  start: number;
  end: number;
  /**
   * Normalised: ISO 8601 for dates, times, instants ("2025-03-18T15:00:00-04:00"), intervals
   * ("from/to") and durations; E.164 for phones; the generic name for medications; the
   * organisation's own name for departments and providers; the name for names.
   */
  value: string;
  confidence: number;
  /** datetime only: what kind of time expression it is, its TIMEX and other readings. */
  kind?: DateTimeKind;
  timex?: string;
  alternatives?: string[];
  /** department / provider: the id the organisation gave, if any. */
  id?: string;
}

export interface EntityContext {
  language: Language;
  reference: Date;
  timeZone: string;
  departments?: readonly NamedThing[];
  providers?: readonly NamedThing[];
  /** ISO 3166 region for national phone numbers (default US). */
  region?: string;
  /** The fact the assistant just asked for: a bare date then is a date of birth. */
  awaiting?: FactName;
}

/** Longest text read for entities; the date recognizer reads less (DATETIME_MAX_CHARS). */
export const ENTITY_MAX_CHARS = 2000;

const BIRTH_CUE = /\b(?:born|birth|dob|d\.o\.b|birthday|bday|b-day|naci|nacio|nacimiento|nacida|nacido|cumpleanos|f\.?\s?nac)\w*/g;
const CUE_BEFORE = 40;
const NOT_A_NAME = /^(?:ridiculous|useless|terrible|horrible|awful|unacceptable|frustrated|frustrating|annoyed|annoying|angry|furious|upset|crazy|insane|stupid|ridicul[oa]|inutil|pesim[oa]|frustrad[oa]|enojad[oa]|molest[oa]|diabetic[oa]|hipertens[oa]|asmatic[oa]|embarazada|urgent[e]?|emergency|emergencia)$/;
const CUE_AFTER = 25;

function locate(folded: string, value: string, from = 0): { start: number; end: number } | null {
  const needle = fold(value);
  if (!needle) return null;
  const at = folded.indexOf(needle, from);
  return at === -1 ? null : { start: at, end: at + needle.length };
}

export function extractEntities(text: string, ctx: EntityContext): Entity[] {
  if (typeof text !== 'string' || text.trim() === '') return [];
  const original = text.length > ENTITY_MAX_CHARS ? text.slice(0, ENTITY_MAX_CHARS) : text;
  const folded = foldAligned(original);
  const out: Entity[] = [];

  const phones = findPhoneNumberSpans(original, ctx.region);
  for (const p of phones) out.push({ type: 'phone', text: original.slice(p.start, p.end), start: p.start, end: p.end, value: p.value, confidence: 0.9 });
  const emails = findEmailSpans(original);
  for (const e of emails) out.push({ type: 'email', text: original.slice(e.start, e.end), start: e.start, end: e.end, value: e.value, confidence: 0.95 });

  // The same reading the ledger stores (facts/index.ts): a date of birth or a name is one
  // thing for the assistant and for the pipeline.
  let facts: ExtractedFact[] = [];
  try {
    facts = extractPatientFacts(original, {
      language: ctx.language,
      reference: ctx.reference,
      timeZone: ctx.timeZone,
      ...(ctx.region ? { defaultRegion: ctx.region } : {}),
      ...(ctx.awaiting ? { awaiting: ctx.awaiting } : {}),
    });
  } catch {
    facts = [];
  }

  // Dates and times; full dates in the past next to a birth cue are dates of birth.
  const today = isoDateOf(wallClock(ctx.reference, ctx.timeZone));
  const cues = [...folded.matchAll(BIRTH_CUE)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const coreBirth = facts.filter((f) => f.name === 'birthDate');
  const times = findDateTimes(original, { language: ctx.language, reference: ctx.reference, timeZone: ctx.timeZone, exclude: [...phones, ...emails] });
  for (const t of times) {
    const cueNear = cues.some((c) => (c.end <= t.start && t.start - c.end <= CUE_BEFORE) || (c.start >= t.end && c.start - t.end <= CUE_AFTER) || (c.start >= t.start && c.end <= t.end));
    // Only the date the fact extractor took as the date of birth is one.
    const birth = t.date !== undefined && t.explicitYear && t.date <= today && coreBirth.some((f) => f.value === t.date);
    if (birth) {
      out.push({ type: 'birth_date', text: t.text, start: t.start, end: t.end, value: t.date!, confidence: cueNear || ctx.awaiting === 'birthDate' ? 0.95 : 0.8 });
    } else {
      out.push({
        type: 'datetime',
        text: t.text,
        start: t.start,
        end: t.end,
        value: t.value,
        confidence: t.confidence,
        kind: t.kind,
        timex: t.timex,
        ...(t.alternatives ? { alternatives: t.alternatives } : {}),
      });
    }
  }
  // Dates of birth core reads that the recognizer did not (eight bare digits after "DOB").
  for (const f of coreBirth) {
    if (out.some((e) => e.type === 'birth_date' && e.value === f.value)) continue;
    const [y, m, d] = f.value.split('-');
    const shapes = [`${m}${d}${y}`, `${d}${m}${y}`, `${y}${m}${d}`, `${m}/${d}/${y}`, `${d}/${m}/${y}`, y!];
    const span = shapes.map((s) => locate(folded, s)).find((s) => s !== null) ?? null;
    // A date read elsewhere as an appointment time is this birth date after all.
    const clash = span ? out.findIndex((e) => e.type === 'datetime' && e.start < span.end && span.start < e.end) : -1;
    if (clash !== -1) out.splice(clash, 1);
    out.push({ type: 'birth_date', text: span ? original.slice(span.start, span.end) : '', start: span?.start ?? 0, end: span?.end ?? 0, value: f.value, confidence: f.confidence });
  }

  // Names, from core's extractor ("my name is…", "soy…", "me llamo…").
  for (const f of facts) {
    if (f.name !== 'givenName' && f.name !== 'familyName') continue;
    // "this is ridiculous", "soy diabética": a mood or a condition, not a name.
    if (NOT_A_NAME.test(fold(f.value))) continue;
    const span = locate(folded, f.value);
    out.push({
      type: f.name === 'givenName' ? 'given_name' : 'family_name',
      text: span ? original.slice(span.start, span.end) : f.value,
      start: span?.start ?? 0,
      end: span?.end ?? 0,
      value: f.value,
      confidence: f.confidence,
    });
  }

  for (const m of findMedications(original, folded)) out.push({ type: 'medication', ...m });
  for (const d of findDepartments(original, folded, ctx.departments)) out.push({ type: 'department', ...d });
  for (const p of findProviders(original, folded, ctx.providers)) out.push({ type: 'provider', ...p });

  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}
