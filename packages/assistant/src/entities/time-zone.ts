/**
 * Wall-clock time in an IANA time zone and back (core's `zonedParts` reads the clock, so
 * the assistant and scheduling agree on it). The recognizers read
 * "tomorrow at 3" against a local clock, so we hand them the patient's wall clock and turn
 * their local answers into instants with the patient's offset.
 */
import { isValidTimeZone, zonedParts, type ZonedParts } from '@carethread/core';

/** The zone if Intl knows it, otherwise UTC: a bad setting must not break understanding. */
export function safeTimeZone(timeZone: string | undefined): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : 'UTC';
}

export type WallClock = Pick<ZonedParts, 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'>;

/** The patient's wall clock at an instant (core's reading, seconds included). */
export function wallClock(instant: Date, timeZone: string): WallClock {
  return zonedParts(instant, timeZone);
}

/** Minutes east of UTC in `timeZone` at `instant`. */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

export function formatOffset(minutes: number): string {
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/**
 * "2025-03-18 15:00:00" read as wall-clock time in `timeZone` → "2025-03-18T15:00:00-04:00".
 * In a DST gap the nearest valid offset is used; in an overlap, the first.
 */
export function localToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  let offset = offsetMinutes(new Date(guess), timeZone);
  const second = offsetMinutes(new Date(guess - offset * 60000), timeZone);
  if (second !== offset) offset = second;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${formatOffset(offset)}`;
}

/**
 * A Date whose *local* fields equal the patient's wall clock, which is what the recognizers
 * read (they call getFullYear(), getHours()… on the reference date).
 */
export function recognizerReference(instant: Date, timeZone: string): Date {
  const w = wallClock(instant, timeZone);
  return new Date(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

export function isoDateOf(w: WallClock): string {
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}
