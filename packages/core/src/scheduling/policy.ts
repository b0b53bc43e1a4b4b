import { isLocalTime } from './time.ts';

/**
 * Per-organisation scheduling knobs, kept under `organizations.settings.scheduling`. Anything
 * missing or malformed falls back to the default, so a bad edit can never stop reminders.
 */
export interface QuietHours {
  /** Local time quiet hours begin ("21:00"). */
  start: string;
  /** Local time they end ("08:00"); before `start` means they span midnight. */
  end: string;
}

export interface SchedulingPolicy {
  /** Reminders go out this many minutes before the visit (default 2 days and 2 hours). */
  reminderOffsetsMinutes: number[];
  /** No reminder or offer is sent inside these local hours; null: any time. */
  quietHours: QuietHours | null;
  /** How long a waitlist offer holds a freed slot. */
  offerHoldMinutes: number;
  /** A waitlist offer must leave at least this long between the end of the hold and the visit. */
  offerMinLeadMinutes: number;
  /** How far ahead a search looks when the patient named no latest date. */
  searchHorizonDays: number;
}

export const DEFAULT_SCHEDULING_POLICY: SchedulingPolicy = Object.freeze({
  reminderOffsetsMinutes: [2 * 24 * 60, 2 * 60],
  quietHours: { start: '21:00', end: '08:00' },
  offerHoldMinutes: 120,
  offerMinLeadMinutes: 60,
  searchHorizonDays: 60,
}) as SchedulingPolicy;

const MAX_OFFSET_MINUTES = 30 * 24 * 60;

/** What is wrong with a (partial) policy, or null. */
export function invalidSchedulingPolicy(input: Partial<SchedulingPolicy>): string | null {
  if (input.reminderOffsetsMinutes !== undefined) {
    const o = input.reminderOffsetsMinutes;
    if (!Array.isArray(o) || o.length > 5) return 'reminderOffsetsMinutes must be a list of at most 5 offsets.';
    if (o.some((m) => !Number.isInteger(m) || m < 15 || m > MAX_OFFSET_MINUTES)) return 'Each reminder offset must be a whole number of minutes between 15 and 43200 (30 days).';
    if (new Set(o).size !== o.length) return 'Reminder offsets must be different from each other.';
  }
  if (input.quietHours !== undefined && input.quietHours !== null) {
    const q = input.quietHours;
    if (!isLocalTime(q.start) || !isLocalTime(q.end)) return 'quietHours.start and quietHours.end must be HH:MM times.';
  }
  if (input.offerHoldMinutes !== undefined && (!Number.isInteger(input.offerHoldMinutes) || input.offerHoldMinutes < 15 || input.offerHoldMinutes > 7 * 24 * 60)) {
    return 'offerHoldMinutes must be between 15 and 10080 (a week).';
  }
  if (input.offerMinLeadMinutes !== undefined && (!Number.isInteger(input.offerMinLeadMinutes) || input.offerMinLeadMinutes < 0 || input.offerMinLeadMinutes > 7 * 24 * 60)) {
    return 'offerMinLeadMinutes must be between 0 and 10080.';
  }
  if (input.searchHorizonDays !== undefined && (!Number.isInteger(input.searchHorizonDays) || input.searchHorizonDays < 1 || input.searchHorizonDays > 366)) {
    return 'searchHorizonDays must be between 1 and 366.';
  }
  return null;
}

/** The policy from an organisation's settings object; each field on its own falls back to the default. */
export function schedulingPolicyOf(settings: Record<string, unknown> | null | undefined): SchedulingPolicy {
  const raw = (settings?.scheduling ?? {}) as Record<string, unknown>;
  const d = DEFAULT_SCHEDULING_POLICY;
  const field = <K extends keyof SchedulingPolicy>(key: K): SchedulingPolicy[K] => {
    const v = raw[key];
    if (v === undefined) return d[key];
    return invalidSchedulingPolicy({ [key]: v } as Partial<SchedulingPolicy>) === null ? (v as SchedulingPolicy[K]) : d[key];
  };
  return {
    reminderOffsetsMinutes: [...field('reminderOffsetsMinutes')],
    quietHours: field('quietHours'),
    offerHoldMinutes: field('offerHoldMinutes'),
    offerMinLeadMinutes: field('offerMinLeadMinutes'),
    searchHorizonDays: field('searchHorizonDays'),
  };
}
