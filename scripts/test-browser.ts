// The Chromium the browser tests drive. `npm test` runs this file first (pretest): it finds a
// browser the usual ways or fetches Playwright's, and otherwise stops the run with one clear
// instruction, so the browser tests are never skipped silently. The tests' launcher imports
// `findChromium` from here, so both agree on the browser.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SYSTEM_PATHS: Record<string, string[]> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/opt/google/chrome/chrome'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
  win32: [
    join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe'),
    join(process.env.LOCALAPPDATA ?? '', 'Google', 'Chrome', 'Application', 'chrome.exe'),
  ],
};
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

function executable(file: string): boolean {
  try {
    accessSync(file, platform() === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where Playwright keeps the browsers it downloads (its documented defaults). */
function playwrightCache(): string {
  if (process.env.PLAYWRIGHT_BROWSERS_PATH && process.env.PLAYWRIGHT_BROWSERS_PATH !== '0') return process.env.PLAYWRIGHT_BROWSERS_PATH;
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Caches', 'ms-playwright');
  if (platform() === 'win32') return join(process.env.LOCALAPPDATA ?? homedir(), 'ms-playwright');
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ms-playwright');
}

/** Chromium builds in Playwright's cache, newest first (full browser before the headless shell). */
function playwrightBrowsers(): string[] {
  const cache = playwrightCache();
  if (!existsSync(cache)) return [];
  const inside: Record<string, string[][]> = {
    chromium: [['chrome-linux64', 'chrome'], ['chrome-linux', 'chrome'], ['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'], ['chrome-win', 'chrome.exe'], ['chrome-win64', 'chrome.exe']],
    chromium_headless_shell: [['chrome-linux', 'headless_shell'], ['chrome-headless-shell-linux64', 'chrome-headless-shell'], ['chrome-mac', 'headless_shell'], ['chrome-win', 'headless_shell.exe']],
  };
  const found: string[] = [];
  for (const kind of ['chromium', 'chromium_headless_shell']) {
    const builds = readdirSync(cache)
      .filter((d) => d.startsWith(`${kind}-`) && /^\d+$/.test(d.slice(kind.length + 1)))
      .sort((a, b) => Number(b.slice(kind.length + 1)) - Number(a.slice(kind.length + 1)));
    for (const build of builds) for (const parts of inside[kind]!) found.push(join(cache, build, ...parts));
  }
  return found;
}

/** Every place looked at, in order: CHROMIUM_PATH, the system's Chromium or Chrome, the PATH, Playwright's cache. */
export function browserCandidates(): string[] {
  const fromPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .flatMap((dir) => PATH_NAMES.map((name) => join(dir, platform() === 'win32' ? `${name}.exe` : name)));
  return [...(SYSTEM_PATHS[platform()] ?? []), ...fromPath, ...playwrightBrowsers()];
}

/**
 * The browser to launch. CHROMIUM_PATH, when set, is the only answer (a wrong one is an error,
 * not a reason to pick another browser behind the user's back).
 */
export function findChromium(): string | null {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return executable(chosen) ? chosen : null;
  return browserCandidates().find(executable) ?? null;
}

export function missingBrowserMessage(): string {
  const chosen = process.env.CHROMIUM_PATH;
  const lead = chosen
    ? `carethread: CHROMIUM_PATH=${chosen} is not an executable browser.`
    : 'carethread: the browser tests need Chromium or Chrome, and none was found (looked at CHROMIUM_PATH, the usual system paths, the PATH and Playwright\'s cache), and downloading Playwright\'s Chromium did not work.';
  const how =
    platform() === 'linux'
      ? 'Install one with `sudo apt-get install chromium` (Debian; `chromium-browser` on Ubuntu), or run `npx playwright-core install chromium` where downloads are allowed, or set CHROMIUM_PATH=/path/to/chrome; then run `npm test` again.'
      : 'Install Google Chrome or Chromium, or run `npx playwright-core install chromium`, or set CHROMIUM_PATH=/path/to/chrome; then run `npm test` again.';
  return `${lead}\n${how}`;
}

/** Fetches Playwright's Chromium the ecosystem's usual way; false when that is not possible (offline, refused). */
function installPlaywrightChromium(): boolean {
  if (process.env.CHROMIUM_PATH) return false;
  const cli = fileURLToPath(new URL('../node_modules/playwright-core/cli.js', import.meta.url));
  if (!existsSync(cli)) return false;
  console.error('carethread: no Chromium found; fetching Playwright\'s (npx playwright-core install chromium)…');
  const run = spawnSync(process.execPath, [cli, 'install', 'chromium'], { stdio: 'inherit', timeout: 10 * 60_000 });
  return run.status === 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let browser = findChromium();
  if (!browser && installPlaywrightChromium()) browser = findChromium();
  if (!browser) {
    console.error(missingBrowserMessage());
    process.exit(1);
  }
  console.error(`carethread: browser tests use ${browser}`);
}
