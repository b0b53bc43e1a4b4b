import { and, eq, isNull } from 'drizzle-orm';
import { departmentForRequestType } from '@carethread/core';
import type { HandoffSummary } from '@carethread/assistant';
import type { Services } from '../pipeline/context.ts';
import { routeCase } from '../pipeline/thread.ts';
import { lockCaseWithContact, releaseFromAssistant, retrying } from '../routing/engine.ts';
import { addNote } from '../routing/transfer.ts';
import { queuesView } from '../routing/views.ts';
import { ChangeSet } from '../store/events.ts';
import { organizationDirectory } from '../store/orgs.ts';
import { caseAlerts } from '../store/schema-assistant.ts';
import { caseRouting } from '../store/schema-routing.ts';
import { cases } from '../store/schema.ts';

/**
 * The clinical queue urgent cases go to: the department named by `settings.clinicalDepartment`
 * (a slug), else the one that takes clinical questions (the nurse line in the demo).
 */
export async function clinicalDepartment(services: Services, organizationId: string): Promise<string | null> {
  const dir = await organizationDirectory(services.database.db, organizationId);
  if (!dir) return null;
  const slug = (dir.org.settings as Record<string, unknown>).clinicalDepartment;
  const named = typeof slug === 'string' ? dir.departments.find((d) => d.slug === slug) : undefined;
  return (named ?? departmentForRequestType(dir.departments, 'clinical_question'))?.id ?? null;
}

/**
 * Urgent symptoms: an open `urgent` alert on the case (routing offers alerted cases before any
 * other), the case pinned to the clinical queue, and `urgent_escalation` in the log. A case a
 * person already holds stays with them: they see the alert on the card.
 */
export async function escalateUrgent(
  services: Services,
  organizationId: string,
  caseId: string,
  input: { category: string; guidance: string; at: string },
): Promise<{ departmentId: string | null }> {
  const departmentId = await clinicalDepartment(services, organizationId);
  return retrying(() =>
    services.database.db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, organizationId);
      const caseRow = await lockCaseWithContact(changes, caseId);
      if (!caseRow) return { departmentId: null };
      const [open] = await tx
        .select({ id: caseAlerts.id })
        .from(caseAlerts)
        .where(and(eq(caseAlerts.organizationId, organizationId), eq(caseAlerts.caseId, caseId), isNull(caseAlerts.clearedAt)));
      if (!open) {
        await tx.insert(caseAlerts).values({ organizationId, caseId, kind: 'urgent_symptoms', priority: 'urgent', category: input.category, raisedAt: input.at });
      }
      if (departmentId) {
        const values = { departmentId, departmentPinned: true, updatedAt: input.at };
        await tx
          .insert(caseRouting)
          .values({ caseId, organizationId, ...values })
          .onConflictDoUpdate({ target: caseRouting.caseId, set: values, setWhere: eq(caseRouting.organizationId, organizationId) });
      }
      await changes.append({
        kind: 'urgent_escalation',
        caseId,
        patientId: caseRow.patientId,
        occurredAt: input.at,
        data: { category: input.category, guidance: input.guidance, departmentId, repeated: !!open },
      });
      // Urgent: out of the assistant's hands, onto the clinical queue, first in line.
      await releaseFromAssistant(changes, caseId);
      const [fresh] = await tx.select().from(cases).where(changes.owned(cases, caseId));
      if (fresh && fresh.status === 'open') await routeCase(changes, fresh, input.at);
      changes.touch(caseId);
      await changes.commit();
      return { departmentId };
    }),
  );
}

const REASON_TEXT: Record<string, string> = {
  requested: 'the patient asked for a person',
  misunderstood: 'the assistant did not understand twice in a row',
  low_confidence: 'the assistant was unsure what the patient wants',
  frustration: 'the patient sounds frustrated',
  urgent: 'urgent symptoms (emergency guidance was given)',
  verification_failed: 'identity could not be verified',
  not_automated: 'a request the assistant does not handle',
  unavailable: 'the assistant could not complete the request',
};

/** The note a person reads first: why, what the request is, which facts are known, what was tried. Fact names only: the card shows their values. */
export function handoffNote(summary: HandoffSummary): string {
  const tried = summary.tried.filter((t) => !t.startsWith('task:'));
  return [
    `Assistant hand-off: ${REASON_TEXT[summary.reason] ?? summary.reason}.`,
    `Request: ${summary.task ?? summary.intent.replace(/_/g, ' ')}.`,
    `Facts collected: ${summary.facts.length ? summary.facts.join(', ') : 'none'}.`,
    `Tried: ${tried.length ? [...new Set(tried)].join(', ') : 'nothing yet'}.`,
    `Assistant turns: ${summary.turns}.`,
  ].join(' ');
}

/**
 * Moves the case to a person: the summary as an internal note, `assistant_handoff` {reason} in
 * the log, the case (re)queued on its department. Returns the expected wait in minutes from the
 * queue view (null when nobody serves that queue now).
 */
export async function handOff(
  services: Services,
  organizationId: string,
  caseId: string,
  summary: HandoffSummary,
  at: string,
): Promise<{ waitMinutes: number | null }> {
  await addNote(services, organizationId, caseId, { body: handoffNote(summary), at });
  const departmentId = await retrying(() =>
    services.database.db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, organizationId);
      const caseRow = await lockCaseWithContact(changes, caseId);
      if (!caseRow) return null;
      await changes.append({
        kind: 'assistant_handoff',
        caseId,
        patientId: caseRow.patientId,
        occurredAt: at,
        data: { reason: summary.reason, task: summary.task, intent: summary.intent, turns: summary.turns, facts: summary.facts.length },
      });
      await releaseFromAssistant(changes, caseId);
      if (caseRow.status === 'open') await routeCase(changes, caseRow, at);
      const [after] = await tx.select({ departmentId: cases.departmentId }).from(cases).where(changes.owned(cases, caseId));
      changes.touch(caseId);
      await changes.commit();
      return after?.departmentId ?? null;
    }),
  );
  const view = await queuesView(services.database.db, organizationId, new Date(at));
  const queue = view.queues.find((q) => (q.department?.id ?? null) === departmentId);
  if (!queue || queue.agentsServing === 0 || queue.agentsAvailable + queue.agentsBusy === 0) return { waitMinutes: null };
  const seconds = Math.max(queue.waitTargetSeconds, queue.longestWaitSeconds);
  return { waitMinutes: Math.max(1, Math.ceil(seconds / 60)) };
}

/**
 * Gives a case the assistant holds back to ordinary routing (queued on its department and
 * offered), without a hand-off note: a caller put on hold after silence, a turn that failed.
 * A case the assistant does not hold is left alone.
 */
export async function releaseCase(services: Services, organizationId: string, caseId: string, at: string): Promise<boolean> {
  return retrying(() =>
    services.database.db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, organizationId);
      const caseRow = await lockCaseWithContact(changes, caseId);
      if (!caseRow || !(await releaseFromAssistant(changes, caseId))) return false;
      if (caseRow.status === 'open') await routeCase(changes, caseRow, at);
      changes.touch(caseId);
      await changes.commit();
      return true;
    }),
  );
}
