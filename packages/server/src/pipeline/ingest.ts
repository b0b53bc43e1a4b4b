import { and, desc, eq, gte, isNull, ne } from 'drizzle-orm';
import {
  INTERACTION_IDLE_MINUTES,
  classifyRequestType,
  detectLanguage,
  maxAssurance,
  normalizeIdentifier,
  parseContinuationCode,
  type Assurance,
  type ChannelEvent,
  type IdentifierKind,
  type Language,
  type RequestType,
} from '@carethread/core';
import { ChangeSet } from '../store/events.ts';
import { auditChannelWrite, auditStatedIdentity } from '../audit/channels.ts';
import { organizationDirectory, threadingPolicyOf, type OrganizationRow } from '../store/orgs.ts';
import { getActivePatient } from '../store/patients.ts';
import { cases, inboundReceipts, interactions, messages, outbox } from '../store/schema.ts';
import type { AssistantTurnResult, Services } from './context.ts';
import { BadInput, ContinuationRejected } from './errors.ts';
import { recordStatedFacts, statedBirthDateConflicts } from './facts.ts';
import { attachCasePatient, identifyByAddress, identifyByFacts, setInteractionPatient, type StatedIdentityOutcome } from './identify.ts';
import { pendingContinuationFor, recordContinuationFailure, redeemContinuation, type PresentedContinuation } from './continuations.ts';
import {
  foldIntoExistingCase,
  getCase,
  joinCase,
  newReplyToken,
  routeCase,
  threadInteraction,
  type InteractionRow,
} from './thread.ts';
import { identifierIndex } from '../store/blind-indexes.ts';

export interface IngestResult {
  duplicate: boolean;
  interactionId: string | null;
  caseId: string | null;
  patientId: string | null;
  assurance: Assurance | null;
  joinedBy: string | null;
  newCase: boolean;
  requestType: string | null;
  facts: string[];
  /** The assistant's answer, when one is wired and it answered (see docs/assistant.md). */
  assistant?: AssistantTurnResult | null;
}

const EMPTY: IngestResult = {
  duplicate: false,
  interactionId: null,
  caseId: null,
  patientId: null,
  assurance: null,
  joinedBy: null,
  newCase: false,
  requestType: null,
  facts: [],
};

/**
 * The one path every contact takes: identify → thread → extract facts → record friction →
 * route, in one transaction per event. The provider's id makes redelivery harmless: the
 * second copy finds its receipt and gets the first copy's answer.
 */
export async function ingestEvent(services: Services, organizationId: string, event: ChannelEvent): Promise<IngestResult> {
  const { db } = services.database;
  const org = (await organizationDirectory(db, organizationId))?.org;
  if (!org) throw new BadInput('unknown_organization', 'No such organization.', 404);
  const from = normaliseAddress(event, org);
  try {
    const ingested = await db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, organizationId);
      const [receipt] = await tx
        .insert(inboundReceipts)
        .values({
          organizationId,
          channel: event.channel,
          idempotencyKey: event.idempotencyKey,
          result: {},
          receivedAt: event.occurredAt,
        })
        .onConflictDoNothing()
        .returning({ key: inboundReceipts.idempotencyKey });
      if (!receipt) {
        const [stored] = await tx
          .select({ result: inboundReceipts.result })
          .from(inboundReceipts)
          .where(
            and(
              eq(inboundReceipts.organizationId, organizationId),
              eq(inboundReceipts.channel, event.channel),
              eq(inboundReceipts.idempotencyKey, event.idempotencyKey),
            ),
          );
        return { ...EMPTY, ...(stored?.result as Partial<IngestResult>), duplicate: true };
      }
      const notes: ProcessNotes = { stated: null };
      const result = await processEvent(services, changes, org, event, from, notes);
      await tx
        .update(inboundReceipts)
        .set({ result })
        .where(
          and(
            eq(inboundReceipts.organizationId, organizationId),
            eq(inboundReceipts.channel, event.channel),
            eq(inboundReceipts.idempotencyKey, event.idempotencyKey),
          ),
        );
      // last: the audit chain lock is held only until commit
      if (notes.stated) await auditStatedIdentity(tx, organizationId, event, result.interactionId, notes.stated);
      await auditChannelWrite(tx, organizationId, event, result);
      await changes.commit();
      return result;
    });
    // The assistant answers after the message is committed, in transactions of its own.
    if (services.assistant && !ingested.duplicate) ingested.assistant = await services.assistant.afterIngest(services, organizationId, event, ingested);
    return ingested;
  } catch (err) {
    if (err instanceof ContinuationRejected && err.counts) {
      await recordContinuationFailure(db, organizationId, err.source, event.occurredAt);
    }
    throw err;
  }
}

/** The patient's side of the conversation: the sender inbound, the recipient outbound. */
function normaliseAddress(event: ChannelEvent, org: OrganizationRow): { kind: IdentifierKind; value: string } | null {
  const address = event.direction === 'outbound' ? event.to : event.from;
  if (!address) return null;
  const value = normalizeIdentifier(address.kind, address.value, org.defaultRegion);
  if (!value) {
    const who = event.direction === 'outbound' ? "recipient's" : "sender's";
    throw new BadInput(
      `invalid_${address.kind}`,
      `The ${who} ${address.kind.replace('_', ' ')} is not valid${address.kind === 'phone' ? ' (expected a phone number such as +1 555 010 0123)' : ''}.`,
      422,
    );
  }
  return { kind: address.kind, value };
}

/** What processing learnt that the audit log records after it (outside the ingest result). */
interface ProcessNotes {
  stated: StatedIdentityOutcome | null;
}

async function processEvent(
  services: Services,
  changes: ChangeSet,
  org: OrganizationRow,
  event: ChannelEvent,
  from: { kind: IdentifierKind; value: string } | null,
  notes: ProcessNotes,
): Promise<IngestResult> {
  const at = event.occurredAt;
  if (event.kind === 'delivery_status') {
    // A provider's failure report is final for that attempt: the row becomes a dead letter a
    // person can retry, never an automatic resend.
    if (event.conversationRef) {
      await changes.tx
        .update(outbox)
        .set({ status: event.status === 'failed' || event.status === 'undelivered' ? 'dead' : 'sent' })
        .where(and(eq(outbox.organizationId, org.id), eq(outbox.providerRef, event.conversationRef)));
    }
    await changes.append({ kind: 'delivery_status', occurredAt: at, data: { channel: event.channel, status: event.status ?? null } });
    return EMPTY;
  }

  let interaction = await findOrOpenInteraction(changes, event, from);
  if (event.kind === 'contact_ended') {
    await changes.tx.update(interactions).set({ status: 'closed', endedAt: at, lastActivityAt: at }).where(changes.owned(interactions, interaction.id));
    await changes.append({ kind: 'interaction_ended', caseId: interaction.caseId, patientId: interaction.patientId, interactionId: interaction.id, occurredAt: at, data: { channel: event.channel } });
    return summary(interaction, false, [], null);
  }

  const text = event.text?.trim() ?? '';
  const language: Language | undefined = event.language ?? detectLanguage(text)?.language ?? (interaction.language as Language | null) ?? undefined;
  if (language && language !== interaction.language) {
    [interaction] = (await changes.tx.update(interactions).set({ language }).where(changes.owned(interactions, interaction.id)).returning()) as [InteractionRow];
  }

  // 1. identify: an authenticated channel, then the address.
  if (event.authenticatedPatientId) {
    const patient = await getActivePatient(changes.tx, org.id, event.authenticatedPatientId);
    if (!patient) throw new BadInput('unknown_patient', 'The authenticated patient does not exist in this organization.', 404);
    interaction = await setInteractionPatient(changes, interaction, patient.id, 'verified', at, 'authenticated_session');
  }
  // Outbound traffic is addressed to the patient: it may recognise them, never invent them.
  interaction = await identifyByAddress(changes, interaction, at, event.direction === 'inbound');

  // 2. thread: continuation, then explicit reference, then the patient's open cases.
  let newCase = false;
  const presented = event.continuation ?? (event.dtmf ? parseContinuationCode(event.dtmf) : null) ?? spokenCode(event, interaction);
  if (presented && (!interaction.caseId || interaction.joinedBy !== 'continuation')) {
    const form = presented.includes('.') ? { token: presented } : { code: presented };
    interaction = await joinByContinuation(services, changes, interaction, form, from, at);
  } else if (!interaction.caseId && from && (event.channel === 'sms' || event.channel === 'email')) {
    const invitation = await pendingContinuationFor(changes.tx, org.id, event.channel, from.value, at);
    if (invitation) interaction = await joinByContinuation(services, changes, interaction, { invitationId: invitation.id }, from, at);
  }
  if (!interaction.caseId && (event.replyToken || event.references?.length)) {
    interaction = await joinByReference(changes, interaction, event, at);
  }

  // An email's subject often says what it is about when the body only says "see above".
  const classified = text ? classifyRequestType(event.subject ? `${event.subject}. ${text}` : text, language) : null;
  const requestType: RequestType | null = classified?.type ?? null;
  const hasContent = text.length > 0 || !!event.dtmf || (event.mediaUrls?.length ?? 0) > 0;
  if (!interaction.caseId && hasContent) {
    const threaded = await threadInteraction(changes, interaction, requestType, threadingPolicyOf(org), at, newReplyToken(services.randomBytes));
    interaction = threaded.interaction;
    newCase = threaded.opened;
  }

  // The utterance itself.
  if (hasContent) {
    await changes.tx.insert(messages).values({
      organizationId: org.id,
      interactionId: interaction.id,
      caseId: interaction.caseId,
      channel: event.channel,
      direction: event.direction,
      actor: event.actor ?? (event.direction === 'inbound' ? 'patient' : 'system'),
      staffId: event.agentId ?? null,
      body: text || null,
      subject: event.subject ?? null,
      providerRef: event.messageId ?? event.idempotencyKey,
      mediaUrls: event.mediaUrls ?? null,
      occurredAt: at,
    });
    await changes.append({
      kind: event.direction === 'inbound' ? 'message_received' : 'message_sent',
      caseId: interaction.caseId,
      patientId: interaction.patientId,
      interactionId: interaction.id,
      occurredAt: at,
      data: { channel: event.channel, length: text.length, hasDtmf: !!event.dtmf },
    });
  }

  // 3. facts, and what they tell about who is speaking.
  let recorded: string[] = [];
  if (text && event.direction === 'inbound' && (event.actor ?? 'patient') === 'patient') {
    const found = await recordStatedFacts(changes, services.extractor, interaction, text, { language, defaultRegion: org.defaultRegion, timeZone: org.timeZone }, at);
    recorded = found.map((f) => f.name);
    if (found.some((f) => f.name === 'birthDate' || f.name === 'givenName' || f.name === 'familyName')) {
      const identified = await identifyByFacts(changes, interaction, at);
      interaction = identified.interaction;
      notes.stated = identified.stated;
      const folded = await foldIntoExistingCase(changes, interaction, threadingPolicyOf(org), at);
      if (folded) {
        interaction = folded.interaction;
        newCase = false;
      }
    }
  }

  // 4. route (friction events were recorded where they happened: joins, switches, recontacts).
  if (interaction.caseId) {
    let caseRow = (await getCase(changes, interaction.caseId))!;
    // A case opened before its type was clear takes the first type a message reveals.
    const typed = caseRow.requestType === 'other' && requestType && requestType !== 'other' ? requestType : caseRow.requestType;
    await changes.tx
      .update(cases)
      .set({ requestType: typed, updatedAt: at, lastChannel: event.channel })
      .where(changes.owned(cases, caseRow.id));
    caseRow = { ...caseRow, requestType: typed };
    if (!caseRow.patientId && interaction.patientId) await attachCasePatient(changes, interaction, interaction.patientId);
    // A case the assistant is answering is kept out of the agent queue (docs/assistant.md).
    if (caseRow.status === 'open' && services.assistant?.claim) await services.assistant.claim(changes, event, caseRow);
    if (caseRow.status === 'open') await routeCase(changes, caseRow, at);
    changes.touch(caseRow.id);
    return summary(interaction, newCase, recorded, caseRow.requestType);
  }
  return summary(interaction, newCase, recorded, requestType);
}

function summary(interaction: InteractionRow, newCase: boolean, facts: string[], requestType: string | null): IngestResult {
  return {
    duplicate: false,
    interactionId: interaction.id,
    caseId: interaction.caseId,
    patientId: interaction.patientId,
    assurance: interaction.assurance as Assurance,
    joinedBy: interaction.joinedBy,
    newCase,
    requestType,
    facts,
  };
}

/** On a call, a spoken "my code is 4 8 2 9 1 3" is as good as keyed digits. */
function spokenCode(event: ChannelEvent, interaction: InteractionRow): string | null {
  if (event.channel !== 'voice' || interaction.caseId || !event.text) return null;
  return /\b(code|c[oó]digo)\b/i.test(event.text) ? parseContinuationCode(event.text) : null;
}

async function findOrOpenInteraction(
  changes: ChangeSet,
  event: ChannelEvent,
  from: { kind: IdentifierKind; value: string } | null,
): Promise<InteractionRow> {
  const org = changes.organizationId;
  const at = event.occurredAt;
  let existing: InteractionRow | undefined;
  if (event.conversationRef) {
    [existing] = await changes.tx
      .select()
      .from(interactions)
      .where(and(eq(interactions.organizationId, org), eq(interactions.channel, event.channel), eq(interactions.conversationRef, event.conversationRef)))
      .limit(1);
  } else if (from) {
    const idleSince = new Date(Date.parse(at) - INTERACTION_IDLE_MINUTES[event.channel] * 60_000).toISOString();
    [existing] = await changes.tx
      .select()
      .from(interactions)
      .where(
        and(
          eq(interactions.organizationId, org),
          eq(interactions.channel, event.channel),
          eq(interactions.contactIndex, identifierIndex(from.kind, from.value)),
          eq(interactions.status, 'open'),
          isNull(interactions.conversationRef),
          gte(interactions.lastActivityAt, idleSince),
        ),
      )
      .orderBy(desc(interactions.lastActivityAt))
      .limit(1);
  }
  if (existing) {
    if (Date.parse(at) > Date.parse(existing.lastActivityAt)) {
      await changes.tx.update(interactions).set({ lastActivityAt: at }).where(changes.owned(interactions, existing.id));
      existing = { ...existing, lastActivityAt: at };
    }
    return existing;
  }
  const [row] = await changes.tx
    .insert(interactions)
    .values({
      organizationId: org,
      channel: event.channel,
      contactKind: from?.kind ?? null,
      contactValue: from?.value ?? null,
      contactIndex: from ? identifierIndex(from.kind, from.value) : null,
      conversationRef: event.conversationRef ?? null,
      language: event.language ?? null,
      startedAt: at,
      lastActivityAt: at,
    })
    .returning();
  await changes.append({ kind: 'interaction_started', interactionId: row!.id, occurredAt: at, data: { channel: event.channel } });
  return row!;
}

async function joinByContinuation(
  services: Services,
  changes: ChangeSet,
  interaction: InteractionRow,
  presented: PresentedContinuation,
  from: { kind: IdentifierKind; value: string } | null,
  at: string,
): Promise<InteractionRow> {
  const source = from ? `${from.kind}:${from.value}` : `interaction:${interaction.id}`;
  const continuation = await redeemContinuation(changes, presented, source, interaction.id, at, services.secret);
  const caseRow = await getCase(changes, continuation.caseId);
  if (!caseRow) throw new ContinuationRejected(source, 'unknown');

  // The continuation vouches for who this is: its patient and its assurance carry over, which
  // is the only way verification crosses channels.
  let patientId = continuation.patientId ?? caseRow.patientId;
  if (!patientId && interaction.patientId && !(await statedBirthDateConflicts(changes, caseRow.id, interaction.patientId))) {
    patientId = interaction.patientId;
  }
  if (patientId) {
    const carried = continuation.assurance as Assurance;
    const assurance: Assurance = interaction.patientId === patientId && interaction.assurance !== 'anonymous' ? maxAssurance(carried, interaction.assurance as Assurance) : carried === 'anonymous' ? 'claimed' : carried;
    interaction = await setInteractionPatient(changes, interaction, patientId, assurance, at, 'continuation');
  }
  if (interaction.caseId && interaction.caseId !== caseRow.id) {
    // The contact had already opened a case of its own before presenting the code: fold it.
    await changes.tx.update(cases).set({ status: 'merged', mergedIntoId: caseRow.id, queueState: 'none' }).where(changes.owned(cases, interaction.caseId));
  }
  interaction = await joinCase(changes, interaction, caseRow, 'continuation', at);
  if (patientId) {
    await attachCasePatient(changes, interaction, patientId);
    // The anonymous interaction the code was issued from was this same person.
    await changes.tx
      .update(interactions)
      .set({ patientId })
      .where(and(eq(interactions.caseId, caseRow.id), isNull(interactions.patientId), ne(interactions.id, interaction.id)));
  }
  return interaction;
}


async function joinByReference(changes: ChangeSet, interaction: InteractionRow, event: ChannelEvent, at: string): Promise<InteractionRow> {
  let caseRow = null;
  if (event.replyToken) {
    [caseRow] = await changes.tx
      .select()
      .from(cases)
      .where(and(eq(cases.organizationId, changes.organizationId), eq(cases.replyToken, event.replyToken)));
  }
  if (!caseRow && event.references?.length) {
    for (const ref of [...event.references].reverse()) {
      const [msg] = await changes.tx
        .select({ caseId: messages.caseId })
        .from(messages)
        .where(and(eq(messages.organizationId, changes.organizationId), eq(messages.providerRef, ref)))
        .limit(1);
      if (msg?.caseId) {
        caseRow = await getCase(changes, msg.caseId);
        if (caseRow) break;
      }
    }
  }
  if (!caseRow) return interaction;
  // A reference proves which request, not who is writing: the case's patient is taken only
  // when the address did not already say somebody else.
  if (caseRow.patientId && !interaction.patientId) {
    interaction = await setInteractionPatient(changes, interaction, caseRow.patientId, 'claimed', at, 'reply_reference');
  }
  return joinCase(changes, interaction, caseRow, caseRow.status === 'resolved' ? 'recontact' : 'reply_token', at);
}
