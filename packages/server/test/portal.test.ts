import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addEndpoint } from '../src/index.ts';
import { portalCodeHash } from '../src/channels/portal/signin.ts';
import { messagesWithBody, outboxRows, queryRows } from './helpers/sql.ts';
import { portalCodeAddressIndex } from '../src/store/blind-indexes.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { hiddenField, PortalVisitor } from './helpers/portal.ts';

let h: Harness;
let clock = Date.parse('2026-11-02T14:00:00Z');
const MINUTE = 60_000;
let seq = 0;

const MARIA = { givenName: 'María', familyName: 'López', birthDate: '1961-03-14', phone: '+12125550142', email: 'maria.lopez@example.org' };
const OMAR = { givenName: 'Omar', familyName: 'Haddad', birthDate: '1975-06-02', phone: '+16465550177', email: 'omar.haddad@example.com' };
const ANA = { givenName: 'Ana', familyName: 'Pérez', birthDate: '1990-01-20', phone: '+17185550163' };
const LUIS = { givenName: 'Luis', familyName: 'Pérez', birthDate: '1958-11-05', phone: '+17185550163' };

let mariaId: string;
let omarId: string;
let caseA: string;
let caseB: string;

async function rows<T = any>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}

async function register(p: { givenName: string; familyName: string; birthDate: string; phone?: string; email?: string }) {
  const identifiers = [...(p.phone ? [{ kind: 'phone', value: p.phone }] : []), ...(p.email ? [{ kind: 'email', value: p.email }] : [])];
  const res = await h.post('/api/v1/patients', { givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, identifiers });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function outboxCount(): Promise<number> {
  return (await outboxRows(h.database, (o) => o.payload.purpose === 'portal_code')).length;
}

async function latestCodeFor(address: string): Promise<{ code: string; channel: string; payload: any }> {
  const row = (await outboxRows(h.database, (o) => o.to_address === address && o.payload.purpose === 'portal_code')).at(-1);
  expect(row).toBeTruthy();
  return { code: /(\d{6})/.exec(row!.payload.text)![1]!, channel: row!.channel, payload: row!.payload };
}

/** The portal visitor of these tests (helpers/portal.ts). */
class Visitor extends PortalVisitor {
  constructor() {
    super(h.app);
  }
}

function hidden(html: string, name: string, after = 0): string {
  const value = hiddenField(html, name, after);
  if (value === null) throw new Error(`no hidden field ${name}`);
  return value;
}

/** The hidden fields of the form that posts about `caseId` ("" for the new-request form). */
function formFor(html: string, caseId: string | null): { csrf: string; clientId: string } {
  const start = caseId ? html.indexOf(`name="caseId" value="${caseId}"`) : html.indexOf('id="new-title"');
  expect(start).toBeGreaterThan(0);
  const csrfAt = html.lastIndexOf('name="csrf"', start);
  return { csrf: hidden(html, 'csrf', csrfAt), clientId: hidden(html, 'clientId', start) };
}

async function requestCode(v: Visitor, address: string, birthDate = '', org = 'demo') {
  const page = await v.get(`/portal?org=${org}`);
  expect(page.statusCode).toBe(200);
  return v.post(`/portal/sign-in?org=${org}&lang=en`, { csrf: hidden(page.body, 'csrf'), address, birthDate });
}

async function enterCode(v: Visitor, code: string) {
  const page = await v.get('/portal/verify?org=demo&lang=en');
  expect(page.statusCode).toBe(200);
  return v.post('/portal/verify?org=demo&lang=en', { csrf: hidden(page.body, 'csrf'), code });
}

async function signIn(address: string, birthDate = ''): Promise<Visitor> {
  const v = new Visitor();
  const sent = await requestCode(v, address, birthDate);
  expect(sent.statusCode).toBe(303);
  const { code } = await latestCodeFor(address.includes('@') ? address : address.replace(/[^\d+]/g, '').replace(/^(\d)/, '+1$1'));
  const res = await enterCode(v, code);
  expect(res.statusCode).toBe(303);
  expect(v.cookies.get('ct_portal')).toBeTruthy();
  return v;
}

beforeAll(async () => {
  h = await createHarness({ patients: 20 });
  h.services.now = () => new Date(clock);
  mariaId = await register(MARIA);
  omarId = await register(OMAR);
  await register(ANA);
  await register(LUIS);
  const sms = await h.post('/api/v1/channel-events', {
    channel: 'sms',
    idempotencyKey: `SM${++seq}`,
    from: { kind: 'phone', value: MARIA.phone },
    text: 'I need a refill of my lisinopril please',
  });
  expect(sms.status).toBe(201);
  expect(sms.body.patientId).toBe(mariaId);
  caseA = sms.body.caseId;
  const reply = await h.post(`/api/v1/cases/${caseA}/messages`, { text: 'We are on it, Maria.', actor: 'agent' });
  expect(reply.status).toBe(201);
  const other = await h.post('/api/v1/channel-events', {
    channel: 'sms',
    idempotencyKey: `SM${++seq}`,
    from: { kind: 'phone', value: OMAR.phone },
    text: 'Why is my bill so high this month?',
  });
  expect(other.body.patientId).toBe(omarId);
  caseB = other.body.caseId;
  expect(caseB).not.toBe(caseA);
});
afterAll(async () => {
  await h?.close();
});

describe('portal pages', () => {
  it('answers 404 for a link without a known organisation', async () => {
    const v = new Visitor();
    expect((await v.get('/portal')).statusCode).toBe(404);
    const res = await v.get('/portal?org=no-such-clinic');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('<html lang="en">');
  });

  it('finds the organisation by its widget key or its slug, in English or Spanish', async () => {
    await addEndpoint(h.database.db, h.organizationId, 'webchat', 'riverside-site-key');
    const v = new Visitor();
    const byKey = await v.get('/portal?org=riverside-site-key');
    expect(byKey.statusCode).toBe(200);
    expect(byKey.body).toContain('<html lang="en">');
    expect(byKey.body).toContain('<label for="address">Mobile phone number or email address</label>');
    expect(byKey.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(byKey.headers['cache-control']).toBe('no-store');
    const es = await v.get('/portal?org=demo&lang=es');
    expect(es.body).toContain('<html lang="es">');
    expect(es.body).toContain('Número de teléfono móvil o correo electrónico');
    const accept = await h.app.inject({ method: 'GET', url: '/portal?org=demo', headers: { 'accept-language': 'es-MX,es;q=0.9' } });
    expect(accept.body).toContain('<html lang="es">');
  });

  it('marks the cookies Secure when the public URL is https', async () => {
    const before = h.services.settings.publicUrl;
    h.services.settings.publicUrl = 'https://portal.example.org';
    try {
      const v = new Visitor();
      await v.get('/portal?org=demo');
      expect(v.lastSetCookies.join('\n')).toMatch(/ct_portal_csrf=[^;]+; Path=\/portal; HttpOnly; SameSite=Lax; Secure/);
    } finally {
      h.services.settings.publicUrl = before;
    }
  });
});

describe('signing in with a one-time code', () => {
  it('queues a code for the patient phone in the outbox, stored only as a hash', async () => {
    const before = await outboxCount();
    const v = new Visitor();
    const res = await requestCode(v, '(212) 555-0142');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/portal/verify?org=demo&lang=en');
    expect(await outboxCount()).toBe(before + 1);
    const { code, channel, payload } = await latestCodeFor(MARIA.phone);
    expect(channel).toBe('sms');
    expect(payload.text).toMatch(/^Your carethread code is \d{6}\./);
    const [stored] = await rows<{ code_hash: string; patient_id: string; attempts: number; expires_at: string; created_at: string }>(
      sql`select code_hash, patient_id, attempts, expires_at, created_at from portal_codes where address = ${portalCodeAddressIndex('phone', MARIA.phone)} order by created_at desc limit 1`,
    );
    expect(stored!.patient_id).toBe(mariaId);
    // Keyed (test/keyed-codes.test.ts): not the unkeyed digest a database reader could brute-force.
    expect(stored!.code_hash).toBe(portalCodeHash(h.organizationId, code));
    expect(stored!.code_hash).not.toBe(createHash('sha256').update(`${h.organizationId}:${code}`).digest('hex'));
    expect(stored!.code_hash).not.toContain(code);
    expect(Date.parse(stored!.expires_at) - Date.parse(stored!.created_at)).toBe(10 * MINUTE);
    const [event] = await rows<{ data: Record<string, unknown>; patient_id: string }>(
      sql`select data, patient_id from events where kind = 'portal_code_sent' order by id desc limit 1`,
    );
    expect(event!.patient_id).toBe(mariaId);
    expect(event!.data).toEqual({ channel: 'sms' });
    const page = await v.get('/portal/verify?org=demo&lang=en');
    expect(page.body).toContain('the phone number ending in 0142');
    expect(page.body).not.toContain(code);
  });

  it("writes the code in the patient's language, whatever the page's", async () => {
    const phone = '+12125550163';
    const res = await h.post('/api/v1/patients', { givenName: 'Lucía', familyName: 'Ferrer', birthDate: '1958-11-30', language: 'es', identifiers: [{ kind: 'phone', value: phone }] });
    expect(res.status).toBe(201);
    expect((await requestCode(new Visitor(), '(212) 555-0163')).statusCode).toBe(303);
    expect((await latestCodeFor(phone)).payload.text).toMatch(/^Su código de carethread es \d{6}\./);
  });

  it('answers an unregistered address exactly like a registered one, and sends nothing', async () => {
    const known = new Visitor();
    const unknown = new Visitor();
    const before = await outboxCount();
    const a = await requestCode(known, MARIA.email);
    const b = await requestCode(unknown, 'nobody.here@example.net');
    expect(await outboxCount()).toBe(before + 1);
    expect(b.statusCode).toBe(a.statusCode);
    expect(b.headers.location).toBe(a.headers.location);
    expect(Object.keys(b.headers).sort()).toEqual(Object.keys(a.headers).sort());
    const pa = await known.get('/portal/verify?org=demo&lang=en');
    const pb = await unknown.get('/portal/verify?org=demo&lang=en');
    const normalise = (html: string) => html.replace(/nonce="[^"]+"/g, '').replace(/name="csrf" value="[^"]+"/g, '').replace(/[a-z]•••@example\.(org|net)/g, 'X');
    expect(normalise(pb.body)).toBe(normalise(pa.body));
    // A wrong code for an unknown address reads the same as for a known one.
    const wa = await enterCode(known, '000000');
    const wb = await enterCode(unknown, '000000');
    expect(wb.statusCode).toBe(wa.statusCode);
    expect(normalise(wb.body)).toBe(normalise(wa.body));
  });

  it('refuses a code request that did not come from our form', async () => {
    const before = await outboxCount();
    const v = new Visitor();
    await v.get('/portal?org=demo');
    const res = await v.post('/portal/sign-in?org=demo', { csrf: 'forged-token-forged-token', address: MARIA.phone });
    expect(res.statusCode).toBe(403);
    const bare = await new Visitor().post('/portal/sign-in?org=demo', { address: MARIA.phone });
    expect(bare.statusCode).toBe(403);
    expect(await outboxCount()).toBe(before);
  });

  it('explains a malformed address or date of birth without sending anything', async () => {
    const v = new Visitor();
    const page = await v.get('/portal?org=demo');
    const res = await v.post('/portal/sign-in?org=demo&lang=en', { csrf: hidden(page.body, 'csrf'), address: 'call me maybe', birthDate: '14/03/1961' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).toContain('Enter a mobile phone number');
    expect(res.body).toContain('Enter the date of birth as year-month-day');
  });

  it('locks a code after five wrong tries', async () => {
    clock += 16 * MINUTE; // a fresh rate-limit window for this address
    const v = new Visitor();
    await requestCode(v, MARIA.phone);
    const { code } = await latestCodeFor(MARIA.phone);
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++) {
      const res = await enterCode(v, wrong);
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('That code is not valid or has expired');
    }
    const [row] = await rows<{ attempts: number; used_at: string | null }>(
      sql`select attempts, used_at from portal_codes where address = ${portalCodeAddressIndex('phone', MARIA.phone)} order by created_at desc limit 1`,
    );
    expect(row!.attempts).toBe(5);
    const right = await enterCode(v, code);
    expect(right.statusCode).toBe(422);
    expect(v.cookies.has('ct_portal')).toBe(false);
  });

  it('refuses a code after ten minutes', async () => {
    const v = new Visitor();
    await requestCode(v, MARIA.phone);
    const { code } = await latestCodeFor(MARIA.phone);
    clock += 10 * MINUTE + 1000;
    const res = await enterCode(v, code);
    expect(res.statusCode).toBe(422);
    expect(v.cookies.has('ct_portal')).toBe(false);
  });

  it('sends at most three codes per address in fifteen minutes, answering the same way', async () => {
    clock += 16 * MINUTE;
    const before = await outboxCount();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await requestCode(new Visitor(), OMAR.email);
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([303, 303, 303, 303]);
    expect(await outboxCount()).toBe(before + 3);
    const { channel, payload } = await latestCodeFor(OMAR.email);
    expect(channel).toBe('email');
    expect(payload.subject).toBeTruthy();
  });

  it('sends a code only to identifiers the organisation verified', async () => {
    const first = await h.post('/api/v1/channel-events', {
      channel: 'sms',
      idempotencyKey: `SM${++seq}`,
      from: { kind: 'phone', value: '+13055550118' },
      text: 'hello, who is this?',
    });
    expect(first.body.patientId).toBeTruthy();
    const before = await outboxCount();
    expect((await requestCode(new Visitor(), '+13055550118')).statusCode).toBe(303);
    expect(await outboxCount()).toBe(before);
  });

  it('picks the right person on a shared family phone by date of birth, and nobody without it', async () => {
    clock += 16 * MINUTE;
    const before = await outboxCount();
    await requestCode(new Visitor(), ANA.phone);
    expect(await outboxCount()).toBe(before);
    await requestCode(new Visitor(), ANA.phone, '2001-01-01');
    expect(await outboxCount()).toBe(before);
    const v = await signIn(LUIS.phone, LUIS.birthDate);
    const inbox = await v.get('/portal?org=demo&lang=en');
    expect(inbox.body).toContain('Signed in as Luis');
  });

  it('signs in with the right code: an HttpOnly session cookie, stored hashed', async () => {
    clock += 16 * MINUTE;
    const v = new Visitor();
    await requestCode(v, MARIA.phone);
    const { code } = await latestCodeFor(MARIA.phone);
    const res = await enterCode(v, ` ${code.slice(0, 3)} ${code.slice(3)} `);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/portal?org=demo&lang=en');
    const setCookie = v.lastSetCookies.find((c) => c.startsWith('ct_portal='))!;
    expect(setCookie).toMatch(/^ct_portal=[A-Za-z0-9_-]{40,}; Path=\/portal; HttpOnly; SameSite=Lax$/);
    const token = v.cookies.get('ct_portal')!;
    const [session] = await rows<{ token_hash: string; patient_id: string; expires_at: string; last_seen_at: string }>(
      sql`select token_hash, patient_id, expires_at, last_seen_at from portal_sessions where token_hash = ${createHash('sha256').update(token).digest('hex')}`,
    );
    expect(session!.patient_id).toBe(mariaId);
    expect(Date.parse(session!.expires_at) - Date.parse(session!.last_seen_at)).toBe(30 * MINUTE);
    const [event] = await rows<{ data: Record<string, unknown> }>(sql`select data from events where kind = 'portal_signed_in' and patient_id = ${mariaId}`);
    expect(event!.data.channel).toBe('sms');
    // The code is single use, and the verify step only exists in a browser that asked for a code.
    expect((await new Visitor().get('/portal/verify?org=demo')).statusCode).toBe(303);
    const other = new Visitor();
    await requestCode(other, MARIA.phone);
    const again = await enterCode(other, code);
    expect(again.statusCode).toBe(422);
  });
});

describe('signed in', () => {
  let v: Visitor;

  beforeAll(async () => {
    clock += 16 * MINUTE;
    v = await signIn(MARIA.email);
  });

  it("lists only the patient's own open cases, with messages from every channel", async () => {
    const res = await v.get('/portal?org=demo&lang=en');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Signed in as María');
    expect(res.body).toContain(`id="case-${caseA}"`);
    expect(res.body).toContain('I need a refill of my lisinopril please');
    expect(res.body).toContain('We are on it, Maria.');
    expect(res.body).toContain('<span class="channel">Text message</span>');
    expect(res.body).toContain('<span class="who">Care team</span>');
    expect(res.body).not.toContain(caseB);
    expect(res.body).not.toContain('Why is my bill so high');
    const es = await v.get('/portal?org=demo&lang=es');
    expect(es.body).toContain('<html lang="es">');
    expect(es.body).toContain('<span class="channel">Mensaje de texto</span>');
    expect(es.body).toContain('Receta');
  });

  it('joins a message to the case that began by SMS, verified, recording the switch', async () => {
    const page = await v.get('/portal?org=demo&lang=en');
    const form = formFor(page.body, caseA);
    const post = { csrf: form.csrf, clientId: form.clientId, caseId: caseA, text: 'Hi, is the refill ready? I can pick it up tomorrow.' };
    const res = await v.post('/portal/messages?org=demo&lang=en', post);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/portal?org=demo&lang=en&sent=${caseA}#sent`);
    const stored = await messagesWithBody(h.database, post.text);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ case_id: caseA, channel: 'portal' });
    const [interaction] = await rows<{ assurance: string; patient_id: string; joined_by: string; conversation_ref: string }>(
      sql`select assurance, patient_id, joined_by, conversation_ref from interactions where id = ${stored[0]!.interaction_id}`,
    );
    expect(interaction).toMatchObject({ assurance: 'verified', patient_id: mariaId, joined_by: 'reply_token' });
    expect(interaction!.conversation_ref).toMatch(/^portal:[0-9a-f-]{36}:/);
    const switches = await rows<{ data: Record<string, unknown> }>(sql`select data from events where case_id = ${caseA} and kind = 'channel_switch'`);
    expect(switches.map((s) => s.data)).toContainEqual(expect.objectContaining({ from: 'sms', to: 'portal', joinedBy: 'reply_token', automatic: true }));

    // The same form sent twice is one message.
    const again = await v.post('/portal/messages?org=demo&lang=en', post);
    expect(again.statusCode).toBe(303);
    expect(await messagesWithBody(h.database, post.text)).toHaveLength(1);

    const after = await v.get(`/portal?org=demo&lang=en&sent=${caseA}`);
    expect(after.body).toContain('Your message was sent.');
    expect(after.body).toContain('<span class="channel">Patient portal</span>');
  });

  it('refuses a post without the session CSRF token', async () => {
    const page = await v.get('/portal?org=demo&lang=en');
    const form = formFor(page.body, caseA);
    const res = await v.post('/portal/messages?org=demo&lang=en', { csrf: 'x'.repeat(43), clientId: form.clientId, caseId: caseA, text: 'forged message' });
    expect(res.statusCode).toBe(403);
    expect(await messagesWithBody(h.database, 'forged message')).toHaveLength(0);
  });

  it("cannot write on somebody else's case", async () => {
    const page = await v.get('/portal?org=demo&lang=en');
    const form = formFor(page.body, caseA);
    const res = await v.post('/portal/messages?org=demo&lang=en', { csrf: form.csrf, clientId: form.clientId, caseId: caseB, text: 'let me in' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('That request is no longer available.');
    expect(await messagesWithBody(h.database, 'let me in')).toHaveLength(0);
  });

  it('explains an empty message and keeps the page usable', async () => {
    const page = await v.get('/portal?org=demo&lang=en');
    const form = formFor(page.body, caseA);
    const res = await v.post('/portal/messages?org=demo&lang=en', { csrf: form.csrf, clientId: form.clientId, caseId: caseA, text: '   ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Write a message before sending.');
    expect(res.body).toContain(`href="#reply-${caseA}"`);
    const long = await v.post('/portal/messages?org=demo&lang=en', { csrf: form.csrf, clientId: form.clientId, caseId: caseA, text: 'a'.repeat(5001) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Messages are limited to 5000 characters.');
  });

  it('starts a new request that the pipeline threads', async () => {
    const page = await v.get('/portal?org=demo&lang=en');
    const form = formFor(page.body, null);
    const text = 'I have a question about a charge on my bill from October.';
    const res = await v.post('/portal/messages?org=demo&lang=en', { csrf: form.csrf, clientId: form.clientId, text });
    expect(res.statusCode).toBe(303);
    const [msg] = await messagesWithBody(h.database, text);
    expect(msg!.case_id).not.toBe(caseA);
    const [c] = await rows<{ request_type: string; patient_id: string }>(sql`select request_type, patient_id from cases where id = ${msg!.case_id}`);
    expect(c).toMatchObject({ request_type: 'billing', patient_id: mariaId });
    const inbox = await v.get('/portal?org=demo&lang=en');
    expect(inbox.body).toContain(`id="case-${msg!.case_id}"`);
  });

  it('ends the session after 30 idle minutes', async () => {
    const w = await signIn(MARIA.phone);
    expect((await w.get('/portal?org=demo')).body).toContain('Sign out');
    clock += 29 * MINUTE;
    expect((await w.get('/portal?org=demo')).body).toContain('Sign out');
    clock += 31 * MINUTE;
    const res = await w.get('/portal?org=demo');
    expect(res.body).not.toContain('Sign out');
    expect(res.body).toContain('<label for="address">');
    const page = await w.post('/portal/messages?org=demo&lang=en', { csrf: 'x', clientId: 'abcdefgh-1', text: 'late' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toContain('notice=expired');
  });

  it('signs out: the session ends and the cookie no longer works', async () => {
    clock += 16 * MINUTE;
    const w = await signIn(MARIA.phone);
    const token = w.cookies.get('ct_portal')!;
    const page = await w.get('/portal?org=demo&lang=en');
    const csrf = hidden(page.body, 'csrf');
    const res = await w.post('/portal/sign-out?org=demo&lang=en', { csrf });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/portal?org=demo&lang=en&notice=signed_out');
    expect(w.cookies.has('ct_portal')).toBe(false);
    const [session] = await rows<{ ended_at: string | null }>(
      sql`select ended_at from portal_sessions where token_hash = ${createHash('sha256').update(token).digest('hex')}`,
    );
    expect(session!.ended_at).toBeTruthy();
    const replay = await h.app.inject({ method: 'GET', url: '/portal?org=demo', headers: { cookie: `ct_portal=${token}` } });
    expect(replay.body).not.toContain('Sign out');
    expect(await rows(sql`select id from events where kind = 'portal_signed_out' and patient_id = ${mariaId}`)).toHaveLength(1);
  });

  it('keeps a session to its own organisation', async () => {
    const token = v.cookies.get('ct_portal')!;
    const { seedOrganization } = await import('../src/index.ts');
    await h.database.db.transaction((tx) => seedOrganization(tx, { slug: 'northside', name: 'Northside Clinic', patients: 0 }));
    const res = await h.app.inject({ method: 'GET', url: '/portal?org=northside', headers: { cookie: `ct_portal=${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Northside Clinic');
    expect(res.body).not.toContain('Sign out');
  });
});
