import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  createCallbackTask,
  createRefillRequest,
  requestClinicianCallback,
  requestPaymentPlan,
  resultsStatus,
  seedOrganization,
  setConsent,
  updateRefillStatus,
} from '../src/index.ts';
import { ChangeSet } from '../src/store/events.ts';
import { outboxRows, queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

let h: Harness;
let otherOrg: string;
let seq = 90;

async function rows<T = Record<string, any>>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}

/** A registered patient with a fictional phone, an example.org email and a record number. */
async function patient(p: { language?: 'en' | 'es'; preferredChannel?: string } = {}): Promise<{ id: string; phone: string; email: string; mrn: string }> {
  const n = seq++;
  const phone = `+1917555${String(100 + (n % 100)).padStart(4, '0')}`;
  const email = `care${n}@example.org`;
  const mrn = `CT-${n}`;
  const res = await h.post('/api/v1/patients', {
    givenName: 'Test',
    familyName: `Carer${n}`,
    birthDate: '1968-04-02',
    ...(p.language ? { language: p.language } : {}),
    ...(p.preferredChannel ? { preferredChannel: p.preferredChannel } : {}),
    identifiers: [
      { kind: 'phone', value: phone },
      { kind: 'email', value: email },
      { kind: 'mrn', value: mrn },
    ],
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, phone, email, mrn };
}

/** The patient texts in: a prescription case on SMS. */
async function smsCase(phone: string, text = 'I need a refill of my lisinopril please'): Promise<string> {
  const res = await h.post('/api/v1/channel-events', { idempotencyKey: `SM-care-${seq++}`, channel: 'sms', from: { kind: 'phone', value: phone }, text });
  expect(res.status).toBe(201);
  return res.body.caseId;
}

beforeAll(async () => {
  h = await createHarness({ patients: 20 });
  otherOrg = (await h.database.db.transaction((tx) => seedOrganization(tx, { slug: 'other-care', patients: 3, seed: 99 }))).organizationId;
});
afterAll(async () => h?.close());

describe('refill tasks', () => {
  it('creates a refill task for the pharmacy department with an event and a due time by urgency', async () => {
    const p = await patient();
    const caseId = await smsCase(p.phone);
    const task = await createRefillRequest(h.services, h.organizationId, { caseId, patientId: p.id, medication: 'lisinopril 10 mg', pharmacy: 'Main Street Pharmacy', urgency: 'today' });
    expect(task).toMatchObject({ kind: 'refill', status: 'requested', open: true, caseId, patientId: p.id, details: { medication: 'lisinopril 10 mg', pharmacy: 'Main Street Pharmacy', urgency: 'today' } });
    const [dept] = await rows<{ slug: string }>(sql`select slug from departments where id = ${task.departmentId}`);
    expect(dept!.slug).toBe('pharmacy');
    expect(Date.parse(task.dueAt!) - Date.parse(task.createdAt)).toBe(4 * 3_600_000);
    const events = await rows<{ data: any }>(sql`select data from events where kind = 'care_task_created' and case_id = ${caseId}`);
    expect(events).toHaveLength(1);
    // The log names the work, never the medication.
    expect(JSON.stringify(events[0]!.data)).not.toContain('lisinopril');

    const listed = await h.get(`/api/v1/tasks?kind=refill&status=requested&departmentId=${task.departmentId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((t: { id: string }) => t.id)).toContain(task.id);
    const one = await h.get(`/api/v1/tasks/${task.id}`);
    expect(one.body).toMatchObject({ id: task.id, kind: 'refill' });
  });

  it('tells the patient in Spanish on SMS, stores the message on the case, and logs every change', async () => {
    const p = await patient({ language: 'es' });
    const caseId = await smsCase(p.phone, 'Necesito renovar mi receta de metformina');
    const task = await createRefillRequest(h.services, h.organizationId, { caseId, patientId: p.id, medication: 'metformina', pharmacy: 'Farmacia Central', urgency: 'routine' });

    const approved = await h.post(`/api/v1/tasks/${task.id}/status`, { status: 'approved', note: 'ok per Dr. Whitfield' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', notification: { channel: 'sms', blocked: null } });
    const sent = await updateRefillStatus(h.services, h.organizationId, task.id, { status: 'sent_to_pharmacy' });
    expect(sent.status).toBe('sent_to_pharmacy');
    expect(sent.open).toBe(false);

    const out = await outboxRows(h.database, (o) => o.case_id === caseId && o.payload.purpose === 'care_task_update');
    expect(out).toHaveLength(2);
    expect(out.every((o) => o.channel === 'sms' && o.to_address === p.phone)).toBe(true);
    expect(out[0]!.payload.text).toContain('aprobada');
    expect(out[1]!.payload.text).toContain('Farmacia Central');
    const msgs = await rows<{ body: string; direction: string; actor: string }>(sql`select body, direction, actor from messages where case_id = ${caseId} and actor = 'system' order by occurred_at, id`);
    expect(msgs.map((m) => m.body)).toEqual(out.map((o) => o.payload.text));
    const changes = await rows<{ data: any }>(sql`select data from events where kind = 'care_task_status_changed' and case_id = ${caseId} order by id`);
    expect(changes.map((e) => [e.data.from, e.data.to])).toEqual([
      ['requested', 'approved'],
      ['approved', 'sent_to_pharmacy'],
    ]);
    const stored = await h.get(`/api/v1/tasks/${task.id}`);
    expect(stored.body.details.notes).toHaveLength(1);
  });

  it('tells an English speaker by email when that is their preferred channel and the case is not on a messaging channel', async () => {
    const p = await patient({ language: 'en', preferredChannel: 'email' });
    // A web chat that has ended: no live session to deliver in.
    const chat = await h.post('/api/v1/channel-events', {
      idempotencyKey: `chat-care-${seq++}`,
      channel: 'webchat',
      conversationRef: `chat-care-${seq}`,
      from: { kind: 'chat_visitor', value: `visitor-care-${seq}` },
      text: 'I need a refill of atorvastatin, my email is ' + p.email,
    });
    expect(chat.status).toBe(201);
    const caseId = chat.body.caseId as string;
    // Test shortcut: the chat has ended and the case is known to be this patient's (the
    // pipeline's own identification is covered in pipeline.test.ts).
    await h.database.db.execute(sql`update interactions set status = 'ended' where case_id = ${caseId}`);
    await h.database.db.execute(sql`update cases set patient_id = ${p.id} where id = ${caseId}`);
    const task = await createRefillRequest(h.services, h.organizationId, { caseId, patientId: p.id, medication: 'atorvastatin', urgency: 'soon' });
    const denied = await updateRefillStatus(h.services, h.organizationId, task.id, { status: 'denied' });
    expect(denied.notification).toMatchObject({ channel: 'email', blocked: null });
    const [row] = await rows<{ to_address: string; payload: any }>(sql`select to_address, payload from outbox where id = ${denied.notification!.outboxId}`);
    expect(row!.to_address).toBe(p.email);
    expect(row!.payload.text).toContain('could not approve');
    expect(row!.payload.subject).toBe('Update on your refill');
  });

  it('honours consent: an opted-out SMS number falls back to email, and nothing is sent when every address is opted out', async () => {
    const p = await patient({ language: 'en' });
    const caseId = await smsCase(p.phone);
    await h.database.db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, h.organizationId);
      await setConsent(changes, 'sms', p.phone, 'opted_out', 'test STOP', new Date().toISOString());
      await changes.commit();
    });
    const t1 = await createRefillRequest(h.services, h.organizationId, { caseId, patientId: p.id, medication: 'lisinopril', urgency: 'routine' });
    const r1 = await updateRefillStatus(h.services, h.organizationId, t1.id, { status: 'approved' });
    expect(r1.notification).toMatchObject({ channel: 'email', blocked: null });

    await h.database.db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, h.organizationId);
      await setConsent(changes, 'email', p.email, 'opted_out', 'test unsubscribe', new Date().toISOString());
      await changes.commit();
    });
    const r2 = await updateRefillStatus(h.services, h.organizationId, t1.id, { status: 'sent_to_pharmacy' });
    expect(r2.status).toBe('sent_to_pharmacy');
    expect(r2.notification).toMatchObject({ channel: null, outboxId: null, blocked: 'opted_out' });
    const blocked = await rows(sql`select data from events where kind = 'outbound_blocked' and case_id = ${caseId}`);
    expect(blocked).toHaveLength(1);
  });

  it('refuses bad changes with a clear 4xx and changes nothing', async () => {
    const p = await patient();
    const caseId = await smsCase(p.phone);
    const task = await createRefillRequest(h.services, h.organizationId, { caseId, patientId: p.id, medication: 'amlodipine', urgency: 'routine' });
    const before = await rows<{ n: number }>(sql`select count(*)::int as n from events where organization_id = ${h.organizationId}`);

    expect((await h.post(`/api/v1/tasks/${task.id}/status`, { status: 'requested' })).status).toBe(409);
    expect((await h.post(`/api/v1/tasks/${task.id}/status`, { status: 'completed' })).body.error).toBe('invalid_status');
    expect((await h.post(`/api/v1/tasks/${task.id}/status`, { status: 'shipped' })).status).toBe(400);
    expect((await h.post(`/api/v1/tasks/${task.id}/status`, { status: 'approved', staffId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    expect((await h.post(`/api/v1/tasks/00000000-0000-4000-8000-000000000000/status`, { status: 'approved' })).status).toBe(404);
    await updateRefillStatus(h.services, h.organizationId, task.id, { status: 'denied' });
    const final = await h.post(`/api/v1/tasks/${task.id}/status`, { status: 'approved' });
    expect(final.status).toBe(409);
    expect(final.body.message).toContain('final');

    const after = await rows<{ n: number }>(sql`select count(*)::int as n from events where organization_id = ${h.organizationId}`);
    // Only the denial (status change, message, notification) was written.
    expect(after[0]!.n - before[0]!.n).toBe(3);

    await expect(createRefillRequest(h.services, h.organizationId, { caseId, patientId: p.id, medication: '  ', urgency: 'routine' })).rejects.toMatchObject({ status: 400 });
    await expect(createRefillRequest(h.services, h.organizationId, { caseId, patientId: p.id, medication: 'x', urgency: 'yesterday' as never })).rejects.toMatchObject({ status: 400 });
    const other = await patient();
    await expect(createRefillRequest(h.services, h.organizationId, { caseId, patientId: other.id, medication: 'x', urgency: 'routine' })).rejects.toMatchObject({ code: 'case_patient_mismatch' });
    const bad = await h.post('/api/v1/tasks', { kind: 'refill', caseId, patientId: p.id, urgency: 'routine' });
    expect(bad.status).toBe(400);
  });

  it('keeps organisations apart', async () => {
    const p = await patient();
    const caseId = await smsCase(p.phone);
    const task = await createRefillRequest(h.services, h.organizationId, { caseId, patientId: p.id, medication: 'losartan', urgency: 'routine' });
    await expect(updateRefillStatus(h.services, otherOrg, task.id, { status: 'approved' })).rejects.toMatchObject({ status: 404 });
    await expect(createRefillRequest(h.services, otherOrg, { caseId, patientId: p.id, medication: 'losartan', urgency: 'routine' })).rejects.toMatchObject({ status: 404 });
    await expect(resultsStatus(h.services, otherOrg, p.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('other tasks', () => {
  it('opens clinician callbacks, payment plans and callbacks for the right departments', async () => {
    const p = await patient({ language: 'es' });
    const caseId = await smsCase(p.phone, 'Tengo una pregunta sobre mi factura');
    const clinician = await requestClinicianCallback(h.services, h.organizationId, { caseId, patientId: p.id, reason: 'wants to discuss lab results' });
    const plan = await requestPaymentPlan(h.services, h.organizationId, { caseId, patientId: p.id, monthlyAmount: 25.5 });
    const callback = await createCallbackTask(h.services, h.organizationId, { caseId, patientId: p.id, window: 'weekday mornings' });
    const slugOf = async (id: string | null) => (await rows<{ slug: string }>(sql`select slug from departments where id = ${id}`))[0]?.slug;
    expect([clinician.status, plan.status, callback.status]).toEqual(['open', 'requested', 'open']);
    expect(await slugOf(clinician.departmentId)).toBe('nursing');
    expect(await slugOf(plan.departmentId)).toBe('billing');
    expect(await slugOf(callback.departmentId)).toBe('general');
    expect(plan.details.monthlyAmountCents).toBe(2550);
    await expect(requestPaymentPlan(h.services, h.organizationId, { caseId, patientId: p.id, monthlyAmount: -3 })).rejects.toMatchObject({ status: 400 });

    // A payment plan decision is told to the patient; a callback's progress is not.
    const approved = await h.post(`/api/v1/tasks/${plan.id}/status`, { status: 'approved' });
    expect(approved.body.notification.channel).toBe('sms');
    const [msg] = await rows<{ payload: any }>(sql`select payload from outbox where id = ${approved.body.notification.outboxId}`);
    expect(msg!.payload.text).toContain('plan de pagos');
    const done = await h.post(`/api/v1/tasks/${callback.id}/status`, { status: 'completed' });
    expect(done.status).toBe(200);
    expect(done.body.notification).toBeNull();
    await expect(updateRefillStatus(h.services, h.organizationId, clinician.id, { status: 'approved' })).rejects.toMatchObject({ code: 'wrong_task_kind', status: 409 });
  });
});

describe('results status', () => {
  it('counts available and pending results by FHIR status only, with the portal link', async () => {
    const p = await patient();
    const empty = await resultsStatus(h.services, h.organizationId, p.id);
    expect(empty).toMatchObject({ available: 0, pending: 0, latestAvailableAt: null });
    expect(empty.portalUrl).toMatch(/\/portal\?org=/);
    const res = await h.post('/api/v1/results/import', {
      results: [
        { id: 'R-1', mrn: p.mrn, code: '57698-3', name: 'Lipid panel', status: 'final', effectiveDate: '2026-03-01', issuedAt: '2026-03-02T15:00:00Z' },
        { id: 'R-2', mrn: p.mrn, name: 'Hemoglobin A1c', status: 'preliminary' },
        { id: 'R-3', mrn: p.mrn, name: 'Urinalysis', status: 'registered' },
        { id: 'R-4', mrn: p.mrn, name: 'Old test', status: 'cancelled' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 4, updated: 0 });
    expect(await resultsStatus(h.services, h.organizationId, p.id)).toMatchObject({ available: 1, pending: 2, latestAvailableAt: '2026-03-02T15:00:00.000Z' });
    // The A1c is finalised: re-importing the same report id updates it.
    const csv = 'result_id,mrn,name,status,issued_at\nR-2,' + p.mrn + ',Hemoglobin A1c,final,2026-03-04T10:00:00Z\n';
    const again = await h.app.inject({ method: 'POST', url: '/api/v1/results/import', headers: { authorization: `Bearer ${h.token}`, 'content-type': 'text/csv' }, payload: csv });
    expect(again.statusCode).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ created: 0, updated: 1 });
    const http = await h.get(`/api/v1/patients/${p.id}/results-status`);
    expect(http.body).toMatchObject({ available: 2, pending: 1 });
    // Nothing about values exists to leak.
    const cols = await rows<{ column_name: string }>(sql`select column_name from information_schema.columns where table_name = 'lab_results'`);
    expect(cols.map((c) => c.column_name).some((c) => /value|interpret|result_text/.test(c))).toBe(false);
  });

  it('rejects a results file with a bad row and imports none of it', async () => {
    const p = await patient();
    const res = await h.post('/api/v1/results/import', {
      results: [
        { id: 'RX-1', mrn: p.mrn, name: 'Lipid panel', status: 'final' },
        { id: 'RX-2', mrn: p.mrn, name: 'CBC', status: 'done' },
        { id: 'RX-3', mrn: 'NOPE-404', name: 'CBC', status: 'final' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 2, field: 'results[1].status' })]);
    expect((await resultsStatus(h.services, h.organizationId, p.id)).available).toBe(0);
    const unknownPatient = await h.post('/api/v1/results/import', { results: [{ id: 'RX-9', mrn: 'NOPE-404', name: 'CBC', status: 'final' }] });
    expect(unknownPatient.status).toBe(422);
    expect(unknownPatient.body.errors[0]).toMatchObject({ row: 1, field: 'mrn' });
  });
});
