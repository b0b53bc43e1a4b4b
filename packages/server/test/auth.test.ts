import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createHarness, type Harness } from './helpers/harness.ts';
import { clock, codeFor, cookieFrom, orgSlug, staffWithPassword } from './helpers/auth.ts';
import { schema } from '../src/index.ts';
import { staffCredentials, staffSessions } from '../src/store/schema-auth.ts';
import { IP_MAX_FAILURES, IP_WINDOW_MS, ipLimiterFor } from '../src/auth/ip-limit.ts';

let h: Harness;
let slug: string;
let time: ReturnType<typeof clock>;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  h = await createHarness({ patients: 3 });
  slug = await orgSlug(h);
});
afterAll(async () => h?.close());
beforeEach(() => {
  time = clock(h);
});

let ipCounter = 0;
/** Each test signs in from its own address, so the per-address limit of one test does not leak into another. */
function freshIp() {
  ipCounter += 1;
  return `198.51.100.${ipCounter}`;
}

async function signIn(body: Record<string, unknown>, ip = freshIp()) {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { organization: slug, ...body }, remoteAddress: ip });
  return { status: res.statusCode, body: res.json(), res };
}

async function withCookie(cookie: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, csrf = true) {
  const res = await h.app.inject({
    method,
    url,
    headers: { cookie, ...(csrf ? { 'x-carethread-csrf': '1' } : {}) },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.body ? res.json() : null, res };
}

async function eventsOf(kind: string) {
  return h.database.db
    .select()
    .from(schema.events)
    .where(and(eq(schema.events.organizationId, h.organizationId), eq(schema.events.kind, kind)));
}

describe('password sign-in and sessions', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie that signs the staff member in', async () => {
    const id = await staffWithPassword(h, 'agent', 'ana.agent@example.org', PASSWORD);
    const r = await signIn({ email: 'Ana.Agent@example.org', password: PASSWORD });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ staff: { id, email: 'ana.agent@example.org' }, role: 'agent' });
    expect(r.body.mfaRequired).toBeUndefined();
    const line = String(r.res.headers['set-cookie']);
    expect(line).toMatch(/^ct_session=cts_[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const me = await withCookie(cookieFrom(r.res), 'GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ staffId: id, role: 'agent', organizationId: h.organizationId });
    const session = await withCookie(cookieFrom(r.res), 'GET', '/api/v1/auth/session');
    expect(session.body).toMatchObject({ via: 'session', method: 'password', mfaRequired: false, staff: { id } });
    // The session is stored as a hash only.
    const rows = await h.database.db.select().from(staffSessions).where(eq(staffSessions.staffId, id));
    expect(rows[0]!.tokenHash).not.toContain(cookieFrom(r.res).slice('ct_session='.length));
    const events = await eventsOf('staff_signed_in');
    expect(events.some((e) => e.data.staffId === id)).toBe(true);
  });

  it('marks the cookie Secure when CARETHREAD_SECURE_COOKIES=1', async () => {
    await staffWithPassword(h, 'agent', 'secure.agent@example.org', PASSWORD);
    process.env.CARETHREAD_SECURE_COOKIES = '1';
    try {
      const r = await signIn({ email: 'secure.agent@example.org', password: PASSWORD });
      expect(String(r.res.headers['set-cookie'])).toMatch(/; Secure$/);
    } finally {
      delete process.env.CARETHREAD_SECURE_COOKIES;
    }
  });

  it('refuses cookie-authenticated mutations without the CSRF header', async () => {
    await staffWithPassword(h, 'agent', 'csrf.agent@example.org', PASSWORD);
    const cookie = cookieFrom((await signIn({ email: 'csrf.agent@example.org', password: PASSWORD })).res);
    const denied = await withCookie(cookie, 'POST', '/api/v1/patients', { givenName: 'Nadia', familyName: 'Test', identifiers: [] }, false);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('csrf_header_required');
    // Names are sealed: compare after Drizzle opens them.
    const [none] = (await h.database.db.select().from(schema.patients).where(eq(schema.patients.organizationId, h.organizationId))).filter((p) => p.givenName === 'Nadia');
    expect(none).toBeUndefined();
    // Reads need no header; bearer tokens need none either (no ambient credential to forge).
    expect((await withCookie(cookie, 'GET', '/api/v1/departments', undefined, false)).status).toBe(200);
    const signOut = await withCookie(cookie, 'POST', '/api/v1/auth/sign-out', undefined, false);
    expect(signOut.status).toBe(403);
  });

  it('answers an unknown email and a wrong password identically', async () => {
    await staffWithPassword(h, 'agent', 'same.answer@example.org', PASSWORD);
    const unknown = await signIn({ email: 'nobody@example.org', password: PASSWORD });
    const wrong = await signIn({ email: 'same.answer@example.org', password: 'not the password at all' });
    const badOrg = await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { organization: 'no-such-org', email: 'same.answer@example.org', password: PASSWORD } });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(badOrg.statusCode).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(badOrg.json()).toEqual(wrong.body);
    expect(unknown.res.headers['set-cookie']).toBeUndefined();
  });

  it('locks an account for 15 minutes after 5 failed attempts, even for the right password', async () => {
    const id = await staffWithPassword(h, 'agent', 'locked.agent@example.org', PASSWORD);
    for (let i = 0; i < 5; i++) expect((await signIn({ email: 'locked.agent@example.org', password: `wrong password ${i}` })).status).toBe(401);
    const [cred] = await h.database.db.select().from(staffCredentials).where(eq(staffCredentials.staffId, id));
    expect(Date.parse(cred!.lockedUntil!)).toBe(time.now().getTime() + 15 * 60_000);
    const whileLocked = await signIn({ email: 'locked.agent@example.org', password: PASSWORD });
    expect(whileLocked.status).toBe(401);
    expect(whileLocked.body.error).toBe('invalid_credentials');
    time.advance(14 * 60_000);
    expect((await signIn({ email: 'locked.agent@example.org', password: PASSWORD })).status).toBe(401);
    time.advance(60_000);
    expect((await signIn({ email: 'locked.agent@example.org', password: PASSWORD })).status).toBe(200);
    const locked = await eventsOf('staff_locked');
    expect(locked.filter((e) => e.data.staffId === id)).toHaveLength(1);
    const failed = (await eventsOf('staff_sign_in_failed')).filter((e) => e.data.staffId === id);
    expect(failed.length).toBe(7);
    // No email, password or code in any sign-in event.
    const all = JSON.stringify([...failed, ...locked, ...(await eventsOf('staff_signed_in'))]);
    expect(all).not.toContain('locked.agent@example.org');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('wrong password');
  });

  it('a success resets the failure count', async () => {
    const id = await staffWithPassword(h, 'agent', 'reset.agent@example.org', PASSWORD);
    for (let i = 0; i < 4; i++) await signIn({ email: 'reset.agent@example.org', password: 'wrong password!!' });
    expect((await signIn({ email: 'reset.agent@example.org', password: PASSWORD })).status).toBe(200);
    const [cred] = await h.database.db.select().from(staffCredentials).where(eq(staffCredentials.staffId, id));
    expect(cred!.failedAttempts).toBe(0);
    expect(cred!.lockedUntil).toBeNull();
  });

  it('limits failed attempts per address across accounts, slowly', async () => {
    const ip = '203.0.113.77';
    for (let i = 0; i < 3; i++) expect((await signIn({ email: `spray${i}@example.org`, password: 'guess guess guess' }, ip)).status).toBe(401);
    // The rest of a long spraying run, counted straight into this app's limiter (argon2 is slow).
    const limiter = ipLimiterFor(h.services);
    for (let i = 3; i < IP_MAX_FAILURES; i++) limiter.fail(ip, h.services.now());
    const blocked = await signIn({ email: 'spray-next@example.org', password: 'guess guess guess' }, ip);
    expect(blocked.status).toBe(429);
    // Another address is not affected; the block lifts after the window.
    expect((await signIn({ email: 'spray-next@example.org', password: 'guess guess guess' })).status).toBe(401);
    time.advance(IP_WINDOW_MS + 1);
    expect((await signIn({ email: 'spray-next@example.org', password: 'guess guess guess' }, ip)).status).toBe(401);
  });

  it('one account guessed at from a shared address does not lock colleagues out of it', async () => {
    const clinic = '203.0.113.88';
    await staffWithPassword(h, 'agent', 'guessed.agent@example.org', PASSWORD);
    await staffWithPassword(h, 'agent', 'colleague.agent@example.org', PASSWORD);
    // Twenty-five misses on one account: it locks after five, the rest hit a locked account.
    for (let i = 0; i < 25; i++) expect((await signIn({ email: 'guessed.agent@example.org', password: 'wrong password!!' }, clinic)).status).toBe(401);
    expect((await signIn({ email: 'colleague.agent@example.org', password: PASSWORD }, clinic)).status).toBe(200);
    // The guessed account itself stays locked for its own 15 minutes.
    expect((await signIn({ email: 'guessed.agent@example.org', password: PASSWORD }, clinic)).status).toBe(401);
  });

  it('ends a session after 15 idle minutes by default, and the idle limit is the organisation’s to set', async () => {
    await staffWithPassword(h, 'agent', 'idle.agent@example.org', PASSWORD);
    const cookie = cookieFrom((await signIn({ email: 'idle.agent@example.org', password: PASSWORD })).res);
    time.advance(14 * 60_000);
    expect((await withCookie(cookie, 'GET', '/api/v1/me')).status).toBe(200);
    time.advance(14 * 60_000); // active 14 minutes ago: still alive
    expect((await withCookie(cookie, 'GET', '/api/v1/me')).status).toBe(200);
    time.advance(15 * 60_000);
    expect((await withCookie(cookie, 'GET', '/api/v1/me')).status).toBe(401);
    // Once ended it stays ended, even if the clock were to go back.
    time.advance(-15 * 60_000);
    expect((await withCookie(cookie, 'GET', '/api/v1/me')).status).toBe(401);

    await h.database.db.update(schema.organizations).set({ settings: { sessionIdleMinutes: 60 } }).where(eq(schema.organizations.id, h.organizationId));
    try {
      const longer = cookieFrom((await signIn({ email: 'idle.agent@example.org', password: PASSWORD })).res);
      time.advance(45 * 60_000);
      expect((await withCookie(longer, 'GET', '/api/v1/me')).status).toBe(200);
      time.advance(61 * 60_000);
      expect((await withCookie(longer, 'GET', '/api/v1/me')).status).toBe(401);
    } finally {
      await h.database.db.update(schema.organizations).set({ settings: {} }).where(eq(schema.organizations.id, h.organizationId));
    }
  });

  it('ends a session after 12 hours however active it is', async () => {
    await staffWithPassword(h, 'agent', 'shift.agent@example.org', PASSWORD);
    const cookie = cookieFrom((await signIn({ email: 'shift.agent@example.org', password: PASSWORD })).res);
    for (let minutes = 10; minutes < 12 * 60; minutes += 10) {
      time.advance(10 * 60_000);
      expect((await withCookie(cookie, 'GET', '/api/v1/auth/session')).status).toBe(200);
    }
    time.advance(10 * 60_000);
    expect((await withCookie(cookie, 'GET', '/api/v1/me')).status).toBe(401);
  });

  it('signs out this session, or every session of the staff member', async () => {
    await staffWithPassword(h, 'agent', 'everywhere.agent@example.org', PASSWORD);
    const a = cookieFrom((await signIn({ email: 'everywhere.agent@example.org', password: PASSWORD })).res);
    const b = cookieFrom((await signIn({ email: 'everywhere.agent@example.org', password: PASSWORD })).res);
    const c = cookieFrom((await signIn({ email: 'everywhere.agent@example.org', password: PASSWORD })).res);
    const out = await withCookie(a, 'POST', '/api/v1/auth/sign-out');
    expect(out.status).toBe(200);
    expect(String(out.res.headers['set-cookie'])).toMatch(/^ct_session=; .*Max-Age=0/);
    expect((await withCookie(a, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await withCookie(b, 'GET', '/api/v1/me')).status).toBe(200);
    const everywhere = await withCookie(b, 'POST', '/api/v1/auth/sign-out-everywhere');
    expect(everywhere.body).toEqual({ signedOut: true, sessions: 2 });
    expect((await withCookie(b, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await withCookie(c, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await eventsOf('staff_signed_out')).length).toBeGreaterThanOrEqual(2);
  });

  it('rejects malformed sign-in bodies with 400 and changes nothing', async () => {
    const bad = await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { organization: slug, email: 'x@example.org' } });
    expect(bad.statusCode).toBe(400);
    const extra = await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { organization: slug, email: 'x@example.org', password: 'p', admin: true } });
    expect(extra.statusCode).toBe(400);
    const code = await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { organization: slug, email: 'x@example.org', password: 'p', code: '12ab56' } });
    expect(code.statusCode).toBe(400);
  });

  it('still takes bearer tokens, and answers 401 without any credential', async () => {
    expect((await h.get('/api/v1/me')).status).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: 'ct_session=cts_forged' } })).statusCode).toBe(401);
  });
});

describe('TOTP multi-factor', () => {
  it('an admin without MFA can sign in only to enrol, then needs a single-use code', async () => {
    const id = await staffWithPassword(h, 'admin', 'mfa.admin@example.org', PASSWORD);
    const first = await signIn({ email: 'mfa.admin@example.org', password: PASSWORD });
    expect(first.status).toBe(200);
    expect(first.body.mfaRequired).toBe(true);
    const cookie = cookieFrom(first.res);
    const blocked = await withCookie(cookie, 'GET', '/api/v1/departments');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toBe('mfa_enrolment_required');
    expect((await withCookie(cookie, 'GET', '/api/v1/me')).status).toBe(200);

    const enrol = await withCookie(cookie, 'POST', '/api/v1/auth/mfa/enrol');
    expect(enrol.status).toBe(200);
    expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/carethread:mfa\.admin%40example\.org\?secret=[A-Z2-7]{32}&/);
    const secret = enrol.body.secret as string;
    // The secret is stored sealed, never in the clear.
    const [cred] = await h.database.db.select().from(staffCredentials).where(eq(staffCredentials.staffId, id));
    expect(cred!.totpPending).not.toContain(secret);
    expect((await withCookie(cookie, 'POST', '/api/v1/auth/mfa/confirm', { code: '000000' === codeFor(secret, time.now()) ? '111111' : '000000' })).status).toBe(422);
    const confirmed = await withCookie(cookie, 'POST', '/api/v1/auth/mfa/confirm', { code: codeFor(secret, time.now()) });
    expect(confirmed.body).toEqual({ enrolled: true });
    expect((await withCookie(cookie, 'GET', '/api/v1/departments')).status).toBe(200);
    // Enrolling again would let a stolen session replace the factor.
    expect((await withCookie(cookie, 'POST', '/api/v1/auth/mfa/enrol')).status).toBe(409);

    // Next sign-in: the password alone asks for a code; the code used at enrolment is spent.
    const needCode = await signIn({ email: 'mfa.admin@example.org', password: PASSWORD });
    expect(needCode.status).toBe(401);
    expect(needCode.body).toMatchObject({ error: 'code_required', mfaRequired: true });
    const replay = await signIn({ email: 'mfa.admin@example.org', password: PASSWORD, code: codeFor(secret, time.now()) });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_code');
    time.advance(30_000);
    const ok = await signIn({ email: 'mfa.admin@example.org', password: PASSWORD, code: codeFor(secret, time.now()) });
    expect(ok.status).toBe(200);
    expect(ok.body.mfaRequired).toBeUndefined();
    expect((await signIn({ email: 'mfa.admin@example.org', password: PASSWORD, code: codeFor(secret, time.now()) })).status).toBe(401);
    const events = JSON.stringify(await eventsOf('staff_signed_in'));
    expect(events).not.toContain(codeFor(secret, time.now()));
  });

  it('other roles need MFA only when the organisation says so', async () => {
    await staffWithPassword(h, 'supervisor', 'mfa.supervisor@example.org', PASSWORD);
    expect((await signIn({ email: 'mfa.supervisor@example.org', password: PASSWORD })).body.mfaRequired).toBeUndefined();
    await h.database.db.update(schema.organizations).set({ settings: { mfaRequiredRoles: ['supervisor'] } }).where(eq(schema.organizations.id, h.organizationId));
    try {
      expect((await signIn({ email: 'mfa.supervisor@example.org', password: PASSWORD })).body.mfaRequired).toBe(true);
    } finally {
      await h.database.db.update(schema.organizations).set({ settings: {} }).where(eq(schema.organizations.id, h.organizationId));
    }
  });

  it('wrong codes count toward the lockout', async () => {
    await staffWithPassword(h, 'agent', 'code.agent@example.org', PASSWORD);
    const cookie = cookieFrom((await signIn({ email: 'code.agent@example.org', password: PASSWORD })).res);
    const secret = (await withCookie(cookie, 'POST', '/api/v1/auth/mfa/enrol')).body.secret as string;
    await withCookie(cookie, 'POST', '/api/v1/auth/mfa/confirm', { code: codeFor(secret, time.now()) });
    const wrong = codeFor(secret, new Date(time.now().getTime() + 10 * 60_000));
    for (let i = 0; i < 5; i++) expect((await signIn({ email: 'code.agent@example.org', password: PASSWORD, code: wrong })).status).toBe(401);
    time.advance(30_000);
    expect((await signIn({ email: 'code.agent@example.org', password: PASSWORD, code: codeFor(secret, time.now()) })).body.error).toBe('invalid_credentials');
  });
});
