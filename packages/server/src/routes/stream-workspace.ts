import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../store/db.ts';
import { cases } from '../store/schema.ts';
import { routingAssignments } from '../store/schema-routing.ts';
import type { WorkspaceNotice } from '../store/workspace-notices.ts';

// Frames the stream sends organisation subscribers (the agent workspace and supervisor view).

export interface CaseLineFrame {
  id: string;
  status: string;
  requestType: string;
  /** Who holds the case now: the open routing assignment, else the owner of an assigned case. */
  assignedStaffId: string | null;
  departmentId: string | null;
  queueState: string;
  lastChannel: string | null;
  updatedAt: string;
}

export async function caseLineOf(tx: Executor, organizationId: string, caseId: string): Promise<CaseLineFrame | null> {
  const [row] = await tx
    .select({ c: cases, holder: routingAssignments.staffId })
    .from(cases)
    .leftJoin(
      routingAssignments,
      and(eq(routingAssignments.caseId, cases.id), eq(routingAssignments.organizationId, organizationId), isNull(routingAssignments.releasedAt)),
    )
    .where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)))
    .limit(1);
  if (!row) return null;
  const { c, holder } = row;
  return {
    id: c.id,
    status: c.status,
    requestType: c.requestType,
    assignedStaffId: holder ?? (c.queueState === 'assigned' ? c.ownerId : null),
    departmentId: c.departmentId,
    queueState: c.queueState,
    lastChannel: c.lastChannel,
    updatedAt: new Date(c.updatedAt).toISOString(),
  };
}

export function workspaceFrame(notice: WorkspaceNotice): Record<string, unknown> {
  switch (notice.type) {
    case 'presence_changed':
      return { type: 'presence_changed', staffId: notice.staffId, presence: notice.presence };
    case 'offer_created':
    case 'offer_closed':
      return { type: notice.type, offerId: notice.offerId, staffId: notice.staffId, caseId: notice.caseId, outcome: notice.outcome };
    case 'queue_changed':
      return { type: 'queue_changed', departmentId: notice.departmentId };
    case 'code_entry_paused':
      return { type: 'code_entry_paused' };
  }
}
