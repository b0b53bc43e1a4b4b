import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  decideAsk,
  isRequestType,
  type Actor,
  type Assurance,
  type Channel,
  type FactName,
  type KnownFact,
  type RequestType,
} from '@carethread/core';

/** How a case was closed: the workspace asks for one on every resolution. */
export const DISPOSITIONS = ['resolved', 'resolved_first_contact', 'referred', 'no_response', 'duplicate', 'other'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];
import { ChangeSet } from '../store/events.ts';
import { caseDispositions } from '../store/schema-workspace.ts';
import { checkAsksIn, messageLanguage } from './ask-check.ts';
import { identitiesOf } from '../store/patients.ts';
import { cases, facts, interactions, messages, outbox, staff } from '../store/schema.ts';
import type { Services } from './context.ts';
import { BadInput } from './errors.ts';
import { knownFacts } from './facts.ts';
import { issueContinuation } from './continuations.ts';
import { routeCase, type CaseRow, type InteractionRow } from './thread.ts';

/** Staff and assistant actions on a case. Each runs in one transaction and announces itself. */
async function inCase<T>(
  services: Services,
  organizationId: string,
  caseId: string,
  work: (changes: ChangeSet, caseRow: CaseRow) => Promise<T>,
): Promise<T> {
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const [caseRow] = await tx
      .select()
      .from(cases)
      .where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)))
      .for('update');
    if (!caseRow) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
    const result = await work(changes, caseRow);
    changes.touch(caseId);
    await changes.commit();
    return result;
  });
}

async function latestInteraction(changes: ChangeSet, caseId: string, interactionId?: string): Promise<InteractionRow | null> {
  const [row] = await changes.tx
    .select()
    .from(interactions)
    .where(
      and(
        eq(interactions.organizationId, changes.organizationId),
        eq(interactions.caseId, caseId),
        ...(interactionId ? [eq(interactions.id, interactionId)] : []),
      ),
    )
    // The live interaction (the call still in progress) before one that just ended.
    .orderBy(sql`${interactions.status} = 'open' desc`, desc(interactions.lastActivityAt))
    .limit(1);
  return row ?? null;
}

async function assertStaff(changes: ChangeSet, staffId: string | undefined): Promise<void> {
  if (!staffId) return;
  const [row] = await changes.tx
    .select({ id: staff.id })
    .from(staff)
    .where(and(eq(staff.organizationId, changes.organizationId), eq(staff.id, staffId)));
  if (!row) throw new BadInput('unknown_staff', 'No such staff member in this organization.', 404);
}

export interface AskInput {
  fact: FactName;
  actor: Extract<Actor, 'agent' | 'assistant'>;
  /** A person who has seen the known value and asks anyway. */
  insist?: boolean;
  interactionId?: string;
  staffId?: string;
  at?: string;
}

export interface AskOutcome {
  outcome: 'ask' | 'refused' | 'known' | 'repeat_ask';
  known: { value: string; source: string; sourceChannel: string | null; observedAt: string; verified: boolean } | null;
}

/**
 * Every question to a patient names the fact it wants and passes through here. Known facts
 * are handed back instead; a person who asks anyway is allowed to, and it is counted.
 * What the patient record says is shown but does not make an ask a repeat: checking a date of
 * birth against the record is verification, not asking again.
 */
export async function askForFact(services: Services, organizationId: string, caseId: string, input: AskInput): Promise<AskOutcome> {
  return inCase(services, organizationId, caseId, async (changes, caseRow) => {
    await assertStaff(changes, input.staffId);
    return recordAsk(changes, caseRow, input, input.at ?? services.now().toISOString());
  });
}

/** The body of askForFact inside a caller's transaction: replies that ask in words come here too. */
async function recordAsk(changes: ChangeSet, caseRow: CaseRow, input: AskInput, at: string): Promise<AskOutcome> {
  const organizationId = changes.organizationId;
  const caseId = caseRow.id;
  {
    const interaction = await latestInteraction(changes, caseId, input.interactionId);
    if (input.interactionId && !interaction) throw new BadInput('unknown_interaction', 'That interaction is not part of this case.', 404);
    const all = await knownFacts(changes.tx, organizationId, caseId, caseRow.patientId);
    const stated = all.filter((f) => f.source !== 'record');
    const decision = decideAsk(stated as KnownFact[], input.fact, input.actor, input.insist ?? false, new Date(at));
    const known = decision.outcome === 'ask' ? null : (decision.known as (typeof all)[number]);
    if (decision.outcome === 'ask' || decision.outcome === 'repeat_ask') {
      if (interaction) await changes.tx.update(interactions).set({ awaitingFact: input.fact }).where(changes.owned(interactions, interaction.id));
      await changes.append({
        kind: decision.outcome === 'ask' ? 'fact_asked' : 'repeat_ask',
        caseId,
        patientId: caseRow.patientId,
        interactionId: interaction?.id ?? null,
        occurredAt: at,
        data: { fact: input.fact, actor: input.actor, staffId: input.staffId ?? null, channel: interaction?.channel ?? null },
      });
    }
    return {
      outcome: decision.outcome,
      known: known
        ? { value: known.value, source: known.source, sourceChannel: known.sourceChannel, observedAt: known.observedAt, verified: known.verified }
        : null,
    };
  }
}

export async function resolveCase(
  services: Services,
  organizationId: string,
  caseId: string,
  input: { requestType?: RequestType; resolution?: string; disposition?: Disposition; staffId?: string; at?: string },
): Promise<CaseRow & { disposition: Disposition | null }> {
  return inCase(services, organizationId, caseId, async (changes, caseRow) => {
    await assertStaff(changes, input.staffId);
    if (caseRow.status === 'merged') throw new BadInput('case_merged', 'This case was folded into another case; resolve that one.', 409);
    if (caseRow.status === 'resolved') throw new BadInput('already_resolved', 'This case is already resolved.', 409);
    if (input.requestType && !isRequestType(input.requestType)) throw new BadInput('invalid_request_type', 'Unknown request type.');
    const at = input.at ?? services.now().toISOString();
    const [row] = await changes.tx
      .update(cases)
      .set({
        status: 'resolved',
        resolvedAt: at,
        updatedAt: at,
        queueState: 'none',
        requestType: input.requestType ?? caseRow.requestType,
        resolution: input.resolution ?? null,
        ownerId: input.staffId ?? caseRow.ownerId,
      })
      .where(changes.owned(cases, caseId))
      .returning();
    await changes.append({
      kind: 'case_resolved',
      caseId,
      patientId: caseRow.patientId,
      occurredAt: at,
      data: { requestType: row!.requestType, staffId: input.staffId ?? null, disposition: input.disposition ?? null },
    });
    // Each resolution is kept with its disposition, so a reopened case still shows how it was closed before.
    if (input.disposition) {
      await changes.tx.insert(caseDispositions).values({
        organizationId,
        caseId,
        disposition: input.disposition,
        requestType: row!.requestType,
        staffId: input.staffId ?? null,
        resolvedAt: at,
      });
    }
    return { ...row!, disposition: input.disposition ?? null };
  });
}

export async function assignCase(services: Services, organizationId: string, caseId: string, staffId: string, at?: string): Promise<CaseRow> {
  return inCase(services, organizationId, caseId, async (changes, caseRow) => {
    await assertStaff(changes, staffId);
    const when = at ?? services.now().toISOString();
    const [row] = await changes.tx.update(cases).set({ ownerId: staffId, queueState: 'assigned', updatedAt: when }).where(changes.owned(cases, caseId)).returning();
    await routeCase(changes, row!, when);
    return row!;
  });
}

/**
 * A staff or assistant reply: stored on the interaction and queued in the outbox in the same
 * transaction, addressed to the patient on the channel they are using now.
 */
export async function replyOnCase(
  services: Services,
  organizationId: string,
  caseId: string,
  input: { text: string; actor: 'agent' | 'assistant'; staffId?: string; channel?: Channel; at?: string; sendAnyway?: boolean },
): Promise<{ messageId: string; outboxId: number | null; asks: Array<{ fact: FactName; outcome: AskOutcome['outcome'] }> }> {
  return inCase(services, organizationId, caseId, async (changes, caseRow) => {
    await assertStaff(changes, input.staffId);
    const at = input.at ?? services.now().toISOString();
    const interaction = await latestInteraction(changes, caseId);
    if (!interaction) throw new BadInput('no_interaction', 'This case has no interaction to reply on yet.', 409);
    // A person typing a question is asking for facts as surely as a structured ask: the same
    // rule applies. Known ones hold the message back unless the agent has seen them and insists.
    const asks: Array<{ fact: FactName; outcome: AskOutcome['outcome'] }> = [];
    if (input.actor === 'agent') {
      const checked = await checkAsksIn(changes.tx, organizationId, caseRow, input.text, messageLanguage(input.text, interaction.language), new Date(at));
      const known = checked.filter((c) => c.known);
      if (known.length > 0 && !input.sendAnyway) {
        throw new BadInput('fact_already_known', 'The patient already told us what this message asks for; show them the known value, or send anyway.', 409, { known });
      }
      for (const c of checked) {
        const outcome = await recordAsk(changes, caseRow, { fact: c.fact, actor: 'agent', insist: true, interactionId: interaction.id, staffId: input.staffId, at }, at);
        asks.push({ fact: c.fact, outcome: outcome.outcome });
      }
    }
    const channel = input.channel ?? (interaction.channel as Channel);
    const [msg] = await changes.tx
      .insert(messages)
      .values({
        organizationId,
        interactionId: interaction.id,
        caseId,
        channel,
        direction: 'outbound',
        actor: input.actor,
        staffId: input.staffId ?? null,
        body: input.text,
        occurredAt: at,
      })
      .returning({ id: messages.id });
    const to = await addressFor(changes, caseRow, interaction, channel);
    let outboxId: number | null = null;
    // Live channels (a call, a chat socket, a desk) deliver in the session; the rest go through the outbox.
    if (to && (channel === 'sms' || channel === 'email' || channel === 'portal')) {
      const [row] = await changes.tx
        .insert(outbox)
        .values({
          organizationId,
          interactionId: interaction.id,
          caseId,
          channel,
          toAddress: to,
          payload: { text: input.text, messageId: msg!.id, replyToken: caseRow.replyToken },
          idempotencyKey: `message:${msg!.id}`,
          nextAttemptAt: at,
          createdAt: at,
        })
        .returning({ id: outbox.id });
      outboxId = row!.id;
    }
    await changes.append({ kind: 'message_sent', caseId, patientId: caseRow.patientId, interactionId: interaction.id, occurredAt: at, data: { channel, actor: input.actor } });
    return { messageId: msg!.id, outboxId, asks };
  });
}

/**
 * Where to reach the patient on a channel: the address they are using there, else a registered
 * identifier, else what they told us in this case ("my mobile is …"), newest first.
 */
async function addressFor(changes: ChangeSet, caseRow: CaseRow, interaction: InteractionRow, channel: Channel): Promise<string | null> {
  if (interaction.channel === channel && interaction.contactValue) return interaction.contactValue;
  const kind = channel === 'sms' || channel === 'voice' ? 'phone' : channel === 'email' ? 'email' : channel === 'portal' ? 'portal' : null;
  if (!kind) return null;
  if (caseRow.patientId) {
    const ids = await identitiesOf(changes.tx, changes.organizationId, caseRow.patientId);
    const best = ids.filter((i) => i.kind === kind).sort((a, b) => Number(b.verified) - Number(a.verified) || b.confidence - a.confidence)[0];
    if (best) return best.value;
  }
  if (kind === 'portal') return null;
  const [stated] = await changes.tx
    .select({ value: facts.value })
    .from(facts)
    .where(and(eq(facts.organizationId, changes.organizationId), eq(facts.caseId, caseRow.id), inArray(facts.name, kind === 'phone' ? ['phone', 'callbackNumber'] : ['email'])))
    .orderBy(desc(facts.observedAt))
    .limit(1);
  return stated?.value ?? null;
}

export interface ContinuationOffer {
  code: string;
  token: string;
  expiresAt: string;
  targetChannel: Channel;
  /** What the patient is told, in their language. */
  instructions: string;
}

/**
 * The patient asks to carry on elsewhere. For a call they get a code to key in; for SMS or
 * email an invitation is sent to their address, and a reply to it joins the case.
 */
export async function offerContinuation(
  services: Services,
  organizationId: string,
  interactionId: string,
  /** quiet: the caller tells the patient itself (the assistant replies with the instructions), so no system line is stored. */
  input: { channel: Channel; at?: string; phoneNumber?: string; quiet?: boolean },
): Promise<ContinuationOffer> {
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const [interaction] = await tx
      .select()
      .from(interactions)
      .where(and(eq(interactions.organizationId, organizationId), eq(interactions.id, interactionId)));
    if (!interaction) throw new BadInput('unknown_interaction', 'No such interaction in this organization.', 404);
    if (!interaction.caseId) throw new BadInput('no_case', 'This interaction has no case yet: nothing to continue.', 409);
    if (input.channel === interaction.channel) throw new BadInput('same_channel', 'The patient is already on that channel.', 409);
    const [caseRow] = await tx.select().from(cases).where(changes.owned(cases, interaction.caseId));
    const at = input.at ?? services.now().toISOString();
    const targetAddress =
      input.channel === 'sms' || input.channel === 'email' ? await addressFor(changes, caseRow!, interaction, input.channel) : null;
    if ((input.channel === 'sms' || input.channel === 'email') && !targetAddress) {
      throw new BadInput('no_address', `We have no ${input.channel === 'sms' ? 'mobile number' : 'email address'} for this patient yet; ask for it first.`, 409);
    }
    const { row, code, token } = await issueContinuation(changes, {
      caseId: caseRow!.id,
      patientId: interaction.patientId ?? caseRow!.patientId,
      fromInteractionId: interaction.id,
      assurance: interaction.assurance as Assurance,
      targetChannel: input.channel,
      targetAddress,
      at,
      secret: services.secret,
      randomBytes: services.randomBytes,
    });
    const spanish = interaction.language === 'es';
    const number = input.phoneNumber ?? 'us';
    const instructions =
      input.channel === 'voice'
        ? spanish
          ? `Llame al ${number} e introduzca el código ${code}. Vale 30 minutos.`
          : `Call ${number} and enter code ${code}. It is valid for 30 minutes.`
        : input.channel === 'sms'
          ? spanish
            ? 'Le enviamos un mensaje de texto: respóndalo para continuar.'
            : 'We sent you a text message: reply to it to continue.'
          : spanish
            ? 'Le enviamos un correo: respóndalo para continuar.'
            : 'We sent you an email: reply to it to continue.';
    if (!input.quiet) {
      await tx.insert(messages).values({
        organizationId,
        interactionId: interaction.id,
        caseId: caseRow!.id,
        channel: interaction.channel,
        direction: 'outbound',
        actor: 'system',
        body: instructions,
        occurredAt: at,
      });
    }
    if (targetAddress) {
      await tx.insert(outbox).values({
        organizationId,
        interactionId: interaction.id,
        caseId: caseRow!.id,
        channel: input.channel,
        toAddress: targetAddress,
        payload: {
          text: spanish ? 'Responda a este mensaje para continuar su conversación.' : 'Reply to this message to continue your conversation.',
          continuationId: row.id,
          replyToken: caseRow!.replyToken,
        },
        idempotencyKey: `continuation:${row.id}`,
        nextAttemptAt: at,
        createdAt: at,
      });
    }
    changes.touch(caseRow!.id);
    await changes.commit();
    return { code, token, expiresAt: row.expiresAt, targetChannel: input.channel, instructions };
  });
}
