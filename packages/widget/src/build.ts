// Builds the widget into one minified IIFE (what /widget.js serves). The server calls
// buildWidget() itself on first request; `npm run build -w @carethread/widget` writes
// dist/widget.js for hosting the file elsewhere (a CDN) or for installs without esbuild.
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const WIDGET_ENTRY = fileURLToPath(new URL('./index.ts', import.meta.url));

export async function buildWidget(): Promise<string> {
  const result = await build({
    entryPoints: [WIDGET_ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    // Every browser of the last few years runs ES2020 as is.
    target: 'es2020',
    write: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output for the widget');
  return file.text;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL('../dist/widget.js', import.meta.url));
  const code = await buildWidget();
  await mkdir(fileURLToPath(new URL('../dist/', import.meta.url)), { recursive: true });
  await writeFile(out, code);
  console.log(`wrote ${out} (${code.length} bytes)`);
}
