import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { count, eq } from 'drizzle-orm';
import { auditedRouteList, auditLog } from '../src/index.ts';
import { publicApiRoutes } from '../src/auth/authenticate.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// Issue 12, item 3: the router percent-decodes a path before matching it, while the hooks once
// looked at the raw URL's prefix, so `/%61pi/v1/cases` reached a handler with no authentication,
// access control, input guard or audit, and `/%61pi/v1/stream` opened a websocket with no
// credentials. Every spelling of every API path must either miss every route (404) or meet the
// same hooks as the plain one.

const ID = '00000000-0000-4000-8000-000000000001';

/** Spellings of one path that a router may or may not read as the same route. */
function spellings(path: string): string[] {
  const hex = (c: string, upper: boolean) => `%${c.charCodeAt(0).toString(16)[upper ? 'toUpperCase' : 'toLowerCase']()}`;
  const segments = path.split('/').slice(1);
  const out = new Set<string>();
  // One letter of one segment escaped, lower- and upper-case hex.
  segments.forEach((segment, i) => {
    for (const upper of [false, true]) {
      const c = segment.search(/[a-z]/i);
      if (c < 0) continue;
      const bent = segment.slice(0, c) + hex(segment[c]!, upper) + segment.slice(c + 1);
      out.add('/' + segments.map((s, j) => (j === i ? bent : s)).join('/'));
    }
  });
  // Every character escaped; and double-escaped.
  out.add('/' + segments.map((s) => [...s].map((c) => hex(c, false)).join('')).join('/'));
  out.add('/' + segments.map((s) => s.replace(/[a-z]/i, (c) => `%25${c.charCodeAt(0).toString(16)}`)).join('/'));
  // Escaped and doubled separators, a trailing slash, matrix parameters, dot segments.
  out.add(path.replace(/\//g, '%2F').replace(/^%2F/, '/'));
  out.add(path.replace(/\/v1\//, '%2fv1/'));
  out.add(path.replace(/\/v1\//, '/v1%2F'));
  out.add(`${path}/`);
  out.add(`${path}//`);
  out.add(path.replace('/api/', '//api/'));
  out.add(path.replace('/v1/', '/v1//'));
  out.add(`${path};x=1`);
  out.add(path.replace('/api/v1', '/api;x=1/v1'));
  out.add(path.replace('/api/v1', '/api/v1;'));
  out.add(path.replace('/v1/', '/v1/./'));
  out.add(path.replace('/v1/', '/x/../v1/'));
  out.add(path.replace('/api/v1', '/%61pi/%761'));
  out.add(`${path}%3F`);
  out.add(`${path}%23`);
  return [...out].filter((p) => p !== path);
}

let h: Harness;
let routes: Array<{ method: string; url: string; websocket: boolean }>;

beforeAll(async () => {
  h = await createHarness({ patients: 2 });
  routes = auditedRouteList(h.app).filter((r) => r.url.startsWith('/api/v1/'));
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, ID).replace(/\*$/, 'x');

describe('percent-encoded and bent API paths meet the same hooks', () => {
  it('without credentials: every spelling of every API route is refused by authentication or matches nothing', async () => {
    const reached: string[] = [];
    let tried = 0;
    for (const route of routes) {
      if (route.websocket || publicApiRoutes().has(`${route.method} ${route.url}`)) continue;
      for (const url of spellings(concrete(route.url))) {
        tried++;
        const res = await h.app.inject({ method: route.method as 'GET', url, payload: route.method === 'GET' ? undefined : {} });
        if (res.statusCode === 404 && !res.body.includes('"unknown_')) continue;
        // authenticate() speaks first; a handler's or a validator's answer means the hook was skipped.
        if (res.statusCode === 401 && JSON.parse(res.body).message.startsWith('Sign in first')) continue;
        reached.push(`${route.method} ${url} → ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(tried).toBeGreaterThan(1000);
    expect(reached, reached.join('\n')).toEqual([]);
  }, 240_000);

  it('with a token: an escaped path is audited under its route, and the input guard refuses a NUL', async () => {
    const auditRows = async () => (await h.database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.route, '/api/v1/cases')))[0]!.n;
    const before = await auditRows();
    const headers = { authorization: `Bearer ${h.token}` };
    for (const url of ['/%61pi/v1/cases', '/api/%761/cases', '/%41pi/v1/cases'.replace('%41', '%61'), '/api/v1/%63ases']) {
      const res = await h.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, url).toBe(200);
    }
    expect(await auditRows()).toBe(before + 4);
    const guarded = await h.app.inject({ method: 'GET', url: '/%61pi/v1/cases?status=%00', headers });
    expect(guarded.statusCode).toBe(400);
    expect(guarded.json().error).toBe('invalid_text');
  });

  it('the staff stream refuses every spelling of its path without credentials', async () => {
    const base = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws');
    const opened: string[] = [];
    for (const path of ['/api/v1/stream', ...spellings('/api/v1/stream')]) {
      const outcome = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`${base}${path}`);
        ws.once('open', () => {
          ws.close();
          resolve('open');
        });
        ws.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        ws.once('error', () => resolve('error'));
      });
      if (outcome === 'open') opened.push(path);
      else expect(['401', '404'], `${path} → ${outcome}`).toContain(outcome);
    }
    expect(opened).toEqual([]);
  });
});
