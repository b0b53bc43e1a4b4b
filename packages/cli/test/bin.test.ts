import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The documented CLI calls through the installed binary, reached the way `npx carethread` reaches
// it: node_modules/.bin/carethread, a link to packages/cli/bin/carethread.mjs. Before, the
// binary printed nothing and exited 0, because main.ts looked for itself in process.argv[1].
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repoRoot, 'node_modules', '.bin', 'carethread');
const run = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
  spawnSync(bin, args, { cwd: repoRoot, encoding: 'utf8', input: options.input, env: { ...process.env, ...options.env }, timeout: 240_000 });

describe.skipIf(process.platform === 'win32')('npx carethread', () => {
  it('prints its usage for --help', () => {
    const out = run(['--help']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('carethread start');
  });

  it('refuses an unknown command with its usage and exit 2', () => {
    const out = run(['no-such-command']);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('unknown command "no-such-command"');
  });

  it('classifies lines on stdin (nlu classify)', () => {
    const out = run(['nlu', 'classify', '--json'], { input: 'I need to cancel my appointment\n' });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/cancel/);
  }, 240_000);

  it('migrates an embedded database and verifies its audit chain', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ct-bin-'));
    try {
      const env = { CARETHREAD_DATA_DIR: dataDir, DATABASE_URL: '' };
      expect(run(['migrate'], { env }).status).toBe(0);
      const verify = run(['audit', 'verify', '--json'], { env });
      expect(verify.status).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
