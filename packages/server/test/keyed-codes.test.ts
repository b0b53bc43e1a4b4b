import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { outboxRows, queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { hiddenField, PortalVisitor } from './helpers/portal.ts';

// Issue 12, item 5: portal codes were kept as an unkeyed SHA-256 (a dump gave them up in under
// two seconds: six digits are a million tries) and continuation codes in clear. Both are now an
// HMAC under a key derived from the server secret. A dump of every table holds neither a code nor
// any unkeyed digest of it, and the codes still work.

const PHONE = '+12125550177';
let h: Harness;

beforeAll(async () => {
  h = await createHarness({ patients: 3 });
  const res = await h.post('/api/v1/patients', { givenName: 'Rosa', familyName: 'Quintero', birthDate: '1970-05-06', identifiers: [{ kind: 'phone', value: PHONE }] });
  expect(res.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** Every row of every table, as PostgreSQL prints it. */
async function dump(): Promise<string> {
  const tables = await queryRows<{ name: string }>(h.database, sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`);
  expect(tables.length).toBeGreaterThan(20);
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await queryRows<{ row: string }>(h.database, sql.raw(`select t::text as row from "${name}" t`));
    parts.push(`${name}: ${rows.map((r) => r.row).join('\n')}`);
  }
  return parts.join('\n');
}

/** The code as it could be read or recovered offline: itself, and unkeyed digests an attacker would try. */
function readableForms(code: string): string[] {
  const digests = [code, `${h.organizationId}:${code}`].flatMap((v) => {
    const d = createHash('sha256').update(v);
    const raw = d.digest();
    return [raw.toString('hex'), raw.toString('base64'), raw.toString('base64url'), raw.toString('base64url').slice(0, 22)];
  });
  return digests;
}

/** The code in clear: six digits not part of a longer number or a timestamp's fraction. */
const inClear = (text: string, code: string) => new RegExp(`(?<![0-9.])${code}(?![0-9])`).test(text);

describe('one-time codes at rest', () => {
  it('a portal sign-in code is neither in a dump nor recoverable from one, and still signs in', async () => {
    const v = new PortalVisitor(h.app);
    const page = await v.get('/portal?org=demo');
    const sent = await v.post('/portal/sign-in?org=demo&lang=en', { csrf: hiddenField(page.body, 'csrf')!, address: PHONE, birthDate: '' });
    expect(sent.statusCode).toBe(303);
    const row = (await outboxRows(h.database, (o) => o.to_address === PHONE && o.payload.purpose === 'portal_code')).at(-1);
    const code = /(\d{6})/.exec(row!.payload.text)![1]!;

    const text = await dump();
    expect(inClear(text, code), 'the code in clear').toBe(false);
    for (const form of readableForms(code)) expect(text, 'an unkeyed digest of the code').not.toContain(form);

    const verify = await v.get('/portal/verify?org=demo&lang=en');
    const res = await v.post('/portal/verify?org=demo&lang=en', { csrf: hiddenField(verify.body, 'csrf')!, code });
    expect(res.statusCode).toBe(303);
    expect(v.cookies.get('ct_portal')).toBeTruthy();
  });

  it('a continuation code is neither in a dump nor recoverable from one, and still joins the case', async () => {
    const first = await h.post('/api/v1/channel-events', { channel: 'sms', idempotencyKey: 'SM-keyed-1', from: { kind: 'phone', value: PHONE }, text: 'I need a refill of my metformin' });
    expect(first.status).toBe(201);
    const offer = await h.post(`/api/v1/interactions/${first.body.interactionId}/continuations`, { channel: 'voice' });
    expect(offer.status).toBe(201);
    const code = offer.body.code as string;
    expect(code).toMatch(/^\d{8}$/);

    const text = await dump();
    expect(inClear(text, code), 'the code in clear').toBe(false);
    for (const form of readableForms(code)) expect(text, 'an unkeyed digest of the code').not.toContain(form);

    const call = await h.post('/api/v1/channel-events', { channel: 'voice', idempotencyKey: 'CA-keyed-1', from: { kind: 'phone', value: '+13125550188' }, conversationRef: 'CA-keyed', kind: 'dtmf', dtmf: code });
    expect(call.status).toBe(201);
    expect(call.body.caseId).toBe(first.body.caseId);
  });
});
