import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  classifyOutbound,
  decideSend,
  DEFAULT_CONTACT_PREFERENCES,
  inQuietHours,
  invalidContactPreferences,
  preferenceChanges,
  quietHoursEnd,
  type ContactPreferences,
  type SendFacts,
} from '../src/index.ts';

const NY = 'America/New_York';
const NIGHT = { start: '21:00', end: '08:00' };
const at = (s: string) => new Date(s);
const end = (now: string, quiet: { start: string; end: string }, zone = NY) => quietHoursEnd(at(now), quiet, zone).toISOString();

describe('quiet hours', () => {
  it('reads a window that wraps midnight on the local wall clock', () => {
    expect(inQuietHours(at('2026-01-11T02:30:00Z'), NIGHT, NY)).toBe(true); // 21:30 EST
    expect(inQuietHours(at('2026-01-11T01:59:00Z'), NIGHT, NY)).toBe(false); // 20:59
    expect(inQuietHours(at('2026-01-11T12:59:00Z'), NIGHT, NY)).toBe(true); // 07:59
    expect(inQuietHours(at('2026-01-11T13:00:00Z'), NIGHT, NY)).toBe(false); // 08:00: the end is not quiet
    expect(inQuietHours(at('2026-01-11T02:30:00Z'), null, NY)).toBe(false);
  });

  it('reads a window inside one day', () => {
    const lunch = { start: '12:00', end: '13:30' };
    expect(inQuietHours(at('2026-01-11T17:00:00Z'), lunch, NY)).toBe(true); // 12:00 EST
    expect(inQuietHours(at('2026-01-11T18:30:00Z'), lunch, NY)).toBe(false); // 13:30
    expect(end('2026-01-11T17:10:00Z', lunch)).toBe('2026-01-11T18:30:00.000Z');
  });

  it('ends the same morning, or the next one, in the patient zone', () => {
    expect(end('2026-01-11T04:00:00Z', NIGHT)).toBe('2026-01-11T13:00:00.000Z'); // 23:00 EST → 08:00 EST
    expect(end('2026-01-11T08:00:00Z', NIGHT)).toBe('2026-01-11T13:00:00.000Z'); // 03:00 EST → same morning
    expect(end('2026-01-11T04:00:00Z', NIGHT, 'Europe/Madrid')).toBe('2026-01-11T07:00:00.000Z'); // 05:00 CET → 08:00 CET
    // Outside the window: no wait at all.
    expect(end('2026-01-11T15:00:00Z', NIGHT)).toBe('2026-01-11T15:00:00.000Z');
  });

  it('clocks going forward in the night: 08:00 comes an hour sooner in UTC', () => {
    // 8 Mar 2026, New York: 02:00 EST becomes 03:00 EDT.
    expect(end('2026-03-08T03:00:00Z', NIGHT)).toBe('2026-03-08T12:00:00.000Z'); // 22:00 EST → 08:00 EDT
  });

  it('clocks going back in the night: 08:00 comes an hour later in UTC', () => {
    // 1 Nov 2026, New York: 02:00 EDT becomes 01:00 EST.
    expect(end('2026-11-01T02:00:00Z', NIGHT)).toBe('2026-11-01T13:00:00.000Z'); // 22:00 EDT → 08:00 EST
  });

  it('an end inside the skipped hour is reached at the jump', () => {
    // Quiet until 02:30, a time that does not exist on 8 Mar 2026: the clock reads 03:00 EDT at 07:00Z.
    expect(end('2026-03-08T04:00:00Z', { start: '22:00', end: '02:30' })).toBe('2026-03-08T07:00:00.000Z');
  });

  it('an end read twice: the first pass, or the second one for a message deferred in the repeated hour', () => {
    const q = { start: '22:00', end: '01:30' };
    expect(end('2026-11-01T03:00:00Z', q)).toBe('2026-11-01T05:30:00.000Z'); // 23:00 EDT → 01:30 EDT
    expect(end('2026-11-01T06:15:00Z', q)).toBe('2026-11-01T06:30:00.000Z'); // 01:15 EST (second pass) → 01:30 EST
  });

  it('clocks going back out of the window end it at the jump', () => {
    // Quiet 01:30–07:00; at 02:00 EDT the clock returns to 01:00 EST, before the window.
    expect(end('2026-11-01T05:45:00Z', { start: '01:30', end: '07:00' })).toBe('2026-11-01T06:00:00.000Z');
  });

  it('southern hemisphere: Sydney going back in April', () => {
    // 5 Apr 2026: 03:00 AEDT becomes 02:00 AEST; 22:00 AEDT on the 4th → 08:00 AEST on the 5th.
    expect(end('2026-04-04T11:00:00Z', NIGHT, 'Australia/Sydney')).toBe('2026-04-04T22:00:00.000Z');
  });

  it('property: the end is the first instant outside the window, every minute before it is quiet', () => {
    const zones = [NY, 'Europe/London', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata', 'UTC'];
    const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z') / 60_000, max: Date.parse('2027-12-31T00:00:00Z') / 60_000 }),
        hhmm,
        hhmm,
        fc.constantFrom(...zones),
        (minute, start, finish, zone) => {
          fc.pre(start !== finish);
          const now = new Date(minute * 60_000);
          const q = { start, end: finish };
          const r = quietHoursEnd(now, q, zone);
          expect(r.getTime()).toBeGreaterThanOrEqual(now.getTime());
          expect(inQuietHours(r, q, zone)).toBe(false);
          for (let t = now.getTime(); t < r.getTime(); t += 7 * 60_000) expect(inQuietHours(new Date(t), q, zone)).toBe(true);
          if (r.getTime() > now.getTime()) expect(inQuietHours(new Date(r.getTime() - 60_000), q, zone)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

const prefs = (over: Partial<ContactPreferences> = {}): ContactPreferences => ({ ...DEFAULT_CONTACT_PREFERENCES, channels: { ...DEFAULT_CONTACT_PREFERENCES.channels }, ...over });
const facts = (over: Partial<SendFacts> = {}): SendFacts => ({
  now: at('2026-01-11T04:00:00Z'), // 23:00 in New York
  messageClass: 'organization',
  channel: 'sms',
  preferences: prefs({ quietHours: NIGHT }),
  organizationTimeZone: NY,
  lastInboundAt: null,
  notAfter: null,
  ...over,
});

describe('send decision', () => {
  it('classifies outbox payloads', () => {
    expect(classifyOutbound({ text: 'x', purpose: 'appointment_reminder' })).toBe('organization');
    expect(classifyOutbound({ text: 'x', purpose: 'care_task_update', taskId: 't' })).toBe('organization');
    expect(classifyOutbound({ text: 'x', messageId: 'm', replyToken: 'r' })).toBe('reply');
    expect(classifyOutbound({ text: 'x', purpose: 'keyword_reply' })).toBe('requested');
    expect(classifyOutbound({ text: 'x', purpose: 'portal_code' })).toBe('requested');
    expect(classifyOutbound({ text: 'x', continuationId: 'c' })).toBe('requested');
    expect(classifyOutbound({ text: 'x', purpose: 'survey_csat' })).toBe('survey');
    expect(classifyOutbound({ text: 'x', category: 'marketing' })).toBe('survey');
    expect(classifyOutbound({ text: 'x', messageId: 'm', urgent: true })).toBe('urgent');
  });

  it('no preferences on record: send', () => {
    expect(decideSend(facts({ preferences: null }))).toEqual({ action: 'send' });
  });

  it('an opted-out channel blocks everything but what the patient just asked for', () => {
    const p = prefs({ channels: { sms: 'opted_out', email: null, voice: null, portal: null } });
    for (const messageClass of ['organization', 'reply', 'urgent', 'survey'] as const) {
      expect(decideSend(facts({ preferences: p, messageClass }))).toEqual({ action: 'block', reason: 'patient_opted_out' });
    }
    expect(decideSend(facts({ preferences: p, messageClass: 'requested' }))).toEqual({ action: 'send' });
    expect(decideSend(facts({ preferences: p, channel: 'email', now: at('2026-01-11T15:00:00Z') }))).toEqual({ action: 'send' });
  });

  it('surveys stop when the patient opted out of them, transactional messages do not', () => {
    const p = prefs({ surveys: false });
    const noon = at('2026-01-11T17:00:00Z');
    expect(decideSend(facts({ preferences: p, now: noon, messageClass: 'survey' }))).toEqual({ action: 'block', reason: 'surveys_opted_out' });
    expect(decideSend(facts({ preferences: p, now: noon }))).toEqual({ action: 'send' });
  });

  it('organisation-initiated messages wait for the end of quiet hours, in the patient zone else the organisation one', () => {
    expect(decideSend(facts())).toEqual({ action: 'defer', until: at('2026-01-11T13:00:00Z'), timeZone: NY });
    // 04:00Z is 05:00 in Madrid: the patient's own zone decides.
    expect(decideSend(facts({ preferences: prefs({ quietHours: NIGHT, timeZone: 'Europe/Madrid' }) }))).toEqual({
      action: 'defer',
      until: at('2026-01-11T07:00:00Z'),
      timeZone: 'Europe/Madrid',
    });
    expect(decideSend(facts({ messageClass: 'survey' })).action).toBe('defer');
  });

  it('replies to a patient in the conversation, urgent and requested messages are never deferred', () => {
    expect(decideSend(facts({ messageClass: 'reply', lastInboundAt: at('2026-01-11T03:05:00Z') }))).toEqual({ action: 'send' });
    expect(decideSend(facts({ messageClass: 'reply', lastInboundAt: at('2026-01-11T02:59:00Z') })).action).toBe('defer');
    expect(decideSend(facts({ messageClass: 'reply' })).action).toBe('defer');
    expect(decideSend(facts({ messageClass: 'urgent' }))).toEqual({ action: 'send' });
    expect(decideSend(facts({ messageClass: 'requested' }))).toEqual({ action: 'send' });
  });

  it('a message that would only go out after it stops making sense is not sent', () => {
    expect(decideSend(facts({ notAfter: at('2026-01-11T12:00:00Z') }))).toEqual({ action: 'block', reason: 'expired_in_quiet_hours' });
    expect(decideSend(facts({ notAfter: at('2026-01-11T14:00:00Z') })).action).toBe('defer');
  });
});

describe('preference validation and changes', () => {
  it('names every bad field', () => {
    expect(invalidContactPreferences({ channels: { sms: 'opted_out' }, language: 'es', timeZone: 'Europe/Madrid', quietHours: NIGHT })).toEqual({});
    expect(invalidContactPreferences({ timeZone: null, quietHours: null, language: null })).toEqual({});
    const errors = invalidContactPreferences({
      channels: { fax: 'opted_in', sms: 'maybe' },
      language: 'fr',
      timeZone: 'Mars/Olympus_Mons',
      quietHours: { start: '25:00', end: '8:00' },
    });
    expect(Object.keys(errors).sort()).toEqual(['channels.fax', 'channels.sms', 'language', 'quietHours.end', 'quietHours.start', 'timeZone']);
    expect(invalidContactPreferences({ quietHours: { start: '21:00', end: '21:00' } })).toHaveProperty('quietHours');
  });

  it('lists changes field by field', () => {
    const before = prefs();
    const after = prefs({ channels: { ...before.channels, email: 'opted_out' }, language: 'es', quietHours: NIGHT });
    expect(preferenceChanges(before, after)).toEqual({
      'channels.email': { from: null, to: 'opted_out' },
      language: { from: null, to: 'es' },
      quietHours: { from: null, to: NIGHT },
    });
    expect(preferenceChanges(after, after)).toEqual({});
  });
});
