import { addLocalDays, isLocalDate, isLocalTime, isValidTimeZone, isWeekday, minutesOfTime, weekdayOf, zonedTimeToInstant, type Weekday } from './time.ts';

/**
 * Clinic hours as people state them ("Mon, Wed 08:00–12:00, 20-minute visits") turned into
 * slots. Each slot is placed on the local wall clock, so a clinic that opens at 8:00 still opens
 * at 8:00 after the clocks change.
 */

export interface WeeklyHours {
  days: readonly Weekday[];
  /** Local HH:MM. */
  start: string;
  end: string;
}

export interface SlotTemplate {
  weekly: readonly WeeklyHours[];
  slotMinutes: number;
  /** First and last local calendar day (inclusive). */
  from: string;
  to: string;
  /** Local days with no clinic (holidays). */
  closedDates?: readonly string[];
  timeZone: string;
}

export const MAX_TEMPLATE_DAYS = 366;

export function invalidSlotTemplate(t: SlotTemplate): string | null {
  if (!isValidTimeZone(t.timeZone)) return `Unknown time zone "${t.timeZone}".`;
  if (!Number.isInteger(t.slotMinutes) || t.slotMinutes < 5 || t.slotMinutes > 480) return 'slotMinutes must be a whole number between 5 and 480.';
  if (!isLocalDate(t.from) || !isLocalDate(t.to)) return 'from and to must be calendar dates (YYYY-MM-DD).';
  if (t.from > t.to) return 'from is after to.';
  if (Date.parse(t.to) - Date.parse(t.from) > (MAX_TEMPLATE_DAYS - 1) * 86_400_000) return `A template covers at most ${MAX_TEMPLATE_DAYS} days.`;
  for (const w of t.weekly) {
    if (!isLocalTime(w.start) || !isLocalTime(w.end)) return 'Weekly hours need HH:MM start and end times.';
    if (minutesOfTime(w.start) >= minutesOfTime(w.end)) return `Weekly hours ${w.start}–${w.end} end before they start.`;
    if (w.days.length === 0 || !w.days.every(isWeekday)) return 'Weekly hours need days among sun, mon, tue, wed, thu, fri, sat.';
  }
  for (const d of t.closedDates ?? []) if (!isLocalDate(d)) return 'closedDates must be calendar dates (YYYY-MM-DD).';
  return null;
}

/** Slots of the template in start order; overlapping blocks yield each start once. */
export function expandWeeklyHours(t: SlotTemplate): Array<{ start: Date; end: Date }> {
  const problem = invalidSlotTemplate(t);
  if (problem) throw new RangeError(problem);
  const closed = new Set(t.closedDates ?? []);
  const seen = new Set<number>();
  const out: Array<{ start: Date; end: Date }> = [];
  for (let date = t.from; date <= t.to; date = addLocalDays(date, 1)) {
    if (closed.has(date)) continue;
    const weekday = weekdayOf(date);
    for (const block of t.weekly) {
      if (!block.days.includes(weekday)) continue;
      const blockEnd = minutesOfTime(block.end);
      for (let m = minutesOfTime(block.start); m + t.slotMinutes <= blockEnd; m += t.slotMinutes) {
        const hhmm = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        const start = zonedTimeToInstant(date, hhmm, t.timeZone);
        if (seen.has(start.getTime())) continue;
        seen.add(start.getTime());
        out.push({ start, end: new Date(start.getTime() + t.slotMinutes * 60_000) });
      }
    }
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}
