import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { outboxRows, queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// The agent workspace's tools: patient timeline, canned responses, the typed-question check
// and guarded reply, one-click verification, and resolving with a disposition. The app and
// database are shared by the file; every test registers its own patients (fresh phone numbers
// and addresses) and opens its own cases, so the tests pass alone and in any order.

let h: Harness;
let seq = 0;
const T0 = Date.parse('2026-11-02T14:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function event(body: Record<string, unknown>) {
  return h.post('/api/v1/channel-events', { idempotencyKey: `ws-${++seq}`, direction: 'inbound', kind: 'message', ...body });
}

async function call(method: 'PUT' | 'DELETE', path: string, body?: unknown) {
  const res = await h.app.inject({ method, url: path, headers: { authorization: `Bearer ${h.token}` }, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}

async function eventsOf(caseId: string, kind: string) {
  return rows<{ data: Record<string, unknown>; interaction_id: string | null }>(sql`select data, interaction_id from events where case_id = ${caseId} and kind = ${kind} order by id`);
}

async function register(p: { givenName: string; familyName: string; birthDate: string; phone?: string; email?: string; language?: 'en' | 'es' }) {
  const identifiers = [...(p.phone ? [{ kind: 'phone', value: p.phone }] : []), ...(p.email ? [{ kind: 'email', value: p.email }] : [])];
  const res = await h.post('/api/v1/patients', { givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, language: p.language, identifiers });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** A phone number and email address nobody in this file has used yet (555-01xx: fictional). */
let contacts = 0;
function freshContact(name: string): { phone: string; email: string } {
  const n = contacts++;
  const area = ['646', '718', '917'][Math.floor(n / 100)]!;
  return { phone: `+1${area}55501${String(n % 100).padStart(2, '0')}`, email: `${name}.${n}@example.org` };
}

let staffId: string;

beforeAll(async () => {
  // The services' clock stands just after the last fixed instant the tests write at.
  h = await createHarness({ patients: 20, now: T0 + 12 * 60 * 60_000 });
  const staff = await rows<{ id: string }>(sql`select id from staff where organization_id = ${h.organizationId} and name = 'Alex Rivera'`);
  staffId = staff[0]!.id;
});
afterAll(async () => {
  await h?.close();
});

describe('patient timeline', () => {
  let patientId: string;
  let smsCase: string;
  let emailCase: string;

  beforeEach(async () => {
    const nora = freshContact('nora.vance');
    patientId = await register({ givenName: 'Nora', familyName: 'Vance', birthDate: '1970-05-05', ...nora });
    const sms = await event({ channel: 'sms', from: { kind: 'phone', value: nora.phone }, text: 'I need a refill of my metformin', occurredAt: at(0) });
    smsCase = sms.body.caseId;
    await h.post(`/api/v1/cases/${smsCase}/resolve`, { requestType: 'prescription', disposition: 'resolved_first_contact', at: at(5) });
    const mail = await event({ channel: 'email', from: { kind: 'email', value: nora.email }, subject: 'Bill', text: 'I have a question about my bill', occurredAt: at(60) });
    emailCase = mail.body.caseId;
    expect(emailCase).not.toBe(smsCase);
  });

  it('lists cases and interactions newest first, with channel, direction and how each joined', async () => {
    const res = await h.get(`/api/v1/patients/${patientId}/timeline`);
    expect(res.status).toBe(200);
    expect(res.body.patientId).toBe(patientId);
    const items = res.body.items as Array<any>;
    expect(items.map((i) => i.kind)).toEqual(['interaction', 'case', 'interaction', 'case']);
    expect(items[0].interaction).toMatchObject({ channel: 'email', direction: 'inbound', joinedBy: 'new_case', caseId: emailCase });
    expect(items[1].case).toMatchObject({ id: emailCase, requestType: 'billing', status: 'open' });
    expect(items[3].case).toMatchObject({ id: smsCase, status: 'resolved', disposition: 'resolved_first_contact' });
    const times = items.map((i) => Date.parse(i.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(res.body.nextCursor).toBeNull();
  });

  it('filters by kind, channel and time', async () => {
    const cases = await h.get(`/api/v1/patients/${patientId}/timeline?kinds=case`);
    expect(cases.body.items.map((i: any) => i.kind)).toEqual(['case', 'case']);
    const sms = await h.get(`/api/v1/patients/${patientId}/timeline?channel=sms`);
    expect(sms.body.items.map((i: any) => i.id)).toEqual([expect.any(String), smsCase]);
    expect(sms.body.items[0].interaction.channel).toBe('sms');
    const late = await h.get(`/api/v1/patients/${patientId}/timeline?from=${encodeURIComponent(at(30))}`);
    expect(late.body.items).toHaveLength(2);
    const survey = await h.get(`/api/v1/patients/${patientId}/timeline?kinds=survey`);
    expect(survey.status).toBe(200);
    expect(survey.body.items).toEqual([]);
  });

  it('pages with a keyset cursor without gaps or repeats', async () => {
    const all = (await h.get(`/api/v1/patients/${patientId}/timeline`)).body.items.map((i: any) => i.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await h.get(`/api/v1/patients/${patientId}/timeline?limit=1${cursor ? `&before=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: any) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('follows a merge: the merged record resolves to the survivor', async () => {
    const { phone } = freshContact('nora');
    const other = await register({ givenName: 'Nora', familyName: 'Vance', birthDate: '1970-05-05', phone });
    const otherSms = await event({ channel: 'sms', from: { kind: 'phone', value: phone }, text: 'Can I book an appointment?', occurredAt: at(120) });
    const merged = await h.post(`/api/v1/patients/${patientId}/merge`, { mergedId: other });
    expect(merged.status).toBe(201);
    const res = await h.get(`/api/v1/patients/${other}/timeline?kinds=case`);
    expect(res.status).toBe(200);
    expect(res.body.patientId).toBe(patientId);
    expect(res.body.requestedId).toBe(other);
    expect(res.body.items.map((i: any) => i.id)).toContain(otherSms.body.caseId);
    expect(res.body.items).toHaveLength(3);
  });

  it('refuses bad filters and unknown patients clearly', async () => {
    expect((await h.get(`/api/v1/patients/${patientId}/timeline?kinds=case,fax`)).status).toBe(400);
    expect((await h.get(`/api/v1/patients/${patientId}/timeline?channel=fax`)).status).toBe(400);
    expect((await h.get(`/api/v1/patients/${patientId}/timeline?before=nonsense`)).body.error).toBe('invalid_cursor');
    expect((await h.get(`/api/v1/patients/${patientId}/timeline?from=${encodeURIComponent(at(10))}&to=${encodeURIComponent(at(5))}`)).status).toBe(400);
    expect((await h.get(`/api/v1/patients/00000000-0000-4000-8000-000000000000/timeline`)).status).toBe(404);
  });
});

describe('canned responses', () => {
  let caseId: string;

  beforeEach(async () => {
    const { phone } = freshContact('maria');
    await register({ givenName: 'María', familyName: 'Núñez', birthDate: '1958-09-09', phone, language: 'es' });
    const sms = await event({ channel: 'sms', from: { kind: 'phone', value: phone }, text: 'Necesito renovar mi receta de lisinopril', occurredAt: at(200) });
    caseId = sms.body.caseId;
  });

  it('seeds a starter set in English and Spanish', async () => {
    const all = await h.get('/api/v1/canned-responses');
    expect(all.status).toBe(200);
    const shortcuts = new Set(all.body.map((c: any) => `${c.language}:${c.shortcut}`));
    for (const s of ['greet', 'appt-confirmed', 'refill-received', 'callback', 'closing', 'verify']) {
      expect(shortcuts.has(`en:${s}`)).toBe(true);
      expect(shortcuts.has(`es:${s}`)).toBe(true);
    }
    const es = await h.get('/api/v1/canned-responses?language=es&q=refill');
    expect(es.body).toHaveLength(1);
    expect(es.body[0].variables).toEqual(['patient.givenName', 'case.requestType']);
  });

  it('renders for a case; unknown values stay visible and are reported', async () => {
    const list = (await h.get('/api/v1/canned-responses?language=es')).body as Array<any>;
    const refill = list.find((c) => c.shortcut === 'refill-received');
    const res = await h.post(`/api/v1/cases/${caseId}/canned-responses/${refill.id}/render`, {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      text: 'Gracias, María. Recibimos su solicitud de receta y la enviamos al equipo médico. Le avisaremos cuando esté lista.',
      missing: [],
      language: 'es',
    });
    const greet = list.find((c) => c.shortcut === 'greet');
    // An organisation token names no agent: the agent's name is left for the person to fill.
    const noAgent = await h.post(`/api/v1/cases/${caseId}/canned-responses/${greet.id}/render`, {});
    expect(noAgent.body.missing).toEqual(['agent.name']);
    expect(noAgent.body.text).toContain('{{agent.name}}');
    expect(noAgent.body.text).toContain('Riverside Health');
    const withAgent = await h.post(`/api/v1/cases/${caseId}/canned-responses/${greet.id}/render`, { staffId });
    expect(withAgent.body.text).toMatch(/^Hola María, le habla Alex Rivera de Riverside Health\./);
    // A staff member's own sign-in token names them: no staffId needed.
    const issued = await h.post(`/api/v1/staff/${staffId}/tokens`, {});
    const asAgent = await h.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/canned-responses/${greet.id}/render`,
      headers: { authorization: `Bearer ${issued.body.token}` },
      payload: {},
    });
    expect(JSON.parse(asAgent.body)).toMatchObject({ missing: [], text: expect.stringContaining('Alex Rivera') });
    const appt = list.find((c) => c.shortcut === 'appt-confirmed');
    const noAppt = await h.post(`/api/v1/cases/${caseId}/canned-responses/${appt.id}/render`, {});
    expect(noAppt.body.missing).toEqual(['appointment.start']);
  });

  it('creates, updates and deletes, refusing duplicates and bad input', async () => {
    const created = await h.post('/api/v1/canned-responses', { language: 'en', shortcut: 'lab-ready', title: 'Lab results ready', body: 'Hi {{patient.givenName}}, your {{case.requestType}} are ready. {{portal.link}}' });
    expect(created.status).toBe(201);
    expect(created.body.variables).toEqual(['patient.givenName', 'case.requestType', 'portal.link']);
    const dup = await h.post('/api/v1/canned-responses', { language: 'en', shortcut: 'lab-ready', title: 'Again', body: 'x' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('shortcut_taken');
    const sameInSpanish = await h.post('/api/v1/canned-responses', { language: 'es', shortcut: 'lab-ready', title: 'Resultados', body: 'Sus resultados están listos.' });
    expect(sameInSpanish.status).toBe(201);
    const rendered = await h.post(`/api/v1/cases/${caseId}/canned-responses/${created.body.id}/render`, {});
    expect(rendered.body.missing).toEqual(['portal.link']);
    expect(rendered.body.text).toBe('Hi María, your prescription are ready. {{portal.link}}');

    const before = (await h.get('/api/v1/canned-responses')).body.length;
    expect((await h.post('/api/v1/canned-responses', { language: 'fr', shortcut: 'x', title: 'x', body: 'x' })).status).toBe(400);
    expect((await h.post('/api/v1/canned-responses', { language: 'en', shortcut: 'Has Spaces', title: 'x', body: 'x' })).status).toBe(400);
    expect((await h.post('/api/v1/canned-responses', { language: 'en', shortcut: 'dept', title: 'x', body: 'x', departmentId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    expect((await h.get('/api/v1/canned-responses')).body.length).toBe(before);

    const updated = await call('PUT', `/api/v1/canned-responses/${created.body.id}`, { language: 'en', shortcut: 'lab-ready', title: 'Results ready', body: 'Your results are ready, {{patient.givenName}}.' });
    expect(updated.status).toBe(200);
    expect(updated.body.title).toBe('Results ready');
    expect((await call('PUT', `/api/v1/canned-responses/${created.body.id}`, { language: 'en', shortcut: 'greet', title: 'x', body: 'x' })).status).toBe(409);
    expect((await call('DELETE', `/api/v1/canned-responses/${created.body.id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/v1/canned-responses/${created.body.id}`)).status).toBe(404);
  });

  it('scopes department responses', async () => {
    const depts = (await h.get('/api/v1/departments')).body as Array<{ id: string; slug: string }>;
    const pharmacy = depts.find((d) => d.slug === 'pharmacy')!.id;
    const billing = depts.find((d) => d.slug === 'billing')!.id;
    await h.post('/api/v1/canned-responses', { language: 'en', shortcut: 'pickup', title: 'Ready for pickup', body: 'Your prescription is ready for pickup.', departmentId: pharmacy });
    const inPharmacy = (await h.get(`/api/v1/canned-responses?departmentId=${pharmacy}`)).body.map((c: any) => c.shortcut);
    const inBilling = (await h.get(`/api/v1/canned-responses?departmentId=${billing}`)).body.map((c: any) => c.shortcut);
    expect(inPharmacy).toContain('pickup');
    expect(inPharmacy).toContain('greet');
    expect(inBilling).not.toContain('pickup');
  });
});

describe('known-fact check on typed questions', () => {
  let caseId: string;

  beforeEach(async () => {
    const { phone } = freshContact('tom');
    await register({ givenName: 'Tom', familyName: 'Hale', birthDate: '1980-01-20', phone });
    const sms = await event({ channel: 'sms', from: { kind: 'phone', value: phone }, text: 'I need a refill of my lisinopril. My date of birth is 01/20/1980', occurredAt: at(300) });
    caseId = sms.body.caseId;
    expect(sms.body.facts).toEqual(expect.arrayContaining(['medication', 'birthDate']));
  });

  it('shows known values for what a message asks, without changing anything', async () => {
    const before = (await rows<{ n: number }>(sql`select count(*)::int as n from events`))[0]!.n;
    const res = await h.post(`/api/v1/cases/${caseId}/ask-check`, { text: 'Can you confirm your date of birth? And which pharmacy do you use?' });
    expect(res.status).toBe(200);
    expect(res.body.asks).toEqual([
      { fact: 'birthDate', known: { value: '1980-01-20', source: 'extractor', channel: 'sms', at: at(300), verified: false } },
      { fact: 'pharmacy', known: null },
    ]);
    const none = await h.post(`/api/v1/cases/${caseId}/ask-check`, { text: 'Your refill is on its way.' });
    expect(none.body.asks).toEqual([]);
    const es = await h.post(`/api/v1/cases/${caseId}/ask-check`, { text: '¿Qué medicamento necesita?' });
    expect(es.body.asks[0]).toMatchObject({ fact: 'medication', known: { value: expect.stringMatching(/lisinopril/i) } });
    expect((await rows<{ n: number }>(sql`select count(*)::int as n from events`))[0]!.n).toBe(before);
  });

  it('holds back a reply that asks a known fact and sends nothing', async () => {
    const messages = async () => (await rows<{ n: number }>(sql`select count(*)::int as n from messages where case_id = ${caseId}`))[0]!.n;
    const before = await messages();
    const res = await h.post(`/api/v1/cases/${caseId}/reply`, { text: "What's your date of birth?", staffId });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('fact_already_known');
    expect(res.body.known).toEqual([{ fact: 'birthDate', known: expect.objectContaining({ value: '1980-01-20', channel: 'sms' }) }]);
    expect(await messages()).toBe(before);
    expect(await eventsOf(caseId, 'repeat_ask')).toHaveLength(0);
    // the older endpoint runs the same rule
    expect((await h.post(`/api/v1/cases/${caseId}/messages`, { text: "What's your date of birth?" })).status).toBe(409);
  });

  it('sends anyway when the agent insists, counted as a repeat ask through the ask path', async () => {
    const res = await h.post(`/api/v1/cases/${caseId}/reply`, { text: 'Sorry, can you confirm your date of birth once more?', staffId, sendAnyway: true });
    expect(res.status).toBe(201);
    expect(res.body.outboxId).toEqual(expect.any(Number));
    expect(res.body.asks).toEqual([{ fact: 'birthDate', outcome: 'repeat_ask' }]);
    const repeats = await eventsOf(caseId, 'repeat_ask');
    expect(repeats).toHaveLength(1);
    expect(repeats[0]!.data).toMatchObject({ fact: 'birthDate', actor: 'agent', staffId, channel: 'sms' });
    const friction = await h.get('/api/v1/metrics/friction');
    expect(JSON.stringify(friction.body)).toMatch(/repeat/i);
  });

  it('records an unknown fact asked in words as an ask, so the next answer fills it', async () => {
    const res = await h.post(`/api/v1/cases/${caseId}/reply`, { text: 'Which pharmacy should we send it to?', staffId });
    expect(res.status).toBe(201);
    expect(res.body.asks).toEqual([{ fact: 'pharmacy', outcome: 'ask' }]);
    expect((await eventsOf(caseId, 'fact_asked')).map((e) => e.data.fact)).toContain('pharmacy');
    const [interaction] = await rows<{ awaiting_fact: string }>(sql`select awaiting_fact from interactions where case_id = ${caseId} order by last_activity_at desc limit 1`);
    expect(interaction!.awaiting_fact).toBe('pharmacy');
  });

  it('lets ordinary replies through untouched', async () => {
    const res = await h.post(`/api/v1/cases/${caseId}/reply`, { text: 'Thanks, I have your date of birth. Your refill is on its way.', staffId });
    expect(res.status).toBe(201);
    expect(res.body.asks).toEqual([]);
  });
});

describe('one-click verification', () => {
  let jose: { phone: string; email: string };
  let caseId: string;
  let interactionId: string;

  // José writes by SMS from his registered number: a case with a patient on it.
  beforeEach(async () => {
    jose = freshContact('jose.garcia');
    await register({ givenName: 'José', familyName: 'García López', birthDate: '1961-03-14', ...jose });
    const sms = await event({ channel: 'sms', from: { kind: 'phone', value: jose.phone }, text: 'I have a question about a charge on my bill', occurredAt: at(410) });
    caseId = sms.body.caseId;
    interactionId = sms.body.interactionId;
  });

  it('needs a patient on the case first', async () => {
    // An unknown chat visitor: the contact is anonymous until verified.
    const chat = await event({ channel: 'webchat', from: { kind: 'chat_visitor', value: 'visitor-verify' }, conversationRef: 'chat-verify', text: 'I want to talk about my bill', occurredAt: at(400) });
    const res = await h.post(`/api/v1/cases/${chat.body.caseId}/verify`, { method: 'dob_name', givenName: 'Jose', familyName: 'Garcia', birthDate: '1961-03-14' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('no_patient');
  });

  it('verifies by name and date of birth, tolerant of case and accents, logging no values', async () => {
    const wrong = await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'dob_name', givenName: 'Jose', familyName: 'Garcia', birthDate: '1961-03-15', staffId });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ verified: false, reason: 'mismatch', attemptsLeft: 2 });
    const ok = await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'dob_name', givenName: 'JOSE', familyName: 'garcia lopez', birthDate: '1961-03-14', staffId });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ verified: true, assurance: 'verified', interactionId });
    const [row] = await rows<{ assurance: string }>(sql`select assurance from interactions where id = ${interactionId}`);
    expect(row!.assurance).toBe('verified');
    const card = await h.get(`/api/v1/cases/${caseId}/context`);
    expect(card.body.assurance).toBe('verified');
    const verified = await eventsOf(caseId, 'patient_verified');
    expect(verified).toHaveLength(1);
    expect(verified[0]!.data).toEqual({ method: 'dob_name', staffId, channel: 'sms' });
    const failed = await eventsOf(caseId, 'verification_failed');
    expect(JSON.stringify(failed)).not.toMatch(/1961|Garcia|Jose/i);
  });

  it('locks after three failed checks on a case', async () => {
    const bad = { method: 'dob_name', givenName: 'Jose', familyName: 'Garcia', birthDate: '1999-01-01' };
    for (const left of [2, 1, 0]) {
      const r = await h.post(`/api/v1/cases/${caseId}/verify`, bad);
      expect(r.body).toMatchObject({ verified: false, attemptsLeft: left });
    }
    const locked = await h.post(`/api/v1/cases/${caseId}/verify`, { ...bad, birthDate: '1961-03-14', familyName: 'García López' });
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('verification_locked');
  });

  it('sends a one-time code to a verified contact, hashed at rest, and checks it', async () => {
    const sent = await h.post(`/api/v1/cases/${caseId}/verify/code`, { channel: 'email' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ channel: 'email', to: 'j•••@example.org' });
    const [out] = await rows<{ payload: { text: string }; to_address: string }>(sql`select payload, to_address from outbox where idempotency_key = ${`verification_code:${sent.body.codeId}`}`);
    expect(out!.to_address).toBe(jose.email);
    const code = /\b(\d{6})\b/.exec(out!.payload.text)![1]!;
    const [stored] = await rows<{ code_hash: string }>(sql`select code_hash from verification_codes where id = ${sent.body.codeId}`);
    expect(stored!.code_hash).not.toContain(code);
    const wrongCode = code === '000000' ? '111111' : '000000';
    const miss = await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'one_time_code', code: wrongCode });
    expect(miss.body).toMatchObject({ verified: false, reason: 'wrong_code', attemptsLeft: 4 });
    const hit = await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'one_time_code', code });
    expect(hit.body).toMatchObject({ verified: true, method: 'one_time_code' });
    const again = await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'one_time_code', code });
    expect(again.body).toMatchObject({ verified: false, reason: 'no_code' });
    const sentEvents = await eventsOf(caseId, 'verification_code_sent');
    expect(JSON.stringify(sentEvents)).not.toContain(code);
    expect(JSON.stringify(sentEvents)).not.toContain('example.org');
  });

  it('expires codes after 10 minutes and stops after 5 wrong tries', async () => {
    const first = await h.post(`/api/v1/cases/${caseId}/verify/code`, { at: at(500) });
    expect(first.body.channel).toBe('sms');
    const late = await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'one_time_code', code: '123456', at: at(511) });
    expect(late.body).toMatchObject({ verified: false, reason: 'code_expired' });
    await h.post(`/api/v1/cases/${caseId}/verify/code`, { at: at(520) });
    const out = (await outboxRows(h.database, (o) => o.case_id === caseId && o.payload.purpose === 'verification_code')).at(-1);
    const code = /\b(\d{6})\b/.exec(out!.payload.text)![1]!;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'one_time_code', code: wrong, at: at(521) });
    const locked = await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'one_time_code', code, at: at(522) });
    expect(locked.status).toBe(429);
  });

  it('refuses bad input and unknown cases', async () => {
    expect((await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'dob_name', givenName: 'Jose', familyName: 'Garcia', birthDate: '14/03/1961' })).status).toBe(400);
    expect((await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'one_time_code', code: '12' })).status).toBe(400);
    expect((await h.post(`/api/v1/cases/${caseId}/verify`, { method: 'magic' })).status).toBe(400);
    expect((await h.post(`/api/v1/cases/00000000-0000-4000-8000-000000000000/verify`, { method: 'one_time_code', code: '123456' })).status).toBe(404);
  });
});

describe('resolve with a disposition', () => {
  it('stores the disposition, and a recontact reopens the case keeping it in history', async () => {
    const { phone } = freshContact('ivy');
    await register({ givenName: 'Ivy', familyName: 'Stone', birthDate: '1975-07-07', phone });
    const first = await event({ channel: 'sms', from: { kind: 'phone', value: phone }, text: 'Can I get my lab results?', occurredAt: at(600) });
    const caseId = first.body.caseId;
    const bad = await h.post(`/api/v1/cases/${caseId}/resolve`, { requestType: 'results', disposition: 'solved_it' });
    expect(bad.status).toBe(400);
    const resolved = await h.post(`/api/v1/cases/${caseId}/resolve`, { requestType: 'results', disposition: 'resolved_first_contact', staffId, at: at(610) });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', disposition: 'resolved_first_contact' });
    const back = await event({ channel: 'sms', from: { kind: 'phone', value: phone }, text: 'My test results are still not in the portal', occurredAt: at(60 * 48) });
    expect(back.body.caseId).toBe(caseId);
    expect(back.body.joinedBy).toBe('recontact');
    expect(await eventsOf(caseId, 'case_reopened')).toHaveLength(1);
    const resolvedEvents = await eventsOf(caseId, 'case_resolved');
    expect(resolvedEvents[0]!.data).toMatchObject({ disposition: 'resolved_first_contact', requestType: 'results' });
    const again = await h.post(`/api/v1/cases/${caseId}/resolve`, { disposition: 'referred', at: at(60 * 49) });
    expect(again.status).toBe(200);
    const history = await rows<{ disposition: string }>(sql`select disposition from case_dispositions where case_id = ${caseId} order by resolved_at`);
    expect(history.map((r) => r.disposition)).toEqual(['resolved_first_contact', 'referred']);
    const timeline = await h.get(`/api/v1/patients/${first.body.patientId}/timeline?kinds=case`);
    expect(timeline.body.items[0].case.disposition).toBe('referred');
  });
});

describe('OpenAPI', () => {
  it('documents every workspace tool endpoint', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/json' });
    const paths = Object.keys(JSON.parse(res.body).paths);
    for (const p of [
      '/api/v1/patients/{patientId}/timeline',
      '/api/v1/canned-responses',
      '/api/v1/canned-responses/{cannedId}',
      '/api/v1/cases/{caseId}/canned-responses/{cannedId}/render',
      '/api/v1/cases/{caseId}/ask-check',
      '/api/v1/cases/{caseId}/reply',
      '/api/v1/cases/{caseId}/verify',
      '/api/v1/cases/{caseId}/verify/code',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
