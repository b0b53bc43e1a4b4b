import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { browserCandidates, findChromium } from '../../../scripts/test-browser.ts';

// `npm test` runs scripts/test-browser.ts before any test: it must find a browser the usual ways
// and, when there is none, stop with the way to get one (never skip the browser tests).
const SCRIPT = fileURLToPath(new URL('../../../scripts/test-browser.ts', import.meta.url));
const saved = { CHROMIUM_PATH: process.env.CHROMIUM_PATH, PLAYWRIGHT_BROWSERS_PATH: process.env.PLAYWRIGHT_BROWSERS_PATH };
const dirs: string[] = [];

function fakeBrowser(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(process.platform !== 'linux')('the browser the tests use', () => {
  it('looks in Playwright\'s cache, newest build first, after the system paths', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ct-pw-'));
    dirs.push(cache);
    const older = fakeBrowser(join(cache, 'chromium-1100', 'chrome-linux', 'chrome'));
    const newer = fakeBrowser(join(cache, 'chromium-1255', 'chrome-linux64', 'chrome'));
    process.env.PLAYWRIGHT_BROWSERS_PATH = cache;
    const list = browserCandidates();
    expect(list.indexOf(newer)).toBeGreaterThan(list.indexOf('/usr/bin/chromium'));
    expect(list.indexOf(newer)).toBeLessThan(list.indexOf(older));
  });

  it('takes CHROMIUM_PATH as the only answer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-chrome-'));
    dirs.push(dir);
    process.env.CHROMIUM_PATH = fakeBrowser(join(dir, 'my-chrome'));
    expect(findChromium()).toBe(process.env.CHROMIUM_PATH);
    process.env.CHROMIUM_PATH = join(dir, 'missing');
    expect(findChromium()).toBeNull();
  });

  it('stops `npm test` with the way to get a browser when the one named is missing', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT], {
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chrome' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('CHROMIUM_PATH=/nonexistent/chrome is not an executable browser');
    expect(run.stderr).toContain('apt-get install chromium');
  });
});
