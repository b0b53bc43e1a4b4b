import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { auditedRouteList } from '../src/index.ts';
import { cases, departments, interactions, patients, staff } from '../src/store/schema.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import {
  bent,
  bodyFor,
  changedTables,
  describeFailure,
  fuzzParams,
  fuzzTimeout,
  hostileString,
  tableSnapshotter,
  type JsonSchema,
  type KnownIds,
  type TableSnapshot,
} from './helpers/fuzz.ts';

// Issue 6 point 8, REST: every /api/v1 route, called as admin (the role that passes every
// permission check, so the input reaches validation and the handler) with hostile path
// parameters, query strings and bodies. Whatever comes in: never a 5xx, every 4xx names an
// error code, and a refused request leaves every table as it was.

/**
 * Tables a refused request may legitimately write, and when:
 * - audit_log, always: every /api/v1 request is recorded, refused ones included (audit/hook.ts);
 *   that is the audit trail's job, not a partial write.
 * - continuation_failures, on a refused continuation code: each wrong code is counted against
 *   the contact that tried it, so guessing is rate-limited (pipeline/continuations.ts).
 */
const ALWAYS_MAY_CHANGE = ['audit_log'];
const MAY_CHANGE_ON: Record<string, string[]> = {
  continuation_unknown: ['continuation_failures'],
  continuation_used: ['continuation_failures'],
  continuation_expired: ['continuation_failures'],
  continuation_rate_limited: ['continuation_failures'],
};

/** CI default: runs per route (FUZZ_RUNS overrides). */
const RUNS_PER_ROUTE = 16;
/** CI default for the dedicated ChannelEvent property. */
const CHANNEL_EVENT_RUNS = 60;

// Built at load time, so that every route can be a test of its own (a failure names its route).
const h: Harness = await createHarness({ patients: 8 });
let spec: { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; schema: JsonSchema }>; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>> };
let known: KnownIds;
let snapshot: () => Promise<TableSnapshot>;
let last: TableSnapshot;

beforeAll(async () => {
  spec = (h.app as unknown as { swagger(): typeof spec }).swagger();
  const db = h.database.db;
  const org = h.organizationId;
  const c = await db.select({ id: cases.id }).from(cases).where(eq(cases.organizationId, org)).limit(2);
  const p = await db.select({ id: patients.id }).from(patients).where(eq(patients.organizationId, org)).limit(3);
  const d = await db.select({ id: departments.id }).from(departments).where(eq(departments.organizationId, org)).limit(3);
  const s = await db.select({ id: staff.id }).from(staff).where(eq(staff.organizationId, org)).limit(3);
  // A contact so that cases and interactions exist to aim at.
  const contact = await h.post('/api/v1/channel-events', {
    idempotencyKey: 'fuzz-seed-1',
    channel: 'sms',
    from: { kind: 'phone', value: '+12125550161' },
    conversationRef: 'fuzz-seed',
    text: 'I need to reschedule my appointment please',
    occurredAt: '2026-11-02T14:00:00Z',
  });
  expect(contact.status).toBe(201);
  const i = await db.select({ id: interactions.id }).from(interactions).where(eq(interactions.organizationId, org)).limit(2);
  known = {
    caseId: [contact.body.caseId, ...c.map((r) => r.id)],
    patientId: p.map((r) => r.id),
    interactionId: [contact.body.interactionId, ...i.map((r) => r.id)],
    departmentId: d.map((r) => r.id),
    staffId: s.map((r) => r.id),
    organizationId: [org],
  };
  snapshot = await tableSnapshotter(h.database, ALWAYS_MAY_CHANGE);
  last = await snapshot();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** encodeURIComponent throws on lone surrogates; those go as raw invalid UTF-8 instead. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

/** Query values as a client would put them: arrays repeat the key, objects go as JSON. */
function queryString(values: Record<string, unknown>, raw: string): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      parts.push(`${encode(key)}=${encode(typeof v === 'string' ? v : v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))}`);
    }
  }
  if (raw) parts.push(raw);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Query-string shapes parsers get wrong: broken escapes, bracket syntax, pollution keys. */
const rawQuery = fc.constantFrom('', '', '', '%', 'a=%ZZ', '__proto__[polluted]=1', 'constructor[prototype][x]=1', 'limit=1&limit=2', '&&&=&=', 'a[]=1&a[]=2', `q=${'x'.repeat(3000)}`);

type Operation = NonNullable<(typeof spec)['paths'][string][string]>;

function operationOf(method: string, url: string): Operation | undefined {
  return spec.paths[url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()];
}

interface Request {
  method: string;
  url: string;
  contentType: string | null;
  payload: string | undefined;
}

/** One hostile request to a route: its parameters, query and body drawn from the route's own schema, bent. */
function requestFor(method: string, url: string): fc.Arbitrary<Request> {
  const op = operationOf(method, url);
  const names = [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  const param = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: bent({ type: 'string', format: 'uuid' }, name, known, 0, 0) },
      { weight: 3, arbitrary: hostileString.filter((s) => s.length > 0) },
      { weight: 1, arbitrary: fc.constantFrom('1', '-1', '0', '99999999999999999999', '1.5', 'NaN') },
    );
  const params: fc.Arbitrary<string[]> = fc.tuple(...names.map(param)).map((t) => t as string[]);
  const queryModel: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of op?.parameters ?? []) if (p.in === 'query') queryModel[p.name] = bent(p.schema ?? {}, p.name, known);
  const query = fc.tuple(fc.record(queryModel, { requiredKeys: [] }), rawQuery);
  const schema = op?.requestBody?.content?.['application/json']?.schema;
  const hasBody = method !== 'GET';
  const body = hasBody
    ? fc.oneof(
        { weight: 8, arbitrary: bodyFor(schema, known).map((b) => ({ contentType: 'application/json', payload: b === undefined ? undefined : JSON.stringify(b) })) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            { contentType: 'application/json', payload: '{"unterminated": ' },
            { contentType: 'application/json', payload: '' },
            { contentType: 'application/json', payload: '{"__proto__": {"polluted": true}}' },
            { contentType: 'application/json', payload: '{"constructor": {"prototype": {"polluted": true}}}' },
            { contentType: 'application/json', payload: '{"a": 1, "a": 2}' },
            { contentType: 'application/json', payload: '\uFEFF{}' },
            // Nesting far past anything legitimate, inside the body limit.
            { contentType: 'application/json', payload: `${'['.repeat(50_000)}${']'.repeat(50_000)}` },
            { contentType: 'application/json', payload: `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}` },
            { contentType: 'text/plain', payload: 'hello' },
            { contentType: 'application/x-www-form-urlencoded', payload: 'a=1&b=%00' },
            { contentType: 'application/xml', payload: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' },
          ),
        },
        { weight: 1, arbitrary: fc.constant({ contentType: null, payload: undefined }) },
      )
    : fc.constant({ contentType: null, payload: undefined });
  return fc.tuple(params, query, body).map(([values, [q, raw], b]) => {
    let i = 0;
    const path = url.replace(/:([A-Za-z]+)/g, () => encode(values[i++] ?? ''));
    return { method, url: `${path}${queryString(q, raw)}`, contentType: b.contentType as string | null, payload: b.payload as string | undefined };
  });
}

async function send(req: Request) {
  return h.app.inject({
    method: req.method as 'GET',
    url: req.url,
    headers: { authorization: `Bearer ${h.token}`, ...(req.contentType ? { 'content-type': req.contentType } : {}) },
    ...(req.payload === undefined ? {} : { payload: req.payload }),
  });
}

/** The suite's three promises for one request. */
async function check(req: Request): Promise<void> {
  const res = await send(req);
  const before = last;
  // The next request is compared with this one's outcome, whatever this one's verdict.
  const after = (last = await snapshot());
  const where = `${req.method} ${req.url.slice(0, 160)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  if (res.statusCode >= 400) {
    let json: { error?: unknown; resourceType?: unknown; issue?: Array<{ code?: unknown }> } | null = null;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = null;
    }
    // The FHIR routes answer as FHIR does: an OperationOutcome whose issue carries the code.
    const code = json?.resourceType === 'OperationOutcome' ? json.issue?.[0]?.code : json?.error;
    expect(typeof code, `a 4xx names its error code: ${where}`).toBe('string');
    const allowed = MAY_CHANGE_ON[code as string] ?? [];
    expect(
      changedTables(before, after).filter((t) => !allowed.includes(t)),
      `a refused request changed tables: ${where}`,
    ).toEqual([]);
  }
}

/** Routes outside the walk, and why. */
const SKIPPED: Record<string, string> = {
  // A websocket upgrade, not a request/response route; the staff stream reads nothing from the
  // client after the handshake, whose token checks test/stream.test.ts covers.
  'GET /api/v1/stream': 'websocket',
};
/** Sign-out routes end the caller's sessions: walked last so they cannot disturb the rest. */
const LAST = /sign-out/;

describe('hostile input: every /api/v1 route', () => {
  it('lists routes to walk', () => {
    const routes = auditedRouteList(h.app).filter((r) => r.url.startsWith('/api/v1/'));
    expect(routes.length).toBeGreaterThan(80);
  });

  // One test per route, so a failure names its route and a large run reports progress.
  const walked = auditedRouteList(h.app)
    .filter((r) => r.url.startsWith('/api/v1/') && !SKIPPED[`${r.method} ${r.url}`])
    .sort((a, b) => Number(LAST.test(a.url)) - Number(LAST.test(b.url)) || `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`));
  for (const route of walked) {
    it(
      `${route.method} ${route.url}: never 5xx, names every refusal, a refusal changes nothing`,
      async () => {
        const run = await fc.check(fc.asyncProperty(requestFor(route.method, route.url), check), fuzzParams(RUNS_PER_ROUTE));
        expect(run.failed, run.failed ? describeFailure(`${route.method} ${route.url}`, run) : '').toBe(false);
      },
      fuzzTimeout(RUNS_PER_ROUTE, 150),
    );
  }

  it(
    'POST /api/v1/channel-events takes any ChannelEvent-shaped junk without a 5xx or a partial write',
    async () => {
      const run = await fc.check(fc.asyncProperty(requestFor('POST', '/api/v1/channel-events'), check), fuzzParams(CHANNEL_EVENT_RUNS));
      expect(run.failed, run.failed ? describeFailure('POST /api/v1/channel-events', run) : '').toBe(false);
    },
    fuzzTimeout(CHANNEL_EVENT_RUNS, 200),
  );

  it('the admin token still works after the walk', async () => {
    const me = await h.get('/api/v1/me');
    expect(me.status).toBe(200);
  });
});
