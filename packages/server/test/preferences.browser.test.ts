import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { outbox } from '../src/store/schema.ts';
import { launchChromium, screenshotPath } from './helpers/browser.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// The portal's contact-preferences page in real Chromium: accessible (axe), usable by label,
// in English and Spanish (docs/consent.md).

let h: Harness;
let browser: Browser;
let base: string;
let patientId: string;
const PHONE = '+13125550171';

async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

beforeAll(async () => {
  h = await createHarness({ patients: 5 });
  const reg = await h.post('/api/v1/patients', { givenName: 'Rosa', familyName: 'Prefs', birthDate: '1966-08-09', identifiers: [{ kind: 'phone', value: PHONE }] });
  patientId = reg.body.id;
  base = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('portal contact preferences in Chromium', () => {
  it('is accessible in English and Spanish and saves what the patient chose', async () => {
    const page = await (await browser.newContext({ viewport: { width: 900, height: 1400 }, locale: 'en-US' })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${base}/portal?org=demo&lang=en`);
    await page.getByLabel('Mobile phone number or email address').fill(PHONE);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.waitForURL(/\/portal\/verify/);
    const recent = await h.database.db.select({ to: outbox.toAddress, payload: outbox.payload }).from(outbox).where(eq(outbox.organizationId, h.organizationId)).orderBy(desc(outbox.id)).limit(10);
    const code = /(\d{6})/.exec(String(recent.find((r) => r.to === PHONE && r.payload.purpose === 'portal_code')!.payload.text))![1]!;
    await page.getByLabel('6-digit code').fill(code);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/portal\?/);

    await page.getByRole('link', { name: 'Contact preferences' }).click();
    await page.waitForURL(/\/portal\/preferences/);
    await expectAccessible(page);
    await page.getByRole('group', { name: 'Text messages (SMS)' }).getByLabel('No, do not contact me this way').check();
    await page.getByRole('group', { name: 'Language for our messages' }).getByLabel('Español').check();
    await page.getByLabel('Your time zone').selectOption('America/Chicago');
    await page.getByLabel('Quiet from (HH:MM)').fill('21:00');
    await page.getByLabel('Quiet until (HH:MM)').fill('7:30');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.waitForURL(/saved=1/);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Sus preferencias se guardaron.');
    await expectAccessible(page);
    await page.screenshot({ path: screenshotPath('portal-preferences-es.png'), fullPage: true });

    // An error is announced and linked to its field.
    await page.getByLabel('Silencio hasta (HH:MM)').fill('');
    await page.getByRole('button', { name: 'Guardar preferencias' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Escriba ambas horas o deje ambas vacías.');
    await expectAccessible(page);

    const prefs = (await h.get(`/api/v1/patients/${patientId}/preferences`)).body;
    expect(prefs).toMatchObject({ channels: { sms: 'opted_out' }, language: 'es', timeZone: 'America/Chicago', quietHours: { start: '21:00', end: '07:30' } });
    expect(errors).toEqual([]);
  });
});
