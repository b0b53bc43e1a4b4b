import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import twilio from 'twilio';
import { createUnderstanding } from '@carethread/assistant';
import { DEMO_PHONE_NUMBER } from '../src/index.ts';
import { createAssistant } from '../src/assistant/index.ts';
import { voiceQueueName } from '../src/channels/twilio/voice-twiml.ts';
import { queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// The assistant on the phone: the menu's speech goes through the same path as chat, and the
// answer is spoken with <Say> in the caller's language followed by a new <Gather>.

let h: Harness;
const PUBLIC_URL = 'https://carethread.example.org';
const AUTH_TOKEN = 'assistant-voice-token';
const VOICE = '/channels/twilio/voice';
let sid = 0;
const newCallSid = () => `CA${(++sid).toString(16).padStart(32, 'a')}`;

async function rows<T>(q: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, q);
}

async function post(pathAndQuery: string, form: Record<string, string>) {
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${pathAndQuery}`, form);
  const res = await h.app.inject({
    method: 'POST',
    url: pathAndQuery,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    payload: new URLSearchParams(form).toString(),
  });
  expect(res.statusCode).toBe(200);
  return res.body;
}
const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const says = (xml: string) => [...xml.matchAll(/<Say([^>]*)>([^<]*)<\/Say>/g)].map((m) => ({ language: /language="([^"]*)"/.exec(m[1]!)?.[1], text: decode(m[2]!) }));
const gatherAction = (xml: string) => decode(/<Gather[^>]*action="([^"]*)"/.exec(xml)?.[1] ?? '').slice(PUBLIC_URL.length);
const form = (callSid: string, from: string, extra: Record<string, string> = {}) => ({ CallSid: callSid, From: from, To: DEMO_PHONE_NUMBER, CallStatus: 'in-progress', Direction: 'inbound', ...extra });

/** Calls, skips the code prompt, and says `request` at the menu. */
async function callAndSay(from: string, request: string): Promise<{ callSid: string; xml: string }> {
  const callSid = newCallSid();
  const greeting = await post(VOICE, form(callSid, from, { CallStatus: 'ringing' }));
  const menu = await post(gatherAction(greeting), form(callSid, from, { Digits: '#' }));
  const xml = await post(gatherAction(menu), form(callSid, from, { SpeechResult: request }));
  return { callSid, xml };
}

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  h.services.settings = { ...h.services.settings, publicUrl: PUBLIC_URL, twilio: { ...h.services.settings.twilio, authToken: AUTH_TOKEN } };
  h.services.assistant = createAssistant(await createUnderstanding());
});
afterAll(async () => {
  await h?.close();
});

describe('assistant on voice', () => {
  it('answers the spoken request with <Say> and listens again; a bare answer fills the fact', async () => {
    const from = '+16465550171';
    const { callSid, xml } = await callAndSay(from, 'I need a refill of my lisinopril');
    const first = says(xml);
    expect(first.map((s) => s.text).join(' ')).toMatch(/pharmacy/i);
    expect(first.every((s) => s.language === 'en-US')).toBe(true);
    expect(gatherAction(xml)).toMatch(/\/assistant\?lang=en&attempt=1$/);
    expect(xml).not.toContain('<Enqueue');
    const next = await post(gatherAction(xml), form(callSid, from, { SpeechResult: 'Walgreens on Main Street' }));
    expect(says(next).map((s) => s.text).join(' ')).toMatch(/first name/i);
    expect(gatherAction(next)).toMatch(/attempt=2$/);
    // Asking for a person: the assistant hands over and the caller is queued.
    const person = await post(gatherAction(next), form(callSid, from, { SpeechResult: 'let me talk to a real person' }));
    expect(person).toContain('<Enqueue');
    expect(says(person).map((s) => s.text).join(' ')).toMatch(/member of our team/);
    const [row] = await rows<{ n: number }>(sql`select count(*)::int as n from messages m join interactions i on i.id = m.interaction_id where i.conversation_ref = ${callSid} and m.actor = 'assistant'`);
    expect(row!.n).toBeGreaterThanOrEqual(3);
  });

  it('urgent symptoms in Spanish: guidance spoken in Spanish, then the clinical queue', async () => {
    const { xml } = await callAndSay('+16465550172', 'tengo un dolor de pecho muy fuerte y no puedo respirar');
    const lines = says(xml);
    expect(lines[0]).toMatchObject({ language: 'es-US' });
    expect(lines[0]!.text).toMatch(/911/);
    const [dept] = await rows<{ id: string }>(sql`select id from departments where organization_id = ${h.organizationId} and slug = 'nursing'`);
    expect(xml).toContain(`>${voiceQueueName(dept!.id, h.organizationId)}</Enqueue>`);
  });
});
