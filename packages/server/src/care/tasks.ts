import { and, asc, eq, sql } from 'drizzle-orm';
import {
  CARE_TASK_KINDS,
  decideTaskTransition,
  initialTaskStatus,
  isOpenTaskStatus,
  REFILL_URGENCIES,
  taskDueAt,
  taskRequestType,
  taskStatusMessage,
  type CareTaskKind,
  type RefillStatus,
  type RefillUrgency,
} from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { ChangeSet } from '../store/events.ts';
import { getOrganization } from '../store/orgs.ts';
import { getActivePatient } from '../store/patients.ts';
import { withPreferredLanguage } from '../store/preferences.ts';
import { cases, departments, staff } from '../store/schema.ts';
import { careTasks } from '../store/schema-care.ts';
import { languageFor, latestInteractionOf, notifyPatient, type NotifyResult } from './notify.ts';

export type CareTaskRow = typeof careTasks.$inferSelect;

export interface CareTask {
  id: string;
  kind: CareTaskKind;
  status: string;
  open: boolean;
  caseId: string | null;
  patientId: string;
  departmentId: string | null;
  details: Record<string, unknown>;
  updatedBy: string | null;
  createdAt: string;
  updatedAt: string;
  dueAt: string | null;
}

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());

export function taskView(row: CareTaskRow): CareTask {
  return {
    id: row.id,
    kind: row.kind as CareTaskKind,
    status: row.status,
    open: isOpenTaskStatus(row.kind as CareTaskKind, row.status),
    caseId: row.caseId,
    patientId: row.patientId,
    departmentId: row.departmentId,
    details: row.details,
    updatedBy: row.updatedBy,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
    dueAt: iso(row.dueAt),
  };
}

async function inTransaction<T>(services: Services, organizationId: string, work: (changes: ChangeSet) => Promise<T>): Promise<T> {
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const result = await work(changes);
    await changes.commit();
    return result;
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new BadInput(`invalid_${field}`, `${field} must be a UUID.`);
  return value;
}

function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new BadInput('invalid_task', `${field} must be text.`);
  const v = value.trim();
  if (v.length > max) throw new BadInput('invalid_task', `${field} must be at most ${max} characters.`);
  return v === '' ? null : v;
}

interface NewTask {
  kind: CareTaskKind;
  caseId: string;
  patientId: string;
  details: Record<string, unknown>;
  urgency?: RefillUrgency;
  at?: string;
}

/**
 * Opens a task on a case, for the department that takes its kind of request (the case's own
 * department when none does). The case must be the patient's: a task never crosses people.
 */
async function createTask(services: Services, organizationId: string, input: NewTask): Promise<CareTask> {
  const caseId = requireId(input.caseId, 'caseId');
  const patientId = requireId(input.patientId, 'patientId');
  const at = input.at ?? services.now().toISOString();
  return inTransaction(services, organizationId, async (changes) => {
    const { tx } = changes;
    const [caseRow] = await tx.select().from(cases).where(changes.owned(cases, caseId));
    if (!caseRow) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
    const patient = await getActivePatient(tx, organizationId, patientId);
    if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
    if (caseRow.patientId && caseRow.patientId !== patient.id) {
      // A stale id of a merged record still names the same person.
      const casePatient = await getActivePatient(tx, organizationId, caseRow.patientId);
      if (casePatient?.id !== patient.id) throw new BadInput('case_patient_mismatch', 'That case belongs to another patient.', 409);
    }
    const requestType = taskRequestType(input.kind);
    const [dept] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.organizationId, organizationId), sql`${requestType} = any(${departments.requestTypes})`))
      .orderBy(asc(departments.createdAt), asc(departments.slug))
      .limit(1);
    const [row] = await tx
      .insert(careTasks)
      .values({
        organizationId,
        kind: input.kind,
        status: initialTaskStatus(input.kind),
        caseId,
        patientId: patient.id,
        departmentId: dept?.id ?? caseRow.departmentId,
        details: input.details,
        createdAt: at,
        updatedAt: at,
        dueAt: taskDueAt(input.kind, new Date(at), input.urgency).toISOString(),
      })
      .returning();
    // The log names the work, not its contents: medication names and reasons stay in the row.
    await changes.append({
      kind: 'care_task_created',
      caseId,
      patientId: patient.id,
      occurredAt: at,
      data: { taskId: row!.id, kind: input.kind, status: row!.status, departmentId: row!.departmentId, ...(input.urgency ? { urgency: input.urgency } : {}) },
    });
    changes.touch(caseId);
    return taskView(row!);
  });
}

export interface RefillRequestInput {
  caseId: string;
  patientId: string;
  medication: string;
  pharmacy?: string | null;
  urgency: RefillUrgency;
  at?: string;
}

export async function createRefillRequest(services: Services, organizationId: string, input: RefillRequestInput): Promise<CareTask> {
  const medication = optionalText(input.medication, 'medication', 200);
  if (!medication) throw new BadInput('invalid_task', 'medication is required for a refill.');
  const pharmacy = optionalText(input.pharmacy, 'pharmacy', 200);
  if (!(REFILL_URGENCIES as readonly string[]).includes(input.urgency)) throw new BadInput('invalid_task', `urgency must be one of ${REFILL_URGENCIES.join(', ')}.`);
  return createTask(services, organizationId, {
    kind: 'refill',
    caseId: input.caseId,
    patientId: input.patientId,
    urgency: input.urgency,
    details: { medication, pharmacy, urgency: input.urgency, notes: [] },
    at: input.at,
  });
}

export async function requestClinicianCallback(
  services: Services,
  organizationId: string,
  input: { caseId: string; patientId: string; reason: string; at?: string },
): Promise<CareTask> {
  const reason = optionalText(input.reason, 'reason', 500);
  if (!reason) throw new BadInput('invalid_task', 'reason is required for a clinician callback.');
  return createTask(services, organizationId, { kind: 'clinician_callback', caseId: input.caseId, patientId: input.patientId, details: { reason, notes: [] }, at: input.at });
}

export async function requestPaymentPlan(
  services: Services,
  organizationId: string,
  input: { caseId: string; patientId: string; monthlyAmount?: number | null; at?: string },
): Promise<CareTask> {
  let monthlyAmountCents: number | null = null;
  if (input.monthlyAmount !== undefined && input.monthlyAmount !== null) {
    const cents = Math.round(input.monthlyAmount * 100);
    if (!Number.isFinite(input.monthlyAmount) || cents <= 0 || cents > 100_000_00 || Math.abs(input.monthlyAmount * 100 - cents) > 1e-6) {
      throw new BadInput('invalid_task', 'monthlyAmount must be a positive amount with at most two decimals (up to 100000).');
    }
    monthlyAmountCents = cents;
  }
  return createTask(services, organizationId, {
    kind: 'payment_plan',
    caseId: input.caseId,
    patientId: input.patientId,
    details: { monthlyAmountCents, notes: [] },
    at: input.at,
  });
}

export async function createCallbackTask(
  services: Services,
  organizationId: string,
  input: { caseId: string; patientId: string; window?: string | null; at?: string },
): Promise<CareTask> {
  const window = optionalText(input.window, 'window', 200);
  return createTask(services, organizationId, { kind: 'callback', caseId: input.caseId, patientId: input.patientId, details: { window, notes: [] }, at: input.at });
}

export interface StatusChange {
  status: string;
  note?: string | null;
  staffId?: string | null;
  at?: string;
}

export interface StatusChangeResult extends CareTask {
  /** How the patient was told, when this change is one they hear about. */
  notification: NotifyResult | null;
}

/**
 * Moves a task along its kind's machine. Every change is an event; a change the patient needs
 * to hear about is sent on their channel, in their language, in the same transaction.
 */
export async function updateTaskStatus(services: Services, organizationId: string, taskId: string, change: StatusChange, expectKind?: CareTaskKind): Promise<StatusChangeResult> {
  requireId(taskId, 'taskId');
  const note = optionalText(change.note, 'note', 1000);
  const at = change.at ?? services.now().toISOString();
  return inTransaction(services, organizationId, async (changes) => {
    const { tx } = changes;
    const [task] = await tx.select().from(careTasks).where(changes.owned(careTasks, taskId)).for('update');
    if (!task) throw new BadInput('unknown_task', 'No such task in this organization.', 404);
    const kind = task.kind as CareTaskKind;
    if (expectKind && kind !== expectKind) throw new BadInput('wrong_task_kind', `That task is a ${kind} task, not a ${expectKind}.`, 409);
    if (change.staffId) {
      requireId(change.staffId, 'staffId');
      const [member] = await tx.select({ id: staff.id }).from(staff).where(changes.owned(staff, change.staffId));
      if (!member) throw new BadInput('unknown_staff', 'No such staff member in this organization.', 404);
    }
    const decision = decideTaskTransition(kind, task.status, change.status);
    if (!decision.ok) {
      const message =
        decision.reason === 'unknown_status'
          ? `A ${kind} task has no status "${change.status}".`
          : decision.reason === 'unchanged'
            ? `The task is already ${task.status}.`
            : decision.reason === 'final'
              ? `The task is ${task.status}, which is final.`
              : `A ${kind} task cannot go from ${task.status} to ${change.status} (allowed: ${decision.allowed.join(', ')}).`;
      throw new BadInput(decision.reason === 'unknown_status' ? 'invalid_status' : 'invalid_transition', message, decision.reason === 'unknown_status' ? 400 : 409);
    }
    const notes = Array.isArray(task.details.notes) ? (task.details.notes as unknown[]) : [];
    const details = note ? { ...task.details, notes: [...notes, { at, status: change.status, staffId: change.staffId ?? null, text: note }] } : task.details;
    const [row] = await tx
      .update(careTasks)
      .set({ status: change.status, details, updatedAt: at, updatedBy: change.staffId ?? task.updatedBy })
      .where(changes.owned(careTasks, taskId))
      .returning();
    await changes.append({
      kind: 'care_task_status_changed',
      caseId: task.caseId,
      patientId: task.patientId,
      occurredAt: at,
      data: { taskId, kind, from: task.status, to: change.status, staffId: change.staffId ?? null, noted: !!note },
    });
    changes.touch(task.caseId);

    let notification: NotifyResult | null = null;
    // The language the patient asked for (docs/consent.md) wins over the record's.
    const patient = await withPreferredLanguage(tx, organizationId, await getActivePatient(tx, organizationId, task.patientId));
    if (patient) {
      const interaction = await latestInteractionOf(changes, task.caseId);
      const language = languageFor(patient, interaction);
      const org = await getOrganization(tx, organizationId);
      const text = taskStatusMessage(kind, change.status, language, {
        medication: typeof task.details.medication === 'string' ? task.details.medication : null,
        pharmacy: typeof task.details.pharmacy === 'string' ? task.details.pharmacy : null,
        organizationName: org?.name ?? '',
      });
      if (text) {
        notification = await notifyPatient(changes, {
          patient,
          caseId: task.caseId,
          interaction,
          text,
          subject: subjectFor(kind, language),
          purpose: 'care_task_update',
          idempotencyKey: `care-task:${taskId}:${change.status}`,
          taskId,
          at,
        });
      }
    }
    return { ...taskView(row!), notification };
  });
}

function subjectFor(kind: CareTaskKind, language: 'en' | 'es'): string {
  if (kind === 'refill') return language === 'es' ? 'Actualización de su resurtido' : 'Update on your refill';
  if (kind === 'payment_plan') return language === 'es' ? 'Su plan de pagos' : 'Your payment plan';
  return language === 'es' ? 'Actualización de su solicitud' : 'Update on your request';
}

export async function updateRefillStatus(
  services: Services,
  organizationId: string,
  taskId: string,
  change: { status: RefillStatus; note?: string | null; staffId?: string | null; at?: string },
): Promise<StatusChangeResult> {
  return updateTaskStatus(services, organizationId, taskId, change, 'refill');
}

export async function getTask(services: Services, organizationId: string, taskId: string): Promise<CareTask> {
  requireId(taskId, 'taskId');
  const [row] = await services.database.db
    .select()
    .from(careTasks)
    .where(and(eq(careTasks.organizationId, organizationId), eq(careTasks.id, taskId)));
  if (!row) throw new BadInput('unknown_task', 'No such task in this organization.', 404);
  return taskView(row);
}

export interface TaskQuery {
  kind?: CareTaskKind;
  status?: string;
  departmentId?: string;
  patientId?: string;
  caseId?: string;
  limit?: number;
}

/** The department's work list: soonest due first, then oldest. */
export async function listTasks(services: Services, organizationId: string, q: TaskQuery = {}): Promise<CareTask[]> {
  if (q.kind && !(CARE_TASK_KINDS as readonly string[]).includes(q.kind)) throw new BadInput('invalid_kind', `kind must be one of ${CARE_TASK_KINDS.join(', ')}.`);
  const rows = await services.database.db
    .select()
    .from(careTasks)
    .where(
      and(
        eq(careTasks.organizationId, organizationId),
        ...(q.kind ? [eq(careTasks.kind, q.kind)] : []),
        ...(q.status ? [eq(careTasks.status, q.status)] : []),
        ...(q.departmentId ? [eq(careTasks.departmentId, q.departmentId)] : []),
        ...(q.patientId ? [eq(careTasks.patientId, q.patientId)] : []),
        ...(q.caseId ? [eq(careTasks.caseId, q.caseId)] : []),
      ),
    )
    .orderBy(sql`${careTasks.dueAt} asc nulls last`, asc(careTasks.createdAt))
    .limit(Math.min(Math.max(q.limit ?? 100, 1), 500));
  return rows.map(taskView);
}
