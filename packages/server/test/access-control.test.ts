import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditedRouteList, ensureAdminToken, hashToken, newToken, seedOrganization } from '../src/index.ts';
import { publicApiRoutes } from '../src/auth/authenticate.ts';
import { PERMISSIONS, permissionMatrixMarkdown, rolesFor, STAFF_ROLES, type StaffRole } from '../src/auth/permissions.ts';
import { SCOPES, type Scope } from '../src/auth/scopes.ts';
import { apiTokens, cases, departments, staff } from '../src/store/schema.ts';
import { auditLog } from '../src/store/schema-audit.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// Issue 6 point 2: every /api/v1 route, every role, a foreign organisation. The expected answers
// come from the permission table (auth/permissions.ts); this file proves the server enforces it.

let h: Harness;
const T0 = Date.parse('2026-11-02T14:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
let seq = 0;

/** Principals under test, by label: each staff role, integration tokens, a foreign organisation. */
const tokens: Record<string, string> = {};
const staffIds: Partial<Record<StaffRole | 'agent2', string>> = {};
let foreignToken: string;
let foreignOrg: string;
/** A case in the agent's department, and one outside it. */
let mine: { caseId: string; patientId: string; interactionId: string; departmentId: string };
let elsewhere: { caseId: string; patientId: string; interactionId: string; departmentId: string };

async function call(token: string, method: string, url: string, body?: unknown) {
  const res = await h.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: (body ?? {}) as object }),
  });
  let json: any = null;
  try {
    json = res.body ? JSON.parse(res.body) : null;
  } catch {
    json = null;
  }
  return { status: res.statusCode, body: json, raw: res.body };
}

async function staffMember(role: StaffRole, name: string): Promise<string> {
  const [row] = await h.database.db.insert(staff).values({ organizationId: h.organizationId, name, email: `${name.toLowerCase().replace(/ /g, '.')}@example.org`, role }).returning({ id: staff.id });
  return row!.id;
}

async function tokenOf(staffId: string): Promise<string> {
  const res = await h.post(`/api/v1/staff/${staffId}/tokens`, {});
  expect(res.status).toBe(201);
  return res.body.token as string;
}

async function contact(phone: string, text: string, conversationRef: string) {
  const res = await h.post('/api/v1/channel-events', {
    idempotencyKey: `ac-${++seq}`,
    channel: 'sms',
    direction: 'inbound',
    kind: 'message',
    from: { kind: 'phone', value: phone },
    conversationRef,
    text,
    occurredAt: at(seq),
  });
  expect(res.status).toBe(201);
  return res.body as { caseId: string; patientId: string | null; interactionId: string };
}

beforeAll(async () => {
  h = await createHarness({ patients: 20 });
  const db = h.database.db;
  const depts = await db.select().from(departments).where(eq(departments.organizationId, h.organizationId)).orderBy(departments.slug);
  expect(depts.length).toBeGreaterThanOrEqual(3);

  // Two registered patients, one contact each; each case is put in its own department.
  const made = [];
  for (const [i, phone] of ['+12125550141', '+12125550142'].entries()) {
    const patient = await h.post('/api/v1/patients', { givenName: `Test${i}`, familyName: 'Walker', birthDate: '1970-01-0' + (i + 1), identifiers: [{ kind: 'phone', value: phone }] });
    expect(patient.status).toBe(201);
    const c = await contact(phone, 'I need to reschedule my appointment please', `ac-conv-${i}`);
    await db.update(cases).set({ departmentId: depts[i]!.id, ownerId: null }).where(and(eq(cases.organizationId, h.organizationId), eq(cases.id, c.caseId)));
    made.push({ caseId: c.caseId, patientId: patient.body.id as string, interactionId: c.interactionId, departmentId: depts[i]!.id });
  }
  [mine, elsewhere] = made as [typeof mine, typeof mine];

  for (const role of STAFF_ROLES) {
    staffIds[role] = await staffMember(role, `Access ${role}`);
    tokens[role] = await tokenOf(staffIds[role]!);
  }
  staffIds.agent2 = await staffMember('agent', 'Access second agent');
  tokens.agent2 = await tokenOf(staffIds.agent2);
  // The agent serves the first department only, the second agent a third one.
  const profile = (id: string, departmentIds: string[]) =>
    h.app.inject({ method: 'PUT', url: `/api/v1/agents/${id}/profile`, headers: { authorization: `Bearer ${h.token}` }, payload: { departmentIds } });
  expect((await profile(staffIds.agent!, [mine.departmentId])).statusCode).toBe(200);
  expect((await profile(staffIds.agent2, [depts[2]!.id])).statusCode).toBe(200);

  // An integration token with no grant at all, and one per scope.
  const bare = newToken();
  await db.insert(apiTokens).values({ organizationId: h.organizationId, name: 'integration without scopes', tokenHash: hashToken(bare), role: 'integration' });
  tokens['integration'] = bare;
  for (const scope of SCOPES) {
    const res = await h.post('/api/v1/api-tokens', { name: `scope ${scope}`, role: 'integration', scopes: [scope] });
    expect(res.status).toBe(201);
    tokens[`integration:${scope}`] = res.body.token;
  }

  // Another organisation with its own administrator: the strongest foreign principal.
  const other = await db.transaction((tx) => seedOrganization(tx, { slug: 'elsewhere', name: 'Elsewhere Clinic', patients: 3 }));
  foreignOrg = other.organizationId;
  foreignToken = (await ensureAdminToken(db, foreignOrg)).token!;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const open = () => publicApiRoutes();
/** Every /api/v1 route the app registered, as `METHOD pattern`. */
const apiRoutes = () => auditedRouteList(h.app).filter((r) => r.url.startsWith('/api/v1/'));
/** Sign-out routes end the caller's sessions: walked last so they cannot disturb the rest. */
const LAST = /sign-out/;

function fill(url: string, role: string): string {
  const ids: Record<string, string> = {
    caseId: mine.caseId,
    patientId: mine.patientId,
    interactionId: mine.interactionId,
    departmentId: mine.departmentId,
    // An agent's own routing state is theirs to see; other roles look at the agent's.
    staffId: role === 'agent' ? staffIds.agent! : staffIds.agent!,
  };
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => ids[name] ?? randomUUID());
}

function expectedAllowed(label: string, method: string, url: string): boolean {
  const { roles, scope } = rolesFor(method, url);
  if (label === 'integration') return false;
  if (label.startsWith('integration:')) return scope !== null && label.slice('integration:'.length) === scope;
  return roles.includes(label as StaffRole);
}

const REFUSALS = new Set(['forbidden', 'insufficient_scope']);

describe('the permission table', () => {
  it('has an entry for every registered /api/v1 route (a new route must be placed in auth/permissions.ts)', () => {
    const missing = apiRoutes()
      .filter((r) => !open().has(`${r.method} ${r.url}`))
      .map((r) => `${r.method} ${r.url}`)
      .filter((key) => !PERMISSIONS[key]);
    expect(missing).toEqual([]);
  });

  it('has no entry for a route that does not exist', () => {
    const registered = new Set(apiRoutes().map((r) => `${r.method} ${r.url}`));
    expect(Object.keys(PERMISSIONS).filter((k) => !registered.has(k))).toEqual([]);
  });

  it('is the role matrix docs/security.md shows', () => {
    const doc = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');
    const shown = /<!-- role-matrix:start -->\n([\s\S]*?)\n<!-- role-matrix:end -->/.exec(doc)?.[1];
    expect(shown).toBe(permissionMatrixMarkdown());
  });

  it('keeps PHI routes away from analysts: they reach only de-identified analytics and their own session', () => {
    const analyst = Object.entries(PERMISSIONS).filter(([, p]) => p.roles.includes('analyst')).map(([k]) => k).sort();
    expect(analyst).toEqual(
      [
        'GET /api/v1/analytics/export',
        'GET /api/v1/auth/session',
        'GET /api/v1/departments',
        'GET /api/v1/me',
        'GET /api/v1/metrics/friction',
        'POST /api/v1/auth/mfa/confirm',
        'POST /api/v1/auth/mfa/enrol',
        'POST /api/v1/auth/sign-out',
        'POST /api/v1/auth/sign-out-everywhere',
      ].sort(),
    );
  });
});

describe('route walk: every route, every role', () => {
  it('answers each role exactly as the permission table says', async () => {
    const routes = apiRoutes()
      .filter((r) => !r.websocket && !open().has(`${r.method} ${r.url}`))
      .sort((a, b) => Number(LAST.test(a.url)) - Number(LAST.test(b.url)));
    expect(routes.length).toBeGreaterThan(90);
    const labels = [...STAFF_ROLES, 'integration', ...SCOPES.map((s) => `integration:${s}`)];
    const wrong: string[] = [];
    let allowedCount = 0;
    for (const route of routes) {
      for (const label of labels) {
        const res = await call(tokens[label]!, route.method, fill(route.url, label));
        const refused = res.status === 403 && REFUSALS.has(res.body?.error);
        const allowed = expectedAllowed(label, route.method, route.url);
        if (res.status === 401) wrong.push(`${label} ${route.method} ${route.url}: 401`);
        // A crash is not an answer: neither "allowed" nor "refused" may hide a 5xx.
        else if (res.status >= 500) wrong.push(`${label} ${route.method} ${route.url}: ${res.status}`);
        else if (allowed && refused) wrong.push(`${label} ${route.method} ${route.url}: refused (${res.body?.error}) but the table allows it`);
        else if (!allowed && !refused) wrong.push(`${label} ${route.method} ${route.url}: ${res.status} but the table forbids it`);
        if (allowed) allowedCount++;
      }
    }
    expect(wrong).toEqual([]);
    expect(allowedCount).toBeGreaterThan(100);
  }, 300_000);

  it('the live stream follows the table too: agents may open it, analysts and bare integration tokens may not', async () => {
    const ws = await h.app.injectWS('/api/v1/stream', { headers: { authorization: `Bearer ${tokens.agent}` } });
    ws.terminate();
    for (const label of ['analyst', 'integration']) {
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/stream', headers: { authorization: `Bearer ${tokens[label]}`, connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      expect(res.statusCode, label).toBe(403);
    }
  });

  it('a foreign organisation’s administrator never sees or changes our data', async () => {
    const count = async () => {
      const r = await h.database.db.execute(sql`select
        (select count(*)::int from events where organization_id = ${h.organizationId}) as events,
        (select count(*)::int from cases where organization_id = ${h.organizationId}) as cases,
        (select count(*)::int from patients where organization_id = ${h.organizationId}) as patients,
        (select count(*)::int from messages where organization_id = ${h.organizationId}) as messages`);
      return ((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as unknown[])[0];
    };
    const auditBefore = await h.database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(eq(auditLog.organizationId, h.organizationId));
    const before = await count();
    const ours = [h.organizationId, mine.caseId, mine.patientId, mine.interactionId, elsewhere.caseId, elsewhere.patientId, staffIds.agent!];
    const leaks: string[] = [];
    const routes = apiRoutes().filter((r) => !r.websocket && !open().has(`${r.method} ${r.url}`));
    for (const route of routes) {
      const res = await call(foreignToken, route.method, fill(route.url, 'admin'));
      if (res.status === 401) leaks.push(`${route.method} ${route.url}: 401 (the foreign token should be valid)`);
      // Routes that name one of our records must not find it.
      // Routes that name one of our records must not find it (a list filtered to nothing is not finding it).
      const emptyList = Array.isArray(res.body) && res.body.length === 0;
      if (/:(caseId|patientId|interactionId|staffId)/.test(route.url) && res.status < 400 && !(route.method === 'GET' && emptyList)) {
        leaks.push(`${route.method} ${route.url}: ${res.status}`);
      }
      for (const id of ours) if (res.raw.includes(id)) leaks.push(`${route.method} ${route.url}: response names our ${id === h.organizationId ? 'organisation' : 'record'}`);
    }
    expect(leaks).toEqual([]);
    expect(await count()).toEqual(before);
    // The foreign requests are audited in the foreign organisation's chain, not ours.
    const auditAfter = await h.database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(eq(auditLog.organizationId, h.organizationId));
    expect(auditAfter[0]!.n).toBe(auditBefore[0]!.n);
  }, 300_000);
});

describe('department scoping', () => {
  const caseRoutes = (c: { caseId: string }) => [
    ['GET', `/api/v1/cases/${c.caseId}/context`],
    ['GET', `/api/v1/cases/${c.caseId}/conversation`],
    ['GET', `/api/v1/cases/${c.caseId}/notes`],
  ] as const;

  it('an agent sees the cases of their department and gets 404 — not 403 — for the others', async () => {
    for (const [method, url] of caseRoutes(mine)) expect((await call(tokens.agent!, method, url)).status, url).toBe(200);
    for (const [method, url] of caseRoutes(elsewhere)) {
      const res = await call(tokens.agent!, method, url);
      expect(res.status, url).toBe(404);
      // Exactly what a case that does not exist answers.
      expect(res.body).toEqual((await call(tokens.agent!, method, url.replace(elsewhere.caseId, randomUUID()))).body);
    }
    const reply = await call(tokens.agent!, 'POST', `/api/v1/cases/${elsewhere.caseId}/notes`, { text: 'Should not land' });
    expect(reply.status).toBe(404);
    expect((await call(tokens.agent!, 'GET', `/api/v1/patients/${elsewhere.patientId}`)).status).toBe(404);
    expect((await call(tokens.agent!, 'GET', `/api/v1/patients/${elsewhere.patientId}/timeline`)).status).toBe(404);
    expect((await call(tokens.agent!, 'GET', `/api/v1/patients/${mine.patientId}`)).status).toBe(200);
    // Supervisors see every department.
    for (const [method, url] of caseRoutes(elsewhere)) expect((await call(tokens.supervisor!, method, url)).status, url).toBe(200);
  });

  it('an agent whose profile names no department serves every department, as routing does', async () => {
    const id = await staffMember('agent', 'Access floating agent');
    const token = await tokenOf(id);
    expect((await call(token, 'GET', `/api/v1/cases/${elsewhere.caseId}/context`)).status).toBe(200);
    expect((await call(token, 'GET', `/api/v1/cases/${mine.caseId}/context`)).status).toBe(200);
  });

  it('filters the case list for agents', async () => {
    const list = (await call(tokens.agent!, 'GET', '/api/v1/cases?limit=500')).body as Array<{ id: string; departmentId: string | null; ownerId: string | null }>;
    expect(list.map((c) => c.id)).toContain(mine.caseId);
    expect(list.map((c) => c.id)).not.toContain(elsewhere.caseId);
    expect(list.every((c) => c.departmentId === mine.departmentId || c.ownerId === staffIds.agent)).toBe(true);
    const all = (await call(tokens.supervisor!, 'GET', '/api/v1/cases?limit=500')).body as Array<{ id: string }>;
    expect(all.map((c) => c.id)).toContain(elsewhere.caseId);
  });

  it('an agent sees only their own routing state', async () => {
    expect((await call(tokens.agent!, 'GET', `/api/v1/agents/${staffIds.agent}/inbox`)).status).toBe(200);
    expect((await call(tokens.agent!, 'GET', `/api/v1/agents/${staffIds.agent2}/inbox`)).status).toBe(403);
    expect((await call(tokens.supervisor!, 'GET', `/api/v1/agents/${staffIds.agent2}/inbox`)).status).toBe(200);
  });

  it('a grant of another department, or of all, widens the view until it is revoked', async () => {
    const url = `/api/v1/cases/${elsewhere.caseId}/context`;
    expect((await call(tokens.agent2!, 'GET', url)).status).toBe(404);
    const grant = await h.post(`/api/v1/staff/${staffIds.agent2}/access-grants`, { departmentId: elsewhere.departmentId });
    expect(grant.status).toBe(201);
    expect((await call(tokens.agent2!, 'GET', url)).status).toBe(200);
    expect((await call(tokens.agent2!, 'GET', `/api/v1/cases/${mine.caseId}/context`)).status).toBe(404);
    const all = await h.post(`/api/v1/staff/${staffIds.agent2}/access-grants`, { all: true });
    expect(all.status).toBe(201);
    expect((await call(tokens.agent2!, 'GET', `/api/v1/cases/${mine.caseId}/context`)).status).toBe(200);
    expect((await call(h.token, 'GET', `/api/v1/staff/${staffIds.agent2}/access-grants`)).body).toHaveLength(2);
    for (const g of [grant.body.id, all.body.id]) expect((await call(h.token, 'DELETE', `/api/v1/access-grants/${g}`)).status).toBe(200);
    expect((await call(tokens.agent2!, 'GET', url)).status).toBe(404);
    // Granting is an administrator's permission change, and audited as one.
    expect((await call(tokens.supervisor!, 'POST', `/api/v1/staff/${staffIds.agent2}/access-grants`, { all: true })).status).toBe(403);
    const rows = await h.database.db.select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.action, 'permission_change'), eq(auditLog.resourceType, 'staff_access_grant')));
    expect(rows.length).toBe(4);
  });

  it('refuses bad grants with a clear 4xx and changes nothing', async () => {
    expect((await h.post(`/api/v1/staff/${staffIds.agent2}/access-grants`, {})).status).toBe(400);
    expect((await h.post(`/api/v1/staff/${staffIds.agent2}/access-grants`, { departmentId: randomUUID() })).status).toBe(404);
    expect((await h.post(`/api/v1/staff/${randomUUID()}/access-grants`, { all: true })).status).toBe(404);
    expect((await call(h.token, 'GET', `/api/v1/staff/${staffIds.agent2}/access-grants`)).body).toEqual([]);
  });
});

describe('break-glass', () => {
  // Every test breaks the glass on a case of its own (a new patient's, in the department the
  // agents do not work in), so no test leans on another's access or review.
  let target: { caseId: string; patientId: string };
  let targets = 0;
  beforeEach(async () => {
    const phone = `+1646555${String(100 + ++targets).padStart(4, '0')}`;
    const patient = await h.post('/api/v1/patients', { givenName: `Glass${targets}`, familyName: 'Walker', birthDate: '1971-02-03', identifiers: [{ kind: 'phone', value: phone }] });
    expect(patient.status).toBe(201);
    const c = await contact(phone, 'I need to reschedule my appointment please', `ac-glass-${targets}`);
    await h.database.db.update(cases).set({ departmentId: elsewhere.departmentId, ownerId: null }).where(and(eq(cases.organizationId, h.organizationId), eq(cases.id, c.caseId)));
    target = { caseId: c.caseId, patientId: patient.body.id as string };
  });
  const breakGlass = async (token: string, reason = 'Patient collapsed in the lobby, need history') => {
    const res = await call(token, 'POST', `/api/v1/cases/${target.caseId}/break-glass`, { reason });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const glassIds = async (reviewed: boolean) => ((await call(tokens.supervisor!, 'GET', `/api/v1/break-glass?reviewed=${reviewed}`)).body as Array<{ id: string }>).map((w) => w.id);

  it('needs a reason of at least 10 characters, and changes nothing without one', async () => {
    const before = (await call(h.token, 'GET', '/api/v1/break-glass')).body;
    for (const body of [{}, { reason: 'urgent' }, { reason: '          x' }]) {
      expect((await call(tokens.agent!, 'POST', `/api/v1/cases/${target.caseId}/break-glass`, body)).status).toBe(400);
    }
    expect((await call(h.token, 'GET', '/api/v1/break-glass')).body).toEqual(before);
    expect((await call(tokens.agent!, 'POST', `/api/v1/cases/${randomUUID()}/break-glass`, { reason: 'Patient collapsed in the lobby' })).status).toBe(404);
  });

  it('opens the case and its patient to that agent for 60 minutes, audited with the reason', async () => {
    const url = `/api/v1/cases/${target.caseId}/conversation`;
    expect((await call(tokens.agent!, 'GET', url)).status).toBe(404);
    const res = await call(tokens.agent!, 'POST', `/api/v1/cases/${target.caseId}/break-glass`, { reason: 'Patient collapsed in the lobby, need history' });
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(60 * 60_000);
    expect((await call(tokens.agent!, 'GET', url)).status).toBe(200);
    expect((await call(tokens.agent!, 'GET', `/api/v1/patients/${target.patientId}`)).status).toBe(200);
    // Only for that agent.
    expect((await call(tokens.agent2!, 'GET', url)).status).toBe(404);
    const [row] = await h.database.db.select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.action, 'break_glass'), eq(auditLog.resourceId, target.caseId)));
    expect(row).toMatchObject({ reason: 'Patient collapsed in the lobby, need history', actorId: staffIds.agent, patientId: target.patientId, resourceId: target.caseId });
  });

  it('ends after 60 minutes', async () => {
    await breakGlass(tokens.agent!);
    const url = `/api/v1/cases/${target.caseId}/conversation`;
    const original = h.services.now;
    try {
      (h.services as { now: () => Date }).now = () => new Date(Date.now() + 61 * 60_000);
      expect((await call(tokens.agent!, 'GET', url)).status).toBe(404);
    } finally {
      (h.services as { now: () => Date }).now = original;
    }
    expect((await call(tokens.agent!, 'GET', url)).status).toBe(200);
  });

  it('is listed for review by supervisors, reviewed once, never by the person who broke the glass', async () => {
    expect((await call(tokens.agent!, 'GET', '/api/v1/break-glass?reviewed=false')).status).toBe(403);
    const accessId = await breakGlass(tokens.agent!);
    const reviewedBefore = await glassIds(true);
    expect(await glassIds(false)).toContain(accessId);
    expect((await call(tokens.supervisor!, 'POST', `/api/v1/break-glass/${accessId}/review`, { outcome: 'maybe' })).status).toBe(400);
    const reviewed = await call(tokens.supervisor!, 'POST', `/api/v1/break-glass/${accessId}/review`, { outcome: 'appropriate', note: 'Confirmed with the ED' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ reviewedBy: staffIds.supervisor, reviewOutcome: 'appropriate' });
    expect((await call(tokens.supervisor!, 'POST', `/api/v1/break-glass/${accessId}/review`, { outcome: 'appropriate' })).status).toBe(409);
    expect(await glassIds(false)).not.toContain(accessId);
    expect((await glassIds(true)).sort()).toEqual([...reviewedBefore, accessId].sort());

    // The supervisor's own break-glass waits for someone else.
    const own = await call(tokens.supervisor!, 'POST', `/api/v1/cases/${target.caseId}/break-glass`, { reason: 'Checking a complaint escalation' });
    expect(own.status).toBe(201);
    expect((await call(tokens.supervisor!, 'POST', `/api/v1/break-glass/${own.body.id}/review`, { outcome: 'appropriate' })).status).toBe(403);
    expect((await call(h.token, 'POST', `/api/v1/break-glass/${own.body.id}/review`, { outcome: 'appropriate' })).status).toBe(200);
  });
});
