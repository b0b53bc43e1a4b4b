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
import { lockEmbeddedDatabase } from './embedded-lock.ts';

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
  /**
   * Subscribe to NOTIFY payloads on a channel; returns an unsubscribe function. On PostgreSQL a
   * listening connection that drops (a restart, a failover) is opened again until it succeeds,
   * and `onReconnect` is then called: notices sent while it was down are lost, so the caller
   * catches up by reading again.
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  /** PGlite with a data directory: records where this process serves, for the message a second process gets. */
  noteServingUrl?(url: string): void;
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
  /** The command opening a PGlite data directory, named to a second process that finds it locked. */
  command?: string;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options.poolSize ?? 10);
  if (url) throw new Error(`DATABASE_URL must start with postgres:// or postgresql:// (got a different scheme)`);
  return openPglite(options.dataDir, options.command ?? 'another carethread process');
}

async function openPglite(dataDir: string | undefined, command: string): Promise<Database> {
  // PGlite has no lock of its own: a second process would write a database the first never sees.
  const lock = dataDir ? lockEmbeddedDatabase(dataDir, command) : null;
  let client: PGlite;
  try {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    client = await PGlite.create(dataDir ? { dataDir } : {});
  } catch (err) {
    lock?.release();
    throw err;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    noteServingUrl: lock ? (url) => lock.noteUrl(url) : undefined,
    async listen(channel, onPayload) {
      const unlisten = await client.listen(channel, onPayload);
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
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

  /**
   * A checked-out connection that ends (a restart terminates it) goes back to the pool at once,
   * which drops it, and the holder's own release later does nothing. Without this a holder that
   * never releases a dead connection leaks its seat for good: drizzle's transaction() sends
   * `begin` outside its try, so a `begin` on a dead connection never releases it, and after a
   * few restarts every request would wait on an exhausted pool.
   */
  private async checkout(): Promise<pg.PoolClient> {
    const client = await super.connect();
    const giveBack = client.release;
    let released = false;
    const release = (err?: Error | boolean) => {
      if (released) return;
      released = true;
      client.off('end', ended);
      giveBack(err);
    };
    const ended = () => release(new Error('connection ended while checked out'));
    client.once('end', ended);
    client.release = release;
    return client;
  }

  private async scoped(): Promise<pg.PoolClient> {
    const client = await this.checkout();
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

/**
 * How long a request waits for a connection (a new one, or a free one of a busy pool) before it
 * fails as unavailable (503) instead of hanging while the database is unreachable.
 */
const CONNECT_TIMEOUT_MS = 10_000;
/** Delays between attempts to open a dropped LISTEN connection again. */
const LISTEN_RETRY_MS = [250, 500, 1000, 2000, 5000];

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new TenantPool({ connectionString: url, max: poolSize, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
  // An idle pooled connection that drops (a database restart, a terminated backend) must not
  // take the process down; the pool replaces it and the next query reports any real outage.
  pool.on('error', () => {});
  // Nor may one that is checked out: pg emits 'error' on a client whose server goes away between
  // two queries (57P01 on a restart), and an 'error' event nobody listens to ends the process.
  // The work using it fails on its next query, and the pool drops the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  // Fail at start with a clear message rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const listening = new Set<() => Promise<void>>();
  return {
    db,
    kind: 'postgres',
    get tenantWall() {
      return pool.wall;
    },
    set tenantWall(on: boolean) {
      pool.wall = Boolean(on);
    },
    async listen(channel, onPayload, onReconnect) {
      // LISTEN needs a connection of its own for as long as it listens; a pooled one would be reused.
      let client: pg.Client | null = null;
      let stopped = false;
      let retry: NodeJS.Timeout | null = null;
      let attempt = 0;
      const open = async (): Promise<pg.Client> => {
        const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
        c.on('notification', (msg) => {
          if (msg.channel === channel && msg.payload !== undefined) onPayload(msg.payload);
        });
        // The loss itself is handled on 'end', which follows every error.
        c.on('error', () => {});
        c.once('end', () => lost(c));
        try {
          await c.connect();
          await c.query(`LISTEN ${pg.Client.prototype.escapeIdentifier(channel)}`);
        } catch (err) {
          c.removeAllListeners('end');
          await c.end().catch(() => undefined);
          throw err;
        }
        return c;
      };
      const reopen = () => {
        retry = null;
        if (stopped) return;
        open().then(
          (c) => {
            if (stopped) return void c.end().catch(() => undefined);
            client = c;
            attempt = 0;
            onReconnect?.();
          },
          () => schedule(),
        );
      };
      const schedule = () => {
        if (stopped) return;
        retry = setTimeout(reopen, LISTEN_RETRY_MS[Math.min(attempt++, LISTEN_RETRY_MS.length - 1)]);
        retry.unref();
      };
      const lost = (c: pg.Client) => {
        if (stopped || client !== c) return;
        client = null;
        schedule();
      };
      // The first connection fails loudly: a server that cannot listen should not start.
      client = await open();
      const stop = async () => {
        stopped = true;
        listening.delete(stop);
        if (retry) clearTimeout(retry);
        const c = client;
        client = null;
        await c?.end().catch(() => undefined);
      };
      listening.add(stop);
      return stop;
    },
    async close() {
      await Promise.all([...listening].map((stop) => stop()));
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

/** What a 503 for an unreachable database asks clients to wait (Retry-After): a fast restart or a failover takes seconds. */
export const RETRY_AFTER_SECONDS = 2;

/** SQLSTATEs of a database that is going away or not there yet (class 08: connection exception). */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** What pg says when a connection dies under a query or a request waits too long for one. */
const UNAVAILABLE_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect/;

/**
 * Whether an error means the database cannot be reached right now (a restart, a failover, a
 * dropped connection, too many connections) rather than that the work itself was wrong: such a
 * request is answered 503 with Retry-After, and a retry will find it up again. Drizzle wraps
 * driver errors, so the causes are followed.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
  }
  return false;
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
