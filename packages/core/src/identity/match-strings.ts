// String and date primitives for the patient matcher. Kept apart from the scoring so that
// each can be tested alone and the model file reads as policy, not text munging.

import jaroWinklerImpl from 'talisman/metrics/jaro-winkler.js';
import doubleMetaphoneImpl from 'talisman/phonetics/double-metaphone.js';

/** "José" and "Jose" are one name to a receptionist; decomposing and dropping marks makes them one here. */
export function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '');
}

/** Lower-case words of letters and digits; punctuation and runs of spaces are noise in typed data. */
export function textTokens(s: string | undefined): string[] {
  if (!s) return [];
  return stripAccents(s)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/**
 * A name reduced to its letters. Spaces are dropped too because stray spaces ("jac ob",
 * "Mary Ann" vs "Maryann") are among the most common keying slips.
 */
export function squash(tokens: string[]): string {
  return tokens.join('');
}

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  // Greedy Jaro matching can score (a, b) and (b, a) differently; a fixed order keeps every
  // comparison symmetric.
  return a < b ? jaroWinklerImpl(a, b) : jaroWinklerImpl(b, a);
}

/**
 * Both double-metaphone codes of a (squashed) name. Empty codes are dropped so two names
 * that both fail to encode never count as sounding alike.
 */
export function phoneticCodes(name: string): string[] {
  if (!name) return [];
  // double metaphone is defined on Latin letters; anything else would only produce noise.
  const latin = name.replace(/[^a-z]/g, '');
  if (!latin) return [];
  const [primary, secondary] = doubleMetaphoneImpl(latin);
  const codes: string[] = [];
  if (primary) codes.push(primary);
  if (secondary && secondary !== primary) codes.push(secondary);
  return codes;
}

export function sharesCode(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) if (b.includes(x)) return true;
  return false;
}

/**
 * True when b can be made from a by one substitution, insertion, deletion or swap of two
 * neighbouring characters: the shape of a single keying slip.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    // transposition of neighbours
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Same length, identical except two neighbouring characters in swapped order. */
export function isNeighbourSwap(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

export interface ParsedDate {
  /** YYYYMMDD */
  digits: string;
  year: number;
  month: number;
  day: number;
}

/**
 * Accepts ISO YYYY-MM-DD (the contract) and bare YYYYMMDD. Anything else, or a day or month
 * out of range, is treated as unknown: a corrupt date must weigh nothing rather than count
 * as a disagreement. One exception: a "month" of 13 to 31 with a "day" of at most 12 is
 * kept as written, because it is almost surely day and month entered the other way round,
 * which compareDates recognises as a slip.
 */
export function parseBirthDate(s: string | undefined): ParsedDate | null {
  if (!s) return null;
  const m = /^\s*(\d{4})-?(\d{2})-?(\d{2})\s*$/.exec(s);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1800 || month < 1 || day < 1 || day > 31 || month > 31) return null;
  if (month > 12 && day > 12) return null;
  return { digits: `${m[1]}${m[2]}${m[3]}`, year, month, day };
}

export type DateCloseness = 'same' | 'slip' | 'near' | 'different';

/**
 * How two birth dates relate. 'slip' covers the ways one real date gets mistyped: one digit
 * wrong, two neighbouring digits swapped, day and month swapped (US vs European order).
 * 'near' is two of year/month/day equal, weaker because strangers share that often.
 */
export function compareDates(a: ParsedDate, b: ParsedDate): DateCloseness {
  if (a.digits === b.digits) return 'same';
  if (a.year === b.year && a.month === b.day && a.day === b.month) return 'slip';
  if (withinOneEdit(a.digits, b.digits)) return 'slip';
  const same = (a.year === b.year ? 1 : 0) + (a.month === b.month ? 1 : 0) + (a.day === b.day ? 1 : 0);
  return same >= 2 ? 'near' : 'different';
}
