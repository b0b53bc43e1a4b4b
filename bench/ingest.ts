// `ingest`: inbound messages per second through identify → thread → persist (ingestEvent, one
// transaction per event), against plain single-row INSERTs of the same messages.

import { performance } from 'node:perf_hooks';
import { syntheticPatients, type ChannelEvent } from '@carethread/core';
import { createServices, ingestEvent, seedOrganization, useMasterSecret, type IngestResult, type Services } from '@carethread/server';
import { benchDatabase, type BenchDatabase } from './db.ts';
import { smsTraffic } from './events.ts';
import { fmt, latencies, note, progress, round, runConcurrently, type BenchOutcome } from './measure.ts';

export interface IngestSizes {
  events: number;
  patients: number;
  concurrency: number;
  seed: number;
  /** Least time each half of the floor runs (it repeats over the same messages until then). */
  floorSeconds: number;
}

export const BENCH_SECRET = 'carethread-bench-secret';

/** Seeds an organisation of synthetic patients, with progress on stderr. */
export async function seedBenchOrganization(bdb: BenchDatabase, label: string, slug: string, patients: number, seed: number): Promise<string> {
  // Patients are sealed as the server seals them (field-level encryption under this secret).
  useMasterSecret(BENCH_SECRET);
  const bar = progress(label, patients, 'patients seeded');
  const started = performance.now();
  const { organizationId } = await bdb.database.db.transaction((tx) =>
    seedOrganization(tx, { slug, name: `Benchmark (${slug})`, patients, seed, onProgress: (done) => bar.tick(done) }),
  );
  bar.done(`→ ${fmt(patients / ((performance.now() - started) / 1000))} patients/s`);
  return organizationId;
}

export interface IngestRun {
  results: Array<IngestResult | null>;
  latenciesMs: number[];
  errors: number;
  firstError: string | null;
  seconds: number;
}

/** Plays events through ingestEvent with `concurrency` in flight (one sender's messages in order). */
export async function ingestAll(
  services: Services,
  organizationId: string,
  events: readonly ChannelEvent[],
  concurrency: number,
  onDone?: (done: number) => void,
): Promise<IngestRun> {
  const results: Array<IngestResult | null> = new Array(events.length).fill(null);
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const started = performance.now();
  await runConcurrently(
    events,
    concurrency,
    (e) => e.from?.value ?? e.idempotencyKey,
    async (event, i) => {
      const t0 = performance.now();
      try {
        results[i] = await ingestEvent(services, organizationId, event);
        latenciesMs.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    },
    onDone,
  );
  return { results, latenciesMs, errors, firstError, seconds: (performance.now() - started) / 1000 };
}

const FLOOR_TABLE = 'bench_floor_messages';

async function createFloorTable(bdb: BenchDatabase): Promise<void> {
  await bdb.raw(
    `create table ${FLOOR_TABLE} (
       id bigserial primary key,
       organization_id uuid not null,
       channel text not null,
       from_value text,
       body text,
       occurred_at timestamptz not null
     )`,
  );
}

/**
 * Single-row autocommit INSERTs of the same messages, same concurrency, same ordering per
 * sender. A plain insert is ~100× quicker than an ingest, so the pass repeats over the same
 * messages until it has run `minSeconds`: a floor timed over a few milliseconds is noise.
 */
async function floorInserts(
  bdb: BenchDatabase,
  organizationId: string,
  events: readonly ChannelEvent[],
  concurrency: number,
  minSeconds: number,
  onDone?: (done: number) => void,
): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  let rows = 0;
  do {
    const before = rows;
    await runConcurrently(
      events,
      concurrency,
      (e) => e.from?.value ?? e.idempotencyKey,
      async (e) => {
        await bdb.raw(`insert into ${FLOOR_TABLE} (organization_id, channel, from_value, body, occurred_at) values ($1, $2, $3, $4, $5)`, [
          organizationId,
          e.channel,
          e.from?.value ?? null,
          e.text ?? null,
          e.occurredAt,
        ]);
      },
      (d) => onDone?.(before + d),
    );
    rows += events.length;
  } while ((performance.now() - started) / 1000 < minSeconds && events.length > 0);
  return { rows, seconds: (performance.now() - started) / 1000 };
}

export async function ingestBenchmark(sizes: IngestSizes): Promise<BenchOutcome> {
  const bdb = await benchDatabase({ poolSize: sizes.concurrency + 2 });
  try {
    const organizationId = await seedBenchOrganization(bdb, 'ingest', 'bench-ingest', sizes.patients, sizes.seed);
    const population = syntheticPatients(sizes.patients, sizes.seed);
    const warmup = Math.min(100, Math.max(10, Math.round(sizes.events * 0.05)));
    const traffic = smsTraffic(population, warmup + sizes.events, sizes.seed);
    const warm = traffic.slice(0, warmup);
    const measured = traffic.slice(warmup);
    const services = createServices(bdb.database, BENCH_SECRET);
    await createFloorTable(bdb);

    // Warm both paths (connections, plans, JIT of our own code) before timing either.
    note(`[ingest] warming up with ${warmup} events`);
    await ingestAll(services, organizationId, warm, sizes.concurrency);
    await floorInserts(bdb, organizationId, warm, sizes.concurrency, 0);

    // The floor runs in two halves bracketing the figure, so drift during the run hits both.
    const half = Math.floor(measured.length / 2);
    const before = measured.slice(0, half);
    const after = measured.slice(half);
    let floorBar = progress('ingest floor, first half', before.length, 'single-row inserts');
    const floorA = await floorInserts(bdb, organizationId, before, sizes.concurrency, sizes.floorSeconds, (d) => floorBar.tick(Math.min(d, before.length)));
    floorBar.done(floorA.rows > before.length ? `(repeated to ${floorA.rows.toLocaleString('en-US')} rows over ${floorA.seconds.toFixed(1)} s)` : undefined);
    const bar = progress('ingest', measured.length, 'events');
    const run = await ingestAll(services, organizationId, measured, sizes.concurrency, (d) => bar.tick(d));
    const ok = measured.length - run.errors;
    bar.done(`→ ${fmt(ok / run.seconds)} messages/s`);
    floorBar = progress('ingest floor, second half', after.length, 'single-row inserts');
    const floorB = await floorInserts(bdb, organizationId, after, sizes.concurrency, sizes.floorSeconds, (d) => floorBar.tick(Math.min(d, after.length)));
    const floorSeconds = floorA.seconds + floorB.seconds;
    const floorRows = floorA.rows + floorB.rows;
    const floorRate = floorRows / floorSeconds;
    floorBar.done(`→ ${fmt(floorRate)} rows/s over both halves (${floorRows.toLocaleString('en-US')} rows)`);
    if (ok === 0) throw new Error(`every ingest failed: ${run.firstError}`);

    const figureRate = ok / run.seconds;
    const lat = latencies(run.latenciesMs);
    const done = run.results.filter((r): r is IngestResult => r !== null);
    const newCases = done.filter((r) => r.newCase).length;
    const identified = done.filter((r) => r.patientId).length;
    const notes = [
      `${bdb.kind === 'postgres' ? 'PostgreSQL' : 'PGlite (in-memory)'}; ${sizes.patients.toLocaleString('en-US')} seeded patients; ` +
        `${newCases} new cases, ${identified}/${done.length} messages identified to a patient; ` +
        `ratio = messages/s ÷ floor rows/s (closer to 1 is better).`,
      run.errors ? `${run.errors} events failed (first: ${run.firstError}).` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return {
      result: {
        name: 'ingest',
        figure: {
          messages_per_s: round(figureRate, 1),
          seconds: round(run.seconds, 3),
          events: ok,
          concurrency: sizes.concurrency,
          latency_p50_ms: lat.p50_ms,
          latency_p95_ms: lat.p95_ms,
          latency_p99_ms: lat.p99_ms,
        },
        floor: {
          rows_per_s: round(floorRate, 1),
          seconds: round(floorSeconds, 3),
          rows: floorRows,
          distinct_messages: measured.length,
          concurrency: sizes.concurrency,
        },
        ratio: round(figureRate / floorRate, 4),
        notes,
      },
      figureText: `${fmt(figureRate)} msg/s (${ok} events, ${sizes.concurrency} in flight, p50 ${fmt(lat.p50_ms)} ms)`,
      floorText: `${fmt(floorRate)} rows/s single-row INSERT`,
    };
  } finally {
    await bdb.cleanup();
  }
}
