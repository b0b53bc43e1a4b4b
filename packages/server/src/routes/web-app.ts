import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

const WEB_ROOT = fileURLToPath(new URL('../../../web/', import.meta.url));
const DIST = join(WEB_ROOT, 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

let building: Promise<void> | null = null;

/**
 * The workspace is built with Vite the first time it is asked for (well under a second), so a
 * fresh clone needs no separate build step; an existing build is served as it is.
 */
function ensureBuilt(): Promise<void> {
  if (existsSync(join(DIST, 'index.html'))) return Promise.resolve();
  building ??= (async () => {
    const vite = await import('vite');
    await vite.build({ configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  })().finally(() => {
    building = null;
  });
  return building;
}

function send(reply: FastifyReply, file: string) {
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  // Hashed asset names never change content; the page itself must always be fresh.
  const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  return reply.type(type).header('cache-control', cache).send(readFileSync(file));
}

/** The agent workspace (packages/web) at /app, with client-side routes falling back to the page. */
export async function registerWebApp(app: FastifyInstance): Promise<void> {
  app.get('/app', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/app/'));
  // pageFiles: the built page loads its hashed script and style files from /app/assets (no inline code).
  app.get('/app/*', { schema: { hide: true }, config: { pageFiles: true } }, async (request, reply) => {
    await ensureBuilt();
    const wanted = (request.params as { '*': string })['*'] || 'index.html';
    const file = normalize(join(DIST, wanted));
    if (file.startsWith(DIST + sep) && existsSync(file) && !file.endsWith(sep)) return send(reply, file);
    if (wanted.startsWith('assets/')) return reply.code(404).send({ error: 'not_found', message: 'No such file.' });
    return send(reply, join(DIST, 'index.html'));
  });
}
