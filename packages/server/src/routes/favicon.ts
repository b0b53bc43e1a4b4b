import type { FastifyInstance } from 'fastify';

/** The carethread mark: two threads meeting in one. Small enough to live here, no file to ship. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b5cad"/><path d="M7 10c6 0 8 6 9 6s3-6 9-6M7 22c6 0 8-6 9-6s3 6 9 6" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/></svg>`;

/** Browsers ask for /favicon.ico on every page; the pages link /favicon.svg. Both get the mark. */
export function registerFavicon(app: FastifyInstance): void {
  for (const url of ['/favicon.svg', '/favicon.ico']) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG),
    );
  }
}
