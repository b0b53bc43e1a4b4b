import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import twilio from 'twilio';
import WebSocket from 'ws';
import { DEMO_PHONE_NUMBER, seedOrganization } from '../src/index.ts';
import { agentDequeueTwiml, voiceQueueName } from '../src/channels/twilio/voice-twiml.ts';
import { queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// Twilio signs against the public URL; the app is reached here under another host (a proxy).
const PUBLIC_URL = 'https://carethread.example.org';
const AUTH_TOKEN = 'voice-test-auth-token';
const VOICE = '/channels/twilio/voice';

let h: Harness;
let base: string;
let clock = Date.parse('2026-11-02T14:00:00Z');
let sidSeq = 0;

const newCallSid = () => `CA${(++sidSeq).toString(16).padStart(32, '0')}`;
/** Fictional numbers: +1 XXX 555-01XX. */
const phone = (n: number) => `+1646555${String(100 + n).padStart(4, '0')}`;

async function rows<T = Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}
async function count(table: string, where = 'true'): Promise<number> {
  const [row] = await rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`));
  return row!.n;
}
async function callEvents(callSid: string, kind: string): Promise<Array<{ data: Record<string, unknown>; case_id: string | null }>> {
  return rows(sql`select e.data, e.case_id from events e join interactions i on i.id = e.interaction_id
                  where i.conversation_ref = ${callSid} and e.kind = ${kind} order by e.id`);
}
async function interactionOf(callSid: string) {
  const [row] = await rows<{ id: string; case_id: string | null; patient_id: string | null; assurance: string; language: string | null; status: string; ended_at: string | null; agent_id: string | null; joined_by: string | null }>(
    sql`select id, case_id, patient_id, assurance, language, status, ended_at, agent_id, joined_by from interactions where channel = 'voice' and conversation_ref = ${callSid}`,
  );
  return row;
}
async function departmentId(slug: string): Promise<string> {
  const [row] = await rows<{ id: string }>(sql`select id from departments where organization_id = ${h.organizationId} and slug = ${slug}`);
  return row!.id;
}

/** Posts a form the way Twilio does: signed with the real library over the public URL it called. */
async function twilioPost(pathAndQuery: string, form: Record<string, string>, opts: { signature?: string | null; contentType?: string; payload?: string } = {}) {
  const signature =
    opts.signature === undefined ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${pathAndQuery}`, form) : opts.signature;
  const res = await h.app.inject({
    method: 'POST',
    url: pathAndQuery,
    headers: {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
      ...(signature ? { 'x-twilio-signature': signature } : {}),
    },
    payload: opts.payload ?? new URLSearchParams(form).toString(),
  });
  return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), xml: res.body };
}

/** Follows a URL from our own TwiML the way Twilio would (it is absolute, on the public URL). */
function pathOf(url: string): string {
  expect(url.startsWith(`${PUBLIC_URL}${VOICE}`)).toBe(true);
  return url.slice(PUBLIC_URL.length);
}

// --- a small, DOM-free reading of TwiML -------------------------------------------------------

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
function attrs(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of raw.matchAll(/([A-Za-z]+)="([^"]*)"/g)) out[m[1]!] = decode(m[2]!);
  return out;
}
function says(xml: string): Array<{ language: string | undefined; text: string }> {
  return [...xml.matchAll(/<Say([^>]*)>([^<]*)<\/Say>/g)].map((m) => ({ language: attrs(m[1]!).language, text: decode(m[2]!) }));
}
function verb(xml: string, name: string): { attrs: Record<string, string>; body: string } | null {
  const m = new RegExp(`<${name}((?:\\s[^>]*?)?)(?:/>|>([\\s\\S]*?)</${name}>)`).exec(xml);
  return m ? { attrs: attrs(m[1] ?? ''), body: decode(m[2] ?? '') } : null;
}
const spoken = (xml: string) => says(xml).map((s) => s.text).join(' ');

// --- call steps -----------------------------------------------------------------------------

function callForm(callSid: string, from: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: from,
    To: DEMO_PHONE_NUMBER,
    ToCountry: 'US',
    ...extra,
  };
}
const incoming = (callSid: string, from: string, extra: Record<string, string> = {}) => twilioPost(VOICE, callForm(callSid, from, extra));

/** Calls in and answers the code prompt with `answer` (Digits or SpeechResult), following the Gather's action. */
async function callAndAnswer(callSid: string, from: string, answer: Record<string, string>) {
  const greeting = await incoming(callSid, from);
  const action = verb(greeting.xml, 'Gather')!.attrs.action!;
  return twilioPost(pathOf(action), callForm(callSid, from, { CallStatus: 'in-progress', ...answer }));
}

async function register(p: { givenName: string; familyName: string; birthDate: string; phone: string; language?: 'en' | 'es' }) {
  const res = await h.post('/api/v1/patients', { givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, language: p.language, identifiers: [{ kind: 'phone', value: p.phone }] });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** A web-chat case with a continuation code for the phone, made the way the widget and the agent do. */
async function chatCaseWithCode(visitor: string, text: string): Promise<{ caseId: string; code: string }> {
  const chat = await h.post('/api/v1/channel-events', {
    idempotencyKey: `chat-${visitor}`,
    channel: 'webchat',
    kind: 'message',
    direction: 'inbound',
    conversationRef: `chat-${visitor}`,
    from: { kind: 'chat_visitor', value: visitor },
    text,
  });
  expect(chat.status).toBe(201);
  const offer = await h.post(`/api/v1/interactions/${chat.body.interactionId}/continuations`, { channel: 'voice' });
  expect(offer.status).toBe(201);
  return { caseId: chat.body.caseId, code: offer.body.code };
}

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  h.services.now = () => new Date(clock);
  h.services.settings = { ...h.services.settings, publicUrl: PUBLIC_URL, twilio: { ...h.services.settings.twilio, authToken: AUTH_TOKEN } };
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  clock += 60_000;
});

describe('an incoming call', () => {
  it('greets a known Spanish-speaking patient in Spanish and asks for a continuation code', async () => {
    const patientId = await register({ givenName: 'Lucia', familyName: 'Herrera', birthDate: '1958-09-30', phone: phone(41), language: 'es' });
    const callSid = newCallSid();
    const res = await incoming(callSid, phone(41));
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/xml/);
    const greeting = says(res.xml);
    expect(greeting[0]!.language).toBe('es-US');
    expect(greeting[0]!.text).toContain('Gracias por llamar');
    const gather = verb(res.xml, 'Gather')!;
    expect(gather.attrs).toMatchObject({ input: 'dtmf speech', numDigits: '8', language: 'es-US', actionOnEmptyResult: 'true' });
    expect(gather.attrs.action).toBe(`${PUBLIC_URL}${VOICE}/code?lang=es&attempt=1`);
    expect(says(gather.body)[0]!.text).toMatch(/código/);

    // The start went through the pipeline: one interaction, caller ID gives `matched` at most.
    const interaction = await interactionOf(callSid);
    expect(interaction).toMatchObject({ patient_id: patientId, assurance: 'matched', language: 'es', status: 'open', case_id: null });
    expect(await count('inbound_receipts', `idempotency_key = '${callSid}:start'`)).toBe(1);
  });

  it('greets an English speaker (and an unknown caller) in English, asking for the code', async () => {
    await register({ givenName: 'Harold', familyName: 'Whitfield', birthDate: '1949-01-12', phone: phone(42), language: 'en' });
    for (const from of [phone(42), phone(43)]) {
      const res = await incoming(newCallSid(), from);
      expect(says(res.xml)[0]!.language).toBe('en-US');
      const gather = verb(res.xml, 'Gather')!;
      expect(spoken(gather.body)).toBe('If you were just chatting or texting with us, enter or say your code now. Otherwise press pound.');
      expect(gather.attrs.action).toBe(`${PUBLIC_URL}${VOICE}/code?lang=en&attempt=1`);
    }
  });

  it('records a withheld caller ID as an anonymous call', async () => {
    const callSid = newCallSid();
    const res = await incoming(callSid, 'anonymous');
    expect(verb(res.xml, 'Gather')).not.toBeNull();
    expect(await interactionOf(callSid)).toMatchObject({ patient_id: null, assurance: 'anonymous' });
  });

  it('answers a number nobody here owns with a short apology and a hang-up, recording nothing', async () => {
    const before = await count('events');
    const res = await twilioPost(VOICE, callForm(newCallSid(), phone(44), { To: '+15550100199' }));
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/xml/);
    expect(spoken(res.xml)).toContain('not set up to take calls');
    expect(verb(res.xml, 'Hangup')).not.toBeNull();
    expect(verb(res.xml, 'Gather')).toBeNull();
    expect(await count('events')).toBe(before);
  });
});

describe('a continuation code joins the call to the chat case', () => {
  it('joins by keyed digits, keeps caller-ID assurance at matched, and queues the call for the case’s department', async () => {
    const patientId = await register({ givenName: 'Maria', familyName: 'Lopez', birthDate: '1961-03-14', phone: phone(51) });
    const { caseId, code } = await chatCaseWithCode('visitor-voice-1', 'Necesito renovar mi receta de lisinopril');
    const callSid = newCallSid();
    const res = await callAndAnswer(callSid, phone(51), { Digits: code });
    expect(res.status).toBe(200);
    expect(spoken(res.xml)).toContain("won't need to repeat yourself");
    const enqueue = verb(res.xml, 'Enqueue')!;
    expect(enqueue.body).toBe(voiceQueueName(await departmentId('pharmacy'), h.organizationId));
    expect(enqueue.attrs.waitUrl).toBe(`${PUBLIC_URL}${VOICE}/wait?lang=en`);
    expect(enqueue.attrs.action).toBe(`${PUBLIC_URL}${VOICE}/queue?lang=en`);

    const interaction = await interactionOf(callSid);
    expect(interaction).toMatchObject({ case_id: caseId, patient_id: patientId, joined_by: 'continuation', assurance: 'matched' });
    const card = await h.get(`/api/v1/cases/${caseId}/context`);
    expect(card.body.case.channels.sort()).toEqual(['voice', 'webchat']);
    expect(card.body.case.department.name).toBe('Pharmacy and refills');
    expect((await callEvents(callSid, 'call_status')).map((e) => e.data.status)).toEqual(['queued']);
  });

  it('joins by speech: "my code is 4 8 2 9 1 3"', async () => {
    const { caseId, code } = await chatCaseWithCode('visitor-voice-2', 'I need to reschedule my appointment next week');
    const callSid = newCallSid();
    const res = await callAndAnswer(callSid, phone(52), { SpeechResult: `My code is ${code.split('').join(' ')}.`, Confidence: '0.91' });
    expect(verb(res.xml, 'Enqueue')!.body).toBe(voiceQueueName(await departmentId('scheduling'), h.organizationId));
    expect((await interactionOf(callSid))!.case_id).toBe(caseId);
    const card = await h.get(`/api/v1/cases/${caseId}/context`);
    expect(card.body.case.channels).toContain('voice');
  });

  it('joins when the recogniser spells the digits out in Spanish', async () => {
    const { caseId, code } = await chatCaseWithCode('visitor-voice-3', 'Tengo una pregunta sobre mi factura');
    const words = ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'];
    const callSid = newCallSid();
    const res = await callAndAnswer(callSid, phone(53), { SpeechResult: `mi código es ${code.split('').map((d) => words[Number(d)]).join(' ')}` });
    expect(verb(res.xml, 'Enqueue')).not.toBeNull();
    expect((await interactionOf(callSid))!.case_id).toBe(caseId);
  });

  it('says a wrong code was not recognised, asks once more, then falls through to the menu', async () => {
    const { code } = await chatCaseWithCode('visitor-voice-4', 'I need a refill of my metformin');
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const callSid = newCallSid();
    const failuresBefore = await count('continuation_failures');
    const first = await callAndAnswer(callSid, phone(54), { Digits: wrong });
    expect(first.status).toBe(200);
    expect(says(first.xml)[0]!.text).toBe('Sorry, that code was not recognised.');
    const retry = verb(first.xml, 'Gather')!;
    expect(retry.attrs).toMatchObject({ numDigits: '8', action: `${PUBLIC_URL}${VOICE}/code?lang=en&attempt=2` });
    expect(await count('continuation_failures')).toBe(failuresBefore + 1);

    const second = await twilioPost(pathOf(retry.attrs.action!), callForm(callSid, phone(54), { Digits: wrong }));
    expect(says(second.xml)[0]!.text).toBe('Sorry, that code was not recognised.');
    const menu = verb(second.xml, 'Gather')!;
    expect(menu.attrs).toMatchObject({ numDigits: '1', action: `${PUBLIC_URL}${VOICE}/menu?lang=en&attempt=1` });
    expect(spoken(menu.body)).toContain('2 for prescriptions');
    expect((await interactionOf(callSid))!.case_id).toBeNull();
  });

  it('tells a caller who keeps guessing that no more codes can be checked, and offers the menu', async () => {
    const callSid = newCallSid();
    await incoming(callSid, phone(55));
    let res = { xml: '' };
    for (let attempt = 1; attempt <= 6; attempt++) {
      res = await twilioPost(`${VOICE}/code?lang=en&attempt=${Math.min(attempt, 2)}`, callForm(callSid, phone(55), { Digits: String(10000000 + attempt) }));
    }
    expect(says(res.xml)[0]!.text).toContain('Too many codes');
    expect(verb(res.xml, 'Gather')!.attrs.action).toBe(`${PUBLIC_URL}${VOICE}/menu?lang=en&attempt=1`);
  });
});

describe('the request menu', () => {
  it('goes from no code to the menu, and choice 2 becomes a prescription case queued for the pharmacy', async () => {
    const patientId = await register({ givenName: 'Grace', familyName: 'Osei', birthDate: '1975-06-02', phone: phone(61) });
    const callSid = newCallSid();
    const menu = await callAndAnswer(callSid, phone(61), { Digits: '' });
    const gather = verb(menu.xml, 'Gather')!;
    expect(gather.attrs).toMatchObject({ input: 'dtmf speech', numDigits: '1', language: 'en-US' });
    expect(says(gather.body).map((s) => s.language)).toEqual(['en-US', 'es-US']);

    const res = await twilioPost(pathOf(gather.attrs.action!), callForm(callSid, phone(61), { Digits: '2' }));
    expect(res.type).toMatch(/^text\/xml/);
    const pharmacy = await departmentId('pharmacy');
    expect(verb(res.xml, 'Enqueue')!.body).toBe(`dept-${pharmacy}`);

    const interaction = (await interactionOf(callSid))!;
    const card = await h.get(`/api/v1/cases/${interaction.case_id}/context`);
    expect(card.body.case).toMatchObject({ requestType: 'prescription', status: 'open', department: { id: pharmacy } });
    expect(card.body.patient.id).toBe(patientId);
    // Caller ID alone never gives more than matched.
    expect(card.body.assurance).toBe('matched');
    expect(interaction.assurance).toBe('matched');
    const [queued] = await callEvents(callSid, 'call_status');
    expect(queued!.data).toMatchObject({ status: 'queued', queue: `dept-${pharmacy}`, departmentId: pharmacy });
    expect(queued!.case_id).toBe(interaction.case_id);
  });

  it('lets a caller add details while waiting: they land on the case as facts before an agent answers', async () => {
    const callSid = newCallSid();
    const menu = await callAndAnswer(callSid, phone(62), { Digits: '' });
    const queued = await twilioPost(pathOf(verb(menu.xml, 'Gather')!.attrs.action!), callForm(callSid, phone(62), { SpeechResult: 'I need a refill of my metformin' }));
    const details = verb(queued.xml, 'Gather')!;
    expect(details.attrs).toMatchObject({ input: 'speech' });
    expect(spoken(queued.xml)).toMatch(/date of birth/);
    expect(verb(queued.xml, 'Enqueue')).not.toBeNull();
    const more = await twilioPost(pathOf(details.attrs.action!), callForm(callSid, phone(62), { SpeechResult: 'My name is Ravi Menon and I was born on 04/09/1982' }));
    expect(verb(more.xml, 'Enqueue')).not.toBeNull();
    expect(verb(more.xml, 'Gather')).not.toBeNull();
    const interaction = (await interactionOf(callSid))!;
    const card = await h.get(`/api/v1/cases/${interaction.case_id}/context`);
    expect(card.body.case.requestType).toBe('prescription');
    expect(card.body.facts.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['birthDate', 'medication']));
    // Silence ends the loop: straight to the queue.
    const silent = await twilioPost(pathOf(verb(more.xml, 'Gather')!.attrs.action!), callForm(callSid, phone(62), {}));
    expect(verb(silent.xml, 'Gather')).toBeNull();
    expect(verb(silent.xml, 'Enqueue')).not.toBeNull();
  });

  it('routes free speech by what was said, and "two" on its own as the key 2', async () => {
    const a = newCallSid();
    await incoming(a, phone(62));
    const spoken1 = await twilioPost(`${VOICE}/menu?lang=en&attempt=1`, callForm(a, phone(62), { SpeechResult: 'I have a question about my bill from last month' }));
    expect(verb(spoken1.xml, 'Enqueue')!.body).toBe(`dept-${await departmentId('billing')}`);

    const b = newCallSid();
    await incoming(b, phone(63));
    const spoken2 = await twilioPost(`${VOICE}/menu?lang=en&attempt=1`, callForm(b, phone(63), { SpeechResult: 'Two.' }));
    expect(verb(spoken2.xml, 'Enqueue')!.body).toBe(`dept-${await departmentId('pharmacy')}`);
  });

  it('switches to Spanish on 9, and routes a Spanish choice in Spanish', async () => {
    const callSid = newCallSid();
    await incoming(callSid, phone(64));
    const switched = await twilioPost(`${VOICE}/menu?lang=en&attempt=1`, callForm(callSid, phone(64), { Digits: '9' }));
    const gather = verb(switched.xml, 'Gather')!;
    expect(gather.attrs.language).toBe('es-US');
    expect(spoken(gather.body)).toContain('2 para recetas');
    const res = await twilioPost(pathOf(gather.attrs.action!), callForm(callSid, phone(64), { Digits: '3' }));
    expect(says(res.xml)[0]).toMatchObject({ language: 'es-US' });
    expect(verb(res.xml, 'Enqueue')!.body).toBe(`dept-${await departmentId('nursing')}`);
    expect((await interactionOf(callSid))!.language).toBe('es');
  });

  it('re-prompts after a key that is not an option, and puts a silent caller through to a person', async () => {
    const callSid = newCallSid();
    await incoming(callSid, phone(65));
    const wrong = await twilioPost(`${VOICE}/menu?lang=en&attempt=1`, callForm(callSid, phone(65), { Digits: '7' }));
    expect(says(wrong.xml)[0]!.text).toBe('Sorry, that is not one of the options.');
    expect(verb(wrong.xml, 'Gather')!.attrs.action).toBe(`${PUBLIC_URL}${VOICE}/menu?lang=en&attempt=2`);
    expect((await interactionOf(callSid))!.case_id).toBeNull();

    const silent = await twilioPost(`${VOICE}/menu?lang=en&attempt=3`, callForm(callSid, phone(65)));
    expect(verb(silent.xml, 'Enqueue')!.body).toBe(`dept-${await departmentId('general')}`);
  });

  it('acknowledges a redelivered menu choice without a second message', async () => {
    const callSid = newCallSid();
    await incoming(callSid, phone(66));
    const form = callForm(callSid, phone(66), { Digits: '1' });
    const first = await twilioPost(`${VOICE}/menu?lang=en&attempt=1`, form);
    const messages = await count('messages');
    const events = await count('events');
    const again = await twilioPost(`${VOICE}/menu?lang=en&attempt=1`, form);
    expect(verb(again.xml, 'Enqueue')!.body).toBe(verb(first.xml, 'Enqueue')!.body);
    expect(await count('messages')).toBe(messages);
    expect(await count('events')).toBe(events);
  });
});

describe('call life cycle', () => {
  async function queuedCall(from: string): Promise<{ callSid: string; caseId: string }> {
    const callSid = newCallSid();
    await incoming(callSid, from);
    await twilioPost(`${VOICE}/menu?lang=en&attempt=1`, callForm(callSid, from, { Digits: '1' }));
    return { callSid, caseId: (await interactionOf(callSid))!.case_id! };
  }
  const status = (callSid: string, from: string, callStatus: string, extra: Record<string, string> = {}) =>
    twilioPost(`${VOICE}/status`, callForm(callSid, from, { CallStatus: callStatus, CallbackSource: 'call-progress-events', Timestamp: new Date(clock).toUTCString(), ...extra }));
  const queueResult = (callSid: string, from: string, result: string, seconds: number) =>
    twilioPost(`${VOICE}/queue?lang=en`, callForm(callSid, from, { CallStatus: 'in-progress', QueueResult: result, QueueSid: 'QU00000000000000000000000000000001', QueueTime: String(seconds) }));

  it('records ringing, answered and completed (with duration) and closes the interaction; a duplicate changes nothing', async () => {
    const { callSid, caseId } = await queuedCall(phone(71));
    expect((await status(callSid, phone(71), 'ringing')).status).toBe(200);
    await status(callSid, phone(71), 'in-progress');
    const done = await status(callSid, phone(71), 'completed', { CallDuration: '95' });
    expect(done.type).toMatch(/^text\/xml/);
    expect(verb(done.xml, 'Response')).not.toBeNull();

    const steps = await callEvents(callSid, 'call_status');
    expect(steps.map((e) => e.data.status)).toEqual(['queued', 'ringing', 'answered', 'completed']);
    expect(steps[3]!.data).toMatchObject({ durationSeconds: 95 });
    expect(steps[3]!.case_id).toBe(caseId);
    expect(await interactionOf(callSid)).toMatchObject({ status: 'closed' });
    expect((await interactionOf(callSid))!.ended_at).not.toBeNull();
    expect(await callEvents(callSid, 'interaction_ended')).toHaveLength(1);

    const events = await count('events');
    await status(callSid, phone(71), 'completed', { CallDuration: '95' });
    await status(callSid, phone(71), 'ringing');
    expect(await count('events')).toBe(events);
  });

  it('records a caller who hangs up in the queue as abandoned, with a long wait', async () => {
    const { callSid, caseId } = await queuedCall(phone(72));
    const res = await queueResult(callSid, phone(72), 'hangup', 240);
    expect(res.status).toBe(200);
    const abandoned = await callEvents(callSid, 'abandon');
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]!).toMatchObject({ case_id: caseId, data: { channel: 'voice', queueSeconds: 240 } });
    expect((await callEvents(callSid, 'call_status')).at(-1)!.data).toMatchObject({ status: 'abandoned', queueSeconds: 240, queueResult: 'hangup' });
    expect(await callEvents(callSid, 'long_wait')).toHaveLength(1);

    const events = await count('events');
    await queueResult(callSid, phone(72), 'hangup', 240);
    expect(await count('events')).toBe(events);
  });

  it('records a transfer out of the queue, and a bridged call ends with a goodbye', async () => {
    const { callSid } = await queuedCall(phone(73));
    await queueResult(callSid, phone(73), 'redirected', 20);
    expect(await callEvents(callSid, 'transfer')).toHaveLength(1);
    const bridged = await queueResult(callSid, phone(73), 'bridged', 30);
    expect(spoken(bridged.xml)).toContain('Goodbye');
    expect(verb(bridged.xml, 'Hangup')).not.toBeNull();
    expect((await callEvents(callSid, 'call_status')).map((e) => e.data.status)).toEqual(['queued', 'transferred', 'bridged']);
    expect(await callEvents(callSid, 'abandon')).toHaveLength(0);
    expect(await callEvents(callSid, 'long_wait')).toHaveLength(0);
  });

  it('tells a waiting caller their place in line', async () => {
    const { callSid } = await queuedCall(phone(74));
    const res = await twilioPost(`${VOICE}/wait?lang=es`, callForm(callSid, phone(74), { QueuePosition: '3', QueueTime: '15', QueueSid: 'QU00000000000000000000000000000002', CurrentQueueSize: '4', AvgQueueTime: '40' }));
    expect(res.type).toMatch(/^text\/xml/);
    expect(says(res.xml)[0]).toEqual({ language: 'es-US', text: 'Usted es el número 3 en la fila. Por favor, no cuelgue. En breve le atenderemos.' });
    expect(verb(res.xml, 'Pause')).not.toBeNull();
  });
});

describe('an agent takes the call', () => {
  function connect(url: string): Promise<WebSocket> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }
  function nextFrame(ws: WebSocket, match: (f: any) => boolean, ms = 10_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching frame in time')), ms);
      const onMessage = (data: WebSocket.RawData) => {
        const frame = JSON.parse(data.toString());
        if (match(frame)) {
          clearTimeout(timer);
          ws.off('message', onMessage);
          resolve(frame);
        }
      };
      ws.on('message', onMessage);
    });
  }
  async function staffOf(organizationId: string): Promise<string> {
    const [row] = await rows<{ id: string }>(sql`select id from staff where organization_id = ${organizationId} and role = 'agent' order by name limit 1`);
    return row!.id;
  }

  it('gives the agent the dequeue TwiML whose URL is fetched before bridging', async () => {
    const xml = agentDequeueTwiml(PUBLIC_URL, 'dept-123', '00000000-0000-4000-8000-000000000001');
    const queue = verb(verb(xml, 'Dial')!.body, 'Queue')!;
    expect(queue.body).toBe('dept-123');
    expect(queue.attrs.url).toBe(`${PUBLIC_URL}${VOICE}/connect-agent?agentId=00000000-0000-4000-8000-000000000001`);
  });

  it('pushes the case card to subscribers and sets the agent on the call before anyone speaks', async () => {
    const { caseId, code } = await chatCaseWithCode('visitor-voice-agent', 'I need a refill of my atorvastatin, date of birth 02/03/1970');
    const callSid = newCallSid();
    await callAndAnswer(callSid, phone(81), { Digits: code });
    const agentId = await staffOf(h.organizationId);

    const wsUrl = `${base.replace('http', 'ws')}/api/v1/stream?access_token=${h.token}`;
    const [orgSocket, caseSocket] = await Promise.all([connect(wsUrl), connect(wsUrl)]);
    orgSocket.send(JSON.stringify({ type: 'subscribe', scope: 'organization' }));
    caseSocket.send(JSON.stringify({ type: 'subscribe', caseId }));
    await Promise.all([nextFrame(orgSocket, (f) => f.type === 'subscribed'), nextFrame(caseSocket, (f) => f.type === 'subscribed')]);
    const orgFrame = nextFrame(orgSocket, (f) => f.type === 'case_updated' && f.caseId === caseId);
    const caseFrame = nextFrame(caseSocket, (f) => f.type === 'case_updated' && f.kinds.includes('call_status'));

    const dequeuedBy = 'CA' + 'f'.repeat(32);
    const res = await twilioPost(`${VOICE}/connect-agent?agentId=${agentId}`, {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: callSid,
      DequeingCallSid: dequeuedBy,
      QueueSid: 'QU00000000000000000000000000000003',
      QueueTime: '42',
      From: 'client:agent',
      To: DEMO_PHONE_NUMBER,
      CallStatus: 'in-progress',
    });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/xml/);
    expect(spoken(res.xml)).toBe('Connecting you now.');
    expect(res.xml).not.toMatch(/<(Gather|Enqueue|Dial|Hangup)/);

    const [org, card] = await Promise.all([orgFrame, caseFrame]);
    expect(org.kinds).toContain('call_status');
    expect(card.card.case.id).toBe(caseId);
    expect(card.card.case.channels).toContain('voice');
    expect(card.card.facts.map((f: { name: string }) => f.name)).toContain('birthDate');
    orgSocket.close();
    caseSocket.close();

    expect((await interactionOf(callSid))!.agent_id).toBe(agentId);
    const step = (await callEvents(callSid, 'call_status')).at(-1)!;
    expect(step.data).toMatchObject({ status: 'agent_connecting', agentId, queueSeconds: 42 });
    const caseRow = await h.get(`/api/v1/cases/${caseId}/context`);
    expect(caseRow.body.case.ownerId).toBe(agentId);

    // Twilio fetching the URL again changes nothing.
    const events = await count('events');
    await twilioPost(`${VOICE}/connect-agent?agentId=${agentId}`, { CallSid: callSid, QueueTime: '42', To: DEMO_PHONE_NUMBER });
    expect(await count('events')).toBe(events);
  });

  it('records nothing for an unknown agent or an agent of another organisation', async () => {
    const callSid = newCallSid();
    await incoming(callSid, phone(82));
    const other = await h.database.db.transaction((tx) => seedOrganization(tx, { slug: 'voice-other', patients: 0 }));
    const outsider = await staffOf(other.organizationId);
    const events = await count('events');
    for (const agentId of [outsider, '00000000-0000-4000-8000-000000000009', 'not-a-uuid']) {
      const res = await twilioPost(`${VOICE}/connect-agent?agentId=${agentId}`, { CallSid: callSid, QueueTime: '5', To: DEMO_PHONE_NUMBER });
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/xml/);
    }
    expect(await count('events')).toBe(events);
    expect((await interactionOf(callSid))!.agent_id).toBeNull();
  });
});

describe('the edge', () => {
  it('refuses a bad or missing signature with 403 and records nothing', async () => {
    const before = { events: await count('events'), interactions: await count('interactions'), receipts: await count('inbound_receipts') };
    const callSid = newCallSid();
    const form = callForm(callSid, phone(91));
    const paths = [VOICE, `${VOICE}/code?lang=en&attempt=1`, `${VOICE}/menu?lang=en&attempt=1`, `${VOICE}/status`, `${VOICE}/queue`, `${VOICE}/wait`, `${VOICE}/connect-agent?agentId=x`];
    for (const path of paths) {
      expect((await twilioPost(path, { ...form, Digits: '2' }, { signature: null })).status).toBe(403);
      expect((await twilioPost(path, { ...form, Digits: '2' }, { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).status).toBe(403);
    }
    // Signed for other parameters than the ones posted (a tampered body).
    const tampered = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${VOICE}`, { ...form, From: phone(92) });
    expect((await twilioPost(VOICE, form, { signature: tampered })).status).toBe(403);
    // Signed for another URL (the query is part of what is signed).
    const otherUrl = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${VOICE}/menu?lang=es&attempt=1`, form);
    expect((await twilioPost(`${VOICE}/menu?lang=en&attempt=1`, form, { signature: otherUrl })).status).toBe(403);
    expect(await count('events')).toBe(before.events);
    expect(await count('interactions')).toBe(before.interactions);
    expect(await count('inbound_receipts')).toBe(before.receipts);
  });

  it('refuses an unsigned request whatever its content type, on every Twilio webhook', async () => {
    const before = { events: await count('events'), receipts: await count('inbound_receipts') };
    const paths = [VOICE, `${VOICE}/code?lang=en&attempt=1`, `${VOICE}/menu?lang=en&attempt=1`, `${VOICE}/status`, '/channels/twilio/sms', '/channels/twilio/sms/status'];
    const bodies: Array<[string, string]> = [
      ['application/json', JSON.stringify(callForm(newCallSid(), phone(95)))],
      ['application/json', '{"CallSid":'],
      ['application/json', ''],
      ['application/octet-stream', 'CallSid=CA1'],
      ['text/plain', 'CallSid=CA1'],
    ];
    for (const path of paths) {
      for (const [contentType, payload] of bodies) {
        expect({ path, contentType, payload, status: (await twilioPost(path, {}, { signature: null, contentType, payload })).status }).toEqual({ path, contentType, payload, status: 403 });
        // A made-up signature over a body that does not parse is no better.
        const forged = await twilioPost(path, {}, { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', contentType, payload });
        expect([path, contentType, payload, forged.status >= 400 && forged.status < 500]).toEqual([path, contentType, payload, true]);
      }
    }
    expect(await count('events')).toBe(before.events);
    expect(await count('inbound_receipts')).toBe(before.receipts);
  });

  it('answers a signed but malformed request with safe TwiML, never a 5xx', async () => {
    const before = await count('events');
    // No CallSid, no To.
    const bare = await twilioPost(VOICE, { From: phone(93) });
    expect(bare.status).toBe(200);
    expect(bare.type).toMatch(/^text\/xml/);
    expect(verb(bare.xml, 'Hangup')).not.toBeNull();
    // A CallSid that is not one.
    const odd = await twilioPost(`${VOICE}/code?lang=en`, { CallSid: '../../etc', To: DEMO_PHONE_NUMBER, Digits: '123456' });
    expect(odd.status).toBe(200);
    expect(verb(odd.xml, 'Hangup')).not.toBeNull();
    // A body in a type Twilio never sends.
    const binary = await twilioPost(VOICE, {}, { contentType: 'application/octet-stream', payload: 'CallSid=CA1' });
    expect(binary.status).toBeLessThan(500);
    expect(binary.type).toMatch(/^text\/xml/);
    expect(await count('events')).toBe(before);
    // A caller ID that is no phone number is an anonymous call, not an error.
    const sip = await incoming(newCallSid(), 'sip:someone@example.net');
    expect(verb(sip.xml, 'Gather')).not.toBeNull();
  });

  it('still answers TwiML when a step fails on our side: the caller reaches a person', async () => {
    const callSid = newCallSid();
    await incoming(callSid, phone(94));
    const clockBefore = h.services.now;
    h.services.now = () => {
      throw new Error('simulated failure');
    };
    try {
      const menu = await twilioPost(`${VOICE}/menu?lang=es&attempt=1`, callForm(callSid, phone(94), { Digits: '1' }));
      expect(menu.status).toBe(200);
      expect(menu.type).toMatch(/^text\/xml/);
      expect(says(menu.xml)[0]!.language).toBe('es-US');
      expect(verb(menu.xml, 'Enqueue')!.body).toBe(`org-${h.organizationId}`);
      // The hold loop and the agent's bridge answer only with verbs allowed there.
      const wait = await twilioPost(`${VOICE}/wait?lang=en`, callForm(callSid, phone(94), { QueueTime: '999', QueuePosition: '1' }));
      expect(wait.status).toBe(200);
      expect(wait.xml).not.toMatch(/<(Enqueue|Hangup)/);
      const bridge = await twilioPost(`${VOICE}/connect-agent?agentId=00000000-0000-4000-8000-000000000001`, { CallSid: callSid });
      expect(bridge.status).toBe(200);
      expect(bridge.xml).not.toMatch(/<(Enqueue|Hangup)/);
    } finally {
      h.services.now = clockBefore;
    }
  });
});

describe('guessing codes from rotating or withheld caller IDs', () => {
  // Withheld and made-up caller IDs: each call looks like a new contact to the per-contact lockout.
  const rotating = (i: number) => ['anonymous', '+266696687', '', 'Restricted', phone(200 + (i % 700))][i % 5]!;
  const guess = (i: number) => String(10_000_000 + i * 7919);
  const auditRows = (action: string) => rows<{ actor_type: string; detail: Record<string, unknown> }>(sql`select actor_type, detail from audit_log where organization_id = ${h.organizationId} and action = ${action}`);

  it('slows, then pauses code entry for the organisation, audits the pause, shows it to supervisors, and still offers callers the menu and a person', async () => {
    clock += 3 * 3600_000; // a window of its own, clear of the wrong codes above
    const { caseId, code } = await chatCaseWithCode('visitor-guessing', 'I need to reschedule my appointment');
    const failuresInWindow = () => count('continuation_failures', `organization_id = '${h.organizationId}' and occurred_at >= '${new Date(clock - 3600_000).toISOString()}'`);
    // 200 wrong codes in a few minutes, one call each, from any mix of caller IDs.
    for (let i = 0; i < 200; i++) {
      clock += 1000;
      const res = await twilioPost(`${VOICE}/code?lang=en&attempt=1`, callForm(newCallSid(), rotating(i), { Digits: guess(i) === code ? guess(i + 1000) : guess(i) }));
      expect(res.status).toBe(200);
      expect((await auditRows('continuation_entry_paused')).length).toBe(i === 199 ? 1 : 0);
      if (i === 59) expect((await h.get('/api/v1/queues')).body.codeEntry.state).toBe('slowed');
    }
    expect(await failuresInWindow()).toBe(200);
    const [paused] = await auditRows('continuation_entry_paused');
    expect(paused!.actor_type).toBe('system');
    expect(paused!.detail).toMatchObject({ failuresInWindow: 200, windowMinutes: 60 });
    expect(await count('events', `organization_id = '${h.organizationId}' and kind = 'continuation_entry_paused'`)).toBe(1);

    // Paused: the right code no longer joins, and refusals are no longer counted.
    const callSid = newCallSid();
    const right = await twilioPost(`${VOICE}/code?lang=en&attempt=1`, callForm(callSid, phone(150), { Digits: code }));
    expect(spoken(right.xml)).toContain('Code entry is not available right now');
    const menu = verb(right.xml, 'Gather')!;
    expect(menu.attrs.action).toBe(`${PUBLIC_URL}${VOICE}/menu?lang=en&attempt=1`);
    expect((await interactionOf(callSid))?.case_id ?? null).toBeNull();
    expect(await failuresInWindow()).toBe(200);
    // The caller still gets through: 0 is a person.
    const person = await twilioPost(pathOf(menu.attrs.action!), callForm(callSid, phone(150), { Digits: '0' }));
    expect(verb(person.xml, 'Enqueue')).not.toBeNull();

    // A new call is not asked for a code at all while paused.
    const greeting = await incoming(newCallSid(), 'anonymous');
    expect(spoken(greeting.xml)).toContain('Code entry is not available right now');
    expect(verb(greeting.xml, 'Gather')!.attrs.action).toBe(`${PUBLIC_URL}${VOICE}/menu?lang=en&attempt=1`);

    // Supervisors see it in the queues API.
    const queues = await h.get('/api/v1/queues');
    expect(queues.body.codeEntry).toMatchObject({ state: 'paused', failuresInWindow: 200, windowMinutes: 60, pauseAfter: 200 });
    expect(Date.parse(queues.body.codeEntry.pausedUntil)).toBeGreaterThan(clock);

    // When the window has passed, a fresh code joins again.
    clock += 61 * 60_000;
    expect((await h.get('/api/v1/queues')).body.codeEntry.state).toBe('open');
    const fresh = await chatCaseWithCode('visitor-after-pause', 'I need to reschedule my appointment');
    const joined = await callAndAnswer(newCallSid(), phone(151), { Digits: fresh.code });
    expect(spoken(joined.xml)).toContain('We found your conversation');
    void caseId;
  });
});
