import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { type Browser } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { ensureAdminToken, seedOrganization } from '../src/index.ts';
import { launchChromium, screenshotPath } from './helpers/browser.ts';
import { messagesWithBody, queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

let h: Harness;
let seq = 0;

const MARIA = { givenName: 'María', familyName: 'López', birthDate: '1961-03-14', phone: '+12125550142', email: 'maria.lopez@example.org', mrn: 'mrn 0042001' };
const MARIANA = { givenName: 'Mariana', familyName: 'Lopez-Ortiz', birthDate: '1985-07-09', phone: '+12125550143' };
const OMAR = { givenName: 'Omar', familyName: 'Haddad', birthDate: '1975-06-02', phone: '+16465550177' };
const NEWCOMER = { givenName: 'Iris', familyName: 'Novak', birthDate: '1999-12-31', phone: '+13125550119' };

let mariaId: string;
let omarId: string;
let newcomerId: string;
let smsCase: string;
let omarCase: string;

async function rows<T = any>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}

async function register(p: { givenName: string; familyName: string; birthDate: string; phone?: string; email?: string; mrn?: string }) {
  const identifiers = [
    ...(p.phone ? [{ kind: 'phone', value: p.phone }] : []),
    ...(p.email ? [{ kind: 'email', value: p.email }] : []),
    ...(p.mrn ? [{ kind: 'mrn', value: p.mrn }] : []),
  ];
  const res = await h.post('/api/v1/patients', { givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, identifiers });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function sms(from: string, text: string) {
  const res = await h.post('/api/v1/channel-events', { channel: 'sms', idempotencyKey: `SM${++seq}`, from: { kind: 'phone', value: from }, text });
  expect(res.status).toBe(201);
  return res.body;
}

const search = (q: string, extra = '') => h.get(`/api/v1/front-desk/patients?q=${encodeURIComponent(q)}${extra}`);
const messageCount = async () => (await rows<{ n: number }>(sql`select count(*)::int as n from messages`))[0]!.n;

beforeAll(async () => {
  h = await createHarness({ patients: 30 });
  mariaId = await register(MARIA);
  await register(MARIANA);
  omarId = await register(OMAR);
  newcomerId = await register(NEWCOMER);
  for (let i = 0; i < 22; i++) await register({ givenName: `Zed${String.fromCharCode(97 + i)}`, familyName: 'Quintana', birthDate: '1970-01-01' });
  smsCase = (await sms(MARIA.phone, 'I need a refill of my lisinopril please')).caseId;
  omarCase = (await sms(OMAR.phone, 'Can I get a copy of my medical records sent to my new doctor?')).caseId;
});
afterAll(async () => {
  await h?.close();
});

describe('front desk: finding the patient', () => {
  it('finds by name without regard to accents or case, by word prefixes', async () => {
    const res = await search('MARÍA lóp');
    expect(res.status).toBe(200);
    const names = res.body.patients.map((p: any) => `${p.givenName} ${p.familyName}`);
    expect(names).toContain('María López');
    expect(names).toContain('Mariana Lopez-Ortiz');
    const maria = res.body.patients.find((p: any) => p.id === mariaId);
    expect(maria).toMatchObject({ matchedBy: 'name', birthDate: '1961-03-14', mrn: 'MRN0042001', openCases: 1 });
    expect((await search('maria lopez')).body.patients.map((p: any) => p.id)).toContain(mariaId);
    expect((await search('ortiz')).body.patients.map((p: any) => p.givenName)).toEqual(['Mariana']);
  });

  it('narrows by date of birth, given apart or in the query', async () => {
    const apart = await search('mari lop', '&birthDate=1961-03-14');
    expect(apart.body.patients.map((p: any) => p.id)).toEqual([mariaId]);
    const inline = await search('lopez 1985-07-09');
    expect(inline.body.patients.map((p: any) => p.givenName)).toEqual(['Mariana']);
  });

  it('finds by phone, email or MRN however they are written', async () => {
    const phone = await search('(212) 555-0142');
    expect(phone.body.patients).toEqual([expect.objectContaining({ id: mariaId, matchedBy: 'phone' })]);
    const email = await search('  Maria.Lopez@EXAMPLE.org ');
    expect(email.body.patients).toEqual([expect.objectContaining({ id: mariaId, matchedBy: 'email' })]);
    const mrn = await search('mrn0042001');
    expect(mrn.body.patients).toEqual([expect.objectContaining({ id: mariaId, matchedBy: 'mrn' })]);
    expect((await search('nobody@example.net')).body.patients).toEqual([]);
  });

  it('returns at most 20 patients', async () => {
    const res = await search('quintana');
    expect(res.status).toBe(200);
    expect(res.body.patients).toHaveLength(20);
  });

  it('refuses a missing or malformed query with 400, and no token with 401', async () => {
    expect((await h.get('/api/v1/front-desk/patients')).status).toBe(400);
    expect((await search('a')).status).toBe(400);
    expect((await search('%%')).status).toBe(400);
    const badDob = await search('lopez', '&birthDate=14/03/1961');
    expect(badDob.status).toBe(400);
    expect(badDob.body.message).toContain('birthDate');
    const anonymous = await h.app.inject({ method: 'GET', url: '/api/v1/front-desk/patients?q=lopez' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('front desk: the patient', () => {
  it('shows identifiers, known facts and open cases with their facts', async () => {
    const res = await h.get(`/api/v1/front-desk/patients/${mariaId}`);
    expect(res.status).toBe(200);
    expect(res.body.patient).toMatchObject({ id: mariaId, givenName: 'María', birthDate: '1961-03-14' });
    expect(res.body.patient.identifiers).toContainEqual({ kind: 'mrn', value: 'MRN0042001', verified: true });
    expect(res.body.facts).toContainEqual(expect.objectContaining({ name: 'birthDate', value: '1961-03-14', source: 'record', verified: true }));
    expect(res.body.openCases).toHaveLength(1);
    expect(res.body.openCases[0]).toMatchObject({ id: smsCase, requestType: 'prescription', channels: ['sms'] });
    expect(res.body.openCases[0].facts).toContainEqual(expect.objectContaining({ name: 'medication', value: 'lisinopril', sourceChannel: 'sms' }));
  });

  it('answers 404 for an unknown patient and 400 for a malformed id', async () => {
    expect((await h.get(`/api/v1/front-desk/patients/${randomUUID()}`)).status).toBe(404);
    expect((await h.get('/api/v1/front-desk/patients/not-a-uuid')).status).toBe(400);
  });
});

describe('front desk: checking in', () => {
  it('lands the visit on the chosen case as an in-person interaction and records the switch', async () => {
    const before = await messageCount();
    const clientId = randomUUID();
    const res = await h.post('/api/v1/front-desk/check-ins', { patientId: mariaId, caseId: smsCase, note: 'Here to pick up the refill.', clientId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      caseId: smsCase,
      patientId: mariaId,
      assurance: 'verified',
      joinedBy: 'reply_token',
      newCase: false,
      duplicate: false,
      checkInId: clientId,
      channelSwitch: { from: 'sms', to: 'in_person' },
    });
    expect(await messageCount()).toBe(before + 1);
    const [interaction] = await rows<{ channel: string; case_id: string; conversation_ref: string }>(
      sql`select channel, case_id, conversation_ref from interactions where id = ${res.body.interactionId}`,
    );
    expect(interaction).toEqual({ channel: 'in_person', case_id: smsCase, conversation_ref: `desk:${clientId}` });
    const [msg] = await rows<{ body: string; actor: string; channel: string }>(sql`select body, actor, channel from messages where interaction_id = ${res.body.interactionId}`);
    expect(msg).toEqual({ body: 'Here to pick up the refill.', actor: 'agent', channel: 'in_person' });
    const [event] = await rows<{ data: Record<string, unknown>; case_id: string }>(
      sql`select data, case_id from events where kind = 'front_desk_check_in' and interaction_id = ${res.body.interactionId}`,
    );
    expect(event!.case_id).toBe(smsCase);
    expect(event!.data).toMatchObject({ checkInId: clientId, chosenCase: true, withNote: true, joinedBy: 'reply_token' });
    expect(JSON.stringify(event!.data)).not.toContain('refill');
    const switches = await rows<{ data: Record<string, unknown> }>(sql`select data from events where case_id = ${smsCase} and kind = 'channel_switch'`);
    expect(switches.map((s) => s.data)).toContainEqual(expect.objectContaining({ from: 'sms', to: 'in_person', automatic: true }));

    // The same check-in sent twice is one visit.
    const again = await h.post('/api/v1/front-desk/check-ins', { patientId: mariaId, caseId: smsCase, note: 'Here to pick up the refill.', clientId });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, caseId: smsCase, interactionId: res.body.interactionId, channelSwitch: { from: 'sms', to: 'in_person' } });
    expect(await messageCount()).toBe(before + 1);
  });

  it('threads normally without a case: the only open case', async () => {
    const res = await h.post('/api/v1/front-desk/check-ins', { patientId: omarId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ caseId: omarCase, joinedBy: 'open_case', assurance: 'verified', channelSwitch: { from: 'sms', to: 'in_person' } });
    const [msg] = await rows<{ body: string }>(sql`select body from messages where interaction_id = ${res.body.interactionId}`);
    expect(msg!.body).toBe('Checked in at the front desk');
  });

  it('opens a new case for a patient with none open', async () => {
    const res = await h.post('/api/v1/front-desk/check-ins', { patientId: newcomerId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ patientId: newcomerId, newCase: true, joinedBy: 'new_case', channelSwitch: null });
  });

  it('with a request type, joins that kind of open case or opens one of that type', async () => {
    const res = await h.post('/api/v1/front-desk/check-ins', { patientId: mariaId, requestType: 'scheduling' });
    expect(res.status).toBe(201);
    expect(res.body.caseId).not.toBe(smsCase);
    expect(res.body).toMatchObject({ newCase: true, requestType: 'scheduling', assurance: 'verified' });
    const [c] = await rows<{ request_type: string; patient_id: string; queue_state: string }>(
      sql`select request_type, patient_id, queue_state from cases where id = ${res.body.caseId}`,
    );
    expect(c).toEqual({ request_type: 'scheduling', patient_id: mariaId, queue_state: 'queued' });
    const kinds = await rows<{ kind: string }>(sql`select kind from events where case_id = ${res.body.caseId} order by id`);
    expect(kinds.map((k) => k.kind).slice(0, 2)).toEqual(['case_opened', 'case_joined']);
    const refill = await h.post('/api/v1/front-desk/check-ins', { patientId: mariaId, requestType: 'prescription' });
    expect(refill.body).toMatchObject({ caseId: smsCase, newCase: false });
  });

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    const before = await messageCount();
    const unknown = await h.post('/api/v1/front-desk/check-ins', { patientId: randomUUID() });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('unknown_patient');
    const foreignCase = await h.post('/api/v1/front-desk/check-ins', { patientId: mariaId, caseId: omarCase });
    expect(foreignCase.status).toBe(404);
    expect(foreignCase.body.error).toBe('unknown_case');
    for (const body of [
      {},
      { patientId: 'nope' },
      { patientId: mariaId, requestType: 'haircut' },
      { patientId: mariaId, surprise: true },
      { patientId: mariaId, note: 'x'.repeat(2001) },
    ]) {
      const res = await h.post('/api/v1/front-desk/check-ins', body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.message).toBeTruthy();
    }
    expect(await messageCount()).toBe(before);
  });

  it("never reaches another organisation's patients", async () => {
    const other = await h.database.db.transaction((tx) => seedOrganization(tx, { slug: 'elsewhere', patients: 0 }));
    const { token } = await ensureAdminToken(h.database.db, other.organizationId);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const detail = await h.app.inject({ method: 'GET', url: `/api/v1/front-desk/patients/${mariaId}`, headers });
    expect(detail.statusCode).toBe(404);
    const found = await h.app.inject({ method: 'GET', url: '/api/v1/front-desk/patients?q=lopez', headers });
    expect(JSON.parse(found.body).patients).toEqual([]);
    const checkIn = await h.app.inject({ method: 'POST', url: '/api/v1/front-desk/check-ins', headers, payload: { patientId: mariaId } });
    expect(checkIn.statusCode).toBe(404);
  });
});

describe('front desk: the check-in screen in Chromium', () => {
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    base = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('finds a patient, shows what is known and checks them in on the chosen case, by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 1400 }, locale: 'en-US' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') violations.push(m.text());
    });
    await page.goto(`${base}/front-desk`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    // Focus starts in the token field; everything below is typed, tabbed and entered.
    await page.keyboard.type(h.token);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#token-state')).toBe('Token saved for this tab.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    await page.keyboard.type('maría lópez');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#search-status')).toMatch(/patients? found/);
    // Focus moves to the first result; Enter selects it.
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(focused).toContain('María López');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('patient-title');
    expect(await page.textContent('#patient-title')).toBe('María López');
    const facts = await page.textContent('#facts');
    expect(facts).toContain('lisinopril');
    expect(facts).toContain('1961-03-14');
    // The newest open case is preselected; pick the prescription case explicitly.
    await page.getByLabel(/^Prescription/).check();
    await page.fill('#note', 'Picking up the refill at the pharmacy window.');
    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await page.focus('#checkin-button');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#checkin-result')).toContain('Checked in.');
    expect(await page.textContent('#checkin-result')).toContain('Prescription');
      await page.screenshot({ path: screenshotPath('front-desk-en.png'), fullPage: true });
    const [msg] = await messagesWithBody(h.database, 'Picking up the refill at the pharmacy window.');
    expect({ case_id: msg?.case_id, channel: msg?.channel }).toEqual({ case_id: smsCase, channel: 'in_person' });
    // The token lives in this tab only.
    expect(await page.evaluate(() => sessionStorage.getItem('carethread.staffToken'))).toBe(h.token);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('speaks Spanish and passes axe there too', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/front-desk?lang=es`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.textContent('h1')).toBe('Registro en recepción');
    await page.fill('#token', 'ct_not_a_real_token');
    await page.click('text=Guardar token');
    await page.fill('#q', 'lopez');
    await page.click('#search-form button[type=submit]');
    await expect.poll(() => page.textContent('#error')).toContain('El token no fue aceptado');
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await context.close();
  });
});
