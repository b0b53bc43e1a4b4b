import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { isStorableInput, isStorableText } from '../src/input-guard.ts';
import { inboundReceipts } from '../src/store/schema.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// Regressions found by the hostile-input suite (fuzz-rest.test.ts): text PostgreSQL cannot
// store reached the database and came back as a 500. Each is now a 400 that changes nothing.

let h: Harness;

async function count(table: string): Promise<number> {
  const r = await h.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
  return ((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ n: number }>)[0]!.n;
}

const event = (extra: Record<string, unknown>) => ({
  idempotencyKey: `guard-${Math.random().toString(36).slice(2)}`,
  channel: 'sms',
  from: { kind: 'phone', value: '+12125550171' },
  conversationRef: 'guard-1',
  text: 'I need a refill of my lisinopril please',
  occurredAt: '2026-11-02T14:00:00Z',
  ...extra,
});

beforeAll(async () => {
  h = await createHarness({ patients: 3 });
});

afterAll(async () => {
  await h?.close();
});

describe('text PostgreSQL cannot store', () => {
  it('recognises NUL and unpaired surrogates, and nothing else', () => {
    expect(isStorableText('plain, ñandú, 🙂, 𝕳')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('lone \uD800 high')).toBe(false);
    expect(isStorableText('lone \uDC00 low')).toBe(false);
    expect(isStorableText('\uDC00\uD800')).toBe(false);
    expect(isStorableInput({ a: [{ b: 'ok' }], c: 1 })).toBe(true);
    expect(isStorableInput({ a: [{ b: 'x\u0000' }] })).toBe(false);
    expect(isStorableInput({ ['k\u0000']: 'v' })).toBe(false);
    // Iterative: a body nested far past any stack still gets an answer.
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(isStorableInput(deep)).toBe(false);
  });

  it('a NUL in a channel event’s idempotency key is a 400 invalid_text, not a 500 (was: 500)', async () => {
    const before = await count('inbound_receipts');
    const res = await h.post('/api/v1/channel-events', event({ idempotencyKey: 'key\u0000' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_text');
    expect(await count('inbound_receipts')).toBe(before);
  });

  it('a lone surrogate in a delivery status, which goes into jsonb, is a 400 invalid_text (was: 500)', async () => {
    const before = await count('events');
    const res = await h.post('/api/v1/channel-events', event({ kind: 'delivery_status', status: 'delivered\uD800' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_text');
    expect(await count('events')).toBe(before);
  });

  it('query strings and path parameters are held to the same rule', async () => {
    const query = await h.get('/api/v1/cases?status=%00');
    expect(query.status).toBe(400);
    expect(query.body.error).toBe('invalid_text');
    const path = await h.get('/api/v1/patients/%00');
    expect(path.status).toBe(400);
    expect(path.body.error).toBe('invalid_text');
  });

  it('well-formed text, including astral characters, still goes through', async () => {
    const key = `guard-ok-${Date.now()}`;
    const res = await h.post('/api/v1/channel-events', event({ idempotencyKey: key, text: 'Necesito mi receta 🙂 𝕳 ñ' }));
    expect(res.status).toBe(201);
    const rows = await h.database.db.select({ id: inboundReceipts.idempotencyKey }).from(inboundReceipts).where(eq(inboundReceipts.organizationId, h.organizationId));
    expect(rows.some((r) => r.id === key)).toBe(true);
  });
});

// Issue 12, item 6 (an outside probe): these answered 500 on both databases.
describe('out-of-range instants and control characters in query strings', () => {
  it('an occurredAt outside the years 1900–2200 is a 400 that records nothing', async () => {
    const before = await count('interactions');
    for (const occurredAt of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00+14:00', '1899-12-31T23:59:59Z', '2201-01-01T00:00:00Z']) {
      const res = await h.post('/api/v1/channel-events', event({ occurredAt }));
      expect(res.status, occurredAt).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.message).toContain('occurredAt');
    }
    expect(await count('interactions')).toBe(before);
    expect((await h.post('/api/v1/channel-events', event({ occurredAt: '1900-01-01T00:00:00Z' }))).status).toBe(201);
  });

  it('FHIR date searches outside the years 1900–2200 are a 400 (found by the 100,000-request fuzz run on PostgreSQL)', async () => {
    for (const url of ['/api/v1/fhir/Appointment?date=0001-01-01T00%3A00%3A00%2B14%3A00', '/api/v1/fhir/Slot?start=0001-01-01T00%3A00%3A00%2B14%3A00', '/api/v1/fhir/Slot?start=ge0000-01-01', '/api/v1/fhir/Appointment?date=lt9999-12-31']) {
      const res = await h.get(url);
      expect(res.status, url).toBe(400);
    }
    expect((await h.get('/api/v1/fhir/Slot?start=ge2026-11-03')).status).toBe(200);
  });

  it('a NUL or another control character in a page query string is a 400, on every portal page and beyond', async () => {
    for (const path of ['/portal', '/portal/verify', '/portal/preferences', '/front-desk', '/setup']) {
      for (const bad of ['%00', 'de%00mo', '%01', '%1b', '%7f', '%0a']) {
        const res = await h.app.inject({ method: 'GET', url: `${path}?org=${bad}` });
        expect(res.statusCode, `${path}?org=${bad}`).toBe(400);
        expect(res.json().error).toBe('invalid_text');
      }
      const key = await h.app.inject({ method: 'GET', url: `${path}?o%00rg=demo` });
      expect(key.statusCode, `${path} key`).toBe(400);
    }
    expect((await h.app.inject({ method: 'GET', url: '/portal?org=demo' })).statusCode).toBe(200);
  });
});
