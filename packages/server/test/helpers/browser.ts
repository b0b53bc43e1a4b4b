import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless. The flags keep it off the network (it has none here) and let it
 * run as root in CI.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const DOCS_SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));

/**
 * Where a test saves a screenshot. The pictures in docs/ are refreshed only on request
 * (CARETHREAD_SCREENSHOTS=1 npm test), so an ordinary test run leaves the work tree clean.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.CARETHREAD_SCREENSHOTS === '1' ? DOCS_SCREENSHOTS : join(tmpdir(), 'carethread-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/** What has focus inside the chat widget's shadow root (its id, class or tag); null when focus is elsewhere. */
export function widgetFocus(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const host = document.querySelector('[data-carethread-widget]');
    const inner = host?.shadowRoot?.activeElement as HTMLElement | null | undefined;
    if (document.activeElement !== host || !inner) return null;
    return inner.id || inner.className || inner.tagName.toLowerCase();
  });
}
