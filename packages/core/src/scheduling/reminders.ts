import type { QuietHours } from './policy.ts';
import { inQuietHours, quietHoursEnd } from './quiet-hours.ts';
import { addLocalDays, zonedParts, zonedTimeToInstant } from './time.ts';

/**
 * Reminder planning: when each reminder of an appointment goes out. Pure, so the rules (and
 * every daylight-saving and quiet-hours edge) are tested without a clock or a database.
 */

/** 2880 → "2d", 120 → "2h", 90 → "90m": the label a reminder is stored and reported under. */
export function reminderKind(offsetMinutes: number): string {
  if (offsetMinutes % 1440 === 0) return `${offsetMinutes / 1440}d`;
  if (offsetMinutes % 60 === 0) return `${offsetMinutes / 60}h`;
  return `${offsetMinutes}m`;
}

/** The last moment before the quiet hours containing `instant` began, less a small margin. */
function beforeQuietStart(instant: Date, quiet: QuietHours, timeZone: string): Date {
  const today = zonedParts(instant, timeZone).date;
  let start = zonedTimeToInstant(today, quiet.start, timeZone);
  if (start.getTime() > instant.getTime()) start = zonedTimeToInstant(addLocalDays(today, -1), quiet.start, timeZone);
  return new Date(start.getTime() - EARLIER_MARGIN_MINUTES * 60_000);
}

const EARLIER_MARGIN_MINUTES = 15;
/** Two reminders closer than this are one reminder too many: the one nearer the visit stays. */
const MIN_GAP_MINUTES = 60;

export interface PlannedReminder {
  kind: string;
  offsetMinutes: number;
  dueAt: Date;
  /** How quiet hours moved it: to when they end, to just before they begin, or not at all. */
  adjusted: 'none' | 'later' | 'earlier';
}

export interface ReminderPlanInput {
  /** Start of the visit. */
  start: Date;
  /** When the appointment is booked: nothing is planned before this. */
  now: Date;
  /** Whose wall clock quiet hours are read on (the clinic's, unless the patient's is known). */
  timeZone: string;
  offsetsMinutes: readonly number[];
  quietHours: QuietHours | null;
}

/**
 * One reminder per offset, `offset` minutes before the visit. A reminder that would fall in quiet
 * hours moves to when they end if that still leaves at least half its offset before the visit
 * (a 2-day reminder at 3 a.m. goes at 8 a.m.); otherwise to just before they began (a 2-hour
 * reminder for an 8:30 visit goes the evening before, not at 8:00). Offsets already past at
 * booking are dropped, and of two reminders less than an hour apart only the later one stays.
 */
export function planReminders(input: ReminderPlanInput): PlannedReminder[] {
  const start = input.start.getTime();
  const now = input.now.getTime();
  const planned: PlannedReminder[] = [];
  for (const offset of [...new Set(input.offsetsMinutes)].sort((a, b) => b - a)) {
    const due = new Date(start - offset * 60_000);
    if (due.getTime() <= now) continue;
    let dueAt = due;
    let adjusted: PlannedReminder['adjusted'] = 'none';
    if (input.quietHours && inQuietHours(due, input.quietHours, input.timeZone)) {
      const later = quietHoursEnd(due, input.quietHours, input.timeZone);
      const earlier = beforeQuietStart(due, input.quietHours, input.timeZone);
      const minLead = Math.max(30, offset / 2) * 60_000;
      if (start - later.getTime() >= minLead) {
        dueAt = later;
        adjusted = 'later';
      } else if (earlier.getTime() > now) {
        dueAt = earlier;
        adjusted = 'earlier';
      } else if (later.getTime() < start) {
        dueAt = later;
        adjusted = 'later';
      } else {
        continue;
      }
    }
    planned.push({ kind: reminderKind(offset), offsetMinutes: offset, dueAt, adjusted });
  }
  planned.sort((a, b) => b.dueAt.getTime() - a.dueAt.getTime());
  const kept: PlannedReminder[] = [];
  for (const r of planned) {
    const last = kept[kept.length - 1];
    if (last && last.dueAt.getTime() - r.dueAt.getTime() < MIN_GAP_MINUTES * 60_000) continue;
    kept.push(r);
  }
  return kept.reverse();
}

export type SendDecision = { action: 'send' } | { action: 'defer'; until: Date } | { action: 'skip'; reason: 'visit_started' | 'quiet_hours' };

/**
 * At send time (a worker may run late, after a restart): a reminder found inside quiet hours
 * waits until they end if that is still before the visit, and nothing is sent once the visit has
 * begun.
 */
export function sendDecision(now: Date, visitStart: Date, quiet: QuietHours | null, timeZone: string): SendDecision {
  if (now.getTime() >= visitStart.getTime()) return { action: 'skip', reason: 'visit_started' };
  if (!quiet || !inQuietHours(now, quiet, timeZone)) return { action: 'send' };
  const until = quietHoursEnd(now, quiet, timeZone);
  return until.getTime() < visitStart.getTime() ? { action: 'defer', until } : { action: 'skip', reason: 'quiet_hours' };
}
