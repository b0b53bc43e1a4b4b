// A database of the benchmark's own: a fresh PostgreSQL database `ct_bench_<random>` created
// beside the one DATABASE_URL names (and dropped at the end), or an in-memory PGlite.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateDatabase, openDatabase, type Database } from '@carethread/server';

export const usingPostgres = (env: NodeJS.ProcessEnv = process.env): boolean => /^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? '');

/** Rows of a raw, parameterised statement, straight on the driver (no ORM in between). */
export type RawQuery = (text: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

export interface BenchDatabase {
  database: Database;
  kind: 'pglite' | 'postgres';
  /** Database name for PostgreSQL (`ct_bench_…`), "in-memory" for PGlite. */
  name: string;
  raw: RawQuery;
  /** Closes the database (and drops it, on PostgreSQL). */
  cleanup(): Promise<void>;
  /** On an interrupt: drop at once, terminating the connections still busy (no waiting for them). */
  abort(): Promise<void>;
}

interface QueryableClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** The driver under drizzle (`db.$client`): a pg.Pool or a PGlite instance, both with query(text, params). */
function rawOf(database: Database): RawQuery {
  const client = (database.db as unknown as { $client?: QueryableClient }).$client;
  if (!client || typeof client.query !== 'function') throw new Error('bench: cannot reach the database driver (drizzle $client)');
  return async (text, params) => (await client.query(text, params ?? [])).rows as Array<Record<string, unknown>>;
}

/** Databases still to drop if the run is interrupted. */
const live = new Set<BenchDatabase>();

export async function benchDatabase(options: { poolSize: number; env?: NodeJS.ProcessEnv }): Promise<BenchDatabase> {
  const env = options.env ?? process.env;
  if (!usingPostgres(env)) {
    const database = await openDatabase({});
    await migrateDatabase(database);
    const bench: BenchDatabase = {
      database,
      kind: 'pglite',
      name: 'in-memory',
      raw: rawOf(database),
      async cleanup() {
        live.delete(bench);
        await database.close();
      },
      async abort() {
        live.delete(bench);
      },
    };
    live.add(bench);
    return bench;
  }
  const base = new URL(env.DATABASE_URL!);
  const name = `ct_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `create database ${name}`);
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: url.toString(), poolSize: options.poolSize });
    await migrateDatabase(database);
  } catch (err) {
    await adminQuery(base, `drop database if exists ${name} with (force)`).catch(() => undefined);
    throw err;
  }
  const bench: BenchDatabase = {
    database,
    kind: 'postgres',
    name,
    raw: rawOf(database),
    async cleanup() {
      live.delete(bench);
      await database.close().catch(() => undefined);
      await adminQuery(base, `drop database if exists ${name} with (force)`);
    },
    async abort() {
      live.delete(bench);
      await adminQuery(base, `drop database if exists ${name} with (force)`);
    },
  };
  live.add(bench);
  return bench;
}

async function adminQuery(base: URL, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/** Closes and drops whatever is still open (after a failed benchmark). */
export async function cleanupAll(): Promise<void> {
  await Promise.all([...live].map((b) => b.cleanup().catch(() => undefined)));
}

/** Drops whatever is still open without waiting for work in flight (on SIGINT/SIGTERM). */
export async function abortAll(): Promise<void> {
  await Promise.all([...live].map((b) => b.abort().catch(() => undefined)));
}

/** What the run is measured on, for the report header. */
export async function describeEngine(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (!usingPostgres(env)) return 'PGlite (in-memory, single connection)';
  const admin = new pg.Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ server_version: string }>('show server_version');
    return `PostgreSQL ${rows[0]?.server_version ?? '?'} (fresh ct_bench_* database per benchmark)`;
  } finally {
    await admin.end();
  }
}
