// `context-card`: latency of the card a handler sees for a case (caseContextCard, in-process),
// in an organisation of many patients with thousands of cases, against a raw primary-key
// lookup of the same case rows.

import { performance } from 'node:perf_hooks';
import { createRng, syntheticPatients } from '@carethread/core';
import { caseContextCard, createServices } from '@carethread/server';
import { benchDatabase } from './db.ts';
import { smsTraffic, trafficEnd } from './events.ts';
import { BENCH_SECRET, ingestAll, seedBenchOrganization } from './ingest.ts';
import { fmt, latencies, note, progress, round, type BenchOutcome } from './measure.ts';

export interface ContextCardSizes {
  patients: number;
  events: number;
  samples: number;
  concurrency: number;
  seed: number;
}

export async function contextCardBenchmark(sizes: ContextCardSizes): Promise<BenchOutcome> {
  const bdb = await benchDatabase({ poolSize: sizes.concurrency + 2 });
  try {
    const organizationId = await seedBenchOrganization(bdb, 'context-card', 'bench-card', sizes.patients, sizes.seed);
    const population = syntheticPatients(sizes.patients, sizes.seed);
    const traffic = smsTraffic(population, sizes.events, sizes.seed + 1);
    const services = createServices(bdb.database, BENCH_SECRET);
    const bar = progress('context-card', traffic.length, 'events ingested');
    const run = await ingestAll(services, organizationId, traffic, sizes.concurrency, (d) => bar.tick(d));
    bar.done(run.errors ? `(${run.errors} failed: ${run.firstError})` : undefined);
    const caseIds = [...new Set(run.results.map((r) => r?.caseId).filter((id): id is string => !!id))];
    if (caseIds.length === 0) throw new Error(`no cases after ingesting ${traffic.length} events${run.firstError ? ` (${run.firstError})` : ''}`);
    // Fresh statistics, as a live database would have: the planner sees the real table sizes.
    await bdb.raw('analyze');

    const rng = createRng(sizes.seed + 2);
    const sample = Array.from({ length: sizes.samples }, () => caseIds[Math.floor(rng() * caseIds.length)]!);
    const warm = Array.from({ length: Math.min(50, sizes.samples) }, () => caseIds[Math.floor(rng() * caseIds.length)]!);
    const now = trafficEnd(traffic);
    const { db } = bdb.database;
    const lookup = 'select * from cases where id = $1';

    note(`[context-card] ${caseIds.length.toLocaleString('en-US')} cases; warming up with ${warm.length} cards`);
    for (const id of warm) {
      await caseContextCard(db, organizationId, id, now);
      await bdb.raw(lookup, [id]);
    }

    // Interleaved one by one, so both see the same moment of the machine.
    const cardMs: number[] = [];
    const floorMs: number[] = [];
    let facts = 0;
    let messages = 0;
    const cardBar = progress('context-card', sample.length, 'cards');
    for (let i = 0; i < sample.length; i++) {
      const id = sample[i]!;
      let t0 = performance.now();
      const card = await caseContextCard(db, organizationId, id, now);
      cardMs.push(performance.now() - t0);
      facts += card.facts.length;
      messages += card.lastMessages.length;
      t0 = performance.now();
      const rows = await bdb.raw(lookup, [id]);
      floorMs.push(performance.now() - t0);
      if (rows.length !== 1) throw new Error(`primary-key lookup of case ${id} returned ${rows.length} rows`);
      cardBar.tick(i + 1);
    }
    const card = latencies(cardMs);
    const floor = latencies(floorMs);
    cardBar.done(`→ p50 ${fmt(card.p50_ms)} ms (floor ${fmt(floor.p50_ms)} ms)`);

    return {
      result: {
        name: 'context-card',
        figure: {
          p50_ms: card.p50_ms,
          p95_ms: card.p95_ms,
          p99_ms: card.p99_ms,
          mean_ms: card.mean_ms,
          samples: card.samples,
          patients: sizes.patients,
          cases: caseIds.length,
          events: traffic.length - run.errors,
        },
        floor: { p50_ms: floor.p50_ms, p95_ms: floor.p95_ms, p99_ms: floor.p99_ms, mean_ms: floor.mean_ms, samples: floor.samples },
        ratio: round(card.p50_ms / floor.p50_ms, 2),
        notes:
          `${bdb.kind === 'postgres' ? 'PostgreSQL' : 'PGlite (in-memory)'}; floor = raw \`${lookup}\` on the same ids, interleaved; ` +
          `ratio = card p50 ÷ lookup p50 (lower is better); cards averaged ${round(facts / sample.length, 1)} facts and ` +
          `${round(messages / sample.length, 1)} messages.` +
          (run.errors ? ` ${run.errors} setup events failed (first: ${run.firstError}).` : ''),
      },
      figureText: `p50 ${fmt(card.p50_ms)} / p95 ${fmt(card.p95_ms)} / p99 ${fmt(card.p99_ms)} ms (${sizes.patients.toLocaleString('en-US')} patients, ${caseIds.length.toLocaleString('en-US')} cases)`,
      floorText: `p50 ${fmt(floor.p50_ms)} / p99 ${fmt(floor.p99_ms)} ms PK lookup`,
    };
  } finally {
    await bdb.cleanup();
  }
}
