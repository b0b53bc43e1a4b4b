import { foldAligned } from './text.ts';

/**
 * Written calendar dates in English and Spanish, for reading dates of birth. Relative and
 * partial dates ("next Tuesday", "in March") are the assistant's job (recognizers-text);
 * here we only read full day–month–year dates a patient types or an ASR transcribes.
 */

export interface FoundDate {
  /** ISO YYYY-MM-DD. */
  iso: string;
  start: number;
  end: number;
  /** Numeric day and month were both ≤ 12, so which is which came from the language. */
  ambiguousOrder: boolean;
  /** Written with a two-digit year; the century was inferred. */
  twoDigitYear: boolean;
  /** Written as eight bare digits ("03141961"). */
  compact: boolean;
}

export type NumericOrder = 'month-first' | 'day-first';

/** Years outside this window are not birth dates of living patients, whatever the format. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

/** Month names and abbreviations, English and Spanish, folded (no accents), to month numbers. */
export const MONTH_NUMBERS: Readonly<Record<string, number>> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6, jun: 6,
  july: 7, jul: 7, august: 8, aug: 8, september: 9, sept: 9, sep: 9, october: 10, oct: 10, november: 11,
  nov: 11, december: 12, dec: 12,
  enero: 1, ene: 1, febrero: 2, marzo: 3, abril: 4, abr: 4, mayo: 5, junio: 6, julio: 7, agosto: 8, ago: 8,
  septiembre: 9, setiembre: 9, set: 9, octubre: 10, noviembre: 11, diciembre: 12, dic: 12,
};
const MONTH_ALT = Object.keys(MONTH_NUMBERS)
  .sort((a, b) => b.length - a.length)
  .join('|');

const ORD = '(?:st|nd|rd|th|ro|do|er|º|°)?';
// Each pattern runs on folded text (lower case, no accents) with the same indices as the input.
const ISO = /(?<![\d/.-])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d]|[/.-]\d)/g;
const MONTH_FIRST = new RegExp(
  `\\b(${MONTH_ALT})\\.?\\s+(\\d{1,2})${ORD}(?:\\s*,\\s*|\\s+del?\\s+|\\s+)(\\d{4})(?!\\d)`,
  'g',
);
const DAY_FIRST = new RegExp(
  `(?<![\\d/.-])(\\d{1,2})${ORD}(?:\\s+of|\\s+de)?[\\s-]+(${MONTH_ALT})\\.?(?:\\s*,\\s*|\\s+del?\\s+|\\s+|-)(\\d{4})(?!\\d)`,
  'g',
);
const NUMERIC = /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d]|[/.-]\d)/g;
const COMPACT = /(?<![\d/.-])(\d{8})(?![\d]|[/.-]\d)/g;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO date when y-m-d is a real calendar day inside the accepted year window, else null. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Two-digit years are read as 19yy from 30 up and 20yy below. Core has no clock, so the
 * pivot is fixed; callers only accept two-digit years next to an explicit birth cue.
 */
function expandYear(yy: string): number {
  const n = Number(yy);
  return yy.length === 4 ? n : n >= 30 ? 1900 + n : 2000 + n;
}

export interface FindDatesOptions {
  /** How to read 03/04/1961 when both parts could be the month. */
  order: NumericOrder;
  /** Also read eight bare digits as a date (only sensible when a date is expected). */
  compact?: boolean;
  /** Spans (e.g. phone numbers) where no date may be read. */
  exclude?: ReadonlyArray<{ start: number; end: number }>;
}

export function findDates(text: string, options: FindDatesOptions): FoundDate[] {
  const folded = foldAligned(text);
  const found: FoundDate[] = [];
  const taken: Array<{ start: number; end: number }> = [...(options.exclude ?? [])];
  const free = (start: number, end: number) => taken.every((t) => end <= t.start || start >= t.end);
  const add = (m: RegExpMatchArray, iso: string | null, extra: Partial<FoundDate> = {}) => {
    const start = m.index!;
    const end = start + m[0].length;
    if (!iso || !free(start, end)) return;
    taken.push({ start, end });
    found.push({ iso, start, end, ambiguousOrder: false, twoDigitYear: false, compact: false, ...extra });
  };

  for (const m of folded.matchAll(ISO)) add(m, isoDate(Number(m[1]), Number(m[2]), Number(m[3])));
  for (const m of folded.matchAll(MONTH_FIRST)) add(m, isoDate(Number(m[3]), MONTH_NUMBERS[m[1]!]!, Number(m[2])));
  for (const m of folded.matchAll(DAY_FIRST)) add(m, isoDate(Number(m[3]), MONTH_NUMBERS[m[2]!]!, Number(m[1])));
  for (const m of folded.matchAll(NUMERIC)) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const year = expandYear(m[4]!);
    let month: number;
    let day: number;
    // A part above 12 can only be the day, whatever the language's habit.
    if (a > 12 && b <= 12) [day, month] = [a, b];
    else if (b > 12 && a <= 12) [month, day] = [a, b];
    else if (options.order === 'day-first') [day, month] = [a, b];
    else [month, day] = [a, b];
    add(m, isoDate(year, month, day), { ambiguousOrder: a <= 12 && b <= 12 && a !== b, twoDigitYear: m[4]!.length === 2 });
  }
  if (options.compact) {
    for (const m of folded.matchAll(COMPACT)) {
      const d = m[1]!;
      const asIso = isoDate(Number(d.slice(0, 4)), Number(d.slice(4, 6)), Number(d.slice(6, 8)));
      const a = Number(d.slice(0, 2));
      const b = Number(d.slice(2, 4));
      const y = Number(d.slice(4));
      const first = options.order === 'day-first' ? isoDate(y, b, a) : isoDate(y, a, b);
      const second = options.order === 'day-first' ? isoDate(y, a, b) : isoDate(y, b, a);
      add(m, asIso ?? first ?? second, { compact: true, ambiguousOrder: !asIso && a <= 12 && b <= 12 && a !== b });
    }
  }
  return found.sort((x, y) => x.start - y.start);
}
