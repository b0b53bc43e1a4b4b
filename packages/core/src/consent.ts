import type { Language } from './types.ts';
import { addLocalDays, isLocalTime, isValidTimeZone, minutesOfTime, zonedParts } from './scheduling/time.ts';

/**
 * Contact preferences and the send-time policy built on them (issue 6 point 6): which channels a
 * patient accepts, their language, their quiet hours and their time zone, and — for one outbound
 * message — whether it goes now, waits for the quiet hours to end, or is not sent at all. Pure:
 * the outbox worker gathers the facts, this decides, so every daylight-saving edge is testable
 * without a clock or a database.
 */

export const PREFERENCE_CHANNELS = ['sms', 'email', 'voice', 'portal'] as const;
export type PreferenceChannel = (typeof PREFERENCE_CHANNELS)[number];
/** null: the patient never said; transactional messages may be sent. */
export type ChannelChoice = 'opted_in' | 'opted_out' | null;

export interface QuietWindow {
  /** Local wall-clock time the quiet hours begin ("21:00"). */
  start: string;
  /** Local time they end ("08:00"); earlier than `start` means the window wraps midnight. */
  end: string;
}

export interface ContactPreferences {
  channels: Record<PreferenceChannel, ChannelChoice>;
  /** false: no surveys or other optional, marketing-style messages on any channel. */
  surveys: boolean;
  language: Language | null;
  /** IANA zone; null: the organisation's. */
  timeZone: string | null;
  quietHours: QuietWindow | null;
}

export const DEFAULT_CONTACT_PREFERENCES: ContactPreferences = Object.freeze({
  channels: Object.freeze({ sms: null, email: null, voice: null, portal: null }) as Record<PreferenceChannel, ChannelChoice>,
  surveys: true,
  language: null,
  timeZone: null,
  quietHours: null,
}) as ContactPreferences;

export function isPreferenceChannel(value: unknown): value is PreferenceChannel {
  return typeof value === 'string' && (PREFERENCE_CHANNELS as readonly string[]).includes(value);
}

/** What is wrong with a proposed change, field by field (empty: nothing). */
export function invalidContactPreferences(input: {
  channels?: Record<string, unknown>;
  language?: unknown;
  timeZone?: unknown;
  quietHours?: unknown;
}): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.channels ?? {})) {
    if (!isPreferenceChannel(k)) errors[`channels.${k}`] = `unknown channel "${k.slice(0, 20)}"; use ${PREFERENCE_CHANNELS.join(', ')}`;
    else if (v !== 'opted_in' && v !== 'opted_out' && v !== null) errors[`channels.${k}`] = 'use opted_in, opted_out or null';
  }
  if (input.language !== undefined && input.language !== null && input.language !== 'en' && input.language !== 'es') errors.language = 'use en or es';
  if (input.timeZone !== undefined && input.timeZone !== null && !isValidTimeZone(input.timeZone)) errors.timeZone = 'not an IANA time zone (for example America/New_York)';
  if (input.quietHours !== undefined && input.quietHours !== null) {
    const q = input.quietHours as Partial<QuietWindow>;
    if (typeof q !== 'object' || !isLocalTime(q.start)) errors['quietHours.start'] = 'use a 24-hour HH:MM time';
    if (typeof q !== 'object' || !isLocalTime(q.end)) errors['quietHours.end'] = 'use a 24-hour HH:MM time';
    if (!errors['quietHours.start'] && !errors['quietHours.end'] && q.start === q.end) errors.quietHours = 'start and end must differ (leave quiet hours empty for none)';
  }
  return errors;
}

/** Whether the wall clock in `timeZone` at `instant` reads inside the window [start, end). */
export function insideQuietHours(instant: Date, quiet: QuietWindow | null, timeZone: string): boolean {
  if (!quiet) return false;
  const from = minutesOfTime(quiet.start);
  const to = minutesOfTime(quiet.end);
  if (from === to) return false;
  const m = zonedParts(instant, timeZone).minuteOfDay;
  return from < to ? m >= from && m < to : m >= from || m < to;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The zone's UTC offset at an instant, in ms, read from the wall clock Intl reports. */
function offsetAt(ms: number, timeZone: string): number {
  const p = zonedParts(new Date(ms), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
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
export function quietHoursEnd(instant: Date, quiet: QuietWindow | null, timeZone: string): Date {
  if (!insideQuietHours(instant, quiet, timeZone)) return instant;
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
    if (t >= now && (best === null || t < best) && !insideQuietHours(new Date(t), quiet, timeZone)) best = t;
  }
  // Unreachable for real zones (a window is left at least once a day); a day later is the safe side.
  return new Date(best ?? now + DAY);
}

/**
 * What kind of message an outbox row is, which decides what may hold it back:
 *
 * - `urgent`: safety guidance; never deferred.
 * - `requested`: the answer to something the patient has just done (a STOP/HELP answer, a sign-in
 *   or verification code, the invitation to continue on another channel); never deferred, and a
 *   patient-level opt-out does not stop a code the patient asked for at that address.
 * - `reply`: a person's or the assistant's message on the patient's case; not deferred while the
 *   patient is in the conversation (wrote within the last hour), otherwise treated as
 *   organisation-initiated.
 * - `organization`: everything else the organisation starts (reminders, waitlist offers, care
 *   notifications).
 * - `survey`: optional messages (surveys, marketing-style outreach): organisation-initiated, and
 *   also stopped by the patient's survey opt-out.
 */
export type MessageClass = 'urgent' | 'requested' | 'reply' | 'organization' | 'survey';

const REQUESTED_PURPOSES = new Set(['keyword_reply', 'portal_code', 'verification_code']);

export function classifyOutbound(payload: Record<string, unknown>): MessageClass {
  const purpose = typeof payload.purpose === 'string' ? payload.purpose : null;
  const category = typeof payload.category === 'string' ? payload.category : null;
  if (payload.urgent === true || category === 'urgent' || purpose === 'urgent_safety') return 'urgent';
  if ((purpose && REQUESTED_PURPOSES.has(purpose)) || typeof payload.continuationId === 'string') return 'requested';
  if (category === 'survey' || category === 'marketing' || (purpose && /^(survey|marketing)/.test(purpose))) return 'survey';
  if (!purpose && typeof payload.messageId === 'string') return 'reply';
  return 'organization';
}

/** A patient who wrote this recently is in the conversation: replies to them are not held back. */
export const ACTIVE_CONVERSATION_MINUTES = 60;

export interface SendFacts {
  now: Date;
  messageClass: MessageClass;
  /** Channel of the message; only the preference channels have a patient-level choice. */
  channel: string;
  /** The patient's preferences; null when the message has no known patient. */
  preferences: ContactPreferences | null;
  /** Zone quiet hours are read in when the patient named none. */
  organizationTimeZone: string;
  /** When the patient last wrote to us (any channel), if ever. */
  lastInboundAt: Date | null;
  /** The message is pointless after this (the visit a reminder is for, the end of an offer's hold). */
  notAfter: Date | null;
}

export type SendVerdict =
  | { action: 'send' }
  | { action: 'block'; reason: 'patient_opted_out' | 'surveys_opted_out' | 'expired_in_quiet_hours' }
  | { action: 'defer'; until: Date; timeZone: string };

/** The patient-level part of the send-time check (a STOP on the address is checked before this). */
export function decideSend(f: SendFacts): SendVerdict {
  const prefs = f.preferences;
  if (!prefs) return { action: 'send' };
  if (f.messageClass !== 'requested' && isPreferenceChannel(f.channel) && prefs.channels[f.channel] === 'opted_out') {
    return { action: 'block', reason: 'patient_opted_out' };
  }
  if (f.messageClass === 'survey' && !prefs.surveys) return { action: 'block', reason: 'surveys_opted_out' };
  if (f.messageClass === 'urgent' || f.messageClass === 'requested') return { action: 'send' };
  if (f.messageClass === 'reply' && f.lastInboundAt && f.now.getTime() - f.lastInboundAt.getTime() <= ACTIVE_CONVERSATION_MINUTES * MINUTE) {
    return { action: 'send' };
  }
  const zone = prefs.timeZone && isValidTimeZone(prefs.timeZone) ? prefs.timeZone : f.organizationTimeZone;
  if (!insideQuietHours(f.now, prefs.quietHours, zone)) return { action: 'send' };
  const until = quietHoursEnd(f.now, prefs.quietHours, zone);
  if (f.notAfter && until.getTime() >= f.notAfter.getTime()) return { action: 'block', reason: 'expired_in_quiet_hours' };
  return { action: 'defer', until, timeZone: zone };
}

/** Field-by-field differences between two preference sets, for the audit row and the event. */
export function preferenceChanges(before: ContactPreferences, after: ContactPreferences): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const c of PREFERENCE_CHANNELS) {
    if (before.channels[c] !== after.channels[c]) out[`channels.${c}`] = { from: before.channels[c], to: after.channels[c] };
  }
  if (before.surveys !== after.surveys) out.surveys = { from: before.surveys, to: after.surveys };
  if (before.language !== after.language) out.language = { from: before.language, to: after.language };
  if (before.timeZone !== after.timeZone) out.timeZone = { from: before.timeZone, to: after.timeZone };
  const q = (w: QuietWindow | null) => (w ? `${w.start}-${w.end}` : null);
  if (q(before.quietHours) !== q(after.quietHours)) out.quietHours = { from: before.quietHours, to: after.quietHours };
  return out;
}
