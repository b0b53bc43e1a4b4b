import { isChannel, isFactName, isRequestType, type Channel, type FactName, type RequestType } from '@carethread/core';

/** A journey scenario as DESIGN.md defines it. */
export interface ScenarioPerson {
  given: string;
  family: string;
  birthDate?: string;
  phone?: string;
  email?: string;
  language?: 'en' | 'es';
  known?: boolean;
}

export interface ScenarioStep {
  channel: Channel;
  actor: 'patient' | 'agent';
  from?: string;
  say?: string;
  dtmf?: string;
  subject?: string;
  action?: 'continue_by_phone' | 'continue_by_sms' | 'continue_by_email';
  ask?: FactName;
  resolve?: RequestType;
  /** Simulated minutes to wait before the step. */
  waitMinutes: number;
}

/** `match_reviews`: possible duplicates left open for a person (the match review queue). */
export const EXPECT_KEYS = ['cases', 'new_patients', 'channel_switches', 'seamless_switches', 'repeat_asks', 'recontacts', 'match_reviews'] as const;
export type ExpectKey = (typeof EXPECT_KEYS)[number];

export interface Scenario {
  name: string;
  patient: ScenarioPerson;
  others: ScenarioPerson[];
  steps: ScenarioStep[];
  expect: Partial<Record<ExpectKey, number>>;
}

export class ScenarioError extends Error {}

/** ISO 8601 durations as scenarios use them: PT2H, P3D, PT30M, P1DT2H. */
export function durationMinutes(iso: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) throw new ScenarioError(`wait must be an ISO 8601 duration such as PT2H or P3D (got "${iso}")`);
  const [, w, d, h, min, s] = m.map((x) => Number(x ?? 0));
  return w! * 7 * 1440 + d! * 1440 + h! * 60 + min! + s! / 60;
}

function person(raw: unknown, where: string): ScenarioPerson {
  if (!raw || typeof raw !== 'object') throw new ScenarioError(`${where} must be an object`);
  const p = raw as Record<string, unknown>;
  if (typeof p.given !== 'string' || typeof p.family !== 'string') throw new ScenarioError(`${where} needs "given" and "family" names`);
  for (const k of ['birthDate', 'phone', 'email'] as const) {
    if (p[k] !== undefined && typeof p[k] !== 'string') throw new ScenarioError(`${where}.${k} must be a string`);
  }
  if (p.language !== undefined && p.language !== 'en' && p.language !== 'es') throw new ScenarioError(`${where}.language must be "en" or "es"`);
  return {
    given: p.given,
    family: p.family,
    birthDate: p.birthDate as string | undefined,
    phone: p.phone as string | undefined,
    email: p.email as string | undefined,
    language: p.language as 'en' | 'es' | undefined,
    known: p.known === true,
  };
}

/** Validates a parsed scenario and says exactly what is wrong with a bad one. */
export function parseScenario(raw: unknown, source: string): Scenario {
  if (!raw || typeof raw !== 'object') throw new ScenarioError(`${source}: a scenario must be a JSON object`);
  const s = raw as Record<string, unknown>;
  if (typeof s.name !== 'string' || !s.name) throw new ScenarioError(`${source}: "name" is required`);
  if (!Array.isArray(s.steps) || s.steps.length === 0) throw new ScenarioError(`${source}: "steps" must be a non-empty array`);
  const steps = s.steps.map((rawStep, i): ScenarioStep => {
    const where = `${source}: steps[${i}]`;
    const st = rawStep as Record<string, unknown>;
    if (!st || typeof st !== 'object') throw new ScenarioError(`${where} must be an object`);
    if (!isChannel(st.channel)) throw new ScenarioError(`${where}.channel must be one of voice, sms, webchat, email, portal, in_person`);
    const actor = st.actor ?? 'patient';
    if (actor !== 'patient' && actor !== 'agent') throw new ScenarioError(`${where}.actor must be "patient" or "agent"`);
    if (st.ask !== undefined && !isFactName(st.ask)) throw new ScenarioError(`${where}.ask names an unknown fact "${String(st.ask)}"`);
    if (st.resolve !== undefined && !isRequestType(st.resolve)) throw new ScenarioError(`${where}.resolve names an unknown request type`);
    if (st.action !== undefined && !['continue_by_phone', 'continue_by_sms', 'continue_by_email'].includes(st.action as string)) {
      throw new ScenarioError(`${where}.action must be continue_by_phone, continue_by_sms or continue_by_email`);
    }
    if ((st.ask !== undefined || st.resolve !== undefined) && actor !== 'agent') throw new ScenarioError(`${where}: ask and resolve are agent steps`);
    if (st.say === undefined && st.dtmf === undefined && st.action === undefined && st.ask === undefined && st.resolve === undefined) {
      throw new ScenarioError(`${where} does nothing: give say, dtmf, action, ask or resolve`);
    }
    for (const k of ['from', 'say', 'dtmf', 'subject', 'wait'] as const) {
      if (st[k] !== undefined && typeof st[k] !== 'string') throw new ScenarioError(`${where}.${k} must be a string`);
    }
    return {
      channel: st.channel,
      actor,
      from: st.from as string | undefined,
      say: st.say as string | undefined,
      dtmf: st.dtmf as string | undefined,
      subject: st.subject as string | undefined,
      action: st.action as ScenarioStep['action'],
      ask: st.ask as FactName | undefined,
      resolve: st.resolve as RequestType | undefined,
      waitMinutes: st.wait ? durationMinutes(st.wait as string) : 0,
    };
  });
  const expect: Scenario['expect'] = {};
  if (s.expect !== undefined) {
    if (!s.expect || typeof s.expect !== 'object') throw new ScenarioError(`${source}: "expect" must be an object`);
    for (const [k, v] of Object.entries(s.expect)) {
      if (!(EXPECT_KEYS as readonly string[]).includes(k)) throw new ScenarioError(`${source}: unknown expect key "${k}"`);
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ScenarioError(`${source}: expect.${k} must be a whole number`);
      expect[k as ExpectKey] = v;
    }
  }
  return {
    name: s.name,
    patient: person(s.patient, `${source}: patient`),
    others: Array.isArray(s.others) ? s.others.map((o, i) => person(o, `${source}: others[${i}]`)) : [],
    steps,
    expect,
  };
}
