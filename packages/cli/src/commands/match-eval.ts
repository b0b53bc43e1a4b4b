// `carethread match-eval <a.csv> [<b.csv>] [--json]`: scores the patient matcher against
// Febrl-format files whose record ids carry the truth, so that a change to the model is
// judged by precision and recall rather than by eye.

import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { findMatchingPairs, type Demographics } from '@carethread/core';

export interface FebrlRecord {
  id: string;
  /** The N of rec-N-org / rec-N-dup-K: equal entity means same person. Null if the id has no N. */
  entity: string | null;
  demographics: Demographics;
}

export interface MatchEvalResult {
  precision: number;
  recall: number;
  f1: number;
  true_pairs: number;
  predicted_pairs: number;
  seconds: number;
}

const COLUMNS = [
  'rec_id',
  'given_name',
  'surname',
  'street_number',
  'address_1',
  'address_2',
  'suburb',
  'postcode',
  'state',
  'date_of_birth',
  'soc_sec_id',
] as const;
type Column = (typeof COLUMNS)[number];

/** Splits one CSV line; Febrl writes no quotes, but a quoted comma must not shift columns. */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/** YYYYMMDD to ISO; anything that is not a plausible date becomes unknown. */
function febrlDate(s: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function entityOf(id: string): string | null {
  const m = /^rec-(\d+)-(?:org|dup-\d+)$/.exec(id);
  return m ? m[1]! : null;
}

/**
 * Reads Febrl CSV text. Columns are found by header name when a header is present (so a
 * reordered file still reads right) and by Febrl's standard order otherwise.
 */
export function parseFebrl(text: string): FebrlRecord[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let index: Partial<Record<Column, number>> = Object.fromEntries(COLUMNS.map((c, i) => [c, i]));
  let start = 0;
  const first = lines[0] ? splitCsvLine(lines[0]).map((c) => c.trim().toLowerCase()) : [];
  if (first[0] === 'rec_id') {
    index = {};
    first.forEach((name, i) => {
      if ((COLUMNS as readonly string[]).includes(name)) index[name as Column] = i;
    });
    start = 1;
  }

  const records: FebrlRecord[] = [];
  for (let n = start; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    const get = (c: Column): string | undefined => {
      const i = index[c];
      const v = i === undefined ? undefined : cells[i]?.trim();
      return v ? v : undefined;
    };
    const id = get('rec_id');
    if (!id) continue;
    const demographics: Demographics = {};
    const put = (key: keyof Demographics, value: string | undefined) => {
      if (value !== undefined) demographics[key] = value;
    };
    put('givenName', get('given_name'));
    put('familyName', get('surname'));
    put('streetNumber', get('street_number'));
    put('addressLine', get('address_1'));
    put('addressLine2', get('address_2'));
    put('city', get('suburb'));
    put('postcode', get('postcode'));
    put('state', get('state'));
    put('birthDate', febrlDate(get('date_of_birth') ?? ''));
    put('nationalId', get('soc_sec_id'));
    records.push({ id, entity: entityOf(id), demographics });
  }
  return records;
}

function countTruePairs(groups: Iterable<[number, number]>): number {
  let total = 0;
  for (const [l, r] of groups) total += r === -1 ? (l * (l - 1)) / 2 : l * r;
  return total;
}

/**
 * Runs the matcher on one file (deduplicate) or two (link first × second) and scores its
 * links against the truth in the record ids.
 */
export async function matchEval(files: string[]): Promise<MatchEvalResult> {
  if (files.length < 1 || files.length > 2) throw new Error('match-eval takes one or two files');
  return evaluateTexts(await Promise.all(files.map((f) => readFile(f, 'utf8'))));
}

/** The same evaluation on file contents already in memory. */
export function evaluateTexts(texts: string[]): MatchEvalResult {
  return evaluateRecords(texts.map(parseFebrl));
}

/** One set: deduplicate it. Two sets: link the first against the second. */
export function evaluateRecords(sets: FebrlRecord[][]): MatchEvalResult {
  // Ids are made unique per file so that two files using the same rec_id cannot collide.
  const tagged = sets.map((set, s) => set.map((r, i) => ({ ...r, id: `${s}:${i}` })));
  const left = tagged[0]!;
  const right = tagged[1];

  const entityById = new Map<string, string | null>();
  for (const set of tagged) for (const r of set) entityById.set(r.id, r.entity);

  // true pairs: within one file, every pair sharing N; across two, every cross pair sharing N
  const counts = new Map<string, [number, number]>();
  for (const r of left) {
    if (r.entity === null) continue;
    const c = counts.get(r.entity) ?? [0, right ? 0 : -1];
    c[0]++;
    counts.set(r.entity, c);
  }
  if (right) {
    for (const r of right) {
      if (r.entity === null) continue;
      const c = counts.get(r.entity) ?? [0, 0];
      c[1]++;
      counts.set(r.entity, c);
    }
  }
  const truePairs = countTruePairs(counts.values());

  const started = performance.now();
  const pairs = findMatchingPairs(left, right);
  const seconds = (performance.now() - started) / 1000;

  let correct = 0;
  for (const p of pairs) {
    const ea = entityById.get(p.a);
    if (ea != null && ea === entityById.get(p.b)) correct++;
  }
  const precision = pairs.length === 0 ? 0 : correct / pairs.length;
  const recall = truePairs === 0 ? 0 : correct / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    precision,
    recall,
    f1,
    true_pairs: truePairs,
    predicted_pairs: pairs.length,
    seconds,
  };
}

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

function describeReadError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

const USAGE = 'usage: carethread match-eval <a.csv> [<b.csv>] [--json]\n';

function fixed(x: number, digits = 4): string {
  return x.toFixed(digits);
}

/** CLI entry: returns the exit code (0 ok, 2 bad arguments or unreadable file). */
export async function matchEvalCommand(args: string[], io: CommandIo = defaultIo): Promise<number> {
  let json = false;
  const files: string[] = [];
  for (const arg of args) {
    if (arg === '--json') json = true;
    else if (arg === '-h' || arg === '--help') {
      io.out(USAGE);
      return 0;
    } else if (arg.startsWith('-')) {
      io.err(`match-eval: unknown option ${arg}\n${USAGE}`);
      return 2;
    } else files.push(arg);
  }
  if (files.length < 1 || files.length > 2) {
    io.err(`match-eval: expected one or two files, got ${files.length}\n${USAGE}`);
    return 2;
  }
  const sets: FebrlRecord[][] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.err(`match-eval: cannot read ${file}: ${describeReadError(e)}\n`);
      return 2;
    }
    // An empty or foreign file would otherwise score a silent 0 and look like a bad matcher.
    const records = parseFebrl(text);
    if (!records.some((r) => r.entity !== null)) {
      io.err(`match-eval: no Febrl records in ${file} (expected ids like rec-12-org and rec-12-dup-0)\n`);
      return 2;
    }
    sets.push(records);
  }

  const result = evaluateRecords(sets);
  if (json) {
    io.out(`${JSON.stringify(result)}\n`);
  } else {
    const rows: Array<[string, string]> = [
      ['mode', files.length === 1 ? 'deduplicate' : 'link'],
      ['true pairs', String(result.true_pairs)],
      ['predicted pairs', String(result.predicted_pairs)],
      ['precision', fixed(result.precision)],
      ['recall', fixed(result.recall)],
      ['f1', fixed(result.f1)],
      ['seconds', fixed(result.seconds, 3)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    io.out(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
  }
  return 0;
}
