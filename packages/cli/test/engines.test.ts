import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// The README promises carethread runs on the Node.js version in the root `engines` field. That
// promise is only true if every installed package accepts that version too, and CI runs on it.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function installedEngines(dir: string, found: Map<string, string>): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (entry.startsWith('@')) {
      installedEngines(path, found);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string; engines?: { node?: string } };
    if (pkg.engines?.node) found.set(`${pkg.name}@${pkg.version}`, pkg.engines.node);
    installedEngines(join(path, 'node_modules'), found);
  }
}

describe('the Node.js version the README promises', () => {
  const promised = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const lowest = semver.minVersion(promised)!.version;

  it('is the one the README states', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`Node.js ≥ ${lowest.replace(/\.0$/, '')}`);
  });

  it('is accepted by every installed package', () => {
    const found = new Map<string, string>();
    installedEngines(join(ROOT, 'node_modules'), found);
    for (const workspace of readdirSync(join(ROOT, 'packages'))) installedEngines(join(ROOT, 'packages', workspace, 'node_modules'), found);
    expect(found.size).toBeGreaterThan(50);
    const refusing = [...found].filter(([, range]) => !semver.satisfies(lowest, range)).map(([pkg, range]) => `${pkg} wants node ${range}`);
    expect(refusing).toEqual([]);
  });

  it('is the version this run is on or above', () => {
    expect(semver.gte(process.version, lowest)).toBe(true);
  });
});
