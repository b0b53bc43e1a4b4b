import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/index.ts';
import { HSTS_VALUE, NON_PAGE_POLICY, trustProxyFromEnv } from '../src/http-security.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { orgSlug, staffWithPassword } from './helpers/auth.ts';
import { ensureFreshWebBuild } from './helpers/workspace.ts';

// Transmission security (docs/security.md, 164.312(e)): every response carries the headers
// of http-security.ts, every page a CSP whose nonce is the one its inline code carries, and
// every cookie is HttpOnly, SameSite and Secure once TLS is in front.

let h: Harness;
const PASSWORD = 'a long and private passphrase';

beforeAll(async () => {
  await ensureFreshWebBuild();
  h = await createHarness({ patients: 3 });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

function get(url: string, headers: Record<string, string> = {}, app: FastifyInstance = h.app) {
  return app.inject({ method: 'GET', url, headers });
}

function header(res: LightMyRequestResponse, name: string): string {
  return String(res.headers[name] ?? '');
}

function setCookies(res: LightMyRequestResponse): string[] {
  const raw = res.headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

/** Same-origin settings that every response has, page or not. */
function expectCommon(res: LightMyRequestResponse) {
  expect(header(res, 'x-content-type-options')).toBe('nosniff');
  expect(header(res, 'referrer-policy')).toBe('no-referrer');
  expect(header(res, 'x-frame-options')).toBe('DENY');
  const permissions = header(res, 'permissions-policy');
  expect(permissions).toContain('camera=()');
  expect(permissions).toContain('microphone=()');
  expect(permissions).toContain('geolocation=()');
}

/** A page's CSP: nonce-only (or nonce + same-origin files), no unsafe-*, nobody frames it, and the nonce is the page's. */
function expectPagePolicy(res: LightMyRequestResponse, { files }: { files: boolean }) {
  expect(header(res, 'content-type')).toMatch(/^text\/html/);
  expectCommon(res);
  const csp = header(res, 'content-security-policy');
  expect(csp).not.toContain('unsafe-');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).toContain("script-src-attr 'none'");
  const nonce = /script-src (?:'self' )?'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce, csp).toBeTruthy();
  expect(csp.includes("script-src 'self'")).toBe(files);
  const html = res.body;
  // Every inline script and style carries this response's nonce; no inline event handler exists.
  for (const tag of html.match(/<(script|style)\b[^>]*>/g) ?? []) {
    if (/\bsrc=/.test(tag) || /type="application\/json"/.test(tag)) continue;
    expect(tag).toContain(`nonce="${nonce}"`);
  }
  const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '').replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '');
  expect(markup).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
  expect(markup).not.toMatch(/<[^>]+\sstyle\s*=/i);
  return nonce!;
}

describe('security headers on every page', () => {
  it('the landing page, the first-run set-up, the portal, the front desk and the widget demo: nonce-only policies', async () => {
    // Every one of these pages exists; the portal of an unknown clinic is a page too (it says so).
    const pages: Array<[string, number]> = [
      ['/', 200],
      ['/setup', 200],
      ['/setup?lang=es', 200],
      ['/portal?org=demo', 200],
      ['/portal?org=no-such-org', 404],
      ['/front-desk', 200],
      ['/front-desk?lang=es', 200],
    ];
    for (const [url, status] of pages) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(status);
      expect(header(res, 'content-type'), url).toContain('text/html');
      expectPagePolicy(res, { files: false });
    }
    const demo = await get('/demo/chat');
    expect(demo.statusCode).toBe(200);
    // The demo page loads /widget.js exactly as a customer site does: a same-origin file.
    expectPagePolicy(demo, { files: true });
  });

  it('the workspace and supervisor view (/app) and the API reference (/docs) load their bundles as same-origin files', async () => {
    for (const url of ['/app/', '/app/supervisor', '/app/cases/123']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expectPagePolicy(res, { files: true });
    }
    const docs = await get('/docs/');
    expect(docs.statusCode).toBe(200);
    expectPagePolicy(docs, { files: true });
  });

  it('uses a fresh nonce for every response', async () => {
    const a = header(await get('/portal?org=demo'), 'content-security-policy');
    const b = header(await get('/portal?org=demo'), 'content-security-policy');
    expect(a).not.toBe(b);
  });

  it('pages holding PHI or secrets are never cached', async () => {
    for (const url of ['/setup', '/portal?org=demo', '/front-desk', '/']) expect(header(await get(url), 'cache-control'), url).toBe('no-store');
    // Hashed assets may be cached forever; the workspace shell is revalidated.
    expect(header(await get('/app/'), 'cache-control')).toBe('no-cache');
  });
});

describe('security headers on the API and other responses', () => {
  it('API answers, errors included, are no-store and carry a deny-all policy', async () => {
    const auth = { authorization: `Bearer ${h.token}` };
    for (const [url, headers, status] of [
      ['/api/v1/me', auth, 200],
      ['/api/v1/staff', auth, 200],
      ['/api/v1/me', {}, 401],
      ['/api/v1/no-such-route', auth, 404],
      ['/health', {}, 200],
    ] as const) {
      const res = await get(url, headers);
      expect(res.statusCode, url).toBe(status);
      expectCommon(res);
      expect(header(res, 'content-security-policy'), url).toBe(NON_PAGE_POLICY);
      expect(header(res, 'cache-control'), url).toBe('no-store');
    }
  });

  it('the widget bundle keeps its short public cache and stays embeddable by any site (a script, not a frame)', async () => {
    const res = await get('/widget.js');
    expect(res.statusCode).toBe(200);
    expect(header(res, 'cache-control')).toBe('public, max-age=300');
    expect(header(res, 'access-control-allow-origin')).toBe('*');
    expect(header(res, 'x-content-type-options')).toBe('nosniff');
    // No Cross-Origin-Resource-Policy: other sites must be able to load it.
    expect(res.headers['cross-origin-resource-policy']).toBeUndefined();
  });
});

describe('HSTS and TLS in front', () => {
  it('sends no HSTS over plain http with an http public URL', async () => {
    const res = await get('/');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(header(res, 'content-security-policy')).not.toContain('upgrade-insecure-requests');
  });

  it('sends HSTS (a year or more, subdomains) and upgrades subresources when the public URL is https', async () => {
    const before = h.services.settings.publicUrl;
    h.services.settings.publicUrl = 'https://care.example.org';
    try {
      for (const url of ['/', '/api/v1/me', '/portal?org=demo']) {
        const res = await get(url, { authorization: `Bearer ${h.token}` });
        const hsts = header(res, 'strict-transport-security');
        expect(hsts, url).toBe(HSTS_VALUE);
        expect(Number(/max-age=(\d+)/.exec(hsts)![1])).toBeGreaterThanOrEqual(31_536_000);
        expect(hsts).toContain('includeSubDomains');
      }
      expect(header(await get('/'), 'content-security-policy')).toContain('upgrade-insecure-requests');
    } finally {
      h.services.settings.publicUrl = before;
    }
  });

  it('sends HSTS with CARETHREAD_SECURE_COOKIES=1', async () => {
    process.env.CARETHREAD_SECURE_COOKIES = '1';
    try {
      expect(header(await get('/'), 'strict-transport-security')).toBe(HSTS_VALUE);
    } finally {
      delete process.env.CARETHREAD_SECURE_COOKIES;
    }
  });

  it('believes X-Forwarded-Proto only from a trusted proxy', async () => {
    // Default: forwarded headers are ignored, whoever sends them.
    expect((await get('/', { 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).toBeUndefined();
    const proxied = await buildApp({ services: h.services, hub: h.hub, trustProxy: 'loopback' });
    await proxied.ready();
    try {
      // light-my-request connects from 127.0.0.1: the proxy on the same host.
      const res = await get('/', { 'x-forwarded-proto': 'https' }, proxied);
      expect(header(res, 'strict-transport-security')).toBe(HSTS_VALUE);
      expect((await get('/', {}, proxied)).headers['strict-transport-security']).toBeUndefined();
    } finally {
      await proxied.close();
    }
    const elsewhere = await buildApp({ services: h.services, hub: h.hub, trustProxy: '10.0.0.5' });
    await elsewhere.ready();
    try {
      expect((await get('/', { 'x-forwarded-proto': 'https' }, elsewhere)).headers['strict-transport-security']).toBeUndefined();
    } finally {
      await elsewhere.close();
    }
  });

  it('reads CARETHREAD_TRUST_PROXY', () => {
    expect(trustProxyFromEnv(undefined)).toBe(false);
    expect(trustProxyFromEnv('')).toBe(false);
    expect(trustProxyFromEnv('0')).toBe(false);
    expect(trustProxyFromEnv('false')).toBe(false);
    expect(trustProxyFromEnv('true')).toBe(true);
    expect(trustProxyFromEnv('loopback')).toBe('loopback');
    expect(trustProxyFromEnv(' 10.0.0.0/8, 127.0.0.1 ')).toBe('10.0.0.0/8, 127.0.0.1');
    const hops = trustProxyFromEnv('1') as (address: string, hop: number) => boolean;
    expect(typeof hops).toBe('function');
    expect(hops('127.0.0.1', 0)).toBe(true);
    expect(hops('10.0.0.9', 1)).toBe(false);
  });
});

describe('cookies', () => {
  async function staffSignIn(email: string) {
    return h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { organization: await orgSlug(h), email, password: PASSWORD },
    });
  }

  async function portalCookies(): Promise<string[]> {
    return setCookies(await get('/portal?org=demo'));
  }

  it('the staff session cookie is HttpOnly and SameSite=Strict, Secure only with TLS in front', async () => {
    await staffWithPassword(h, 'agent', 'cookie.agent@example.org', PASSWORD);
    const plain = setCookies(await staffSignIn('cookie.agent@example.org'));
    expect(plain).toHaveLength(1);
    expect(plain[0]).toMatch(/^ct_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);

    const before = h.services.settings.publicUrl;
    h.services.settings.publicUrl = 'https://care.example.org';
    try {
      const secure = setCookies(await staffSignIn('cookie.agent@example.org'));
      expect(secure[0]).toMatch(/^ct_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    } finally {
      h.services.settings.publicUrl = before;
    }
    const proxied = await buildApp({ services: h.services, hub: h.hub, trustProxy: 'loopback' });
    await proxied.ready();
    try {
      const res = await proxied.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { organization: await orgSlug(h), email: 'cookie.agent@example.org', password: PASSWORD },
      });
      expect(setCookies(res)[0]).toMatch(/; Secure$/);
    } finally {
      await proxied.close();
    }
  });

  it('portal cookies are HttpOnly, SameSite=Lax (links from texts and emails), scoped to /portal, Secure with TLS in front', async () => {
    const plain = await portalCookies();
    expect(plain.length).toBeGreaterThan(0);
    for (const c of plain) {
      expect(c).toMatch(/; Path=\/portal; HttpOnly; SameSite=Lax/);
      expect(c).not.toContain('Secure');
    }
    process.env.CARETHREAD_SECURE_COOKIES = '1';
    try {
      for (const c of await portalCookies()) expect(c).toMatch(/; Path=\/portal; HttpOnly; SameSite=Lax.*; Secure$/);
    } finally {
      delete process.env.CARETHREAD_SECURE_COOKIES;
    }
  });
});
