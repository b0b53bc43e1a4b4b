import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addLocalDays,
  canTransition,
  DEFAULT_SCHEDULING_POLICY,
  expandWeeklyHours,
  inQuietHours,
  interpretReminderReply,
  invalidPreferences,
  invalidSchedulingPolicy,
  offerHoldUntil,
  partOfDay,
  planReminders,
  rankSlots,
  rankWaitlist,
  reminderKind,
  reminderMessage,
  replyAcknowledgement,
  schedulingPolicyOf,
  sendDecision,
  slotFit,
  waitlistFit,
  waitlistOfferMessage,
  zonedParts,
  zonedTimeToInstant,
  type SlotCandidate,
} from '../src/index.ts';

const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const QUIET = { start: '21:00', end: '08:00' };

describe('time zones', () => {
  it('turns local wall-clock times into instants, across daylight-saving changes', () => {
    expect(zonedTimeToInstant('2026-11-03', '09:00', NY).toISOString()).toBe('2026-11-03T14:00:00.000Z'); // EST
    expect(zonedTimeToInstant('2026-07-07', '09:00', NY).toISOString()).toBe('2026-07-07T13:00:00.000Z'); // EDT
    expect(zonedTimeToInstant('2026-11-03', '09:00', 'Europe/Madrid').toISOString()).toBe('2026-11-03T08:00:00.000Z');
    // 02:30 does not exist on 8 March 2026 in New York: just after the gap.
    expect(zonedTimeToInstant('2026-03-08', '02:30', NY).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    // 01:30 happens twice on 1 November 2026: the first pass (EDT).
    expect(zonedTimeToInstant('2026-11-01', '01:30', NY).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('takes the earlier pass of a repeated hour and moves a skipped time past the gap, east of UTC too', () => {
    const SYD = 'Australia/Sydney';
    // Found by fast-check (seed 1093152137, minute 30636900): 02:00 on 2 April 2028 happens at
    // 15:00Z (AEDT, +11) and again at 16:00Z (AEST, +10); the first pass is the answer.
    expect(zonedTimeToInstant('2028-04-02', '02:00', SYD).toISOString()).toBe('2028-04-01T15:00:00.000Z');
    expect(zonedTimeToInstant('2028-04-02', '02:30', SYD).toISOString()).toBe('2028-04-01T15:30:00.000Z');
    const instant = new Date(30636900 * 60_000);
    const p = zonedParts(instant, SYD);
    expect(p).toMatchObject({ date: '2028-04-02', hour: 2, minute: 0, second: 0 });
    expect(zonedTimeToInstant(p.date, '02:00', SYD).getTime()).toBe(instant.getTime());
    // Either side of the repeated hour is unambiguous.
    expect(zonedTimeToInstant('2028-04-02', '01:59', SYD).toISOString()).toBe('2028-04-01T14:59:00.000Z');
    expect(zonedTimeToInstant('2028-04-02', '03:00', SYD).toISOString()).toBe('2028-04-01T17:00:00.000Z');
    // 02:30 on 3 October 2027 does not exist in Sydney (02:00 AEST → 03:00 AEDT): read with
    // the offset before the change, i.e. 03:30 AEDT.
    expect(zonedTimeToInstant('2027-10-03', '02:30', SYD).toISOString()).toBe('2027-10-02T16:30:00.000Z');
    // A half-hour change (Lord Howe Island) and a zone whose offsets include minutes.
    expect(zonedTimeToInstant('2028-04-02', '01:45', 'Australia/Lord_Howe').toISOString()).toBe('2028-04-01T14:45:00.000Z');
    expect(zonedTimeToInstant('2026-11-03', '09:00', 'Asia/Kathmandu').toISOString()).toBe('2026-11-03T03:15:00.000Z');
  });

  it('reads instants on a wall clock', () => {
    const p = zonedParts(new Date('2026-11-03T04:30:00Z'), NY);
    expect(p).toMatchObject({ date: '2026-11-02', weekday: 'mon', hour: 23, minute: 30 });
    expect(zonedParts(new Date('2026-11-03T04:30:00Z'), 'UTC')).toMatchObject({ date: '2026-11-03', weekday: 'tue', hour: 4 });
    expect(addLocalDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addLocalDays('2028-03-01', -1)).toBe('2028-02-29');
  });

  it('round-trips every whole-minute instant through its wall clock (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2024-01-01T00:00:00Z') / 60_000, max: Date.parse('2030-12-31T00:00:00Z') / 60_000 }),
        fc.constantFrom(NY, LA, 'Europe/Madrid', 'America/Mexico_City', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'),
        (minute, zone) => {
          const instant = new Date(minute * 60_000);
          const p = zonedParts(instant, zone);
          const back = zonedTimeToInstant(p.date, `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`, zone);
          // Equal, or (in a repeated autumn hour) the first of the two passes; either way the
          // wall clock at the answer reads the same time.
          const diff = instant.getTime() - back.getTime();
          const q = zonedParts(back, zone);
          return (diff === 0 || diff === 3_600_000 || diff === 1_800_000) && q.date === p.date && q.hour === p.hour && q.minute === p.minute;
        },
      ),
      // Not pinned: every run explores new instants (a failure prints its seed to replay).
      { numRuns: 2000 },
    );
  });
});

describe('slot matching', () => {
  const slot = (start: string, languages = ['en']): SlotCandidate => ({ id: start, start, end: new Date(Date.parse(start) + 30 * 60_000).toISOString(), providerLanguages: languages });

  it('names parts of the day on the local clock', () => {
    expect(partOfDay(5 * 60 + 59)).toBeNull();
    expect(partOfDay(6 * 60)).toBe('morning');
    expect(partOfDay(12 * 60)).toBe('afternoon');
    expect(partOfDay(17 * 60)).toBe('evening');
    expect(partOfDay(22 * 60)).toBeNull();
  });

  it('scores the share of stated preferences a slot meets', () => {
    // Tuesday 3 Nov 2026, 09:00 New York = 06:00 Los Angeles.
    const s = slot('2026-11-03T14:00:00.000Z', ['en', 'es']);
    expect(slotFit(s, {}, NY).score).toBe(1);
    expect(slotFit(s, { daysOfWeek: ['tue'], partsOfDay: ['morning'], language: 'es' }, NY)).toMatchObject({
      score: 1,
      matches: { dayOfWeek: true, partOfDay: true, language: true },
      local: { date: '2026-11-03', time: '09:00', weekday: 'tue', partOfDay: 'morning' },
    });
    expect(slotFit(s, { daysOfWeek: ['wed'], partsOfDay: ['morning'] }, NY).score).toBe(0.5);
    expect(slotFit(s, { partsOfDay: ['afternoon'] }, NY).score).toBe(0);
    expect(slotFit(slot('2026-11-03T13:00:00.000Z'), { partsOfDay: ['morning'] }, LA).local.partOfDay).toBeNull(); // 05:00 in LA
  });

  it('ranks best fit first, then soonest; dates are hard limits; past slots never appear', () => {
    const slots = [
      slot('2026-11-02T14:00:00.000Z'), // Mon 09:00 (past at `now`)
      slot('2026-11-03T14:00:00.000Z'), // Tue 09:00
      slot('2026-11-03T19:00:00.000Z'), // Tue 14:00
      slot('2026-11-04T19:00:00.000Z'), // Wed 14:00
      slot('2026-11-05T19:00:00.000Z'), // Thu 14:00
      slot('2026-11-10T19:00:00.000Z'), // Tue 10 Nov 14:00
    ];
    const now = new Date('2026-11-02T15:00:00Z');
    const ranked = rankSlots(slots, { daysOfWeek: ['tue', 'thu'], partsOfDay: ['afternoon'], latestDate: '2026-11-09' }, { timeZone: NY, now });
    expect(ranked.map((r) => r.id)).toEqual(['2026-11-03T19:00:00.000Z', '2026-11-05T19:00:00.000Z', '2026-11-03T14:00:00.000Z', '2026-11-04T19:00:00.000Z']);
    expect(ranked.map((r) => r.fit.score)).toEqual([1, 1, 0.5, 0.5]);
  });

  it('spreads results across days unless told not to', () => {
    const day = (d: string) => ['14:00', '14:30', '15:00', '15:30'].map((t) => slot(zonedTimeToInstant(d, t, NY).toISOString()));
    const slots = [...day('2026-11-03'), ...day('2026-11-04')];
    const now = new Date('2026-11-02T00:00:00Z');
    const spread = rankSlots(slots, {}, { timeZone: NY, now, limit: 4, maxPerDay: 2 });
    expect(spread.map((s) => s.fit.local.date)).toEqual(['2026-11-03', '2026-11-03', '2026-11-04', '2026-11-04']);
    const packed = rankSlots(slots, {}, { timeZone: NY, now, limit: 4, maxPerDay: null });
    expect(packed.map((s) => s.fit.local.date)).toEqual(['2026-11-03', '2026-11-03', '2026-11-03', '2026-11-03']);
    // Too few days: the cap gives way rather than returning fewer than asked.
    expect(rankSlots(day('2026-11-03'), {}, { timeZone: NY, now, limit: 3, maxPerDay: 2 })).toHaveLength(3);
  });

  it('explains bad preferences', () => {
    expect(invalidPreferences({}, 'Not/AZone')).toMatch(/time zone/);
    expect(invalidPreferences({ earliestDate: '2026-02-30' }, NY)).toMatch(/earliestDate/);
    expect(invalidPreferences({ earliestDate: '2026-11-10', latestDate: '2026-11-01' }, NY)).toMatch(/after/);
    expect(invalidPreferences({ earliestDate: '2026-11-01', latestDate: '2026-11-10' }, NY)).toBeNull();
  });
});

describe('waitlist choice', () => {
  const freed = {
    start: '2026-11-05T14:00:00.000Z', // Thursday 09:00 New York
    end: '2026-11-05T14:30:00.000Z',
    departmentId: 'cardio',
    providerId: 'dr-a',
    locationId: 'main',
    serviceType: 'consult',
    providerLanguages: ['en', 'es'],
  };

  it('treats what the patient said as hard limits', () => {
    const base = { id: 'e', createdAt: '2026-11-01T00:00:00Z', preferences: {} };
    expect(waitlistFit({ ...base, providerId: 'dr-b' }, freed, NY)).toEqual({ eligible: false, reason: 'provider' });
    expect(waitlistFit({ ...base, departmentId: 'derm' }, freed, NY)).toEqual({ eligible: false, reason: 'department' });
    expect(waitlistFit({ ...base, preferences: { partsOfDay: ['afternoon'] } }, freed, NY)).toEqual({ eligible: false, reason: 'part_of_day' });
    expect(waitlistFit({ ...base, preferences: { daysOfWeek: ['mon'] } }, freed, NY)).toEqual({ eligible: false, reason: 'day_of_week' });
    expect(waitlistFit({ ...base, preferences: { latestDate: '2026-11-04' } }, freed, NY)).toEqual({ eligible: false, reason: 'too_late' });
    expect(waitlistFit({ ...base, preferences: { earliestDate: '2026-11-06' } }, freed, NY)).toEqual({ eligible: false, reason: 'too_early' });
    // 09:00 New York is 06:00 in Los Angeles: still morning there.
    expect(waitlistFit({ ...base, preferences: { partsOfDay: ['morning'] } }, freed, LA).eligible).toBe(true);
  });

  it('prefers the better language fit, then whoever waited longest', () => {
    const entries = [
      { id: 'late-es', createdAt: '2026-11-01T12:00:00Z', preferences: { language: 'es' as const } },
      { id: 'early', createdAt: '2026-11-01T09:00:00Z', preferences: {} },
      { id: 'earliest-fr', createdAt: '2026-11-01T08:00:00Z', preferences: { language: 'en' as const }, departmentId: 'cardio' },
      { id: 'wrong-dept', createdAt: '2026-10-01T08:00:00Z', preferences: {}, departmentId: 'derm' },
    ];
    expect(rankWaitlist(entries, freed, NY).map((e) => e.id)).toEqual(['earliest-fr', 'early', 'late-es']);
    const noSpanish = { ...freed, providerLanguages: ['en'] };
    expect(rankWaitlist(entries, noSpanish, NY).map((e) => e.id)).toEqual(['earliest-fr', 'early', 'late-es']);
    expect(rankWaitlist([entries[0]!, { ...entries[1]!, preferences: { language: 'es' as const } }], noSpanish, NY).map((e) => e.id)).toEqual(['early', 'late-es']);
  });

  it('holds an offer for the configured time, never past the lead before the visit', () => {
    const now = new Date('2026-11-05T08:00:00Z');
    expect(offerHoldUntil(new Date('2026-11-06T14:00:00Z'), now, 120, 60)!.toISOString()).toBe('2026-11-05T10:00:00.000Z');
    expect(offerHoldUntil(new Date('2026-11-05T10:30:00Z'), now, 120, 60)!.toISOString()).toBe('2026-11-05T09:30:00.000Z');
    expect(offerHoldUntil(new Date('2026-11-05T09:10:00Z'), now, 120, 60)).toBeNull();
  });
});

describe('reminder planning', () => {
  const plan = (start: string, now: string, offsets = [2880, 120], quiet: typeof QUIET | null = QUIET, zone = NY) =>
    planReminders({ start: new Date(start), now: new Date(now), timeZone: zone, offsetsMinutes: offsets, quietHours: quiet }).map((r) => [
      r.kind,
      r.dueAt.toISOString(),
      r.adjusted,
    ]);

  it('plans 2 days and 2 hours before by default', () => {
    // Thursday 5 Nov 11:00 New York.
    expect(plan('2026-11-05T16:00:00Z', '2026-11-01T12:00:00Z')).toEqual([
      ['2d', '2026-11-03T16:00:00.000Z', 'none'],
      ['2h', '2026-11-05T14:00:00.000Z', 'none'],
    ]);
  });

  it('moves reminders out of quiet hours: later when that leaves enough time, else the evening before', () => {
    // 08:30 visit: the 2 h reminder would be 06:30; 08:00 leaves only 30 min, so 20:45 the evening before.
    expect(plan('2026-11-05T13:30:00Z', '2026-11-01T12:00:00Z')).toEqual([
      ['2d', '2026-11-03T13:30:00.000Z', 'none'],
      ['2h', '2026-11-05T01:45:00.000Z', 'earlier'],
    ]);
    // 09:30 visit: 07:30 → 08:00 still leaves 90 min (at least half of 2 h).
    expect(plan('2026-11-05T14:30:00Z', '2026-11-01T12:00:00Z')[1]).toEqual(['2h', '2026-11-05T13:00:00.000Z', 'later']);
    // A 2-day reminder at 06:00 goes at 08:00.
    expect(plan('2026-11-05T11:00:00Z', '2026-11-01T12:00:00Z', [2880])).toEqual([['2d', '2026-11-03T13:00:00.000Z', 'later']]);
    // No quiet hours: exactly on the offset.
    expect(plan('2026-11-05T13:30:00Z', '2026-11-01T12:00:00Z', [120], null)).toEqual([['2h', '2026-11-05T11:30:00.000Z', 'none']]);
  });

  it('reads quiet hours on the given zone, across a daylight-saving change', () => {
    // Visit Monday 2 Nov 2026 09:00 EST (clocks went back on 1 Nov). Two days before is
    // 14:00 UTC on Saturday = 10:00 EDT in New York: outside quiet hours, sent as planned.
    expect(plan('2026-11-02T14:00:00Z', '2026-10-25T12:00:00Z', [2880])).toEqual([['2d', '2026-10-31T14:00:00.000Z', 'none']]);
    // Same instant, Los Angeles quiet hours: 2d is 07:00 PDT → 08:00 PDT.
    expect(plan('2026-11-02T14:00:00Z', '2026-10-25T12:00:00Z', [2880], QUIET, LA)).toEqual([['2d', '2026-10-31T15:00:00.000Z', 'later']]);
  });

  it('drops offsets already past at booking, and one of two reminders less than an hour apart', () => {
    expect(plan('2026-11-05T16:00:00Z', '2026-11-04T12:00:00Z')).toEqual([['2h', '2026-11-05T14:00:00.000Z', 'none']]);
    expect(plan('2026-11-05T16:00:00Z', '2026-11-05T15:00:00Z')).toEqual([]);
    expect(plan('2026-11-05T16:00:00Z', '2026-11-01T12:00:00Z', [120, 150], null)).toEqual([['2h', '2026-11-05T14:00:00.000Z', 'none']]);
  });

  it('labels offsets', () => {
    expect([2880, 1440, 120, 90, 45].map(reminderKind)).toEqual(['2d', '1d', '2h', '90m', '45m']);
  });

  it('decides at send time: send, wait for the morning, or give up once the visit has started', () => {
    const visit = new Date('2026-11-05T16:00:00Z');
    expect(sendDecision(new Date('2026-11-05T14:00:00Z'), visit, QUIET, NY)).toEqual({ action: 'send' });
    expect(sendDecision(new Date('2026-11-05T10:00:00Z'), visit, QUIET, NY)).toEqual({ action: 'defer', until: new Date('2026-11-05T13:00:00Z') });
    expect(sendDecision(new Date('2026-11-05T16:00:00Z'), visit, QUIET, NY)).toEqual({ action: 'skip', reason: 'visit_started' });
    expect(sendDecision(new Date('2026-11-05T10:00:00Z'), new Date('2026-11-05T12:00:00Z'), QUIET, NY)).toEqual({ action: 'skip', reason: 'quiet_hours' });
    expect(inQuietHours(new Date('2026-11-05T02:00:00Z'), { start: '22:00', end: '22:00' }, NY)).toBe(false);
  });
});

describe('policy', () => {
  it('falls back field by field to the defaults', () => {
    expect(schedulingPolicyOf({})).toEqual(DEFAULT_SCHEDULING_POLICY);
    expect(schedulingPolicyOf({ scheduling: { reminderOffsetsMinutes: [1440], offerHoldMinutes: 'soon' } })).toMatchObject({
      reminderOffsetsMinutes: [1440],
      offerHoldMinutes: 120,
    });
    expect(schedulingPolicyOf({ scheduling: { quietHours: null } }).quietHours).toBeNull();
    expect(invalidSchedulingPolicy({ reminderOffsetsMinutes: [5] })).toMatch(/between 15/);
    expect(invalidSchedulingPolicy({ reminderOffsetsMinutes: [60, 60] })).toMatch(/different/);
    expect(invalidSchedulingPolicy({ quietHours: { start: '25:00', end: '08:00' } })).toMatch(/HH:MM/);
  });
});

describe('weekly clinic hours', () => {
  it('cuts blocks into slots on the local clock, skipping closed days, across a daylight-saving change', () => {
    const slots = expandWeeklyHours({
      weekly: [{ days: ['fri', 'mon'], start: '08:00', end: '09:00' }],
      slotMinutes: 25,
      from: '2026-10-30',
      to: '2026-11-09',
      closedDates: ['2026-11-06'],
      timeZone: NY,
    });
    expect(slots.map((s) => s.start.toISOString())).toEqual([
      '2026-10-30T12:00:00.000Z', // Fri 08:00 EDT
      '2026-10-30T12:25:00.000Z',
      '2026-11-02T13:00:00.000Z', // Mon 08:00 EST
      '2026-11-02T13:25:00.000Z',
      '2026-11-09T13:00:00.000Z',
      '2026-11-09T13:25:00.000Z',
    ]);
    expect(() => expandWeeklyHours({ weekly: [{ days: ['mon'], start: '10:00', end: '09:00' }], slotMinutes: 20, from: '2026-11-01', to: '2026-11-02', timeZone: NY })).toThrow(
      /end before they start/,
    );
  });
});

describe('appointment states', () => {
  it('allows only forward moves', () => {
    expect(canTransition('proposed', 'booked')).toBe(true);
    expect(canTransition('booked', 'arrived')).toBe(true);
    expect(canTransition('arrived', 'fulfilled')).toBe(true);
    expect(canTransition('cancelled', 'booked')).toBe(false);
    expect(canTransition('fulfilled', 'noshow')).toBe(false);
  });
});

describe('reminder replies', () => {
  const cases: Array<[string, 'confirm' | 'reschedule' | 'cancel' | null]> = [
    ['C', 'confirm'],
    ['c', 'confirm'],
    [' c. ', 'confirm'],
    ['confirm', 'confirm'],
    ['Confirmed, thanks!', 'confirm'],
    ['yes', 'confirm'],
    ['Yes, see you then', 'confirm'],
    ['sí', 'confirm'],
    ['Si', 'confirm'],
    ['Sí, gracias', 'confirm'],
    ['confirmo', 'confirm'],
    ['ok', 'confirm'],
    ["I'll be there", 'confirm'],
    ['R', 'reschedule'],
    ['r', 'reschedule'],
    ['reschedule please', 'reschedule'],
    ['reprogramar', 'reschedule'],
    ['Quiero cambiar la cita', 'reschedule'],
    ['can we do another day?', 'reschedule'],
    ['X', 'cancel'],
    ['x', 'cancel'],
    ['cancelar', 'cancel'],
    ['CANCELAR', 'cancel'],
    ['Cancelar la cita por favor', 'cancel'],
    ['please cancel my appointment', 'cancel'],
    // Not clear enough to act on: the dialogue asks.
    ['no', null],
    ["don't cancel", null],
    ['no cancelar', null],
    ['cancel and reschedule', null],
    ['STOP', null],
    ['si puedo llevar a mi hijo', null],
    ['what time is it?', null],
    ['', null],
    ['🙂', null],
    ['C'.repeat(500), null],
  ];
  it.each(cases)('%j → %s', (text, expected) => {
    expect(interpretReminderReply(text, 'en')).toBe(expected);
    // The language of the reminder does not change what a reply means.
    expect(interpretReminderReply(text, 'es')).toBe(expected);
  });

  it('never throws on odd input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => [null, 'confirm', 'reschedule', 'cancel'].includes(interpretReminderReply(s, null))));
    expect(interpretReminderReply(undefined as unknown as string)).toBeNull();
  });
});

describe('patient texts', () => {
  const d = {
    organizationName: 'Riverside Health',
    providerName: 'Dr. Ana Whitfield',
    locationName: 'Main Clinic',
    locationAddress: '100 Example Avenue',
    start: new Date('2026-11-05T14:00:00Z'),
    timeZone: NY,
  };

  it('reminds in the patient language with reply instructions that avoid carrier keywords', () => {
    const en = reminderMessage(d, 'en');
    expect(en.text).toBe(
      'Riverside Health: reminder of your appointment with Dr. Ana Whitfield on Thursday, November 5 at 9:00 AM at Main Clinic, 100 Example Avenue. Reply C to confirm, R to reschedule, X to cancel.',
    );
    const es = reminderMessage(d, 'es');
    expect(es.text).toContain('el jueves 5 de noviembre a las 9:00 a.m.');
    expect(es.text).toContain('Responda C para confirmar, R para reprogramar, CANCELAR para cancelar.');
    for (const t of [en.text, es.text]) {
      expect(t).not.toMatch(/\b(STOP|CANCEL|UNSUBSCRIBE|END|QUIT)\b/);
      // GSM-friendly: no narrow no-break spaces from Intl.
      expect(t).not.toMatch(/[\u00a0\u202f]/);
    }
    const both = reminderMessage(d, null);
    expect(both.text).toContain(en.text);
    expect(both.text).toContain(es.text);
  });

  it('offers a freed slot with its hold, and acknowledges replies', () => {
    const offer = waitlistOfferMessage({ ...d, holdUntil: new Date('2026-11-04T19:00:00Z') }, 'en');
    expect(offer.text).toContain('Reply C to take it, or X if you do not want it. We hold it for you until 2:00 PM on Wednesday, November 4.');
    expect(waitlistOfferMessage({ ...d, holdUntil: new Date('2026-11-04T19:00:00Z') }, 'es').text).not.toContain('..');
    expect(replyAcknowledgement('confirmed', d, 'es').text).toContain('está confirmada');
    expect(replyAcknowledgement('cancelled', d, 'en').text).toContain('has been cancelled');
  });
});
