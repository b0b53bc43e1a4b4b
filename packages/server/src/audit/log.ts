import { createHash, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db, Executor } from '../store/db.ts';
import { organizations } from '../store/schema.ts';
import { auditLog } from '../store/schema-audit.ts';

/** What happened, by whom, to which record. Never a message body or an identifier's value. */
export interface AuditEntry {
  organizationId: string;
  /** ISO instant; defaults to the wall clock (audit records when access really happened, not simulated time). */
  at?: string;
  actorType: 'staff' | 'token' | 'patient' | 'system';
  actorId?: string | null;
  actorRole?: string | null;
  tokenId?: string | null;
  action: AuditAction;
  resourceType?: string | null;
  resourceId?: string | null;
  patientId?: string | null;
  route?: string | null;
  method?: string | null;
  outcome?: number | null;
  ip?: string | null;
  userAgent?: string | null;
  reason?: string | null;
  detail?: Record<string, unknown>;
}

export type AuditAction =
  | 'read'
  | 'write'
  | 'search'
  | 'export'
  | 'sign_in'
  | 'sign_out'
  | 'sign_in_failed'
  | 'permission_change'
  | 'break_glass'
  | 'consent_change'
  | 'purge'
  | (string & {});

export type AuditRow = typeof auditLog.$inferSelect;

/** prev_hash of the first row of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNull = (v: string | null | undefined): string | null => (v && UUID.test(v) ? v.toLowerCase() : null);
const clip = (v: string | null | undefined, n: number): string | null => (v == null ? null : v.slice(0, n));

/**
 * The database returns timestamptz as text in its own format and session time zone
 * ("2026-05-01 10:00:00.123+00"); the hash must not depend on either, so instants are
 * normalised to ISO 8601 UTC with milliseconds (the precision they are written with).
 */
export function isoInstant(value: string): string {
  let s = value.trim().replace(' ', 'T');
  if (/[+-]\d\d$/.test(s)) s += ':00';
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error('audit: unreadable timestamp');
  return new Date(t).toISOString();
}

/** JSON with object keys sorted at every depth: the same value always serialises the same way. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

type Hashable = Pick<
  AuditRow,
  | 'id'
  | 'organizationId'
  | 'seq'
  | 'at'
  | 'actorType'
  | 'actorId'
  | 'actorRole'
  | 'tokenId'
  | 'action'
  | 'resourceType'
  | 'resourceId'
  | 'patientId'
  | 'route'
  | 'method'
  | 'outcome'
  | 'ip'
  | 'userAgent'
  | 'reason'
  | 'detail'
  | 'prevHash'
>;

/** The canonical serialisation the hash covers: every column but the hash itself, in a fixed order. */
export function canonicalRow(row: Hashable): string {
  return canonicalJson([
    'carethread.audit.v1',
    row.id,
    row.organizationId,
    Number(row.seq),
    isoInstant(row.at),
    row.actorType,
    row.actorId ?? null,
    row.actorRole ?? null,
    row.tokenId ?? null,
    row.action,
    row.resourceType ?? null,
    row.resourceId ?? null,
    row.patientId ?? null,
    row.route ?? null,
    row.method ?? null,
    row.outcome ?? null,
    row.ip ?? null,
    row.userAgent ?? null,
    row.reason ?? null,
    row.detail ?? {},
    row.prevHash,
  ]);
}

export function hashRow(row: Hashable): string {
  return createHash('sha256').update(canonicalRow(row)).digest('hex');
}

/**
 * Appends one entry to its organisation's chain. Must run inside a transaction: the
 * per-organisation advisory lock taken here is held until that transaction ends, so concurrent
 * appends (from any number of server processes) line up behind each other and the chain stays
 * one line. Call it last in a business transaction so the lock is held only briefly.
 */
export async function appendAudit(tx: Executor, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('carethread.audit'), hashtext(${entry.organizationId}::text))`);
  const [head] = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.organizationId, entry.organizationId))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const row: Hashable & { hash: string } = {
    id: randomUUID(),
    organizationId: entry.organizationId,
    seq: head ? Number(head.seq) + 1 : 1,
    at: isoInstant(entry.at ?? new Date().toISOString()),
    actorType: entry.actorType,
    actorId: clip(entry.actorId, 100),
    actorRole: clip(entry.actorRole, 40),
    tokenId: uuidOrNull(entry.tokenId),
    action: entry.action.slice(0, 40),
    resourceType: clip(entry.resourceType, 60),
    resourceId: clip(entry.resourceId, 100),
    patientId: uuidOrNull(entry.patientId),
    route: clip(entry.route, 300),
    method: clip(entry.method, 10),
    outcome: entry.outcome ?? null,
    ip: clip(entry.ip, 64),
    userAgent: clip(entry.userAgent, 300),
    reason: clip(entry.reason, 1000),
    detail: entry.detail ?? {},
    prevHash: head?.hash ?? GENESIS_HASH,
    hash: '',
  };
  row.hash = hashRow(row);
  await tx.insert(auditLog).values(row);
  return { seq: row.seq, hash: row.hash };
}

/** {@link appendAudit} in a transaction of its own. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
  return db.transaction((tx) => appendAudit(tx, entry));
}

export interface ChainBreak {
  seq: number;
  /** `missing`: a row (or a prefix without a purge checkpoint) is gone; `prev_hash`: the link to the previous row is wrong; `hash`: the row's content changed. */
  kind: 'missing' | 'prev_hash' | 'hash';
  expected: string;
  found: string;
}

export interface ChainReport {
  organizationId: string;
  slug?: string;
  ok: boolean;
  rows: number;
  firstSeq: number | null;
  headSeq: number | null;
  /** Keep this somewhere else (a ticket, a signed mail): it anchors the chain's end. */
  headHash: string | null;
  /** The checkpoint the chain starts from after a retention purge. */
  startsAfterPurgeThrough: number | null;
  firstBreak: ChainBreak | null;
}

/** Recomputes one organisation's chain from its first stored row to its head; stops at the first broken link. */
export async function verifyChain(db: Executor, organizationId: string, pageSize = 2000): Promise<ChainReport> {
  const report: ChainReport = {
    organizationId,
    ok: true,
    rows: 0,
    firstSeq: null,
    headSeq: null,
    headHash: null,
    startsAfterPurgeThrough: null,
    firstBreak: null,
  };
  let expectedPrev: string | null = null;
  let expectedSeq: number | null = null;
  let after = -1;
  for (;;) {
    const page = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, organizationId), gt(auditLog.seq, after)))
      .orderBy(asc(auditLog.seq))
      .limit(pageSize);
    if (page.length === 0) break;
    for (const row of page) {
      const seq = Number(row.seq);
      if (expectedSeq === null) {
        report.firstSeq = seq;
        expectedSeq = seq;
        if (seq === 1) {
          expectedPrev = GENESIS_HASH;
        } else {
          // A retention purge removed seq 1…seq-1; its checkpoint (a chained row itself) holds the last removed hash.
          const checkpoint = await checkpointThrough(db, organizationId, seq - 1);
          if (!checkpoint) {
            report.firstBreak = { seq, kind: 'missing', expected: 'seq 1 or a purge checkpoint through seq ' + (seq - 1), found: `chain starts at seq ${seq}` };
            break;
          }
          report.startsAfterPurgeThrough = seq - 1;
          expectedPrev = checkpoint;
        }
      }
      if (seq !== expectedSeq) {
        report.firstBreak = { seq: expectedSeq, kind: 'missing', expected: `seq ${expectedSeq}`, found: `seq ${seq}` };
        break;
      }
      if (row.prevHash !== expectedPrev) {
        report.firstBreak = { seq, kind: 'prev_hash', expected: expectedPrev!, found: row.prevHash };
        break;
      }
      const recomputed = hashRow(row);
      if (recomputed !== row.hash) {
        report.firstBreak = { seq, kind: 'hash', expected: recomputed, found: row.hash };
        break;
      }
      report.rows += 1;
      report.headSeq = seq;
      report.headHash = row.hash;
      expectedPrev = row.hash;
      expectedSeq = seq + 1;
    }
    if (report.firstBreak) break;
    after = Number(page[page.length - 1]!.seq);
  }
  report.ok = report.firstBreak === null;
  return report;
}

async function checkpointThrough(db: Executor, organizationId: string, throughSeq: number): Promise<string | null> {
  const rows = await db
    .select({ detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.organizationId, organizationId), eq(auditLog.action, 'purge'), sql`(${auditLog.detail}->>'throughSeq')::bigint = ${throughSeq}`))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const hash = rows[0]?.detail?.lastHash;
  return typeof hash === 'string' ? hash : null;
}

export const DEFAULT_AUDIT_RETENTION_YEARS = 6;

/** The organisation's retention (settings.auditRetentionYears), six years unless set. */
export async function auditRetentionYears(db: Executor, organizationId: string): Promise<number> {
  const [org] = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, organizationId));
  const years = Number((org?.settings as Record<string, unknown> | undefined)?.auditRetentionYears);
  return Number.isFinite(years) && years >= 1 ? years : DEFAULT_AUDIT_RETENTION_YEARS;
}

export interface PurgeResult {
  purged: number;
  throughSeq: number | null;
  cutoff: string;
  checkpointSeq: number | null;
}

/**
 * Removes the prefix of the chain older than the retention, then appends a checkpoint row
 * holding the last removed row's hash, so `verify` can start from the first kept row.
 */
export async function purgeExpiredAudit(db: Db, organizationId: string, options: { now?: Date; retentionYears?: number } = {}): Promise<PurgeResult> {
  const years = options.retentionYears ?? (await auditRetentionYears(db, organizationId));
  const cutoffDate = new Date(options.now ?? new Date());
  cutoffDate.setUTCFullYear(cutoffDate.getUTCFullYear() - years);
  const cutoff = cutoffDate.toISOString();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('carethread.audit'), hashtext(${organizationId}::text))`);
    const [bounds] = await tx
      .select({
        first: sql<string | null>`min(${auditLog.seq})`,
        head: sql<string | null>`max(${auditLog.seq})`,
        firstKept: sql<string | null>`min(${auditLog.seq}) filter (where ${auditLog.at} >= ${cutoff})`,
      })
      .from(auditLog)
      .where(eq(auditLog.organizationId, organizationId));
    if (!bounds?.first) return { purged: 0, throughSeq: null, cutoff, checkpointSeq: null };
    // The head row always stays, even when it too has expired: the checkpoint chains onto it and
    // the numbering carries on instead of starting a second chain at 1.
    const throughSeq = bounds.firstKept ? Number(bounds.firstKept) - 1 : Number(bounds.head) - 1;
    if (throughSeq < Number(bounds.first)) return { purged: 0, throughSeq: null, cutoff, checkpointSeq: null };
    const [last] = await tx
      .select({ hash: auditLog.hash })
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, organizationId), eq(auditLog.seq, throughSeq)));
    const deleted = await tx.execute<{ n: string }>(sql`select carethread_audit_purge(${organizationId}::uuid, ${throughSeq}::bigint, ${cutoff}::timestamptz) as n`);
    const purged = Number((deleted as unknown as { rows: Array<{ n: string }> }).rows[0]?.n ?? 0);
    const checkpoint = await appendAudit(tx, {
      organizationId,
      actorType: 'system',
      action: 'purge',
      resourceType: 'audit_log',
      detail: { throughSeq, lastHash: last!.hash, purged, cutoff, retentionYears: years },
    });
    return { purged, throughSeq, cutoff, checkpointSeq: checkpoint.seq };
  });
}
