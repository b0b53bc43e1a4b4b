import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { ensureFreshWebBuild, openTokenSignIn, staffByName } from './helpers/workspace.ts';
import { orgSlug } from './helpers/auth.ts';
import { setPassword } from '../src/auth/accounts.ts';

// Every page carethread serves works in real Chromium under its Content-Security-Policy (no
// 'unsafe-inline', nonces only): no securitypolicyviolation event, no CSP or Permissions-Policy
// complaint in the console, and the page does its job (forms submit, fetches and sockets work,
// styles apply). The chat widget also works on a foreign site with a strict nonce-only CSP.

let h: Harness;
let base: string;
let browser: Browser;
const PASSWORD = 'a long and private passphrase';

interface Watch {
  context: BrowserContext;
  page: Page;
  /** securitypolicyviolation events seen by any document of the context, and console complaints. */
  problems: string[];
}

/** A browser context that reports every CSP violation and policy complaint, across navigations. */
async function watched(locale = 'en-US'): Promise<Watch> {
  const context = await browser.newContext({ locale });
  const problems: string[] = [];
  await context.exposeBinding('__cspViolation', (_source, text: string) => {
    problems.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation(t: string): void }).__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} on ${location.pathname}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/content.security.policy|refused to|permissions-policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { context, page, problems };
}

beforeAll(async () => {
  await ensureFreshWebBuild();
  h = await createHarness({ patients: 3 });
  base = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('pages work under their Content-Security-Policy', () => {
  it('the landing page applies its nonce-tagged styles', async () => {
    const w = await watched();
    await w.page.goto(`${base}/`);
    await w.page.getByRole('heading', { name: 'carethread is running' }).waitFor();
    expect(await w.page.evaluate(() => getComputedStyle(document.body).maxWidth)).not.toBe('none');
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('the first-run set-up page runs its nonce-tagged script', async () => {
    const w = await watched();
    await w.page.goto(`${base}/setup`);
    // Without the one-time code in the link, the page's own script says what to do.
    await expect.poll(() => w.page.locator('#status').textContent()).toContain('Restart carethread');
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('the portal sign-in form submits and leads to the code page', async () => {
    const w = await watched();
    await w.page.goto(`${base}/portal?org=demo`);
    await w.page.locator('#address').fill('+1 212 555 0142');
    await Promise.all([w.page.waitForURL('**/portal/verify**'), w.page.locator('form[action*="/portal/sign-in"] button[type="submit"]').click()]);
    await w.page.locator('input[name="code"]').waitFor();
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('the workspace sign-in form signs a staff member in and the workspace loads', async () => {
    const staff = await staffByName(h);
    await setPassword(h.services, h.organizationId, staff.Alex!, PASSWORD);
    const w = await watched();
    const sockets: string[] = [];
    w.page.on('websocket', (ws) => sockets.push(ws.url()));
    await w.page.goto(`${base}/app/`);
    await w.page.getByLabel('Organisation').fill(await orgSlug(h));
    await w.page.getByLabel('Work email').fill('Alex.Rivera@example.org');
    await w.page.getByLabel('Password').fill(PASSWORD);
    await w.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await w.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    // The live stream (connect-src 'self' covers ws: to the same host).
    await expect.poll(() => sockets.length).toBeGreaterThan(0);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('the supervisor view loads with its lazily loaded script and stylesheet', async () => {
    const w = await watched();
    await w.page.goto(`${base}/app/`);
    await openTokenSignIn(w.page);
    await w.page.locator('#token').fill(h.token);
    await w.page.getByRole('button', { name: 'Sign in' }).click();
    await w.page.getByRole('heading', { name: 'Supervisor', level: 1 }).waitFor();
    expect(await w.page.evaluate(() => [...document.styleSheets].filter((s) => s.href?.includes('/app/assets/')).length)).toBeGreaterThan(0);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('the front desk searches with a pasted token', async () => {
    const w = await watched();
    await w.page.goto(`${base}/front-desk`);
    await w.page.locator('#token').fill(h.token);
    await w.page.locator('#token-form button[type="submit"]').click();
    await w.page.locator('#q').fill('zzqx');
    await w.page.locator('#search-form button[type="submit"]').click();
    await expect.poll(() => w.page.locator('#search-status').textContent()).toContain('No patient found');
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('the widget opens, is styled and sends a message on the demo clinic page', async () => {
    const w = await watched();
    await w.page.goto(`${base}/demo/chat`);
    const launcher = w.page.locator('[data-carethread-widget] >> button.launcher');
    await launcher.waitFor();
    // The widget's stylesheet applied inside its shadow root despite style-src without 'unsafe-inline'.
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(11, 87, 164)');
    await launcher.click();
    await w.page.getByLabel('Your message').fill('I need a refill of my lisinopril.');
    await w.page.keyboard.press('Enter');
    await expect.poll(() => w.page.locator('.msg.mine').first().textContent()).toContain('Sent');
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('the API reference (Swagger UI) renders', async () => {
    const w = await watched();
    await w.page.goto(`${base}/docs/`);
    await expect.poll(() => w.page.locator('.swagger-ui .info .title').textContent(), { timeout: 20_000 }).toContain('carethread API');
    expect(w.problems).toEqual([]);
    await w.context.close();
  });
});

describe('embedding', () => {
  let site: Server;
  let siteUrl: string;

  beforeAll(async () => {
    const origin = new URL(base);
    // A clinic website on another origin with a strict policy of its own: only its nonce-tagged
    // scripts, no styles at all, sockets to carethread only. This is all a site has to allow.
    site = createServer((req, res) => {
      const nonce = 'c2l0ZS1ub25jZS0xMjM0';
      if (req.url === '/framed') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html lang="en"><head><title>Framing test</title></head><body><iframe title="portal" src="${base}/portal?org=demo"></iframe></body></html>`);
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'none'; connect-src ws://${origin.host}; base-uri 'none'; frame-ancestors 'none'`,
      });
      res.end(
        `<!doctype html><html lang="en"><head><title>Clinic</title></head><body><main><h1>Northside Clinic</h1></main>` +
          `<script nonce="${nonce}" src="${base}/widget.js" data-org="demo" async></script></body></html>`,
      );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => site?.close(() => resolve()));
  });

  it('the widget works on a site with a strict nonce-only CSP: one script tag, a socket, no inline style needed', async () => {
    const w = await watched();
    await w.page.goto(`${siteUrl}/`);
    const launcher = w.page.locator('[data-carethread-widget] >> button.launcher');
    await launcher.waitFor();
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(11, 87, 164)');
    await launcher.click();
    await w.page.getByLabel('Your message').fill('Can I get my test results?');
    await w.page.keyboard.press('Enter');
    await expect.poll(() => w.page.locator('.msg.mine').first().textContent()).toContain('Sent');
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('no other site can frame a carethread page (frame-ancestors none)', async () => {
    const w = await watched();
    await w.page.goto(`${siteUrl}/framed`);
    await expect.poll(() => w.problems.join('\n')).toMatch(/frame-ancestors/);
    const framed = w.page.frames().find((f) => f !== w.page.mainFrame());
    // The frame never shows the portal: Chromium replaces it with an error page.
    expect(await framed?.locator('#address').count().catch(() => 0)).toBe(0);
    await w.context.close();
  });
});
