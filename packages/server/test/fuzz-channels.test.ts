import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { desc, eq } from 'drizzle-orm';
import twilio from 'twilio';
import { DEMO_PHONE_NUMBER, auditedRouteList } from '../src/index.ts';
import { outbox } from '../src/store/schema.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { hiddenField, PortalVisitor } from './helpers/portal.ts';
import { SCRIPT_MARKER, changedTables, describeFailure, fuzzParams, fuzzTimeout, hostileString, tableSnapshotter, watchErrorLogs, type TableSnapshot } from './helpers/fuzz.ts';

// Issue 6 point 8, the channel edges that face the public: Twilio's SMS and voice webhooks (signed
// with the real twilio library, and forged) and the patient portal's pages and forms. Whatever
// arrives: never a 5xx, a forged webhook changes nothing, a refused form changes nothing, and an
// HTML page never echoes a planted <script> unescaped.

const PUBLIC_URL = 'https://carethread.example.org';
const AUTH_TOKEN = 'fuzz-twilio-auth-token-0123456789';
const SMS_RUNS = 60;
const VOICE_RUNS = 80;
const FORGED_RUNS = 40;
const PORTAL_RUNS = 120;

let h: Harness;
let snapshot: () => Promise<TableSnapshot>;

beforeAll(async () => {
  h = await createHarness({ patients: 6 });
  h.services.settings = { ...h.services.settings, publicUrl: PUBLIC_URL, twilio: { ...h.services.settings.twilio, authToken: AUTH_TOKEN } };
  snapshot = await tableSnapshotter(h.database, []);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** Fictional numbers: +1 XXX 555-01XX. */
const phone = fc.integer({ min: 100, max: 199 }).map((n) => `+1212555${String(n).padStart(4, '0')}`);
const hex = fc.constantFrom(...'0123456789abcdef');
const sid = (prefix: string) => fc.string({ unit: hex, minLength: 32, maxLength: 32 }).map((digits) => `${prefix}${digits}`);

/** A value for a form field: usually plausible, often hostile. */
const field = (plausible: fc.Arbitrary<string>) => fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 2, arbitrary: hostileString });
/** Extra fields nobody asked for, pollution keys among them. */
const extras = fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'NumMedia', 'MediaUrl0', 'Body', 'From'), hostileString), hostileString, { maxKeys: 3 });

function form(model: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Record<string, string>> {
  return fc.tuple(fc.record(model, { requiredKeys: [] }), extras).map(([base, extra]) => {
    const out: Record<string, string> = {};
    // Extra keys first: a hostile duplicate never hides the field under test.
    for (const [k, v] of Object.entries(extra)) if (k.length > 0) out[k] = v;
    for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = v;
    return out;
  });
}

/** Form-encodes like Twilio; a lone surrogate cannot be percent-encoded, so it travels as U+FFFD (what a real client sends). */
function encodeForm(values: Record<string, string>): string {
  const fix = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return new URLSearchParams(Object.entries(values).map(([k, v]) => [fix(k), fix(v)])).toString();
}

/** The app's request body limit (app.ts). */
const BODY_LIMIT = 256 * 1024;

/** Posts as Twilio would; `signature` null sends none, a string sends that one, undefined signs correctly. */
async function postTwilio(pathAndQuery: string, values: Record<string, string>, signature?: string | null) {
  const payload = encodeForm(values);
  // Twilio signs what it sent; the server sees the decoded form, so sign the decoded form too.
  const sent = Object.fromEntries(new URLSearchParams(payload));
  const sig = signature === undefined ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${pathAndQuery}`, sent) : signature;
  return h.app.inject({
    method: 'POST',
    url: pathAndQuery,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig ? { 'x-twilio-signature': sig } : {}) },
    payload,
  });
}

const smsForm = form({
  MessageSid: field(sid('SM')),
  SmsSid: field(sid('SM')),
  AccountSid: field(sid('AC')),
  From: field(phone),
  To: field(fc.constant(DEMO_PHONE_NUMBER)),
  Body: field(fc.constantFrom('I need a refill of my lisinopril', 'STOP', 'START', 'HELP', 'Necesito una cita', '', 'cancel my appointment')),
  NumMedia: field(fc.constantFrom('0', '1', '10', '-1', '999999', '1e9')),
  MediaUrl0: field(fc.constantFrom('https://example.org/a.jpg', 'http://localhost/x', 'javascript:alert(1)')),
  MessageStatus: field(fc.constantFrom('queued', 'sent', 'delivered', 'undelivered', 'failed', 'read')),
  ErrorCode: field(fc.constantFrom('30003', '30007', '')),
});

const VOICE_STEPS = ['', '/code', '/menu', '/assistant', '/details', '/wait', '/queue', '/status', '/connect-agent'];
const voiceQuery = fc
  .record(
    {
      lang: field(fc.constantFrom('en', 'es', 'fr')),
      attempt: field(fc.constantFrom('1', '2', '3', '0', '-1', '99999999999')),
      agentId: field(fc.uuid()),
    },
    { requiredKeys: [] },
  )
  .map((q) => {
    const entries = Object.entries(q).filter(([, v]) => v !== undefined) as Array<[string, string]>;
    return entries.length ? `?${encodeForm(Object.fromEntries(entries))}` : '';
  });
const voiceForm = form({
  CallSid: field(sid('CA')),
  AccountSid: field(sid('AC')),
  From: field(phone),
  To: field(fc.constant(DEMO_PHONE_NUMBER)),
  Digits: field(fc.constantFrom('1', '2', '9', '0', '#', '123456', '*', '12345678901234567890123456789012345')),
  SpeechResult: field(fc.constantFrom('I need a refill', 'two', 'dos', 'speak to a person', 'chest pain')),
  CallStatus: field(fc.constantFrom('ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled')),
  CallDuration: field(fc.constantFrom('0', '30', '999999999', '-5')),
  Timestamp: field(fc.constantFrom('Mon, 02 Nov 2026 14:00:00 +0000', 'not a date', '')),
  QueueResult: field(fc.constantFrom('bridged', 'hangup', 'leave', 'redirected', 'error', 'system-error')),
  QueueTime: field(fc.constantFrom('0', '45', '600', '999999999')),
  QueuePosition: field(fc.constantFrom('1', '5', '0')),
  QueueSid: field(sid('QU')),
});


describe('hostile input: Twilio webhooks', () => {
  it(
    'SMS and status webhooks: correctly signed junk never gets a 5xx, and a refusal changes nothing',
    async () => {
      const path = fc.constantFrom('/channels/twilio/sms', '/channels/twilio/sms/status');
      let last = await snapshot();
      const run = await fc.check(
        fc.asyncProperty(path, smsForm, async (p, values) => {
          const res = await postTwilio(p, values);
          const before = last;
          last = await snapshot();
          const where = `${p} → ${res.statusCode} ${res.body.slice(0, 200)}`;
          expect(res.statusCode, where).toBeLessThan(500);
          if (res.statusCode >= 400) expect(changedTables(before, last), where).toEqual([]);
        }),
        fuzzParams(SMS_RUNS),
      );
      expect(run.failed, run.failed ? describeFailure('twilio sms', run) : '').toBe(false);
    },
    fuzzTimeout(SMS_RUNS, 300),
  );

  it(
    'voice webhooks: correctly signed junk always gets TwiML, and no step fails on our side',
    async () => {
      // voice.ts answers TwiML even when a step threw (Twilio reads a 5xx as a dead line), and
      // logs that at error level: the log is this webhook's 5xx.
      const errors = watchErrorLogs(h.app);
      const run = await fc.check(
        fc.asyncProperty(fc.constantFrom(...VOICE_STEPS), voiceQuery, voiceForm, async (step, query, values) => {
          const res = await postTwilio(`/channels/twilio/voice${step}${query}`, values);
          const where = `voice${step}${query} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          // A body over the size limit is never parsed, so its signature cannot be checked: it is
          // refused like an unsigned one (Twilio's own posts are a few KiB).
          if (encodeForm(values).length > BODY_LIMIT) {
            expect(res.statusCode, where).toBe(403);
            return;
          }
          expect(res.statusCode, where).toBe(200);
          expect(res.headers['content-type'], where).toMatch(/^text\/xml/);
          expect(errors.take(), where).toEqual([]);
        }),
        fuzzParams(VOICE_RUNS),
      );
      errors.restore();
      expect(run.failed, run.failed ? describeFailure('twilio voice', run) : '').toBe(false);
    },
    fuzzTimeout(VOICE_RUNS, 300),
  );

  it(
    'forged, missing or replayed-elsewhere signatures are refused with 403 and change nothing',
    async () => {
      const paths = fc.constantFrom('/channels/twilio/sms', '/channels/twilio/sms/status', ...VOICE_STEPS.map((s) => `/channels/twilio/voice${s}`));
      const forged = fc.oneof(
        fc.constant(null),
        hostileString,
        fc.base64String({ minLength: 28, maxLength: 28 }),
        // A real signature, but over another URL or with the wrong token.
        fc.constant('other-url'),
        fc.constant('wrong-token'),
      );
      let last = await snapshot();
      const run = await fc.check(
        fc.asyncProperty(paths, fc.oneof(smsForm, voiceForm), forged, async (p, values, sig) => {
          const payload = Object.fromEntries(new URLSearchParams(encodeForm(values)));
          const signature =
            sig === 'other-url'
              ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/channels/twilio/elsewhere`, payload)
              : sig === 'wrong-token'
                ? twilio.getExpectedTwilioSignature('not-the-auth-token', `${PUBLIC_URL}${p}`, payload)
                : sig;
          // A header value must be a valid HTTP token string; anything else the client itself refuses to send.
          const header = signature === null ? null : /^[\x21-\x7e]*$/.test(signature) ? signature : 'forged';
          const res = await postTwilio(p, values, header);
          const before = last;
          last = await snapshot();
          const where = `${p} → ${res.statusCode}`;
          // A body past the size limit is refused before the signature is even read: 413, or on
          // voice, which answers TwiML whatever happens, the fail-safe TwiML.
          const oversized = encodeForm(values).length > 256 * 1024;
          expect([403, ...(oversized ? [413, ...(p.includes('/voice') ? [200] : [])] : [])], where).toContain(res.statusCode);
          expect(changedTables(before, last), where).toEqual([]);
        }),
        fuzzParams(FORGED_RUNS),
      );
      expect(run.failed, run.failed ? describeFailure('forged twilio', run) : '').toBe(false);
    },
    fuzzTimeout(FORGED_RUNS, 300),
  );
});

// ---------------------------------------------------------------------------------------------
// The patient portal.
// ---------------------------------------------------------------------------------------------

/** The portal visitor of these tests (helpers/portal.ts). */
class Visitor extends PortalVisitor {
  constructor() {
    super(h.app);
  }
}

describe('hostile input: the patient portal', () => {
  let signedIn: Visitor;
  let signedInCsrf: string;
  let caseId: string;

  beforeAll(async () => {
    const address = '+12125550143';
    const patient = await h.post('/api/v1/patients', { givenName: 'Fuzz', familyName: 'Portal', birthDate: '1970-05-06', identifiers: [{ kind: 'phone', value: address, verified: true }] });
    expect(patient.status).toBe(201);
    const contact = await h.post('/api/v1/channel-events', {
      idempotencyKey: 'fuzz-portal-1',
      channel: 'sms',
      from: { kind: 'phone', value: address },
      conversationRef: 'fuzz-portal',
      text: 'I need a refill of my lisinopril please',
      occurredAt: '2026-11-02T14:00:00Z',
    });
    expect(contact.status).toBe(201);
    caseId = contact.body.caseId;
    signedIn = new Visitor();
    const page = await signedIn.request('GET', '/portal?org=demo&lang=en');
    const sent = await signedIn.request('POST', '/portal/sign-in?org=demo&lang=en', new URLSearchParams({ csrf: hiddenField(page.body, 'csrf')!, address, birthDate: '' }).toString());
    expect(sent.statusCode).toBe(303);
    // The code as the patient would receive it, read through the outbox's own columns.
    const [row] = await h.database.db.select({ payload: outbox.payload }).from(outbox).where(eq(outbox.organizationId, h.organizationId)).orderBy(desc(outbox.id)).limit(1);
    const code = /(\d{6})/.exec(String((row!.payload as { text?: string }).text))![1]!;
    const verify = await signedIn.request('GET', '/portal/verify?org=demo&lang=en');
    const ok = await signedIn.request('POST', '/portal/verify?org=demo&lang=en', new URLSearchParams({ csrf: hiddenField(verify.body, 'csrf')!, code }).toString());
    expect(ok.statusCode).toBe(303);
    const inbox = await signedIn.request('GET', '/portal?org=demo&lang=en');
    expect(inbox.statusCode).toBe(200);
    signedInCsrf = hiddenField(inbox.body, 'csrf')!;
  }, 60_000);

  it(
    'pages and forms: no 5xx, no unescaped echo of a planted <script>, and a refused form changes nothing',
    async () => {
      const portalRoutes = auditedRouteList(h.app)
        .filter((r) => r.url.startsWith('/portal') && !r.websocket)
        .map((r) => `${r.method} ${r.url}`);
      expect(portalRoutes.length).toBeGreaterThanOrEqual(7);
      const marked = fc.oneof({ weight: 2, arbitrary: fc.constant(SCRIPT_MARKER) }, { weight: 3, arbitrary: hostileString });
      const query = fc
        .record(
          {
            org: fc.oneof({ weight: 4, arbitrary: fc.constant('demo') }, { weight: 1, arbitrary: marked }),
            lang: fc.oneof(fc.constantFrom('en', 'es'), marked),
            notice: fc.oneof(fc.constantFrom('signed_out', 'expired', 'resent'), marked),
            sent: fc.oneof(fc.constant('new'), fc.constant('x'), marked),
            [SCRIPT_MARKER]: marked,
          },
          { requiredKeys: [] },
        )
        .map((q) => {
          const entries = Object.entries(q).filter(([, v]) => v !== undefined) as Array<[string, string]>;
          return entries.length ? `?${encodeForm(Object.fromEntries(entries))}` : '';
        });
      const formValues = fc.record(
        {
          csrf: fc.oneof(fc.constant('<signed-in>'), fc.constant('<page>'), marked),
          address: fc.oneof(fc.constantFrom('+12125550143', 'someone@example.org', '212-555-0143'), marked),
          birthDate: fc.oneof(fc.constantFrom('1970-05-06', '2026-02-30', ''), marked),
          code: fc.oneof(fc.constantFrom('123456', '000000', '12 34 56', '1234567'), marked),
          caseId: fc.oneof(fc.constant('<case>'), fc.uuid(), marked),
          clientId: fc.oneof(fc.uuid(), marked),
          text: fc.oneof(fc.constantFrom('When is my refill ready?', ''), marked, fc.constant('x'.repeat(9_000))),
        },
        { requiredKeys: [] },
      );
      const who = fc.constantFrom('signed-in', 'stranger', 'junk-cookies');
      const junkCookie = fc.oneof(
        fc.constantFrom('ct_portal=forged', 'ct_portal_pending=forged.value', 'ct_portal_csrf=' + 'A'.repeat(40), `ct_portal=${encodeURIComponent(SCRIPT_MARKER)}`),
        hostileString.map((s) => `ct_portal=${encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''))}`),
      );
      const run = await fc.check(
        fc.asyncProperty(fc.constantFrom(...portalRoutes), query, formValues, who, junkCookie, async (route, q, values, as, jc) => {
          const [method, path] = route.split(' ') as ['GET' | 'POST', string];
          // The signed-in visitor stays signed in for the next run: signing out is fuzzed as a stranger.
          const visitor = as === 'signed-in' && path !== '/portal/sign-out' ? signedIn : new Visitor();
          let csrfFromPage: string | null = null;
          if (as === 'stranger' && method === 'POST') csrfFromPage = hiddenField((await visitor.request('GET', '/portal?org=demo&lang=en')).body, 'csrf');
          const resolved = Object.fromEntries(
            Object.entries(values)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => [k, v === '<signed-in>' ? signedInCsrf : v === '<page>' ? (csrfFromPage ?? '') : v === '<case>' ? caseId : v]),
          ) as Record<string, string>;
          const before = await snapshot();
          const res = await visitor.request(method, `${path}${q}`, method === 'POST' ? encodeForm(resolved) : undefined, as === 'junk-cookies' ? jc : undefined);
          const after = await snapshot();
          const where = `${method} ${path}${q.slice(0, 200)} as ${as} → ${res.statusCode} ${res.body.slice(0, 200)}`;
          expect(res.statusCode, where).toBeLessThan(500);
          if (/html/.test(String(res.headers['content-type']))) {
            expect(res.body.includes(SCRIPT_MARKER), `unescaped marker: ${where}`).toBe(false);
            expect(/<img src=x onerror/i.test(res.body), `unescaped attribute injection: ${where}`).toBe(false);
          }
          // Bookkeeping a refusal may write: a wrong code is counted against the pending sign-in
          // (portal_codes.attempts, the rate limit working), and any request from a signed-in
          // browser slides its session's idle expiry (portal_sessions.last_seen_at).
          const allowed = [...(path === '/portal/verify' && res.statusCode === 422 ? ['portal_codes'] : []), ...(as === 'signed-in' ? ['portal_sessions'] : [])];
          if (res.statusCode >= 400) expect(changedTables(before, after).filter((t) => !allowed.includes(t)), where).toEqual([]);
        }),
        fuzzParams(PORTAL_RUNS),
      );
      expect(run.failed, run.failed ? describeFailure('portal', run) : '').toBe(false);
    },
    fuzzTimeout(PORTAL_RUNS, 400),
  );
});
