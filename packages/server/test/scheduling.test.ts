import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Appointment, Bundle, Slot } from '@medplum/fhirtypes';
import { ensureAdminToken, seedOrganization, startOutboxWorker, setConsent, type OutboundTransport } from '../src/index.ts';
import { ChangeSet } from '../src/store/events.ts';
import { applyReminderReply, appointmentForReply, runDueReminders, runSchedulingJobs, seedScheduling } from '../src/scheduling/index.ts';
import { outboxRows, queryRows } from './helpers/sql.ts';
import { createHarness, usingPostgres, type Harness } from './helpers/harness.ts';

// Simulated time: Monday 2 November 2026, 08:00 in New York (EST, UTC−5; DST ended on 1 Nov).
const T0 = Date.parse('2026-11-02T13:00:00Z');
let clock = T0;
const iso = (ms: number) => new Date(ms).toISOString();

// The clinic is seeded once per file (a schedule takes seconds to seed); before each test it is
// put back as seeded: no appointments, reminders, waitlist or outbox messages, every slot free,
// default settings. So no test depends on what another booked, cancelled or put on the
// waitlist, and the tests pass alone and in any order.
let clinic: Harness;
/** The clinic of the running test: the shared one, or a fresh organisation (the import tests). */
let h: Harness;
let otherOrg: string;
let phoneSeq = 10;
let organizations = 0;

async function resetClinic(): Promise<void> {
  const org = clinic.organizationId;
  await clinic.database.db.transaction(async (tx) => {
    await tx.execute(sql`delete from appointment_reminders where organization_id = ${org}`);
    await tx.execute(sql`delete from waitlist_entries where organization_id = ${org}`);
    await tx.execute(sql`delete from appointments where organization_id = ${org}`);
    await tx.execute(sql`delete from outbox where organization_id = ${org}`);
    await tx.execute(sql`update slots set status = 'free' where organization_id = ${org} and status <> 'free'`);
    await tx.execute(sql`update organizations set settings = '{}'::jsonb where id = ${org}`);
  });
}

/** An organisation of its own, without a schedule, reached through the same app. */
async function freshOrganization(): Promise<Harness> {
  const n = ++organizations;
  const { organizationId } = await clinic.database.db.transaction((tx) => seedOrganization(tx, { slug: `clinic-${n}`, name: `Clinic ${n}`, patients: 1 }));
  const { token } = await ensureAdminToken(clinic.database.db, organizationId);
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await clinic.app.inject({ method, url: path, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
  };
  return { ...clinic, organizationId, token: token!, post: (path, body) => call('POST', path, body), get: (path) => call('GET', path) };
}

async function rows<T = Record<string, any>>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}
const count = async (table: string, where = 'true') =>
  (await rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where organization_id = '${h.organizationId}' and ${where}`)))[0]!.n;

async function patient(p: { given?: string; family?: string; language?: 'en' | 'es'; preferredChannel?: string; phone?: boolean; email?: boolean } = {}): Promise<string> {
  const n = phoneSeq++;
  const identifiers = [
    ...(p.phone === false ? [] : [{ kind: 'phone', value: `+1 212 555 01${String(n).padStart(2, '0')}` }]),
    ...(p.email === false ? [] : [{ kind: 'email', value: `patient${n}@example.org` }]),
  ];
  const res = await h.post('/api/v1/patients', {
    givenName: p.given ?? 'Test',
    familyName: p.family ?? `Patient${n}`,
    birthDate: '1970-01-01',
    ...(p.language ? { language: p.language } : {}),
    ...(p.preferredChannel ? { preferredChannel: p.preferredChannel } : {}),
    identifiers,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** A free slot of this organisation starting exactly at `startUtc`, optionally of one department. */
async function slotAt(startUtc: string, department?: string, organizationId = h.organizationId): Promise<string> {
  const found = await rows<{ id: string }>(sql`
    select s.id from slots s join schedules sc on sc.id = s.schedule_id join providers p on p.id = sc.provider_id
    left join departments d on d.id = p.department_id
    where s.organization_id = ${organizationId} and s.status = 'free' and s.start = ${startUtc}
      ${department ? sql`and d.slug = ${department}` : sql``}
    order by s.id limit 1`);
  expect(found.length, `a free slot at ${startUtc}`).toBe(1);
  return found[0]!.id;
}

async function slotStatus(id: string): Promise<string> {
  return (await rows<{ status: string }>(sql`select status from slots where id = ${id}`))[0]!.status;
}

async function eventsOf(kind: string): Promise<Array<{ data: Record<string, any>; case_id: string | null; patient_id: string | null }>> {
  return rows(sql`select data, case_id, patient_id from events where organization_id = ${h.organizationId} and kind = ${kind} order by id`);
}

async function outboxFor(appointmentId: string): Promise<Array<{ channel: string; to_address: string; payload: Record<string, any>; next_attempt_at: string; case_id: string | null }>> {
  return outboxRows(h.database, (o) => (o as unknown as { organization_id: string }).organization_id === h.organizationId && o.payload.appointmentId === appointmentId);
}

async function book(patientId: string, slotId: string, extra: Record<string, unknown> = {}) {
  return h.post('/api/v1/scheduling/appointments', { patientId, slotId, ...extra });
}

beforeAll(async () => {
  clinic = await createHarness({ patients: 30 });
  clinic.services.now = () => new Date(clock);
  await clinic.database.db.transaction((tx) => seedScheduling(tx, clinic.organizationId, { days: 35, from: new Date(T0), seed: 3 }));
  const other = await clinic.database.db.transaction((tx) => seedOrganization(tx, { slug: 'other-clinic', name: 'Other Clinic', patients: 3 }));
  otherOrg = other.organizationId;
  await clinic.database.db.transaction((tx) => seedScheduling(tx, otherOrg, { days: 7, from: new Date(T0), seed: 4 }));
});
beforeEach(async () => {
  clock = T0;
  h = clinic;
  await resetClinic();
});
afterAll(async () => {
  await clinic?.close();
});

describe('directory and seed', () => {
  it('seeds clinical departments, providers with languages, two locations and weekday slots', async () => {
    const providers = await h.get('/api/v1/scheduling/providers');
    expect(providers.status).toBe(200);
    expect(providers.body.length).toBeGreaterThanOrEqual(8);
    expect(new Set(providers.body.map((p: any) => p.department.slug))).toEqual(new Set(['primary-care', 'cardiology', 'pediatrics', 'dermatology']));
    expect(providers.body.some((p: any) => p.languages.includes('es'))).toBe(true);
    const cardiology = await h.get('/api/v1/scheduling/providers?department=cardiology');
    expect(cardiology.body.length).toBe(2);
    const locations = await h.get('/api/v1/scheduling/locations');
    expect(locations.body.map((l: any) => l.name).sort()).toEqual(['Riverside Main Clinic', 'Riverside North Clinic']);
    // No weekend slots, none before T0, 20 or 30 minutes each.
    const odd = await rows(sql`select id from slots where organization_id = ${h.organizationId}
      and (extract(isodow from start at time zone 'America/New_York') > 5 or start <= ${iso(T0)}
        or extract(epoch from ("end" - start)) not in (1200, 1800))`);
    expect(odd).toHaveLength(0);
    // Seeding again adds nothing.
    const again = await h.database.db.transaction((tx) => seedScheduling(tx, h.organizationId, { days: 21, from: new Date(T0) }));
    expect(again.created).toBe(false);
  });
});

describe('slot search', () => {
  it('ranks by days and parts of day, then soonest, spreading results across days', async () => {
    const res = await h.get('/api/v1/scheduling/slots?days=tue,thu&partsOfDay=afternoon&limit=6');
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('America/New_York');
    const slots = res.body.slots as any[];
    expect(slots).toHaveLength(6);
    for (const s of slots) {
      expect(s.fit.score).toBe(1);
      expect(['tue', 'thu']).toContain(s.fit.local.weekday);
      expect(s.fit.local.partOfDay).toBe('afternoon');
    }
    const starts = slots.map((s) => Date.parse(s.start));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    // At most two per day by default.
    const perDay = new Map<string, number>();
    for (const s of slots) perDay.set(s.fit.local.date, (perDay.get(s.fit.local.date) ?? 0) + 1);
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(2);
    // The first result is on Tuesday 3 November, 13:00 New York.
    expect(slots[0].start).toBe('2026-11-03T18:00:00.000Z');
  });

  it('offers the nearest alternatives when nothing fits, scored lower', async () => {
    // Saturday mornings: the clinics are closed at weekends.
    const res = await h.post('/api/v1/scheduling/slots/search', { preferences: { daysOfWeek: ['sat'], partsOfDay: ['morning'] }, limit: 3, maxPerDay: null });
    expect(res.status).toBe(200);
    expect(res.body.slots).toHaveLength(3);
    for (const s of res.body.slots) expect(s.fit.matches.dayOfWeek).toBe(false);
    // Morning slots rank above afternoon ones even on the wrong day.
    expect(res.body.slots[0].fit.matches.partOfDay).toBe(true);
  });

  it("reads preferences on the patient's wall clock", async () => {
    const ny = await h.post('/api/v1/scheduling/slots/search', { preferences: { partsOfDay: ['afternoon'], earliestDate: '2026-11-04', latestDate: '2026-11-04' }, limit: 4, maxPerDay: null });
    const la = await h.post('/api/v1/scheduling/slots/search', {
      preferences: { partsOfDay: ['afternoon'], earliestDate: '2026-11-04', latestDate: '2026-11-04' },
      timeZone: 'America/Los_Angeles',
      limit: 4,
      maxPerDay: null,
    });
    expect(ny.status).toBe(200);
    expect(la.status).toBe(200);
    const nyHour = (s: any) => (new Date(s.start).getUTCHours() + 24 - 5) % 24;
    // New York afternoon starts at 13:00 New York; Los Angeles afternoon at 12:00 Pacific = 15:00 New York.
    expect(ny.body.slots.map(nyHour)[0]).toBe(13);
    for (const s of la.body.slots) {
      expect(nyHour(s)).toBeGreaterThanOrEqual(15);
      expect(s.fit.local.partOfDay).toBe('afternoon');
      expect(s.fit.local.date).toBe('2026-11-04');
    }
  });

  it('keeps earliest and latest dates as hard limits', async () => {
    const res = await h.get('/api/v1/scheduling/slots?earliestDate=2026-11-10&latestDate=2026-11-11&limit=50&maxPerDay=50');
    expect(res.status).toBe(200);
    expect(res.body.slots.length).toBe(50);
    for (const s of res.body.slots) expect(['2026-11-10', '2026-11-11']).toContain(s.fit.local.date);
  });

  it('prefers providers who speak the patient language, and filters by department', async () => {
    const spanish = await patient({ language: 'es' });
    const res = await h.get(`/api/v1/scheduling/slots?department=cardiology&patientId=${spanish}&limit=5`);
    expect(res.status).toBe(200);
    for (const s of res.body.slots) {
      expect(s.provider.languages).toContain('es');
      expect(s.fit.matches.language).toBe(true);
    }
    const cardiologists = (await h.get('/api/v1/scheduling/providers?department=cardiology')).body.map((p: any) => p.id);
    for (const s of res.body.slots) expect(cardiologists).toContain(s.provider.id);
  });

  it('refuses bad searches with a clear 4xx', async () => {
    expect((await h.get('/api/v1/scheduling/slots?timeZone=Mars/Olympus')).status).toBe(400);
    const backwards = await h.get('/api/v1/scheduling/slots?earliestDate=2026-11-20&latestDate=2026-11-10');
    expect(backwards.status).toBe(422);
    expect(backwards.body.error).toBe('invalid_preferences');
    expect((await h.get('/api/v1/scheduling/slots?department=astrology')).status).toBe(404);
    expect((await h.get('/api/v1/scheduling/slots?days=funday')).status).toBe(400);
  });
});

describe('book, confirm, reschedule, cancel', () => {
  let patientId: string;
  let firstSlot: string;
  let secondSlot: string;

  beforeEach(async () => {
    patientId = await patient({ given: 'Maria', family: 'Lopez', language: 'es' });
    firstSlot = await slotAt('2026-11-09T14:00:00.000Z', 'primary-care'); // Monday 9 Nov, 09:00
    secondSlot = await slotAt('2026-11-11T19:00:00.000Z', 'primary-care'); // Wednesday 11 Nov, 14:00
  });

  /** Maria's appointment in the first slot, booked by staff. */
  async function bookFirstSlot(): Promise<string> {
    const res = await book(patientId, firstSlot, { reason: 'annual check-up' });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('books a free slot: the slot turns busy, reminders are planned, the change is an event', async () => {
    const res = await book(patientId, firstSlot, { reason: 'annual check-up' });
    expect(res.status).toBe(201);
    const appointmentId = res.body.id;
    expect(res.body).toMatchObject({ status: 'booked', patientId, slotId: firstSlot, start: '2026-11-09T14:00:00.000Z', source: 'staff', confirmedAt: null });
    expect(res.body.provider.name).toMatch(/^Dr\. /);
    expect(res.body.location.timeZone).toBe('America/New_York');
    expect(res.body.reminders.map((r: any) => [r.kind, r.dueAt, r.status])).toEqual([
      ['2d', '2026-11-07T14:00:00.000Z', 'pending'],
      // 07:00 is inside quiet hours (21:00–08:00): moved to 08:00, still an hour before.
      ['2h', '2026-11-09T13:00:00.000Z', 'pending'],
    ]);
    expect(await slotStatus(firstSlot)).toBe('busy');
    const booked = (await eventsOf('appointment_booked')).find((e) => e.data.appointmentId === appointmentId)!;
    expect(booked.patient_id).toBe(patientId);
    expect(JSON.stringify(booked.data)).not.toContain('check-up');
    const mine = await h.get(`/api/v1/scheduling/patients/${patientId}/appointments?upcoming=true`);
    expect(mine.body.map((a: any) => a.id)).toEqual([appointmentId]);
  });

  it('refuses a second booking of the same slot, and a patient in two places at once', async () => {
    await bookFirstSlot();
    const other = await patient();
    const taken = await book(other, firstSlot);
    expect(taken.status).toBe(409);
    expect(taken.body.error).toBe('slot_unavailable');
    const sameTime = await slotAt('2026-11-09T14:00:00.000Z', 'cardiology');
    const clash = await book(patientId, sameTime);
    expect(clash.status).toBe(409);
    expect(clash.body.error).toBe('patient_double_booked');
    expect(await slotStatus(sameTime)).toBe('free');
  });

  it('confirms once; confirming again changes nothing', async () => {
    const appointmentId = await bookFirstSlot();
    clock = T0 + 60_000;
    const res = await h.post(`/api/v1/scheduling/appointments/${appointmentId}/confirm`, {});
    expect(res.status).toBe(200);
    expect(res.body.confirmedAt).toBe(iso(clock));
    const before = (await eventsOf('appointment_confirmed')).length;
    const again = await h.post(`/api/v1/scheduling/appointments/${appointmentId}/confirm`, {});
    expect(again.status).toBe(200);
    expect(again.body.confirmedAt).toBe(iso(clock));
    expect((await eventsOf('appointment_confirmed')).length).toBe(before);
  });

  it('reschedules: same appointment, new slot, old slot free, reminders replaced, confirmation reset', async () => {
    const appointmentId = await bookFirstSlot();
    clock = T0 + 60_000;
    expect((await h.post(`/api/v1/scheduling/appointments/${appointmentId}/confirm`, {})).body.confirmedAt).toBe(iso(clock));
    clock = T0 + 2 * 60_000;
    const res = await h.post(`/api/v1/scheduling/appointments/${appointmentId}/reschedule`, { slotId: secondSlot });
    expect(res.status).toBe(200);
    expect(res.body.appointment).toMatchObject({ id: appointmentId, slotId: secondSlot, status: 'booked', start: '2026-11-11T19:00:00.000Z', confirmedAt: null });
    expect(await slotStatus(firstSlot)).toBe('free');
    expect(await slotStatus(secondSlot)).toBe('busy');
    const reminders = res.body.appointment.reminders.map((r: any) => [r.kind, r.dueAt, r.status]);
    expect(reminders).toContainEqual(['2d', '2026-11-07T14:00:00.000Z', 'cancelled']);
    expect(reminders).toContainEqual(['2d', '2026-11-09T19:00:00.000Z', 'pending']);
    expect(reminders).toContainEqual(['2h', '2026-11-11T17:00:00.000Z', 'pending']);
    const moved = (await eventsOf('appointment_rescheduled')).find((e) => e.data.appointmentId === appointmentId)!;
    expect(moved.data).toMatchObject({ fromSlotId: firstSlot, toSlotId: secondSlot });
    expect((await h.post(`/api/v1/scheduling/appointments/${appointmentId}/reschedule`, { slotId: secondSlot })).status).toBe(422);
  });

  it('cancels: the slot is free again and pending reminders are dropped', async () => {
    const appointmentId = await bookFirstSlot();
    clock = T0 + 3 * 60_000;
    const res = await h.post(`/api/v1/scheduling/appointments/${appointmentId}/cancel`, { reason: 'feeling better' });
    expect(res.status).toBe(200);
    expect(res.body.appointment).toMatchObject({ status: 'cancelled', cancelReason: 'feeling better', cancelledAt: iso(clock) });
    expect(res.body.appointment.reminders.map((r: any) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect(await slotStatus(firstSlot)).toBe('free');
    const again = await h.post(`/api/v1/scheduling/appointments/${appointmentId}/cancel`, { reason: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_cancelled');
    expect((await h.post(`/api/v1/scheduling/appointments/${appointmentId}/confirm`, {})).status).toBe(409);
  });

  it('records arrival and completion; a no-show only once the visit has begun', async () => {
    const p = await patient();
    const appt = (await book(p, await slotAt('2026-11-12T19:00:00.000Z', 'dermatology'))).body;
    const early = await h.post(`/api/v1/scheduling/appointments/${appt.id}/status`, { status: 'noshow' });
    expect([early.status, early.body.error]).toEqual([422, 'not_started']);
    const saved = clock;
    clock = Date.parse('2026-11-12T18:55:00Z');
    const arrived = await h.post(`/api/v1/scheduling/appointments/${appt.id}/status`, { status: 'arrived' });
    expect(arrived.body.status).toBe('arrived');
    expect((await h.post(`/api/v1/scheduling/appointments/${appt.id}/status`, { status: 'noshow' })).status).toBe(409);
    const done = await h.post(`/api/v1/scheduling/appointments/${appt.id}/status`, { status: 'fulfilled' });
    expect(done.body.status).toBe('fulfilled');
    expect(done.body.reminders.every((r: any) => r.status !== 'pending')).toBe(true);
    expect((await h.post(`/api/v1/scheduling/appointments/${appt.id}/cancel`, { reason: 'x' })).status).toBe(409);
    clock = saved;
  });

  it('links an appointment to its case, and refuses a case of someone else', async () => {
    const ev = await h.post('/api/v1/channel-events', {
      channel: 'sms',
      idempotencyKey: 'sched-case-1',
      from: { kind: 'phone', value: '+12125550199' },
      text: 'I need an appointment with my doctor',
      occurredAt: iso(clock),
    });
    expect(ev.status).toBe(201);
    const slot = await slotAt('2026-11-12T15:00:00.000Z', 'primary-care');
    const wrong = await book(patientId, slot, { caseId: ev.body.caseId });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toBe('case_patient_mismatch');
    const right = await book(ev.body.patientId, slot, { caseId: ev.body.caseId });
    expect(right.status).toBe(201);
    expect(right.body.caseId).toBe(ev.body.caseId);
    const booked = (await eventsOf('appointment_booked')).find((e) => e.data.appointmentId === right.body.id)!;
    expect(booked.case_id).toBe(ev.body.caseId);
  });
});

describe('bad input changes nothing', () => {
  it('unknown slot 404, another organisation slot 404, past slot 422, unknown patient 404, bad body 400', async () => {
    const p = await patient();
    const foreignSlot = await slotAt('2026-11-03T14:00:00.000Z', 'primary-care', otherOrg);
    const pastSlot = (await rows<{ id: string }>(sql`select id from slots where organization_id = ${h.organizationId} and status = 'free' order by start limit 1`))[0]!.id;
    const before = {
      appointments: await count('appointments'),
      events: await count('events'),
      busy: await count('slots', "status <> 'free'"),
      reminders: await count('appointment_reminders'),
    };
    const saved = clock;
    const unknown = await book(p, '00000000-0000-4000-8000-000000000000');
    expect([unknown.status, unknown.body.error]).toEqual([404, 'unknown_slot']);
    const foreign = await book(p, foreignSlot);
    expect([foreign.status, foreign.body.error]).toEqual([404, 'unknown_slot']);
    clock = T0 + 40 * 86_400_000; // weeks on, every seeded slot is past
    const past = await book(p, pastSlot);
    expect([past.status, past.body.error]).toEqual([422, 'slot_in_past']);
    clock = saved;
    const nobody = await book('00000000-0000-4000-8000-000000000001', pastSlot);
    expect([nobody.status, nobody.body.error]).toEqual([404, 'unknown_patient']);
    expect((await book(p, 'not-a-uuid')).status).toBe(400);
    expect((await h.post('/api/v1/scheduling/appointments', { patientId: p })).status).toBe(400);
    expect((await h.post('/api/v1/scheduling/appointments/00000000-0000-4000-8000-000000000002/cancel', { reason: 'x' })).status).toBe(404);
    expect((await h.post('/api/v1/scheduling/waitlist', { patientId: p, preferences: { daysOfWeek: ['someday'] } })).status).toBe(400);
    expect((await h.post('/api/v1/scheduling/waitlist', { patientId: p, preferences: { latestDate: '2026-10-01' } })).status).toBe(422);
    const after = {
      appointments: await count('appointments'),
      events: await count('events'),
      busy: await count('slots', "status <> 'free'"),
      reminders: await count('appointment_reminders'),
    };
    expect(after).toEqual(before);
    expect(await slotStatus(foreignSlot)).toBe('free');
  });

  it('another organisation cannot see or change our appointments', async () => {
    const p = await patient();
    const slot = await slotAt('2026-11-13T14:00:00.000Z', 'dermatology');
    const mine = await book(p, slot);
    expect(mine.status).toBe(201);
    const { ensureAdminToken } = await import('../src/index.ts');
    const { token } = await ensureAdminToken(h.database.db, otherOrg);
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/scheduling/appointments/${mine.body.id}/cancel`,
      headers: { authorization: `Bearer ${token}` },
      payload: { reason: 'x' },
    });
    expect(res.statusCode).toBe(404);
    const fhir = await h.app.inject({ method: 'GET', url: `/api/v1/fhir/Appointment/${mine.body.id}`, headers: { authorization: `Bearer ${token}` } });
    expect(fhir.statusCode).toBe(404);
    expect(JSON.parse(fhir.body).resourceType).toBe('OperationOutcome');
    expect((await h.get(`/api/v1/scheduling/appointments/${mine.body.id}`)).body.status).toBe('booked');
  });
});

// PGlite runs one query at a time, so concurrent requests there are served one after another and
// never race: these tests would pass even without the locks they exist to check. They run on
// PostgreSQL only (CI runs the whole suite on PostgreSQL as well as on PGlite).
const racesOnlyOnPostgres = usingPostgres ? '' : ' (skipped: PGlite runs one query at a time, so nothing races; runs on PostgreSQL)';

describe.skipIf(!usingPostgres)(`double booking is impossible under concurrency${racesOnlyOnPostgres}`, () => {
  it('20 concurrent bookings of one slot: exactly one wins, the others get a clean 409', async () => {
    const slot = await slotAt('2026-11-16T15:00:00.000Z', 'pediatrics');
    const patientIds = (await rows<{ id: string }>(sql`select id from patients where organization_id = ${h.organizationId} and status = 'active' order by id limit 20`)).map((r) => r.id);
    expect(patientIds).toHaveLength(20);
    const results = await Promise.all(patientIds.map((id) => book(id, slot)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error).toBe('slot_unavailable');
    const holding = await rows<{ n: number }>(sql`select count(*)::int as n from appointments where slot_id = ${slot} and status <> 'cancelled'`);
    expect(holding[0]!.n).toBe(1);
    expect(await slotStatus(slot)).toBe('busy');
  });

  it('20 concurrent moves into one slot: exactly one wins', async () => {
    const target = await slotAt('2026-11-17T14:00:00.000Z', 'pediatrics');
    const patientIds = (await rows<{ id: string }>(sql`select id from patients where organization_id = ${h.organizationId} and status = 'active' order by id desc limit 20`)).map((r) => r.id);
    const starts = await rows<{ id: string }>(sql`select s.id from slots s join schedules sc on sc.id = s.schedule_id join providers p on p.id = sc.provider_id
      join departments d on d.id = p.department_id where s.organization_id = ${h.organizationId} and s.status = 'free' and d.slug = 'dermatology'
      and s.start >= '2026-11-18T00:00:00Z' order by s.start limit 200`);
    // One appointment per patient, at distinct times so no patient overlaps themselves.
    const appointmentIds: string[] = [];
    const used = new Set<string>();
    for (const [i, p] of patientIds.entries()) {
      for (const s of starts.slice(i * 3)) {
        if (used.has(s.id)) continue;
        const r = await book(p, s.id);
        if (r.status === 201) {
          appointmentIds.push(r.body.id);
          used.add(s.id);
          break;
        }
      }
    }
    expect(appointmentIds).toHaveLength(20);
    const results = await Promise.all(appointmentIds.map((id) => h.post(`/api/v1/scheduling/appointments/${id}/reschedule`, { slotId: target })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    const holding = await rows<{ n: number }>(sql`select count(*)::int as n from appointments where slot_id = ${target} and status <> 'cancelled'`);
    expect(holding[0]!.n).toBe(1);
  });
});

describe('double booking is impossible in the database', () => {
  it('the database itself refuses a second appointment holding a slot', async () => {
    expect((await book(await patient(), await slotAt('2026-11-16T15:00:00.000Z', 'pediatrics'))).status).toBe(201);
    const [taken] = await rows<any>(sql`select * from appointments where organization_id = ${h.organizationId} and status = 'booked' limit 1`);
    const other = await patient();
    await expect(
      h.database.db.execute(sql`insert into appointments (organization_id, patient_id, slot_id, schedule_id, provider_id, location_id, start, "end", status, source, created_at, updated_at)
        values (${h.organizationId}, ${other}, ${taken.slot_id}, ${taken.schedule_id}, ${taken.provider_id}, ${taken.location_id}, ${taken.start}, ${taken.end}, 'booked', 'staff', now(), now())`),
    ).rejects.toThrow();
  });
});

describe('waitlist', () => {
  it('offers a freed slot to the best-matching waiting patient, on their channel, with a hold; accepting books it', async () => {
    clock = T0 + 10 * 60_000; // Monday 08:10 New York: outside quiet hours
    const slot = await slotAt('2026-11-19T14:00:00.000Z', 'cardiology'); // Thursday 09:00
    const holder = await patient();
    const booked = await book(holder, slot);
    expect(booked.status).toBe(201);

    // Joined first, but only afternoons: not eligible for a 09:00 slot.
    const afternoons = await patient();
    const w1 = await h.post('/api/v1/scheduling/waitlist', { patientId: afternoons, department: 'cardiology', preferences: { partsOfDay: ['afternoon'] } });
    expect(w1.status).toBe(201);
    clock += 1000;
    const spanish = await patient({ language: 'es', preferredChannel: 'sms' });
    const w2 = await h.post('/api/v1/scheduling/waitlist', {
      patientId: spanish,
      department: 'cardiology',
      preferences: { daysOfWeek: ['thu'], partsOfDay: ['morning'], latestDate: '2026-11-30' },
    });
    expect(w2.status).toBe(201);
    clock += 1000;
    const later = await patient({ preferredChannel: 'email' });
    const w3 = await h.post('/api/v1/scheduling/waitlist', { patientId: later, department: 'cardiology' });
    expect(w3.status).toBe(201);
    expect((await h.post('/api/v1/scheduling/waitlist', { patientId: later, department: 'cardiology' })).status).toBe(409);

    clock += 60_000;
    const cancelled = await h.post(`/api/v1/scheduling/appointments/${booked.body.id}/cancel`, { reason: 'travelling' });
    expect(cancelled.status).toBe(200);
    const offer = cancelled.body.waitlistOffer;
    expect(offer).toMatchObject({ entryId: w2.body.id, patientId: spanish, channel: 'sms' });
    // The organisation's hold (2 hours) from when the message goes out.
    expect(offer.holdExpiresAt).toBe(iso(clock + 120 * 60_000));
    expect(await slotStatus(slot)).toBe('busy-tentative');
    const [msg] = await outboxFor(offer.appointmentId);
    expect(msg!.channel).toBe('sms');
    expect(msg!.to_address).toMatch(/^\+1212555\d{4}$/);
    expect(msg!.payload.purpose).toBe('waitlist_offer');
    expect(msg!.payload.text).toContain('Responda C para aceptarla');
    expect((await h.get(`/api/v1/scheduling/waitlist?status=offered`)).body.map((e: any) => e.id)).toEqual([w2.body.id]);
    expect((await eventsOf('waitlist_offered')).at(-1)!.data).toMatchObject({ entryId: w2.body.id, slotId: slot });

    // Someone else cannot book the held slot.
    expect((await book(await patient(), slot)).status).toBe(409);

    clock += 5 * 60_000;
    const accepted = await h.post(`/api/v1/scheduling/waitlist/${w2.body.id}/accept`, {});
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ id: offer.appointmentId, status: 'booked', patientId: spanish, source: 'waitlist', confirmedAt: iso(clock) });
    expect(accepted.body.reminders.length).toBe(2);
    expect(await slotStatus(slot)).toBe('busy');
    const entries = (await h.get('/api/v1/scheduling/waitlist')).body as any[];
    expect(entries.find((e) => e.id === w2.body.id).status).toBe('booked');
    expect(entries.find((e) => e.id === w1.body.id).status).toBe('waiting');
  });

  it('a declined offer goes to the next patient; a lapsed hold too, and nobody is offered the same slot twice', async () => {
    clock = T0 + 60 * 60_000; // Monday 09:00
    const slot = await slotAt('2026-11-20T14:00:00.000Z', 'dermatology'); // Friday 09:00
    const holder = await patient();
    const booked = await book(holder, slot);
    const a = await patient();
    const b = await patient();
    const c = await patient({ phone: false });
    const entryA = (await h.post('/api/v1/scheduling/waitlist', { patientId: a, department: 'dermatology' })).body;
    clock += 1000;
    const entryB = (await h.post('/api/v1/scheduling/waitlist', { patientId: b, department: 'dermatology' })).body;
    clock += 1000;
    const entryC = (await h.post('/api/v1/scheduling/waitlist', { patientId: c, department: 'dermatology' })).body;

    clock += 1000;
    const cancelled = await h.post(`/api/v1/scheduling/appointments/${booked.body.id}/cancel`, { reason: 'x' });
    expect(cancelled.body.waitlistOffer.entryId).toBe(entryA.id);

    clock += 1000;
    const declined = await h.post(`/api/v1/scheduling/waitlist/${entryA.id}/decline`, {});
    expect(declined.status).toBe(200);
    expect(declined.body.nextOffer.entryId).toBe(entryB.id);
    expect((await h.get(`/api/v1/scheduling/waitlist?patientId=${a}`)).body[0].status).toBe('waiting');

    // B lets the hold run out: the job hands the slot to C (no phone: by email).
    clock += 3 * 3600_000;
    const run = await runSchedulingJobs(h.services, new Date(clock));
    expect(run.offersExpired).toBe(1);
    const offered = (await h.get('/api/v1/scheduling/waitlist?status=offered')).body as any[];
    expect(offered.map((e) => e.id)).toEqual([entryC.id]);
    const [toC] = await outboxFor(offered[0].offerAppointmentId);
    expect(toC!.channel).toBe('email');
    expect(toC!.to_address).toMatch(/@example\.org$/);
    // No language on record: both languages in one message.
    expect(toC!.payload.subject).toBe('An appointment opened up for you / Se liberó una cita para usted');
    expect(toC!.payload.text).toContain('Reply C to take it');
    expect(toC!.payload.text).toContain('Responda C para aceptarla');
    expect((await eventsOf('waitlist_offer_expired')).at(-1)!.data.entryId).toBe(entryB.id);

    // C declines: A and B already had this slot, so nobody is left for it.
    clock += 1000;
    const last = await h.post(`/api/v1/scheduling/waitlist/${entryC.id}/decline`, {});
    expect(last.body.nextOffer).toBeNull();
    expect(await slotStatus(slot)).toBe('free');
  });

  it('two slots freed at the same moment go to two different waiting patients', async () => {
    clock = T0 + 90 * 60_000;
    const free = await rows<{ id: string }>(sql`select s.id from slots s join schedules sc on sc.id = s.schedule_id join providers p on p.id = sc.provider_id
      join departments d on d.id = p.department_id where s.organization_id = ${h.organizationId} and s.status = 'free' and d.slug = 'primary-care'
      and s.start = '2026-11-20T15:00:00Z' order by s.id limit 2`);
    expect(free).toHaveLength(2);
    const booked = [(await book(await patient(), free[0]!.id)).body.id, (await book(await patient(), free[1]!.id)).body.id];
    const waiting = [await patient(), await patient(), await patient()];
    for (const w of waiting) {
      clock += 1000;
      expect((await h.post('/api/v1/scheduling/waitlist', { patientId: w, department: 'primary-care' })).status).toBe(201);
    }
    const results = await Promise.all(booked.map((id) => h.post(`/api/v1/scheduling/appointments/${id}/cancel`, { reason: 'x' })));
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const offered = results.map((r) => r.body.waitlistOffer?.patientId);
    expect(offered.every(Boolean)).toBe(true);
    expect(new Set(offered).size).toBe(2);
    for (const p of offered) expect(waiting).toContain(p);
  });

  it('taking a patient off the waitlist withdraws their open offer and passes it on', async () => {
    clock = T0 + 100 * 60_000;
    const slot = await slotAt('2026-11-19T20:00:00.000Z', 'dermatology'); // Thursday 15:00
    const booked = (await book(await patient(), slot)).body;
    const first = await patient();
    const second = await patient();
    expect((await h.post('/api/v1/scheduling/waitlist', { patientId: first, department: 'dermatology', preferences: { daysOfWeek: ['thu'] } })).status).toBe(201);
    clock += 1000;
    expect((await h.post('/api/v1/scheduling/waitlist', { patientId: second, department: 'dermatology', preferences: { daysOfWeek: ['thu'] } })).status).toBe(201);
    const cancelled = await h.post(`/api/v1/scheduling/appointments/${booked.id}/cancel`, { reason: 'x' });
    // The first to join is offered the slot; they leave the waitlist.
    expect(cancelled.body.waitlistOffer.patientId).toBe(first);
    const offeredEntry = cancelled.body.waitlistOffer.entryId as string;
    const removed = await h.post(`/api/v1/scheduling/waitlist/${offeredEntry}/remove`, {});
    expect(removed.status).toBe(200);
    expect(removed.body.status).toBe('removed');
    const offer = (await h.get(`/api/v1/scheduling/appointments/${cancelled.body.waitlistOffer.appointmentId}`)).body;
    expect(offer).toMatchObject({ status: 'cancelled', cancelReason: 'offer_withdrawn' });
    // The slot went straight on to the next patient in line.
    const next = (await eventsOf('waitlist_offered')).at(-1)!.data;
    expect(next.slotId).toBe(slot);
    expect(next.entryId).not.toBe(offeredEntry);
    expect(cancelled.body.waitlistOffer.patientId).not.toBe(second);
    expect((await h.get(`/api/v1/scheduling/waitlist?patientId=${second}`)).body[0].status).toBe('offered');
    expect(await slotStatus(slot)).toBe('busy-tentative');
    expect((await h.post(`/api/v1/scheduling/waitlist/${offeredEntry}/remove`, {})).status).toBe(409);
  });

  it('offers made at night go out when quiet hours end, and the hold counts from then', async () => {
    clock = Date.parse('2026-11-03T03:00:00Z'); // Monday 22:00 New York
    const slot = await slotAt('2026-11-23T15:00:00.000Z', 'pediatrics'); // Monday 23 Nov 10:00
    const booked = await book(await patient(), slot);
    const waiting = await patient();
    await h.post('/api/v1/scheduling/waitlist', { patientId: waiting, department: 'pediatrics' });
    const res = await h.post(`/api/v1/scheduling/appointments/${booked.body.id}/cancel`, { reason: 'x' });
    const offer = res.body.waitlistOffer;
    expect(offer.sendAt).toBe('2026-11-03T13:00:00.000Z'); // Tuesday 08:00
    expect(offer.holdExpiresAt).toBe('2026-11-03T15:00:00.000Z');
    const [msg] = await outboxFor(offer.appointmentId);
    expect(new Date(msg!.next_attempt_at).toISOString()).toBe('2026-11-03T13:00:00.000Z');
  });
});

describe('reminders', () => {
  let english: string;
  let spanish: string;
  let emailOnly: string;
  const appts = { english: '', spanish: '', email: '' };

  beforeEach(async () => {
    clock = T0 + 3 * 3600_000; // Monday 11:00 New York
    english = await patient({ language: 'en' });
    spanish = await patient({ language: 'es' });
    emailOnly = await patient({ preferredChannel: 'email' });
    // Thursday 5 November 09:00 and 10:00 New York.
    appts.english = (await book(english, await slotAt('2026-11-05T14:00:00.000Z', 'primary-care'))).body.id;
    appts.spanish = (await book(spanish, await slotAt('2026-11-05T15:00:00.000Z', 'primary-care'))).body.id;
    appts.email = (await book(emailOnly, await slotAt('2026-11-05T14:00:00.000Z', 'cardiology'))).body.id;
  });

  it('queues nothing before a reminder is due, then each due reminder exactly once, on the right channel and language', async () => {
    const early = await runDueReminders(h.services, new Date('2026-11-03T13:59:59Z'));
    expect(early.queued).toBe(0);
    expect(await outboxFor(appts.english)).toHaveLength(0);

    const due = await runDueReminders(h.services, new Date('2026-11-03T14:00:00Z'));
    expect(due.queued).toBe(2); // the 09:00 visits' two-day reminders
    const [en] = await outboxFor(appts.english);
    expect(en!.channel).toBe('sms');
    expect(en!.payload.purpose).toBe('appointment_reminder');
    expect(en!.payload.text).toContain('Reply C to confirm, R to reschedule, X to cancel.');
    expect(en!.payload.text).toContain('Thursday, November 5 at 9:00 AM');
    expect(en!.payload.text).not.toMatch(/\bSTOP\b|\bCANCEL\b/);
    const [mail] = await outboxFor(appts.email);
    expect(mail!.channel).toBe('email');
    expect(mail!.payload.subject).toBe('Appointment reminder / Recordatorio de su cita');
    expect(await outboxFor(appts.spanish)).toHaveLength(0);

    const again = await runDueReminders(h.services, new Date('2026-11-03T14:00:30Z'));
    expect(again.queued).toBe(0);

    await runDueReminders(h.services, new Date('2026-11-03T15:00:00Z'));
    const [es] = await outboxFor(appts.spanish);
    expect(es!.payload.text).toContain('Responda C para confirmar, R para reprogramar, CANCELAR para cancelar.');
    expect(es!.payload.text).toContain('jueves 5 de noviembre');
    const queued = (await eventsOf('reminder_queued')).filter((e) => e.data.appointmentId === appts.spanish);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.data).toMatchObject({ kind: '2d', channel: 'sms' });
  });

  it('a reminder found due in quiet hours waits for the morning; cancelled appointments are never reminded', async () => {
    // The two-day reminders went out on Tuesday.
    expect((await runDueReminders(h.services, new Date('2026-11-03T15:00:00Z'))).queued).toBe(3);
    await h.post(`/api/v1/scheduling/appointments/${appts.email}/cancel`, { reason: 'x' });
    // Thursday 05:00 New York: the 2-hour reminders are due at 08:00 (moved out of quiet hours).
    const night = await runDueReminders(h.services, new Date('2026-11-05T10:00:00Z'));
    expect(night.queued).toBe(0);
    // A late run (the server was down) finds the English one due inside quiet hours: deferred.
    await h.database.db.execute(sql`update appointment_reminders set due_at = '2026-11-05T10:00:00Z' where appointment_id = ${appts.english} and kind = '2h'`);
    const deferred = await runDueReminders(h.services, new Date('2026-11-05T10:30:00Z'));
    expect(deferred.deferred).toBe(1);
    const morning = await runDueReminders(h.services, new Date('2026-11-05T13:00:00Z'));
    expect(morning.queued).toBe(2);
    expect(await outboxFor(appts.english)).toHaveLength(2);
    expect(await outboxFor(appts.email)).toHaveLength(1);
    const emailReminders = (await h.get(`/api/v1/scheduling/appointments/${appts.email}`)).body.reminders;
    expect(emailReminders.map((r: any) => r.status)).toEqual(['queued', 'cancelled']);
  });

  it('the outbox worker checks consent when it sends a reminder', async () => {
    const p = await patient();
    const appt = (await book(p, await slotAt('2026-11-06T16:00:00.000Z', 'dermatology'))).body;
    const [phone] = await rows<{ value: string }>(sql`select value from identities where patient_id = ${p} and kind = 'phone'`);
    await h.database.db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, h.organizationId);
      await setConsent(changes, 'sms', phone!.value, 'opted_out', 'test', iso(clock));
      await changes.commit();
    });
    await runDueReminders(h.services, new Date('2026-11-04T16:00:00Z'));
    const sent: string[] = [];
    const transport: OutboundTransport = { channel: 'sms', send: async (item) => (sent.push(item.toAddress), { providerRef: `SM${item.id}` }) };
    const saved = clock;
    clock = Date.parse('2026-11-04T16:00:00Z');
    const worker = startOutboxWorker(h.services, [transport], { autoStart: false });
    for (let i = 0; i < 20 && (await worker.runOnce()) > 0; i++);
    await worker.stop();
    clock = saved;
    expect(sent).not.toContain(phone!.value);
    const [row] = await outboxRows(h.database, (o) => o.payload.appointmentId === appt.id);
    expect(row!.status).toBe('blocked');
  });

  it('organisation settings change the offsets of reminders planned from then on', async () => {
    expect((await h.get('/api/v1/scheduling/settings')).body.reminderOffsetsMinutes).toEqual([2880, 120]);
    const bad = await h.app.inject({ method: 'PUT', url: '/api/v1/scheduling/settings', headers: { authorization: `Bearer ${h.token}` }, payload: { reminderOffsetsMinutes: [1] } });
    expect(bad.statusCode).toBe(422);
    const put = await h.app.inject({ method: 'PUT', url: '/api/v1/scheduling/settings', headers: { authorization: `Bearer ${h.token}` }, payload: { reminderOffsetsMinutes: [1440], quietHours: null } });
    expect(put.statusCode).toBe(200);
    expect(JSON.parse(put.body)).toMatchObject({ reminderOffsetsMinutes: [1440], quietHours: null, offerHoldMinutes: 120 });
    const appt = (await book(await patient(), await slotAt('2026-11-10T14:00:00.000Z', 'pediatrics'))).body;
    expect(appt.reminders.map((r: any) => [r.kind, r.dueAt])).toEqual([['1d', '2026-11-09T14:00:00.000Z']]);
    // Other settings of the organisation are untouched.
    const [org] = await rows<{ settings: any }>(sql`select settings from organizations where id = ${h.organizationId}`);
    const settings = typeof org!.settings === 'string' ? JSON.parse(org!.settings) : org!.settings;
    expect(Object.keys(settings)).toEqual(['scheduling']);
    await h.app.inject({ method: 'PUT', url: '/api/v1/scheduling/settings', headers: { authorization: `Bearer ${h.token}` }, payload: { reminderOffsetsMinutes: [2880, 120], quietHours: { start: '21:00', end: '08:00' } } });
  });
});

describe('replies to reminders', () => {
  it('"C" confirms, "cancelar" cancels (and frees the slot), "R" keeps the booking and suggests times; unclear replies are refused', async () => {
    clock = T0 + 4 * 3600_000;
    const p = await patient({ language: 'es' });
    const first = (await book(p, await slotAt('2026-11-24T14:00:00.000Z', 'primary-care'))).body;
    const c = await h.post(`/api/v1/scheduling/appointments/${first.id}/reply`, { text: 'C' });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ action: 'confirm', outcome: 'confirmed' });
    expect(c.body.appointment.confirmedAt).toBe(iso(clock));
    expect(c.body.acknowledgement.text).toContain('está confirmada');

    const r = await h.post(`/api/v1/scheduling/appointments/${first.id}/reply`, { text: 'reprogramar' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ action: 'reschedule', outcome: 'reschedule_requested' });
    expect(r.body.appointment.status).toBe('booked');
    expect(r.body.suggestions.length).toBeGreaterThan(0);
    expect(r.body.suggestions.every((s: any) => s.id !== first.slotId && s.provider.languages.includes('es'))).toBe(true);

    const unclear = await h.post(`/api/v1/scheduling/appointments/${first.id}/reply`, { text: 'no, no cancele' });
    expect(unclear.status).toBe(422);
    expect(unclear.body.error).toBe('unrecognised_reply');

    const x = await h.post(`/api/v1/scheduling/appointments/${first.id}/reply`, { text: 'CANCELAR' });
    expect(x.status).toBe(200);
    expect(x.body).toMatchObject({ action: 'cancel', outcome: 'cancelled' });
    expect(x.body.appointment.status).toBe('cancelled');
    // Freed: free again, or already held for a patient on the primary-care waitlist.
    expect(['free', 'busy-tentative']).toContain(await slotStatus(first.slotId));
  });

  it('applyReminderReply on a waitlist offer accepts or declines it; appointmentForReply finds the offer first', async () => {
    clock = T0 + 5 * 3600_000;
    const slot = await slotAt('2026-11-25T15:00:00.000Z', 'pediatrics');
    const booked = (await book(await patient(), slot)).body;
    const w = await patient();
    await h.post('/api/v1/scheduling/waitlist', { patientId: w, department: 'pediatrics' });
    const upcoming = (await book(w, await slotAt('2026-11-30T15:00:00.000Z', 'pediatrics'))).body;
    const res = await h.post(`/api/v1/scheduling/appointments/${booked.id}/cancel`, { reason: 'x' });
    const offerId = res.body.waitlistOffer.appointmentId;
    const target = await appointmentForReply(h.services, h.organizationId, w);
    expect(target!.id).toBe(offerId);
    const result = await applyReminderReply(h.services, h.organizationId, offerId, 'confirm');
    expect(result.outcome).toBe('offer_accepted');
    expect(result.appointment.status).toBe('booked');
    // Both appointments are the patient's now; the reply target is the one reminded last, else the next.
    expect((await appointmentForReply(h.services, h.organizationId, w))!.id).toBe(offerId);
    expect(upcoming.id).not.toBe(offerId);
  });
});

describe('FHIR R4 views', () => {
  it('Appointment/:id is a valid FHIR Appointment', async () => {
    clock = T0 + 6 * 3600_000;
    const p = await patient();
    const ev = await h.post('/api/v1/channel-events', { channel: 'sms', idempotencyKey: 'sched-fhir-1', from: { kind: 'phone', value: '+12125550188' }, text: 'book me in please', occurredAt: iso(clock) });
    const appt = (await book(ev.body.patientId ?? p, await slotAt('2026-11-26T14:00:00.000Z', 'cardiology'), { caseId: ev.body.caseId })).body;
    await h.post(`/api/v1/scheduling/appointments/${appt.id}/confirm`, {});
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/fhir/Appointment/${appt.id}`, headers: { authorization: `Bearer ${h.token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    const a = JSON.parse(res.body) as Appointment;
    expect(a.resourceType).toBe('Appointment');
    expect(a.id).toBe(appt.id);
    expect(a.status).toBe('booked');
    // app-3: booked needs start and end; app-2: start before end.
    expect(Date.parse(a.start!)).toBeLessThan(Date.parse(a.end!));
    expect(a.minutesDuration).toBeGreaterThanOrEqual(20);
    expect(a.slot).toEqual([{ reference: `Slot/${appt.slotId}` }]);
    expect(a.participant.length).toBeGreaterThanOrEqual(1);
    for (const part of a.participant) {
      expect(['accepted', 'declined', 'tentative', 'needs-action']).toContain(part.status);
      expect(part.actor!.reference).toMatch(/^(Patient|Practitioner|Location)\/[0-9a-f-]{36}$/);
    }
    expect(a.supportingInformation).toEqual([{ reference: `Task/${ev.body.caseId}` }]);
    expect(a.serviceType![0]!.coding![0]!.code).toBe('cardiology-consult');
    expect(a.extension![0]!.valueDateTime).toBe(iso(clock));

    const missing = await h.app.inject({ method: 'GET', url: '/api/v1/fhir/Appointment/00000000-0000-4000-8000-000000000009', headers: { authorization: `Bearer ${h.token}` } });
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    const search = await h.get(`/api/v1/fhir/Appointment?patient=Patient/${appt.patientId}`);
    expect(search.body.resourceType).toBe('Bundle');
    expect(search.body.entry.map((e: any) => e.resource.id)).toContain(appt.id);
  });

  it('Slot search returns a searchset Bundle of valid Slots', async () => {
    const schedules = (await h.get('/api/v1/scheduling/schedules')).body as any[];
    const schedule = schedules[0];
    const res = await h.get(`/api/v1/fhir/Slot?schedule=Schedule/${schedule.id}&status=free&start=ge2026-11-10&start=lt2026-11-11&_count=100`);
    expect(res.status).toBe(200);
    const bundle = res.body as Bundle<Slot>;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(bundle.total).toBeGreaterThan(0);
    for (const e of bundle.entry!) {
      const s = e.resource!;
      expect(s.resourceType).toBe('Slot');
      expect(s.schedule.reference).toBe(`Schedule/${schedule.id}`);
      expect(s.status).toBe('free');
      expect(s.start >= '2026-11-10T00:00:00.000Z' && s.start < '2026-11-11T00:00:00.000Z').toBe(true);
      expect(Date.parse(s.start)).toBeLessThan(Date.parse(s.end));
      expect(e.fullUrl).toMatch(new RegExp(`/api/v1/fhir/Slot/${s.id}$`));
    }
    const one = await h.get(`/api/v1/fhir/Slot/${bundle.entry![0]!.resource!.id}`);
    expect(one.body.resourceType).toBe('Slot');
    const sched = await h.get(`/api/v1/fhir/Schedule/${schedule.id}`);
    expect(sched.body.actor.map((x: any) => x.reference.split('/')[0])).toEqual(['Practitioner', 'Location']);
    expect((await h.get('/api/v1/fhir/Slot?start=tomorrow')).status).toBe(400);
    expect((await h.get('/api/v1/fhir/Slot/nope')).status).toBe(404);
  });

  it('a search Bundle reports every match in total and pages through them with self, next and previous links', async () => {
    const schedules = (await h.get('/api/v1/scheduling/schedules')).body as any[];
    const search = `schedule=Schedule/${schedules[0].id}&start=ge2026-11-10&start=lt2026-11-12`;
    const all = (await h.get(`/api/v1/fhir/Slot?${search}&_count=500`)).body as Bundle<Slot>;
    const everyId = all.entry!.map((e) => e.resource!.id);
    expect(everyId.length).toBeGreaterThan(7);
    expect(all.total).toBe(everyId.length);
    expect(all.link!.map((l) => l.relation)).toEqual(['self']);

    // Links are absolute on the public URL; follow them the way a FHIR client does.
    const publicBase = `${h.services.settings.publicUrl}/api/v1/fhir/`;
    const follow = async (url: string) => {
      expect(url.startsWith(publicBase)).toBe(true);
      const res = await h.get(url.slice(h.services.settings.publicUrl.length));
      expect(res.status).toBe(200);
      return res.body as Bundle<Slot>;
    };
    const link = (b: Bundle<Slot>, relation: string) => b.link?.find((l) => l.relation === relation)?.url;
    let page = (await h.get(`/api/v1/fhir/Slot?${search}&_count=3`)).body as Bundle<Slot>;
    expect(page.total).toBe(everyId.length);
    expect(page.entry).toHaveLength(3);
    expect(link(page, 'previous')).toBeUndefined();
    expect((await follow(link(page, 'self')!)).entry!.map((e) => e.resource!.id)).toEqual(everyId.slice(0, 3));
    const seen = page.entry!.map((e) => e.resource!.id);
    const pages = [page];
    while (link(page, 'next')) {
      page = await follow(link(page, 'next')!);
      expect(page.total).toBe(everyId.length);
      seen.push(...page.entry!.map((e) => e.resource!.id));
      pages.push(page);
    }
    expect(seen).toEqual(everyId);
    // Back one page from the last.
    const back = await follow(link(pages[pages.length - 1]!, 'previous')!);
    expect(back.entry!.map((e) => e.resource!.id)).toEqual(pages[pages.length - 2]!.entry!.map((e) => e.resource!.id));

    // Appointments page the same way; an offset past the end is an empty page with the true total.
    expect((await book(await patient(), everyId[0]!)).status).toBe(201);
    expect((await book(await patient(), everyId[1]!)).status).toBe(201);
    const appts = (await h.get('/api/v1/fhir/Appointment?_count=1')).body as Bundle;
    expect(appts.total).toBe(2);
    expect(((await h.get('/api/v1/fhir/Appointment?_count=500')).body as Bundle).entry).toHaveLength(2);
    expect(link(appts as Bundle<Slot>, 'next')).toContain('_offset=1');
    const past = (await h.get(`/api/v1/fhir/Slot?${search}&_count=5&_offset=10000`)).body as Bundle<Slot>;
    expect(past.total).toBe(everyId.length);
    expect(past.entry).toEqual([]);
    expect((await h.get('/api/v1/fhir/Slot?_offset=-1')).status).toBe(400);
  });
});

describe('import', () => {
  // Imported providers and slots would change every later search of the clinic: the import
  // goes into an organisation of its own.
  beforeEach(async () => {
    h = await freshOrganization();
  });

  const doc = {
    departments: [{ slug: 'orthopedics', name: 'Orthopedics' }],
    locations: [{ id: 'ortho-west', name: 'West Orthopedic Center', addressLine: '9 Example Road', timeZone: 'America/Chicago' }],
    providers: [{ id: 'npi-0000000001', name: 'Dr. Iris Calloway', department: 'orthopedics', languages: ['en', 'es'] }],
    schedules: [
      {
        provider: 'npi-0000000001',
        location: 'ortho-west',
        serviceType: 'ortho-consult',
        slotMinutes: 30,
        weekly: [{ days: ['mon', 'wed'], start: '09:00', end: '11:00' }],
        from: '2026-11-09',
        to: '2026-11-13',
        closedDates: ['2026-11-11'],
        slots: [{ start: '2026-11-14T10:00:00-06:00', end: '2026-11-14T10:45:00-06:00' }],
      },
    ],
  };

  it('loads locations, providers, schedules and slots on the location wall clock; again changes nothing', async () => {
    const res = await h.post('/api/v1/scheduling/import', doc);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ departments: 1, locations: { created: 1 }, providers: { created: 1 }, schedules: { created: 1 }, slots: { created: 5, existing: 0 } });
    const found = await h.get('/api/v1/scheduling/slots?department=orthopedics&limit=50&maxPerDay=50&timeZone=America/Chicago');
    expect(found.body.slots.map((s: any) => `${s.fit.local.date} ${s.fit.local.time}`)).toEqual([
      '2026-11-09 09:00',
      '2026-11-09 09:30',
      '2026-11-09 10:00',
      '2026-11-09 10:30',
      '2026-11-14 10:00',
    ]);
    const again = await h.post('/api/v1/scheduling/import', doc);
    expect(again.body).toMatchObject({ locations: { created: 0, updated: 1 }, providers: { created: 0, updated: 1 }, schedules: { existing: 1 }, slots: { created: 0, existing: 5 } });
  });

  it('refuses a file with a broken reference as a whole', async () => {
    const before = await count('providers');
    const bad = await h.post('/api/v1/scheduling/import', {
      providers: [{ id: 'npi-0000000002', name: 'Dr. New Person' }],
      schedules: [{ provider: 'npi-0000000002', location: 'nowhere', slots: [] }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toContain('unknown location "nowhere"');
    expect(await count('providers')).toBe(before);
  });
});

describe('jobs and API description', () => {
  it('startSchedulingJobs runs passes in the background until stopped', async () => {
    const { startSchedulingJobs } = await import('../src/scheduling/index.ts');
    // Wednesday 25 November 10:00: its two-day reminder is due on Monday.
    expect((await book(await patient(), await slotAt('2026-11-25T15:00:00.000Z', 'pediatrics'))).status).toBe(201);
    clock = Date.parse('2026-11-24T14:00:00Z');
    const before = (await eventsOf('reminder_queued')).length;
    const errors: unknown[] = [];
    const jobs = startSchedulingJobs(h.services, { intervalMs: 20, onError: (e) => errors.push(e) });
    for (let i = 0; i < 100 && (await eventsOf('reminder_queued')).length === before; i++) await new Promise((r) => setTimeout(r, 20));
    await jobs.stop();
    expect(errors).toEqual([]);
    expect((await eventsOf('reminder_queued')).length).toBeGreaterThan(before);
    expect(await count('appointment_reminders', `status = 'pending' and due_at <= '2026-11-24T14:00:00Z'`)).toBe(0);
  });

  it('documents every scheduling route in the OpenAPI description', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(JSON.parse(res.body).paths);
    for (const p of ['/api/v1/scheduling/slots', '/api/v1/scheduling/appointments', '/api/v1/scheduling/waitlist', '/api/v1/fhir/Slot', '/api/v1/fhir/Appointment/{id}']) {
      expect(paths).toContain(p);
    }
  });
});
