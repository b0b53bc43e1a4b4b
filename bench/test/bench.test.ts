// Runs the benchmark suite at quick sizes as `npm run bench` would, on whichever database the
// environment chooses (PGlite, or PostgreSQL when DATABASE_URL is set), and checks the shape
// of its report. Performance itself is judged from the figures and floors, never here: this
// test makes no timing assertions.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FEBRL = fileURLToPath(new URL('../../../shared/data/febrl/dataset2.csv', import.meta.url));

interface Report {
  machine: Record<string, unknown>;
  benchmarks: Array<{ name: string; figure: Record<string, unknown>; floor: Record<string, unknown>; ratio?: number; notes?: string }>;
}

/** The caller's environment (DATABASE_URL picks the engine) without size overrides: quick means quick. */
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BENCH_')));

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let report: Report;

beforeAll(async () => {
  const { code, stdout, stderr } = await runBench(['--quick', '--json']);
  if (code !== 0) throw new Error(`bench exited with ${code}\n${stderr.slice(-4000)}`);
  report = JSON.parse(stdout) as Report;
}, 300_000);

const byName = (name: string) => {
  const b = report.benchmarks.find((x) => x.name === name);
  expect(b, `benchmark ${name} in the report`).toBeDefined();
  return b!;
};

/** Every number in the object is finite and above zero, and there is at least one. */
function expectPositive(values: Record<string, unknown>, what: string): void {
  const numbers = Object.entries(values).filter(([, v]) => typeof v === 'number');
  expect(numbers.length, `${what} has numbers`).toBeGreaterThan(0);
  for (const [key, v] of numbers) expect(Number.isFinite(v) && (v as number) > 0, `${what}.${key} = ${v}`).toBe(true);
}

describe('npm run bench -- --quick --json', () => {
  it('prints one JSON report describing the machine and every benchmark', () => {
    expect(report.machine).toMatchObject({ node: process.version });
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(String(report.machine.database)).toMatch(process.env.DATABASE_URL?.startsWith('postgres') ? /PostgreSQL/ : /PGlite/);
    expect(report.benchmarks.map((b) => b.name)).toEqual(['ingest', 'context-card', 'open-case', 'match-eval', 'nlu', 'assistant']);
  });

  it.each(['ingest', 'context-card', 'open-case', 'nlu'])('%s reports a positive figure, floor and ratio', (name) => {
    const b = byName(name);
    expectPositive(b.figure, `${name}.figure`);
    expectPositive(b.floor, `${name}.floor`);
    expect(b.ratio).toBeGreaterThan(0);
  });

  it('ingest measures messages against single-row inserts', () => {
    const b = byName('ingest');
    expect(b.figure).toHaveProperty('messages_per_s');
    expect(b.floor).toHaveProperty('rows_per_s');
    expect(b.figure.events).toBe(200);
  });

  it('context-card reports percentiles for the card and the primary-key floor', () => {
    const b = byName('context-card');
    for (const key of ['p50_ms', 'p95_ms', 'p99_ms']) {
      expect(b.figure).toHaveProperty(key);
      expect(b.floor).toHaveProperty(key);
    }
    expect(b.figure.samples).toBe(100);
  });

  it('open-case opens cases through the app and reports percentiles beside the PK + scan floor and the aim', () => {
    const b = byName('open-case');
    for (const key of ['p50_ms', 'p95_ms', 'p99_ms']) {
      expect(b.figure).toHaveProperty(key);
      expect(b.floor).toHaveProperty(key);
    }
    expect(b.figure.samples).toBe(40);
    expect(b.figure.messages).toBe(10_000);
    expect(b.figure.aim_met).toMatch(/^(yes|no)$/);
    expect(b.notes).toMatch(/p95 < 150 ms — (met|NOT met)/);
  });

  it('nlu times classification beside the keyword-rules floor', () => {
    const b = byName('nlu');
    expect(b.figure).toHaveProperty('classify_median_ms');
    expect(b.floor).toHaveProperty('median_ms');
    expect(b.figure.messages).toBe(200);
  });

  it.runIf(existsSync(FEBRL))('match-eval scores the matcher at F1 ≥ 0.98 beside a parse-and-block floor', () => {
    const b = byName('match-eval');
    expectPositive(b.figure, 'match-eval.figure');
    expectPositive(b.floor, 'match-eval.floor');
    expect(b.figure.f1 as number).toBeGreaterThanOrEqual(0.98);
  });

  it.skipIf(existsSync(FEBRL))('match-eval says it skipped when the Febrl file is missing', () => {
    expect(byName('match-eval').notes).toMatch(/skipped/);
  });
});

describe('bench options', () => {
  it('rejects an unknown benchmark name with a usage error', async () => {
    const { code, stdout, stderr } = await runBench(['--only', 'nope', '--json']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/no benchmark named "nope"/);
  });
});
