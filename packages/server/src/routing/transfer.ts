import { and, desc, eq } from 'drizzle-orm';
import { capacityOf, isAgentPresence, type Channel } from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import type { Executor } from '../store/db.ts';
import { ChangeSet } from '../store/events.ts';
import { cases, departments, interactions, patients, staff } from '../store/schema.ts';
import { agentProfiles, caseNotes, caseRouting, routingOffers } from '../store/schema-routing.ts';
import { cancelOpenOffers, currentInteraction, dispatch, lockCaseWithContact, releaseAssignment, retrying } from './engine.ts';
import { offerView, type OfferView } from './offers.ts';
import { agentLoadOn, caseRoutingOf, iso } from './state.ts';

export interface NoteView {
  id: string;
  caseId: string;
  kind: 'note' | 'handover';
  staffId: string | null;
  body: string;
  toStaffId: string | null;
  toDepartmentId: string | null;
  createdAt: string;
}

function noteView(row: typeof caseNotes.$inferSelect): NoteView {
  return {
    id: row.id,
    caseId: row.caseId,
    kind: row.kind === 'handover' ? 'handover' : 'note',
    staffId: row.staffId,
    body: row.body,
    toStaffId: row.toStaffId,
    toDepartmentId: row.toDepartmentId,
    createdAt: iso(row.createdAt),
  };
}

async function lockOpenCase(changes: ChangeSet, caseId: string) {
  const [caseRow] = await changes.tx.select().from(cases).where(changes.owned(cases, caseId)).for('update');
  if (!caseRow) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
  return caseRow;
}

async function assertStaff(changes: ChangeSet, staffId: string | undefined, field: string): Promise<void> {
  if (!staffId) return;
  const [row] = await changes.tx.select({ id: staff.id }).from(staff).where(changes.owned(staff, staffId));
  if (!row) throw new BadInput('unknown_staff', `${field}: no such staff member in this organization.`, 404);
}

async function insertNote(
  changes: ChangeSet,
  caseRow: typeof cases.$inferSelect,
  note: { kind: 'note' | 'handover'; body: string; staffId: string | null; toStaffId?: string | null; toDepartmentId?: string | null },
  at: string,
): Promise<NoteView> {
  const [row] = await changes.tx
    .insert(caseNotes)
    .values({
      organizationId: changes.organizationId,
      caseId: caseRow.id,
      staffId: note.staffId,
      kind: note.kind,
      body: note.body,
      toStaffId: note.toStaffId ?? null,
      toDepartmentId: note.toDepartmentId ?? null,
      createdAt: at,
    })
    .returning();
  // The log says a note was written and by whom, never what it says.
  await changes.append({
    kind: 'case_note_added',
    caseId: caseRow.id,
    patientId: caseRow.patientId,
    occurredAt: at,
    data: { noteId: row!.id, kind: note.kind, staffId: note.staffId, length: note.body.length },
  });
  return noteView(row!);
}

/** An internal note on a case: staff only, never sent to the patient. */
export async function addNote(services: Services, organizationId: string, caseId: string, input: { body: string; staffId?: string; at?: string }): Promise<NoteView> {
  const body = input.body.trim();
  if (!body) throw new BadInput('empty_note', 'A note needs some text.');
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const caseRow = await lockOpenCase(changes, caseId);
    await assertStaff(changes, input.staffId, 'staffId');
    const note = await insertNote(changes, caseRow, { kind: 'note', body, staffId: input.staffId ?? null }, input.at ?? services.now().toISOString());
    changes.touch(caseId);
    await changes.commit();
    return note;
  });
}

export async function listNotes(tx: Executor, organizationId: string, caseId: string): Promise<NoteView[]> {
  const [exists] = await tx.select({ id: cases.id }).from(cases).where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)));
  if (!exists) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
  const rows = await tx
    .select()
    .from(caseNotes)
    .where(and(eq(caseNotes.organizationId, organizationId), eq(caseNotes.caseId, caseId)))
    .orderBy(caseNotes.createdAt);
  return rows.map(noteView);
}

export interface TransferInput {
  toStaffId?: string;
  toDepartmentId?: string;
  /** The handover note the receiver reads first. */
  note: string;
  /** Who transfers (defaults to the case's owner). */
  staffId?: string;
  at?: string;
}

export interface TransferResult {
  caseId: string;
  departmentId: string | null;
  note: NoteView;
  /** The offer made to the receiver (or the queue's next agent), if one could be made now. */
  offer: OfferView | null;
}

/**
 * Hands a case to another agent or department, with a note. The case keeps everything (thread,
 * facts, patient); the transferring agent lets go of it and it waits for the receiver: an agent
 * target is offered it first (and must be available with room on the channel), a department
 * target takes it on its queue. A `transfer` friction event is recorded with `case_transferred`.
 */
export async function transferCase(services: Services, organizationId: string, caseId: string, input: TransferInput): Promise<TransferResult> {
  if (!!input.toStaffId === !!input.toDepartmentId) {
    throw new BadInput('transfer_target', 'Give exactly one of toStaffId (an agent) or toDepartmentId (a department queue).');
  }
  const body = input.note.trim();
  if (!body) throw new BadInput('empty_note', 'A transfer needs a handover note for the receiver.');
  const at = input.at ?? services.now().toISOString();
  return retrying(() => services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const caseRow = await lockCaseWithContact(changes, caseId);
    if (!caseRow) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
    if (caseRow.status !== 'open') throw new BadInput('case_not_open', `Only an open case can be transferred (this one is ${caseRow.status}).`, 409);
    await assertStaff(changes, input.staffId, 'staffId');
    const state = await caseRoutingOf(tx, organizationId, caseId);
    const from = input.staffId ?? caseRow.ownerId ?? state?.lastAgentId ?? null;
    const current = await currentInteraction(changes, caseId);
    const channel = (current?.channel ?? state?.channel ?? caseRow.lastChannel ?? 'webchat') as Channel;

    let departmentId = caseRow.departmentId;
    if (input.toDepartmentId) {
      const [dept] = await tx.select({ id: departments.id }).from(departments).where(changes.owned(departments, input.toDepartmentId));
      if (!dept) throw new BadInput('unknown_department', 'toDepartmentId: no such department in this organization.', 404);
      departmentId = dept.id;
    }
    if (input.toStaffId) {
      await assertStaff(changes, input.toStaffId, 'toStaffId');
      if (caseRow.queueState === 'assigned' && caseRow.ownerId === input.toStaffId) {
        throw new BadInput('already_holds_case', 'That agent already holds this case.', 409);
      }
      // Checked without the agent's lock: the offer itself re-checks under it.
      const [agent] = await tx
        .select()
        .from(agentProfiles)
        .where(and(eq(agentProfiles.organizationId, organizationId), eq(agentProfiles.staffId, input.toStaffId)));
      const presence = agent && isAgentPresence(agent.presence) ? agent.presence : 'offline';
      if (presence !== 'available') throw new BadInput('agent_unavailable', `That agent is ${presence}; transfer to their department instead, or wait until they are available.`, 409);
      const load = await agentLoadOn(tx, organizationId, input.toStaffId, channel);
      if (load.held + load.offered >= capacityOf(agent!.capacity)[channel]) {
        throw new BadInput('agent_at_capacity', `That agent has no room for another ${channel} contact right now.`, 409);
      }
    }

    const note = await insertNote(
      changes,
      caseRow,
      { kind: 'handover', body, staffId: from, toStaffId: input.toStaffId ?? null, toDepartmentId: input.toDepartmentId ?? null },
      at,
    );
    // The transferring agent lets go: the contact waits for its new handler.
    if (current?.agentId) await tx.update(interactions).set({ agentId: null }).where(changes.owned(interactions, current.id));
    await releaseAssignment(changes, caseId, 'transferred', at);
    await cancelOpenOffers(changes, caseId, 'transferred', at);
    await tx.update(cases).set({ ownerId: null, queueState: 'queued', departmentId, updatedAt: at }).where(changes.owned(cases, caseId));
    const language = current?.language ?? (caseRow.patientId ? ((await tx.select({ l: patients.language }).from(patients).where(changes.owned(patients, caseRow.patientId)))[0]?.l ?? null) : null);
    const values = {
      departmentId,
      departmentPinned: input.toDepartmentId ? true : (state?.departmentPinned ?? false),
      waitingSince: at,
      interactionId: current?.id ?? null,
      channel,
      language,
      preferredAgentId: input.toStaffId ?? null,
      // A transfer also marks the transferring agent as letting go (they are not offered it straight back).
      preferredReason: 'transfer',
      lastAgentId: from,
      updatedAt: at,
    };
    await tx
      .insert(caseRouting)
      .values({ caseId, organizationId, ...values })
      .onConflictDoUpdate({ target: caseRouting.caseId, set: values, setWhere: eq(caseRouting.organizationId, organizationId) });

    const on = { caseId, patientId: caseRow.patientId, interactionId: current?.id ?? null, occurredAt: at };
    await changes.append({
      kind: 'case_transferred',
      ...on,
      data: {
        fromAgentId: from,
        toAgentId: input.toStaffId ?? null,
        fromDepartmentId: caseRow.departmentId,
        toDepartmentId: departmentId,
        noteId: note.id,
        channel,
      },
    });
    await changes.append({ kind: 'transfer', ...on, data: { channel, to: input.toStaffId ? 'agent' : 'department', fromAgentId: from } });
    await changes.append({ kind: 'case_routed', ...on, data: { departmentId, queueState: 'queued', requestType: caseRow.requestType, by: 'transfer' } });

    await dispatch(changes, at);
    const [offer] = await tx
      .select()
      .from(routingOffers)
      .where(and(eq(routingOffers.organizationId, organizationId), eq(routingOffers.caseId, caseId), eq(routingOffers.status, 'offered')))
      .orderBy(desc(routingOffers.offeredAt))
      .limit(1);
    changes.touch(caseId);
    await changes.commit();
    return { caseId, departmentId, note, offer: offer ? offerView(offer) : null };
  }));
}
