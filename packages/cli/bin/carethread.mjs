#!/usr/bin/env node
// The `carethread` command. After `npm run build` it runs the compiled JavaScript (packages/*/dist,
// resolved through the `carethread-compiled` export condition); otherwise, or when a source file
// is newer than the build, it runs the TypeScript sources through tsx. It calls `main` itself:
// reached through node_modules/.bin, process.argv[1] is the link's path, so main.ts cannot tell
// from it that it is the entry point.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));
const STAMP = join(PACKAGES, 'cli', 'dist', 'BUILD.json');
const COMPILED = join(PACKAGES, 'cli', 'dist', 'main.js');

/** Newest modification time under a source folder; 0 when an install ships the build without sources. */
function newestSource(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsCurrent() {
  if (!existsSync(STAMP) || !existsSync(COMPILED)) return false;
  const built = statSync(STAMP).mtimeMs;
  const stale = ['core', 'assistant', 'server', 'cli'].some((p) => newestSource(join(PACKAGES, p, 'src')) > built);
  if (stale) console.error('carethread: the build is older than the sources; running the sources (`npm run build` refreshes it)');
  return !stale;
}

const args = process.argv.slice(2);
if (process.env.CARETHREAD_FROM_SOURCE !== '1' && buildIsCurrent()) {
  // The export condition can only be given to a new Node process; signals go to it and its exit
  // code comes back.
  const child = spawn(process.execPath, ['--conditions=carethread-compiled', '--enable-source-maps', COMPILED, ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/main.ts');
  // `start` never resolves: the server keeps the process alive until a signal stops it.
  process.exit(await main(args));
}
