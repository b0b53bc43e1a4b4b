import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import Provider from 'oidc-provider';
import { createHarness, type Harness } from './helpers/harness.ts';
import { orgSlug } from './helpers/auth.ts';
import { schema } from '../src/index.ts';
import { oidcConfigs } from '../src/store/schema-auth.ts';

// A real OpenID provider (oidc-provider) on a random local port, and a real authorization-code
// flow driven over HTTP: carethread's start redirect, the provider's login and consent
// interactions (its development forms), and the code coming back to carethread's callback.

interface Person {
  email: string;
  verified: boolean;
  name: string;
  groups: string[];
}
const PEOPLE: Record<string, Person> = {
  alex: { email: 'Alex.Rivera@example.org', verified: true, name: 'Alex Rivera', groups: ['staff'] },
  newcomer: { email: 'new.agent@example.org', verified: true, name: 'Nico Newcomer', groups: [] },
  lead: { email: 'team.lead@example.org', verified: true, name: 'Tess Lead', groups: ['carethread-supervisors'] },
  unverified: { email: 'jordan.lee@example.org', verified: false, name: 'Jordan Lee', groups: [] },
  outsider: { email: 'someone@elsewhere.example.net', verified: true, name: 'Out Sider', groups: [] },
};

let h: Harness;
let slug: string;
let server: Server;
let issuer: string;
const CLIENT_SECRET = 'oidc-test-client-secret-0123456789';

beforeAll(async () => {
  h = await createHarness({ patients: 3 });
  slug = await orgSlug(h);
  let provider: Provider | null = null;
  server = createServer((req, res) => provider!.callback()(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'carethread-test',
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${h.services.settings.publicUrl}/api/v1/auth/oidc/callback`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    async findAccount(_ctx, id) {
      const person = PEOPLE[id];
      if (!person) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email: person.email, email_verified: person.verified, name: person.name, groups: person.groups }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    cookies: { keys: ['oidc-test-cookie-key'] },
  });
  // The provider's own development warnings are not test output.
  provider.on('server_error', () => {});
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await h?.close();
});

/** Follows the provider's redirects with a cookie jar, submitting its login and consent forms, until it sends the browser back to carethread. */
async function throughProvider(authorizeUrl: string, login: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
    }
  };
  let url = authorizeUrl;
  let method: 'GET' | 'POST' = 'GET';
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(url, { method, body, redirect: 'manual', headers: { cookie: cookieHeader(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } });
    remember(res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url);
      if (!next.href.startsWith(issuer)) return next;
      url = next.href;
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    expect(res.status, html.slice(0, 300)).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`unexpected provider page: ${html.slice(0, 300)}`);
    url = new URL(action.replaceAll('&amp;', '&'), url).href;
    method = 'POST';
    body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
  }
  throw new Error('the provider never sent the browser back');
}

async function ssoAs(login: string) {
  const start = await h.app.inject({ method: 'GET', url: `/api/v1/auth/oidc/start?organization=${slug}` });
  expect(start.statusCode).toBe(302);
  const authorize = new URL(start.headers.location as string);
  expect(authorize.origin).toBe(issuer);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('state')).toBeTruthy();
  expect(authorize.searchParams.get('nonce')).toBeTruthy();
  const back = await throughProvider(authorize.href, login);
  expect(back.pathname).toBe('/api/v1/auth/oidc/callback');
  const callback = await h.app.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
  return { callback, back };
}

async function configure(extra: Record<string, unknown> = {}) {
  const res = await h.app.inject({
    method: 'PUT',
    url: '/api/v1/auth/oidc',
    headers: { authorization: `Bearer ${h.token}` },
    payload: { issuer, clientId: 'carethread-test', clientSecret: CLIENT_SECRET, ...extra },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('single sign-on with OpenID Connect', () => {
  it('is configured by an administrator and announced to the sign-in page', async () => {
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/auth/methods?organization=${slug}` })).json()).toEqual({ password: true, oidc: false });
    const config = await configure({ allowedDomain: 'example.org', roleClaim: 'groups', roleMap: { 'carethread-supervisors': 'supervisor' } });
    expect(config.redirectUri).toBe(`${h.services.settings.publicUrl}/api/v1/auth/oidc/callback`);
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/auth/methods?organization=${slug}` })).json()).toEqual({ password: true, oidc: true });
    // The client secret is stored sealed.
    const [row] = await h.database.db.select().from(oidcConfigs).where(eq(oidcConfigs.organizationId, h.organizationId));
    expect(row!.clientSecret).not.toContain(CLIENT_SECRET);
    expect(row!.clientSecret).toMatch(/^v1\./);
  });

  it('signs an existing staff member in by verified email, through a real provider', async () => {
    const { callback } = await ssoAs('alex');
    expect(callback.statusCode, callback.body).toBe(302);
    expect(callback.headers.location).toBe('/app/');
    const cookie = String(callback.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/^ct_session=cts_/);
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } });
    expect(me.json()).toMatchObject({ via: 'session', method: 'oidc', staff: { name: 'Alex Rivera', role: 'agent' } });
  });

  it('refuses a replayed callback, an unverified email, an unknown person and a foreign domain', async () => {
    const { back } = await ssoAs('alex');
    // ssoAs already redeemed this callback once: the same state cannot open a second session.
    const again = await h.app.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toBe('oidc_state_invalid');
    expect(again.headers['set-cookie']).toBeUndefined();

    const unverified = (await ssoAs('unverified')).callback;
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json().error).toBe('oidc_email_unverified');
    const unknown = (await ssoAs('newcomer')).callback;
    expect(unknown.statusCode).toBe(403);
    expect(unknown.json().error).toBe('oidc_unknown_staff');
    const outsider = (await ssoAs('outsider')).callback;
    expect(outsider.statusCode).toBe(403);
    expect(outsider.json().error).toBe('oidc_domain_not_allowed');
    expect(unknown.headers['set-cookie']).toBeUndefined();
  });

  it('creates an agent just in time when the organisation allows it, and maps roles from a claim', async () => {
    await configure({ allowedDomain: 'example.org', roleClaim: 'groups', roleMap: { 'carethread-supervisors': 'supervisor' }, jitProvisioning: true });
    const newcomer = (await ssoAs('newcomer')).callback;
    expect(newcomer.statusCode).toBe(302);
    const [created] = await h.database.db
      .select()
      .from(schema.staff)
      .where(and(eq(schema.staff.organizationId, h.organizationId), eq(schema.staff.email, 'new.agent@example.org')));
    expect(created).toMatchObject({ name: 'Nico Newcomer', role: 'agent' });
    const lead = (await ssoAs('lead')).callback;
    expect(lead.statusCode).toBe(302);
    const [mapped] = await h.database.db
      .select()
      .from(schema.staff)
      .where(and(eq(schema.staff.organizationId, h.organizationId), eq(schema.staff.email, 'team.lead@example.org')));
    expect(mapped!.role).toBe('supervisor');
    const signedIn = await h.database.db
      .select()
      .from(schema.events)
      .where(and(eq(schema.events.organizationId, h.organizationId), eq(schema.events.kind, 'staff_signed_in')));
    expect(signedIn.filter((e) => e.data.method === 'oidc').length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(signedIn)).not.toContain('example.org');
  });

  it('only an administrator configures it, with an https issuer', async () => {
    const staff = (await h.get('/api/v1/staff')).body as Array<{ id: string; role: string }>;
    const agent = (await h.post(`/api/v1/staff/${staff.find((s) => s.role === 'agent')!.id}/tokens`, {})).body.token as string;
    const denied = await h.app.inject({ method: 'PUT', url: '/api/v1/auth/oidc', headers: { authorization: `Bearer ${agent}` }, payload: { issuer, clientId: 'x', clientSecret: 'y' } });
    expect(denied.statusCode).toBe(403);
    const plain = await h.app.inject({ method: 'PUT', url: '/api/v1/auth/oidc', headers: { authorization: `Bearer ${h.token}` }, payload: { issuer: 'http://idp.example.org', clientId: 'x', clientSecret: 'y' } });
    expect(plain.statusCode).toBe(422);
    const noOrg = await h.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start?organization=no-such-org' });
    expect(noOrg.statusCode).toBe(404);
  });
});
