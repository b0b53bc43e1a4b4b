import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm run build`, then carethread from the compiled output alone: the TypeScript sources of the
// compiled packages are removed from a copy of the tree, so anything still reaching for them fails.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const COMPILED = ['core', 'assistant', 'server', 'cli'];
let tree: string;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(() => {
  tree = mkdtempSync(join(tmpdir(), 'ct-build-'));
  cpSync(join(repoRoot, 'package.json'), join(tree, 'package.json'));
  cpSync(join(repoRoot, 'scripts'), join(tree, 'scripts'), { recursive: true });
  cpSync(join(repoRoot, 'packages'), join(tree, 'packages'), {
    recursive: true,
    filter: (src) => !/[/\\](dist|\.carethread)$/.test(src),
  });
  // The installed dependencies, except that the workspace's own packages point into the copy.
  mkdirSync(join(tree, 'node_modules', '@carethread'), { recursive: true });
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
    if (entry !== '@carethread') symlinkSync(join(repoRoot, 'node_modules', entry), join(tree, 'node_modules', entry));
  }
  for (const pkg of readdirSync(join(repoRoot, 'node_modules', '@carethread'))) symlinkSync(join(tree, 'packages', pkg), join(tree, 'node_modules', '@carethread', pkg));
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: tree, encoding: 'utf8', timeout: 240_000 });
  expect(built.status, built.stderr).toBe(0);
  for (const pkg of COMPILED) rmSync(join(tree, 'packages', pkg, 'src'), { recursive: true });
}, 300_000);

afterAll(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
});

describe('the production build', () => {
  const carethread = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(tree, 'packages/cli/bin/carethread.mjs'), ...args], { cwd: tree, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env }, timeout: 240_000 });

  it('runs the CLI from the compiled JavaScript alone', () => {
    const help = carethread(['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('carethread start');
    const dataDir = mkdtempSync(join(tmpdir(), 'ct-build-data-'));
    try {
      expect(carethread(['migrate'], { CARETHREAD_DATA_DIR: dataDir }).status).toBe(0);
      const verify = carethread(['audit', 'verify', '--json'], { CARETHREAD_DATA_DIR: dataDir });
      expect(verify.status, verify.stderr).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('starts and serves the prebuilt workspace and chat widget', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ct-build-start-'));
    const port = await freePort();
    const server = spawn(process.execPath, [join(tree, 'packages/cli/bin/carethread.mjs'), 'start'], {
      cwd: tree,
      env: { ...process.env, DATABASE_URL: '', PORT: String(port), CARETHREAD_DATA_DIR: dataDir, CARETHREAD_DEMO_PATIENTS: '20' },
      stdio: 'ignore',
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await expect.poll(() => fetch(`${base}/`).then((r) => r.status, () => 0), { timeout: 180_000, interval: 250 }).toBe(200);
      const page = await fetch(`${base}/app/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<script[^>]+src="\/app\/assets\//);
      const widget = await fetch(`${base}/widget.js`);
      expect(widget.status).toBe(200);
      expect((await widget.text()).length).toBeGreaterThan(1000);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
