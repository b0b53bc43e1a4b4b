import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationRoleWarning, openConfiguredDatabase, openDatabase, recordAudit, seedOrganization, startCarethread, type CarethreadConfig, type Database } from '../src/index.ts';
import { testDatabase, usingPostgres } from './helpers/harness.ts';

// The documented PostgreSQL set-up: an owner login that only migrates
// (CARETHREAD_MIGRATION_DATABASE_URL) and a restricted login the application runs as
// (DATABASE_URL), which cannot switch the audit triggers off or delete audit rows.

/** The database's own message (Drizzle wraps it as "Failed query: …" with the cause attached). */
async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    return String((err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message);
  }
  return 'allowed';
}

describe('the application role check', () => {
  it('the embedded database is not checked (one user, one process)', async () => {
    if (usingPostgres) return;
    const { database, cleanup } = await testDatabase();
    try {
      expect(await applicationRoleWarning(database)).toBeNull();
    } finally {
      await cleanup();
    }
  });
});

describe('carethread start', () => {
  it('writes audit anchors to the log and the anchor file, and warns once when it runs as a superuser', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'carethread-start-'));
    const anchorFile = join(dataDir, 'anchors.jsonl');
    const scratch = usingPostgres ? await testDatabase() : null;
    const assistant = process.env.CARETHREAD_ASSISTANT;
    process.env.CARETHREAD_ASSISTANT = '0';
    const lines: string[] = [];
    try {
      // The suite's PostgreSQL login is a superuser; the embedded database is never checked.
      const running = await startCarethread(
        { port: 0, host: '127.0.0.1', dataDir, demoPatients: 2, logger: false, auditAnchorMinutes: 60, auditAnchorFile: anchorFile, ...(scratch ? { databaseUrl: scratch.url! } : {}) },
        (line) => lines.push(line),
      );
      await running.close();
      const warnings = lines.filter((l) => l.startsWith('warning: '));
      if (usingPostgres) {
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/superuser/);
      } else {
        expect(warnings).toEqual([]);
      }
      const logged = lines.filter((l) => l.startsWith('audit anchor '));
      expect(logged.length).toBeGreaterThanOrEqual(1);
      const anchor = JSON.parse(logged[0]!.slice('audit anchor '.length));
      expect(anchor).toMatchObject({ kind: 'carethread.audit_anchor', organization: 'demo' });
      expect(Number.isInteger(anchor.headSeq) && Number.isInteger(anchor.rows)).toBe(true);
      expect(anchor.headHash).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(anchorFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toContainEqual(anchor);
    } finally {
      if (assistant === undefined) delete process.env.CARETHREAD_ASSISTANT;
      else process.env.CARETHREAD_ASSISTANT = assistant;
      if (scratch) {
        await scratch.database.close().catch(() => undefined);
        await scratch.cleanup().catch(() => undefined);
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.skipIf(!usingPostgres)('PostgreSQL with an owner for migrations and a restricted application login', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = `ct_owner_${suffix}`;
  const login = `ct_login_${suffix}`;
  const dbName = `ct_test_roles_${suffix}`;
  const base = new URL(process.env.DATABASE_URL || 'postgres://localhost/none');
  const urlAs = (user: string) => {
    const u = new URL(base.toString());
    u.username = user;
    u.password = '';
    u.pathname = `/${dbName}`;
    return u.toString();
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'carethread-roles-'));
  const admin = () => new pg.Client({ connectionString: base.toString() });
  let app: Database;
  const logged: string[] = [];

  beforeAll(async () => {
    // What docs/operations.md tells an operator to run (trust authentication here, so no passwords).
    const c = admin();
    await c.connect();
    await c.query(`create role ${owner} login`);
    await c.query(`create role ${login} login bypassrls`);
    await c.query(`do $$ begin if not exists (select 1 from pg_roles where rolname = 'carethread_app') then create role carethread_app nologin; end if; end $$`);
    await c.query(`grant carethread_app to ${login}`);
    await c.query(`create database ${dbName} owner ${owner}`);
    await c.end();
    const config: CarethreadConfig = {
      port: 0,
      host: '127.0.0.1',
      databaseUrl: urlAs(login),
      migrationDatabaseUrl: urlAs(owner),
      dataDir,
      demoPatients: 0,
      logger: false,
      auditAnchorMinutes: 0,
    };
    app = (await openConfiguredDatabase(config, (line) => logged.push(line))).database;
  });

  afterAll(async () => {
    await app?.close();
    const c = admin();
    await c.connect();
    await c.query(`drop database if exists ${dbName} with (force)`);
    await c.query(`drop role if exists ${login}`);
    await c.query(`drop role if exists ${owner}`);
    await c.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates as the owner and runs as the restricted login, without a warning', async () => {
    const result = await app.db.execute(sql`select current_user as u, (select tableowner from pg_tables where tablename = 'audit_log' and schemaname = current_schema()) as o`);
    const [who] = (result as unknown as { rows: Array<{ u: string; o: string }> }).rows;
    expect(who).toEqual({ u: login, o: owner });
    expect(await applicationRoleWarning(app)).toBeNull();
    expect(app.tenantWall).toBe(true);
    expect(logged.join('\n')).not.toMatch(/row-level security does not wall/);
  });

  it('the restricted login writes and audits, but cannot switch the trigger off or delete audit rows', async () => {
    const { organizationId } = await app.db.transaction((tx) => seedOrganization(tx, { patients: 2, slug: `roles-${suffix}` }));
    await recordAudit(app.db, { organizationId, actorType: 'system', action: 'read' });
    expect(await refusal(app.db.execute(sql`alter table audit_log disable trigger audit_log_append_only`))).toMatch(/must be owner/);
    // The trigger's purge switch is a setting any session can set: the privilege is gone too.
    expect(
      await refusal(
        app.db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('carethread.audit_purge', 'on', true)`);
          await tx.execute(sql`delete from audit_log where organization_id = ${organizationId}`);
        }),
      ),
    ).toMatch(/permission denied/);
    expect(await refusal(app.db.execute(sql`update audit_log set outcome = 1 where organization_id = ${organizationId}`))).toMatch(/permission denied/);
    // The retention purge still works, with its owner's rights, and still refuses young rows.
    expect(await refusal(app.db.execute(sql`select carethread_audit_purge(${organizationId}::uuid, 1, now() - interval '1 day')`))).toMatch(/not all older/);
  });

  it('warns when the application runs as the tables’ owner or as a superuser', async () => {
    const asOwner = await openDatabase({ databaseUrl: urlAs(owner), poolSize: 1 });
    try {
      expect(await applicationRoleWarning(asOwner)).toMatch(/tables' owner/);
    } finally {
      await asOwner.close();
    }
    const superUrl = new URL(base.toString());
    superUrl.pathname = `/${dbName}`;
    const asSuper = await openDatabase({ databaseUrl: superUrl.toString(), poolSize: 1 });
    try {
      expect(await applicationRoleWarning(asSuper)).toMatch(/superuser/);
    } finally {
      await asSuper.close();
    }
  });
});
