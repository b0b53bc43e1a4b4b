import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { auditedRouteList } from '../src/index.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { describeFailure, fuzzParams, fuzzTimeout, hostileString, SCRIPT_MARKER } from './helpers/fuzz.ts';

// Issue 12, item 6: a NUL in the portal's `org` answered 500 because only /api/v1 query strings
// were guarded. Every route outside the API — portal pages and forms, the front desk, set-up,
// the start page, webhooks — gets hostile query strings (control characters, NUL, lone
// surrogates, out-of-range dates, injection shapes) in every key and in the parameters the pages
// read, unauthenticated. Never a 5xx, and never the planted script echoed unescaped.

const h: Harness = await createHarness({ patients: 3 });

afterAll(async () => {
  await h?.close();
});

const RUNS_PER_ROUTE = 24;
/** Query parameters the pages and webhooks read (each route ignores the others). */
const KNOWN_KEYS = ['org', 'lang', 'code', 'next', 'case', 'caseId', 'token', 'from', 'to', 'date', 'q', 'key', 'step', 'callSid'];

function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

const query = fc
  .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KNOWN_KEYS) }, { weight: 1, arbitrary: hostileString }), hostileString), { minLength: 1, maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));

const pages = auditedRouteList(h.app)
  .filter((r) => !r.url.startsWith('/api/') && !r.websocket && (r.method === 'GET' || r.method === 'POST') && !r.url.includes('*') && !r.url.startsWith('/docs'))
  .sort((a, b) => `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`));

describe('hostile query strings: every page and webhook', () => {
  it('lists the pages and webhooks', () => {
    expect(pages.some((p) => p.url === '/portal')).toBe(true);
    expect(pages.some((p) => p.url.startsWith('/channels/twilio/'))).toBe(true);
  });

  for (const route of pages) {
    it(
      `${route.method} ${route.url}: never 5xx, never echoes a script`,
      async () => {
        const path = route.url.replace(/:([A-Za-z]+)/g, 'x');
        const run = await fc.check(
          fc.asyncProperty(query, async (q) => {
            const res = await h.app.inject({
              method: route.method as 'GET',
              url: `${path}?${q}`,
              ...(route.method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' } : {}),
            });
            const where = `${route.method} ${path}?${q.slice(0, 200)} → ${res.statusCode}`;
            expect(res.statusCode, where).toBeLessThan(500);
            expect(res.body.includes(SCRIPT_MARKER), `unescaped script: ${where}`).toBe(false);
          }),
          fuzzParams(RUNS_PER_ROUTE),
        );
        expect(run.failed, run.failed ? describeFailure(`${route.method} ${route.url}`, run) : '').toBe(false);
      },
      fuzzTimeout(RUNS_PER_ROUTE, 150),
    );
  }
});
