// `npm run bench [-- --json] [--quick] [--only <name>]`: carethread's benchmarks. Each prints
// its figure beside a floor measured in the same run on the same machine, so results can be
// compared across machines of different speed by their ratio. Progress goes to stderr; with
// --json, stdout carries exactly one JSON object.

import { cpus, totalmem } from 'node:os';
import { contextCardBenchmark } from './context-card.ts';
import { abortAll, cleanupAll, describeEngine, usingPostgres } from './db.ts';
import { ingestBenchmark } from './ingest.ts';
import { matchEvalBenchmark } from './match-eval.ts';
import { nluBenchmark } from './nlu.ts';
import { assistantBenchmark } from './assistant.ts';
import { openCaseBenchmark } from './open-case.ts';
import { note, type BenchOutcome } from './measure.ts';
import { parseOptions, USAGE, UsageError, type BenchmarkName, type Options } from './options.ts';

interface Machine {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  cpu_model: string;
  memory_gb: number;
  database: string;
}

async function machine(): Promise<Machine> {
  const list = cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: list.length,
    cpu_model: list[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    database: await describeEngine(),
  };
}

function runOne(name: BenchmarkName, o: Options): Promise<BenchOutcome> {
  switch (name) {
    case 'ingest':
      return ingestBenchmark({ events: o.ingestEvents, patients: o.ingestPatients, concurrency: o.concurrency, seed: o.seed, floorSeconds: o.quick ? 0.1 : 1 });
    case 'context-card':
      return contextCardBenchmark({ patients: o.cardPatients, events: o.cardEvents, samples: o.cardSamples, concurrency: o.concurrency, seed: o.seed });
    case 'open-case':
      return openCaseBenchmark({ patients: o.openPatients, messages: o.openMessages, samples: o.openSamples, seed: o.seed });
    case 'match-eval':
      return matchEvalBenchmark({ file: o.febrl, runs: o.matchRuns });
    case 'nlu':
      return nluBenchmark({ messages: o.nluMessages });
    case 'assistant':
      return assistantBenchmark({ rounds: o.assistantRounds });
  }
}

function table(m: Machine, outcomes: BenchOutcome[], o: Options): string {
  const lines = [
    `carethread benchmarks${o.quick ? ' (quick sizes)' : ''}`,
    `node ${m.node} · ${m.platform} ${m.arch} · ${m.cpus} × ${m.cpu_model} · ${m.memory_gb} GB`,
    `database: ${m.database}${usingPostgres() ? '' : ' (set DATABASE_URL=postgres://… to measure on PostgreSQL)'}`,
    '',
  ];
  const rows = [['benchmark', 'figure', 'floor (same run)', 'ratio'], ...outcomes.map((x) => [x.result.name, x.figureText, x.floorText, x.result.ratio === undefined ? '–' : String(x.result.ratio)])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const render = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ');
  lines.push(render(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(render), '');
  for (const x of outcomes) if (x.result.notes) lines.push(`${x.result.name}: ${x.result.notes}`);
  return lines.join('\n') + '\n';
}

async function main(argv: string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bench: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const o = options;
  const m = await machine();
  note(`carethread benchmarks on ${m.database}; node ${m.node}, ${m.cpus} CPUs; running ${o.only.join(', ')}${o.quick ? ' (quick)' : ''}`);

  const outcomes: BenchOutcome[] = [];
  let failed = 0;
  for (const name of o.only) {
    try {
      outcomes.push(await runOne(name, o));
    } catch (err) {
      failed++;
      const message = err instanceof Error ? err.message : String(err);
      note(`[${name}] failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
      outcomes.push({ result: { name, figure: {}, floor: {}, notes: `failed: ${message}` }, figureText: 'FAILED', floorText: message });
    }
  }
  if (o.json) process.stdout.write(`${JSON.stringify({ machine: m, benchmarks: outcomes.map((x) => x.result) })}\n`);
  else process.stdout.write(table(m, outcomes, o));
  return failed ? 1 : 0;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    note(`bench: ${signal}, dropping benchmark databases…`);
    // Dropping terminates the connections still at work; their errors no longer matter.
    process.on('uncaughtException', () => undefined);
    process.on('unhandledRejection', () => undefined);
    void abortAll().finally(() => process.exit(130));
  });
}

main(process.argv.slice(2))
  .then(async (code) => {
    await cleanupAll();
    process.exitCode = code;
  })
  .catch(async (err) => {
    note(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanupAll();
    process.exitCode = 1;
  });
