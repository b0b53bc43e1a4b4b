// Command-line and environment options of `npm run bench`.

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usingPostgres } from './db.ts';

export const BENCHMARKS = ['ingest', 'context-card', 'open-case', 'match-eval', 'nlu', 'assistant'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Options {
  json: boolean;
  quick: boolean;
  only: BenchmarkName[];
  seed: number;
  ingestEvents: number;
  ingestPatients: number;
  concurrency: number;
  cardPatients: number;
  cardEvents: number;
  cardSamples: number;
  openPatients: number;
  openMessages: number;
  openSamples: number;
  matchRuns: number;
  nluMessages: number;
  assistantRounds: number;
  febrl: string;
}

export class UsageError extends Error {}

/** flag, environment variable, full default, quick default, what it sets. */
const SIZES: Array<[keyof Options, string, string, number | null, number | null, string]> = [
  ['ingestEvents', '--ingest-events', 'BENCH_INGEST_EVENTS', 2000, 200, 'events timed by `ingest`'],
  ['ingestPatients', '--ingest-patients', 'BENCH_INGEST_PATIENTS', 5000, 500, 'patients seeded for `ingest`'],
  ['concurrency', '--concurrency', 'BENCH_CONCURRENCY', null, null, 'events in flight (default 8 on PostgreSQL, 1 on PGlite)'],
  ['cardPatients', '--card-patients', 'BENCH_CARD_PATIENTS', 100_000, 2000, 'patients seeded for `context-card`'],
  ['cardEvents', '--card-events', 'BENCH_CARD_EVENTS', 5000, 300, 'events ingested before `context-card` samples'],
  ['cardSamples', '--card-samples', 'BENCH_CARD_SAMPLES', 1000, 100, 'context cards timed'],
  ['openPatients', '--open-patients', 'BENCH_OPEN_PATIENTS', 100_000, 1000, 'patients seeded for `open-case`'],
  ['openMessages', '--open-messages', 'BENCH_OPEN_MESSAGES', 1_000_000, 10_000, 'messages bulk-loaded for `open-case`'],
  ['openSamples', '--open-samples', 'BENCH_OPEN_SAMPLES', 300, 40, 'cases opened by `open-case`'],
  ['matchRuns', '--match-runs', 'BENCH_MATCH_RUNS', 5, 1, 'timed runs of `match-eval` (median reported)'],
  ['nluMessages', '--nlu-messages', 'BENCH_NLU_MESSAGES', 2000, 200, 'messages classified by `nlu`'],
  ['assistantRounds', '--assistant-rounds', 'BENCH_ASSISTANT_ROUNDS', 3, 1, 'times `assistant` plays every assistant scenario'],
  ['seed', '--seed', 'BENCH_SEED', 7, 7, 'seed of the synthetic population and traffic'],
];

export const USAGE = `usage: npm run bench -- [--json] [--quick] [--only <name>[,<name>…]] [sizes]

  --json            print one JSON object on stdout (progress stays on stderr)
  --quick           small sizes (used by bench/test/bench.test.ts)
  --only <name>     run only these benchmarks: ${BENCHMARKS.join(', ')}
${SIZES.map(([, flag, env, full, quick, what]) => `  ${`${flag} N`.padEnd(18)}${what}; env ${env}${full === null ? '' : ` (default ${full}, quick ${quick})`}`).join('\n')}
  --febrl <file>    Febrl CSV for match-eval; env BENCH_FEBRL_FILE (default ../shared/data/febrl/dataset2.csv from the repo root)

DATABASE_URL=postgres://… runs the database benchmarks on PostgreSQL (a fresh ct_bench_* database
beside the one named, dropped at the end); otherwise on in-memory PGlite.`;

function positiveInt(text: string, what: string): number {
  const n = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a positive integer (got "${text}")`);
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): Options | 'help' {
  const flags = new Map<string, string>();
  let json = false;
  let quick = env.BENCH_QUICK === '1';
  const only: string[] = [];
  const valued = new Set(['--only', '--febrl', ...SIZES.map(([, flag]) => flag)]);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--json') json = true;
    else if (arg === '--quick') quick = true;
    else if (valued.has(arg)) {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      }
      if (arg === '--only') only.push(...value.split(',').map((s) => s.trim()).filter(Boolean));
      else flags.set(arg, value);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  for (const name of only) {
    if (!(BENCHMARKS as readonly string[]).includes(name)) throw new UsageError(`no benchmark named "${name}" (there are: ${BENCHMARKS.join(', ')})`);
  }

  // A path the user gives is taken from where they stand; the default from the repo root.
  const febrlGiven = flags.get('--febrl') ?? (env.BENCH_FEBRL_FILE || undefined);
  const options: Options = {
    json,
    quick,
    only: only.length ? BENCHMARKS.filter((b) => only.includes(b)) : [...BENCHMARKS],
    seed: 7,
    ingestEvents: 0,
    ingestPatients: 0,
    concurrency: usingPostgres(env) ? 8 : 1,
    cardPatients: 0,
    cardEvents: 0,
    cardSamples: 0,
    openPatients: 0,
    openMessages: 0,
    openSamples: 0,
    matchRuns: 0,
    nluMessages: 0,
    assistantRounds: 0,
    febrl: febrlGiven ? resolve(febrlGiven) : resolve(REPO_ROOT, '../shared/data/febrl/dataset2.csv'),
  };
  for (const [key, flag, envName, full, quickSize] of SIZES) {
    const given = flags.get(flag) ?? (env[envName] || undefined);
    if (given !== undefined) (options[key] as number) = positiveInt(given, `${flag} / ${envName}`);
    else if (full !== null) (options[key] as number) = quick ? quickSize! : full;
  }
  return options;
}
