import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { createRefillRequest, ingestEvent, replyOnCase, updateRefillStatus } from '../src/index.ts';
import { startOutboxWorker, type OutboxWorker } from '../src/outbox/worker.ts';
import type { OutboundItem, OutboundTransport } from '../src/outbox/transport.ts';
import { setConsent } from '../src/store/consent.ts';
import { ChangeSet } from '../src/store/events.ts';
import { cases, departments, events, outbox, staff } from '../src/store/schema.ts';
import { contactPreferences } from '../src/store/schema-consent.ts';
import { auditLog } from '../src/store/schema-audit.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { hiddenField, PortalVisitor } from './helpers/portal.ts';

// Issue 6 point 6: patient contact preferences, enforced by the outbox at send time, changed
// through the API (audited), on PGlite and PostgreSQL.

let h: Harness;
let worker: OutboxWorker;
let clock = Date.parse('2026-01-12T15:00:00Z'); // 10:00 in New York
let seq = 0;
const sent: OutboundItem[] = [];
const fakeSms: OutboundTransport = {
  channel: 'sms',
  async send(item) {
    sent.push(item);
    return { providerRef: `fake-${item.id}` };
  },
};

const iso = () => new Date(clock).toISOString();

async function call(method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown, token = h.token) {
  const res = await h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
}

/** A registered patient with a fictional phone and an example.org email. */
async function patient(language?: 'en' | 'es'): Promise<{ id: string; phone: string; email: string }> {
  const n = ++seq;
  const phone = `+1646555${String(100 + n).padStart(4, '0')}`;
  const email = `prefs${n}@example.org`;
  const res = await h.post('/api/v1/patients', {
    givenName: 'Test',
    familyName: `Prefer${n}`,
    birthDate: '1971-05-06',
    ...(language ? { language } : {}),
    identifiers: [
      { kind: 'phone', value: phone },
      { kind: 'email', value: email },
    ],
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, phone, email };
}

/** The patient texts in now: a case to reply on. */
async function texts(phone: string, text = 'I have a question about my bill'): Promise<{ caseId: string; interactionId: string }> {
  const r = await ingestEvent(h.services, h.organizationId, {
    channel: 'sms',
    direction: 'inbound',
    kind: 'message',
    idempotencyKey: `SM-prefs-${++seq}`,
    occurredAt: iso(),
    from: { kind: 'phone', value: phone },
    text,
  });
  return { caseId: r.caseId!, interactionId: r.interactionId! };
}

/** An organisation-initiated message queued now (what reminders and notifications write). */
async function queueNotice(p: { id: string; phone: string }, extra: Record<string, unknown> = {}, interactionId: string | null = null): Promise<number> {
  const [row] = await h.database.db
    .insert(outbox)
    .values({
      organizationId: h.organizationId,
      interactionId,
      caseId: null,
      channel: 'sms',
      toAddress: p.phone,
      payload: { text: 'Your results are ready in the portal.', purpose: 'results_ready', patientId: p.id, ...extra },
      idempotencyKey: `prefs-notice-${++seq}`,
      nextAttemptAt: iso(),
      createdAt: iso(),
    })
    .returning({ id: outbox.id });
  return row!.id;
}

async function outboxRow(id: number) {
  const [row] = await h.database.db.select().from(outbox).where(eq(outbox.id, id));
  return row!;
}

async function eventsOf(kind: string, patientId: string) {
  return h.database.db
    .select()
    .from(events)
    .where(and(eq(events.organizationId, h.organizationId), eq(events.kind, kind as 'preferences_changed'), eq(events.patientId, patientId)))
    .orderBy(events.id);
}

async function consentAudits(patientId: string) {
  return h.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.patientId, patientId), eq(auditLog.action, 'consent_change')))
    .orderBy(auditLog.seq);
}

const put = (patientId: string, body: unknown, token?: string) => call('PUT', `/api/v1/patients/${patientId}/preferences`, body, token);

async function drain(): Promise<void> {
  for (let i = 0; i < 20 && (await worker.runOnce()) > 0; i++);
}

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  h.services.now = () => new Date(clock);
  worker = startOutboxWorker(h.services, [fakeSms], { autoStart: false });
});
afterAll(async () => {
  await worker?.stop();
  await h?.close();
});
beforeEach(async () => {
  // Leftovers of earlier tests go first (during the day), so each test sees only its own sends.
  clock += 60_000;
  await drain();
  sent.length = 0;
});

describe('preferences API', () => {
  it('returns the defaults for a patient who never said anything', async () => {
    const p = await patient();
    const res = await call('GET', `/api/v1/patients/${p.id}/preferences`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      patientId: p.id,
      channels: { sms: null, email: null, voice: null, portal: null },
      surveys: true,
      language: null,
      timeZone: null,
      quietHours: null,
      effectiveTimeZone: 'America/New_York',
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('a change is stored, logged as preferences_changed and audited with before → after, never an address', async () => {
    const p = await patient();
    const res = await put(p.id, { channels: { email: 'opted_out' }, language: 'es', timeZone: 'America/Chicago', quietHours: { start: '21:30', end: '07:00' }, surveys: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      channels: { sms: null, email: 'opted_out', voice: null, portal: null },
      language: 'es',
      timeZone: 'America/Chicago',
      effectiveTimeZone: 'America/Chicago',
      quietHours: { start: '21:30', end: '07:00' },
      surveys: false,
      updatedBy: { type: 'token', via: 'api' },
    });
    expect((await call('GET', `/api/v1/patients/${p.id}/preferences`)).body).toEqual(res.body);

    const [event] = await eventsOf('preferences_changed', p.id);
    expect(event!.data).toEqual({
      changes: {
        'channels.email': { from: null, to: 'opted_out' },
        language: { from: null, to: 'es' },
        timeZone: { from: null, to: 'America/Chicago' },
        quietHours: { from: null, to: { start: '21:30', end: '07:00' } },
        surveys: { from: true, to: false },
      },
      by: 'token',
      via: 'api',
    });
    const audits = await consentAudits(p.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'token', action: 'consent_change', resourceType: 'contact_preferences', resourceId: p.id, patientId: p.id });
    expect((audits[0]!.detail as any).changes).toEqual(event!.data.changes);
    const logged = JSON.stringify([audits, event]);
    expect(logged).not.toContain(p.phone.slice(2));
    expect(logged).not.toContain(p.email);

    // A second change records only what changed; clearing with null goes back to the default.
    const again = await put(p.id, { channels: { email: null }, quietHours: null });
    expect(again.body).toMatchObject({ channels: { email: null }, quietHours: null, language: 'es' });
    const second = (await consentAudits(p.id))[1]!;
    expect((second.detail as any).changes).toEqual({ 'channels.email': { from: 'opted_out', to: null }, quietHours: { from: { start: '21:30', end: '07:00' }, to: null } });
    // Nothing to change: nothing written.
    await put(p.id, { language: 'es' });
    expect(await consentAudits(p.id)).toHaveLength(2);
    expect(await eventsOf('preferences_changed', p.id)).toHaveLength(2);
  });

  it('bad input is a 400 naming the field, and nothing changes', async () => {
    const p = await patient();
    await put(p.id, { language: 'en', quietHours: { start: '22:00', end: '07:00' } });
    const before = await call('GET', `/api/v1/patients/${p.id}/preferences`);
    const bad = [
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ quietHours: { start: '25:00', end: '07:00' } }, 'quietHours.start'],
      [{ quietHours: { start: '22:00', end: '7am' } }, 'quietHours.end'],
      [{ channels: { fax: 'opted_out' } }, 'channels.fax'],
      [{ timeZone: 'Europe/Madrid', channels: { pager: 'opted_in' } }, 'channels.pager'],
    ] as const;
    for (const [body, field] of bad) {
      const res = await put(p.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe('invalid_preferences');
      expect(Object.keys(res.body.errors)).toContain(field);
    }
    // Structure the schema refuses: a value that is no choice, a field that does not exist.
    expect((await put(p.id, { channels: { sms: 'maybe' } })).status).toBe(400);
    expect((await put(p.id, { language: 'fr' })).status).toBe(400);
    expect((await put(p.id, { smsNumber: '+16465550100' })).status).toBe(400);
    expect((await call('GET', `/api/v1/patients/${p.id}/preferences`)).body).toEqual(before.body);
    expect(await consentAudits(p.id)).toHaveLength(1);
    expect((await put('00000000-0000-4000-8000-000000000000', { language: 'es' })).status).toBe(404);
  });

  it('agents reach only the patients they serve', async () => {
    const db = h.database.db;
    const depts = await db.select().from(departments).where(eq(departments.organizationId, h.organizationId)).orderBy(departments.slug);
    const p = await patient();
    const { caseId } = await texts(p.phone);
    await db.update(cases).set({ departmentId: depts[0]!.id, ownerId: null }).where(and(eq(cases.organizationId, h.organizationId), eq(cases.id, caseId)));
    const agentOf = async (name: string, deptId: string) => {
      const [row] = await db.insert(staff).values({ organizationId: h.organizationId, name, email: `${name}@example.org`, role: 'agent' }).returning({ id: staff.id });
      expect((await call('PUT', `/api/v1/agents/${row!.id}/profile`, { departmentIds: [deptId] })).status).toBe(200);
      const t = await h.post(`/api/v1/staff/${row!.id}/tokens`, {});
      return { id: row!.id, token: t.body.token as string };
    };
    const inside = await agentOf('prefs-agent-in', depts[0]!.id);
    const outside = await agentOf('prefs-agent-out', depts[1]!.id);

    // Out of scope answers like any patient route for an agent: 404, as if the patient did not
    // exist (auth/access-control.ts), so an agent cannot probe for other departments' patients.
    expect((await call('GET', `/api/v1/patients/${p.id}/preferences`, undefined, outside.token)).status).toBe(404);
    expect((await put(p.id, { channels: { sms: 'opted_out' } }, outside.token)).status).toBe(404);
    // A role without the right at all is refused outright.
    const [analyst] = await db.insert(staff).values({ organizationId: h.organizationId, name: 'prefs-analyst', role: 'analyst' }).returning({ id: staff.id });
    const analystToken = (await h.post(`/api/v1/staff/${analyst!.id}/tokens`, {})).body.token as string;
    expect((await call('GET', `/api/v1/patients/${p.id}/preferences`, undefined, analystToken)).status).toBe(403);
    expect((await put(p.id, { channels: { sms: 'opted_out' } }, analystToken)).status).toBe(403);
    expect(await consentAudits(p.id)).toHaveLength(0);
    expect((await call('GET', `/api/v1/patients/${p.id}/preferences`, undefined, inside.token)).status).toBe(200);
    const ok = await put(p.id, { channels: { sms: 'opted_out' } }, inside.token);
    expect(ok.status).toBe(200);
    expect(ok.body.updatedBy).toEqual({ type: 'staff', id: inside.id, via: 'api' });
    const audits = await consentAudits(p.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'staff', actorId: inside.id, actorRole: 'agent' });
  });
});

describe('outbox enforcement', () => {
  it('a channel the patient opted out of is not sent: blocked with its reason, an event, listed by GET /outbox', async () => {
    const p = await patient();
    await put(p.id, { channels: { sms: 'opted_out' } });
    const { caseId } = await texts(p.phone);
    const { outboxId } = await replyOnCase(h.services, h.organizationId, caseId, { text: 'We have your question.', actor: 'agent' });
    const notice = await queueNotice(p);
    await drain();
    expect(sent).toHaveLength(0);
    for (const id of [outboxId!, notice]) {
      expect(await outboxRow(id)).toMatchObject({ status: 'blocked', lastError: 'patient opted out of this channel' });
    }
    const blocked = await eventsOf('outbound_blocked', p.id);
    expect(blocked.map((e) => e.data.reason)).toEqual(['patient_opted_out', 'patient_opted_out']);
    const listed = await call('GET', '/api/v1/outbox?status=blocked');
    expect(listed.body.map((r: { id: number }) => r.id)).toEqual(expect.arrayContaining([outboxId, notice]));

    // Opting back in lets the next one through; email was never opted out.
    await put(p.id, { channels: { sms: 'opted_in' } });
    await queueNotice(p);
    await drain();
    expect(sent).toHaveLength(1);
  });

  it('a STOP from the number still wins for that number, whatever the patient-level choice', async () => {
    const p = await patient();
    await put(p.id, { channels: { sms: 'opted_in' } });
    await h.database.db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, h.organizationId);
      await setConsent(changes, 'sms', p.phone, 'opted_out', 'sms_keyword_en', iso());
      await changes.commit();
    });
    const id = await queueNotice(p);
    await drain();
    expect(sent).toHaveLength(0);
    expect(await outboxRow(id)).toMatchObject({ status: 'blocked', lastError: 'recipient opted out of this channel' });
  });

  it('surveys stop at a survey opt-out; transactional messages still go', async () => {
    const p = await patient();
    await put(p.id, { surveys: false });
    const survey = await queueNotice(p, { purpose: 'survey_csat' });
    const notice = await queueNotice(p);
    await drain();
    expect(await outboxRow(survey)).toMatchObject({ status: 'blocked', lastError: 'patient opted out of surveys' });
    expect((await outboxRow(notice)).status).toBe('sent');
  });

  it('quiet hours defer an organisation message to their end, across the spring DST change, and release it then', async () => {
    const p = await patient();
    await put(p.id, { quietHours: { start: '21:00', end: '08:00' } });
    // Saturday 7 March 2026, 22:00 EST; that night 02:00 EST becomes 03:00 EDT, so 08:00 is 12:00Z, not 13:00Z.
    clock = Date.parse('2026-03-08T03:00:00Z');
    const id = await queueNotice(p);
    expect(await worker.runOnce()).toBe(1);
    expect(sent).toHaveLength(0);
    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: 'deferred', attempts: 0 });
    expect(new Date(row.nextAttemptAt).toISOString()).toBe('2026-03-08T12:00:00.000Z');
    const [deferred] = await eventsOf('outbound_deferred', p.id);
    expect(deferred!.data).toMatchObject({ outboxId: id, reason: 'quiet_hours', until: '2026-03-08T12:00:00.000Z', timeZone: 'America/New_York', messageClass: 'organization' });
    expect((await call('GET', '/api/v1/outbox?status=deferred')).body.map((r: { id: number }) => r.id)).toContain(id);

    clock = Date.parse('2026-03-08T11:59:59Z'); // 07:59:59 EDT: not yet
    expect(await worker.runOnce()).toBe(0);
    clock = Date.parse('2026-03-08T12:00:00Z');
    expect(await worker.runOnce()).toBe(1);
    expect(sent.map((s) => s.id)).toEqual([id]);
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('in the patient zone when they named one, across the autumn DST change', async () => {
    const p = await patient();
    await put(p.id, { quietHours: { start: '22:00', end: '07:30' }, timeZone: 'Europe/Madrid' });
    // Saturday 24 October 2026, 23:00 CEST in Madrid; that night 03:00 CEST becomes 02:00 CET: 07:30 CET is 06:30Z.
    clock = Date.parse('2026-10-24T21:00:00Z');
    const id = await queueNotice(p);
    await worker.runOnce();
    expect(new Date((await outboxRow(id)).nextAttemptAt).toISOString()).toBe('2026-10-25T06:30:00.000Z');
    clock = Date.parse('2026-10-25T05:30:00Z'); // 06:30 CET: still quiet
    expect(await worker.runOnce()).toBe(0);
    clock = Date.parse('2026-10-25T06:30:00Z');
    await worker.runOnce();
    expect((await outboxRow(id)).status).toBe('sent');
  });

  it('a reply to a patient who wrote in the last hour goes at once; urgent messages too; a deferred notice holds no reply back', async () => {
    const p = await patient();
    await put(p.id, { quietHours: { start: '21:00', end: '08:00' } });
    clock = Date.parse('2026-01-15T04:00:00Z'); // 23:00 EST
    const { caseId, interactionId } = await texts(p.phone, 'Is my prescription ready?');
    // A notice on the same conversation, queued before the reply: deferred, and not in the way.
    const notice = await queueNotice(p, {}, interactionId);
    await worker.runOnce();
    expect((await outboxRow(notice)).status).toBe('deferred');
    clock += 40 * 60_000;
    const { outboxId } = await replyOnCase(h.services, h.organizationId, caseId, { text: 'Yes, it is ready for pickup.', actor: 'agent' });
    const urgent = await queueNotice(p, { purpose: 'urgent_safety', urgent: true });
    await drain();
    expect(await outboxRow(outboxId!)).toMatchObject({ status: 'sent' });
    expect(await outboxRow(urgent)).toMatchObject({ status: 'sent' });
    expect((await outboxRow(notice)).status).toBe('deferred');

    // Two hours after the patient's last message a reply is organisation-initiated again: it waits.
    clock += 90 * 60_000;
    const late = await replyOnCase(h.services, h.organizationId, caseId, { text: 'Also, your refill was approved.', actor: 'agent' });
    await drain();
    const lateRow = await outboxRow(late.outboxId!);
    expect(lateRow.status).toBe('deferred');
    expect(new Date(lateRow.nextAttemptAt).toISOString()).toBe('2026-01-15T13:00:00.000Z');
    clock = Date.parse('2026-01-15T13:00:00Z');
    await drain();
    expect((await outboxRow(late.outboxId!)).status).toBe('sent');
    expect((await outboxRow(notice)).status).toBe('sent');
  });

  it('a message that quiet hours would make late is dropped instead (a reminder after the visit)', async () => {
    const p = await patient();
    await put(p.id, { quietHours: { start: '21:00', end: '08:00' } });
    clock = Date.parse('2026-01-16T11:00:00Z'); // 06:00 EST, visit at 07:30
    const id = await queueNotice(p, { purpose: 'appointment_reminder', notAfter: '2026-01-16T12:30:00.000Z' });
    await worker.runOnce();
    expect(await outboxRow(id)).toMatchObject({ status: 'blocked', lastError: 'quiet hours last past the time this message was useful' });
    clock = Date.parse('2026-01-16T15:00:00Z');
  });

  it('a preference changed after the message was queued counts at send time', async () => {
    const p = await patient();
    const id = await queueNotice(p);
    await put(p.id, { channels: { sms: 'opted_out' } });
    await drain();
    expect((await outboxRow(id)).status).toBe('blocked');
  });
});

describe('language', () => {
  it('care notifications honour the preferred language over the record (es and en)', async () => {
    const textsOf = async (caseId: string) =>
      (await h.database.db.select({ payload: outbox.payload }).from(outbox).where(and(eq(outbox.organizationId, h.organizationId), eq(outbox.caseId, caseId))).orderBy(desc(outbox.id))).map(
        (r) => String(r.payload.text),
      );
    clock = Date.parse('2026-01-20T15:00:00Z');
    const spanish = await patient('en');
    await put(spanish.id, { language: 'es' });
    const c1 = await texts(spanish.phone, 'I need a refill of my lisinopril please');
    const t1 = await createRefillRequest(h.services, h.organizationId, { caseId: c1.caseId, patientId: spanish.id, medication: 'lisinopril', urgency: 'routine' });
    await updateRefillStatus(h.services, h.organizationId, t1.id, { status: 'approved' });
    expect((await textsOf(c1.caseId))[0]).toContain('aprobada');

    const english = await patient('es');
    await put(english.id, { language: 'en' });
    const c2 = await texts(english.phone, 'Necesito renovar mi receta de metformina');
    const t2 = await createRefillRequest(h.services, h.organizationId, { caseId: c2.caseId, patientId: english.id, medication: 'metformin', urgency: 'routine' });
    await updateRefillStatus(h.services, h.organizationId, t2.id, { status: 'approved' });
    expect((await textsOf(c2.caseId))[0]).toContain('was approved');
    // The notice names its patient, so the send-time check finds their preferences.
    const [row] = await h.database.db.select({ payload: outbox.payload }).from(outbox).where(inArray(outbox.caseId, [c2.caseId])).orderBy(desc(outbox.id)).limit(1);
    expect(row!.payload.patientId).toBe(english.id);
  });

  it('appointment reminders honour the preferred language over the record (es and en)', async () => {
    const { seedScheduling, runDueReminders } = await import('../src/scheduling/index.ts');
    const { slots } = await import('../src/store/schema-scheduling.ts');
    clock = Date.parse('2026-11-02T14:00:00Z');
    await h.database.db.transaction((tx) => seedScheduling(tx, h.organizationId, { days: 10, from: new Date(clock), seed: 7 }));
    const free = await h.database.db
      .select({ id: slots.id, start: slots.start })
      .from(slots)
      .where(and(eq(slots.organizationId, h.organizationId), eq(slots.status, 'free')))
      .orderBy(slots.start);
    // Two weekday morning visits at least three days out.
    const picks = free.filter((s) => Date.parse(s.start) > clock + 3 * 86_400_000).slice(0, 2);
    expect(picks).toHaveLength(2);
    const spanish = await patient('en');
    await put(spanish.id, { language: 'es' });
    const english = await patient('es');
    await put(english.id, { language: 'en' });
    const booked: string[] = [];
    for (const [who, slot] of [
      [spanish, picks[0]!],
      [english, picks[1]!],
    ] as const) {
      const res = await h.post('/api/v1/scheduling/appointments', { patientId: who.id, slotId: slot.id });
      expect(res.status).toBe(201);
      booked.push(res.body.id);
    }
    // Every reminder due by a minute before the later visit.
    await runDueReminders(h.services, new Date(Date.parse(picks[1]!.start) - 60_000));
    const rows = await h.database.db.select({ payload: outbox.payload }).from(outbox).where(eq(outbox.organizationId, h.organizationId));
    const textOf = (appointmentId: string) => rows.filter((r) => r.payload.appointmentId === appointmentId).map((r) => String(r.payload.text));
    expect(textOf(booked[0]!).length).toBeGreaterThan(0);
    expect(textOf(booked[0]!).every((t) => t.includes('Responda C para confirmar'))).toBe(true);
    expect(textOf(booked[1]!).length).toBeGreaterThan(0);
    expect(textOf(booked[1]!).every((t) => t.includes('Reply C to confirm'))).toBe(true);
    // Reminders carry their patient and the visit start, for the send-time check.
    const reminder = rows.find((r) => r.payload.appointmentId === booked[0]);
    expect(reminder!.payload).toMatchObject({ patientId: spanish.id, notAfter: expect.any(String) });
  });

  it('stores no phone or email in the preferences table', async () => {
    const rows = await h.database.db.select().from(contactPreferences).where(eq(contactPreferences.organizationId, h.organizationId));
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toMatch(/@example\.org|\+1646555/);
  });
});

/** The portal visitor of these tests (helpers/portal.ts). */
class Visitor extends PortalVisitor {
  constructor() {
    super(h.app);
  }
}
const field = (html: string, name: string) => hiddenField(html, name)!;

/** Signs the patient in to the portal by SMS code, as a browser would. */
async function portalSignIn(phone: string): Promise<Visitor> {
  const v = new Visitor();
  const page = await v.request('GET', '/portal?org=demo&lang=en');
  expect((await v.request('POST', '/portal/sign-in?org=demo&lang=en', { csrf: field(page.body, 'csrf'), address: phone, birthDate: '' })).statusCode).toBe(303);
  // Sealed columns are read through Drizzle and matched here, never compared in SQL.
  const recent = await h.database.db.select({ to: outbox.toAddress, payload: outbox.payload }).from(outbox).where(eq(outbox.organizationId, h.organizationId)).orderBy(desc(outbox.id)).limit(20);
  const code = /(\d{6})/.exec(String(recent.find((r) => r.to === phone && r.payload.purpose === 'portal_code')!.payload.text))![1]!;
  const verify = await v.request('GET', '/portal/verify?org=demo&lang=en');
  expect((await v.request('POST', '/portal/verify?org=demo&lang=en', { csrf: field(verify.body, 'csrf'), code })).statusCode).toBe(303);
  return v;
}

describe('patient portal and SMS keywords', () => {
  it('the signed-in patient changes their preferences in English and Spanish; audited as the patient', async () => {
    clock = Date.parse('2026-02-02T15:00:00Z');
    const p = await patient();
    const v = await portalSignIn(p.phone);
    const inbox = await v.request('GET', '/portal?org=demo&lang=en');
    expect(inbox.body).toContain('/portal/preferences?');

    const page = await v.request('GET', '/portal/preferences?org=demo&lang=en');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Your contact preferences</h1>');
    // Every control has a label or sits in a fieldset with a legend.
    expect(page.body).toContain('<legend>Text messages (SMS)</legend>');
    expect(page.body).toContain('<label for="timeZone">');
    expect(page.body).toContain('<label for="quietStart">');
    const csrf = field(page.body, 'csrf');

    // Bad times: 400, the errors named and linked, nothing stored.
    const bad = await v.request('POST', '/portal/preferences?org=demo&lang=en', { csrf, 'channel-sms': 'yes', quietStart: '25:00', quietEnd: '', timeZone: 'Mars/Base' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('href="#quietStart"');
    expect(bad.body).toContain('aria-invalid="true"');
    expect(bad.body).toContain('Choose a time zone from the list.');
    expect(await consentAudits(p.id)).toHaveLength(0);

    const saved = await v.request('POST', '/portal/preferences?org=demo&lang=en', {
      csrf,
      'channel-sms': 'no',
      'channel-email': 'yes',
      'channel-voice': 'yes',
      'channel-portal': 'yes',
      surveys: 'no',
      language: 'es',
      timeZone: 'America/Chicago',
      quietStart: '21:00',
      quietEnd: '8:00',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toContain('lang=es');
    const after = (await call('GET', `/api/v1/patients/${p.id}/preferences`)).body;
    expect(after).toMatchObject({
      channels: { sms: 'opted_out', email: null, voice: null, portal: null },
      surveys: false,
      language: 'es',
      timeZone: 'America/Chicago',
      quietHours: { start: '21:00', end: '08:00' },
      updatedBy: { type: 'patient', id: p.id, via: 'portal' },
    });
    const [audit] = await consentAudits(p.id);
    expect(audit).toMatchObject({ actorType: 'patient', actorId: p.id, route: 'portal:/portal/preferences' });
    expect(JSON.stringify(audit)).not.toContain(p.phone.slice(2));

    // The page in Spanish, showing what was saved.
    const es = await v.request('GET', String(saved.headers.location));
    expect(es.body).toContain('<html lang="es">');
    expect(es.body).toContain('Sus preferencias se guardaron.');
    expect(es.body).toMatch(/name="channel-sms" value="no" checked/);
    expect(es.body).toContain('value="America/Chicago" selected');

    // Without a session: back to sign-in; with a wrong form token: refused.
    expect((await new Visitor().request('GET', '/portal/preferences?org=demo&lang=en')).statusCode).toBe(303);
    expect((await v.request('POST', '/portal/preferences?org=demo&lang=en', { csrf: 'forged', 'channel-sms': 'yes' })).statusCode).toBe(403);
    expect((await call('GET', `/api/v1/patients/${p.id}/preferences`)).body.channels.sms).toBe('opted_out');
  });

  it('SMS STOP and START stay per number, and each change is audited without the number', async () => {
    const { receiveSms } = await import('../src/channels/twilio/sms-inbound.ts');
    const p = await patient();
    const before = await h.database.db.select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.action, 'consent_change'), eq(auditLog.route, 'channel:sms')));
    await receiveSms(h.services, h.organizationId, { messageSid: `SM${'a'.repeat(31)}${++seq % 10}`, from: p.phone, to: '+12125550100', body: 'STOP', mediaUrls: [] });
    await receiveSms(h.services, h.organizationId, { messageSid: `SM${'b'.repeat(31)}${++seq % 10}`, from: p.phone, to: '+12125550100', body: 'START', mediaUrls: [] });
    const rows = await h.database.db.select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.action, 'consent_change'), eq(auditLog.route, 'channel:sms'))).orderBy(auditLog.seq);
    const mine = rows.slice(before.length);
    expect(mine.map((r) => (r.detail as any).changes['address.sms'].to)).toEqual(['opted_out', 'opted_in']);
    expect(mine.every((r) => r.actorType === 'system' && (r.detail as any).via === 'sms_keyword')).toBe(true);
    expect(JSON.stringify(mine)).not.toContain(p.phone.slice(2));
  });
});
