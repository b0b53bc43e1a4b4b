// `nlu`: the assistant's understanding per message. The figure is the median time of one
// classification (urgent rules → person/formula rules → language → nlp.js + linear model)
// and of one full understand() (plus entities, sentiment, frustration); the floor is core's
// keyword request-type rules (classifyRequestType) on the same messages in the same run:
// the cheapest thing that still reads a message for its request.

import { performance } from 'node:perf_hooks';
import { createUnderstanding, loadCorpora, loadUrgentSet } from '@carethread/assistant';
import { classifyRequestType } from '@carethread/core';
import { fmt, latencies, note, round, type BenchOutcome } from './measure.ts';

export interface NluSizes {
  /** Messages timed (taken from the shipped corpora and the urgent set, both languages). */
  messages: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Every k-th item so a small sample still spans both languages and every intent. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (n >= items.length) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}

export async function nluBenchmark(sizes: NluSizes): Promise<BenchOutcome> {
  const started = performance.now();
  const engine = await createUnderstanding();
  const startupMs = performance.now() - started;
  const texts = spread([...loadCorpora(), ...loadUrgentSet()].map((u) => u.text), Math.max(1, sizes.messages));
  const ctx = { timeZone: 'America/New_York', referenceTime: '2025-03-12T15:00:00Z', departments: ['Cardiology', 'Pediatrics'], providers: ['Dr. Ana Núñez'] };
  note(`[nlu] trained on ${engine.trainedOn} utterances in ${Math.round(startupMs)} ms; timing ${texts.length} messages`);

  // Warm-up on altered texts, so the timed pass meets each message for the first time
  // (nlp.js caches what it has already tokenised).
  for (const t of texts.slice(0, 50)) {
    await engine.understand(`${t} ok`, ctx);
    classifyRequestType(`${t} ok`);
  }

  const floorMs: number[] = [];
  const classifyMs: number[] = [];
  const understandMs: number[] = [];
  let sink = 0;
  for (const t of texts) {
    let t0 = performance.now();
    sink += classifyRequestType(t)?.confidence ?? 0;
    floorMs.push(performance.now() - t0);
    t0 = performance.now();
    const c = await engine.classify(t);
    classifyMs.push(performance.now() - t0);
    sink += c.confidence;
  }
  for (const t of texts) {
    const t0 = performance.now();
    const u = await engine.understand(`${t} `, ctx);
    understandMs.push(performance.now() - t0);
    sink += u.entities.length;
  }
  if (!Number.isFinite(sink)) throw new Error('unreachable');

  const figure = median(classifyMs);
  const floor = median(floorMs);
  const c = latencies(classifyMs);
  const u = latencies(understandMs);
  const f = latencies(floorMs);
  note(`[nlu] classify median ${figure.toFixed(3)} ms, understand median ${u.p50_ms} ms, floor ${floor.toFixed(4)} ms`);
  return {
    result: {
      name: 'nlu',
      figure: {
        classify_median_ms: round(figure, 4),
        classify_p95_ms: c.p95_ms,
        classify_per_s: round(1000 / c.mean_ms, 0),
        understand_median_ms: u.p50_ms,
        understand_p95_ms: u.p95_ms,
        startup_ms: round(startupMs, 0),
        trained_on: engine.trainedOn,
        messages: texts.length,
      },
      floor: {
        median_ms: round(floor, 4),
        p95_ms: f.p95_ms,
        per_s: round(1000 / f.mean_ms, 0),
      },
      ratio: round(figure / floor, 1),
      notes:
        'figure = createUnderstanding().classify() per message (urgent rules, person/formula rules, language, nlp.js + linear model); ' +
        'understand = the same plus entities (date recognizers, phones, names, medications, departments, providers), sentiment and frustration; ' +
        'floor = core classifyRequestType() keyword rules on the same messages; ratio = classify median ÷ floor median (lower is better); aim: classify median < 2 ms.',
    },
    figureText: `classify ${figure.toFixed(3)} ms median (p95 ${c.p95_ms} ms), understand ${u.p50_ms} ms, start-up ${fmt(startupMs)} ms`,
    floorText: `${floor.toFixed(4)} ms core keyword rules`,
  };
}
