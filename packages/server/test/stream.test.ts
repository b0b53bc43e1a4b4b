import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHarness, usingPostgres, type Harness } from './helpers/harness.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Resolves with the first frame that satisfies `match`, or rejects after `ms`. */
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

async function connect(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

let h: Harness;
let base: string;
let n = 0;
const sms = (text: string, phone = '+12125550190') =>
  h.post('/api/v1/channel-events', { idempotencyKey: `stream-${++n}`, channel: 'sms', from: { kind: 'phone', value: phone }, text });

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await h?.close();
});

describe('live case updates over a websocket', () => {
  it('refuses a socket without a token', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/stream`);
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
  });

  it('pushes the fresh context card to a case subscriber', async () => {
    const first = await sms('I need a refill of my lisinopril');
    const caseId = first.body.caseId;
    const ws = await connect(`${base.replace('http', 'ws')}/api/v1/stream?access_token=${h.token}`);
    ws.send(JSON.stringify({ type: 'subscribe', caseId }));
    await nextFrame(ws, (f) => f.type === 'subscribed');
    const update = nextFrame(ws, (f) => f.type === 'case_updated');
    await sms('My pharmacy is the one on Main Street. My date of birth is 02/03/1975');
    const frame = await update;
    expect(frame.caseId).toBe(caseId);
    expect(frame.kinds).toContain('message_received');
    expect(frame.card.facts.map((f: { name: string }) => f.name)).toContain('birthDate');
    ws.close();
  });

  it('tells an organisation subscriber about every case, and answers a bad frame clearly', async () => {
    const ws = await connect(`${base.replace('http', 'ws')}/api/v1/stream?access_token=${h.token}`);
    ws.send('not json');
    const error = await nextFrame(ws, (f) => f.type === 'error');
    expect(error.error).toBe('invalid_frame');
    ws.send(JSON.stringify({ type: 'subscribe', scope: 'organization' }));
    await nextFrame(ws, (f) => f.type === 'subscribed');
    const update = nextFrame(ws, (f) => f.type === 'case_updated');
    const res = await sms('Question about my bill please', '+12125550191');
    expect((await update).caseId).toBe(res.body.caseId);
    ws.close();
  });
});

describe.skipIf(!usingPostgres)('fan-out across two server processes on one PostgreSQL', () => {
  let child: ChildProcess;
  let childUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'start'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port), DATABASE_URL: h.databaseUrl!, CARETHREAD_ADMIN_TOKEN: h.token, CARETHREAD_SECRET: 'test-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    childUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`second process did not start: ${out}`)), 60_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /ready at (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.once('exit', (code) => reject(new Error(`second process exited with ${code}: ${out}`)));
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('delivers a change made through one process to a socket held by the other', async () => {
    const first = await sms('I need to reschedule my appointment', '+12125550192');
    const ws = await connect(`${childUrl.replace('http', 'ws')}/api/v1/stream?access_token=${h.token}`);
    ws.send(JSON.stringify({ type: 'subscribe', caseId: first.body.caseId }));
    await nextFrame(ws, (f) => f.type === 'subscribed');
    const update = nextFrame(ws, (f) => f.type === 'case_updated');
    // Written through this process (the harness app), heard through the child.
    await sms('Thursday afternoon would be better', '+12125550192');
    const frame = await update;
    expect(frame.caseId).toBe(first.body.caseId);
    expect(frame.card.lastMessages.length).toBeGreaterThanOrEqual(2);
    ws.close();
  });
});
