import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, screenshotPath } from './helpers/browser.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// A newcomer on the demo has no phone that receives texts: the demo's "patients' phone and
// inbox" page shows what carethread would have sent, so they can read a portal code and sign in.
let h: Harness;
let browser: Browser;
let base: string;
const PHONE = '+12125550177';

beforeAll(async () => {
  h = await createHarness({ patients: 5 });
  await h.post('/api/v1/patients', { givenName: 'Rosa', familyName: 'Quintero', birthDate: '1975-06-02', identifiers: [{ kind: 'phone', value: PHONE }] });
  base = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('the demo patients\' phone and inbox', () => {
  it('shows the texted portal code so a newcomer can sign in with it (English, keyboard, axe)', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'The patients\' phone and inbox' }).click();
    await page.waitForURL(/\/demo\/inbox$/);
    expect(await page.textContent('[role=status]')).toContain('Nothing has been sent yet');
    await expectAccessible(page);

    await page.goto(`${base}/portal?org=demo`);
    await page.getByLabel('Mobile phone number or email address').fill('(212) 555-0177');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/portal\/verify/);

    const inbox = await context.newPage();
    await inbox.goto(`${base}/demo/inbox`);
    // Keyboard only: choose the patient's number and show their messages.
    await inbox.getByLabel('Show messages to').focus();
    await inbox.keyboard.press('ArrowDown');
    await inbox.keyboard.press('Tab');
    await inbox.keyboard.press('Enter');
    await inbox.waitForURL(/to=%2B12125550177/);
    const row = inbox.locator('tbody tr').first();
    expect(await row.textContent()).toContain(PHONE);
    expect(await row.textContent()).toContain('Text message');
    const code = /(\d{6})/.exec((await row.locator('.text').textContent())!)![1]!;
    await expectAccessible(inbox);
    await inbox.screenshot({ path: screenshotPath('demo-inbox-en.png'), fullPage: true });

    await page.getByLabel('6-digit code').fill(code);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/portal\?org=demo/);
    expect(await page.textContent('h1')).not.toContain('Sign in');
    await context.close();
  });

  it('speaks Spanish', async () => {
    const context = await browser.newContext({ locale: 'es-US' });
    const page = await context.newPage();
    await page.goto(`${base}/?lang=es`);
    await page.getByRole('link', { name: 'El teléfono y el correo de los pacientes' }).click();
    await page.waitForURL(/\/demo\/inbox\?lang=es$/);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.textContent('h1')).toBe('Demostración: el teléfono y el correo de los pacientes');
    expect(await page.getByLabel('Mostrar mensajes para').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Mostrar' }).count()).toBe(1);
    await expectAccessible(page);
    await page.screenshot({ path: screenshotPath('demo-inbox-es.png'), fullPage: true });
    await context.close();
  });

  it('the start page has its icon', async () => {
    const icon = await h.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    expect((await h.app.inject({ method: 'GET', url: '/favicon.ico' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/' })).body).toContain('<link rel="icon" href="/favicon.svg"');
  });

  it('does not exist where a real message could go out, nor for another computer', async () => {
    const fromElsewhere = await h.app.inject({ method: 'GET', url: '/demo/inbox', remoteAddress: '203.0.113.9' });
    expect(fromElsewhere.statusCode).toBe(404);
    h.services.settings.email.relayUrl = 'smtp://relay.example.org:25';
    try {
      expect((await h.app.inject({ method: 'GET', url: '/demo/inbox' })).statusCode).toBe(404);
      expect((await h.app.inject({ method: 'GET', url: '/' })).body).not.toContain('/demo/inbox');
    } finally {
      h.services.settings.email.relayUrl = undefined;
    }
    expect((await h.app.inject({ method: 'GET', url: '/' })).body).toContain('/demo/inbox');
  });
});
