// Small measuring tools shared by the benchmarks: percentiles, progress on stderr, and a
// runner that keeps N operations in flight.

import { performance } from 'node:perf_hooks';

export interface BenchResult {
  name: string;
  figure: Record<string, number | string>;
  floor: Record<string, number | string>;
  /** figure ÷ floor of the headline metric; `notes` says which and which way is better. */
  ratio?: number;
  notes?: string;
}

/** A result plus one-line texts for the readable table. */
export interface BenchOutcome {
  result: BenchResult;
  figureText: string;
  floorText: string;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Latencies {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
  samples: number;
}

export function latencies(samplesMs: number[]): Latencies {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    p50_ms: round(percentile(sorted, 50), 3),
    p95_ms: round(percentile(sorted, 95), 3),
    p99_ms: round(percentile(sorted, 99), 3),
    max_ms: round(sorted[sorted.length - 1] ?? NaN, 3),
    mean_ms: round(mean, 3),
    samples: sorted.length,
  };
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Significant-looking number for tables: 12 345, 812, 3.41, 0.532. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/** Writes progress to stderr: in place on a terminal, otherwise a line every ~10% or 2 s. */
export function progress(label: string, total: number, unit: string): { tick(done: number): void; done(extra?: string): void } {
  const tty = process.stderr.isTTY === true;
  let lastPrinted = -1;
  let lastAt = 0;
  const started = performance.now();
  const line = (done: number) => {
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    const secs = (performance.now() - started) / 1000;
    return `[${label}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit} (${pct}%, ${secs.toFixed(1)} s)`;
  };
  return {
    tick(done) {
      const now = performance.now();
      if (tty) {
        if (now - lastAt < 100 && done < total) return;
        lastAt = now;
        process.stderr.write(`\r${line(done)}\x1b[K`);
        return;
      }
      const step = Math.floor((done / Math.max(1, total)) * 10);
      if (step > lastPrinted || now - lastAt > 2000) {
        lastPrinted = step;
        lastAt = now;
        if (done < total) process.stderr.write(`${line(done)}\n`);
      }
    },
    done(extra) {
      process.stderr.write(`${tty ? '\r' : ''}${line(total)}${extra ? ` ${extra}` : ''}${tty ? '\x1b[K' : ''}\n`);
    },
  };
}

export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/**
 * Runs `work` over the items with at most `concurrency` in flight. Items that share a key
 * run one after another in order (a provider delivers one sender's messages in sequence);
 * different keys overlap freely.
 */
export async function runConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  keyOf: (item: T) => string,
  work: (item: T, index: number) => Promise<void>,
  onDone?: (done: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  const tails = new Map<string, Promise<void>>();
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      const key = keyOf(item);
      const before = tails.get(key);
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      tails.set(key, mine);
      try {
        if (before) await before;
        await work(item, index);
      } finally {
        release();
        if (tails.get(key) === mine) tails.delete(key);
        onDone?.(++done);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
