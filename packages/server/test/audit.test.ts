import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { createHarness, type Harness } from './helpers/harness.ts';
import Fastify from 'fastify';
import { appendAudit, auditedRouteList, purgeExpiredAudit, recordAudit, startAuditRetentionJob, verifyChain } from '../src/index.ts';
import { registerAuditHook } from '../src/audit/hook.ts';
import { auditLog } from '../src/store/schema-audit.ts';
import { publicApiRoutes } from '../src/auth/authenticate.ts';
import { organizations } from '../src/store/schema.ts';

// The audit log (docs/security.md, "Audit controls" and "Integrity"): every request under
// /api/v1 leaves a row, the chain verifies, and edits, deletions and reorderings are found.

let h: Harness;
let caseId: string;
let patientId: string;
let interactionId: string;
const PHONE = '+15555550147';
const TEXT = 'I need a refill of my lisinopril, my date of birth is 03/14/1961';

beforeAll(async () => {
  h = await createHarness({ patients: 5 });
  const ingested = await h.post('/api/v1/channel-events', {
    channel: 'sms',
    idempotencyKey: 'audit-1',
    from: { kind: 'phone', value: PHONE },
    text: TEXT,
  });
  expect(ingested.status).toBe(201);
  caseId = ingested.body.caseId;
  patientId = ingested.body.patientId;
  interactionId = ingested.body.interactionId;
});
afterAll(async () => h?.close());

const db = () => h.database.db;

async function headSeq(orgId = h.organizationId): Promise<number> {
  const [row] = await db().select({ seq: sql<string>`coalesce(max(${auditLog.seq}), 0)` }).from(auditLog).where(eq(auditLog.organizationId, orgId));
  return Number(row!.seq);
}

async function rowsAfter(seq: number, orgId = h.organizationId) {
  return db().select().from(auditLog).where(and(eq(auditLog.organizationId, orgId), gt(auditLog.seq, seq))).orderBy(asc(auditLog.seq));
}

async function as(token: string, method: 'GET' | 'POST', url: string) {
  const res = await h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: res.body, headers: res.headers };
}

/** A new organisation with nothing in it, for tests that need a chain of their own. */
async function freshOrganization(): Promise<string> {
  const [org] = await db()
    .insert(organizations)
    .values({ slug: `audit-${randomUUID().slice(0, 8)}`, name: 'Audit test clinic (synthetic)' })
    .returning({ id: organizations.id });
  return org!.id;
}

/** Runs `fn` with the append-only trigger off, as a superuser (PostgreSQL) or PGlite's only user could. */
async function withTriggerOff(fn: () => Promise<void>): Promise<void> {
  await db().execute(sql`alter table audit_log disable trigger audit_log_append_only`);
  try {
    await fn();
  } finally {
    await db().execute(sql`alter table audit_log enable trigger audit_log_append_only`);
  }
}

describe('capture', () => {
  it('every route under /api/v1 leaves an audit row naming its route, method and outcome', async () => {
    // Sign-in and first-run set-up answer without a principal (no organisation yet to chain to):
    // the sign-in code records those itself with appendAudit.
    const open = publicApiRoutes();
    const routes = auditedRouteList(h.app).filter((r) => r.url.startsWith('/api/v1/') && !r.websocket && !open.has(`${r.method} ${r.url}`));
    expect(routes.length).toBeGreaterThan(60);
    const ids: Record<string, string> = { caseId, patientId, interactionId };
    const missing: string[] = [];
    for (const route of routes) {
      const url = route.url.replace(/:([A-Za-z]+)/g, (_m, name: string) => ids[name] ?? randomUUID());
      const before = await headSeq();
      const res = await h.app.inject({
        method: route.method as 'GET',
        url,
        headers: { authorization: `Bearer ${h.token}` },
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      });
      const rows = await rowsAfter(before);
      const mine = rows.find((r) => r.route === route.url && r.method === route.method && r.outcome === res.statusCode && r.actorType === 'token');
      if (!mine) missing.push(`${route.method} ${route.url} (${res.statusCode})`);
    }
    expect(missing).toEqual([]);
    expect((await verifyChain(db(), h.organizationId)).ok).toBe(true);
  });

  it('the websocket stream is audited when it is opened', async () => {
    const before = await headSeq();
    const ws = await h.app.injectWS('/api/v1/stream', { headers: { authorization: `Bearer ${h.token}` } });
    ws.terminate();
    const rows = await rowsAfter(before);
    expect(rows.find((r) => r.route === '/api/v1/stream' && r.outcome === 101)).toBeDefined();
  });

  it('records who, which patient and record, the route pattern, from where — and for a channel write, the system and channel', async () => {
    const before = await headSeq();
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${caseId}/context`,
      headers: { authorization: `Bearer ${h.token}`, 'user-agent': 'audit-test/1.0' },
    });
    expect(res.statusCode).toBe(200);
    const [row] = await rowsAfter(before);
    expect(row).toMatchObject({
      actorType: 'token',
      actorRole: 'admin',
      action: 'read',
      resourceType: 'case',
      resourceId: caseId,
      patientId,
      route: '/api/v1/cases/:caseId/context',
      method: 'GET',
      outcome: 200,
      userAgent: 'audit-test/1.0',
    });
    expect(row!.ip).toBeTruthy();

    const channel = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.route, 'channel:sms')));
    expect(channel[0]).toMatchObject({ actorType: 'system', action: 'write', resourceType: 'interaction', resourceId: interactionId, patientId, detail: { channel: 'sms' } });
  });

  it('a staff member is the actor when their sign-in token is used; search filters are kept by name only', async () => {
    const staff = (await h.get('/api/v1/staff')).body as Array<{ id: string; role: string }>;
    const agent = staff.find((s) => s.role === 'agent')!;
    const token = (await h.post(`/api/v1/staff/${agent.id}/tokens`, {})).body.token as string;
    const before = await headSeq();
    expect((await as(token, 'GET', `/api/v1/context?kind=phone&address=${encodeURIComponent(PHONE)}`)).status).toBe(200);
    expect((await as(token, 'GET', `/api/v1/cases?patientId=${patientId}`)).status).toBe(200);
    const rows = await rowsAfter(before);
    expect(rows[0]).toMatchObject({ actorType: 'staff', actorId: agent.id, actorRole: 'agent', action: 'search', detail: { filters: ['address', 'kind'] } });
    expect(rows[1]).toMatchObject({ action: 'search', patientId, detail: { filters: ['patientId'] } });
    // The permission change (issuing the token) is there too.
    const granted = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.action, 'permission_change')));
    expect(granted.some((r) => r.resourceId === agent.id)).toBe(true);
  });

  it('a response that reveals several patients names every one of them, and a per-patient search finds it', async () => {
    // Two members of one family share a phone: the incoming card lists both as candidates.
    const shared = '+15555550181';
    const ids: string[] = [];
    for (const givenName of ['Maren', 'Tobias']) {
      const res = await h.post('/api/v1/patients', { givenName, familyName: 'Okafor-Lind', birthDate: givenName === 'Maren' ? '1971-02-03' : '2004-09-10', identifiers: [{ kind: 'phone', value: shared }] });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const named = (row: { patientId: string | null; detail: Record<string, unknown> | null }) =>
      [...(row.patientId ? [row.patientId] : []), ...(((row.detail?.patientIds as string[] | undefined) ?? []))].sort();

    let before = await headSeq();
    const card = await h.get(`/api/v1/context?kind=phone&address=${encodeURIComponent(shared)}`);
    expect(card.status).toBe(200);
    expect(card.body.candidates.map((c: { id: string }) => c.id).sort()).toEqual([...ids].sort());
    const [contextRow] = await rowsAfter(before);
    expect(named(contextRow!)).toEqual([...ids].sort());

    // The front desk's name search: every hit is named.
    before = await headSeq();
    const found = await h.get('/api/v1/front-desk/patients?q=Okafor-Lind');
    expect(found.status).toBe(200);
    expect(found.body.patients.length).toBe(2);
    const [searchRow] = await rowsAfter(before);
    expect(named(searchRow!)).toEqual([...ids].sort());

    // Each patient's disclosure report finds both searches; the FHIR export names both patients.
    for (const id of ids) {
      const report = await h.get(`/api/v1/audit?patientId=${id}&limit=500`);
      const seqs = report.body.entries.map((e: { seq: number }) => Number(e.seq));
      expect(seqs).toContain(Number(contextRow!.seq));
      expect(seqs).toContain(Number(searchRow!.seq));
    }
    const fhir = await h.app.inject({ method: 'GET', url: `/api/v1/audit/export?format=fhir&from=${encodeURIComponent(new Date(Date.parse(String(contextRow!.at)) - 1).toISOString())}`, headers: { authorization: `Bearer ${h.token}` } });
    expect(fhir.body).toContain(`Patient/${ids[0]}`);
    expect(fhir.body).toContain(`Patient/${ids[1]}`);
  });

  it('never stores a message body, a phone number or a raw URL', async () => {
    const all = await db().select().from(auditLog);
    const text = JSON.stringify(all);
    expect(text).not.toContain('lisinopril');
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain('5555550147');
    expect(all.every((r) => !r.route || !r.route.includes('?'))).toBe(true);
  });

  it('an unknown route and a refused request are recorded too', async () => {
    const before = await headSeq();
    expect((await h.get('/api/v1/no-such-thing')).status).toBe(404);
    expect((await h.get('/api/v1/cases/not-a-uuid/context')).status).toBe(400);
    const rows = await rowsAfter(before);
    expect(rows.map((r) => [r.route, r.outcome])).toEqual([
      ['unmatched', 404],
      ['/api/v1/cases/:caseId/context', 400],
    ]);
  });
});

describe('handlers refine the record', () => {
  it('a break-glass access carries its action and reason; a failing audit write withholds the response', async () => {
    const app = Fastify();
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      request.principal = { organizationId: h.organizationId, role: 'agent', tokenId: randomUUID(), staffId: null } as never;
    });
    registerAuditHook(app, h.services);
    app.get('/api/v1/test/break-glass/:patientId', async (request) => {
      request.audit = { action: 'break_glass', reason: 'unconscious patient in the emergency department' };
      return { ok: true };
    });
    app.get('/api/v1/test/broken', async (request) => {
      request.principal = { ...request.principal!, organizationId: 'not-an-organisation' };
      return { secret: 'withheld' };
    });
    await app.ready();
    const before = await headSeq();
    const res = await app.inject({ method: 'GET', url: `/api/v1/test/break-glass/${patientId}` });
    expect(res.statusCode).toBe(200);
    const [row] = await rowsAfter(before);
    expect(row).toMatchObject({ action: 'break_glass', reason: 'unconscious patient in the emergency department', patientId, actorRole: 'agent' });
    const broken = await app.inject({ method: 'GET', url: '/api/v1/test/broken' });
    expect(broken.statusCode).toBe(503);
    expect(broken.body).not.toContain('"secret"');
    await app.close();
  });
});

describe('append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(db().execute(sql`update audit_log set outcome = 299`)).rejects.toThrow();
    await expect(db().execute(sql`delete from audit_log`)).rejects.toThrow();
    await expect(db().execute(sql`truncate audit_log`)).rejects.toThrow();
    expect((await verifyChain(db(), h.organizationId)).ok).toBe(true);
  });
});

describe('tampering is detected', () => {
  it('an edited row breaks the chain at that row', async () => {
    const [target] = await db().select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.seq, 3)));
    await withTriggerOff(async () => {
      await db().update(auditLog).set({ outcome: 599, patientId: null }).where(eq(auditLog.id, target!.id));
    });
    const report = await verifyChain(db(), h.organizationId);
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ seq: 3, kind: 'hash', found: target!.hash });
    await withTriggerOff(async () => {
      await db().update(auditLog).set({ outcome: target!.outcome, patientId: target!.patientId }).where(eq(auditLog.id, target!.id));
    });
    expect((await verifyChain(db(), h.organizationId)).ok).toBe(true);
  });

  it('a deleted row is reported missing', async () => {
    const [target] = await db().select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.seq, 5)));
    await withTriggerOff(async () => {
      await db().delete(auditLog).where(eq(auditLog.id, target!.id));
    });
    const report = await verifyChain(db(), h.organizationId);
    expect(report.firstBreak).toMatchObject({ seq: 5, kind: 'missing', expected: 'seq 5', found: 'seq 6' });
    await db().insert(auditLog).values(target!);
    expect((await verifyChain(db(), h.organizationId)).ok).toBe(true);
  });

  it('a deleted row whose successors were renumbered is caught by the broken link', async () => {
    const head = await headSeq();
    const [target] = await db().select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.seq, head - 1)));
    const [last] = await db().select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.seq, head)));
    await withTriggerOff(async () => {
      await db().delete(auditLog).where(eq(auditLog.id, target!.id));
      await db().update(auditLog).set({ seq: head - 1 }).where(eq(auditLog.id, last!.id));
    });
    const report = await verifyChain(db(), h.organizationId);
    expect(report.firstBreak).toMatchObject({ seq: head - 1, kind: 'prev_hash', found: target!.hash });
    await withTriggerOff(async () => {
      await db().update(auditLog).set({ seq: head }).where(eq(auditLog.id, last!.id));
    });
    await db().insert(auditLog).values(target!);
    expect((await verifyChain(db(), h.organizationId)).ok).toBe(true);
  });

  it('two rows swapped in order break the chain at the first of them', async () => {
    const rows = await db().select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), sql`${auditLog.seq} in (7, 8)`)).orderBy(asc(auditLog.seq));
    const [a, b] = rows;
    await withTriggerOff(async () => {
      await db().update(auditLog).set({ seq: -1 }).where(eq(auditLog.id, a!.id));
      await db().update(auditLog).set({ seq: 7 }).where(eq(auditLog.id, b!.id));
      await db().update(auditLog).set({ seq: 8 }).where(eq(auditLog.id, a!.id));
    });
    const report = await verifyChain(db(), h.organizationId);
    expect(report.ok).toBe(false);
    expect(report.firstBreak!.seq).toBe(7);
    await withTriggerOff(async () => {
      await db().update(auditLog).set({ seq: -1 }).where(eq(auditLog.id, a!.id));
      await db().update(auditLog).set({ seq: 8 }).where(eq(auditLog.id, b!.id));
      await db().update(auditLog).set({ seq: 7 }).where(eq(auditLog.id, a!.id));
    });
    expect((await verifyChain(db(), h.organizationId)).ok).toBe(true);
  });
});

describe('concurrency', () => {
  it('parallel requests and direct appends keep one linear chain', async () => {
    const before = await headSeq();
    const requests = Array.from({ length: 40 }, (_, i) => (i % 2 ? h.get(`/api/v1/cases/${caseId}/context`) : h.get(`/api/v1/patients/${patientId}`)));
    const appends = Array.from({ length: 40 }, () =>
      recordAudit(db(), { organizationId: h.organizationId, actorType: 'system', action: 'read', resourceType: 'test' }),
    );
    const results = await Promise.all([...requests, ...appends]);
    expect(results.slice(0, 40).every((r) => (r as { status: number }).status === 200)).toBe(true);
    const rows = await rowsAfter(before);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 80 }, (_, i) => before + 1 + i));
    const report = await verifyChain(db(), h.organizationId);
    expect(report).toMatchObject({ ok: true, headSeq: before + 80 });
  });

  it('organisations have chains of their own', async () => {
    const other = await freshOrganization();
    await recordAudit(db(), { organizationId: other, actorType: 'system', action: 'write' });
    const report = await verifyChain(db(), other);
    expect(report).toMatchObject({ ok: true, rows: 1, firstSeq: 1 });
  });
});

describe('retention', () => {
  it('purges the expired prefix, leaves a checkpoint, and the chain still verifies', async () => {
    const org = await freshOrganization();
    const now = new Date();
    const yearsAgo = (n: number) => new Date(now.getTime() - n * 366 * 86_400_000).toISOString();
    for (let i = 0; i < 5; i++) await recordAudit(db(), { organizationId: org, at: yearsAgo(7), actorType: 'system', action: 'read' });
    for (let i = 0; i < 3; i++) await recordAudit(db(), { organizationId: org, at: yearsAgo(1), actorType: 'system', action: 'read' });

    const purge = await purgeExpiredAudit(db(), org, { now });
    expect(purge).toMatchObject({ purged: 5, throughSeq: 5, checkpointSeq: 9 });
    const report = await verifyChain(db(), org);
    expect(report).toMatchObject({ ok: true, rows: 4, firstSeq: 6, headSeq: 9, startsAfterPurgeThrough: 5 });
    // Appending after a purge carries on the same chain.
    await recordAudit(db(), { organizationId: org, actorType: 'system', action: 'read' });
    expect((await verifyChain(db(), org)).ok).toBe(true);
    // Nothing more is old enough: a second purge is a no-op.
    expect((await purgeExpiredAudit(db(), org, { now })).purged).toBe(0);

    // Without its checkpoint the shortened chain no longer verifies.
    const [checkpoint] = await db().select().from(auditLog).where(and(eq(auditLog.organizationId, org), eq(auditLog.action, 'purge')));
    await withTriggerOff(async () => {
      await db().delete(auditLog).where(eq(auditLog.id, checkpoint!.id));
    });
    expect((await verifyChain(db(), org)).firstBreak).toMatchObject({ seq: 6, kind: 'missing' });
    await db().insert(auditLog).values(checkpoint!);
    expect((await verifyChain(db(), org)).ok).toBe(true);
  });

  it('the retention comes from the organisation settings; the purge function refuses rows that are too young', async () => {
    const org = await freshOrganization();
    await db().update(organizations).set({ settings: { auditRetentionYears: 10 } }).where(eq(organizations.id, org));
    const now = new Date();
    await recordAudit(db(), { organizationId: org, at: new Date(now.getTime() - 7 * 366 * 86_400_000).toISOString(), actorType: 'system', action: 'read' });
    await recordAudit(db(), { organizationId: org, actorType: 'system', action: 'read' });
    expect((await purgeExpiredAudit(db(), org, { now })).purged).toBe(0);
    const cutoff = new Date(now.getTime() - 6 * 366 * 86_400_000).toISOString();
    await expect(db().execute(sql`select carethread_audit_purge(${org}::uuid, 2, ${cutoff}::timestamptz)`)).rejects.toThrow();
    await expect(db().execute(sql`select carethread_audit_purge(${org}::uuid, 1, ${new Date(now.getTime() + 86_400_000).toISOString()}::timestamptz)`)).rejects.toThrow();
    expect((await verifyChain(db(), org)).rows).toBe(2);
    expect((await purgeExpiredAudit(db(), org, { now, retentionYears: 6 })).purged).toBe(1);
    expect((await verifyChain(db(), org)).ok).toBe(true);
  });

  it('the retention job purges every organisation', async () => {
    const org = await freshOrganization();
    await recordAudit(db(), { organizationId: org, at: new Date(Date.now() - 8 * 366 * 86_400_000).toISOString(), actorType: 'system', action: 'read' });
    await recordAudit(db(), { organizationId: org, actorType: 'system', action: 'read' });
    const job = startAuditRetentionJob(h.services);
    const results = await job.runOnce();
    await job.stop();
    expect(results.find((r) => r.organizationId === org)).toMatchObject({ purged: 1, throughSeq: 1 });
    expect(results.find((r) => r.organizationId === h.organizationId)!.purged).toBe(0);
    expect((await verifyChain(db(), org)).ok).toBe(true);
  });

  it('appendAudit inside a business transaction commits or rolls back with it', async () => {
    const org = await freshOrganization();
    await expect(
      db().transaction(async (tx) => {
        await appendAudit(tx, { organizationId: org, actorType: 'system', action: 'sign_in' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await headSeq(org)).toBe(0);
  });
});

describe('search and export', () => {
  // Each test finds a trail to search whatever ran before it: two reads of the patient's record
  // besides the channel write, and a sign-in token issued (a permission change).
  let agentToken: string;
  beforeEach(async () => {
    expect((await h.get(`/api/v1/patients/${patientId}`)).status).toBe(200);
    expect((await h.get(`/api/v1/cases/${caseId}/context`)).status).toBe(200);
    const staff = (await h.get('/api/v1/staff')).body as Array<{ id: string; role: string }>;
    const agent = staff.find((s) => s.role === 'agent')!;
    agentToken = (await h.post(`/api/v1/staff/${agent.id}/tokens`, {})).body.token as string;
  });

  it('admins search by patient, action and time, page by cursor; others get 403', async () => {
    const page1 = await h.get(`/api/v1/audit?patientId=${patientId}&limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.entries).toHaveLength(2);
    expect(page1.body.entries.every((e: { patientId: string }) => e.patientId === patientId)).toBe(true);
    expect(page1.body.entries[0].seq).toBeGreaterThan(page1.body.entries[1].seq);
    const page2 = await h.get(`/api/v1/audit?patientId=${patientId}&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.entries[0].seq).toBeLessThan(page1.body.entries[1].seq);

    const writes = await h.get('/api/v1/audit?action=permission_change');
    expect(writes.body.entries.length).toBeGreaterThan(0);
    expect(writes.body.entries.every((e: { action: string }) => e.action === 'permission_change')).toBe(true);
    const future = await h.get(`/api/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    expect(future.body.entries).toEqual([]);

    expect((await h.get('/api/v1/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(400);
    expect((await h.get('/api/v1/audit?cursor=bogus')).status).toBe(400);
    expect((await h.get('/api/v1/audit?patientId=123')).status).toBe(400);

    expect((await as(agentToken, 'GET', '/api/v1/audit')).status).toBe(403);
    expect((await as(agentToken, 'GET', '/api/v1/audit/export?format=fhir')).status).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(401);
  });

  it('exports NDJSON rows, and the export is itself audited', async () => {
    const before = await headSeq();
    const res = await as(h.token, 'GET', '/api/v1/audit/export?format=ndjson');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(before);
    expect(lines[0].seq).toBe(1);
    expect(lines.at(-1).seq).toBe(before);
    const [exportRow] = await rowsAfter(before);
    expect(exportRow).toMatchObject({ action: 'export', resourceType: 'audit_log', route: '/api/v1/audit/export', outcome: 200, detail: { filters: ['format'] } });
  });

  it('exports FHIR R4 AuditEvent resources with standard codes', async () => {
    // A refused request about the patient: its AuditEvent must say the request failed.
    expect((await as(h.token, 'GET', `/api/v1/patients/${patientId}/timeline?kinds=fax`)).status).toBe(400);
    const res = await as(h.token, 'GET', `/api/v1/audit/export?format=fhir&patientId=${patientId}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    const bundle = JSON.parse(res.body) as Bundle<AuditEvent>;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const events = bundle.entry!.map((e) => e.resource!);
    expect(events.length).toBeGreaterThan(3);
    for (const ev of events) {
      expect(ev.resourceType).toBe('AuditEvent');
      expect(ev.type.system).toMatch(/^http:\/\/(terminology\.hl7\.org\/CodeSystem\/audit-event-type|dicom\.nema\.org\/resources\/ontology\/DCM)$/);
      expect(['C', 'R', 'U', 'D', 'E']).toContain(ev.action);
      expect(['0', '4', '8', '12']).toContain(ev.outcome);
      expect(Number.isNaN(Date.parse(ev.recorded))).toBe(false);
      expect(ev.agent.length).toBeGreaterThan(0);
      expect(ev.source.observer).toBeDefined();
      expect(ev.entity?.some((e) => e.what?.reference === `Patient/${patientId}` && e.role?.code === '1')).toBe(true);
    }
    const read = events.find((e) => e.subtype?.[0]?.code === 'read' && e.agent[0]!.requestor)!;
    expect(read.type).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' });
    expect(read.agent[0]).toMatchObject({ requestor: true, who: { identifier: { system: 'urn:carethread:api-token' } }, network: { type: '2' } });
    const system = events.find((e) => !e.agent[0]!.requestor)!;
    expect(system.action).toBe('C');
    const failed = events.find((e) => e.outcomeDesc === 'HTTP 400');
    expect(failed, 'the refused request').toBeDefined();
    expect(failed!.outcome).toBe('4');
  });
});
