import type { Services } from '../pipeline/context.ts';
import { eq, sql } from 'drizzle-orm';
import { logJobFailure, repeatEvery } from '../jobs.ts';
import { auditLog } from '../store/schema-audit.ts';
import { organizations } from '../store/schema.ts';
import { GENESIS_HASH, purgeExpiredAudit, type PurgeResult } from './log.ts';

export interface AuditRetentionJob {
  /** One pass over every organisation (what the timer runs; tests call it directly). */
  runOnce(): Promise<Array<PurgeResult & { organizationId: string }>>;
  stop(): Promise<void>;
}

/**
 * Purges audit entries past each organisation's retention once a day. The purge is idempotent
 * and serialised per organisation by the chain lock, so several server processes may run it.
 */
export function startAuditRetentionJob(services: Services, intervalMs = 24 * 3_600_000): AuditRetentionJob {
  const runOnce = async () => {
    const db = services.database.db;
    const orgs = await db.select({ id: organizations.id }).from(organizations);
    const results: Array<PurgeResult & { organizationId: string }> = [];
    for (const org of orgs) results.push({ organizationId: org.id, ...(await purgeExpiredAudit(db, org.id)) });
    return results;
  };
  // The first purge waits a full interval: start-up stays quick. Failures are retried on the next
  // pass; the next verify shows nothing was lost.
  const job = repeatEvery(intervalMs, runOnce, () => undefined, { firstDelayMs: intervalMs });
  return { runOnce, stop: () => job.stop() };
}

/**
 * A point the chain must still pass through: its head when the anchor was taken. Kept outside
 * the database (a log collector, write-once storage), it exposes deleted newest rows, which
 * would otherwise leave a shorter chain that verifies on its own.
 */
export interface AuditAnchor {
  kind: 'carethread.audit_anchor';
  organization: string;
  organizationId: string;
  at: string;
  headSeq: number;
  headHash: string;
  /** Rows in the chain when the anchor was taken (fewer than headSeq after a retention purge). */
  rows: number;
}

/** Every organisation's current head; an empty chain's anchor is seq 0 and the genesis hash (every chain passes through it). */
export async function auditAnchors(services: Services): Promise<AuditAnchor[]> {
  const db = services.database.db;
  const orgs = await db.select({ id: organizations.id, slug: organizations.slug }).from(organizations);
  const out: AuditAnchor[] = [];
  for (const org of orgs) {
    const [head] = await db
      .select({ seq: auditLog.seq, hash: auditLog.hash, rows: sql<number>`(select count(*)::int from audit_log where organization_id = ${org.id})` })
      .from(auditLog)
      .where(eq(auditLog.organizationId, org.id))
      .orderBy(sql`${auditLog.seq} desc`)
      .limit(1);
    out.push({
      kind: 'carethread.audit_anchor',
      organization: org.slug,
      organizationId: org.id,
      at: services.now().toISOString(),
      headSeq: head ? Number(head.seq) : 0,
      headHash: head?.hash ?? GENESIS_HASH,
      rows: head ? Number(head.rows) : 0,
    });
  }
  return out;
}

export interface AuditAnchorJob {
  /** One pass: takes and writes every organisation's anchor (tests call it directly). */
  runOnce(): Promise<AuditAnchor[]>;
  stop(): Promise<void>;
}

/**
 * Writes each organisation's audit anchor now (awaited) and every `intervalMs`: one JSON line per
 * organisation to `write` (the log, an append-only file), from where it is shipped outside the
 * database. The anchor holds ids and hashes only, no PHI.
 */
export async function startAuditAnchorJob(services: Services, intervalMs: number, write: (line: string) => void): Promise<AuditAnchorJob> {
  const runOnce = async () => {
    const anchors = await auditAnchors(services);
    for (const anchor of anchors) write(JSON.stringify(anchor));
    return anchors;
  };
  // The first anchor is written before start-up reports ready, so even a short run leaves one.
  await runOnce();
  const job = repeatEvery(intervalMs, runOnce, logJobFailure('audit-anchor'), { firstDelayMs: intervalMs });
  return { runOnce, stop: () => job.stop() };
}

/** Reads anchors from JSON lines (other lines, such as a log's, are skipped). */
export function parseAuditAnchors(text: string): AuditAnchor[] {
  const out: AuditAnchor[] = [];
  for (const line of text.split(/\r?\n/)) {
    const start = line.indexOf('{');
    if (start === -1) continue;
    try {
      const a = JSON.parse(line.slice(start)) as Partial<AuditAnchor>;
      if (a.kind === 'carethread.audit_anchor' && typeof a.organization === 'string' && Number.isInteger(a.headSeq) && typeof a.headHash === 'string' && /^[0-9a-f]{64}$/.test(a.headHash)) {
        out.push(a as AuditAnchor);
      }
    } catch {
      // not an anchor line
    }
  }
  return out;
}
