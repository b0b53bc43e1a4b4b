import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { findChromium, missingBrowserMessage } from '../../../../scripts/test-browser.ts';

/**
 * The Chromium `npm test` found (scripts/test-browser.ts), headless. The flags keep it off the
 * network and let it run as root in CI. No browser is an error with the way to get one, never a
 * skip.
 */
export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(missingBrowserMessage());
  return chromium.launch({
    executablePath,
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

/** axe-core in the page: no serious or critical violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
