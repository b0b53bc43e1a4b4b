import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import {
  createServices,
  ensureAdminToken,
  ingestEvent,
  openDatabase,
  replyOnCase,
  seedOrganization,
  schema,
  type Services,
} from '../src/index.ts';
import { startOutboxWorker, type OutboxWorker } from '../src/outbox/worker.ts';
import { redactText } from '../src/outbox/redact.ts';
import { twilioSmsTransport } from '../src/channels/twilio/sms.ts';
import { queryRows } from './helpers/sql.ts';
import { createHarness, usingPostgres, type Harness } from './helpers/harness.ts';
import { startFakeTwilio, type FakeTwilio } from './helpers/fake-twilio.ts';

let h: Harness;
let fake: FakeTwilio;
let worker: OutboxWorker;
let api: FastifyInstance;
let clock = Date.parse('2026-11-02T14:00:00Z');
let seq = 0;
const BACKOFF = 1000;
const MAX_ATTEMPTS = 3;

const phone = (n: number) => `+1212555${String(100 + n).padStart(4, '0')}`;
const iso = () => new Date(clock).toISOString();

async function rows<T = Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}
async function outboxRow(id: number) {
  const [row] = await rows<{ status: string; attempts: number; last_error: string | null; next_attempt_at: string | Date; provider_ref: string | null }>(
    sql`select status, attempts, last_error, next_attempt_at, provider_ref from outbox where id = ${id}`,
  );
  return row!;
}
async function eventsFor(outboxId: number, kind: string) {
  return rows<{ data: Record<string, unknown> }>(sql`select data from events where kind = ${kind} and (data->>'outboxId')::bigint = ${outboxId} order by id`);
}

/** A patient texts in (through the pipeline, as the SMS adapter would), giving a case to reply on. */
async function smsCase(n: number): Promise<{ caseId: string; to: string }> {
  const to = phone(n);
  const result = await ingestEvent(h.services, h.organizationId, {
    channel: 'sms',
    direction: 'inbound',
    kind: 'message',
    idempotencyKey: `SM-outbox-${++seq}`,
    occurredAt: iso(),
    from: { kind: 'phone', value: to },
    text: 'I have a question about my appointment next week',
  });
  return { caseId: result.caseId!, to };
}
const reply = async (caseId: string, text: string) => (await replyOnCase(h.services, h.organizationId, caseId, { text, actor: 'agent' })).outboxId!;

async function call(method: 'GET' | 'POST', url: string, token = h.token) {
  const res = await api.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
}

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  fake = await startFakeTwilio();
  h.services.now = () => new Date(clock);
  h.services.settings = {
    ...h.services.settings,
    publicUrl: 'https://carethread.example.org',
    twilio: { accountSid: fake.accountSid, authToken: fake.authToken, apiBaseUrl: fake.url },
    outbox: { pollMs: 50, maxAttempts: MAX_ATTEMPTS, backoffMs: BACKOFF },
  };
  worker = startOutboxWorker(h.services, [twilioSmsTransport(h.services)], { autoStart: false });
  // The app must serve the staff outbox routes itself: the test never registers them.
  expect(h.app.hasRoute({ method: 'GET', url: '/api/v1/outbox' })).toBe(true);
  api = h.app;
});
afterAll(async () => {
  await worker?.stop();
  await fake?.close();
  await h?.close();
});
beforeEach(async () => {
  // Whatever an earlier test left due goes out first, so each test sees only its own rows.
  clock += 60_000;
  for (let i = 0; i < 20 && (await worker.runOnce()) > 0; i++);
  fake.reset();
});

describe('outbox worker', () => {
  it('retries transient failures with exponential backoff, then sends', async () => {
    const { caseId, to } = await smsCase(1);
    const id = await reply(caseId, 'Your appointment is on Tuesday at 10.');
    fake.failNext(2, { kind: 'server_error' });

    expect(await worker.runOnce()).toBe(1);
    let row = await outboxRow(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(new Date(row.next_attempt_at).getTime()).toBe(clock + BACKOFF);
    expect(row.last_error).toMatch(/HTTP 500/);
    expect(row.last_error).not.toContain(to.slice(2));

    // Not due yet: nothing happens.
    clock += BACKOFF - 1;
    expect(await worker.runOnce()).toBe(0);
    clock += 1;
    expect(await worker.runOnce()).toBe(1);
    row = await outboxRow(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    // Doubled.
    expect(new Date(row.next_attempt_at).getTime()).toBe(clock + 2 * BACKOFF);

    clock += 2 * BACKOFF;
    expect(await worker.runOnce()).toBe(1);
    row = await outboxRow(id);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(row.provider_ref).toMatch(/^SM[0-9a-f]{32}$/);
    expect(fake.requests).toBe(3);
    expect(fake.messages).toHaveLength(1);
    expect((await eventsFor(id, 'outbox_retry')).map((e) => e.data.attempts)).toEqual([1, 2]);
    expect(await eventsFor(id, 'outbox_sent')).toHaveLength(1);
  });

  it('gives up after maxAttempts: the row is a dead letter', async () => {
    const { caseId } = await smsCase(2);
    const id = await reply(caseId, 'Reminder: bring your insurance card.');
    fake.failNext(MAX_ATTEMPTS, { kind: 'server_error', status: 503 });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expect(await worker.runOnce()).toBe(1);
      clock += BACKOFF * 2 ** i;
    }
    expect(await outboxRow(id)).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS });
    expect((await eventsFor(id, 'outbox_dead'))[0]!.data).toMatchObject({ reason: 'max_attempts' });
    expect(await worker.runOnce()).toBe(0);
  });

  it('a permanent Twilio error goes straight to dead letters, visible to staff, and can be retried', async () => {
    const { caseId, to } = await smsCase(3);
    const id = await reply(caseId, 'We received your message.');
    fake.failNext(1, { kind: 'twilio_error', status: 400, code: 21211, message: `The 'To' number ${to} is not a valid phone number.` });
    expect(await worker.runOnce()).toBe(1);
    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row.last_error).toMatch(/21211/);
    expect(row.last_error).not.toContain(to.slice(2));
    expect((await eventsFor(id, 'outbox_dead'))[0]!.data).toMatchObject({ reason: 'permanent_error' });

    const dead = await call('GET', '/api/v1/outbox?status=dead');
    expect(dead.status).toBe(200);
    expect(dead.body.map((e: { id: number }) => e.id)).toContain(id);
    expect(dead.body.find((e: { id: number }) => e.id === id)).toMatchObject({ status: 'dead', channel: 'sms', caseId, attempts: 1 });
    expect((await call('GET', '/api/v1/outbox?status=nonsense')).status).toBe(400);
    expect((await call('GET', '/api/v1/outbox?status=dead', 'not-a-token')).status).toBe(401);

    const retried = await call('POST', `/api/v1/outbox/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id, status: 'pending', attempts: 0 });
    expect((await call('POST', `/api/v1/outbox/${id}/retry`)).status).toBe(409);
    expect((await call('POST', `/api/v1/outbox/999999999/retry`)).status).toBe(404);
    expect((await call('POST', `/api/v1/outbox/abc/retry`)).status).toBe(400);

    expect(await worker.runOnce()).toBe(1);
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(fake.messages.map((m) => m.body)).toEqual(['We received your message.']);
    expect((await call('GET', '/api/v1/outbox?status=sent')).body.map((e: { id: number }) => e.id)).toContain(id);
  });

  it("another organisation's staff cannot see or retry the dead letter", async () => {
    const { caseId } = await smsCase(4);
    const id = await reply(caseId, 'Hello again.');
    fake.failNext(1, { kind: 'twilio_error', code: 21211 });
    await worker.runOnce();
    const { organizationId } = await h.database.db.transaction((tx) => seedOrganization(tx, { slug: `other-${seq}`, patients: 0 }));
    const { token } = await ensureAdminToken(h.database.db, organizationId);
    expect((await call('GET', '/api/v1/outbox?status=dead', token!)).body).toEqual([]);
    expect((await call('POST', `/api/v1/outbox/${id}/retry`, token!)).status).toBe(404);
    expect((await outboxRow(id)).status).toBe('dead');
  });

  it('keeps order per interaction: replies 2 and 3 wait until reply 1 is out', async () => {
    const { caseId } = await smsCase(5);
    const ids = [await reply(caseId, 'first'), await reply(caseId, 'second'), await reply(caseId, 'third')];
    fake.failNext(1, { kind: 'server_error' });
    expect(await worker.runOnce()).toBe(1);
    expect((await outboxRow(ids[0]!)).status).toBe('failed');
    // Reply 1 is waiting out its backoff; 2 and 3 are due but must not overtake it.
    expect(await worker.runOnce()).toBe(0);
    expect(fake.messages).toHaveLength(0);
    expect((await outboxRow(ids[1]!)).status).toBe('pending');

    clock += BACKOFF;
    for (let i = 0; i < 5; i++) await worker.runOnce();
    expect(fake.messages.map((m) => m.body)).toEqual(['first', 'second', 'third']);
    for (const id of ids) expect((await outboxRow(id)).status).toBe('sent');
  });

  it('a dead or blocked row does not hold back the rest of its interaction', async () => {
    const { caseId } = await smsCase(6);
    const first = await reply(caseId, 'one');
    const second = await reply(caseId, 'two');
    fake.failNext(1, { kind: 'twilio_error', code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    await worker.runOnce();
    await worker.runOnce();
    expect((await outboxRow(first)).status).toBe('dead');
    expect((await outboxRow(second)).status).toBe('sent');
  });

  it('treats an unreachable provider as transient', async () => {
    const { caseId } = await smsCase(7);
    const id = await reply(caseId, 'Are you there?');
    const offline: Services = { ...h.services, settings: { ...h.services.settings, twilio: { ...h.services.settings.twilio, apiBaseUrl: 'http://127.0.0.1:1' } } };
    const w = startOutboxWorker(offline, [twilioSmsTransport(offline)], { autoStart: false });
    expect(await w.runOnce()).toBe(1);
    await w.stop();
    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.last_error).toMatch(/Could not reach Twilio/);
  });

  it('reclaims a row whose worker died mid-send once its lease has run out', async () => {
    const { caseId } = await smsCase(8);
    const id = await reply(caseId, 'Recovered after a crash.');
    // What a crashed worker leaves behind: claimed, lease expired.
    await h.database.db.execute(sql`update outbox set status = 'sending', attempts = 1, next_attempt_at = ${new Date(clock - 1).toISOString()} where id = ${id}`);
    expect(await worker.runOnce()).toBe(1);
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('leaves rows of channels it has no transport for', async () => {
    const [row] = await h.database.db
      .insert(schema.outbox)
      .values({
        organizationId: h.organizationId,
        channel: 'email',
        toAddress: 'patient@example.org',
        payload: { text: 'hello' },
        idempotencyKey: `test-email-${++seq}`,
        nextAttemptAt: iso(),
        createdAt: iso(),
      })
      .returning({ id: schema.outbox.id });
    expect(await worker.runOnce()).toBe(0);
    expect((await outboxRow(row!.id)).status).toBe('pending');
    await h.database.db.execute(sql`update outbox set status = 'dead' where id = ${row!.id}`);
  });

  it('redacts addresses and numbers from error text', () => {
    expect(redactText("The 'To' number +1 (212) 555-0123 is not valid")).toBe("The 'To' number [number] is not valid");
    expect(redactText('550 mailbox patient.name@example.org unknown')).toBe('550 mailbox [address] unknown');
    expect(redactText('Twilio refused the message (HTTP 400 error 21211).')).toBe('Twilio refused the message (HTTP 400 error 21211).');
  });
});

describe('several workers on one database', () => {
  it('never send a row twice, and keep order per interaction (FOR UPDATE SKIP LOCKED)', async () => {
    // A second "process": its own connection pool on PostgreSQL (PGlite is single-connection, in-process).
    const second = usingPostgres ? await openDatabase({ databaseUrl: h.databaseUrl!, poolSize: 4 }) : h.database;
    const services2 = createServices(second, 'test-secret', { now: h.services.now, settings: h.services.settings });
    const w1 = startOutboxWorker(h.services, [twilioSmsTransport(h.services)], { autoStart: false, batchSize: 5 });
    const w2 = startOutboxWorker(services2, [twilioSmsTransport(services2)], { autoStart: false, batchSize: 5 });
    try {
      const interactions = Array.from({ length: 8 }, () => randomUUID());
      const values = [];
      for (let k = 0; k < 4; k++) {
        for (const [i, interactionId] of interactions.entries()) {
          values.push({
            organizationId: h.organizationId,
            interactionId,
            channel: 'sms',
            toAddress: phone(50 + i),
            payload: { text: `${interactionId}#${k}` },
            idempotencyKey: `concurrent-${interactionId}-${k}`,
            nextAttemptAt: iso(),
            createdAt: iso(),
          });
        }
      }
      await h.database.db.insert(schema.outbox).values(values);
      fake.delayMs = 5;
      let rounds = 0;
      while (rounds++ < 100) {
        const done = await Promise.all([w1.runOnce(), w2.runOnce(), w1.runOnce(), w2.runOnce()]);
        if (done.every((n) => n === 0)) break;
      }
      const keys = fake.messages.map((m) => m.idempotencyKey);
      expect(keys).toHaveLength(values.length);
      expect(new Set(keys).size).toBe(values.length);
      for (const interactionId of interactions) {
        const order = fake.messages.filter((m) => m.body.startsWith(interactionId)).map((m) => m.body.split('#')[1]);
        expect(order).toEqual(['0', '1', '2', '3']);
      }
      const [left] = await rows<{ n: number }>(sql`select count(*)::int as n from outbox where idempotency_key like 'concurrent-%' and status <> 'sent'`);
      expect(left!.n).toBe(0);
    } finally {
      await w1.stop();
      await w2.stop();
      if (second !== h.database) await second.close();
    }
  });
});
