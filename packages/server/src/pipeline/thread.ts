import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import {
  decideThread,
  isAutomaticJoin,
  type JoinReason,
  type RequestType,
  type ThreadingPolicy,
} from '@carethread/core';
import type { ChangeSet } from '../store/events.ts';
import { routeCaseWithEngine } from '../routing/engine.ts';
import { cases, facts, interactions, messages } from '../store/schema.ts';

export type CaseRow = typeof cases.$inferSelect;
export type InteractionRow = typeof interactions.$inferSelect;

export async function getCase(changes: ChangeSet, caseId: string): Promise<CaseRow | null> {
  const [row] = await changes.tx
    .select()
    .from(cases)
    .where(and(eq(cases.organizationId, changes.organizationId), eq(cases.id, caseId)));
  return row ?? null;
}

export function newReplyToken(randomBytes: (n: number) => Uint8Array): string {
  return Buffer.from(randomBytes(9)).toString('base64url');
}

export async function openCase(
  changes: ChangeSet,
  input: { patientId: string | null; requestType: RequestType; at: string; replyToken: string },
): Promise<CaseRow> {
  const [row] = await changes.tx
    .insert(cases)
    .values({
      organizationId: changes.organizationId,
      patientId: input.patientId,
      requestType: input.requestType,
      replyToken: input.replyToken,
      openedAt: input.at,
      updatedAt: input.at,
    })
    .returning();
  await changes.append({
    kind: 'case_opened',
    caseId: row!.id,
    patientId: input.patientId,
    occurredAt: input.at,
    data: { requestType: input.requestType },
  });
  return row!;
}

/**
 * Puts an interaction on a case. Whenever that changes the case's channel, a channel switch
 * is recorded on the case, with how the join happened: only an automatic join can count as
 * seamless (and only while no repeat ask follows it; analytics check that part).
 */
export async function joinCase(
  changes: ChangeSet,
  interaction: InteractionRow,
  caseRow: CaseRow,
  reason: JoinReason,
  at: string,
): Promise<InteractionRow> {
  const [previous] = await changes.tx
    .select({ id: interactions.id, channel: interactions.channel })
    .from(interactions)
    .where(
      and(
        eq(interactions.organizationId, changes.organizationId),
        eq(interactions.caseId, caseRow.id),
        ne(interactions.id, interaction.id),
      ),
    )
    .orderBy(desc(interactions.lastActivityAt))
    .limit(1);
  const [updated] = await changes.tx
    .update(interactions)
    .set({ caseId: caseRow.id, joinedBy: reason })
    .where(changes.owned(interactions, interaction.id))
    .returning();
  await changes.tx
    .update(cases)
    .set({ updatedAt: at, lastChannel: interaction.channel })
    .where(changes.owned(cases, caseRow.id));
  // Messages and facts said before the interaction found its case follow it.
  await changes.tx
    .update(messages)
    .set({ caseId: caseRow.id })
    .where(and(eq(messages.organizationId, changes.organizationId), eq(messages.interactionId, interaction.id)));
  await changes.tx
    .update(facts)
    .set({ caseId: caseRow.id })
    .where(and(eq(facts.organizationId, changes.organizationId), eq(facts.sourceInteractionId, interaction.id)));

  await changes.append({
    kind: 'case_joined',
    caseId: caseRow.id,
    patientId: caseRow.patientId,
    interactionId: interaction.id,
    occurredAt: at,
    data: { joinedBy: reason, channel: interaction.channel },
  });
  if (previous && previous.channel !== interaction.channel) {
    await changes.append({
      kind: 'channel_switch',
      caseId: caseRow.id,
      patientId: caseRow.patientId,
      interactionId: interaction.id,
      occurredAt: at,
      data: { from: previous.channel, to: interaction.channel, joinedBy: reason, automatic: isAutomaticJoin(reason) },
    });
  }
  if (reason === 'recontact') {
    await changes.tx
      .update(cases)
      .set({ status: 'open', queueState: 'none' })
      .where(changes.owned(cases, caseRow.id));
    await changes.append({
      kind: 'recontact',
      caseId: caseRow.id,
      patientId: caseRow.patientId,
      interactionId: interaction.id,
      occurredAt: at,
      data: { resolvedAt: caseRow.resolvedAt, channel: interaction.channel },
    });
    await changes.append({ kind: 'case_reopened', caseId: caseRow.id, interactionId: interaction.id, occurredAt: at, data: { by: 'recontact' } });
  }
  return updated!;
}

/** Cases of a patient that a new contact could belong to. */
export async function threadCandidates(changes: ChangeSet, patientId: string) {
  return changes.tx
    .select({
      id: cases.id,
      requestType: cases.requestType,
      status: cases.status,
      updatedAt: cases.updatedAt,
      resolvedAt: cases.resolvedAt,
    })
    .from(cases)
    .where(
      and(
        eq(cases.organizationId, changes.organizationId),
        eq(cases.patientId, patientId),
        inArray(cases.status, ['open', 'resolved']),
      ),
    ) as Promise<Array<{ id: string; requestType: RequestType; status: 'open' | 'resolved'; updatedAt: string; resolvedAt: string | null }>>;
}

/** Finds or opens the case for an interaction of a known (or still unknown) patient. */
export async function threadInteraction(
  changes: ChangeSet,
  interaction: InteractionRow,
  requestType: RequestType | null,
  policy: ThreadingPolicy,
  at: string,
  replyToken: string,
): Promise<{ interaction: InteractionRow; caseRow: CaseRow; opened: boolean }> {
  if (interaction.patientId) {
    const decision = decideThread(await threadCandidates(changes, interaction.patientId), requestType, new Date(at), policy);
    if (decision.join !== 'new_case') {
      const caseRow = (await getCase(changes, decision.caseId))!;
      const joined = await joinCase(changes, interaction, caseRow, decision.join, at);
      return { interaction: joined, caseRow, opened: false };
    }
  }
  const caseRow = await openCase(changes, {
    patientId: interaction.patientId,
    requestType: requestType ?? 'other',
    at,
    replyToken,
  });
  const joined = await joinCase(changes, interaction, caseRow, 'new_case', at);
  return { interaction: joined, caseRow, opened: true };
}

/**
 * A case opened while the patient was still unknown can turn out, once they are identified,
 * to be a request they already have open. The young case is folded into the older one so the
 * patient keeps one thread; the join counts as automatic because nobody had to do anything.
 */
export async function foldIntoExistingCase(
  changes: ChangeSet,
  interaction: InteractionRow,
  policy: ThreadingPolicy,
  at: string,
): Promise<{ interaction: InteractionRow; caseId: string } | null> {
  if (!interaction.caseId || !interaction.patientId) return null;
  const young = await getCase(changes, interaction.caseId);
  if (!young || young.status !== 'open') return null;
  const others = await changes.tx
    .select({ id: interactions.id })
    .from(interactions)
    .where(and(eq(interactions.caseId, young.id), ne(interactions.id, interaction.id)))
    .limit(1);
  if (others.length > 0) return null;
  const candidates = (await threadCandidates(changes, interaction.patientId)).filter((c) => c.id !== young.id);
  const type = young.requestType === 'other' ? null : (young.requestType as RequestType);
  const decision = decideThread(candidates, type, new Date(at), policy);
  if (decision.join === 'new_case') return null;
  const target = (await getCase(changes, decision.caseId))!;
  await changes.tx
    .update(cases)
    .set({ status: 'merged', mergedIntoId: target.id, queueState: 'none', updatedAt: at })
    .where(changes.owned(cases, young.id));
  await changes.tx
    .update(facts)
    .set({ caseId: target.id })
    .where(and(eq(facts.organizationId, changes.organizationId), eq(facts.caseId, young.id)));
  await changes.append({
    kind: 'case_folded',
    caseId: young.id,
    interactionId: interaction.id,
    occurredAt: at,
    data: { into: target.id },
  });
  const joined = await joinCase(changes, interaction, target, decision.join, at);
  return { interaction: joined, caseId: target.id };
}

/**
 * Routing: the case goes on the queue of the department that takes its request type, and is
 * offered to agents by the routing engine (same agent first when the case comes back, then
 * skills, capacity and queue order); see packages/server/src/routing and docs/routing.md.
 */
export async function routeCase(changes: ChangeSet, caseRow: CaseRow, at: string): Promise<void> {
  await routeCaseWithEngine(changes, caseRow, at);
}
