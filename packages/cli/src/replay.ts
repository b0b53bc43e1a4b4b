import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { INTERACTION_IDLE_MINUTES, type Channel } from '@carethread/core';
import {
  buildApp,
  caseFrictionSummaries,
  createServices,
  endpointsOf,
  ensureAdminToken,
  migrateDatabase,
  openDatabase,
  RealtimeHub,
  schema,
  seedOrganization,
  startSmtpInbound,
  type Database,
} from '@carethread/server';
import { ChatSession, checkIn, PortalVisit, ReplayError, sendEmail, sendSms, staffCall, VoiceCall, type Endpoints } from './replay-drivers.ts';
import { EXPECT_KEYS, parseScenario, ScenarioError, type ExpectKey, type Scenario } from './scenario.ts';

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
const TWILIO_ACCOUNT_SID = 'AC' + '0'.repeat(32);

/**
 * Plays journeys through the real channel adapters of an in-process carethread listening on a
 * loopback port: signed Twilio webhooks for SMS and voice, the widget's websocket, SMTP, the
 * portal's sign-in and forms, the front-desk API; agent steps use the staff API. Each journey
 * runs in an organisation of its own so the counts are that journey's alone. Simulated time
 * moves one minute per step plus any `wait`, so windows (idle timeouts, continuation expiry,
 * recontacts) behave as in real life.
 */
export async function replay(
  scenarios: Array<{ file: string; scenario: Scenario }>,
  options: {
    databaseUrl?: string;
    /** What the replay signs its Twilio webhooks with (the CLI passes the install's secret); a fresh random one otherwise. */
    twilioAuthToken?: string;
    onProgress?: (done: number, total: number, name: string) => void;
  } = {},
): Promise<ReplayReport> {
  const twilioAuthToken = options.twilioAuthToken ?? randomBytes(32).toString('base64url');
  const database = await openDatabase({ databaseUrl: options.databaseUrl });
  await migrateDatabase(database);
  let clock = T0;
  const services = createServices(database, 'replay-secret', { now: () => new Date(clock) });
  services.settings = {
    ...services.settings,
    twilio: { ...services.settings.twilio, accountSid: TWILIO_ACCOUNT_SID, authToken: twilioAuthToken },
  };
  const hub = new RealtimeHub();
  await hub.start(database);
  const app = await buildApp({ services, hub });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  services.settings.publicUrl = baseUrl;
  const smtp = await startSmtpInbound(services, { port: 0, host: '127.0.0.1' });
  const reports: ScenarioReport[] = [];
  try {
    for (const [i, { file, scenario }] of scenarios.entries()) {
      reports.push(await playOne({ baseUrl, smtpPort: smtp.port, twilioAuthToken }, database, scenario, basename(file), i, (t) => (clock = t)));
      options.onProgress?.(i + 1, scenarios.length, scenario.name);
    }
  } finally {
    await smtp.close();
    await app.close();
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
  server: { baseUrl: string; smtpPort: number; twilioAuthToken: string },
  database: Database,
  scenario: Scenario,
  file: string,
  index: number,
  setClock: (t: number) => void,
): Promise<ScenarioReport> {
  const slug = `replay-${index}-${randomBytes(4).toString('hex')}`;
  const { organizationId } = await database.db.transaction((tx) => seedOrganization(tx, { slug, name: scenario.name, patients: 0 }));
  const { token } = await ensureAdminToken(database.db, organizationId);
  const endpoints = await endpointsOf(database.db, organizationId);
  const address = (channel: string) => endpoints.find((e) => e.channel === channel)!.address;
  const ep: Endpoints = {
    baseUrl: server.baseUrl,
    smtpPort: server.smtpPort,
    twilioAuthToken: server.twilioAuthToken,
    twilioAccountSid: TWILIO_ACCOUNT_SID,
    staffToken: token!,
    orgNumber: address('sms'),
    mailDomain: address('email'),
    widgetKey: address('webchat'),
  };

  let seeded = 0;
  for (const p of [...(scenario.patient.known ? [scenario.patient] : []), ...scenario.others]) {
    await staffCall(ep, 'POST', '/api/v1/patients', {
      givenName: p.given,
      familyName: p.family,
      ...(p.birthDate ? { birthDate: p.birthDate } : {}),
      ...(p.language ? { language: p.language } : {}),
      identifiers: [...(p.phone ? [{ kind: 'phone', value: p.phone }] : []), ...(p.email ? [{ kind: 'email', value: p.email }] : [])],
    });
    seeded++;
  }

  const patient = scenario.patient;
  let time = T0;
  let continuation = '';
  let previous: { channel: Channel; time: number } | null = null;
  let call: VoiceCall | null = null;
  let chat: ChatSession | null = null;
  let portal: PortalVisit | null = null;
  let error: string | undefined;
  const endSegment = async () => {
    await call?.hangUp();
    chat?.close();
    call = null;
    chat = null;
    portal = null;
  };
  const readPortalCode = async () => {
    // The payload is encrypted at rest, so the purpose is read after opening, not in SQL.
    const rows = await database.db
      .select({ payload: schema.outbox.payload })
      .from(schema.outbox)
      .where(eq(schema.outbox.organizationId, organizationId))
      .orderBy(desc(schema.outbox.id))
      .limit(20);
    const sent = rows.find((r) => r.payload.purpose === 'portal_code');
    const code = /\b(\d{6})\b/.exec(String(sent?.payload.text ?? ''))?.[1];
    if (!code) throw new ReplayError('no portal code was sent (is the patient registered with a phone or email?)');
    return code;
  };

  try {
    for (const [n, step] of scenario.steps.entries()) {
      const next = time + (step.waitMinutes + 1) * 60_000;
      // A new interaction begins when the channel changes or the line has gone quiet; the last
      // one ends (the call hangs up) before the clock moves on.
      if (!previous || previous.channel !== step.channel || next - previous.time > INTERACTION_IDLE_MINUTES[step.channel] * 60_000) {
        await endSegment();
      }
      time = next;
      setClock(time);
      const at = new Date(time).toISOString();
      previous = { channel: step.channel, time };
      const say = step.say?.replaceAll('{{continuation}}', continuation);
      const dtmf = step.dtmf?.replaceAll('{{continuation}}', continuation);

      if (step.actor === 'agent') {
        const caseId = await currentCase(database, organizationId, step.channel);
        if (!caseId) throw new ScenarioError(`${file}: steps[${n}] is an agent step but there is no case on ${step.channel} yet`);
        if (step.ask) await staffCall(ep, 'POST', `/api/v1/cases/${caseId}/asks`, { fact: step.ask, actor: 'agent', insist: true, at });
        if (step.resolve) await staffCall(ep, 'POST', `/api/v1/cases/${caseId}/resolve`, { requestType: step.resolve, at });
        if (say) await staffCall(ep, 'POST', `/api/v1/cases/${caseId}/messages`, { text: say, actor: 'agent', at });
        continue;
      }

      if (step.action) {
        const target = step.action === 'continue_by_phone' ? 'voice' : step.action === 'continue_by_sms' ? 'sms' : 'email';
        if (step.channel === 'webchat' && chat) {
          continuation = (await chat.continueOn(target)) ?? continuation;
        } else {
          // Channels without a patient-side button: staff issue it for the patient who asked.
          const interactionId = await currentInteraction(database, organizationId, step.channel);
          if (!interactionId) throw new ScenarioError(`${file}: steps[${n}] asks to continue before any contact on ${step.channel}`);
          continuation = (await staffCall(ep, 'POST', `/api/v1/interactions/${interactionId}/continuations`, { channel: target, at })).code;
        }
        continue;
      }

      const from = step.from;
      switch (step.channel) {
        case 'sms': {
          const phone = from ?? patient.phone;
          if (!phone) throw new ScenarioError(`${file}: steps[${n}] is an SMS but the patient has no phone`);
          await sendSms(ep, phone, say ?? dtmf ?? '');
          break;
        }
        case 'voice': {
          if (!call) {
            const phone = from ?? patient.phone;
            if (!phone) throw new ScenarioError(`${file}: steps[${n}] is a call but the patient has no phone`);
            call = new VoiceCall(ep, phone);
            await call.dial();
          }
          if (dtmf) await call.keypad(dtmf);
          if (say) await call.speak(say);
          break;
        }
        case 'webchat': {
          if (!chat) {
            chat = new ChatSession(ep);
            await chat.open(patient.language);
          }
          await chat.say(say ?? dtmf ?? '');
          break;
        }
        case 'email': {
          const mail = from ?? patient.email;
          if (!mail) throw new ScenarioError(`${file}: steps[${n}] is an email but the patient has no email address`);
          await sendEmail(ep, mail, step.subject ?? 'Message', say ?? '');
          break;
        }
        case 'portal': {
          if (!portal) {
            const signIn = from ?? patient.phone ?? patient.email;
            if (!signIn) throw new ScenarioError(`${file}: steps[${n}] uses the portal but the patient has no phone or email to sign in with`);
            portal = new PortalVisit(ep, readPortalCode);
            await portal.signIn(signIn);
          }
          await portal.write(say ?? '');
          break;
        }
        case 'in_person': {
          const lookup = from ?? patient.phone ?? patient.email ?? `${patient.given} ${patient.family}`;
          await checkIn(ep, lookup, say ?? 'Checked in at the front desk');
          break;
        }
      }
    }
    await endSegment();
  } catch (err) {
    error = (err as Error).message;
    chat?.close();
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
}

/** The interaction most recently active on a channel: "this call", "this chat". */
async function currentInteraction(database: Database, organizationId: string, channel: Channel): Promise<string | null> {
  const [row] = await database.db
    .select({ id: schema.interactions.id })
    .from(schema.interactions)
    .where(and(eq(schema.interactions.organizationId, organizationId), eq(schema.interactions.channel, channel)))
    .orderBy(desc(schema.interactions.lastActivityAt))
    .limit(1);
  return row?.id ?? null;
}

async function currentCase(database: Database, organizationId: string, channel: Channel): Promise<string | null> {
  const [row] = await database.db
    .select({ caseId: schema.interactions.caseId })
    .from(schema.interactions)
    .where(and(eq(schema.interactions.organizationId, organizationId), eq(schema.interactions.channel, channel), isNotNull(schema.interactions.caseId)))
    .orderBy(desc(schema.interactions.lastActivityAt))
    .limit(1);
  return row?.caseId ?? null;
}

async function observe(database: Database, organizationId: string, seeded: number) {
  const rows = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => {
    const r = await database.db.execute(query);
    return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as T[];
  };
  // The same per-case reduction the friction metrics endpoint uses, over all time.
  const summaries = await caseFrictionSummaries(database.db, organizationId, '1970-01-01T00:00:00Z', '9999-01-01T00:00:00Z');
  const sum = (pick: (s: (typeof summaries)[number]) => number) => summaries.reduce((n, s) => n + pick(s), 0);
  const [extra] = await rows<{ new_patients: number; transfers: number; match_reviews: number }>(sql`
    select
      (select count(*) from patients where organization_id = ${organizationId} and status = 'active')::int - ${seeded}::int as new_patients,
      (select count(*) from match_reviews where organization_id = ${organizationId} and status = 'open')::int as match_reviews,
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
      match_reviews: extra!.match_reviews,
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
