import { and, desc, eq, inArray } from 'drizzle-orm';
import { currentFacts, factHistory, KEEPS_ORIGINAL, normalizeIdentifier, type IdentifierKind, type KnownFact } from '@carethread/core';
import type { Executor } from '../store/db.ts';
import { getOrganization } from '../store/orgs.ts';
import { findIdentityHolders, getActivePatient, identitiesOf, type PatientRow } from '../store/patients.ts';
import { cases, departments, interactions, messages } from '../store/schema.ts';
import { knownFacts } from '../pipeline/facts.ts';
import { BadInput } from '../pipeline/errors.ts';
import { dialogueSummary, openAlerts, type CaseAlert } from '../assistant/store.ts';

/** What the next handler sees, before they say a word. */
export interface ContextCard {
  case: {
    id: string;
    requestType: string;
    status: string;
    department: { id: string; name: string } | null;
    ownerId: string | null;
    openedAt: string;
    channels: string[];
    replyToken: string;
    /** `urgent` while an urgent-symptoms alert is open (routing offers it first). */
    priority?: 'urgent' | 'normal';
    alerts?: CaseAlert[];
    /** The virtual assistant's part: still answering, or handed over and why. */
    assistant?: { mode: string; task: string | null; handoffReason: string | null; turns: number } | null;
  } | null;
  patient: {
    id: string;
    givenName: string | null;
    familyName: string | null;
    birthDate: string | null;
    identifiers: Array<{ kind: string; value: string; verified: boolean }>;
  } | null;
  /** More than one when a shared line could be any of several people. */
  candidates: Array<{ id: string; givenName: string | null; familyName: string | null }>;
  assurance: string;
  openCases: Array<{ id: string; requestType: string; status: string; updatedAt: string; lastChannel: string | null }>;
  facts: Array<{
    name: string;
    value: string;
    source: string;
    sourceChannel: string | null;
    verified: boolean;
    observedAt: string;
    ageSeconds: number;
    /**
     * Every value this fact has had on the card, oldest first, the shown one included: a new
     * statement adds a value and never replaces one. For the reason, `value` is the original
     * request and the later lines are here beside it.
     */
    history: Array<{ value: string; source: string; sourceChannel: string | null; observedAt: string; original: boolean }>;
  }>;
  lastMessages: Array<{ id: string; channel: string; direction: string; actor: string; body: string | null; occurredAt: string }>;
  /** Filled by the assistant issue; the slot is here so clients can rely on it. */
  sentiment: { label: 'unknown' | 'positive' | 'neutral' | 'negative'; score: number | null };
  preferences: { language: string | null; channel: string | null };
}

const LAST_MESSAGES = 20;

export async function caseContextCard(tx: Executor, organizationId: string, caseId: string, now: Date): Promise<ContextCard> {
  const [row] = await tx
    .select({ c: cases, d: departments })
    .from(cases)
    .leftJoin(departments, eq(departments.id, cases.departmentId))
    .where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)));
  if (!row) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
  const c = row.c;
  const [caseInteractions, recent, patient] = await Promise.all([
    tx
      .select({ channel: interactions.channel, assurance: interactions.assurance, language: interactions.language, lastActivityAt: interactions.lastActivityAt })
      .from(interactions)
      .where(and(eq(interactions.organizationId, organizationId), eq(interactions.caseId, caseId)))
      .orderBy(desc(interactions.lastActivityAt)),
    tx
      .select({ id: messages.id, channel: messages.channel, direction: messages.direction, actor: messages.actor, body: messages.body, occurredAt: messages.occurredAt })
      .from(messages)
      .where(and(eq(messages.organizationId, organizationId), eq(messages.caseId, caseId)))
      .orderBy(desc(messages.occurredAt))
      .limit(LAST_MESSAGES),
    c.patientId ? getActivePatient(tx, organizationId, c.patientId) : Promise.resolve(null),
  ]);
  const card = await patientPart(tx, organizationId, patient, c.id, now);
  const latest = caseInteractions[0];
  const [alerts, dialogue] = [await openAlerts(tx, organizationId, c.id), await dialogueSummary(tx, organizationId, c.id)];
  return {
    ...card,
    case: {
      id: c.id,
      requestType: c.requestType,
      status: c.status,
      department: row.d ? { id: row.d.id, name: row.d.name } : null,
      ownerId: c.ownerId,
      openedAt: c.openedAt,
      channels: [...new Set(caseInteractions.map((i) => i.channel))],
      replyToken: c.replyToken,
      priority: alerts.some((a) => a.priority === 'urgent') ? 'urgent' : 'normal',
      alerts,
      assistant: dialogue,
    },
    assurance: latest?.assurance ?? 'anonymous',
    lastMessages: recent.reverse(),
    preferences: {
      language: patient?.language ?? latest?.language ?? null,
      channel: patient?.preferredChannel ?? c.lastChannel,
    },
  };
}

/**
 * The card for a contact that is arriving now (a ringing call, a new chat) before any case
 * exists: who it probably is from the address alone, never above `matched`.
 */
export async function incomingContextCard(
  tx: Executor,
  organizationId: string,
  kind: IdentifierKind,
  rawAddress: string,
  now: Date,
): Promise<ContextCard> {
  const org = await getOrganization(tx, organizationId);
  const value = normalizeIdentifier(kind, rawAddress, org?.defaultRegion ?? 'US');
  if (!value) throw new BadInput(`invalid_${kind}`, `That ${kind.replace('_', ' ')} is not valid.`, 422);
  const holders = await findIdentityHolders(tx, organizationId, kind, value);
  const found = holders.map((h) => h.patient);
  const patient = found.length === 1 ? found[0]! : null;
  // A link made from a stated name and birth date vouches for no more than that claim.
  const byKind = kind === 'phone' || kind === 'email' ? 'matched' : 'claimed';
  const card = await patientPart(tx, organizationId, patient, null, now);
  return {
    ...card,
    case: null,
    candidates: found.length > 1 ? found.map((p) => ({ id: p.id, givenName: p.givenName, familyName: p.familyName })) : [],
    assurance: patient ? (holders[0]!.assurance === 'claimed' ? 'claimed' : byKind) : 'anonymous',
    lastMessages: [],
    preferences: { language: patient?.language ?? null, channel: patient?.preferredChannel ?? null },
  };
}

async function patientPart(tx: Executor, organizationId: string, patient: PatientRow | null, caseId: string | null, now: Date) {
  // Independent reads: on a pool they run side by side.
  const [all, open, ids] = await Promise.all([
    knownFacts(tx, organizationId, caseId, patient?.id ?? null, patient),
    patient
      ? tx
          .select({ id: cases.id, requestType: cases.requestType, status: cases.status, updatedAt: cases.updatedAt, lastChannel: cases.lastChannel })
          .from(cases)
          .where(and(eq(cases.organizationId, organizationId), eq(cases.patientId, patient.id), inArray(cases.status, ['open'])))
          .orderBy(desc(cases.updatedAt))
      : Promise.resolve([]),
    patient ? identitiesOf(tx, organizationId, patient.id) : Promise.resolve([]),
  ]);
  const current = currentFacts(all as KnownFact[], now) as typeof all;
  return {
    patient: patient
      ? {
          id: patient.id,
          givenName: patient.givenName,
          familyName: patient.familyName,
          birthDate: patient.birthDate,
          identifiers: ids.map((i) => ({ kind: i.kind, value: i.value, verified: i.verified })),
        }
      : null,
    candidates: [] as ContextCard['candidates'],
    openCases: open.filter((o) => o.id !== caseId),
    facts: current
      .map((f) => ({
        name: f.name,
        value: f.value,
        source: f.source,
        sourceChannel: f.sourceChannel,
        verified: f.verified,
        observedAt: f.observedAt,
        ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(f.observedAt)) / 1000)),
        history: factHistory(
          all.filter((h) => h.scope === f.scope),
          f.name,
        ).map((h) => ({
          value: h.value,
          source: h.source,
          sourceChannel: h.sourceChannel,
          observedAt: h.observedAt,
          original: KEEPS_ORIGINAL.has(f.name) && h.id === f.id,
        })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    sentiment: { label: 'unknown' as const, score: null },
  };
}
