import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchChromium, screenshotPath } from './helpers/browser.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { ensureFreshWebBuild, openTokenSignIn } from './helpers/workspace.ts';

let h: Harness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  await ensureFreshWebBuild();
  h = await createHarness({ patients: 5 });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  await h.post('/api/v1/channel-events', {
    idempotencyKey: 'web-app-1',
    channel: 'sms',
    from: { kind: 'phone', value: '+12125550131' },
    text: 'I need a refill of my lisinopril',
  });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('the workspace at /app', () => {
  it('signs in with a token, accessibly, and switches between English and Spanish', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${base}/app/`);
    await openTokenSignIn(page);
    await page.getByLabel('Staff sign-in token').fill('not-a-token');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not accepted');

    // The administrator's token has no staff member: the supervisor view is its home.
    await page.getByLabel('Staff sign-in token').fill(h.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Supervisor', level: 1 }).waitFor();
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await page.screenshot({ path: screenshotPath('workspace-en.png') });

    await page.getByRole('button', { name: 'Español' }).click();
    await page.getByRole('heading', { name: 'Supervisión', level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('es');
    await context.close();
  });

  it('serves client-side routes with the page and unknown assets as 404', async () => {
    const deep = await fetch(`${base}/app/cases/123`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    expect((await fetch(`${base}/app/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${base}/app/../package.json`)).status).not.toBe(500);
  });
});
