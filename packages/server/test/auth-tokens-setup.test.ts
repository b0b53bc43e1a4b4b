import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './helpers/harness.ts';
import { clock, codeFor, cookieFrom, staffWithPassword } from './helpers/auth.ts';
import { createSetupCode, needsAdminSetup } from '../src/auth/setup.ts';
import { seedOrganization } from '../src/index.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ patients: 3 });
});
afterAll(async () => h?.close());

async function bearer(token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  const res = await h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

describe('scoped integration tokens', () => {
  it('an admin issues a token that reaches only the routes of its scopes', async () => {
    const issued = await h.post('/api/v1/api-tokens', { name: 'EHR scheduling bridge', role: 'integration', scopes: ['fhir:read', 'scheduling:read'] });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ name: 'EHR scheduling bridge', role: 'integration', scopes: ['fhir:read', 'scheduling:read'], expiresAt: null });
    const token = issued.body.token as string;
    expect((await bearer(token, 'GET', '/api/v1/fhir/Slot?_count=1')).status).toBe(200);
    const denied = await bearer(token, 'POST', '/api/v1/channel-events', { channel: 'sms', direction: 'inbound', from: '+15555550142', text: 'hello' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('insufficient_scope');
    expect((await bearer(token, 'GET', '/api/v1/cases')).status).toBe(403);
    expect((await bearer(token, 'GET', '/api/v1/api-tokens')).status).toBe(403);
    expect((await bearer(token, 'GET', '/api/v1/analytics/export')).status).toBe(403);

    const events = await h.post('/api/v1/api-tokens', { name: 'SMS gateway', role: 'integration', scopes: ['channel-events:write'] });
    const ingest = await bearer(events.body.token, 'POST', '/api/v1/channel-events', {
      channel: 'sms',
      direction: 'inbound',
      externalId: 'scoped-token-1',
      from: { kind: 'phone', value: '+15555550142' },
      text: 'I need to reschedule my appointment',
    });
    expect([200, 201, 400]).toContain(ingest.status); // reached the route: authorisation passed
    expect((await bearer(events.body.token, 'GET', '/api/v1/fhir/Slot')).status).toBe(403);
  });

  it('lists tokens without their values, and a revoked token stops working', async () => {
    const issued = await h.post('/api/v1/api-tokens', { name: 'to revoke', role: 'integration', scopes: ['fhir:read'] });
    const list = await h.get('/api/v1/api-tokens');
    expect(list.status).toBe(200);
    const row = (list.body as Array<Record<string, unknown>>).find((t) => t.id === issued.body.id)!;
    expect(row).toMatchObject({ name: 'to revoke', role: 'integration', scopes: ['fhir:read'], revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(issued.body.token);
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-tokens/${issued.body.id}`, headers: { authorization: `Bearer ${h.token}` } });
    expect(revoked.statusCode).toBe(204);
    expect((await bearer(issued.body.token, 'GET', '/api/v1/fhir/Slot')).status).toBe(401);
    const again = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-tokens/${issued.body.id}`, headers: { authorization: `Bearer ${h.token}` } });
    expect(again.statusCode).toBe(404);
  });

  it('an expired token stops working at its expiry', async () => {
    const time = clock(h, new Date());
    const expiresAt = new Date(time.now().getTime() + 60 * 60_000).toISOString();
    const issued = await h.post('/api/v1/api-tokens', { name: 'short', role: 'integration', scopes: ['fhir:read'], expiresAt });
    expect((await bearer(issued.body.token, 'GET', '/api/v1/fhir/Slot')).status).toBe(200);
    time.advance(60 * 60_000);
    expect((await bearer(issued.body.token, 'GET', '/api/v1/fhir/Slot')).status).toBe(401);
  });

  it('refuses bad requests and non-admins', async () => {
    expect((await h.post('/api/v1/api-tokens', { name: 'x', role: 'admin', scopes: ['fhir:read'] })).status).toBe(400);
    expect((await h.post('/api/v1/api-tokens', { name: 'x', role: 'integration', scopes: ['everything'] })).status).toBe(400);
    expect((await h.post('/api/v1/api-tokens', { name: 'x', role: 'integration', scopes: [] })).status).toBe(400);
    expect((await h.post('/api/v1/api-tokens', { name: 'x', role: 'integration', scopes: ['fhir:read'], expiresAt: '2001-01-01T00:00:00Z' })).status).toBe(422);
    const staff = (await h.get('/api/v1/staff')).body as Array<{ id: string; role: string }>;
    const agent = (await h.post(`/api/v1/staff/${staff.find((s) => s.role === 'agent')!.id}/tokens`, {})).body.token as string;
    expect((await bearer(agent, 'POST', '/api/v1/api-tokens', { name: 'x', role: 'integration', scopes: ['fhir:read'] })).status).toBe(403);
    expect((await bearer(agent, 'GET', '/api/v1/api-tokens')).status).toBe(403);
  });
});

describe('first-run administrator set-up', () => {
  // Set-up happens once per organisation: every test sets up an organisation of its own, with no
  // administrator yet, reached through the same app.
  let org: Harness;
  let orgs = 0;
  beforeEach(async () => {
    const n = ++orgs;
    const { organizationId } = await h.database.db.transaction((tx) => seedOrganization(tx, { slug: `first-run-${n}`, name: `First Run Clinic ${n}`, patients: 0 }));
    org = { ...h, organizationId };
  });

  it('serves an accessible bilingual page that keeps the code out of requests', async () => {
    const en = await h.app.inject({ method: 'GET', url: '/setup' });
    expect(en.statusCode).toBe(200);
    expect(en.headers['cache-control']).toBe('no-store');
    expect(en.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('<label for="password">');
    const es = await h.app.inject({ method: 'GET', url: '/setup?lang=es' });
    expect(es.body).toContain('<html lang="es">');
    expect(es.body).toContain('Configurar carethread');
  });

  it('creates the first administrator with a one-time code, then enrols TOTP', async () => {
    const time = clock(org);
    expect(await needsAdminSetup(h.database.db, org.organizationId)).toBe(true);
    const code = await createSetupCode(h.database.db, org.organizationId, time.now());
    const body = { code, name: 'Dana Admin', email: 'dana.admin@example.org', password: 'a long enough password' };
    const weak = await h.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { ...body, password: 'short' } });
    expect(weak.statusCode).toBe(422);
    const done = await h.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: body });
    expect(done.statusCode).toBe(201);
    const r = done.json();
    expect(r).toMatchObject({ mfaRequired: true });
    expect(r.otpauthUri).toContain('otpauth://totp/');
    expect(r.secretGrouped).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    const cookie = cookieFrom(done);
    const headers = { cookie, 'x-carethread-csrf': '1' };
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/departments', headers })).statusCode).toBe(403);
    const confirmed = await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/confirm', headers, payload: { code: codeFor(r.secret, time.now()) } });
    expect(confirmed.statusCode).toBe(200);
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers });
    expect(me.json()).toMatchObject({ role: 'admin', staff: { name: 'Dana Admin', email: 'dana.admin@example.org' } });
    expect(await needsAdminSetup(h.database.db, org.organizationId)).toBe(false);
    // The code is spent.
    const reuse = await h.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { ...body, email: 'other@example.org' } });
    expect(reuse.statusCode).toBe(403);
  });

  it('refuses an expired or superseded code, and a second set-up once an admin exists', async () => {
    const time = clock(org);
    const old = await createSetupCode(h.database.db, org.organizationId, time.now());
    const fresh = await createSetupCode(h.database.db, org.organizationId, time.now());
    const body = { name: 'X', email: 'x.admin@example.org', password: 'a long enough password' };
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { ...body, code: old } })).statusCode).toBe(403);
    // Once an administrator exists: 409, nothing created.
    await staffWithPassword(org, 'admin', 'first.admin@example.org', 'another long password');
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { ...body, code: fresh } })).statusCode).toBe(409);
    const later = await createSetupCode(h.database.db, org.organizationId, time.now());
    time.advance(24 * 3_600_000);
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { ...body, code: later } })).statusCode).toBe(403);
  });

  it('an existing admin with a password means no set-up is needed', async () => {
    await staffWithPassword(org, 'admin', 'second.admin@example.org', 'another long password');
    expect(await needsAdminSetup(h.database.db, org.organizationId)).toBe(false);
  });
});
