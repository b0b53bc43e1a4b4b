import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchChromium, screenshotPath } from './helpers/browser.ts';
import { messagesWithBody, outboxRows, queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

let h: Harness;
let browser: Browser;
let base: string;
let caseId: string;
let patientId: string;
const PHONE = '+12125550142';

async function rows<T = any>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}

/** axe-core in the page: no serious or critical violation. */
async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  const reg = await h.post('/api/v1/patients', {
    givenName: 'María',
    familyName: 'López',
    birthDate: '1961-03-14',
    identifiers: [{ kind: 'phone', value: PHONE }],
  });
  patientId = reg.body.id;
  const t0 = Date.now() - 3 * 3600_000;
  const first = await h.post('/api/v1/channel-events', {
    channel: 'sms',
    idempotencyKey: 'SM-browser-1',
    occurredAt: new Date(t0).toISOString(),
    from: { kind: 'phone', value: PHONE },
    text: 'Hello, I need a refill of my lisinopril 10 mg please.',
  });
  caseId = first.body.caseId;
  await h.post(`/api/v1/cases/${caseId}/messages`, {
    text: 'Thanks María, the pharmacy is preparing it. We will text you when it is ready.',
    actor: 'agent',
    at: new Date(t0 + 20 * 60_000).toISOString(),
  });
  base = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('the patient portal in Chromium', () => {
  it('signs in with a texted code, shows the SMS conversation, sends a message and switches to Spanish', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 1200 }, locale: 'en-US' });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    // Script errors and CSP refusals; the deliberate wrong-code 422 is not one of them.
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 422/.test(m.text())) consoleErrors.push(m.text());
    });

    await page.goto(`${base}/portal?org=demo`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expectAccessible(page);
    await page.screenshot({ path: screenshotPath('portal-sign-in-en.png'), fullPage: true });
    // Keyboard only: the skip link first, then the language links, then the form.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    await page.getByLabel('Mobile phone number or email address').focus();
    await page.keyboard.type('(212) 555-0142');
    await page.keyboard.press('Enter');

    await page.waitForURL(/\/portal\/verify/);
    expect(await page.textContent('[role=status]')).toContain('the phone number ending in 0142');
    const sent = (await outboxRows(h.database, (o) => o.to_address === PHONE && o.payload.purpose === 'portal_code')).at(-1);
    const code = /(\d{6})/.exec(sent!.payload.text)![1]!;
    await page.getByLabel('6-digit code').fill('000000' === code ? '111111' : '000000');
    await page.keyboard.press('Enter');
    await page.waitForLoadState();
    expect(await page.textContent('[role=alert]')).toContain('That code is not valid');
    // The error summary takes focus so a screen reader hears it first.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
    expect(await page.getAttribute('#code', 'aria-invalid')).toBe('true');
    await expectAccessible(page);
    await page.getByLabel('6-digit code').fill(code);
    await page.keyboard.press('Enter');

    await page.waitForURL(/\/portal\?org=demo&lang=en$/);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'ct_portal')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/portal' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const card = page.locator(`#case-${caseId}`);
    await expect.poll(() => card.textContent()).toContain('I need a refill of my lisinopril');
    expect(await card.textContent()).toContain('Text message');
    expect(await card.textContent()).toContain('the pharmacy is preparing it');
    await expectAccessible(page);

    const reply = card.getByLabel('Write a message about this request');
    await reply.focus();
    await page.keyboard.type('Thank you! Can I pick it up tomorrow morning?');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/sent=/);
    await expect.poll(() => page.textContent(`#case-${caseId} [role=status]`)).toContain('Your message was sent.');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('status');
    expect(await card.textContent()).toContain('Patient portal');
    await expectAccessible(page);
    await page.screenshot({ path: screenshotPath('portal-en.png'), fullPage: true });

    const [posted] = await messagesWithBody(h.database, 'Thank you! Can I pick it up tomorrow morning?');
    const [msg] = await rows<{ case_id: string; assurance: string; patient_id: string }>(
      sql`select m.case_id, i.assurance, i.patient_id from messages m join interactions i on i.id = m.interaction_id where m.id = ${posted!.id}`,
    );
    expect(msg).toEqual({ case_id: caseId, assurance: 'verified', patient_id: patientId });

    await page.getByRole('link', { name: 'Español' }).click();
    await page.waitForURL(/lang=es/);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.textContent('h1')).toBe('Sus solicitudes');
    expect(await card.textContent()).toContain('Mensaje de texto');
    expect(await page.getByRole('button', { name: 'Cerrar sesión' }).count()).toBe(1);
    await expectAccessible(page);
    await page.screenshot({ path: screenshotPath('portal-es.png'), fullPage: true });

    await page.getByRole('button', { name: 'Cerrar sesión' }).click();
    await page.waitForURL(/notice=signed_out/);
    expect(await page.textContent('[role=status]')).toContain('Ha cerrado la sesión.');
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
