import type { Language } from './types.ts';
import type { QuietHours } from './scheduling/policy.ts';
import { inQuietHours, quietHoursEnd } from './scheduling/quiet-hours.ts';
import { isLocalTime, isValidTimeZone } from './scheduling/time.ts';

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

/** A patient's quiet hours: the same local window the organisation's reminders use. */
export type QuietWindow = QuietHours;

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

const MINUTE = 60_000;

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
  if (!inQuietHours(f.now, prefs.quietHours, zone)) return { action: 'send' };
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
