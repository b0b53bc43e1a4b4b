import { preferenceWindow, slotFit, type SlotFit, type SlotPreferences } from './preferences.ts';

/**
 * Who gets a freed slot. A waitlist offer is a message nobody asked for at that moment, so
 * what the patient said they can do is a hard limit here (unlike a search, where near misses
 * are useful alternatives): the provider, department, service and location they named, their
 * dates, days and parts of day. Among the eligible, the best soft fit (language) wins, then
 * whoever has waited longest.
 */

export interface WaitlistCandidate {
  id: string;
  /** When the patient joined the waitlist (ISO): first come, first served among equals. */
  createdAt: string;
  departmentId?: string | null;
  providerId?: string | null;
  locationId?: string | null;
  serviceType?: string | null;
  preferences: SlotPreferences;
  /** The zone the patient's preferences are read in; default: the one passed to rankWaitlist. */
  timeZone?: string | null;
}

export interface FreedSlot {
  start: string | Date;
  end: string | Date;
  departmentId: string | null;
  providerId: string;
  locationId: string;
  serviceType: string | null;
  providerLanguages?: readonly string[];
}

export type WaitlistVerdict = { eligible: true; fit: SlotFit } | { eligible: false; reason: string };

export function waitlistFit(entry: WaitlistCandidate, slot: FreedSlot, timeZone: string): WaitlistVerdict {
  if (entry.providerId && entry.providerId !== slot.providerId) return { eligible: false, reason: 'provider' };
  if (entry.departmentId && entry.departmentId !== slot.departmentId) return { eligible: false, reason: 'department' };
  if (entry.locationId && entry.locationId !== slot.locationId) return { eligible: false, reason: 'location' };
  if (entry.serviceType && entry.serviceType !== slot.serviceType) return { eligible: false, reason: 'service_type' };
  const start = (slot.start instanceof Date ? slot.start : new Date(slot.start)).getTime();
  const { from, to } = preferenceWindow(entry.preferences, timeZone);
  if (from && start < from.getTime()) return { eligible: false, reason: 'too_early' };
  if (to && start >= to.getTime()) return { eligible: false, reason: 'too_late' };
  const fit = slotFit({ id: '', start: slot.start, end: slot.end, providerLanguages: slot.providerLanguages }, entry.preferences, timeZone);
  if (fit.matches.dayOfWeek === false) return { eligible: false, reason: 'day_of_week' };
  if (fit.matches.partOfDay === false) return { eligible: false, reason: 'part_of_day' };
  return { eligible: true, fit };
}

/** Eligible entries, best first. */
export function rankWaitlist<T extends WaitlistCandidate>(entries: readonly T[], slot: FreedSlot, defaultTimeZone: string): Array<T & { fit: SlotFit }> {
  const out: Array<T & { fit: SlotFit }> = [];
  for (const e of entries) {
    const v = waitlistFit(e, slot, e.timeZone ?? defaultTimeZone);
    if (v.eligible) out.push({ ...e, fit: v.fit });
  }
  return out.sort(
    (a, b) => b.fit.score - a.fit.score || Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * How long a waitlist offer holds the slot: the organisation's hold, cut so the patient who
 * takes it still has `minLeadMinutes` before the visit. null: too close to offer at all.
 */
export function offerHoldUntil(slotStart: Date, now: Date, holdMinutes: number, minLeadMinutes: number): Date | null {
  const latest = slotStart.getTime() - minLeadMinutes * 60_000;
  const hold = now.getTime() + holdMinutes * 60_000;
  const until = Math.min(latest, hold);
  // Less than a quarter of an hour to answer is not an offer anyone can take.
  if (until - now.getTime() < 15 * 60_000) return null;
  return new Date(until);
}
