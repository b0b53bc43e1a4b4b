import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { INTERACTION_IDLE_MINUTES, type Channel } from '@carethread/core';
import {
  buildApp,
  caseFrictionSummaries,
  createServices,
  ensureAdminToken,
  migrateDatabase,
  openDatabase,
  RealtimeHub,
  seedOrganization,
  type Database,
} from '@carethread/server';
import { EXPECT_KEYS, parseScenario, ScenarioError, type ExpectKey, type Scenario, type ScenarioPerson, type ScenarioStep } from './scenario.ts';

export interface ScenarioReport {
  name: string;
  file: string;
  observed: Record<ExpectKey, number> & { interactions: number; transfers: number };
  cases: Array<{ id: string; requestType: string; status: string; resolved: boolean; channels: string[] }>;
  expectations: Array<{ key: ExpectKey; expected: number; observed: number; met: boolean }>;
  passed: boolean;
  error?: string;
}

export interface ReplayReport {
  scenarios: ScenarioReport[];
  total: Record<ExpectKey, number> & { interactions: number; transfers: number; scenarios: number; passed: number; failed: number };
}

/** Scenario files: one file, or every *.json in a directory (sorted, for a stable report). */
export function scenarioFiles(target: string): string[] {
  const stat = statSync(target);
  if (!stat.isDirectory()) return [target];
  return readdirSync(target)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(target, f));
}

export function loadScenarios(target: string): Array<{ file: string; scenario: Scenario }> {
  return scenarioFiles(target).map((file) => {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ScenarioError(`${basename(file)}: not valid JSON (${(err as Error).message})`);
    }
    return { file, scenario: parseScenario(raw, basename(file)) };
  });
}

const T0 = Date.parse('2026-03-02T15:00:00Z');

/**
 * Plays journeys through the running pipeline, in process, each in an organisation of its own
 * so the counts are that journey's alone. Simulated time moves one minute per step plus any
 * `wait`, so windows (idle timeouts, continuation expiry, recontacts) behave as in real life.
 */
export async function replay(
  scenarios: Array<{ file: string; scenario: Scenario }>,
  options: { databaseUrl?: string; onProgress?: (done: number, total: number, name: string) => void } = {},
): Promise<ReplayReport> {
  const database = await openDatabase({ databaseUrl: options.databaseUrl });
  await migrateDatabase(database);
  const hub = new RealtimeHub();
  const reports: ScenarioReport[] = [];
  try {
    for (const [i, { file, scenario }] of scenarios.entries()) {
      let clock = T0;
      const services = createServices(database, 'replay-secret', { now: () => new Date(clock) });
      const app = await buildApp({ services, hub });
      try {
        reports.push(await playOne(app, database, scenario, basename(file), i, (t) => (clock = t)));
      } finally {
        await app.close();
      }
      options.onProgress?.(i + 1, scenarios.length, scenario.name);
    }
  } finally {
    await hub.close();
    await database.close();
  }
  const total = {
    scenarios: reports.length,
    passed: reports.filter((r) => r.passed).length,
    failed: reports.filter((r) => !r.passed).length,
    interactions: 0,
    transfers: 0,
    ...(Object.fromEntries(EXPECT_KEYS.map((k) => [k, 0])) as Record<ExpectKey, number>),
  };
  for (const r of reports) {
    total.interactions += r.observed.interactions;
    total.transfers += r.observed.transfers;
    for (const k of EXPECT_KEYS) total[k] += r.observed[k];
  }
  return { scenarios: reports, total };
}

async function playOne(
  app: FastifyInstance,
  database: Database,
  scenario: Scenario,
  file: string,
  index: number,
  setClock: (t: number) => void,
): Promise<ScenarioReport> {
  const { organizationId } = await database.db.transaction((tx) =>
    seedOrganization(tx, { slug: `replay-${index}-${Date.now().toString(36)}`, name: scenario.name, patients: 0 }),
  );
  const { token } = await ensureAdminToken(database.db, organizationId);
  const call = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
    const parsed = res.body ? JSON.parse(res.body) : null;
    if (res.statusCode >= 400) throw new ScenarioError(`${method} ${url} → ${res.statusCode} ${parsed?.error ?? ''}: ${parsed?.message ?? ''}`);
    return parsed;
  };

  const patientIds = new Map<ScenarioPerson, string>();
  for (const p of [...(scenario.patient.known ? [scenario.patient] : []), ...scenario.others]) {
    const created = await call('POST', '/api/v1/patients', {
      givenName: p.given,
      familyName: p.family,
      ...(p.birthDate ? { birthDate: p.birthDate } : {}),
      ...(p.language ? { language: p.language } : {}),
      identifiers: [
        ...(p.phone ? [{ kind: 'phone', value: p.phone }] : []),
        ...(p.email ? [{ kind: 'email', value: p.email }] : []),
      ],
    });
    patientIds.set(p, created.id);
  }
  const seeded = patientIds.size;

  let time = T0;
  let continuation = '';
  let lastCaseId: string | null = null;
  let segment = 0;
  let previous: { channel: Channel; time: number } | null = null;
  const interactionOn = new Map<Channel, string>();
  const caseByInteraction = new Map<string, string>();
  const refOn = new Map<Channel, string>();
  const visitor = `visitor-${index}-${scenario.name.replace(/\W+/g, '-').toLowerCase()}`;
  let error: string | undefined;

  try {
    for (const [n, step] of scenario.steps.entries()) {
      time += (step.waitMinutes + 1) * 60_000;
      setClock(time);
      const at = new Date(time).toISOString();
      // A new interaction begins when the channel changes or the line has gone quiet.
      if (!previous || previous.channel !== step.channel || time - previous.time > INTERACTION_IDLE_MINUTES[step.channel] * 60_000) {
        segment++;
        refOn.set(step.channel, `${step.channel}-${index}-${segment}`);
      }
      previous = { channel: step.channel, time };

      if (step.actor === 'agent') {
        const caseId = caseOf(interactionOn, step.channel) ?? lastCaseId;
        if (!caseId) throw new ScenarioError(`${file}: steps[${n}] is an agent step but there is no case yet`);
        if (step.ask) await call('POST', `/api/v1/cases/${caseId}/asks`, { fact: step.ask, actor: 'agent', insist: true, at });
        if (step.resolve) await call('POST', `/api/v1/cases/${caseId}/resolve`, { requestType: step.resolve, at });
        if (step.say) await call('POST', `/api/v1/cases/${caseId}/messages`, { text: step.say, actor: 'agent', at });
        continue;
      }

      if (step.action) {
        const interactionId = interactionOn.get(step.channel) ?? [...interactionOn.values()].at(-1);
        if (!interactionId) throw new ScenarioError(`${file}: steps[${n}] asks to continue before any contact`);
        const target: Channel = step.action === 'continue_by_phone' ? 'voice' : step.action === 'continue_by_sms' ? 'sms' : 'email';
        const offer = await call('POST', `/api/v1/interactions/${interactionId}/continuations`, { channel: target, at });
        continuation = offer.code;
        continue;
      }

      const from = addressFor(step, scenario.patient, visitor);
      const dtmf = step.dtmf?.replaceAll('{{continuation}}', continuation);
      const text = step.say?.replaceAll('{{continuation}}', continuation);
      const live = step.channel === 'voice' || step.channel === 'webchat' || step.channel === 'portal' || step.channel === 'in_person';
      const patientId = patientIds.get(scenario.patient);
      const result = await call('POST', '/api/v1/channel-events', {
        idempotencyKey: `${file}-${n}`,
        channel: step.channel,
        direction: 'inbound',
        kind: dtmf && !text ? 'dtmf' : 'message',
        occurredAt: at,
        ...(from ? { from } : {}),
        ...(live ? { conversationRef: refOn.get(step.channel) } : {}),
        ...(text ? { text } : {}),
        ...(dtmf ? { dtmf } : {}),
        ...(step.subject ? { subject: step.subject } : {}),
        // The portal and the front desk know who they are talking to.
        ...((step.channel === 'portal' || step.channel === 'in_person') && patientId ? { authenticatedPatientId: patientId } : {}),
      });
      if (result.interactionId) interactionOn.set(step.channel, result.interactionId);
      if (result.caseId) {
        lastCaseId = result.caseId;
        caseByInteraction.set(result.interactionId, result.caseId);
      }
    }
  } catch (err) {
    error = (err as Error).message;
  }

  const observed = await observe(database, organizationId, seeded);
  const expectations = EXPECT_KEYS.filter((k) => scenario.expect[k] !== undefined).map((key) => ({
    key,
    expected: scenario.expect[key]!,
    observed: observed.counts[key],
    met: observed.counts[key] === scenario.expect[key],
  }));
  return {
    name: scenario.name,
    file,
    observed: observed.counts,
    cases: observed.cases,
    expectations,
    passed: !error && expectations.every((e) => e.met),
    ...(error ? { error } : {}),
  };

  function caseOf(map: Map<Channel, string>, channel: Channel): string | null {
    const interactionId = map.get(channel);
    return interactionId ? (caseByInteraction.get(interactionId) ?? null) : null;
  }
}

function addressFor(step: ScenarioStep, patient: ScenarioPerson, visitor: string) {
  switch (step.channel) {
    case 'voice':
    case 'sms': {
      const value = step.from ?? patient.phone;
      return value ? { kind: 'phone', value } : undefined;
    }
    case 'email': {
      const value = step.from ?? patient.email;
      return value ? { kind: 'email', value } : undefined;
    }
    case 'webchat':
      return { kind: 'chat_visitor', value: step.from ?? visitor };
    default:
      return undefined;
  }
}

async function observe(database: Database, organizationId: string, seeded: number) {
  const rows = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => {
    const r = await database.db.execute(query);
    return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as T[];
  };
  // The same per-case reduction the friction metrics endpoint uses, over all time.
  const summaries = await caseFrictionSummaries(database.db, organizationId, '1970-01-01T00:00:00Z', '9999-01-01T00:00:00Z');
  const sum = (pick: (s: (typeof summaries)[number]) => number) => summaries.reduce((n, s) => n + pick(s), 0);
  const [extra] = await rows<{ new_patients: number; transfers: number }>(sql`
    select
      (select count(*) from patients where organization_id = ${organizationId} and status = 'active')::int - ${seeded}::int as new_patients,
      (select count(*) from events where organization_id = ${organizationId} and kind = 'transfer')::int as transfers
  `);
  const cases = await rows<{ id: string; requestType: string; status: string; channels: string[] | string }>(sql`
    select c.id, c.request_type as "requestType", c.status,
      coalesce((select array_agg(distinct i.channel) from interactions i where i.case_id = c.id), '{}') as channels
    from cases c where c.organization_id = ${organizationId} and c.status <> 'merged' order by c.opened_at
  `);
  return {
    counts: {
      cases: summaries.length,
      new_patients: extra!.new_patients,
      channel_switches: sum((s) => s.channelSwitches),
      seamless_switches: sum((s) => s.seamlessSwitches),
      repeat_asks: sum((s) => s.repeatAsks),
      recontacts: sum((s) => s.recontacts),
      interactions: sum((s) => s.interactions),
      transfers: extra!.transfers,
    },
    cases: cases.map((c) => ({
      id: c.id,
      requestType: c.requestType,
      status: c.status,
      resolved: c.status === 'resolved',
      channels: Array.isArray(c.channels) ? c.channels : String(c.channels).replace(/[{}]/g, '').split(',').filter(Boolean),
    })),
  };
}
