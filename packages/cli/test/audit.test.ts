import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, recordAudit } from '@carethread/server';
import { createHarness, type Harness } from '../../server/test/helpers/harness.ts';
import { auditLog } from '../../server/src/store/schema-audit.ts';
import { runAudit } from '../src/commands/audit.ts';

// `carethread audit verify`: in-process on the suite's database (PGlite or PostgreSQL), and
// once as a real process on an embedded database.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ patients: 3 });
  for (let i = 0; i < 6; i++) await h.get('/api/v1/cases');
});
afterAll(async () => h?.close());

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAudit(h.database, args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function tampered(change: () => Promise<void>, undo: () => Promise<void>) {
  await h.database.db.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
  try {
    await change();
    return await run(['verify', '--json']);
  } finally {
    await undo();
    await h.database.db.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
  }
}

const rowAt = async (seq: number) =>
  (await h.database.db.select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), eq(auditLog.seq, seq))))[0]!;

describe('carethread audit verify', () => {
  it('reports an intact chain with exit 0', async () => {
    const r = await run(['verify', '--org', 'demo', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.ok).toBe(true);
    expect(report.organizations[0]).toMatchObject({ slug: 'demo', ok: true, firstSeq: 1 });
    expect(report.organizations[0].rows).toBeGreaterThanOrEqual(6);
    expect((await run(['verify'])).out).toMatch(/^OK {6}demo: \d+ entries/);
  });

  it('finds an edited row, a deleted row and a reordering, with exit 1', async () => {
    const three = await rowAt(3);
    const edit = await tampered(
      () => h.database.db.update(auditLog).set({ outcome: 204 }).where(eq(auditLog.id, three.id)).then(() => undefined),
      () => h.database.db.update(auditLog).set({ outcome: three.outcome }).where(eq(auditLog.id, three.id)).then(() => undefined),
    );
    expect(edit.code).toBe(1);
    expect(JSON.parse(edit.out).organizations[0].firstBreak).toMatchObject({ seq: 3, kind: 'hash', found: three.hash });

    const four = await rowAt(4);
    const deletion = await tampered(
      () => h.database.db.delete(auditLog).where(eq(auditLog.id, four.id)).then(() => undefined),
      () => h.database.db.insert(auditLog).values(four).then(() => undefined),
    );
    expect(deletion.code).toBe(1);
    expect(JSON.parse(deletion.out).organizations[0].firstBreak).toMatchObject({ seq: 4, kind: 'missing' });

    const [two, five] = [await rowAt(2), await rowAt(5)];
    const swap = async (a: typeof two, b: typeof two) => {
      await h.database.db.update(auditLog).set({ seq: -1 }).where(eq(auditLog.id, a.id));
      await h.database.db.update(auditLog).set({ seq: Number(a.seq) }).where(eq(auditLog.id, b.id));
      await h.database.db.update(auditLog).set({ seq: Number(b.seq) }).where(eq(auditLog.id, a.id));
    };
    const reorder = await tampered(
      () => swap(two, five),
      async () => {
        await h.database.db.update(auditLog).set({ seq: -1 }).where(eq(auditLog.id, two.id));
        await h.database.db.update(auditLog).set({ seq: 5 }).where(eq(auditLog.id, five.id));
        await h.database.db.update(auditLog).set({ seq: 2 }).where(eq(auditLog.id, two.id));
      },
    );
    expect(reorder.code).toBe(1);
    expect(JSON.parse(reorder.out).organizations[0].firstBreak.seq).toBe(2);

    const text = await tampered(
      () => h.database.db.update(auditLog).set({ route: '/api/v1/elsewhere' }).where(eq(auditLog.id, three.id)).then(() => undefined),
      () => h.database.db.update(auditLog).set({ route: three.route }).where(eq(auditLog.id, three.id)).then(() => undefined),
    );
    expect(text.code).toBe(1);
    expect((await run(['verify'])).code).toBe(0);
  });

  it('refuses bad usage and unknown organisations with exit 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['verify', '--org'])).code).toBe(2);
    expect((await run(['verify', '--org', 'nobody-here'])).code).toBe(2);
  });

  it('purge keeps the chain verifiable', async () => {
    const r = await run(['purge', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).organizations[0]).toMatchObject({ organization: 'demo', purged: 0 });
    expect((await run(['verify'])).code).toBe(0);
  });
});

describe('carethread audit verify as a process', () => {
  it('exits 0 on an intact embedded database and 1 after tampering', async () => {
    const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'ct-audit-cli-'));
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: '', CARETHREAD_DATA_DIR: dir },
        timeout: 240_000,
      });
    try {
      const demo = cli(['demo', '--patients', '2']);
      expect(demo.status, demo.stderr).toBe(0);
      const database = await openDatabase({ dataDir: join(dir, 'pgdata') });
      const [org] = await database.db.execute<{ id: string }>(sql`select id from organizations where slug = 'demo'`).then((r) => (r as unknown as { rows: Array<{ id: string }> }).rows);
      for (let i = 0; i < 3; i++) await recordAudit(database.db, { organizationId: org!.id, actorType: 'system', action: 'read' });
      await database.close();
      const ok = cli(['audit', 'verify']);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('OK      demo: 3 entries');

      const again = await openDatabase({ dataDir: join(dir, 'pgdata') });
      await again.db.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
      await again.db.execute(sql`update audit_log set action = 'write' where seq = 2`);
      await again.close();
      const broken = cli(['audit', 'verify']);
      expect(broken.status).toBe(1);
      expect(broken.stdout).toContain('BROKEN  demo: first broken link at seq 2 (hash)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('carethread audit verify --anchor', () => {
  it('passes through a recorded head, and fails when the tail was rewritten since', async () => {
    const first = JSON.parse((await run(['verify', '--org', 'demo', '--json'])).out).organizations[0];
    const anchor = `${first.headSeq}:${first.headHash}`;
    await h.get('/api/v1/departments');
    expect((await run(['verify', '--org', 'demo', '--anchor', anchor])).code).toBe(0);
    // Someone rewrites the anchored row and recomputes every hash after it: the chain alone still verifies…
    const { hashRow } = await import('../../server/src/audit/log.ts');
    const rows = await h.database.db.select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), sql`${auditLog.seq} >= ${first.headSeq}`)).orderBy(auditLog.seq);
    const originals = rows.map((r) => ({ ...r }));
    await h.database.db.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
    try {
      let prev = rows[0]!.prevHash;
      for (const [i, r] of rows.entries()) {
        const changed = { ...r, prevHash: prev, ...(i === 0 ? { outcome: 200, route: '/api/v1/departments' } : {}) };
        changed.hash = hashRow(changed);
        prev = changed.hash;
        await h.database.db.update(auditLog).set({ outcome: changed.outcome, route: changed.route, prevHash: changed.prevHash, hash: changed.hash }).where(eq(auditLog.id, r.id));
      }
      expect((await run(['verify', '--org', 'demo'])).code).toBe(0);
      // …but not through the head recorded before.
      const anchored = await run(['verify', '--org', 'demo', '--anchor', anchor]);
      expect(anchored.code).toBe(1);
      expect(anchored.out).toContain(`first broken link at seq ${first.headSeq}`);
    } finally {
      for (const r of originals) await h.database.db.update(auditLog).set({ outcome: r.outcome, route: r.route, prevHash: r.prevHash, hash: r.hash }).where(eq(auditLog.id, r.id));
      await h.database.db.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
    }
    expect((await run(['verify', '--org', 'demo', '--anchor', anchor])).code).toBe(0);
    expect((await run(['verify', '--anchor', anchor])).code).toBe(2);
    expect((await run(['verify', '--org', 'demo', '--anchor', 'nonsense'])).code).toBe(2);
  });
});

describe('audit anchors written on a schedule', () => {
  it('verify --anchors catches deleted newest rows that leave a shorter chain valid on its own', async () => {
    const { startAuditAnchorJob } = await import('@carethread/server');
    const dir = mkdtempSync(join(tmpdir(), 'carethread-anchors-'));
    const file = join(dir, 'anchors.jsonl');
    const lines: string[] = [];
    // The job writes at once and then every interval; the first pass is all this test needs.
    const job = await startAuditAnchorJob(h.services, 3_600_000, (line) => lines.push(line));
    try {
      await job.stop();
      const anchors = lines.map((l) => JSON.parse(l) as Awaited<ReturnType<typeof job.runOnce>>[number]);
      const ours = anchors.find((a) => a.organizationId === h.organizationId)!;
      expect(ours).toMatchObject({ kind: 'carethread.audit_anchor', organization: 'demo' });
      expect(ours.rows).toBeGreaterThan(0);
      expect(ours.headHash).toMatch(/^[0-9a-f]{64}$/);
      // Shipped as a log would carry it: with a prefix, beside other lines.
      writeFileSync(file, ['carethread: ready', ...lines.map((l) => `carethread: audit anchor ${l}`)].join('\n') + '\n');
      for (let i = 0; i < 3; i++) await h.get('/api/v1/departments');
      expect((await run(['verify', '--anchors', file])).code).toBe(0);

      // The anchored head and everything after it is deleted: the rest still chains…
      const tail = await h.database.db.select().from(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), sql`${auditLog.seq} >= ${ours.headSeq}`));
      await h.database.db.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
      try {
        await h.database.db.delete(auditLog).where(and(eq(auditLog.organizationId, h.organizationId), sql`${auditLog.seq} >= ${ours.headSeq}`));
        expect((await run(['verify', '--org', 'demo'])).code).toBe(0);
        // …but the anchor shipped earlier no longer holds.
        const checked = await run(['verify', '--org', 'demo', '--anchors', file, '--json']);
        expect(checked.code).toBe(1);
        expect(JSON.parse(checked.out).organizations[0].firstBreak).toMatchObject({ seq: ours.headSeq, kind: 'missing' });
      } finally {
        await h.database.db.insert(auditLog).values(tail);
        await h.database.db.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
      }
      expect((await run(['verify', '--anchors', file])).code).toBe(0);
      expect((await run(['verify', '--anchors', join(dir, 'missing.jsonl')])).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
