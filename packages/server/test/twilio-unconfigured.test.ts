import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { auditedRouteList, DEMO_PHONE_NUMBER, loadTwilioWebhookSecret, settingsFromEnv, TWILIO_WEBHOOK_SECRET_FILE } from '../src/index.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { changedTables, tableSnapshotter } from './helpers/fuzz.ts';

// Issue 12, item 2: without TWILIO_AUTH_TOKEN the webhooks checked signatures against a string
// in the source code, so anyone could post texts and calls as any number. Now there is no
// built-in token: unconfigured, every Twilio webhook is refused.

/** The token the server once fell back to; it is public, in every copy of the code. */
const FORMER_BUILT_IN_TOKEN = 'carethread-demo-auth-token';

let h: Harness;
const saved = process.env.TWILIO_AUTH_TOKEN;

beforeAll(async () => {
  delete process.env.TWILIO_AUTH_TOKEN;
  h = await createHarness({ patients: 2 });
}, 120_000);

afterAll(async () => {
  if (saved !== undefined) process.env.TWILIO_AUTH_TOKEN = saved;
  await h?.close();
});

describe('Twilio webhooks without Twilio credentials', () => {
  it('has no token to check against', () => {
    expect(settingsFromEnv({}).twilio.authToken).toBeUndefined();
    expect(settingsFromEnv({ TWILIO_AUTH_TOKEN: '' }).twilio.authToken).toBeUndefined();
    expect(h.services.settings.twilio.authToken).toBeUndefined();
  });

  it('refuses every Twilio endpoint, however it is signed, and records nothing', async () => {
    const snapshot = await tableSnapshotter(h.database, []);
    const before = await snapshot();
    const endpoints = auditedRouteList(h.app).filter((r) => r.method === 'POST' && r.url.startsWith('/channels/twilio/'));
    expect(endpoints.length).toBeGreaterThanOrEqual(4);
    const form = { MessageSid: 'SM00000000000000000000000000000001', CallSid: 'CA00000000000000000000000000000001', From: '+12125550199', To: DEMO_PHONE_NUMBER, Body: 'forged', CallStatus: 'ringing', Digits: '1' };
    for (const { url } of endpoints) {
      for (const token of [FORMER_BUILT_IN_TOKEN, '', 'anything']) {
        const signature = twilio.getExpectedTwilioSignature(token, `${h.services.settings.publicUrl}${url}`, form);
        const res = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, payload: new URLSearchParams(form).toString() });
        expect(res.statusCode, `${url} signed with "${token}"`).toBe(403);
        expect(res.body).toContain('Twilio is not configured');
      }
    }
    expect(changedTables(before, await snapshot())).toEqual([]);
  });
});

describe("the install's own webhook secret (demo and replay)", () => {
  it('is random, made once per data directory, owner-only, and yields to TWILIO_AUTH_TOKEN', () => {
    const a = mkdtempSync(join(tmpdir(), 'ct-twilio-a-'));
    const b = mkdtempSync(join(tmpdir(), 'ct-twilio-b-'));
    try {
      const first = loadTwilioWebhookSecret(a);
      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(loadTwilioWebhookSecret(a)).toBe(first);
      expect(readFileSync(join(a, TWILIO_WEBHOOK_SECRET_FILE), 'utf8')).toBe(first);
      expect(statSync(join(a, TWILIO_WEBHOOK_SECRET_FILE)).mode & 0o777).toBe(0o600);
      expect(loadTwilioWebhookSecret(b)).not.toBe(first);
      process.env.TWILIO_AUTH_TOKEN = 'from-the-environment';
      expect(loadTwilioWebhookSecret(a)).toBe('from-the-environment');
    } finally {
      delete process.env.TWILIO_AUTH_TOKEN;
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });
});
