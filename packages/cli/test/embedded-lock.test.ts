import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// PGlite has no lock of its own: `carethread demo` beside a running `carethread start` on one
// data directory used to exit 0 with a token for an organisation the server never saw. Two real
// processes here, on the embedded database whatever DATABASE_URL the suite runs with.

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
let root: string;
let dataDir: string;
const env = () => ({
  ...process.env,
  DATABASE_URL: '',
  CARETHREAD_DATA_DIR: dataDir,
  CARETHREAD_DEMO_PATIENTS: '5',
  CARETHREAD_ASSISTANT: '0',
  CARETHREAD_SECRET: 'embedded-lock-test-secret',
});
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: repoRoot, encoding: 'utf8', env: env(), timeout: 120_000 });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** `carethread start` in a process of its own; resolves once it prints where it serves. */
async function start(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'start'], {
    cwd: repoRoot,
    env: { ...env(), PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`carethread start did not come up: ${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /ready at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.once('exit', (code) => reject(new Error(`carethread start exited with ${code}: ${out}`)));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
  return { child, url };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

const running: ChildProcess[] = [];
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ct-lock-'));
  // Not there yet, as on a first `npm start`: the lock must make its own way.
  dataDir = join(root, 'carethread');
});
afterAll(async () => {
  for (const child of running) await stop(child, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('one process per embedded database', () => {
  it('refuses a second process while carethread start runs, naming its pid and URL', async () => {
    const server = await start();
    running.push(server.child);
    const demo = cli(['demo', '--patients', '2', '--slug', 'second-process']);
    expect(demo.status, demo.stdout + demo.stderr).not.toBe(0);
    expect(demo.stderr).toContain(`carethread start is running (pid ${server.child.pid}) at ${server.url}`);
    expect(demo.stderr).toContain('stop it first or use its API');
    expect(demo.stdout).not.toContain('admin token');
    const migrate = cli(['migrate']);
    expect(migrate.status).not.toBe(0);
    expect(migrate.stderr).toContain(`(pid ${server.child.pid})`);
    // The server is unharmed and still answers.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    // Stopped cleanly, it lets go: the next command runs.
    await stop(server.child, 'SIGTERM');
    expect(existsSync(join(dataDir, 'pgdata.lock'))).toBe(false);
    const after = cli(['migrate']);
    expect(after.status, after.stderr).toBe(0);
  }, 240_000);

  it('does not let the stale lock of a killed process block a start', async () => {
    const first = await start();
    running.push(first.child);
    await stop(first.child, 'SIGKILL');
    expect(existsSync(join(dataDir, 'pgdata.lock')), 'a killed process leaves its lock behind').toBe(true);
    const second = await start();
    running.push(second.child);
    expect((await fetch(`${second.url}/health`)).status).toBe(200);
    await stop(second.child, 'SIGTERM');
  }, 240_000);
});
