import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import * as schema from './schema.ts';
import { scopedOrganization } from './tenant-scope.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** Anything queries can run on: the database or an open transaction. */
export type Executor = Pick<Db, 'select' | 'selectDistinct' | 'insert' | 'update' | 'delete' | 'execute' | 'query'>;

/** Channel on which committed changes are announced (ids and kinds only: NOTIFY payloads cap at 8000 bytes). */
export const NOTIFY_CHANNEL = 'carethread_changes';

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /**
   * PostgreSQL only: whether work scoped to an organisation runs as the restricted role under
   * row-level security (set by migrateDatabase when the role `carethread_app` is usable).
   */
  tenantWall?: boolean;
  /** Subscribe to NOTIFY payloads on a channel; returns an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface OpenOptions {
  /** postgres://… switches to PostgreSQL; otherwise PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; omitted means in-memory. */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options.poolSize ?? 10);
  if (url) throw new Error(`DATABASE_URL must start with postgres:// or postgresql:// (got a different scheme)`);
  return openPglite(options.dataDir);
}

async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir ? { dataDir } : {});
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async listen(channel, onPayload) {
      const unlisten = await client.listen(channel, onPayload);
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

/** The restricted role organisation-scoped work runs as (migration 0020). */
export const TENANT_ROLE = 'carethread_app';

/**
 * A pool whose connections take on the organisation scope of the work using them
 * (store/tenant-scope.ts): scoped work runs as TENANT_ROLE with carethread.organization_id set,
 * so row-level security walls it in; unscoped work as the connecting role. Set on every checkout,
 * since a pooled connection keeps session settings. One statement, so one round trip.
 */
class TenantPool extends pg.Pool {
  wall = false;

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    if (callback) return super.connect(callback as never);
    return this.scoped();
  }

  /** The scope each pooled connection last took on, so an unchanged scope costs no round trip. */
  private readonly applied = new WeakMap<pg.PoolClient, string>();

  private async scoped(): Promise<pg.PoolClient> {
    const client = await super.connect();
    if (!this.wall) return client;
    const org = scopedOrganization() ?? '';
    if (this.applied.get(client) === org) return client;
    try {
      await client.query(`select set_config('role', $1, false), set_config('carethread.organization_id', $2, false)`, [org ? TENANT_ROLE : 'none', org]);
      this.applied.set(client, org);
    } catch (err) {
      this.applied.delete(client);
      client.release(err as Error);
      throw err;
    }
    return client;
  }

  override query(...args: unknown[]): never {
    const run = async () => {
      const client = await this.scoped();
      try {
        return await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
      } finally {
        client.release();
      }
    };
    return run() as never;
  }
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new TenantPool({ connectionString: url, max: poolSize });
  // An idle pooled connection that drops (a database restart, a terminated backend) must not
  // take the process down; the pool replaces it and the next query reports any real outage.
  pool.on('error', () => {});
  // Fail at start with a clear message rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const listeners: pg.Client[] = [];
  return {
    db,
    kind: 'postgres',
    get tenantWall() {
      return pool.wall;
    },
    set tenantWall(on: boolean) {
      pool.wall = Boolean(on);
    },
    async listen(channel, onPayload) {
      // LISTEN needs a connection of its own for as long as it listens; a pooled one would be reused.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      client.on('notification', (msg) => {
        if (msg.channel === channel && msg.payload !== undefined) onPayload(msg.payload);
      });
      client.on('error', () => {
        /* connection loss surfaces on the next query; the listener just stops */
      });
      await client.query(`LISTEN ${pg.Client.prototype.escapeIdentifier(channel)}`);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end().catch(() => undefined);
      };
    },
    async close() {
      await Promise.all(listeners.splice(0).map((c) => c.end().catch(() => undefined)));
      await pool.end();
    },
  };
}

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    await migratePg(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    await detectTenantWall(database);
  }
}

/**
 * Scoped work runs walled in when the restricted role exists and this login may take it on
 * (CARETHREAD_TENANT_WALL=0 turns it off, e.g. for a database the migration could not grant on).
 * Run on its own when another login (the owner) migrated the database.
 */
export async function detectTenantWall(database: Database): Promise<void> {
  if (database.kind !== 'postgres') return;
  const r = await database.db.execute(
    sql`select case when exists (select 1 from pg_roles where rolname = ${TENANT_ROLE}) then pg_has_role(current_user, ${TENANT_ROLE}, 'MEMBER') else false end as usable`,
  );
  const rows = (Array.isArray(r) ? r : (r as { rows: Array<{ usable: boolean }> }).rows) as Array<{ usable: boolean }>;
  database.tenantWall = process.env.CARETHREAD_TENANT_WALL !== '0' && rows[0]?.usable === true;
}

/**
 * Why this login should not run the application, or null: a superuser, or a login that owns
 * the tables (or may act as their owner), can switch the audit log's append-only trigger off
 * and bypass row-level security. The embedded database has one user and is not checked.
 */
export async function applicationRoleWarning(database: Database): Promise<string | null> {
  if (database.kind !== 'postgres') return null;
  const r = await database.db.execute(sql`
    select current_user as login, r.rolsuper as superuser,
           coalesce((select pg_has_role(current_user, t.tableowner, 'USAGE') from pg_tables t
                     where t.schemaname = current_schema() and t.tablename = 'audit_log'), false) as owner
    from pg_roles r where r.rolname = current_user`);
  const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ login: string; superuser: boolean; owner: boolean }>;
  const row = rows[0];
  if (!row) return null;
  if (row.superuser) return `the application connects as a superuser ("${row.login}"): it could switch the audit log's append-only trigger off. Connect DATABASE_URL as a restricted login and migrate with CARETHREAD_MIGRATION_DATABASE_URL (docs/operations.md)`;
  if (row.owner) return `the application connects as the tables' owner ("${row.login}"): it could switch the audit log's append-only trigger off. Connect DATABASE_URL as a restricted login and migrate with CARETHREAD_MIGRATION_DATABASE_URL (docs/operations.md)`;
  return null;
}
