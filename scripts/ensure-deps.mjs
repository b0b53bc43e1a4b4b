// Lets `npm start` and `npm test` work on a fresh clone: install the workspace's
// dependencies once if they are missing, then get out of the way.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  console.error('carethread: installing dependencies (first run only)…');
  execSync('npm install --no-audit --no-fund', { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
}
