// `match-eval`: the patient matcher deduplicating a Febrl file (speed and F1), against the
// unavoidable part of the job: reading the file, parsing it and computing every record's
// blocking keys.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { blockingKeys } from '@carethread/core';
import { matchEval, parseFebrl, type MatchEvalResult } from '../packages/cli/src/commands/match-eval.ts';
import { fmt, note, round, type BenchOutcome } from './measure.ts';

export interface MatchEvalSizes {
  file: string;
  /** Timed repetitions of each side after one warm-up; the median is reported. */
  runs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Read, parse, block: what any matcher must do before comparing a single pair. */
async function parseAndBlock(file: string): Promise<{ records: number; keys: number }> {
  const records = parseFebrl(await readFile(file, 'utf8'));
  let keys = 0;
  for (const r of records) keys += blockingKeys(r.demographics).length;
  return { records: records.length, keys };
}

export async function matchEvalBenchmark(sizes: MatchEvalSizes): Promise<BenchOutcome> {
  if (!existsSync(sizes.file)) {
    return {
      result: { name: 'match-eval', figure: {}, floor: {}, notes: `skipped: ${sizes.file} not found` },
      figureText: 'skipped',
      floorText: `(${sizes.file} not found)`,
    };
  }
  const runs = Math.max(1, sizes.runs);
  note(`[match-eval] ${sizes.file}: 1 warm-up + ${runs} timed run${runs === 1 ? '' : 's'} of each side`);

  let result: MatchEvalResult = await matchEval([sizes.file]);
  const figureSeconds: number[] = [];
  const matcherSeconds: number[] = [];
  await parseAndBlock(sizes.file);
  const floorSeconds: number[] = [];
  let counted = { records: 0, keys: 0 };
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    counted = await parseAndBlock(sizes.file);
    floorSeconds.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    result = await matchEval([sizes.file]);
    figureSeconds.push((performance.now() - t0) / 1000);
    matcherSeconds.push(result.seconds);
  }
  const seconds = median(figureSeconds);
  const floor = median(floorSeconds);
  note(`[match-eval] F1 ${result.f1.toFixed(4)} in ${seconds.toFixed(3)} s (floor ${floor.toFixed(3)} s)`);
  return {
    result: {
      name: 'match-eval',
      figure: {
        seconds: round(seconds, 4),
        records_per_s: round(counted.records / seconds, 1),
        f1: round(result.f1, 4),
        precision: round(result.precision, 4),
        recall: round(result.recall, 4),
        matcher_seconds: round(median(matcherSeconds), 4),
        records: counted.records,
        true_pairs: result.true_pairs,
        predicted_pairs: result.predicted_pairs,
      },
      floor: {
        seconds: round(floor, 4),
        records_per_s: round(counted.records / floor, 1),
        blocking_keys: counted.keys,
      },
      ratio: round(seconds / floor, 2),
      notes:
        `median of ${runs} run${runs === 1 ? '' : 's'}; figure = matchEval() wall time (read + parse + match + score), ` +
        `matcher_seconds = findMatchingPairs alone; floor = read + parse + blockingKeys over every record; ` +
        `ratio = figure seconds ÷ floor seconds (lower is better).`,
    },
    figureText: `${seconds.toFixed(3)} s, ${fmt(counted.records / seconds)} rec/s, F1 ${result.f1.toFixed(4)} (P ${result.precision.toFixed(4)}, R ${result.recall.toFixed(4)})`,
    floorText: `${floor.toFixed(3)} s parse + blocking keys`,
  };
}
