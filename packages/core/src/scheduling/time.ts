/**
 * Wall-clock arithmetic in IANA time zones with nothing but Intl: clinics keep local hours
 * ("Tuesday 9:00 in New York") while the database stores instants. Daylight-saving changes are
 * handled by asking Intl for the offset at the instant in question, never by assuming one.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface ZonedParts {
  /** YYYY-MM-DD in the zone. */
  date: string;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: Weekday;
  /** Minutes after local midnight. */
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function isLocalTime(value: unknown): value is string {
  return typeof value === 'string' && HH_MM.test(value);
}

/** "08:30" → 510. */
export function minutesOfTime(hhmm: string): number {
  const m = HH_MM.exec(hhmm);
  if (!m) throw new RangeError(`not a HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { date, year, month, day, hour, minute, second, weekday: weekdayOf(date), minuteOfDay: hour * 60 + minute };
}

/** The zone's offset from UTC at an instant, in milliseconds (New York in winter: −5 h). */
/** The zone's UTC offset at an instant, in ms (wall clock minus UTC). */
export function offsetAt(instantMs: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instantMs))) parts[p.type] = p.value;
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * The instant at which the wall clock in `timeZone` reads `date` `time`.
 *
 * Around a daylight-saving change a wall-clock time can name two instants or none:
 * - **ambiguous** (the repeated hour when clocks go back): the **earlier** instant, the
 *   first pass, whichever side of UTC the zone is on (New York 01:30 on 1 Nov 2026 →
 *   05:30Z; Sydney 02:00 on 2 Apr 2028 → 15:00Z the day before);
 * - **skipped** (the hour lost when clocks go forward): the instant **after the gap**, read
 *   with the offset in force before the change, so the time moves forward by the length of
 *   the gap (New York 02:30 on 8 Mar 2026 → 03:30 EDT), as Temporal's "compatible" does.
 *
 * Candidates come from the offsets a day before and a day after: no zone changes its
 * offset twice within two days, and reading the offset at the naive guess alone picks the
 * wrong pass for zones east of UTC (the guess then lies after the change).
 */
export function zonedTimeToInstant(date: string, time: string, timeZone: string): Date {
  const m = ISO_DATE.exec(date);
  if (!m || !isLocalDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const minutes = minutesOfTime(time);
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Math.floor(minutes / 60), minutes % 60);
  const before = offsetAt(guess - DAY_MS, timeZone);
  const after = offsetAt(guess + DAY_MS, timeZone);
  let best: number | null = null;
  for (const offset of [before, after, offsetAt(guess, timeZone)]) {
    const t = guess - offset;
    // A candidate counts only if the wall clock at it really reads the requested time.
    if (offsetAt(t, timeZone) === offset && (best === null || t < best)) best = t;
  }
  return new Date(best ?? guess - before);
}

/** Local midnight at the start of `date` in `timeZone`. */
export function startOfLocalDate(date: string, timeZone: string): Date {
  return zonedTimeToInstant(date, '00:00', timeZone);
}

export function addLocalDays(date: string, days: number): string {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return d.toISOString().slice(0, 10);
}

export function weekdayOf(date: string): Weekday {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return WEEKDAYS[new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay()]!;
}

export function isWeekday(value: unknown): value is Weekday {
  return typeof value === 'string' && (WEEKDAYS as readonly string[]).includes(value);
}
