import { Culture, recognizeDateTime } from '@microsoft/recognizers-text-suite';
import type { Language } from '@carethread/core';
import { foldAligned } from '../text.ts';
import { spokenYearAt } from './spoken-year.ts';
import { isoDateOf, localToIso, recognizerReference, wallClock } from './time-zone.ts';

/**
 * Dates and times in what a patient says, via Microsoft's recognizers (DateTimeV2, English
 * and Spanish cultures), read against the patient's own clock and normalised to ISO 8601:
 *
 *   date           "2025-03-18"
 *   time           "15:00"
 *   datetime       "2025-03-18T15:00:00-04:00"
 *   *range         "<from>/<to>" (ISO 8601 interval; the end is exclusive, as recognised)
 *   duration       "P2W"
 *   set            the TIMEX ("XXXX-WXX-1" = every Monday)
 *
 * The recognizers are generous, so their hits are filtered: "may" the verb, a bare "one" or
 * "3" without "at" / "a las", "now", seasons that resolve to nothing.
 */

export type DateTimeKind = 'date' | 'time' | 'datetime' | 'daterange' | 'timerange' | 'datetimerange' | 'duration' | 'set';

export interface FoundDateTime {
  text: string;
  start: number;
  end: number;
  kind: DateTimeKind;
  timex: string;
  value: string;
  /** Other readings the words allow (3 am for "a las 3"), most likely first. */
  alternatives?: string[];
  /** The reading has a full calendar date with an explicit year (usable as a date of birth). */
  explicitYear: boolean;
  /** ISO date when `kind` is date (for birth-date checks). */
  date?: string;
  confidence: number;
}

export interface DateTimeContext {
  language: Language;
  reference: Date;
  timeZone: string;
  /** Spans already taken by other entities (phone numbers): no date is read inside them. */
  exclude?: ReadonlyArray<{ start: number; end: number }>;
}

/** Longest text handed to the recognizers: their cost grows quickly with length. */
export const DATETIME_MAX_CHARS = 600;

interface Resolution {
  timex?: string;
  type?: string;
  value?: string;
  start?: string;
  end?: string;
  Mod?: string;
}

const CULTURE: Record<Language, string> = { en: Culture.English, es: Culture.Spanish };

/** Words the recognizers take for dates that patients mostly mean otherwise. */
const AMBIGUOUS_WORDS = new Set(['may', 'now', 'ahora', 'second', 'sec', 'min', 'mar', 'sun', 'sat', 'wed', 'march', 'fall', 'spring', 'ahorita']);
/** …unless a date-ish word stands right before them ("in May", "el 5 de mayo"). */
const MONTH_CONTEXT_BEFORE = /(?:\b(?:in|on|of|by|until|till|since|early|late|mid|next|this|last|from|de|en|para|hasta|desde|el|del|\d{1,2}(?:st|nd|rd|th)?))\s+$/;
const MONTH_CONTEXT_AFTER = /^\s*(?:\d|first|second|third|fourth|fifth|\w+(?:th|st|nd|rd)\b)/;
/** A bare number is a time only after one of these. */
const TIME_CUE_BEFORE = /(?:\b(?:at|around|by|before|after|about|until|till|a\s+las?|las|la|alrededor\s+de\s+las?|antes\s+de\s+las?|despues\s+de\s+las?|hasta\s+las?|como\s+a\s+las?|tipo)|@)\s*$/;

/** The TIMEX leaves part of the date open (a weekday, a month without a year). */
function isOpen(timex: string): boolean {
  return timex.includes('X');
}

function hhmm(value: string): string {
  return value.slice(0, 5);
}

/** Clinic hours, to choose between 3 am and 3 pm when the patient did not say. */
function plausibleHour(value: string): boolean {
  const m = /(?:^|[ T])(\d{2}):/.exec(value);
  if (!m) return true;
  const h = Number(m[1]);
  return h >= 7 && h <= 19;
}

function normalise(r: Resolution, timeZone: string): string | null {
  const type = r.type ?? '';
  const local = (v: string | undefined) => (v && v !== 'not resolved' ? v : null);
  switch (type) {
    case 'date':
      return local(r.value);
    case 'time':
      return local(r.value) ? hhmm(r.value!) : null;
    case 'datetime':
      return local(r.value) ? localToIso(r.value!, timeZone) : null;
    case 'daterange': {
      const from = local(r.start);
      const to = local(r.end);
      return from || to ? `${from ?? '..'}/${to ?? '..'}` : null;
    }
    case 'timerange': {
      const from = local(r.start);
      const to = local(r.end);
      return from && to ? `${hhmm(from)}/${hhmm(to)}` : null;
    }
    case 'datetimerange': {
      const from = local(r.start) ? localToIso(r.start!, timeZone) : null;
      const to = local(r.end) ? localToIso(r.end!, timeZone) : null;
      return from || to ? `${from ?? '..'}/${to ?? '..'}` : null;
    }
    case 'duration':
      return r.timex ?? null;
    case 'set':
      return r.timex ?? null;
    default:
      return null;
  }
}

/** Where a reading starts, to compare it with "today". */
function startOf(r: Resolution): string {
  return (r.value ?? r.start ?? '').slice(0, 10);
}

/**
 * Picks one reading among the recognizer's: for a date without a year, the next one (a
 * patient asking for "Friday" means the coming one); for an hour without am/pm, the one in
 * clinic hours.
 */
function choose(values: Resolution[], today: string): Resolution[] {
  const ranked = [...values];
  const future = (r: Resolution) => startOf(r) === '' || startOf(r) >= today;
  ranked.sort((a, b) => Number(future(b)) - Number(future(a)) || Number(plausibleHour(b.value ?? b.start ?? '')) - Number(plausibleHour(a.value ?? a.start ?? '')));
  // A stated day of the month ("December 1st", "the 15th") is the nearest such day, even when
  // it has just passed: moving it a month or a year on would answer a request nobody made, so
  // a date already gone is kept as said and questioned by the dialogue.
  const stated = ranked[0]?.timex && /^XXXX-(?:\d{2}|XX)-\d{2}/.test(ranked[0].timex);
  if (stated && ranked.length > 1) {
    const distance = (r: Resolution) => (startOf(r) ? Math.abs(daysBetween(startOf(r), today)) : Infinity);
    const nearest = ranked.reduce((best, r) => (distance(r) < distance(best) ? r : best));
    if (nearest !== ranked[0]) return [nearest, ...ranked.filter((r) => r !== nearest)];
  }
  return ranked;
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);
}

function isoDay(year: number, month: number, day: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d.toISOString().slice(0, 10) : null;
}

const WEEKDAY_NUMBER: Record<string, number> = {
  monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7,
  lunes: 1, martes: 2, miercoles: 3, jueves: 4, viernes: 5, sabado: 6, domingo: 7,
};
/** "Tuesday the 15th", "Tuesday 15", "el martes 15", "martes 15 por la tarde": a weekday and a day of the month. */
const WEEKDAY_AND_DAY = /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|miercoles|jueves|viernes|sabado|domingo)(?:,)?\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th|o|º)?(?![\d:.]|\s*(?:am|pm|a\.m|p\.m|h\b|hrs?\b|horas?\b|de\s+la\s+(?:manana|tarde|noche)))/;
const PART_OF_DAY: Array<[RegExp, string, string, string]> = [
  [/\b(?:morning|manana)\b/, 'TMO', '08:00:00', '12:00:00'],
  [/\b(?:afternoon|tarde)\b/, 'TAF', '12:00:00', '16:00:00'],
  [/\b(?:evening|night|noche)\b/, 'TEV', '16:00:00', '20:00:00'],
];

/**
 * The day a weekday and a day of the month name together: the nearest date that has both
 * (a month back to a year ahead), or, when none has both, the nearest with that day of the
 * month (the number says more than the weekday). The recognizers read "el martes 15" as the
 * next Tuesday (and 15 as an hour); patients mean the 15th.
 */
export function weekdayAndDay(weekday: number, day: number, today: string): string | null {
  if (day < 1 || day > 31) return null;
  const [y, m] = today.split('-').map(Number) as [number, number];
  const candidates: string[] = [];
  for (let k = -1; k <= 12; k++) {
    const month = ((m - 1 + k + 12) % 12) + 1;
    const year = y + Math.floor((m - 1 + k) / 12);
    const iso = isoDay(year, month, day);
    if (iso) candidates.push(iso);
  }
  const weekdayOf = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay() || 7;
  const nearest = (list: string[]) => list.reduce<string | null>((best, d) => (best === null || Math.abs(daysBetween(d, today)) < Math.abs(daysBetween(best, today)) ? d : best), null);
  // Both only months away: the weekday was a slip ("Tuesday the 16th" when the 16th is a Wednesday).
  const both = nearest(candidates.filter((d) => weekdayOf(d) === weekday && Math.abs(daysBetween(d, today)) <= 62));
  return both ?? nearest(candidates);
}

/**
 * The recognizers lower-case the text before matching and report indices in the lower-cased
 * string; a character whose lower case is longer ("İ" → "i̇") would shift every later span.
 * Such characters are replaced by "x"s of the same length first.
 */
function lengthSafe(text: string): string {
  let out = '';
  for (const ch of text) out += ch.toLowerCase().length === ch.length ? ch : 'x'.repeat(ch.length);
  return out;
}

function recognize(text: string, language: Language, reference: Date): Array<{ text: string; start: number; end: number; typeName: string; resolution?: { values?: Resolution[] } }> {
  try {
    return recognizeDateTime(text, CULTURE[language], undefined, reference) as ReturnType<typeof recognize>;
  } catch {
    // A recognizer bug on odd input must cost the entity, never the message.
    return [];
  }
}

export function findDateTimes(text: string, ctx: DateTimeContext): FoundDateTime[] {
  if (typeof text !== 'string' || !/\d|\p{L}{2}/u.test(text)) return [];
  const original = text.length > DATETIME_MAX_CHARS ? text.slice(0, DATETIME_MAX_CHARS) : text;
  const folded = foldAligned(original);
  const today = isoDateOf(wallClock(ctx.reference, ctx.timeZone));
  const reference = recognizerReference(ctx.reference, ctx.timeZone);
  const out: FoundDateTime[] = [];
  const raw = recognize(lengthSafe(original), ctx.language, reference);
  // End of the words a widened reading took ("martes" + " 15"): later hits inside it are parts of it.
  let covered = 0;

  for (let i = 0; i < raw.length; i++) {
    const hit = raw[i]!;
    const start = hit.start;
    const end = hit.end + 1; // the recognizers' end index is inclusive
    if (start < covered) continue;
    // Spans must cut the words out of the message; anything else is a recognizer slip.
    if (start < 0 || end > original.length || folded.slice(start, end) !== foldAligned(hit.text)) continue;
    if (ctx.exclude?.some((x) => start < x.end && end > x.start)) continue;
    const values = (hit.resolution?.values ?? []).filter((v) => (v.value !== 'not resolved' || v.type === 'set') && (v.value || v.start || v.end || v.timex));
    if (values.length === 0) continue;
    const words = folded.slice(start, end).trim();
    const before = folded.slice(Math.max(0, start - 30), start);
    const after = folded.slice(end, end + 12);

    if (AMBIGUOUS_WORDS.has(words) && !(MONTH_CONTEXT_BEFORE.test(before) || MONTH_CONTEXT_AFTER.test(after))) continue;
    if (/^(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|una?|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce)$/.test(words) && !TIME_CUE_BEFORE.test(before)) continue;

    const kind = hit.typeName.replace(/^datetimeV2\./, '') as DateTimeKind;
    let chosen = choose(values, today);
    let first = chosen[0]!;
    let explicitYear = kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(first.timex ?? '');
    let spanEnd = end;

    // "September thirtieth nineteen eighty six": a month and day followed by a spoken year.
    if (kind === 'date' && /^XXXX-\d{2}-\d{2}$/.test(first.timex ?? '')) {
      const md = first.timex!.slice(4);
      const gap = /^(?:\s*,\s*|\s+(?:of|de|del)\s+|\s+)?/.exec(folded.slice(end))![0];
      const next = raw[i + 1];
      const yearHit = next && next.start === end + gap.length && /^\d{4}$/.test(next.resolution?.values?.[0]?.timex ?? '') ? next : null;
      const spoken = yearHit ? null : spokenYearAt(folded.slice(end + gap.length));
      const digits = yearHit || spoken ? null : /^(\d{4})\b/.exec(folded.slice(end + gap.length));
      const year = yearHit ? Number(yearHit.resolution!.values![0]!.timex) : spoken ? spoken.year : digits ? Number(digits[1]) : null;
      if (year !== null && year >= 1900 && year <= 2100) {
        const iso = `${year}${md}`;
        if (!Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) && new Date(`${iso}T00:00:00Z`).toISOString().startsWith(iso)) {
          spanEnd = yearHit ? yearHit.end + 1 : end + gap.length + (spoken ? spoken.length : digits![1]!.length);
          first = { timex: iso, type: 'date', value: iso };
          chosen = [first];
          explicitYear = true;
          if (yearHit) i++;
        }
      }
    }

    // "el martes 15 (por la tarde)", "Tuesday the 16th": the weekday the recognizer kept and the day it dropped.
    if (/^XXXX-WXX-\d/.test(first.timex ?? '')) {
      const stated = WEEKDAY_AND_DAY.exec(folded.slice(start, start + 40));
      const date = stated ? weekdayAndDay(WEEKDAY_NUMBER[stated[1]!]!, Number(stated[2]), today) : null;
      if (stated && date) {
        const numberEnd = start + stated[0].length;
        // What follows the day ("por la tarde", "at 3 pm"), whether the recognizer kept it in its words or not.
        const rest = folded.slice(numberEnd, Math.max(end, numberEnd + 24));
        const part = PART_OF_DAY.find(([re]) => re.test(rest));
        const partEnd = part ? numberEnd + rest.search(part[0]) + rest.match(part[0])![0].length : numberEnd;
        // "martes 15 a las 3": the hour the recognizer read after the day.
        const hour = part ? null : choose(recognize(rest, ctx.language, reference).flatMap((r) => (r.resolution?.values ?? []).filter((v) => v.type === 'time' && v.value && v.value !== 'not resolved')), today)[0];
        const at = hour ? localToIso(`${date} ${hour.value!}`, ctx.timeZone) : null;
        const value = part ? `${localToIso(`${date} ${part[2]}`, ctx.timeZone)}/${localToIso(`${date} ${part[3]}`, ctx.timeZone)}` : (at ?? date);
        const hourWords = at ? recognize(rest, ctx.language, reference).find((r) => (r.resolution?.values ?? []).some((v) => v.type === 'time')) : undefined;
        const wordsEnd = part ? partEnd : hourWords ? numberEnd + hourWords.end + 1 : numberEnd;
        out.push({
          text: original.slice(start, wordsEnd),
          start,
          end: wordsEnd,
          kind: part ? 'datetimerange' : at ? 'datetime' : 'date',
          timex: part ? `${date}${part[1]}` : at ? `${date}T${hour!.value!.slice(0, 5)}` : date,
          value,
          explicitYear: false,
          ...(part || at ? {} : { date }),
          confidence: 0.85,
        });
        covered = wordsEnd;
        continue;
      }
    }

    const value = normalise(first, ctx.timeZone);
    if (!value) continue;
    const alternatives = chosen
      .slice(1)
      .map((r) => normalise(r, ctx.timeZone))
      .filter((v): v is string => v !== null && v !== value);
    const timex = first.timex ?? '';
    out.push({
      text: original.slice(start, spanEnd),
      start,
      end: spanEnd,
      kind,
      timex,
      value,
      ...(alternatives.length ? { alternatives: [...new Set(alternatives)] } : {}),
      explicitYear,
      ...(kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(first.value ?? '') ? { date: first.value!.slice(0, 10) } : {}),
      confidence: explicitYear ? 0.95 : isOpen(timex) || alternatives.length ? 0.75 : 0.85,
    });
  }
  return out;
}
