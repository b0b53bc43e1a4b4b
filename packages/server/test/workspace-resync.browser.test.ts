import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { ensureFreshWebBuild, signIn, staffByName, staffToken } from './helpers/workspace.ts';

// After a database restart the server's LISTEN connection comes back, but notices sent while it
// was down are lost: the hub sends stream sockets a `resync` frame and the workspace must read
// again what it shows (database-restart.test.ts covers the server side on PostgreSQL).

let h: Harness;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let alex: string;

beforeAll(async () => {
  await ensureFreshWebBuild();
  h = await createHarness({ patients: 5 });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  alex = (await staffByName(h)).Alex!;
  context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'en-US', timezoneId: 'America/New_York' });
  page = await context.newPage();
  await signIn(page, base, await staffToken(h, alex));
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await h?.close();
});

describe('the workspace after a resync', () => {
  it('reads its inbox again when the stream says changes may have been missed', async () => {
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    // The first read is done: its offers line shows.
    await page.locator('.inbox p.muted').first().waitFor();
    await page.waitForLoadState('networkidle');
    // The inbox's organisation socket is subscribed once the server holds a resync listener for it.
    await expect.poll(() => (h.hub as unknown as { resyncListeners: Set<unknown> }).resyncListeners.size, { timeout: 10_000 }).toBeGreaterThan(0);
    const refetch = page.waitForRequest((req) => req.url().endsWith(`/api/v1/agents/${alex}/inbox`), { timeout: 10_000 });
    h.hub.resync();
    await refetch;
  });
});
