import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface WidgetBundle {
  code: string;
  etag: string;
}

/**
 * The widget's sources live in packages/widget. The server builds them itself (esbuild, in
 * memory, once per process) so a clean clone serves /widget.js with no prior build step; the
 * path is relative rather than a package import so it works before the workspace is linked.
 */
const BUILD_MODULE = '../../../../widget/src/build.ts';
/** Where `npm run build -w @carethread/widget` writes, for installs without esbuild. */
const PREBUILT = fileURLToPath(new URL('../../../../widget/dist/widget.js', import.meta.url));

let pending: Promise<WidgetBundle> | null = null;

export function widgetBundle(): Promise<WidgetBundle> {
  if (!pending) {
    pending = build().catch((err: unknown) => {
      // Let the next request try again instead of caching the failure.
      pending = null;
      throw err;
    });
  }
  return pending;
}

async function build(): Promise<WidgetBundle> {
  let code: string;
  try {
    const { buildWidget } = (await import(BUILD_MODULE)) as typeof import('../../../../widget/src/build.ts');
    code = await buildWidget();
  } catch (err) {
    // A production install may leave out esbuild (a dev dependency): fall back to a prebuilt bundle.
    try {
      code = await readFile(PREBUILT, 'utf8');
    } catch {
      throw err;
    }
  }
  return { code, etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 27)}"` };
}
