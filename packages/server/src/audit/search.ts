import { and, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../store/db.ts';
import { auditLog } from '../store/schema-audit.ts';
import type { AuditRow } from './log.ts';

export interface AuditQuery {
  patientId?: string;
  actorId?: string;
  action?: string;
  /** ISO instants, [from, to). */
  from?: string;
  to?: string;
  limit: number;
  /** Opaque: the seq the previous page stopped before. */
  cursor?: string;
}

export interface AuditPage {
  entries: AuditRow[];
  nextCursor: string | null;
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  const m = /^s:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}

function conditions(organizationId: string, q: Omit<AuditQuery, 'limit'>, beforeSeq: number | null): SQL {
  return and(
    eq(auditLog.organizationId, organizationId),
    // The row's patient, or one of the others its response revealed (a search, a list).
    ...(q.patientId ? [or(eq(auditLog.patientId, q.patientId), sql`${auditLog.detail}->'patientIds' @> ${JSON.stringify([q.patientId.toLowerCase()])}::jsonb`)!] : []),
    ...(q.actorId ? [eq(auditLog.actorId, q.actorId)] : []),
    ...(q.action ? [eq(auditLog.action, q.action)] : []),
    ...(q.from ? [gte(auditLog.at, q.from)] : []),
    ...(q.to ? [lt(auditLog.at, q.to)] : []),
    ...(beforeSeq !== null ? [lt(auditLog.seq, beforeSeq)] : []),
  )!;
}

/** Newest first; `nextCursor` continues where the page ended. Scoped to one organisation. */
export async function searchAudit(db: Executor, organizationId: string, q: AuditQuery, beforeSeq: number | null): Promise<AuditPage> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(conditions(organizationId, q, beforeSeq))
    .orderBy(desc(auditLog.seq))
    .limit(q.limit + 1);
  const entries = rows.slice(0, q.limit);
  return { entries, nextCursor: rows.length > q.limit ? encodeCursor(Number(entries[entries.length - 1]!.seq)) : null };
}
