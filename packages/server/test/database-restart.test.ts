import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCarethread, type Running } from '../src/index.ts';
import { usingPostgres } from './helpers/harness.ts';
import { postgresBinaries, startPrivateCluster, type PrivateCluster } from './helpers/private-postgres.ts';

// The server must ride out a database restart: requests caught in it answer 503 with Retry-After,
// ingest resumes by itself, retried events are stored once, and the live stream's LISTEN comes
// back and tells subscribers to refetch. The restart happens on a cluster of this file's own:
// the shared server on 54329 serves the other test files in parallel.

const bin = postgresBinaries();
const skipReason = !usingPostgres
  ? 'skipped: DATABASE_URL is not postgres:// (a PostgreSQL restart test)'
  : !bin
    ? 'skipped: no initdb/pg_ctl under /usr/lib/postgresql/*/bin'
    : '';
const TOKEN = 'restart-test-admin-token-0123456789abcdef';

let cluster: PrivateCluster;
let running: Running;
let dataDir: string;
const crashes: unknown[] = [];
const onCrash = (err: unknown) => crashes.push(err);

beforeAll(async () => {
  if (skipReason) return;
  process.env.CARETHREAD_ASSISTANT = '0';
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  cluster = await startPrivateCluster(bin!);
  dataDir = mkdtempSync(join(tmpdir(), 'ct-restart-'));
  running = await startCarethread({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: cluster.url,
    dataDir,
    adminToken: TOKEN,
    auditAnchorMinutes: 0,
    demoPatients: 5,
    logger: false,
  });
}, 120_000);

afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  try {
    // A connection checked out when the database went away and never given back would hold
    // pool.end() forever: closing in bounded time shows none leaked.
    if (running) {
      const hung = new Promise((_, reject) => setTimeout(() => reject(new Error('close() hung: a pooled connection leaked through the restart')), 30_000).unref());
      await Promise.race([running.close(), hung]);
    }
  } finally {
    cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
});

interface Attempt {
  status: number | 'network' | 'timeout';
  retryAfter: string | null;
}

/** Posts one event; every attempt is recorded. Bounded: a request that hangs is a finding, not a wait. */
async function post(key: string, phone: string, attempts: Attempt[]): Promise<number | 'network' | 'timeout'> {
  try {
    const res = await fetch(`${running.url}/api/v1/channel-events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: key, channel: 'sms', from: { kind: 'phone', value: phone }, text: 'Question about my appointment please' }),
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    attempts.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
    return res.status;
  } catch (err) {
    const status = (err as Error).name === 'TimeoutError' ? 'timeout' : 'network';
    attempts.push({ status, retryAfter: null });
    return status;
  }
}

/** A client that retries until the event is accepted (201) or known (200): what a provider does. */
async function deliver(key: string, phone: string, attempts: Attempt[], deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    const status = await post(key, phone, attempts);
    if (status === 200 || status === 201) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function privateQuery<T>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

function nextFrame(ws: WebSocket, match: (f: any) => boolean, ms: number): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new Error('no matching frame in time'));
    }, ms);
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

describe.skipIf(Boolean(skipReason))(`a PostgreSQL restart under the running server${skipReason ? ` (${skipReason})` : ''}`, () => {
  it('answers 503 with Retry-After during the outage, resumes by itself and stores every retried event exactly once', async () => {
    const attempts: Attempt[] = [];
    const events = 80;
    const workers = 4;
    const deadline = Date.now() + 90_000;
    let next = 0;
    let accepted = 0;
    let restarted = false;
    const worker = async (w: number) => {
      while (next < events) {
        const i = next++;
        const ok = await deliver(`restart-${i}`, `+1212555${String(1000 + w * 100 + (i % 50)).padStart(4, '0')}`, attempts, deadline);
        expect(ok, `event ${i} was never accepted`).toBe(true);
        accepted++;
      }
    };
    const load = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
    // Restart in the middle, while the workers have requests in flight.
    while (accepted < 20) await new Promise((r) => setTimeout(r, 20));
    const before = attempts.length;
    await cluster.restart();
    restarted = true;
    await load;
    expect(restarted).toBe(true);

    expect(crashes).toEqual([]);
    const during = attempts.slice(before);
    const statuses = [...new Set(attempts.map((a) => a.status))].sort();
    // Nothing hung, nothing answered 500; the outage answered 503, each with Retry-After.
    expect(statuses.filter((s) => s !== 200 && s !== 201 && s !== 503), `statuses seen: ${statuses.join(', ')}`).toEqual([]);
    const unavailable = during.filter((a) => a.status === 503);
    expect(unavailable.length, 'no request met the outage').toBeGreaterThan(0);
    for (const a of unavailable) expect(Number(a.retryAfter)).toBeGreaterThan(0);

    // Every event once: one receipt and one message per idempotency key.
    const receipts = await privateQuery<{ n: number }>(`select count(*)::int as n from inbound_receipts where idempotency_key like 'restart-%'`);
    expect(receipts[0]!.n).toBe(events);
    const messages = await privateQuery<{ key: string; n: number }>(
      `select provider_ref as key, count(*)::int as n from messages where provider_ref like 'restart-%' group by provider_ref`,
    );
    expect(messages.length).toBe(events);
    expect(messages.filter((m) => m.n !== 1)).toEqual([]);

    // And the server takes new work without being restarted itself.
    expect(await post('restart-after', '+12125559999', [])).toBe(201);
  }, 150_000);

  it('reconnects the live stream after an idle restart: a subscriber is told to resync, then hears later changes', async () => {
    const ws = new WebSocket(`${running.url.replace('http', 'ws')}/api/v1/stream`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      ws.send(JSON.stringify({ type: 'subscribe', scope: 'organization' }));
      await nextFrame(ws, (f) => f.type === 'subscribed', 10_000);
      const resync = nextFrame(ws, (f) => f.type === 'resync', 60_000);
      await cluster.restart();
      expect(await resync).toEqual({ type: 'resync' });

      const update = nextFrame(ws, (f) => f.type === 'case_updated', 30_000);
      const attempts: Attempt[] = [];
      expect(await deliver('restart-idle-1', '+12125558888', attempts, Date.now() + 30_000)).toBe(true);
      expect((await update).kinds).toContain('message_received');
      expect(crashes).toEqual([]);
    } finally {
      ws.close();
    }
  }, 120_000);
});
