import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../src/index.ts';

// Shared pieces of the hostile-input suite (test/fuzz-*.test.ts, docs/security.md "Hostile input").
// Runs are reproducible: the seed is fixed unless FUZZ_SEED is set, and fast-check prints the seed
// and the shrunk counterexample of any failure, so `FUZZ_SEED=<seed> npx vitest run …` replays it.

/** The seed every property in the suite starts from. */
export const FUZZ_SEED = (() => {
  const n = Number.parseInt(process.env.FUZZ_SEED ?? '', 10);
  return Number.isFinite(n) ? n : 20_261_102;
})();

const RUNS = Number.parseInt(process.env.FUZZ_RUNS ?? '', 10);

// Printed once per file, so a CI log always says which sequence ran.
console.log(`fuzz: seed ${FUZZ_SEED}${Number.isFinite(RUNS) && RUNS > 0 ? `, FUZZ_RUNS=${RUNS}` : ''} (replay with FUZZ_SEED=${FUZZ_SEED})`);

/** Runs per property: the suite's CI default, or FUZZ_RUNS when set (bigger runs locally). */
export function fuzzRuns(ciDefault: number): number {
  return Number.isFinite(RUNS) && RUNS > 0 ? RUNS : ciDefault;
}

/** fast-check parameters for one property. */
export function fuzzParams(ciDefault: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: fuzzRuns(ciDefault) };
}

/**
 * One failed property, short enough to read among many: what was fuzzed, how to replay it (seed
 * and path), the shrunk input and the first lines of what went wrong.
 */
export function describeFailure(label: string, run: fc.RunDetails<unknown>): string {
  const input = JSON.stringify(run.counterexample)?.slice(0, 600);
  const error = run.errorInstance instanceof Error ? run.errorInstance.message : String(run.errorInstance);
  return `${label}: seed ${run.seed}, path "${run.counterexamplePath}"\n  input: ${input}\n  error: ${error.replace(/\s+/g, ' ').slice(0, 1200)}`;
}

/** Generous test timeout, in step with FUZZ_RUNS: `properties` properties of `ciDefault` runs each. */
export function fuzzTimeout(ciDefault: number, perRunMs: number, properties = 1): number {
  return Math.max(60_000, fuzzRuns(ciDefault) * properties * perRunMs + 30_000);
}

/** The marker planted in inputs: it must never come back unescaped in HTML. */
export const SCRIPT_MARKER = '<script>fuzz_marker()</script>';

const HOSTILE_CONSTANTS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  SCRIPT_MARKER,
  '"><img src=x onerror=fuzz_marker()>',
  "'; drop table patients; --",
  "' OR '1'='1",
  '1; select pg_sleep(0)',
  '$1',
  '%',
  '_',
  '\\',
  '${constructor}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  '%s%n%x',
  '\uFEFF',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Eevil',
  'İıŉ',
  '𝕳𝖊𝖑𝖑𝖔 🙂',
  'Ñandú señal',
  '\r\nX-Injected: 1',
  '\r\n.\r\n',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-4000-8000-00000000000g',
  'not-a-uuid',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31T99:99:99Z',
  '-271821-04-20T00:00:00Z',
  // Valid ISO 8601 that PostgreSQL cannot store or that no event has (issue 12, item 6: year 0 and 1 were 500s).
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00+14:00',
  '1899-12-31T23:59:59Z',
  '2201-01-01T00:00:00Z',
  '0000-01-01',
  '0001-01-01',
  // Control characters (C0 and DEL), alone and inside ordinary values.
  '\u0001',
  '\u001b[31m',
  'demo\u0000',
  'de\u0007mo',
  '\t',
  '\n',
  '\u007f',
  '\u0085',
  '+12125550100',
  '+1 212 555 0199 ext 9999999999',
  'a@b',
  'patient@example.org',
  '@@@',
  'javascript:alert(1)',
  'data:text/html,<script>fuzz_marker()</script>',
];

/** Strings a careless parser trips over: injection shapes, NUL, lone surrogates, odd Unicode, edge numbers. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_CONSTANTS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  // Huge: past every length limit the API declares (but under the 256 KiB body limit).
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(5_000), 'é'.repeat(20_000), '🙂'.repeat(30_000), '9'.repeat(400)) },
);

/** Numbers JSON can carry that no field expects. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 1e308, -1e308, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 1e-300),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Objects whose keys target prototype pollution and JavaScript's own property names. */
const pollutingKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', '');

/** Nested this deep, a recursive walker or jsonb's stack would give up. */
export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 20, max: 1_000 }), fc.boolean())
  .map(([depth, arrays]) => {
    let v: unknown = 'bottom';
    for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
    return v;
  });

/** Any JSON value, with hostile leaves and hostile keys. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(pollutingKey, hostileString), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A whole value to put where a field goes: mostly junk of the wrong type, sometimes very deep. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileJson },
  { weight: 1, arbitrary: deepValue },
);

// ---------------------------------------------------------------------------------------------
// Inputs shaped by a route's JSON Schema (from the OpenAPI document), then bent: a conforming
// value gets past validation and reaches the handler and the database, where the bugs are.
// ---------------------------------------------------------------------------------------------

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  default?: unknown;
}

/** Real ids the fuzzer may use, by field name (`caseId`), and all of them for any uuid field. */
export type KnownIds = Record<string, string[]>;

/** Well-formed ISO 8601 instants outside the years any route accepts (1900–2200), year 0 included. */
const outOfRangeDate: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(fc.integer({ min: 0, max: 1899 }), fc.integer({ min: 2201, max: 9999 })), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.constantFrom('Z', '+14:00', '-12:00'))
  .map(([y, m, d, z]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00${z}`);

const isoDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });

function uuidFor(name: string, known: KnownIds): fc.Arbitrary<string> {
  const own = known[name] ?? known[name.replace(/s$/, '')] ?? [];
  const all = Object.values(known).flat();
  return fc.oneof(
    ...(own.length ? [{ weight: 4, arbitrary: fc.constantFrom(...own) }] : []),
    ...(all.length ? [{ weight: 2, arbitrary: fc.constantFrom(...all) }] : []),
    { weight: 2, arbitrary: fc.uuid() },
  );
}

function conforming(schema: JsonSchema, name: string, known: KnownIds, depth: number, bend: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => bent(s, name, known, depth, bend)));
  if (schema.allOf?.length) return bent(schema.allOf[0]!, name, known, depth, bend);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema, name, known, bend);
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1_000;
      const max = typeof schema.maximum === 'number' ? schema.maximum : 1_000;
      const lo = Math.max(min, -1e9);
      const hi = Math.min(max, 1e9);
      return type === 'integer' ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }) : fc.double({ min: lo, max: hi, noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      if (depth > 5) return fc.constant([]);
      const max = Math.min(schema.maxItems ?? 3, 3);
      const min = Math.min(schema.minItems ?? 0, max);
      return fc.array(bent(schema.items ?? {}, name, known, depth + 1, bend), { minLength: min, maxLength: max });
    }
    case 'object': {
      if (depth > 5 || !schema.properties) return fc.oneof(fc.constant({}), fc.dictionary(hostileString, hostileJson, { maxKeys: 3 }));
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(schema.properties)) model[key] = bent(sub, key, known, depth + 1, bend);
      const required = (schema.required ?? []).filter((k) => k in model);
      return fc.record(model, { requiredKeys: required });
    }
    default:
      return junkValue;
  }
}

function stringFor(schema: JsonSchema, name: string, known: KnownIds, bend: number): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return uuidFor(name, known);
    case 'date':
      return fc.oneof({ weight: 4, arbitrary: isoDate.map((d) => d.toISOString().slice(0, 10)) }, { weight: 1, arbitrary: outOfRangeDate.map((d) => d.slice(0, 10)) });
    case 'date-time':
      return fc.oneof({ weight: 4, arbitrary: isoDate.map((d) => d.toISOString()) }, { weight: 1, arbitrary: outOfRangeDate });
    case 'email':
      return fc.constantFrom('patient.one@example.org', 'x@example.org', 'Ana.Example+tag@example.org');
    case 'uri':
      return fc.constantFrom('https://example.org/', 'https://example.org/path?q=1', 'http://localhost:1/');
  }
  if (/Id$/.test(name) && (known[name]?.length ?? 0) > 0) return uuidFor(name, known);
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 500) && s.length >= (schema.minLength ?? 0));
    } catch {
      // A pattern fast-check cannot generate from: plain strings below.
    }
  }
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 40, 40));
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: min, maxLength: max }) },
    // Exactly at the declared limit, in characters that are several bytes each.
    { weight: 1, arbitrary: fc.constant('é'.repeat(bend === 0 ? Math.max(min, schema.maxLength ?? 200) : (schema.maxLength ?? 200) + 1)) },
    { weight: 2, arbitrary: hostileString.filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity)) },
  );
}

/**
 * A value for `schema`: with `bend` 0 one it accepts (strings still hostile within their limits),
 * otherwise now and then a hostile value of any type, or null, in place of any field.
 */
export function bent(schema: JsonSchema, name: string, known: KnownIds, depth = 0, bend = 1): fc.Arbitrary<unknown> {
  const ok = conforming(schema, name, known, depth, bend);
  if (bend === 0) return ok;
  return fc.oneof(
    { weight: 16, arbitrary: ok },
    { weight: bend, arbitrary: depth > 3 ? hostileString : junkValue },
    { weight: bend, arbitrary: fc.constantFrom(null, undefined) },
  );
}

/** A JSON body for a route with this schema: valid, bent, raw junk, or polluted. */
export function bodyFor(schema: JsonSchema | undefined, known: KnownIds): fc.Arbitrary<unknown> {
  const valid = schema ? conforming(schema, 'body', known, 0, 0) : fc.constant({});
  const bentBody = schema ? conforming(schema, 'body', known, 0, 1) : fc.constant({});
  const polluted = fc
    .tuple(valid, pollutingKey, hostileJson)
    .map(([base, key, value]) => (base && typeof base === 'object' && !Array.isArray(base) ? { ...base, ...Object.fromEntries([[key, value]]) } : base));
  return fc.oneof(
    // Valid bodies get past validation, into the handler and the database, where the bugs are.
    { weight: 5, arbitrary: valid },
    { weight: 3, arbitrary: bentBody },
    { weight: 1, arbitrary: polluted },
    { weight: 1, arbitrary: junkValue },
  );
}

// ---------------------------------------------------------------------------------------------
// "Nothing changed": a row count and an order-independent checksum of every table.
// ---------------------------------------------------------------------------------------------

export type TableSnapshot = Map<string, string>;

async function rowsOf<T>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const r = await database.db.execute(query);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as T[];
}

/**
 * Counts and checksums every base table of the public schema except `exclude`, in one query.
 * The checksum sums a hash of each row's text, so it needs no ordering and catches updates too.
 */
export async function tableSnapshotter(database: Database, exclude: readonly string[]): Promise<() => Promise<TableSnapshot>> {
  const tables = (
    await rowsOf<{ name: string }>(
      database,
      sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    )
  )
    .map((r) => r.name)
    .filter((t) => !exclude.includes(t));
  const query = sql.raw(
    tables.map((t) => `select '${t}' as t, count(*)::text || ':' || coalesce(sum(hashtext(x::text)::bigint), 0)::text as v from "${t}" x`).join(' union all '),
  );
  return async () => new Map((await rowsOf<{ t: string; v: string }>(database, query)).map((r) => [r.t, r.v]));
}

/** Tables whose count or checksum differ between two snapshots. */
export function changedTables(before: TableSnapshot, after: TableSnapshot): string[] {
  return [...after.keys()].filter((t) => before.get(t) !== after.get(t));
}

/**
 * Records what the app logs at error level: its "this failed on our side" signal, for routes
 * that must still answer 200 (Twilio voice answers TwiML whatever happens). The harness runs
 * without a logger, so request.log is app.log itself; the app logs error names only, never PHI.
 */
export function watchErrorLogs(app: FastifyInstance): { take(): string[]; restore(): void } {
  const log = app.log as unknown as { error: (...args: unknown[]) => void };
  const original = log.error;
  let seen: string[] = [];
  log.error = (...args: unknown[]) => {
    seen.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  };
  return {
    take() {
      const out = seen;
      seen = [];
      return out;
    },
    restore() {
      log.error = original;
    },
  };
}
