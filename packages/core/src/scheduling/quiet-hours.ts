import type { QuietHours } from './policy.ts';
import { addLocalDays, minutesOfTime, offsetAt, zonedParts } from './time.ts';

/**
 * Quiet hours: a local wall-clock window ("21:00"–"08:00", wrapping midnight when the end is
 * earlier) in which nothing the organisation starts is sent. One definition for the reminder
 * planner (the organisation's window) and the outbox's send-time check (the patient's window).
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Whether the wall clock in `timeZone` at `instant` reads inside the window [start, end). */
export function inQuietHours(instant: Date, quiet: QuietHours | null, timeZone: string): boolean {
  if (!quiet) return false;
  const from = minutesOfTime(quiet.start);
  const to = minutesOfTime(quiet.end);
  if (from === to) return false;
  const m = zonedParts(instant, timeZone).minuteOfDay;
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/** The instant a zone's offset changes within (lo, hi], to the minute (offsets change on whole minutes). */
function transitionBetween(lo: number, hi: number, timeZone: string): number {
  const before = offsetAt(lo, timeZone);
  while (hi - lo > MINUTE) {
    // Both ends are whole minutes at least two apart, so mid lies strictly between them.
    const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
    if (offsetAt(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The first instant at or after `instant` whose wall clock reads outside the quiet window: when a
 * deferred message may go. The window can only be left where the wall clock reaches `end` or
 * where it jumps (a daylight-saving change), so those instants are the candidates:
 *
 * - clocks going forward over the end ("quiet until 02:30" on a night 02:00 becomes 03:00):
 *   the moment of the jump, when the clock already reads past the end;
 * - clocks going back so that `end` is read twice: the first pass, unless the message is
 *   deferred during the repeated hour, then the second;
 * - clocks going back out of the window (quiet 01:30–07:00, 02:00 becomes 01:00): the jump.
 */
export function quietHoursEnd(instant: Date, quiet: QuietHours | null, timeZone: string): Date {
  if (!inQuietHours(instant, quiet, timeZone)) return instant;
  const now = instant.getTime();
  const endMinutes = minutesOfTime(quiet!.end);
  const today = zonedParts(instant, timeZone).date;
  const candidates: number[] = [];
  for (let d = -1; d <= 2; d++) {
    const date = addLocalDays(today, d);
    const [y, m, day] = date.split('-').map(Number) as [number, number, number];
    const naive = Date.UTC(y, m - 1, day, Math.floor(endMinutes / 60), endMinutes % 60);
    const early = offsetAt(naive - DAY, timeZone);
    const late = offsetAt(naive + DAY, timeZone);
    for (const offset of new Set([early, late])) {
      const t = naive - offset;
      const p = zonedParts(new Date(t), timeZone);
      if (p.date === date && p.minuteOfDay === endMinutes) candidates.push(t);
    }
    if (early !== late) candidates.push(transitionBetween(naive - DAY, naive + DAY, timeZone));
  }
  let best: number | null = null;
  for (const t of candidates) {
    if (t >= now && (best === null || t < best) && !inQuietHours(new Date(t), quiet, timeZone)) best = t;
  }
  // Unreachable for real zones (a window is left at least once a day); a day later is the safe side.
  return new Date(best ?? now + DAY);
}
