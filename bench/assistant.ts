// `assistant`: the virtual assistant over the shipped assistant scenarios (scenarios/assistant,
// en + es: booking by chat, rescheduling by SMS, a refill, an urgent symptom, a hand-off). Each
// scenario plays through the one path (ingestEvent) with the assistant attached, in an
// organisation of its own. The figure is the median time of one patient message including the
// assistant's turn; the floor is the same messages ingested with no assistant (a twin
// organisation, same run). Beside them: containment, hand-off rate and reasons, average turns
// and repeat asks by the assistant (must be 0), and how many scenario expectations were met.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createUnderstanding } from '@carethread/assistant';
import type { ChannelEvent } from '@carethread/core';
import { assistantReport, createAssistant, createServices, ingestEvent, registerPatient, seedOrganization, seedScheduling, type Services } from '@carethread/server';
import { book, findSlots } from '../packages/server/src/scheduling/index.ts';
import { benchDatabase } from './db.ts';
import { BENCH_SECRET } from './ingest.ts';
import { latencies, note, round, type BenchOutcome } from './measure.ts';

export const ASSISTANT_SCENARIOS_DIR = new URL('../scenarios/assistant/', import.meta.url);

interface Scenario {
  name: string;
  patient: { given: string; family: string; birthDate: string; phone?: string; email?: string; language?: 'en' | 'es'; known?: boolean; appointmentInDays?: number };
  steps: Array<{ channel: ChannelEvent['channel']; say?: string }>;
  expect: { assistant?: { completed?: string[]; handoff?: string | null; urgent?: boolean } };
}

export function loadAssistantScenarios(dir: URL = ASSISTANT_SCENARIOS_DIR): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir.pathname, f), 'utf8')) as Scenario);
}

/** A fixed Monday morning, so "next Tuesday afternoon" means the same day in every run. */
const START = Date.parse('2026-11-02T14:00:00Z');

interface Played {
  name: string;
  ms: number[];
  completed: string[];
  handoff: string | null;
  urgent: boolean;
  met: boolean;
}

async function play(services: Services, withAssistant: boolean, s: Scenario, index: number): Promise<Played> {
  const slug = `bench-assistant-${withAssistant ? 'a' : 'f'}-${index}`;
  const { organizationId } = await services.database.db.transaction((tx) => seedOrganization(tx, { slug, name: `Assistant bench ${index}`, patients: 5, seed: index + 1 }));
  await services.database.db.transaction((tx) => seedScheduling(tx, organizationId, { days: 21, from: new Date(START), seed: index + 1 }));
  const p = s.patient;
  let patientId: string | null = null;
  if (p.known !== false) {
    const identifiers = [...(p.phone ? [{ kind: 'phone' as const, value: p.phone }] : []), ...(p.email ? [{ kind: 'email' as const, value: p.email }] : [])];
    patientId = (await registerPatient(services, organizationId, { givenName: p.given, familyName: p.family, birthDate: p.birthDate, ...(p.language ? { language: p.language } : {}), identifiers })).id;
  }
  if (patientId && p.appointmentInDays) {
    const from = new Date(START + p.appointmentInDays * 86_400_000).toISOString().slice(0, 10);
    const found = await findSlots(services, organizationId, { preferences: { earliestDate: from }, limit: 1, at: new Date(START).toISOString() });
    if (found.slots[0]) await book(services, organizationId, { patientId, slotId: found.slots[0].id, at: new Date(START - 86_400_000).toISOString() });
  }
  const ms: number[] = [];
  const completed: string[] = [];
  let handoff: string | null = null;
  let urgent = false;
  for (const [i, step] of s.steps.entries()) {
    if (!step.say) continue;
    const at = new Date(START + (i + 1) * 60_000).toISOString();
    const from =
      step.channel === 'sms' || step.channel === 'voice'
        ? { kind: 'phone' as const, value: p.phone! }
        : step.channel === 'email'
          ? { kind: 'email' as const, value: p.email! }
          : { kind: 'chat_visitor' as const, value: `visitor-${index}` };
    const event: ChannelEvent = {
      channel: step.channel,
      direction: 'inbound',
      kind: 'message',
      idempotencyKey: `${slug}:${i}${step.channel === 'voice' ? ':assistant:' + (i + 1) : ''}`,
      occurredAt: at,
      from,
      ...(step.channel === 'webchat' || step.channel === 'voice' ? { conversationRef: `${slug}-conv` } : {}),
      text: step.say,
    };
    const t0 = performance.now();
    const r = await ingestEvent(services, organizationId, event);
    if (process.env.BENCH_ASSISTANT_TRACE && withAssistant) note(`[assistant] ${step.say} → ${JSON.stringify(r.assistant?.replies)}`);
    ms.push(performance.now() - t0);
    if (r.assistant?.urgent) urgent = true;
    if (r.assistant?.handedOff && !handoff) handoff = 'pending';
  }
  let met = true;
  if (withAssistant) {
    const { rows } = await rawRows(services, organizationId);
    for (const r of rows) {
      if (r.kind === 'assistant_completed') completed.push(String(r.data.task));
      if (r.kind === 'assistant_handoff' && (handoff === null || handoff === 'pending')) handoff = String(r.data.reason);
    }
    const e = s.expect.assistant ?? {};
    if (e.completed && JSON.stringify([...e.completed].sort()) !== JSON.stringify([...completed].sort())) met = false;
    if (e.handoff !== undefined && (e.handoff ?? null) !== handoff) met = false;
    if (e.urgent !== undefined && e.urgent !== urgent) met = false;
  }
  return { name: s.name, ms, completed, handoff, urgent, met };
}

async function rawRows(services: Services, organizationId: string): Promise<{ rows: Array<{ kind: string; data: Record<string, unknown> }> }> {
  const { sql } = await import('drizzle-orm');
  const r = await services.database.db.execute(sql`select kind, data from events where organization_id = ${organizationId} and kind in ('assistant_completed', 'assistant_handoff') order by id`);
  return { rows: (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ kind: string; data: Record<string, unknown> }> };
}

export async function assistantBenchmark(opts: { rounds: number } = { rounds: 1 }): Promise<BenchOutcome> {
  const scenarios = loadAssistantScenarios();
  const bdb = await benchDatabase({ poolSize: 4 });
  try {
    const engine = await createUnderstanding();
    const withAssistant = createServices(bdb.database, BENCH_SECRET, { now: () => new Date(START), assistant: createAssistant(engine) });
    const floor = createServices(bdb.database, BENCH_SECRET, { now: () => new Date(START) });
    const played: Played[] = [];
    const floorMs: number[] = [];
    const figureMs: number[] = [];
    let n = 0;
    for (let round_ = 0; round_ < Math.max(1, opts.rounds); round_++) {
      for (const s of scenarios) {
        // Interleaved, so both see the same moment of the machine.
        const f = await play(floor, false, s, n);
        const a = await play(withAssistant, true, s, n);
        n++;
        floorMs.push(...f.ms);
        figureMs.push(...a.ms);
        if (round_ === 0) played.push(a);
      }
    }
    const orgIds = await bdb.database.db.execute((await import('drizzle-orm')).sql`select id from organizations where slug like 'bench-assistant-a-%'`);
    const ids = ((Array.isArray(orgIds) ? orgIds : (orgIds as { rows: unknown[] }).rows) as Array<{ id: string }>).map((r) => r.id);
    // Metrics summed over every assistant organisation of the run.
    const totals = { conversations: 0, turns: 0, contained: 0, handedOff: 0, repeats: 0, completed: 0, reasons: {} as Record<string, number> };
    for (const id of ids) {
      const m = await assistantReport(bdb.database.db, id, '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z');
      totals.conversations += m.conversations;
      totals.turns += m.turns;
      totals.contained += m.contained;
      totals.handedOff += Math.round(m.handoffRate * m.conversations);
      totals.repeats += m.repeatAsksByAssistant;
      totals.completed += m.requestsCompleted;
      for (const [k, v] of Object.entries(m.handoffReasons)) totals.reasons[k] = (totals.reasons[k] ?? 0) + v;
    }
    const fig = latencies(figureMs);
    const flo = latencies(floorMs);
    const met = played.filter((p) => p.met).length;
    const containment = totals.conversations ? round(totals.contained / totals.conversations, 3) : 0;
    const handoffRate = totals.conversations ? round(totals.handedOff / totals.conversations, 3) : 0;
    const avgTurns = totals.conversations ? round(totals.turns / totals.conversations, 2) : 0;
    for (const p of played) note(`[assistant] ${p.met ? 'PASS' : 'FAIL'} ${p.name}: completed ${p.completed.join(',') || '-'}, hand-off ${p.handoff ?? '-'}${p.urgent ? ', urgent' : ''}`);
    return {
      result: {
        name: 'assistant',
        figure: {
          message_p50_ms: fig.p50_ms,
          message_p95_ms: fig.p95_ms,
          scenarios: played.length,
          expectations_met: met,
          containment_rate: containment,
          handoff_rate: handoffRate,
          handoff_reasons: JSON.stringify(totals.reasons),
          average_turns: avgTurns,
          requests_completed: totals.completed,
          repeat_asks_by_assistant: totals.repeats,
        },
        floor: { message_p50_ms: flo.p50_ms, message_p95_ms: flo.p95_ms, what: 'the same messages ingested with no assistant' },
        ratio: round(fig.p50_ms / flo.p50_ms, 2),
        notes:
          'figure = one patient message through ingestEvent including the assistant turn (understanding, dialogue, facts-ledger asks, replies, effects); ' +
          'floor = the same message ingested with no assistant; ratio = figure p50 ÷ floor p50 (lower is better). ' +
          'Quality over scenarios/assistant: containment = cases completed without a person; repeat asks by the assistant must be 0.',
      },
      figureText: `${fig.p50_ms} ms/message p50 · ${met}/${played.length} scenarios met · containment ${containment} · hand-off ${handoffRate} · ${avgTurns} turns · repeat asks ${totals.repeats}`,
      floorText: `${flo.p50_ms} ms/message without the assistant`,
    };
  } finally {
    await bdb.cleanup();
  }
}
