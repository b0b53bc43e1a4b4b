import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { launchChromium, screenshotPath } from './helpers/browser.ts';
import { queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { ensureFreshWebBuild, expectAccessible, openTokenSignIn, put, signIn, staffByName, staffToken } from './helpers/workspace.ts';

// The agent workspace in Chromium against a real server (PGlite, or PostgreSQL with
// DATABASE_URL): sign-in, live inbox, conversation and reply, the known-fact guard, verification,
// timeline, transfer, resolve and the keyboard-only path, checked with axe in English and Spanish.

let h: Harness;
let base: string;
let browser: Browser;
let staff: Record<string, string>;
let alexToken: string;
let seq = 0;
/** Maria's refill case, made in the main flow and opened again in Spanish. */
let mariaCase = '';

const MARIA = { givenName: 'Maria', familyName: 'Lopez', birthDate: '1961-03-14', phone: '+12125550143' };

async function sms(from: string, text: string): Promise<{ caseId: string; interactionId: string }> {
  const res = await h.post('/api/v1/channel-events', { idempotencyKey: `ws-${++seq}`, channel: 'sms', from: { kind: 'phone', value: from }, text });
  expect(res.status).toBe(201);
  return res.body;
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}

async function agentPage(token: string, locale: 'en-US' | 'es-ES' = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale, timezoneId: 'America/New_York' });
  const page = await context.newPage();
  await signIn(page, base, token);
  return { context, page };
}

beforeAll(async () => {
  await ensureFreshWebBuild();
  h = await createHarness({ patients: 5 });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  staff = await staffByName(h);
  alexToken = await staffToken(h, staff.Alex!);
  const reg = await h.post('/api/v1/patients', { givenName: MARIA.givenName, familyName: MARIA.familyName, birthDate: MARIA.birthDate, language: 'en', identifiers: [{ kind: 'phone', value: MARIA.phone }] });
  expect(reg.status).toBe(201);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('signing in', () => {
  it('refuses a bad token, and an administrator without a staff member lands on the supervisor view and can issue a token once', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${base}/app/`);
    await openTokenSignIn(page);
    await page.getByLabel('Staff sign-in token').fill('not-a-token');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    await expectAccessible(page, 'sign-in');

    await page.getByLabel('Staff sign-in token').fill(h.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Supervisor', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/');
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).textContent()).toBe('SupervisorStaff');

    await page.getByRole('link', { name: 'Staff' }).click();
    await page.getByRole('heading', { name: 'Staff', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Issue token Jordan Lee' }).click();
    const token = page.getByLabel('Token (shown once)');
    await token.waitFor();
    const minted = await token.inputValue();
    expect(minted.length).toBeGreaterThan(20);
    await expectAccessible(page, 'staff list');
    // The minted token signs Jordan in.
    const me = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${minted}` } });
    expect(((await me.json()) as { staffId: string }).staffId).toBe(staff.Jordan);
    await context.close();
  });

  it('an agent sees who they are, the inbox and the presence selector, in English and Spanish', async () => {
    for (const locale of ['en-US', 'es-ES'] as const) {
      const { context, page } = await agentPage(alexToken, locale);
      const es = locale === 'es-ES';
      await page.getByRole('heading', { name: es ? 'Bandeja' : 'Inbox', level: 1 }).waitFor();
      expect(await page.locator('.who').textContent()).toContain('Alex Rivera');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(es ? 'es' : 'en');
      await expectAccessible(page, `inbox ${locale}`);
      await context.close();
    }
  });
});

describe('the agent workspace', () => {
  let context: BrowserContext;
  let page: Page;
  let caseId: string;

  beforeAll(async () => {
    ({ context, page } = await agentPage(alexToken));
  });
  afterAll(async () => {
    await context?.close();
  });

  it('sets presence from the selector and shows a new offer live, announced, without reloading', async () => {
    await page.getByLabel('My status').selectOption('available');
    await expect.poll(async () => (await h.get(`/api/v1/agents/${staff.Alex}`)).body.presence).toBe('available');
    await page.getByText('No offers right now').waitFor();

    ({ caseId } = await sms(MARIA.phone, 'I need a refill of my lisinopril. My date of birth is 03/14/1961.'));
    mariaCase = caseId;
    const offers = page.getByRole('list', { name: 'Offers' });
    await offers.waitFor({ timeout: 10_000 });
    expect(await offers.textContent()).toContain('Maria Lopez');
    expect(await offers.textContent()).toContain('Prescription');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('New offer');
    await expectAccessible(page, 'inbox with offer');
    await page.screenshot({ path: screenshotPath('workspace-inbox-en.png') });
  });

  it('accepts the offer and opens the conversation beside the context card', async () => {
    await page.getByRole('button', { name: 'Accept Maria Lopez' }).click();
    await page.waitForURL(`**/app/cases/${caseId}`);
    const thread = page.getByRole('list', { name: 'Messages' });
    await expect.poll(() => thread.textContent()).toContain('I need a refill of my lisinopril');
    expect(await thread.locator('.badge.current').first().textContent()).toContain('SMS');
    const card = page.getByRole('complementary', { name: 'Context' });
    await expect.poll(() => card.textContent()).toContain('date of birth');
    expect(await card.textContent()).toContain('1961-03-14');
    expect(await card.textContent()).toContain('lisinopril');
    expect(await page.getByRole('list', { name: 'My cases' }).textContent()).toContain('Maria Lopez');
  });

  it('replies on the current channel, and writes internal notes that look different', async () => {
    await page.getByLabel('Reply to the patient').fill('Thanks Maria, I am looking at your refill now.');
    await page.getByRole('button', { name: 'Send by SMS' }).click();
    const thread = page.getByRole('list', { name: 'Messages' });
    await expect.poll(() => thread.textContent()).toContain('I am looking at your refill now');
    const [sent] = await rows<{ channel: string; staff_id: string }>(
      sql`select channel, staff_id from messages where case_id = ${caseId} and direction = 'outbound' and actor = 'agent' order by occurred_at desc limit 1`,
    );
    expect(sent).toMatchObject({ channel: 'sms', staff_id: staff.Alex });

    await page.getByLabel('Internal note (not sent to the patient)').check();
    await page.getByLabel('Internal note', { exact: true }).fill('Pharmacy confirmed stock.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => thread.locator('.item.note').textContent()).toContain('Pharmacy confirmed stock.');
    await page.getByLabel('Internal note (not sent to the patient)').uncheck();
    await expectAccessible(page, 'conversation');
    await page.screenshot({ path: screenshotPath('workspace-conversation-en.png') });
  });

  it('shows a known fact while the agent types a question about it, and sends only on a deliberate second step', async () => {
    const repeatAsks = async () =>
      (await rows<{ n: number }>(sql`select count(*)::int as n from events where case_id = ${caseId} and kind = 'repeat_ask'`))[0]!.n;
    const before = await repeatAsks();
    const box = page.getByLabel('Reply to the patient');
    await box.fill('Could you confirm your date of birth?');
    const inline = page.getByRole('list', { name: 'Already known' });
    await expect.poll(() => inline.textContent(), { timeout: 10_000 }).toContain('Already known: date of birth 1961-03-14');
    expect(await inline.textContent()).toMatch(/from SMS, /);
    await page.screenshot({ path: screenshotPath('workspace-known-fact-en.png') });

    await page.getByRole('button', { name: 'Send by SMS' }).click();
    const conflict = page.getByRole('alert').filter({ hasText: 'already told us' });
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('1961-03-14');
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('conflict'))).toBe(true);
    expect(await repeatAsks()).toBe(before);
    await expectAccessible(page, 'known-fact warning');

    await page.getByRole('button', { name: 'Send anyway (counts as a repeat ask)' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Messages' }).textContent()).toContain('Could you confirm your date of birth?');
    await expect.poll(repeatAsks).toBe(before + 1);

    // "Use it instead" turns the question into a statement of what is known.
    await box.fill('What is your date of birth?');
    await page.getByRole('button', { name: 'Use it instead date of birth' }).click();
    expect(await box.inputValue()).toBe('I have your date of birth as 1961-03-14.');
    await box.fill('');
  });

  it('verifies the patient by name and date of birth in one dialog', async () => {
    const card = page.getByRole('complementary', { name: 'Context' });
    await card.getByRole('button', { name: 'Verify' }).click();
    const dialog = page.getByRole('dialog', { name: 'Verify identity' });
    await dialog.waitFor();
    await dialog.getByLabel('First name').fill('Maria');
    await dialog.getByLabel('Last name').fill('Lopez');
    await dialog.getByLabel('Date of birth', { exact: true }).fill('1961-03-14');
    await expectAccessible(page, 'verify dialog');
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => card.locator('.assurance').textContent()).toContain('Verified');
  });

  it('shows the patient timeline, newest first, with filters', async () => {
    await sms(MARIA.phone, 'Also, I have a question about my bill from March.');
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const list = page.getByRole('list', { name: 'Timeline' });
    await list.waitFor();
    await expect.poll(() => list.locator('li').count()).toBeGreaterThan(1);
    const times = await list.locator('time').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime')!)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    await page.screenshot({ path: screenshotPath('workspace-timeline-en.png') });
    await page.getByLabel('Kind').selectOption('case');
    await expect.poll(async () => (await list.locator('.badge.kind').allTextContents()).every((k) => k === 'Case')).toBe(true);
    await expectAccessible(page, 'timeline');
    await page.getByLabel('Kind').selectOption('');
    await page.getByRole('tab', { name: 'Conversation' }).click();
  });

  it('transfers the case to a colleague with a handover note', async () => {
    await put(h, `/api/v1/agents/${staff.Jordan}/presence`, { presence: 'available' });
    await page.getByRole('button', { name: 'Transfer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer case' });
    await dialog.getByLabel('Agent', { exact: true }).selectOption(staff.Jordan!);
    await dialog.getByLabel('Handover note').fill('Refill approved; please confirm the pharmacy with her.');
    await expectAccessible(page, 'transfer dialog');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await page.waitForURL('**/app/');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Case transferred.');
    const jordan = await h.get(`/api/v1/agents/${staff.Jordan}/inbox`);
    const line = [...jordan.body.assigned, ...jordan.body.offers.map((o: { case: unknown }) => o.case)].find((c: { caseId: string }) => c.caseId === caseId);
    expect(line.handover.body).toBe('Refill approved; please confirm the pharmacy with her.');
  });

  it('resolves a case with a request type and disposition', async () => {
    const other = await sms('+12125550144', 'I need to reschedule my appointment with Dr. Patel');
    expect((await h.post(`/api/v1/cases/${other.caseId}/assign`, { staffId: staff.Alex })).status).toBe(200);
    await page.goto(`${base}/app/cases/${other.caseId}`);
    await page.getByRole('button', { name: 'Resolve' }).click();
    const dialog = page.getByRole('dialog', { name: 'Resolve case' });
    await dialog.getByLabel('Request type').selectOption('scheduling');
    await dialog.getByLabel('Outcome').selectOption('resolved_first_contact');
    await dialog.getByLabel('Resolution (optional)').fill('Moved to next Tuesday.');
    await expectAccessible(page, 'resolve dialog');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await dialog.waitFor({ state: 'detached' });
    const [row] = await rows<{ status: string; request_type: string }>(sql`select status, request_type from cases where id = ${other.caseId}`);
    expect(row).toMatchObject({ status: 'resolved', request_type: 'scheduling' });
    // The chosen outcome is kept, not dropped.
    const [kept] = await rows<{ disposition: string }>(sql`select disposition from case_dispositions where case_id = ${other.caseId}`);
    expect(kept).toMatchObject({ disposition: 'resolved_first_contact' });
    await expect.poll(() => page.locator('.case-head').textContent()).toContain('Resolved');
  });
});

describe('keyboard only', () => {
  it('signs in, accepts an offer, replies and transfers without a mouse', async () => {
    const token = await staffToken(h, staff.Alex!);
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${base}/app/`);
    // The access-token path is a button away from the staff sign-in form; the token field then has focus.
    await page.getByRole('button', { name: 'Sign in with an access token' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#token:focus').waitFor();
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    // Only Alex takes new work now, so the offer is his.
    await put(h, `/api/v1/agents/${staff.Jordan}/presence`, { presence: 'away' });
    await put(h, `/api/v1/agents/${staff.Alex}/presence`, { presence: 'available' });
    const { caseId } = await sms('+12125550145', 'Hello, I need my lab results from last week');
    await page.getByRole('button', { name: /^Accept/ }).first().waitFor({ timeout: 10_000 });

    const focusName = () => page.evaluate(() => (document.activeElement?.textContent ?? '').trim() || document.activeElement?.getAttribute('aria-label') || document.activeElement?.id || '');
    const tabTo = async (match: RegExp, limit = 60) => {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        if (match.test(await focusName())) return;
      }
      throw new Error(`never reached ${match}`);
    };
    // The skip link comes first and jumps to the main region.
    await page.keyboard.press('Tab');
    expect(await focusName()).toBe('Skip to main content');
    await tabTo(/^Accept/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/app/cases/${caseId}`);
    await page.getByRole('list', { name: 'Messages' }).waitFor();
    // Focus moved to the main region; the composer is reachable by Tab.
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.tagName === 'TEXTAREA')) break;
    }
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.type('I will send the results by email today.');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByRole('list', { name: 'Messages' }).textContent()).toContain('results by email today');

    // Tabs move with the arrow keys.
    await page.getByRole('tab', { name: 'Conversation' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Timeline' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');

    // The transfer dialog opens, traps focus, closes with Escape and gives focus back.
    await page.getByRole('button', { name: 'Transfer' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Transfer case' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Transfer case' }).waitFor({ state: 'detached' });
    expect(await focusName()).toBe('Transfer');
    await context.close();
  });
});

describe('in Spanish', () => {
  it('every screen is translated and accessible', async () => {
    const jordanToken = await staffToken(h, staff.Jordan!);
    const { context, page } = await agentPage(jordanToken, 'es-ES');
    await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await expectAccessible(page, 'inbox es');
    await page.screenshot({ path: screenshotPath('workspace-inbox-es.png') });
    const target = mariaCase;
    expect(target).toBeTruthy();
    await page.goto(`${base}/app/cases/${target}`);
    await page.getByRole('complementary', { name: 'Contexto' }).waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Mensajes' }).textContent()).toContain('lisinopril');
    await expectAccessible(page, 'conversation es');
    await page.screenshot({ path: screenshotPath('workspace-conversation-es.png') });

    await page.getByLabel('Respuesta al paciente').fill('¿Me confirma su fecha de nacimiento?');
    await expect.poll(() => page.getByRole('list', { name: 'Ya conocido' }).textContent(), { timeout: 10_000 }).toContain('fecha de nacimiento 1961-03-14');
    await expectAccessible(page, 'known fact es');
    await page.screenshot({ path: screenshotPath('workspace-known-fact-es.png') });
    await page.getByLabel('Respuesta al paciente').fill('');

    await page.getByRole('tab', { name: 'Historial' }).click();
    await page.getByRole('list', { name: 'Historial' }).waitFor();
    await expectAccessible(page, 'timeline es');
    await page.screenshot({ path: screenshotPath('workspace-timeline-es.png') });

    await page.getByRole('button', { name: 'Transferir' }).click();
    await page.getByRole('dialog', { name: 'Transferir caso' }).waitFor();
    await expectAccessible(page, 'transfer es');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Resolver' }).click();
    await page.getByRole('dialog', { name: 'Resolver caso' }).waitFor();
    await expectAccessible(page, 'resolve es');
    await page.keyboard.press('Escape');
    await context.close();
  });
});
