import { and, eq, isNull } from 'drizzle-orm';
import { initialDialogueState, type DialogueState } from '@carethread/assistant';
import type { Executor } from '../store/db.ts';
import { assistantDialogues, caseAlerts } from '../store/schema-assistant.ts';

export async function loadDialogue(tx: Executor, organizationId: string, caseId: string): Promise<DialogueState> {
  const [row] = await tx
    .select({ state: assistantDialogues.state })
    .from(assistantDialogues)
    .where(and(eq(assistantDialogues.organizationId, organizationId), eq(assistantDialogues.caseId, caseId)));
  return row ? ({ ...initialDialogueState(), ...(row.state as Partial<DialogueState>) } as DialogueState) : initialDialogueState();
}

export async function saveDialogue(tx: Executor, organizationId: string, caseId: string, state: DialogueState, at: string): Promise<void> {
  const values = { mode: state.mode, task: state.task, turns: state.turns, state: state as unknown as Record<string, unknown>, updatedAt: at };
  await tx
    .insert(assistantDialogues)
    .values({ caseId, organizationId, startedAt: at, ...values })
    .onConflictDoUpdate({ target: assistantDialogues.caseId, set: values, setWhere: eq(assistantDialogues.organizationId, organizationId) });
}

export interface CaseAlert {
  id: string;
  kind: string;
  priority: string;
  category: string | null;
  raisedAt: string;
}

/** Open alerts of a case (urgent symptoms), newest first: the context card and queues show them. */
export async function openAlerts(tx: Executor, organizationId: string, caseId: string): Promise<CaseAlert[]> {
  const rows = await tx
    .select()
    .from(caseAlerts)
    .where(and(eq(caseAlerts.organizationId, organizationId), eq(caseAlerts.caseId, caseId), isNull(caseAlerts.clearedAt)));
  return rows
    .map((r) => ({ id: r.id, kind: r.kind, priority: r.priority, category: r.category, raisedAt: new Date(r.raisedAt).toISOString() }))
    .sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
}

/** The assistant's part in a case, for the context card (null: the assistant never spoke on it). */
export async function dialogueSummary(
  tx: Executor,
  organizationId: string,
  caseId: string,
): Promise<{ mode: string; task: string | null; handoffReason: string | null; turns: number } | null> {
  const [row] = await tx
    .select({ mode: assistantDialogues.mode, task: assistantDialogues.task, turns: assistantDialogues.turns, state: assistantDialogues.state })
    .from(assistantDialogues)
    .where(and(eq(assistantDialogues.organizationId, organizationId), eq(assistantDialogues.caseId, caseId)));
  if (!row) return null;
  const reason = (row.state as { handoffReason?: unknown }).handoffReason;
  return { mode: row.mode, task: row.task, handoffReason: typeof reason === 'string' ? reason : null, turns: row.turns };
}
