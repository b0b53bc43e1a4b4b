import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import twilio from 'twilio';
import { DEMO_PHONE_NUMBER, consentFor, replyOnCase } from '../src/index.ts';
import { startOutboxWorker, type OutboxWorker } from '../src/outbox/worker.ts';
import { twilioSmsTransport } from '../src/channels/twilio/sms.ts';
import { normalizeKeyword, smsKeyword } from '../src/channels/twilio/sms-keywords.ts';
import { outboxRows, queryRows } from './helpers/sql.ts';
import { identifierIndex } from '../src/store/blind-indexes.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { startFakeTwilio, type FakeTwilio } from './helpers/fake-twilio.ts';

// Twilio signs against the public URL; the app is reached here under another host (a proxy).
const PUBLIC_URL = 'https://carethread.example.org';
const SMS_PATH = '/channels/twilio/sms';
const STATUS_PATH = '/channels/twilio/sms/status';

let h: Harness;
let fake: FakeTwilio;
let worker: OutboxWorker;
let clock = Date.parse('2026-11-02T14:00:00Z');
let sidSeq = 0;

const newSid = (prefix = 'SM') => `${prefix}${(++sidSeq).toString(16).padStart(32, '0')}`;
/** Fictional numbers: +1 XXX 555-01XX. */
const phone = (n: number) => `+1212555${String(100 + n).padStart(4, '0')}`;

async function rows<T = Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}
async function count(table: string, where = 'true'): Promise<number> {
  const [row] = await rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`));
  return row!.n;
}

function smsForm(o: { from: string; body: string; sid?: string; to?: string; media?: string[] }): Record<string, string> {
  const media = o.media ?? [];
  const form: Record<string, string> = {
    ToCountry: 'US',
    SmsMessageSid: o.sid ?? newSid(),
    NumMedia: String(media.length),
    SmsSid: '',
    SmsStatus: 'received',
    Body: o.body,
    To: o.to ?? DEMO_PHONE_NUMBER,
    NumSegments: '1',
    MessageSid: '',
    AccountSid: fake.accountSid,
    From: o.from,
    ApiVersion: '2010-04-01',
  };
  form.SmsSid = form.MessageSid = form.SmsMessageSid!;
  media.forEach((url, i) => {
    form[`MediaUrl${i}`] = url;
    form[`MediaContentType${i}`] = 'image/jpeg';
  });
  return form;
}

/** Posts a form the way Twilio does, signed with the real library over the URL Twilio used. */
async function post(path: string, form: Record<string, string>, opts: { signUrl?: string; signature?: string | null; host?: string } = {}) {
  const signature =
    opts.signature === undefined ? twilio.getExpectedTwilioSignature(fake.authToken, opts.signUrl ?? `${PUBLIC_URL}${path}`, form) : opts.signature;
  return h.app.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature ? { 'x-twilio-signature': signature } : {}),
      ...(opts.host ? { host: opts.host } : {}),
    },
    payload: new URLSearchParams(form).toString(),
  });
}
const text = (from: string, body: string, extra: { sid?: string; media?: string[]; to?: string } = {}) => post(SMS_PATH, smsForm({ from, body, ...extra }));

async function drain(): Promise<void> {
  for (let i = 0; i < 20 && (await worker.runOnce()) > 0; i++);
}
async function caseOf(from: string): Promise<string> {
  const [row] = await rows<{ case_id: string }>(sql`select case_id from interactions where contact_index = ${identifierIndex('phone', from)} and case_id is not null order by started_at desc limit 1`);
  return row!.case_id;
}
const tick = (ms = 60_000) => {
  clock += ms;
};

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  fake = await startFakeTwilio();
  h.services.now = () => new Date(clock);
  h.services.settings = {
    ...h.services.settings,
    publicUrl: PUBLIC_URL,
    twilio: { accountSid: fake.accountSid, authToken: fake.authToken, apiBaseUrl: fake.url },
    outbox: { pollMs: 50, maxAttempts: 3, backoffMs: 1000 },
  };
  worker = startOutboxWorker(h.services, [twilioSmsTransport(h.services)], { autoStart: false });
});
afterAll(async () => {
  await worker?.stop();
  await fake?.close();
  await h?.close();
});
beforeEach(async () => {
  // Whatever an earlier test left queued goes out first, so each test sees only its own messages.
  await drain();
  tick();
  fake.reset();
});

describe('inbound SMS webhook', () => {
  it('turns a signed text into a case and answers with empty TwiML', async () => {
    const from = phone(1);
    const sid = newSid();
    const res = await text(from, 'I need a refill of my lisinopril please', { sid });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toMatch(/<Response\s*\/>/);
    const [msg] = await rows<{ body: string; channel: string; case_id: string; provider_ref: string }>(
      sql`select body, channel, case_id, provider_ref from messages where provider_ref = ${sid}`,
    );
    expect(msg).toMatchObject({ body: 'I need a refill of my lisinopril please', channel: 'sms' });
    expect(msg!.case_id).toBeTruthy();
    const [c] = await rows<{ request_type: string }>(sql`select request_type from cases where id = ${msg!.case_id}`);
    expect(c!.request_type).toBe('prescription');
  });

  it('is idempotent on MessageSid: a redelivery adds nothing', async () => {
    const from = phone(2);
    const sid = newSid();
    expect((await text(from, 'Question about my bill', { sid })).statusCode).toBe(200);
    const before = [await count('messages'), await count('events'), await count('cases')];
    const again = await text(from, 'Question about my bill', { sid });
    expect(again.statusCode).toBe(200);
    expect(again.body).toMatch(/<Response\s*\/>/);
    expect([await count('messages'), await count('events'), await count('cases')]).toEqual(before);
  });

  it('refuses a bad or missing signature with 403 and records nothing', async () => {
    const before = [await count('messages'), await count('inbound_receipts'), await count('interactions'), await count('events')];
    const form = smsForm({ from: phone(3), body: 'hello' });
    const forged = await post(SMS_PATH, form, { signature: twilio.getExpectedTwilioSignature('not-the-token', `${PUBLIC_URL}${SMS_PATH}`, form) });
    expect(forged.statusCode).toBe(403);
    const missing = await post(SMS_PATH, form, { signature: null });
    expect(missing.statusCode).toBe(403);
    // Signed, then tampered with: the body no longer matches the signature.
    const signature = twilio.getExpectedTwilioSignature(fake.authToken, `${PUBLIC_URL}${SMS_PATH}`, form);
    const tampered = await post(SMS_PATH, { ...form, Body: 'hello, changed' }, { signature });
    expect(tampered.statusCode).toBe(403);
    expect([await count('messages'), await count('inbound_receipts'), await count('interactions'), await count('events')]).toEqual(before);
  });

  it('checks the signature against the public URL, not the Host the proxy forwarded', async () => {
    const form = smsForm({ from: phone(4), body: 'Can I get my lab results?' });
    const viaProxy = await post(SMS_PATH, form, { host: 'carethread-internal:8080' });
    expect(viaProxy.statusCode).toBe(200);
    // Signed over the internal address (what a naive check would rebuild): refused.
    const form2 = smsForm({ from: phone(4), body: 'Can I get my lab results?' });
    const internal = await post(SMS_PATH, form2, { host: 'carethread-internal:8080', signUrl: `http://carethread-internal:8080${SMS_PATH}` });
    expect(internal.statusCode).toBe(403);
  });

  it('answers 404 for a number no organisation owns', async () => {
    const before = await count('inbound_receipts');
    const res = await text(phone(5), 'hello', { to: '+12125550199' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toMatch(/not connected to any organisation/);
    expect(await count('inbound_receipts')).toBe(before);
  });

  it('refuses malformed bodies with a 4xx and changes nothing', async () => {
    const before = [await count('messages'), await count('inbound_receipts')];
    const noFrom = smsForm({ from: phone(6), body: 'hi' });
    delete noFrom.From;
    const r1 = await post(SMS_PATH, noFrom);
    expect(r1.statusCode).toBe(400);
    expect(r1.body).toMatch(/From/);

    const noSid = smsForm({ from: phone(6), body: 'hi' });
    delete noSid.MessageSid;
    delete noSid.SmsSid;
    expect((await post(SMS_PATH, noSid)).statusCode).toBe(400);

    // JSON instead of a form, even correctly signed over the same parameters.
    const form = smsForm({ from: phone(6), body: 'hi' });
    const json = await h.app.inject({
      method: 'POST',
      url: SMS_PATH,
      headers: { 'content-type': 'application/json', 'x-twilio-signature': twilio.getExpectedTwilioSignature(fake.authToken, `${PUBLIC_URL}${SMS_PATH}`, form) },
      payload: JSON.stringify(form),
    });
    expect(json.statusCode).toBeGreaterThanOrEqual(400);
    expect(json.statusCode).toBeLessThan(500);

    // Not a phone number (an alphanumeric sender): the pipeline refuses it.
    const alpha = await text('CARRIER', 'Your data plan renews tomorrow');
    expect(alpha.statusCode).toBe(422);
    expect([await count('messages'), await count('inbound_receipts')]).toEqual(before);
  });

  it('stores media as references to the provider', async () => {
    const sid = newSid('MM');
    const media = [
      `https://api.twilio.com/2010-04-01/Accounts/${'AC' + '0'.repeat(32)}/Messages/${sid}/Media/ME${'1'.repeat(32)}`,
      `https://api.twilio.com/2010-04-01/Accounts/${'AC' + '0'.repeat(32)}/Messages/${sid}/Media/ME${'2'.repeat(32)}`,
    ];
    const res = await text(phone(7), 'Here is a photo of my insurance card', { sid, media });
    expect(res.statusCode).toBe(200);
    const [msg] = await rows<{ media_urls: string[] | string }>(sql`select media_urls from messages where provider_ref = ${sid}`);
    const stored = typeof msg!.media_urls === 'string' ? JSON.parse(msg!.media_urls) : msg!.media_urls;
    expect(stored).toEqual(media);
  });
});

describe('keywords and consent', () => {
  it('recognises whole-message keywords, case, accents and punctuation aside', () => {
    expect(normalizeKeyword('  ¡Sí! ')).toBe('SI');
    expect(smsKeyword('stop')?.action).toBe('opt_out');
    expect(smsKeyword(' Stop. ')?.action).toBe('opt_out');
    expect(smsKeyword('dar  de   baja')?.action).toBe('opt_out');
    expect(smsKeyword('Detener')).toMatchObject({ action: 'opt_out', language: 'es' });
    expect(smsKeyword('unstop')?.action).toBe('opt_in');
    expect(smsKeyword('Ayuda')).toMatchObject({ action: 'help', language: 'es' });
    expect(smsKeyword('please stop calling me')).toBeNull();
    expect(smsKeyword('cancelar')).toBeNull();
    expect(smsKeyword('C')).toBeNull();
  });

  it('STOP opts the number out without opening a case; later replies are blocked, never sent', async () => {
    const from = phone(10);
    expect((await text(from, 'Do I need to fast before my blood test?')).statusCode).toBe(200);
    const caseId = await caseOf(from);
    const cases = await count('cases');
    const stop = await text(from, 'STOP');
    expect(stop.statusCode).toBe(200);
    expect(stop.body).toMatch(/<Response\s*\/>/);
    expect(await consentFor(h.database.db, h.organizationId, 'sms', from)).toBe('opted_out');
    expect(await count('cases')).toBe(cases);
    // Twilio answers its own STOP keyword: we queue nothing.
    expect(await outboxRows(h.database, (o) => o.to_address === from)).toHaveLength(0);

    const { outboxId } = await replyOnCase(h.services, h.organizationId, caseId, { text: 'No fasting needed.', actor: 'agent' });
    await drain();
    const [row] = await rows<{ status: string; attempts: number }>(sql`select status, attempts from outbox where id = ${outboxId}`);
    expect(row).toEqual({ status: 'blocked', attempts: 1 });
    const blocked = await rows<{ data: Record<string, unknown> }>(sql`select data from events where kind = 'outbound_blocked' and case_id = ${caseId}`);
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.data).toMatchObject({ outboxId, reason: 'opted_out' });
    expect(fake.requests).toBe(0);

    // START re-enables.
    expect((await text(from, 'start')).statusCode).toBe(200);
    expect(await consentFor(h.database.db, h.organizationId, 'sms', from)).toBe('opted_in');
    expect(await count('cases')).toBe(cases);
    await replyOnCase(h.services, h.organizationId, caseId, { text: 'You can eat normally before the test.', actor: 'agent' });
    await drain();
    expect(fake.messages.map((m) => [m.to, m.body])).toEqual([[from, 'You can eat normally before the test.']]);
  });

  it('a redelivered STOP changes consent once', async () => {
    const from = phone(11);
    const sid = newSid();
    await text(from, 'Quit', { sid });
    await text(from, 'Quit', { sid });
    const [row] = await rows<{ n: number }>(sql`select count(*)::int as n from events where kind = 'consent_changed' and occurred_at = ${new Date(clock).toISOString()}`);
    expect(row!.n).toBe(1);
  });

  it('Spanish keywords: PARAR opts out with a confirmation in Spanish, ALTA back in', async () => {
    const from = phone(12);
    const cases = await count('cases');
    expect((await text(from, ' Parar ')).statusCode).toBe(200);
    expect(await consentFor(h.database.db, h.organizationId, 'sms', from)).toBe('opted_out');
    await drain();
    // Twilio does not know PARAR: our one-time confirmation goes out despite the opt-out.
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({ to: from, from: DEMO_PHONE_NUMBER });
    expect(fake.messages[0]!.body).toMatch(/no recibirá más mensajes/);

    tick();
    expect((await text(from, 'alta')).statusCode).toBe(200);
    expect(await consentFor(h.database.db, h.organizationId, 'sms', from)).toBe('opted_in');
    await drain();
    expect(fake.messages[1]!.body).toMatch(/volverá a recibir/);

    // "Sí" from a number that is not opted out is an ordinary answer, for the pipeline.
    tick();
    const si = newSid();
    expect((await text(from, 'Sí', { sid: si })).statusCode).toBe(200);
    expect(await count('messages', `provider_ref = '${si}'`)).toBe(1);

    // …and from an opted-out number, it opts back in.
    tick();
    await text(from, 'BAJA');
    expect(await consentFor(h.database.db, h.organizationId, 'sms', from)).toBe('opted_out');
    tick();
    const si2 = newSid();
    await text(from, 'sí', { sid: si2 });
    expect(await consentFor(h.database.db, h.organizationId, 'sms', from)).toBe('opted_in');
    expect(await count('messages', `provider_ref = '${si2}'`)).toBe(0);
    // The keyword texts themselves opened no case (only "Sí" reached the pipeline).
    expect(await count('cases')).toBeLessThanOrEqual(cases + 1);
  });

  it('CANCELAR is not an opt-out: it reaches the pipeline (appointment replies use it)', async () => {
    const from = phone(13);
    const sid = newSid();
    await text(from, 'CANCELAR', { sid });
    expect(await consentFor(h.database.db, h.organizationId, 'sms', from)).toBeNull();
    expect(await count('messages', `provider_ref = '${sid}'`)).toBe(1);
  });

  it('HELP and AYUDA get a help reply through the outbox and open no case', async () => {
    const from = phone(14);
    const cases = await count('cases');
    await text(from, 'help');
    tick();
    await text(from, 'AYUDA');
    await drain();
    expect(await count('cases')).toBe(cases);
    expect(fake.messages.map((m) => m.to)).toEqual([from, from]);
    expect(fake.messages[0]!.body).toMatch(/reply to this message/i);
    expect(fake.messages[0]!.body).toMatch(/STOP/);
    expect(fake.messages[1]!.body).toMatch(/responda a este mensaje/i);
    expect(await consentFor(h.database.db, h.organizationId, 'sms', from)).toBeNull();
  });
});

describe('outbound SMS through the real twilio client', () => {
  it('sends a 1,000-character Spanish message with emoji intact, from the org number, with a status callback', async () => {
    const from = phone(20);
    await text(from, 'Quisiera cambiar mi cita del jueves');
    const caseId = await caseOf(from);
    const unit = 'Su cita está confirmada para el jueves a las 9:30 — traiga su tarjeta del seguro 🩺😊. ';
    let long = '';
    while ([...long].length < 1000) long += unit;
    long = [...long].slice(0, 1000).join('');
    const { outboxId, messageId } = await replyOnCase(h.services, h.organizationId, caseId, { text: long, actor: 'agent' });
    await drain();
    expect(fake.messages).toHaveLength(1);
    const sent = fake.messages[0]!;
    expect(sent.body).toBe(long);
    expect([...sent.body]).toHaveLength(1000);
    expect(sent).toMatchObject({ to: from, from: DEMO_PHONE_NUMBER, statusCallback: `${PUBLIC_URL}${STATUS_PATH}`, idempotencyKey: `message:${messageId}` });
    const [row] = await rows<{ status: string; provider_ref: string; sent_at: string | Date }>(sql`select status, provider_ref, sent_at from outbox where id = ${outboxId}`);
    expect(row!.status).toBe('sent');
    expect(row!.provider_ref).toBe(sent.sid);
    expect(new Date(row!.sent_at).getTime()).toBe(clock);
    // The stored reply learns its MessageSid.
    expect(await count('messages', `id = '${messageId}' and provider_ref = '${sent.sid}'`)).toBe(1);
  });

  it('status callbacks update the row by MessageSid; unknown sids are acknowledged and change nothing', async () => {
    const from = phone(21);
    await text(from, 'Is my prescription ready?');
    const caseId = await caseOf(from);
    const { outboxId } = await replyOnCase(h.services, h.organizationId, caseId, { text: 'Yes, ready for pickup.', actor: 'agent' });
    await drain();
    const sid = fake.messages[0]!.sid;

    const delivered = fake.statusCallback(sid, 'delivered');
    expect(delivered.url).toBe(`${PUBLIC_URL}${STATUS_PATH}`);
    const r1 = await post(STATUS_PATH, delivered.params);
    expect(r1.statusCode).toBe(200);
    const statusEvents = await rows<{ data: Record<string, unknown> }>(sql`select data from events where kind = 'delivery_status' and case_id = ${caseId}`);
    expect(statusEvents.map((e) => e.data.status)).toEqual(['delivered']);
    // The same report again: nothing new.
    await post(STATUS_PATH, delivered.params);
    expect(await count('events', `kind = 'delivery_status' and case_id = '${caseId}'`)).toBe(1);

    // Unsigned: refused.
    expect((await post(STATUS_PATH, fake.statusCallback(sid, 'undelivered', 30003).params, { signature: null })).statusCode).toBe(403);

    const undelivered = await post(STATUS_PATH, fake.statusCallback(sid, 'undelivered', 30003).params);
    expect(undelivered.statusCode).toBe(200);
    const [row] = await rows<{ status: string; last_error: string }>(sql`select status, last_error from outbox where id = ${outboxId}`);
    expect(row!.status).toBe('dead');
    expect(row!.last_error).toMatch(/undelivered.*30003/);
    expect(row!.last_error).not.toContain(from.slice(2));

    const before = [await count('events'), await count('outbox', `status = 'sent'`), await count('inbound_receipts')];
    const unknown = await post(STATUS_PATH, { ...fake.statusCallback(sid, 'failed').params, MessageSid: newSid(), SmsSid: newSid() });
    expect(unknown.statusCode).toBe(200);
    expect([await count('events'), await count('outbox', `status = 'sent'`), await count('inbound_receipts')]).toEqual(before);
  });
});
