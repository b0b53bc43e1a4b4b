import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import {
  buildApp,
  createServices,
  ensureAdminToken,
  migrateDatabase,
  openDatabase,
  RealtimeHub,
  seedOrganization,
  type Database,
  type Services,
  syncDataKeys,
} from '../../src/index.ts';

/** Which database the suite runs on: CI runs everything once per engine. */
export const usingPostgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');

/**
 * A database of its own for one test file: a fresh in-memory PGlite, or a fresh PostgreSQL
 * database created next to the one DATABASE_URL names (dropped again on cleanup).
 */
export async function testDatabase(): Promise<{ database: Database; url: string | null; cleanup: () => Promise<void> }> {
  if (!usingPostgres) {
    const database = await openDatabase({});
    await migrateDatabase(database);
    return { database, url: null, cleanup: () => database.close() };
  }
  const base = new URL(process.env.DATABASE_URL!);
  const name = `ct_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 8 });
  await migrateDatabase(database);
  return {
    database,
    url: url.toString(),
    cleanup: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface Harness {
  app: FastifyInstance;
  services: Services;
  database: Database;
  databaseUrl: string | null;
  organizationId: string;
  token: string;
  hub: RealtimeHub;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * A clock for services under test that starts at a fixed instant and moves on with real time,
 * so timeouts and waits behave as usual while every date the code computes is the same on
 * whatever day the suite runs. Tests that write data at fixed instants must run the code at
 * a fixed "now" too: facts go stale, codes expire and slots pass by the calendar.
 */
export function clockFrom(start: string | number | Date): () => Date {
  const origin = new Date(start).getTime();
  if (!Number.isFinite(origin)) throw new Error(`clockFrom: not an instant: ${String(start)}`);
  const began = performance.now();
  return () => new Date(origin + Math.round(performance.now() - began));
}

export async function createHarness(options: { patients?: number; seed?: number; now?: string | number | Date; logLines?: string[] } = {}): Promise<Harness> {
  const { database, url, cleanup } = await testDatabase();
  const services = createServices(database, 'test-secret', options.now === undefined ? {} : { now: clockFrom(options.now) });
  await syncDataKeys(database, 'test-secret');
  const { organizationId } = await database.db.transaction((tx) => seedOrganization(tx, { patients: options.patients ?? 50, seed: options.seed }));
  const { token } = await ensureAdminToken(database.db, organizationId);
  const hub = new RealtimeHub();
  await hub.start(database);
  const logLines = options.logLines;
  const app = await buildApp({ services, hub, ...(logLines ? { logger: { stream: { write: (line: string) => void logLines.push(line) } } } : {}) });
  await app.ready();
  const headers = { authorization: `Bearer ${token}` };
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await app.inject({ method, url: path, headers, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
  };
  return {
    app,
    services,
    database,
    databaseUrl: url,
    organizationId,
    token: token!,
    hub,
    post: (path, body) => call('POST', path, body),
    get: (path) => call('GET', path),
    async close() {
      await app.close();
      await hub.close();
      await cleanup();
    },
  };
}
