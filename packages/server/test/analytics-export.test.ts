import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createRng, syntheticPatients, syntheticTranscript, type SyntheticPatient, type SyntheticTranscript } from '@carethread/core';
import { survivors } from '../../core/test/helpers/planted.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { patients, staff } from '../src/store/schema.ts';
import { deidKeyFor } from '../src/read/deidentified-export.ts';

let h: Harness;
let analystToken: string;
let agentToken: string;
let seq = 0;
const T0 = Date.parse('2026-03-02T14:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const RANGE = `from=${encodeURIComponent('2026-03-01T00:00:00Z')}&to=${encodeURIComponent('2026-04-01T00:00:00Z')}`;

async function as(token: string | null, url: string) {
  const res = await h.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.statusCode, body: res.body, type: String(res.headers['content-type'] ?? '') };
}

async function tokenFor(role: string): Promise<string> {
  const [member] = await h.database.db
    .insert(staff)
    .values({ organizationId: h.organizationId, name: role === 'analyst' ? 'Quinn Analyst' : 'Robin Agent', email: `${role}@example.org`, role })
    .returning();
  const issued = await h.post(`/api/v1/staff/${member!.id}/tokens`, {});
  expect(issued.status).toBe(201);
  return issued.body.token as string;
}

const travellers: Array<{ patient: SyntheticPatient; transcript: SyntheticTranscript; patientId?: string; channel: 'sms' | 'email' | 'webchat' }> = [];

/** Plays one transcript: patient turns through the channel-events pipeline, agent turns as replies on the case. */
async function play(t: (typeof travellers)[number], start: number): Promise<void> {
  const p = t.patient;
  const from =
    t.channel === 'sms' ? { kind: 'phone', value: p.phone } : t.channel === 'email' ? { kind: 'email', value: p.email } : { kind: 'chat_visitor', value: `visitor-${p.mrn}` };
  let caseId: string | null = null;
  let minute = start;
  for (const turn of t.transcript.turns) {
    minute += 1;
    if (turn.actor === 'patient') {
      const res = await h.post('/api/v1/channel-events', {
        channel: t.channel,
        idempotencyKey: `deid-${++seq}`,
        direction: 'inbound',
        kind: 'message',
        from,
        conversationRef: t.channel === 'webchat' ? `chat-${p.mrn}` : undefined,
        text: turn.text,
        subject: t.channel === 'email' ? `Question from ${p.givenName} ${p.familyName}` : undefined,
        occurredAt: at(minute),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      caseId ??= res.body.caseId;
    } else if (caseId) {
      const res = await h.post(`/api/v1/cases/${caseId}/messages`, { text: turn.text, actor: 'agent', at: at(minute), sendAnyway: true });
      expect([201, 409]).toContain(res.status);
    }
  }
}

beforeAll(async () => {
  h = await createHarness({ patients: 5 });
  analystToken = await tokenFor('analyst');
  agentToken = await tokenFor('agent');
  const rng = createRng(4242);
  const population = syntheticPatients(10, 9191);
  const channels = ['sms', 'email', 'webchat'] as const;
  population.forEach((patient, i) => {
    travellers.push({ patient, transcript: syntheticTranscript(rng, patient, i % 2 === 0 ? 'en' : 'es'), channel: channels[i % 3]! });
  });
  // Half are known to the organisation (with address, city and ZIP on the record); half
  // are new and known only from what they say.
  for (const [i, t] of travellers.entries()) {
    if (i % 2 === 1) continue;
    const p = t.patient;
    const res = await h.post('/api/v1/patients', {
      givenName: p.givenName,
      familyName: p.familyName,
      birthDate: p.birthDate,
      sex: p.sex,
      language: p.language,
      postcode: p.postcode,
      identifiers: [
        { kind: 'phone', value: p.phone },
        { kind: 'email', value: p.email },
        { kind: 'mrn', value: p.mrn },
      ],
    });
    expect(res.status).toBe(201);
    t.patientId = res.body.id;
    await h.database.db
      .update(patients)
      .set({ addressLine: p.addressLine, city: p.city })
      .where(and(eq(patients.organizationId, h.organizationId), eq(patients.id, res.body.id)));
  }
  let start = 0;
  for (const t of travellers) {
    await play(t, start);
    start += 60;
  }
  // The first traveller writes again days later about something else: a second case.
  await h.post('/api/v1/channel-events', {
    channel: 'sms',
    idempotencyKey: `deid-${++seq}`,
    direction: 'inbound',
    kind: 'message',
    from: { kind: 'phone', value: travellers[0]!.patient.phone },
    text: travellers[0]!.transcript.requestType === 'billing' ? 'I need a copy of my medical records' : 'I have a question about my bill, I was charged twice',
    occurredAt: at(60 * 24 * 5),
  });
}, 300_000);
afterAll(async () => h?.close());

function parseNdjson(body: string): any[] {
  return body
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

describe('GET /api/v1/analytics/export', () => {
  it('is for analysts and admins only', async () => {
    expect((await as(null, `/api/v1/analytics/export?${RANGE}`)).status).toBe(401);
    expect((await as(agentToken, `/api/v1/analytics/export?${RANGE}`)).status).toBe(403);
    expect((await as(analystToken, `/api/v1/analytics/export?${RANGE}`)).status).toBe(200);
    expect((await as(h.token, `/api/v1/analytics/export?${RANGE}&format=json`)).status).toBe(200);
  });

  it('rejects bad input with a 4xx and changes nothing', async () => {
    expect((await as(analystToken, `/api/v1/analytics/export?from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z`)).status).toBe(400);
    expect((await as(analystToken, `/api/v1/analytics/export?from=yesterday`)).status).toBe(400);
    expect((await as(analystToken, `/api/v1/analytics/export?${RANGE}&format=csv`)).status).toBe(400);
  });

  it('contains none of the identifiers planted in the conversations', async () => {
    const res = await as(analystToken, `/api/v1/analytics/export?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/x-ndjson');
    const rows = parseNdjson(res.body);
    expect(rows.length).toBeGreaterThanOrEqual(travellers.length);
    const allText = rows.flatMap((r) => r.interactions.flatMap((i: any) => i.messages.flatMap((m: any) => [m.text ?? '', m.subject ?? '']))).join('\n');
    expect(allText).toContain('[PHONE]');
    const misses: string[] = [];
    for (const t of travellers) {
      for (const s of survivors(allText, t.transcript.planted)) misses.push(`${s.planted.kind}: ${s.planted.surface} (${s.needle})`);
    }
    expect(misses).toEqual([]);
    // And nothing about the people anywhere in the export, not only in texts.
    const raw = res.body.toLowerCase();
    for (const t of travellers) {
      const p = t.patient;
      for (const v of [p.email, p.mrn, p.phone, p.phone.slice(-7), p.birthDate, p.addressLine, p.postcode]) expect(raw).not.toContain(v.toLowerCase());
      for (const part of `${p.givenName} ${p.familyName}`.split(/\s+/).filter((x) => x.length > 3)) expect(raw).not.toMatch(new RegExp(`\\b${part.toLowerCase()}\\b`, 'u'));
    }
    // No record ids, no full dates or timestamps.
    const ids = await h.database.db.execute(sql`select id from cases where organization_id = ${h.organizationId} union all select id from patients where organization_id = ${h.organizationId} union all select id from interactions where organization_id = ${h.organizationId}`);
    for (const r of (Array.isArray(ids) ? ids : (ids as { rows: Array<{ id: string }> }).rows) as Array<{ id: string }>) expect(res.body).not.toContain(r.id);
    expect(res.body).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('keeps what analytics need: request types, channels, years, durations, fact kinds, friction', async () => {
    const rows = parseNdjson((await as(analystToken, `/api/v1/analytics/export?${RANGE}`)).body);
    const first = rows[0]!;
    expect(first).toMatchObject({ case: expect.stringMatching(/^c_/), openedYear: 2026 });
    expect(typeof first.requestType).toBe('string');
    expect(first.interactions[0]).toMatchObject({ channel: expect.any(String), startedYear: 2026, startedAfterSeconds: expect.any(Number) });
    expect(first.interactions[0].messages[0]).toMatchObject({ direction: 'inbound', actor: 'patient', atSeconds: expect.any(Number) });
    // Facts by kind only.
    const factNames = new Set(rows.flatMap((r) => r.facts.map((f: any) => f.name)));
    expect(factNames.size).toBeGreaterThan(0);
    for (const r of rows) for (const f of r.facts) expect(Object.keys(f).sort()).toEqual(['name', 'source', 'verified']);
    // Ordinary request text survives the scrub.
    const texts = rows.flatMap((r) => r.interactions.flatMap((i: any) => i.messages.map((m: any) => m.text ?? ''))).join('\n');
    expect(texts).toMatch(/appointment|refill|results|bill|insurance|records|cita|receta|resultados|factura|seguro|expediente|side effects|efectos/);
    // Known patients carry generalised attributes.
    const known = rows.find((r) => r.patientAttributes?.zip3);
    expect(known.patientAttributes.zip3).toMatch(/^\d{3}$/);
    for (const r of rows) if (r.patientAttributes) expect(typeof r.patientAttributes.birthYear === 'number' || r.patientAttributes.birthYear === null).toBe(true);
    // Friction events have kinds and whitelisted fields only.
    for (const r of rows) for (const f of r.friction) for (const k of Object.keys(f)) expect(['kind', 'atSeconds', 'from', 'to', 'channel', 'joinedBy', 'automatic', 'fact', 'actor', 'by']).toContain(k);
  });

  it('uses one consistent pseudonym per patient, so cases of one patient join', async () => {
    const a = parseNdjson((await as(analystToken, `/api/v1/analytics/export?${RANGE}`)).body);
    const b = (JSON.parse((await as(h.token, `/api/v1/analytics/export?${RANGE}&format=json`)).body) as { cases: any[] }).cases;
    expect(a.map((r) => r.patient)).toEqual(b.map((r) => r.patient));
    const byPatient = new Map<string, number>();
    for (const r of a) if (r.patient) byPatient.set(r.patient, (byPatient.get(r.patient) ?? 0) + 1);
    expect(Math.max(...byPatient.values())).toBeGreaterThanOrEqual(2);
  });

  it('keeps one key per organisation, or derives it from CARETHREAD_DEID_KEY', async () => {
    const k1 = await deidKeyFor(h.database.db, h.organizationId, undefined);
    const k2 = await deidKeyFor(h.database.db, h.organizationId, undefined);
    expect(k1).toBe(k2);
    expect(k1.length).toBeGreaterThanOrEqual(32);
    const configured = await deidKeyFor(h.database.db, h.organizationId, 'operator-supplied-secret-key-0123456789');
    expect(configured).not.toBe(k1);
    expect(configured).toContain(h.organizationId);
  });
});
