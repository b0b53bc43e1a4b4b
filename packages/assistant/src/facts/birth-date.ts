import { isoDate, MONTH_NUMBERS, type FoundDate } from '@carethread/core';
import { digitsAt, smallNumberAt, tokens, yearAt, type NumberRead, type Tok } from './tokens.ts';

/**
 * Calendar dates as patients type and say them, for dates of birth: "03/14/1961",
 * "14.03.61", "1961-03-14", "03 14 1961", "March 14th, 1961", "the fourteenth of March
 * nineteen sixty-one", "14 de marzo de 1961", "catorce de marzo del sesenta y uno", "el
 * primero de mayo de mil novecientos ochenta", "1961 March 14". Core reads the written
 * forms; this reader adds number words, ordinals, two-digit years and year-first dates.
 */

export interface SpokenDate extends FoundDate {
  /** Numbers separated by spaces only ("03 14 1961"): a date only when one is expected. */
  spaced: boolean;
}

function monthAt(toks: Tok[], i: number): { month: number; next: number } | null {
  const t = toks[i];
  if (!t || t.kind !== 'word' || MONTH_NUMBERS[t.text] === undefined) return null;
  return { month: MONTH_NUMBERS[t.text]!, next: toks[i + 1]?.text === '.' && toks[i + 1]!.gap === '' ? i + 2 : i + 1 };
}

/** "oh three", "cero tres": a month or day said with its leading zero. */
function leadingZeroAt(toks: Tok[], i: number): NumberRead | null {
  const t = toks[i];
  if (!t || t.kind !== 'word' || !/^(?:oh|o|zero|cero)$/.test(t.text)) return null;
  const n = smallNumberAt(toks, i + 1);
  return n && !n.ordinal && n.value >= 1 && n.value <= 9 ? { ...n } : null;
}

function dayAt(toks: Tok[], i: number): NumberRead | null {
  const d = digitsAt(toks, i) ?? smallNumberAt(toks, i);
  if (!d || d.value < 1 || d.value > 31) return null;
  if (d.digits && d.width > 2) return null;
  return d;
}

/** Skips the joining words allowed between the parts of a date. */
function skip(toks: Tok[], i: number, words: RegExp): number {
  let k = i;
  while (toks[k] && ((toks[k]!.kind === 'sep' && /^[,\-/.]$/.test(toks[k]!.text)) || (toks[k]!.kind === 'word' && words.test(toks[k]!.text)))) k++;
  return k;
}
const JOIN = /^(?:of|de|del|the|in|on|en|year|ano|el)$/;

export interface DateReadOptions {
  order: 'month-first' | 'day-first';
  /** Two-digit years up to this (e.g. 26 in 2026) are 20yy, above it 19yy. */
  pivot: number;
}

/** Every date in folded text, first match at each position, no overlaps. */
export function findSpokenDates(folded: string, options: DateReadOptions): SpokenDate[] {
  const toks = tokens(folded);
  const out: SpokenDate[] = [];
  const push = (from: number, to: number, value: string | null, extra: Partial<SpokenDate> = {}) => {
    if (!value) return false;
    out.push({ iso: value, start: toks[from]!.start, end: toks[to - 1]!.end, ambiguousOrder: false, twoDigitYear: false, compact: false, spaced: false, ...extra });
    return true;
  };
  let i = 0;
  while (i < toks.length) {
    const found = readAt(toks, i, options, push);
    i = found ?? i + 1;
  }
  return out;
}

type Push = (from: number, to: number, value: string | null, extra?: Partial<SpokenDate>) => boolean;

function readAt(toks: Tok[], i: number, o: DateReadOptions, push: Push): number | null {
  const t = toks[i]!;
  // Month first: "March 14th, 1961", "march fourteenth nineteen sixty one", "marzo 14 de 1961".
  const m = monthAt(toks, i);
  if (m) {
    let k = skip(toks, m.next, /^(?:the|el)$/);
    const d = dayAt(toks, k);
    if (d) {
      k = skip(toks, d.next, JOIN);
      const y = yearAt(toks, k, o.pivot);
      if (y && push(i, y.next, isoDate(y.year, m.month, d.value), { twoDigitYear: y.twoDigit })) return y.next;
    }
  }
  // Day first: "14 March 1961", "the 14th of March, 1961", "catorce de marzo del sesenta y uno".
  const d = dayAt(toks, i);
  if (d && !(t.kind === 'num' && toks[i - 1]?.kind === 'sep' && toks[i - 1]!.gap === '' && /[/.\-]/.test(toks[i - 1]!.text))) {
    const k = skip(toks, d.next, JOIN);
    const mm = monthAt(toks, k);
    if (mm && k - d.next <= 3) {
      const j = skip(toks, mm.next, JOIN);
      const y = yearAt(toks, j, o.pivot);
      if (y && push(i, y.next, isoDate(y.year, mm.month, d.value), { twoDigitYear: y.twoDigit })) return y.next;
    }
  }
  // Year first with a month name: "1961 March 14", "1961, 14 de marzo".
  const fullYear = t.kind === 'num' ? (t.text.length === 4 ? yearAt(toks, i, o.pivot) : null) : yearAt(toks, i, o.pivot);
  if (fullYear && !fullYear.twoDigit) {
    const year = fullYear.year;
    const k = skip(toks, fullYear.next, JOIN);
    const mm = monthAt(toks, k);
    if (mm) {
      const j = skip(toks, mm.next, /^(?:the|el)$/);
      const dd = dayAt(toks, j);
      if (dd && push(i, dd.next, isoDate(year, mm.month, dd.value))) return dd.next;
    }
    // "1961, el 14 de marzo": the year, then the day and the month.
    const dd = k > fullYear.next || t.kind === 'word' ? dayAt(toks, k) : null;
    if (dd) {
      const j = skip(toks, dd.next, JOIN);
      const m2 = monthAt(toks, j);
      if (m2 && j - dd.next <= 3 && push(i, m2.next, isoDate(year, m2.month, dd.value))) return m2.next;
    }
  }
  // Numbers said in words: "four three nineteen seventy five", "tres cuatro mil novecientos…".
  if (t.kind === 'word') {
    const a = leadingZeroAt(toks, i) ?? smallNumberAt(toks, i);
    const bAt = a ? skip(toks, a.next, /^(?:de|del)$/) : 0;
    const b = a && !a.ordinal && a.value >= 1 && a.value <= 31 ? (leadingZeroAt(toks, bAt) ?? smallNumberAt(toks, bAt)) : null;
    const y = b && b.value >= 1 && b.value <= 31 ? yearAt(toks, skip(toks, b.next, JOIN), o.pivot) : null;
    if (a && b && y) {
      let month = a.value;
      let day = b.value;
      if (a.value > 12 || (o.order === 'day-first' && b.value <= 12)) [day, month] = [a.value, b.value];
      if (push(i, y.next, isoDate(y.year, month, day), { ambiguousOrder: a.value <= 12 && b.value <= 12 && a.value !== b.value, spaced: true, twoDigitYear: y.twoDigit })) return y.next;
    }
  }
  // Numbers: 03/14/1961, 14-3-61, 14.03.1961, 1961/03/14, 03 14 1961, 03141961.
  if (t.kind === 'num') return numericAt(toks, i, o, push);
  return null;
}

function numericAt(toks: Tok[], i: number, o: DateReadOptions, push: Push): number | null {
  const a = toks[i]!;
  // Part of a longer run of numbers (a phone number, an id): not a date.
  const prev = toks[i - 1];
  if (prev && prev.gap === '' && prev.kind === 'sep' && /[/.\-]/.test(prev.text) && toks[i - 2]?.kind === 'num') return null;
  if (/^\d{8}$/.test(a.text)) {
    const s = a.text;
    const ymd = isoDate(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6)));
    const p = Number(s.slice(0, 2));
    const q = Number(s.slice(2, 4));
    const y = Number(s.slice(4));
    const first = o.order === 'day-first' ? isoDate(y, q, p) : isoDate(y, p, q);
    const second = o.order === 'day-first' ? isoDate(y, p, q) : isoDate(y, q, p);
    return push(i, i + 1, ymd ?? first ?? second, { compact: true, ambiguousOrder: !ymd && p <= 12 && q <= 12 && p !== q }) ? i + 1 : null;
  }
  // Three numbers with the same separator, or with spaces only.
  const parts: Tok[] = [a];
  let k = i + 1;
  let sep: string | null = null;
  while (parts.length < 3 && k < toks.length) {
    const s = toks[k]!;
    if (s.kind === 'sep' && /^[/.\-]$/.test(s.text) && s.gap.length <= 1) {
      if (sep !== null && sep !== s.text) return null;
      sep = s.text;
      const n = toks[k + 1];
      if (!n || n.kind !== 'num' || n.gap.length > 1) return null;
      parts.push(n);
      k += 2;
    } else if (s.kind === 'num' && /^ $/.test(s.gap) && (sep === null || sep === ' ')) {
      sep = ' ';
      parts.push(s);
      k += 1;
    } else break;
  }
  if (parts.length !== 3) return null;
  const next = toks[k];
  // "1/2/3/4" or "03 14 1961 5": a longer sequence.
  if (next && next.gap.length <= 1 && (next.kind === 'num' || (next.kind === 'sep' && /^[/\-]$/.test(next.text) && toks[k + 1]?.kind === 'num'))) return null;
  const [p, q, r] = parts.map((x) => x.text);
  const spaced = sep === ' ';
  if (p!.length === 4) {
    if (q!.length > 2 || r!.length > 2) return null;
    return push(i, k, isoDate(Number(p), Number(q), Number(r)), { spaced }) ? k : null;
  }
  if (p!.length > 2 || q!.length > 2 || (r!.length !== 2 && r!.length !== 4)) return null;
  const x = Number(p);
  const y = Number(q);
  const year = r!.length === 4 ? Number(r) : Number(r) <= o.pivot ? 2000 + Number(r) : 1900 + Number(r);
  let month: number;
  let day: number;
  if (x > 12 && y <= 12) [day, month] = [x, y];
  else if (y > 12 && x <= 12) [month, day] = [x, y];
  else if (o.order === 'day-first') [day, month] = [x, y];
  else [month, day] = [x, y];
  return push(i, k, isoDate(year, month, day), { ambiguousOrder: x <= 12 && y <= 12 && x !== y, twoDigitYear: r!.length === 2, spaced }) ? k : null;
}
