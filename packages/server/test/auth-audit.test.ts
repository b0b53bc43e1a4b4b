import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import WebSocket from 'ws';
import { createHarness, type Harness } from './helpers/harness.ts';
import { clock, codeFor, cookieFrom, orgSlug, staffWithPassword } from './helpers/auth.ts';
import { auditLog, verifyChain } from '../src/audit/index.ts';
import { createSetupCode } from '../src/auth/setup.ts';

// Sign-in, sign-out, failures, lockout, set-up, MFA enrolment and token issue/revoke land in the
// tamper-evident audit log (not only the event log), and the chain stays whole.

let h: Harness;
let slug: string;
let base: string;
let time: ReturnType<typeof clock>;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  h = await createHarness({ patients: 3 });
  slug = await orgSlug(h);
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => h?.close());
beforeEach(() => {
  time = clock(h);
});

let ipCounter = 0;
const freshIp = () => `203.0.113.${++ipCounter}`;

async function signIn(body: Record<string, unknown>, ip = freshIp()) {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { organization: slug, ...body }, remoteAddress: ip, headers: { 'user-agent': 'audit-test' } });
  return { status: res.statusCode, body: res.json(), res };
}

async function auditOf(action: string) {
  return h.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.action, action)))
    .orderBy(asc(auditLog.seq));
}

describe('sign-in events in the audit log', () => {
  it('records a sign-in and a failed sign-in, with who and from where but never the email or password, and the chain verifies', async () => {
    const id = await staffWithPassword(h, 'agent', 'audit.agent@example.org', PASSWORD);
    const wrong = await signIn({ email: 'audit.agent@example.org', password: 'not the password at all' }, '203.0.113.200');
    expect(wrong.status).toBe(401);
    const ok = await signIn({ email: 'audit.agent@example.org', password: PASSWORD }, '203.0.113.201');
    expect(ok.status).toBe(200);

    const failed = (await auditOf('sign_in_failed')).filter((r) => r.actorId === id);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actorType: 'staff', resourceType: 'staff', resourceId: id, reason: 'password', ip: '203.0.113.200', userAgent: 'audit-test' });
    const signedIn = (await auditOf('sign_in')).filter((r) => r.actorId === id);
    expect(signedIn).toHaveLength(1);
    expect(signedIn[0]).toMatchObject({ actorType: 'staff', ip: '203.0.113.201', detail: { method: 'password', mfa: false } });
    // The session id is the tokenId the request audit rows of that session carry.
    expect(signedIn[0]!.tokenId).toBe(signedIn[0]!.detail.sessionId);

    const everything = JSON.stringify(await h.database.db.select().from(auditLog).where(eq(auditLog.organizationId, h.organizationId)));
    expect(everything).not.toContain('audit.agent@example.org');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain('not the password');

    const chain = await verifyChain(h.database.db, h.organizationId);
    expect(chain.ok).toBe(true);
    expect(chain.rows).toBeGreaterThanOrEqual(2);
  });

  it('records an unknown account, a lockout and a sign-out', async () => {
    const before = (await auditOf('sign_in_failed')).length;
    expect((await signIn({ email: 'nobody@example.org', password: PASSWORD })).status).toBe(401);
    const unknown = (await auditOf('sign_in_failed')).slice(before);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ actorType: 'staff', actorId: null, reason: 'unknown_account' });

    const id = await staffWithPassword(h, 'agent', 'audit.locked@example.org', PASSWORD);
    for (let i = 0; i < 5; i++) await signIn({ email: 'audit.locked@example.org', password: 'wrong wrong wrong' });
    const locked = (await auditOf('account_locked')).filter((r) => r.actorId === id);
    expect(locked).toHaveLength(1);
    expect(locked[0]!.detail).toMatchObject({ staffId: id });
    expect((await auditOf('sign_in_failed')).filter((r) => r.actorId === id)).toHaveLength(5);

    const other = await staffWithPassword(h, 'agent', 'audit.out@example.org', PASSWORD);
    const ok = await signIn({ email: 'audit.out@example.org', password: PASSWORD });
    const cookie = cookieFrom(ok.res);
    const out = await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: { cookie, 'x-carethread-csrf': '1' }, payload: {} });
    expect(out.statusCode).toBe(200);
    const signedOut = (await auditOf('sign_out')).filter((r) => r.actorId === other);
    expect(signedOut).toHaveLength(1);
    expect(signedOut[0]!.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect(signedOut[0]!.tokenId).toBe(signedOut[0]!.detail.sessionId);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await verifyChain(h.database.db, h.organizationId)).ok).toBe(true);
  });

  it('records the first-run set-up, the TOTP enrolment, and issuing and revoking a token', async () => {
    const code = await createSetupCode(h.database.db, h.organizationId, time.now());
    const done = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/setup',
      payload: { code, name: 'Dana Admin', email: 'dana.audit@example.org', password: PASSWORD },
    });
    expect(done.statusCode).toBe(201);
    const { staffId, secret } = done.json() as { staffId: string; secret: string };
    const cookie = cookieFrom(done);
    // Until the code is confirmed the session may only enrol; /me says so, for the workspace to guide the admin.
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ staffId, mfaRequired: true });
    const confirm = await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/confirm', headers: { cookie, 'x-carethread-csrf': '1' }, payload: { code: codeFor(secret, time.now()) } });
    expect(confirm.statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json().mfaRequired).toBeUndefined();

    expect((await auditOf('admin_setup')).map((r) => r.actorId)).toEqual([staffId]);
    expect((await auditOf('mfa_enrolled')).map((r) => r.actorId)).toEqual([staffId]);

    const issued = await h.app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: { cookie, 'x-carethread-csrf': '1' },
      payload: { name: 'audit integration', role: 'integration', scopes: ['channel-events:write'] },
    });
    expect(issued.statusCode).toBe(201);
    const tokenId = issued.json().id as string;
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-tokens/${tokenId}`, headers: { cookie, 'x-carethread-csrf': '1' } });
    expect(revoked.statusCode).toBe(204);
    const issuedRows = await auditOf('token_issued');
    expect(issuedRows.at(-1)).toMatchObject({ actorType: 'staff', actorId: staffId, resourceType: 'api_token', resourceId: tokenId });
    expect((await auditOf('token_revoked')).at(-1)).toMatchObject({ actorId: staffId, resourceType: 'api_token', resourceId: tokenId });
    // The token's value is never in the log.
    expect(JSON.stringify(issuedRows)).not.toContain(issued.json().token);
    expect((await verifyChain(h.database.db, h.organizationId)).ok).toBe(true);
  });
});

describe('the live stream signed in with the session cookie', () => {
  const open = (headers: Record<string, string>) =>
    new Promise<{ ws: WebSocket | null; status: number }>((resolve) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/stream`, { headers });
      ws.once('open', () => resolve({ ws, status: 101 }));
      ws.once('unexpected-response', (_req, res) => resolve({ ws: null, status: res.statusCode ?? 0 }));
      ws.once('error', () => resolve({ ws: null, status: 0 }));
    });

  it('opens from our own pages with the cookie, and refuses another origin or no cookie', async () => {
    await staffWithPassword(h, 'agent', 'audit.stream@example.org', PASSWORD);
    // The socket runs on the wall clock (the server's own timers), so the session is made on it too.
    h.services.now = () => new Date();
    const ok = await signIn({ email: 'audit.stream@example.org', password: PASSWORD });
    const cookie = cookieFrom(ok.res);
    const host = new URL(base).host;

    const own = await open({ cookie, origin: `http://${host}` });
    expect(own.status).toBe(101);
    const subscribed = new Promise((resolve) => own.ws!.once('message', (d) => resolve(JSON.parse(d.toString()))));
    own.ws!.send(JSON.stringify({ type: 'subscribe', scope: 'organization' }));
    expect(await subscribed).toMatchObject({ type: 'subscribed', scope: 'organization' });
    own.ws!.close();

    expect((await open({ cookie, origin: 'https://attacker.example.org' })).status).toBe(403);
    expect((await open({ cookie })).status).toBe(403);
    expect((await open({ origin: `http://${host}` })).status).toBe(401);
  });
});
