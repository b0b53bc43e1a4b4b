import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchChromium, screenshotPath } from './helpers/browser.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { codeFor } from './helpers/auth.ts';
import { createSetupCode } from '../src/auth/setup.ts';

// The first-run set-up page in real Chromium: the code from the URL fragment, the account form,
// the TOTP step, and the session cookie the workspace then uses.

let h: Harness;
let browser: Browser;
let base: string;

async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

beforeAll(async () => {
  h = await createHarness({ patients: 3 });
  base = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('first-run set-up page', () => {
  it('creates the administrator, enrols TOTP and signs in with the cookie', async () => {
    const code = await createSetupCode(h.database.db, h.organizationId, new Date());
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/setup#${code}`);
    // The code leaves the address bar as soon as the page has read it.
    expect(page.url()).toBe(`${base}/setup`);
    await expectAccessible(page);
    await page.getByLabel('Your name').fill('Dana Admin');
    await page.getByLabel('Work email').fill('dana.admin@example.org');
    await page.getByLabel('Password (at least 12 characters)').fill('a long enough password');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('heading', { name: 'Add a second factor' }).waitFor();
    const key = (await page.locator('#key').textContent())!.replaceAll(' ', '');
    expect(await page.locator('#uri').textContent()).toContain(`secret=${key}`);
    await expectAccessible(page);
    if (process.env.CARETHREAD_SCREENSHOTS === '1') await page.screenshot({ path: screenshotPath('setup-totp-en.png') });
    await page.getByLabel('6-digit code').fill(codeFor(key, new Date()));
    await Promise.all([page.waitForURL(`${base}/app/**`, { timeout: 60_000 }), page.getByRole('button', { name: /Confirm/ }).click()]);
    // The browser now holds the session: /me answers for the new administrator.
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me).toMatchObject({ role: 'admin', staff: { name: 'Dana Admin' } });
    await page.close();
  }, 120_000);

  it('explains what to do without a code, in Spanish too', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/setup?lang=es`);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Reinicie carethread');
    await expectAccessible(page);
    await page.close();
  });
});
