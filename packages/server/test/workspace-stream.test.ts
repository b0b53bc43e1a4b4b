import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sql } from 'drizzle-orm';
import { RealtimeHub } from '../src/index.ts';
import { queryRows } from './helpers/sql.ts';
import { createHarness, usingPostgres, type Harness } from './helpers/harness.ts';

// Live push for the agent workspace over /api/v1/stream: presence, offers, queues and case lines,
// fanned out through LISTEN/NOTIFY.

let h: Harness;
let base: string;
let seq = 0;
let alex: string;
let pharmacy: string;

/** Collects every frame a socket receives, so a test can wait for one that may already have come. */
class Client {
  readonly frames: any[] = [];
  private waiters: Array<{ match: (f: any) => boolean; resolve: (f: any) => void }> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
  }
  static async open(): Promise<Client> {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/stream?access_token=${h.token}`);
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }
  next(match: (f: any) => boolean, ms = 10_000): Promise<any> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame in time; got ${JSON.stringify(this.frames.map((f) => f.type))}`)), ms);
      this.waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }
  async subscribeOrganization(): Promise<void> {
    this.ws.send(JSON.stringify({ type: 'subscribe', scope: 'organization' }));
    await this.next((f) => f.type === 'subscribed');
  }
  close() {
    this.ws.close();
  }
}

async function call(method: 'PUT' | 'POST', path: string, body: unknown) {
  const res = await h.app.inject({ method, url: path, headers: { authorization: `Bearer ${h.token}` }, payload: body as object });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}

beforeAll(async () => {
  h = await createHarness({ patients: 5 });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  alex = (await rows<{ id: string }>(sql`select id from staff where organization_id = ${h.organizationId} and name = 'Alex Rivera'`))[0]!.id;
  pharmacy = (await rows<{ id: string }>(sql`select id from departments where organization_id = ${h.organizationId} and slug = 'pharmacy'`))[0]!.id;
});
afterAll(async () => {
  await h?.close();
});

describe('workspace live push', () => {
  it('tells organisation subscribers about presence, offers, queues and case lines', async () => {
    const client = await Client.open();
    await client.subscribeOrganization();

    expect((await call('PUT', `/api/v1/agents/${alex}/presence`, { presence: 'available' })).status).toBe(200);
    expect(await client.next((f) => f.type === 'presence_changed')).toEqual({ type: 'presence_changed', staffId: alex, presence: 'available' });
    await client.next((f) => f.type === 'queue_changed' && f.departmentId === pharmacy);

    const sms = await h.post('/api/v1/channel-events', {
      idempotencyKey: `wss-${++seq}`,
      channel: 'sms',
      from: { kind: 'phone', value: '+12125550181' },
      text: 'I need a refill of my lisinopril',
    });
    expect(sms.status).toBe(201);
    const caseId = sms.body.caseId as string;
    const offered = await client.next((f) => f.type === 'offer_created' && f.caseId === caseId);
    expect(offered).toEqual({ type: 'offer_created', offerId: expect.any(String), staffId: alex, caseId, outcome: 'offered' });
    const line = await client.next((f) => f.type === 'case_updated' && f.caseId === caseId && f.case);
    expect(line.case).toMatchObject({ id: caseId, status: 'open', requestType: 'prescription', lastChannel: 'sms', updatedAt: expect.any(String) });
    expect(Object.keys(line.case).sort()).toEqual(['assignedStaffId', 'departmentId', 'id', 'lastChannel', 'queueState', 'requestType', 'status', 'updatedAt']);

    const accepted = await h.post(`/api/v1/offers/${offered.offerId}/accept`, {});
    expect(accepted.status).toBe(200);
    expect(await client.next((f) => f.type === 'offer_closed' && f.offerId === offered.offerId)).toEqual({
      type: 'offer_closed',
      offerId: offered.offerId,
      staffId: alex,
      caseId,
      outcome: 'accepted',
    });
    const held = await client.next((f) => f.type === 'case_updated' && f.caseId === caseId && f.case?.assignedStaffId === alex);
    expect(held.case.queueState).toBe('assigned');

    // No PHI on the wire: no message text, no phone number.
    const wire = JSON.stringify(client.frames);
    expect(wire).not.toContain('lisinopril');
    expect(wire).not.toContain('5550181');
    client.close();
  });

  it('does not send workspace frames to case subscribers or to other organisations', async () => {
    const client = await Client.open();
    const sms = await h.post('/api/v1/channel-events', { idempotencyKey: `wss-${++seq}`, channel: 'sms', from: { kind: 'phone', value: '+12125550182' }, text: 'Question about my bill' });
    client.ws.send(JSON.stringify({ type: 'subscribe', caseId: sms.body.caseId }));
    await client.next((f) => f.type === 'subscribed');
    await call('PUT', `/api/v1/agents/${alex}/presence`, { presence: 'away' });
    await h.post('/api/v1/channel-events', { idempotencyKey: `wss-${++seq}`, channel: 'sms', from: { kind: 'phone', value: '+12125550182' }, text: 'It is about a charge from March' });
    await client.next((f) => f.type === 'case_updated');
    expect(client.frames.some((f) => f.type === 'presence_changed')).toBe(false);
    client.close();
  });

  it.runIf(usingPostgres)('fans out through PostgreSQL NOTIFY to another listener', async () => {
    // A second hub on its own LISTEN connection stands in for another server process.
    const other = new RealtimeHub();
    await other.start(h.database);
    const heard: any[] = [];
    const stop = other.subscribeWorkspace(h.organizationId, (n) => heard.push(n));
    await call('PUT', `/api/v1/agents/${alex}/presence`, { presence: 'busy' });
    for (let i = 0; i < 50 && !heard.some((n) => n.type === 'presence_changed' && n.presence === 'busy'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(heard).toContainEqual({ organizationId: h.organizationId, type: 'presence_changed', staffId: alex, presence: 'busy' });
    stop();
    await other.close();
  });
});
