import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createHarness, type Harness } from './helpers/harness.ts';

let h: Harness;
let seq = 0;
const T0 = Date.parse('2026-11-02T14:00:00Z');
/** Simulated time: minutes after T0. */
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function event(body: Record<string, unknown>) {
  return h.post('/api/v1/channel-events', { idempotencyKey: `evt-${++seq}`, direction: 'inbound', kind: 'message', ...body });
}

async function register(p: { givenName: string; familyName: string; birthDate: string; phone?: string; email?: string }) {
  const identifiers = [
    ...(p.phone ? [{ kind: 'phone', value: p.phone }] : []),
    ...(p.email ? [{ kind: 'email', value: p.email }] : []),
  ];
  const res = await h.post('/api/v1/patients', { givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, identifiers });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function count(table: string): Promise<number> {
  const r = await h.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
  const rows = (Array.isArray(r) ? r : (r as { rows: Array<{ n: number }> }).rows) as Array<{ n: number }>;
  return rows[0]!.n;
}

async function eventsOf(caseId: string, kind: string): Promise<Array<{ data: Record<string, unknown>; interaction_id: string }>> {
  const r = await h.database.db.execute(sql`select data, interaction_id from events where case_id = ${caseId} and kind = ${kind} order by id`);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ data: Record<string, unknown>; interaction_id: string }>;
}

beforeAll(async () => {
  h = await createHarness({ patients: 40 });
});
afterAll(async () => {
  await h?.close();
});

describe('chat then phone: one case, no repeated questions', () => {
  // Every test plays the whole story again with a patient of its own, in a stretch of simulated
  // time of its own (days before the other tests' instants), so the friction figures of the
  // window around it count this story only, and each test passes alone and in any order.
  let scenarios = 0;
  let start: number;
  const t = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
  let phone: string;
  let caseId: string;
  let patientId: string;
  let call: { status: number; body: any };

  beforeEach(async () => {
    const n = ++scenarios;
    start = T0 - n * 3 * 86_400_000;
    const digits = `01${String(n).padStart(2, '0')}`;
    phone = `+1332555${digits}`;
    patientId = await register({ givenName: 'Maria', familyName: 'Lopez', birthDate: '1961-03-14', phone: `+1 (332) 555-${digits}`, email: `maria.lopez.${n}@example.org` });
    const visitor = { kind: 'chat_visitor', value: `visitor-abc-${n}` };
    const first = await event({ channel: 'webchat', from: visitor, conversationRef: `chat-${n}`, text: 'Necesito renovar mi receta de lisinopril', occurredAt: t(0) });
    expect(first.status).toBe(201);
    expect(first.body.caseId).toBeTruthy();
    expect(first.body.patientId).toBeNull();
    expect(first.body.requestType).toBe('prescription');
    caseId = first.body.caseId;

    const second = await event({ channel: 'webchat', from: visitor, conversationRef: `chat-${n}`, text: 'Mi fecha de nacimiento es 14/03/1961', occurredAt: t(1) });
    expect(second.body.caseId).toBe(caseId);
    expect(second.body.facts).toContain('birthDate');

    const offer = await h.post(`/api/v1/interactions/${first.body.interactionId}/continuations`, { channel: 'voice', at: t(2) });
    expect(offer.status).toBe(201);
    expect(offer.body.code).toMatch(/^\d{8}$/);
    expect(offer.body.instructions).toContain(offer.body.code);

    call = await event({ channel: 'voice', from: { kind: 'phone', value: phone }, conversationRef: `CA1-${n}`, kind: 'dtmf', dtmf: offer.body.code, occurredAt: t(5) });
  });

  it('joins the call to the chat case through a continuation code', async () => {
    expect(call.status).toBe(201);
    expect(call.body.caseId).toBe(caseId);
    expect(call.body.joinedBy).toBe('continuation');
    expect(call.body.patientId).toBe(patientId);
    // Caller ID alone never goes above matched.
    expect(call.body.assurance).toBe('matched');
  });

  it('records a seamless channel switch on the case', async () => {
    const switches = await eventsOf(caseId, 'channel_switch');
    expect(switches).toHaveLength(1);
    expect(switches[0]!.data).toMatchObject({ from: 'webchat', to: 'voice', joinedBy: 'continuation', automatic: true });
  });

  it('shows the agent the known date of birth instead of letting them ask again', async () => {
    const card = await h.get(`/api/v1/cases/${caseId}/context`);
    expect(card.status).toBe(200);
    const dob = card.body.facts.find((f: { name: string }) => f.name === 'birthDate');
    expect(dob).toMatchObject({ value: '1961-03-14' });
    expect(card.body.patient.id).toBe(patientId);
    expect(card.body.case.channels.sort()).toEqual(['voice', 'webchat']);

    const assistant = await h.post(`/api/v1/cases/${caseId}/asks`, { fact: 'birthDate', actor: 'assistant', at: t(6) });
    expect(assistant.status).toBe(409);
    expect(assistant.body.outcome).toBe('refused');
    expect(assistant.body.known.value).toBe('1961-03-14');
    expect(assistant.body.known.sourceChannel).toBe('webchat');

    const look = await h.post(`/api/v1/cases/${caseId}/asks`, { fact: 'birthDate', actor: 'agent', at: t(6) });
    expect(look.body.outcome).toBe('known');
    expect(await eventsOf(caseId, 'repeat_ask')).toHaveLength(0);

    const insist = await h.post(`/api/v1/cases/${caseId}/asks`, { fact: 'birthDate', actor: 'agent', insist: true, at: t(7) });
    expect(insist.body.outcome).toBe('repeat_ask');
    expect(await eventsOf(caseId, 'repeat_ask')).toHaveLength(1);

    const unknown = await h.post(`/api/v1/cases/${caseId}/asks`, { fact: 'pharmacy', actor: 'assistant', at: t(7) });
    expect(unknown.status).toBe(200);
    expect(unknown.body.outcome).toBe('ask');
  });

  it('counts the switch as broken once a repeat ask followed it', async () => {
    const insist = await h.post(`/api/v1/cases/${caseId}/asks`, { fact: 'birthDate', actor: 'agent', insist: true, at: t(7) });
    expect(insist.body.outcome).toBe('repeat_ask');
    const metrics = await h.get(`/api/v1/metrics/friction?from=${t(-60)}&to=${t(60)}`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({ cases: 1, channelSwitches: 1, seamlessSwitches: 0, repeatAsks: 1, repeatAskRate: 1 });
  });

  it('acknowledges a duplicate delivery and changes nothing', async () => {
    const before = { messages: await count('messages'), events: await count('events') };
    const body = { idempotencyKey: `SM-dup-${scenarios}`, channel: 'sms', from: { kind: 'phone', value: phone }, text: 'Is my refill ready?', occurredAt: t(8) };
    const first = await h.post('/api/v1/channel-events', body);
    const again = await h.post('/api/v1/channel-events', body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.caseId).toBe(first.body.caseId);
    expect(await count('messages')).toBe(before.messages + 1);
    const afterFirst = await count('events');
    await h.post('/api/v1/channel-events', body);
    expect(await count('events')).toBe(afterFirst);
  });
});

describe('identity', () => {
  it('keeps two family members on one phone as two patients', async () => {
    const mother = await register({ givenName: 'Rosa', familyName: 'Garcia', birthDate: '1970-07-21', phone: '+13055550142' });
    const daughter = await register({ givenName: 'Ana', familyName: 'Garcia', birthDate: '2001-05-02', phone: '+13055550142' });
    const contact = await event({ channel: 'sms', from: { kind: 'phone', value: '+1 305 555 0142' }, text: 'Hi, I need to book an appointment', occurredAt: at(100) });
    // A shared line says nothing about who is writing.
    expect(contact.body.patientId).toBeNull();
    const named = await event({ channel: 'sms', from: { kind: 'phone', value: '+13055550142' }, text: 'This is Ana Garcia, my date of birth is 05/02/2001', occurredAt: at(101) });
    expect(named.body.patientId).toBe(daughter);
    expect(named.body.assurance).toBe('verified');
    const card = await h.get(`/api/v1/cases/${named.body.caseId}/context`);
    expect(card.body.patient.id).toBe(daughter);
    const m = await h.get(`/api/v1/patients/${mother}`);
    expect(m.body.status).toBe('active');
    const d = await h.get(`/api/v1/patients/${daughter}`);
    expect(d.body.status).toBe('active');
  });

  it('creates a new patient for an unknown caller and fills in what they say', async () => {
    const res = await event({ channel: 'voice', from: { kind: 'phone', value: '+14155550177' }, conversationRef: 'CA-unknown', text: "Hello, my name is Priya Natarajan and I'd like to schedule an appointment", occurredAt: at(200) });
    expect(res.body.patientId).toBeTruthy();
    expect(res.body.assurance).toBe('claimed');
    const dob = await event({ channel: 'voice', from: { kind: 'phone', value: '+14155550177' }, conversationRef: 'CA-unknown', text: 'I was born on August 9, 1988', occurredAt: at(201) });
    const p = await h.get(`/api/v1/patients/${dob.body.patientId}`);
    expect(p.body).toMatchObject({ givenName: 'Priya', familyName: 'Natarajan', birthDate: '1988-08-09' });
  });

  it('folds a record made from a new number into the patient it turns out to be', async () => {
    const known = await register({ givenName: 'Kathryn', familyName: 'Oduya', birthDate: '1979-11-30', phone: '+16175550199' });
    const first = await event({ channel: 'sms', from: { kind: 'phone', value: '+16465550111' }, text: 'I have a question about my bill', occurredAt: at(300) });
    expect(first.body.patientId).not.toBe(known);
    const bare = first.body.patientId;
    const second = await event({ channel: 'sms', from: { kind: 'phone', value: '+16465550111' }, text: 'My name is Kathryn Oduya, born 11/30/1979', occurredAt: at(301) });
    expect(second.body.patientId).toBe(known);
    const merged = await h.get(`/api/v1/patients/${bare}`);
    expect(merged.body).toMatchObject({ status: 'merged', mergedIntoId: known });
    const survivor = await h.get(`/api/v1/patients/${known}`);
    expect(survivor.body.identifiers.map((i: { value: string }) => i.value)).toContain('+16465550111');
  });

  it('sends a possible duplicate to the review queue, where a person settles it', async () => {
    const existing = await register({ givenName: 'Ella', familyName: 'Moreno', birthDate: '1990-05-05', phone: '+15125550101' });
    const res = await event({ channel: 'sms', from: { kind: 'phone', value: '+15125550102' }, text: 'My name is Ollie Moreno, born 05/05/1990. I need my records', occurredAt: at(350) });
    expect(res.body.patientId).not.toBe(existing);
    const queue = await h.get('/api/v1/match-reviews');
    const review = queue.body.find((r: { candidateId: string }) => r.candidateId === existing);
    expect(review).toMatchObject({ patientId: res.body.patientId, status: 'open' });
    const decided = await h.post(`/api/v1/match-reviews/${review.id}/decision`, { decision: 'merge' });
    expect(decided.body).toMatchObject({ status: 'merged' });
    const history = await h.get(`/api/v1/patients/${existing}/merges`);
    expect(history.body[0]).toMatchObject({ survivorId: existing, mergedId: res.body.patientId, reason: `review ${review.id}` });
    const twice = await h.post(`/api/v1/match-reviews/${review.id}/decision`, { decision: 'distinct' });
    expect(twice.status).toBe(409);
  });

  it('merges and unmerges without losing an identifier', async () => {
    const a = await register({ givenName: 'Tomas', familyName: 'Reyes', birthDate: '1990-01-15', phone: '+17185550101', email: 'tomas@example.net' });
    const b = await register({ givenName: 'Tomás', familyName: 'Reyes', birthDate: '1990-01-15', phone: '+17185550102', email: 'tomas@example.net' });
    const merge = await h.post(`/api/v1/patients/${a}/merge`, { mergedId: b });
    expect(merge.status).toBe(201);
    const during = await h.get(`/api/v1/patients/${a}`);
    expect(during.body.identifiers.map((i: { value: string }) => i.value).sort()).toEqual(['+17185550101', '+17185550102', 'tomas@example.net']);
    const undo = await h.post(`/api/v1/merges/${merge.body.mergeId}/undo`, {});
    expect(undo.status).toBe(200);
    const after = await h.get(`/api/v1/patients/${b}`);
    expect(after.body.status).toBe('active');
    expect(after.body.identifiers.map((i: { value: string }) => i.value).sort()).toEqual(['+17185550102', 'tomas@example.net']);
    const again = await h.post(`/api/v1/merges/${merge.body.mergeId}/undo`, {});
    expect(again.status).toBe(409);
  });
});

describe('threading', () => {
  it('joins an email to the open case of an SMS about the same request', async () => {
    await register({ givenName: 'Wei', familyName: 'Chen', birthDate: '1985-04-04', phone: '+12025550160', email: 'wei.chen@example.com' });
    const sms = await event({ channel: 'sms', from: { kind: 'phone', value: '+12025550160' }, text: 'I was charged twice on my last statement', occurredAt: at(400) });
    const mail = await event({ channel: 'email', from: { kind: 'email', value: 'Wei.Chen@Example.com' }, subject: 'Billing', text: 'Following up on the double charge on my bill.', occurredAt: at(460) });
    expect(mail.body.caseId).toBe(sms.body.caseId);
    expect(mail.body.joinedBy).toBe('open_case');
    const switches = await eventsOf(sms.body.caseId, 'channel_switch');
    expect(switches[0]!.data).toMatchObject({ from: 'sms', to: 'email', automatic: true });
  });

  it('records outbound traffic against the recipient without inventing patients', async () => {
    const before = await count('patients');
    const out = await event({ channel: 'sms', direction: 'outbound', actor: 'agent', to: { kind: 'phone', value: '+19995550100' }, text: 'Your refill is ready for pickup.', occurredAt: at(450) });
    expect(out.status).toBe(201);
    expect(out.body.patientId).toBeNull();
    expect(await count('patients')).toBe(before);
  });

  it('threads an email reply by its reply token', async () => {
    const sms = await event({ channel: 'sms', from: { kind: 'phone', value: '+12025550161' }, text: 'I need a copy of my medical records', occurredAt: at(500) });
    const card = await h.get(`/api/v1/cases/${sms.body.caseId}/context`);
    const reply = await event({ channel: 'email', from: { kind: 'email', value: 'someone@example.org' }, replyToken: card.body.case.replyToken, text: 'Here is the form you asked for.', occurredAt: at(520) });
    expect(reply.body.caseId).toBe(sms.body.caseId);
    expect(reply.body.joinedBy).toBe('reply_token');
  });

  it('reopens a resolved case when the patient comes back within 7 days, as a recontact', async () => {
    await register({ givenName: 'Lena', familyName: 'Park', birthDate: '1966-02-02', phone: '+12065550170' });
    const first = await event({ channel: 'sms', from: { kind: 'phone', value: '+12065550170' }, text: 'Can I get my lab results?', occurredAt: at(600) });
    const resolved = await h.post(`/api/v1/cases/${first.body.caseId}/resolve`, { requestType: 'results', at: at(610) });
    expect(resolved.status).toBe(200);
    const back = await event({ channel: 'sms', from: { kind: 'phone', value: '+12065550170' }, text: 'My test results are still not in the portal', occurredAt: at(60 * 48) });
    expect(back.body.caseId).toBe(first.body.caseId);
    expect(back.body.joinedBy).toBe('recontact');
    expect(await eventsOf(first.body.caseId, 'recontact')).toHaveLength(1);
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  it('rejects each kind of bad input', async () => {
    const before = { interactions: await count('interactions'), receipts: await count('inbound_receipts') };
    const unknownChannel = await event({ channel: 'fax', from: { kind: 'phone', value: '+12125550123' }, text: 'hi' });
    expect(unknownChannel.status).toBe(400);
    expect(unknownChannel.body.message).toMatch(/channel/);
    const badPhone = await event({ channel: 'sms', from: { kind: 'phone', value: 'call me' }, text: 'hi' });
    expect(badPhone.status).toBe(422);
    expect(badPhone.body.error).toBe('invalid_phone');
    const badEmail = await event({ channel: 'email', from: { kind: 'email', value: 'not-an-email' }, text: 'hi' });
    expect(badEmail.status).toBe(422);
    const tooLong = await event({ channel: 'sms', from: { kind: 'phone', value: '+12125550123' }, text: 'x'.repeat(20_001) });
    expect(tooLong.status).toBe(400);
    const huge = await h.app.inject({
      method: 'POST',
      url: '/api/v1/channel-events',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ channel: 'sms', idempotencyKey: 'big', text: 'y'.repeat(400_000) }),
    });
    expect(huge.statusCode).toBe(413);
    const invalidJson = await h.app.inject({
      method: 'POST',
      url: '/api/v1/channel-events',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      payload: '{"channel": "sms",',
    });
    expect(invalidJson.statusCode).toBe(400);
    expect(JSON.parse(invalidJson.body).error).toBe('invalid_json');
    const unknownCode = await event({ channel: 'voice', from: { kind: 'phone', value: '+12125550123' }, conversationRef: 'CA-bad', kind: 'dtmf', dtmf: '00000000' });
    expect(unknownCode.status).toBe(422);
    expect(unknownCode.body.error).toBe('continuation_unknown');
    const noToken = await h.app.inject({ method: 'GET', url: '/api/v1/departments' });
    expect(noToken.statusCode).toBe(401);
    const badCase = await h.get('/api/v1/cases/not-a-uuid/context');
    expect(badCase.status).toBe(400);
    const missingCase = await h.get('/api/v1/cases/00000000-0000-4000-8000-000000000000/context');
    expect(missingCase.status).toBe(404);
    expect(await count('interactions')).toBe(before.interactions);
    expect(await count('inbound_receipts')).toBe(before.receipts);
  });

  it('rate-limits continuation code guessing per contact', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await event({ channel: 'voice', from: { kind: 'phone', value: '+13125550100' }, conversationRef: `CA-guess-${i}`, kind: 'dtmf', dtmf: String(10000000 + i), occurredAt: at(700 + i) });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 5)).toEqual([422, 422, 422, 422, 422]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});

describe('event log', () => {
  it('is append-only', async () => {
    // A row-level rule refuses only rows that exist: write one first.
    expect((await event({ channel: 'sms', from: { kind: 'phone', value: '+13125550101' }, text: 'Is the clinic open today?', occurredAt: at(800) })).status).toBe(201);
    await expect(h.database.db.execute(sql`update events set kind = 'x'`)).rejects.toThrow();
    await expect(h.database.db.execute(sql`delete from events`)).rejects.toThrow();
  });
});
