import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { eq, sql } from 'drizzle-orm';
import { schema } from '../src/index.ts';
import { launchChromium, screenshotPath, widgetFocus } from './helpers/browser.ts';
import { createHarness, type Harness } from './helpers/harness.ts';


let h: Harness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 820 }, locale: 'en-US', timezoneId: 'America/New_York' });
  const page = await context.newPage();
  return { context, page };
}

/** Tabs through the page until the widget's launcher has focus, as a keyboard user would. */
async function tabToLauncher(page: Page): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if ((await widgetFocus(page)) === 'launcher') return;
  }
  throw new Error('the launcher never received focus from the keyboard');
}

async function caseOfLatestSession(): Promise<{ sessionId: string; caseId: string | null }> {
  const r = await h.database.db.execute(
    sql`select s.id as session_id, i.case_id from chat_sessions s join interactions i on i.id = s.interaction_id order by s.created_at desc limit 1`,
  );
  const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ session_id: string; case_id: string | null }>;
  return { sessionId: rows[0]!.session_id, caseId: rows[0]!.case_id };
}

describe('the widget bundle', () => {
  it('is served as JavaScript and is at most 40 KB gzipped', async () => {
    const res = await fetch(`${base}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const code = Buffer.from(await res.arrayBuffer());
    expect(code.length).toBeGreaterThan(1000);
    expect(gzipSync(code, { level: 9 }).length).toBeLessThanOrEqual(40 * 1024);
    const again = await fetch(`${base}/widget.js`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('the demo page embeds the one-line snippet', async () => {
    const res = await fetch(`${base}/demo/chat`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<script src="/widget.js" data-org="demo" data-lang="en" async></script>');
    expect(html).toContain('<html lang="en">');
    expect(await (await fetch(`${base}/demo/chat?lang=es`)).text()).toContain('<html lang="es">');
  });
});

describe('the widget in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let caseId: string;
  let sessionId: string;

  beforeAll(async () => {
    ({ context, page } = await newPage());
  });
  afterAll(async () => {
    await context?.close();
  });

  it('opens with the keyboard only, sends a message and shows it acknowledged', async () => {
    await page.goto(`${base}/demo/chat`);
    await page.waitForSelector('[data-carethread-widget]', { state: 'attached' });
    await tabToLauncher(page);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Chat with us' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await widgetFocus(page)).toBe('ct-input');

    // Shift+Enter is a new line, Enter sends.
    await page.keyboard.type('I need a refill of my lisinopril.');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('It is for my blood pressure.');
    expect(await page.getByLabel('Your message').inputValue()).toBe('I need a refill of my lisinopril.\nIt is for my blood pressure.');
    await page.keyboard.press('Enter');
    expect(await page.getByLabel('Your message').inputValue()).toBe('');

    const mine = page.locator('.msg.mine').first();
    await expect.poll(() => mine.textContent()).toContain('Sent');
    expect(await mine.textContent()).toContain('I need a refill of my lisinopril.\nIt is for my blood pressure.');
    ({ sessionId, caseId } = (await caseOfLatestSession()) as { sessionId: string; caseId: string });
    expect(caseId).toBeTruthy();
  });

  it('keeps focus inside the open dialog and returns it to the launcher on Escape', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const focus = await widgetFocus(page);
      expect(focus).not.toBeNull();
      expect(focus).not.toBe('launcher');
      seen.add(focus!);
    }
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await widgetFocus(page)).not.toBeNull();
    }
    expect(seen).toContain('ct-input');
    expect(seen).toContain('close');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(false);
    expect(await widgetFocus(page)).toBe('launcher');
  });

  it('restores the history after a reload, on the same session and case', async () => {
    await page.reload();
    await page.waitForSelector('[data-carethread-widget]', { state: 'attached' });
    await tabToLauncher(page);
    await page.keyboard.press('Enter');
    const mine = page.locator('.msg.mine');
    await expect.poll(() => mine.count()).toBe(1);
    expect(await mine.first().textContent()).toContain('I need a refill of my lisinopril.');
    await page.keyboard.type('My pharmacy is on Main Street.');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.msg.mine').nth(1).textContent()).toContain('Sent');
    const latest = await caseOfLatestSession();
    expect(latest.sessionId).toBe(sessionId);
    expect(latest.caseId).toBe(caseId);
    const sessions = await h.database.db.select().from(schema.chatSessions);
    expect(sessions).toHaveLength(1);
  });

  it('reconnects after the network drops, resumes the session and delivers what was typed meanwhile', async () => {
    for (const socket of h.app.websocketServer.clients) socket.terminate();
    await page.keyboard.type('Are you still there?');
    await page.keyboard.press('Enter');
    const line = page.locator('.msg.mine').nth(2);
    await expect.poll(() => line.textContent(), { timeout: 15_000 }).toContain('Sent');
    expect(await page.locator('.msg.mine').count()).toBe(3);
    const latest = await caseOfLatestSession();
    expect(latest.sessionId).toBe(sessionId);
    expect(latest.caseId).toBe(caseId);
    // Bodies are sealed: compare after Drizzle opens them.
    const stored = (await h.database.db.select().from(schema.messages).where(eq(schema.messages.organizationId, h.organizationId))).filter((m) => m.body === 'Are you still there?');
    expect(stored).toHaveLength(1);
  });

  it('shows a staff reply, marks it read, and shows the typing indicator first', async () => {
    const { setAgentTyping } = await import('../src/channels/webchat/index.ts');
    setAgentTyping(h.organizationId, caseId, true);
    await expect.poll(() => page.getByText('Clinic is typing…').isVisible()).toBe(true);
    const res = await fetch(`${base}/api/v1/cases/${caseId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Hello, this is Alex from the pharmacy. I can help with your refill.' }),
    });
    expect(res.status).toBe(201);
    const { messageId } = (await res.json()) as { messageId: string };
    const reply = page.locator('.msg:not(.mine):not(.system)').last();
    await expect.poll(() => reply.textContent()).toContain('Alex from the pharmacy');
    expect(await reply.textContent()).toContain('Clinic');
    expect(await page.getByText('Clinic is typing…').count()).toBe(0);
      await page.screenshot({ path: screenshotPath('widget-en.png') });
    await expect
      .poll(async () => (await h.database.db.select({ readAt: schema.messages.readAt }).from(schema.messages).where(eq(schema.messages.id, messageId)))[0]!.readAt)
      .not.toBeNull();
  });

  it('continue by phone shows an 8-digit code and the number to call', async () => {
    await page.getByRole('button', { name: 'Continue by phone' }).focus();
    await page.keyboard.press('Enter');
    const code = page.locator('.code span[aria-hidden="true"]');
    await expect.poll(() => code.textContent()).toMatch(/^\d{8}$/);
    const digits = (await code.textContent())!;
    expect(await page.locator('.call').textContent()).toContain('+1 555-010-0100');
    // Screen readers get the digits one by one.
    expect(await page.locator('.code .sr').textContent()).toBe(`Your code: ${digits.split('').join(' ')}`);
    await page.screenshot({ path: screenshotPath('widget-en-phone.png') });

    const call = await fetch(`${base}/api/v1/channel-events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'voice', kind: 'dtmf', idempotencyKey: 'CA-widget-1', conversationRef: 'CA-widget-1', from: { kind: 'phone', value: '+12125550163' }, dtmf: digits }),
    });
    expect(((await call.json()) as { caseId: string }).caseId).toBe(caseId);
  });

  it('has no serious or critical accessibility violations with the widget open', async () => {
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});

describe('the widget in Spanish', () => {
  it('follows the page language and can switch back to English', async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/demo/chat?lang=es`);
    const launcher = page.getByRole('button', { name: 'Chatee con nosotros' });
    await launcher.waitFor();
    await launcher.click();
    const dialog = page.getByRole('dialog', { name: 'Chatee con nosotros' });
    await dialog.waitFor();
    expect(await widgetFocus(page)).toBe('ct-input');
    expect(await page.getByText('Su mensaje', { exact: true }).isVisible()).toBe(true);
    await page.keyboard.type('Necesito una cita con mi médico la próxima semana.');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.msg.mine').first().textContent()).toContain('Enviado');
    expect(await page.getByRole('button', { name: 'Continuar por teléfono' }).isVisible()).toBe(true);

    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await page.screenshot({ path: screenshotPath('widget-es.png') });

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('dialog', { name: 'Chat with us' }).waitFor();
    expect(await page.locator('.msg.mine').first().textContent()).toContain('Sent');
    await context.close();
  });
});

describe('nobody answers', () => {
  it('offers to continue by text message and asks for the number', async () => {
    await h.database.db.update(schema.organizations).set({ settings: { webchatAgentWaitSeconds: 1 } }).where(eq(schema.organizations.id, h.organizationId));
    const { context, page } = await newPage();
    await page.goto(`${base}/demo/chat`);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Your message').fill('Hello, I have a question about a bill I received.');
    await page.keyboard.press('Enter');
    const offer = page.getByRole('button', { name: 'Continue by text message' });
    await offer.waitFor();
    expect(await page.getByRole('button', { name: 'Continue by email' }).isVisible()).toBe(true);
    await offer.focus();
    await page.keyboard.press('Enter');
    const number = page.getByLabel('Your mobile number');
    await number.waitFor();
    expect(await widgetFocus(page)).toBe('ct-address');
    await page.keyboard.type('+1 212 555 0142');
    await page.keyboard.press('Enter');
    // The number is said in the chat, where the fact extractor records it.
    await expect.poll(() => page.locator('.msg.mine').last().textContent()).toContain('My mobile number is +1 212 555 0142');
    await expect.poll(() => page.locator('.msg.mine').last().textContent()).toContain('Sent');
    await context.close();
  });
});
