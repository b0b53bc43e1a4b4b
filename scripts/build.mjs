// `npm run build`: the production build. Compiles each server-side package's TypeScript to
// JavaScript beside its sources (packages/<p>/dist mirrors packages/<p>/src, so every path a
// module finds relative to itself — migrations, corpora, the web app — stays right), bundles the
// chat widget and builds the workspace with Vite. `carethread start` then runs plain JavaScript
// (no TypeScript compiler in the process) and serves the workspace prebuilt.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMPILED_PACKAGES = ['core', 'assistant', 'server', 'cli'];

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative imports name the .ts file (allowImportingTsExtensions); the compiled file is .js. */
function rewriteImports(code) {
  return code.replace(/((?:\bfrom|\bimport)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+?)\.ts\2/g, '$1$2$3.js$2');
}

async function compilePackage(name) {
  const dir = join(ROOT, 'packages', name);
  const outdir = join(dir, 'dist');
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: sources(join(dir, 'src')),
    outdir,
    outbase: join(dir, 'src'),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
  });
  for (const file of result.outputFiles) {
    mkdirSync(join(file.path, '..'), { recursive: true });
    writeFileSync(file.path, file.path.endsWith('.js') ? rewriteImports(file.text) : file.text);
  }
  return result.outputFiles.filter((f) => f.path.endsWith('.js')).length;
}

const started = Date.now();
for (const name of COMPILED_PACKAGES) {
  const files = await compilePackage(name);
  console.error(`build: packages/${name}: ${files} modules compiled`);
}
execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'packages/widget/src/build.ts')], { cwd: ROOT, stdio: 'inherit' });
console.error('build: packages/widget: dist/widget.js');
execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: join(ROOT, 'packages/web'), stdio: 'inherit' });
console.error('build: packages/web: dist/ (the workspace)');
const stamp = join(ROOT, 'packages/cli/dist/BUILD.json');
writeFileSync(stamp, `${JSON.stringify({ builtAt: new Date().toISOString(), packages: COMPILED_PACKAGES }, null, 2)}\n`);
console.error(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s (${relative(ROOT, stamp)})`);
