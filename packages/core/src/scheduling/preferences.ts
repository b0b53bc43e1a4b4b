import type { Language } from '../types.ts';
import { addLocalDays, isLocalDate, isValidTimeZone, startOfLocalDate, zonedParts, type Weekday } from './time.ts';

/**
 * Slot matching against what a patient said ("Tuesday or Thursday mornings, not before the
 * 10th, a doctor who speaks Spanish"). All of it is read in the patient's time zone: "morning"
 * means their morning, and a date is their calendar day.
 */

export const PARTS_OF_DAY = ['morning', 'afternoon', 'evening'] as const;
export type PartOfDay = (typeof PARTS_OF_DAY)[number];

/** Local wall-clock ranges [from, to) in minutes after midnight. Night hours belong to none. */
export const PART_OF_DAY_MINUTES: Readonly<Record<PartOfDay, readonly [number, number]>> = {
  morning: [6 * 60, 12 * 60],
  afternoon: [12 * 60, 17 * 60],
  evening: [17 * 60, 22 * 60],
};

export function partOfDay(minuteOfDay: number): PartOfDay | null {
  for (const p of PARTS_OF_DAY) {
    const [from, to] = PART_OF_DAY_MINUTES[p];
    if (minuteOfDay >= from && minuteOfDay < to) return p;
  }
  return null;
}

export function isPartOfDay(value: unknown): value is PartOfDay {
  return typeof value === 'string' && (PARTS_OF_DAY as readonly string[]).includes(value);
}

export interface SlotPreferences {
  /** Days the patient can come; empty or absent means any. */
  daysOfWeek?: readonly Weekday[];
  partsOfDay?: readonly PartOfDay[];
  /** First local calendar day acceptable (inclusive). A hard limit. */
  earliestDate?: string;
  /** Last local calendar day acceptable (inclusive). A hard limit. */
  latestDate?: string;
  /** Language the patient wants to be seen in. */
  language?: Language;
}

export interface SlotCandidate {
  id: string;
  start: string | Date;
  end: string | Date;
  /** Languages the provider of the slot speaks (ISO 639-1). */
  providerLanguages?: readonly string[];
}

export interface SlotFit {
  /** 0..1: the share of the stated soft preferences (weighted) this slot satisfies; 1 when none were stated. */
  score: number;
  /** null: the patient stated no preference of that kind. */
  matches: { dayOfWeek: boolean | null; partOfDay: boolean | null; language: boolean | null };
  /** The slot as the patient's wall clock shows it. */
  local: { date: string; time: string; weekday: Weekday; partOfDay: PartOfDay | null };
}

export type RankedSlot<T extends SlotCandidate> = T & { fit: SlotFit };

/** Soft-preference weights: when and which language outweigh nothing else; days and times count the same. */
const WEIGHTS = { dayOfWeek: 3, partOfDay: 3, language: 2 } as const;

const toDate = (v: string | Date): Date => (v instanceof Date ? v : new Date(v));

export function slotFit(slot: SlotCandidate, prefs: SlotPreferences, timeZone: string): SlotFit {
  const p = zonedParts(toDate(slot.start), timeZone);
  const part = partOfDay(p.minuteOfDay);
  const dayOfWeek = prefs.daysOfWeek && prefs.daysOfWeek.length > 0 ? prefs.daysOfWeek.includes(p.weekday) : null;
  const partMatch = prefs.partsOfDay && prefs.partsOfDay.length > 0 ? part !== null && prefs.partsOfDay.includes(part) : null;
  const language = prefs.language ? (slot.providerLanguages ?? []).includes(prefs.language) : null;
  let total = 0;
  let got = 0;
  for (const [key, match] of [
    ['dayOfWeek', dayOfWeek],
    ['partOfDay', partMatch],
    ['language', language],
  ] as const) {
    if (match === null) continue;
    total += WEIGHTS[key];
    if (match) got += WEIGHTS[key];
  }
  return {
    score: total === 0 ? 1 : Math.round((got / total) * 1000) / 1000,
    matches: { dayOfWeek, partOfDay: partMatch, language },
    local: { date: p.date, time: `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`, weekday: p.weekday, partOfDay: part },
  };
}

/**
 * The instants bounding the stated dates: [start of earliestDate, start of the day after
 * latestDate) on the patient's wall clock. Stores use it to narrow the query; {@link rankSlots}
 * applies it again, so a store that does not is still correct.
 */
export function preferenceWindow(prefs: SlotPreferences, timeZone: string): { from: Date | null; to: Date | null } {
  return {
    from: prefs.earliestDate ? startOfLocalDate(prefs.earliestDate, timeZone) : null,
    to: prefs.latestDate ? startOfLocalDate(addLocalDays(prefs.latestDate, 1), timeZone) : null,
  };
}

/** What is wrong with a set of preferences, or null. Callers turn it into a 422. */
export function invalidPreferences(prefs: SlotPreferences, timeZone: string): string | null {
  if (!isValidTimeZone(timeZone)) return `Unknown time zone "${timeZone}" (use an IANA name such as America/New_York).`;
  if (prefs.earliestDate !== undefined && !isLocalDate(prefs.earliestDate)) return 'earliestDate must be a calendar date (YYYY-MM-DD).';
  if (prefs.latestDate !== undefined && !isLocalDate(prefs.latestDate)) return 'latestDate must be a calendar date (YYYY-MM-DD).';
  if (prefs.earliestDate && prefs.latestDate && prefs.earliestDate > prefs.latestDate) return 'earliestDate is after latestDate.';
  return null;
}

export interface RankOptions {
  timeZone: string;
  /** Slots starting at or before this instant are never offered. */
  now: Date;
  limit?: number;
  /**
   * At most this many results per local calendar day, so an offer spans several days instead of
   * five neighbouring slots of one morning; the rest fill up only if too few remain. null: no cap.
   */
  maxPerDay?: number | null;
}

/**
 * Best fit first, then soonest. Dates outside earliestDate..latestDate and past slots are
 * dropped (hard limits); days, parts of day and language only rank (soft), so a patient is
 * still offered the nearest alternative when nothing fits exactly.
 */
export function rankSlots<T extends SlotCandidate>(slots: readonly T[], prefs: SlotPreferences, options: RankOptions): Array<RankedSlot<T>> {
  const { from, to } = preferenceWindow(prefs, options.timeZone);
  const now = options.now.getTime();
  const scored: Array<RankedSlot<T> & { _start: number }> = [];
  for (const slot of slots) {
    const start = toDate(slot.start).getTime();
    if (!(start > now)) continue;
    if (from && start < from.getTime()) continue;
    if (to && start >= to.getTime()) continue;
    scored.push({ ...slot, fit: slotFit(slot, prefs, options.timeZone), _start: start });
  }
  scored.sort((a, b) => b.fit.score - a.fit.score || a._start - b._start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const limit = options.limit ?? scored.length;
  const maxPerDay = options.maxPerDay === undefined ? null : options.maxPerDay;
  const picked: typeof scored = [];
  const skipped: typeof scored = [];
  const perDay = new Map<string, number>();
  for (const s of scored) {
    if (picked.length >= limit) break;
    const n = perDay.get(s.fit.local.date) ?? 0;
    if (maxPerDay !== null && n >= maxPerDay) {
      skipped.push(s);
      continue;
    }
    perDay.set(s.fit.local.date, n + 1);
    picked.push(s);
  }
  for (const s of skipped) {
    if (picked.length >= limit) break;
    picked.push(s);
  }
  if (maxPerDay !== null) picked.sort((a, b) => b.fit.score - a.fit.score || a._start - b._start);
  return picked.map(({ _start, ...rest }) => rest as unknown as RankedSlot<T>);
}
