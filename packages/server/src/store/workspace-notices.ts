import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { NOTIFY_CHANNEL, type Executor } from './db.ts';
import { cases, departments } from './schema.ts';
import { agentProfiles } from './schema-routing.ts';

/**
 * Workspace notices: what the agent workspace and the supervisor view must hear live besides
 * case changes — presence, offers made and closed, queues that moved. Derived from the events a
 * transaction committed and published on the same NOTIFY channel as case changes, so every
 * process's sockets hear them. Payloads carry ids and enums only (no PHI, far below 8000 bytes);
 * subscribers read anything else from the database.
 */

export type WorkspaceNotice =
  | { organizationId: string; type: 'presence_changed'; staffId: string; presence: string }
  | { organizationId: string; type: 'offer_created' | 'offer_closed'; offerId: string; staffId: string; caseId: string; outcome: string }
  | { organizationId: string; type: 'queue_changed'; departmentId: string }
  /** Continuation code entry paused for the organisation after many wrong codes (supervisors are shown it). */
  | { organizationId: string; type: 'code_entry_paused' };

interface WrittenEvent {
  kind: string;
  caseId?: string | null;
  data?: Record<string, unknown> | null;
}

const OFFER_CLOSED: Record<string, string> = {
  offer_accepted: 'accepted',
  offer_declined: 'declined',
  offer_timed_out: 'timed_out',
  offer_cancelled: 'cancelled',
};

/** Events after which a department's queue view (waiting, longest wait, agents) may differ. */
const QUEUE_KINDS = new Set([
  'case_routed',
  'case_resolved',
  'case_reopened',
  'case_folded',
  'case_transferred',
  'offer_made',
  'offer_accepted',
  'offer_declined',
  'offer_timed_out',
  'offer_cancelled',
]);

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Compact wire form: one-letter keys, as for case notices. */
function encode(n: WorkspaceNotice): string {
  switch (n.type) {
    case 'presence_changed':
      return JSON.stringify({ o: n.organizationId, w: 'p', s: n.staffId, p: n.presence });
    case 'offer_created':
    case 'offer_closed':
      return JSON.stringify({ o: n.organizationId, w: n.type === 'offer_created' ? 'oc' : 'ox', i: n.offerId, s: n.staffId, cs: n.caseId, r: n.outcome });
    case 'queue_changed':
      return JSON.stringify({ o: n.organizationId, w: 'q', d: n.departmentId });
    case 'code_entry_paused':
      return JSON.stringify({ o: n.organizationId, w: 'cp' });
  }
}

export function parseWorkspaceNotice(payload: string): WorkspaceNotice | null {
  try {
    const p = JSON.parse(payload) as Record<string, unknown>;
    const o = str(p.o);
    if (!o || typeof p.w !== 'string') return null;
    if (p.w === 'p' && str(p.s) && str(p.p)) return { organizationId: o, type: 'presence_changed', staffId: p.s as string, presence: p.p as string };
    if ((p.w === 'oc' || p.w === 'ox') && str(p.i) && str(p.s) && str(p.cs) && str(p.r)) {
      return { organizationId: o, type: p.w === 'oc' ? 'offer_created' : 'offer_closed', offerId: p.i as string, staffId: p.s as string, caseId: p.cs as string, outcome: p.r as string };
    }
    if (p.w === 'q' && str(p.d)) return { organizationId: o, type: 'queue_changed', departmentId: p.d as string };
    if (p.w === 'cp') return { organizationId: o, type: 'code_entry_paused' };
    return null;
  } catch {
    return null;
  }
}

/** The notices a committed set of events implies. Reads departments only when a queue may have moved. */
export async function workspaceNoticesOf(tx: Executor, organizationId: string, written: readonly WrittenEvent[], touchedCases: Iterable<string>): Promise<WorkspaceNotice[]> {
  const out: WorkspaceNotice[] = [];
  const queueDepartments = new Set<string>();
  let queueCasesMoved = false;
  const presenceOf: string[] = [];
  for (const e of written) {
    const data = e.data ?? {};
    if (e.kind === 'presence_changed') {
      const staffId = str(data.agentId) ?? str(data.staffId);
      const presence = str(data.to) ?? str(data.presence);
      if (staffId && presence) {
        out.push({ organizationId, type: 'presence_changed', staffId, presence });
        presenceOf.push(staffId);
      }
    } else if (e.kind === 'offer_made' || OFFER_CLOSED[e.kind]) {
      const offerId = str(data.offerId);
      const staffId = str(data.agentId);
      if (offerId && staffId && e.caseId) {
        out.push({
          organizationId,
          type: e.kind === 'offer_made' ? 'offer_created' : 'offer_closed',
          offerId,
          staffId,
          caseId: e.caseId,
          outcome: e.kind === 'offer_made' ? 'offered' : OFFER_CLOSED[e.kind]!,
        });
      }
    }
    if (e.kind === 'continuation_entry_paused') out.push({ organizationId, type: 'code_entry_paused' });
    if (QUEUE_KINDS.has(e.kind)) {
      queueCasesMoved = true;
      for (const key of ['departmentId', 'fromDepartmentId', 'toDepartmentId']) {
        const d = str(data[key]);
        if (d) queueDepartments.add(d);
      }
    }
  }
  const caseIds = [...touchedCases];
  if (queueCasesMoved && caseIds.length > 0) {
    const rows = await tx
      .selectDistinct({ d: cases.departmentId })
      .from(cases)
      .where(and(eq(cases.organizationId, organizationId), inArray(cases.id, caseIds), isNotNull(cases.departmentId)));
    for (const r of rows) if (r.d) queueDepartments.add(r.d);
  }
  // An agent coming or going changes "agents available" on every queue they serve.
  if (presenceOf.length > 0) {
    const profiles = await tx
      .select({ departmentIds: agentProfiles.departmentIds })
      .from(agentProfiles)
      .where(and(eq(agentProfiles.organizationId, organizationId), inArray(agentProfiles.staffId, presenceOf)));
    const servesAll = profiles.length === 0 || profiles.some((p) => p.departmentIds.length === 0);
    if (servesAll) {
      const all = await tx.select({ id: departments.id }).from(departments).where(eq(departments.organizationId, organizationId));
      for (const d of all) queueDepartments.add(d.id);
    } else {
      for (const p of profiles) for (const d of p.departmentIds) queueDepartments.add(d);
    }
  }
  for (const departmentId of queueDepartments) out.push({ organizationId, type: 'queue_changed', departmentId });
  return out;
}

/** Publishes the notices; NOTIFY is transactional, so they are heard only if the change commits. */
export async function announceWorkspace(tx: Executor, organizationId: string, written: readonly WrittenEvent[], touchedCases: Iterable<string>): Promise<void> {
  if (written.length === 0) return;
  for (const notice of await workspaceNoticesOf(tx, organizationId, written, touchedCases)) {
    await tx.execute(sql`select pg_notify(${NOTIFY_CHANNEL}, ${encode(notice)})`);
  }
}
