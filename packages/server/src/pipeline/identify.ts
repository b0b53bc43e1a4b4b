import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import {
  compareDemographics,
  type MatchScore,
  maxAssurance,
  stripAccents,
  type Assurance,
  type Demographics,
  type IdentifierKind,
} from '@carethread/core';
import type { ChangeSet } from '../store/events.ts';
import {
  createPatient,
  demoteIdentityToClaimed,
  demographicsOf,
  findIdentityHolders,
  findPatientsByBlocking,
  getActivePatient,
  linkIdentity,
  mergePatients,
  updateDemographics,
  type IdentityHolder,
  type PatientRow,
} from '../store/patients.ts';
import { cases, events, facts, interactions, matchReviews } from '../store/schema.ts';
import type { InteractionRow } from './thread.ts';

/**
 * Identity from the address alone. A phone number or email can say who probably wrote, never
 * more than `matched`; a line shared by several patients says nothing until the person tells
 * us who they are. An address nobody has used before becomes a new patient record, which
 * facts may later fold into an existing one.
 */
export async function identifyByAddress(
  changes: ChangeSet,
  interaction: InteractionRow,
  at: string,
  createUnknown = true,
): Promise<InteractionRow> {
  if (interaction.patientId || !interaction.contactKind || !interaction.contactValue) return interaction;
  const kind = interaction.contactKind as IdentifierKind;
  const found = await findIdentityHolders(changes.tx, changes.organizationId, kind, interaction.contactValue);
  if (found.length === 1) {
    const byKind: Assurance = kind === 'phone' || kind === 'email' ? 'matched' : 'claimed';
    // A link made from what someone said on this address vouches no further than the claim.
    const assurance: Assurance = found[0]!.assurance === 'claimed' ? 'claimed' : byKind;
    return setInteractionPatient(changes, interaction, found[0]!.patient.id, assurance, at, `address:${kind}`);
  }
  if (found.length === 0 && createUnknown && (kind === 'phone' || kind === 'email')) {
    const patient = await createPatient(changes, {}, at, `first contact by ${kind}`);
    await linkIdentity(changes, patient.id, kind, interaction.contactValue, {
      verified: false,
      confidence: 0.5,
      source: `${interaction.channel} contact`,
      at,
    });
    return setInteractionPatient(changes, interaction, patient.id, 'claimed', at, 'new_from_address');
  }
  return interaction;
}

export async function setInteractionPatient(
  changes: ChangeSet,
  interaction: InteractionRow,
  patientId: string,
  assurance: Assurance,
  at: string,
  method: string,
): Promise<InteractionRow> {
  const next = interaction.patientId === patientId ? maxAssurance(interaction.assurance as Assurance, assurance) : assurance;
  const [row] = await changes.tx
    .update(interactions)
    .set({ patientId, assurance: next })
    .where(changes.owned(interactions, interaction.id))
    .returning();
  // Facts said on this interaction before we knew who was speaking belong to that person.
  await changes.tx
    .update(facts)
    .set({ patientId })
    .where(and(eq(facts.organizationId, changes.organizationId), eq(facts.sourceInteractionId, interaction.id)));
  if (interaction.patientId !== patientId || interaction.assurance !== next) {
    await changes.append({
      kind: 'patient_identified',
      patientId,
      interactionId: interaction.id,
      caseId: interaction.caseId,
      occurredAt: at,
      data: { method, assurance: next, previousPatientId: interaction.patientId },
    });
  }
  return row!;
}

/** The demographics the patient has told us in this case (or interaction, before it has a case). */
export async function statedDemographics(changes: ChangeSet, interaction: InteractionRow): Promise<Demographics> {
  const scope = interaction.caseId
    ? eq(facts.caseId, interaction.caseId)
    : eq(facts.sourceInteractionId, interaction.id);
  const rows = await changes.tx
    .select({ name: facts.name, value: facts.value, observedAt: facts.observedAt })
    .from(facts)
    .where(
      and(
        eq(facts.organizationId, changes.organizationId),
        scope,
        inArray(facts.name, ['givenName', 'familyName', 'birthDate', 'phone', 'email']),
      ),
    )
    .orderBy(facts.observedAt);
  const d: Demographics = {};
  for (const r of rows) (d as Record<string, string>)[r.name] = r.value;
  return d;
}

function norm(s: string | null | undefined): string {
  return stripAccents(s ?? '').toLowerCase().replace(/[^a-z]/g, '');
}

/**
 * The date-of-birth-and-name check that raises a contact to `verified`: the stated date of
 * birth equals the record and the stated family name (or, with no family name stated, the
 * given name) equals it too. Fuzzy agreement is enough to link records, never to verify.
 */
export function passesDobNameCheck(patient: PatientRow, stated: Demographics): boolean {
  if (!stated.birthDate || stated.birthDate !== patient.birthDate) return false;
  if (stated.familyName) {
    if (norm(stated.familyName) !== norm(patient.familyName)) return false;
    return !stated.givenName || norm(stated.givenName).slice(0, 3) === norm(patient.givenName).slice(0, 3);
  }
  return !!stated.givenName && norm(stated.givenName) === norm(patient.givenName);
}

function hasDemographics(p: PatientRow): boolean {
  return !!(p.givenName || p.familyName || p.birthDate);
}

function enoughToMatch(d: Demographics): boolean {
  return !!d.birthDate && !!(d.familyName || d.givenName);
}

/** Scores candidates and returns the best one with its decision. */
function bestCandidate(stated: Demographics, candidates: PatientRow[], contact: Partial<Demographics>) {
  let best: { patient: PatientRow; weight: number; decision: 'link' | 'review' | 'distinct'; fields: MatchScore['fields'] } | null = null;
  for (const c of candidates) {
    if (!hasDemographics(c)) continue;
    const score = compareDemographics({ ...stated, ...contact }, demographicsOf(c, contact));
    if (!best || score.weight > best.weight) best = { patient: c, weight: score.weight, decision: score.decision, fields: score.fields };
  }
  return best;
}

/** What identifying a contact by its stated name and date of birth decided, for the audit log. */
export interface StatedIdentityOutcome {
  /** `linked`: the one patient who fits took the contact; `review`: a person decides. */
  outcome: 'linked' | 'review';
  /** The patient the contact now belongs to: the one linked, or the contact's own record under review. */
  patientId: string;
  /** Existing patients the review weighs (0 when linked). */
  candidates: number;
}

export interface FactsIdentification {
  interaction: InteractionRow;
  /** Set when a contact from an unknown address was linked or sent to review on this event. */
  stated: StatedIdentityOutcome | null;
}

/** Interaction methods under which a record was made for the contact itself, not found. */
const OWN_RECORD_METHODS = ['new_from_address', 'stated_new', 'stated_review'];

/** True when this interaction made the record (from its address, or from what was said on it). */
async function madeByInteraction(changes: ChangeSet, interaction: InteractionRow, patientId: string): Promise<boolean> {
  const [row] = await changes.tx
    .select({ id: events.id })
    .from(events)
    .where(
      and(
        eq(events.organizationId, changes.organizationId),
        eq(events.kind, 'patient_identified'),
        gte(events.occurredAt, interaction.startedAt),
        eq(events.interactionId, interaction.id),
        eq(events.patientId, patientId),
        sql`${events.data}->>'method' in (${sql.join(OWN_RECORD_METHODS.map((m) => sql`${m}`), sql`, `)})`,
      ),
    )
    .limit(1);
  return !!row;
}

/**
 * Identity from what the patient said (name, date of birth). Runs after facts are extracted:
 * it can pick the right person on a shared line, recognise the patient behind an address
 * nobody has used before, notice that the voice on a known line is somebody else, and verify
 * a contact on a line that vouches for the patient with the date-of-birth-and-name check.
 */
export async function identifyByFacts(
  changes: ChangeSet,
  interaction: InteractionRow,
  at: string,
): Promise<FactsIdentification> {
  const stated = await statedDemographics(changes, interaction);
  if (!enoughToMatch(stated)) return { interaction, stated: null };
  const org = changes.organizationId;
  const contactKind = interaction.contactKind as IdentifierKind | null;
  const holders = contactKind && interaction.contactValue ? await findIdentityHolders(changes.tx, org, contactKind, interaction.contactValue) : [];
  const current = interaction.patientId ? await getActivePatient(changes.tx, org, interaction.patientId) : null;
  // A record this contact made for itself (from the bare address, or from what it said) is
  // provisional: what is said later may still show whose contact this really is.
  const provisional =
    current && (!hasDemographics(current) || (interaction.assurance === 'claimed' && (await madeByInteraction(changes, interaction, current.id))))
      ? current
      : null;
  const knownAddress = holders.some((h) => h.patient.id !== provisional?.id);
  if ((current && !provisional) || (!current && knownAddress)) {
    return { interaction: await identifyOnKnownContact(changes, interaction, stated, current, holders, at), stated: null };
  }
  return identifyFromUnknownAddress(changes, interaction, stated, provisional, at);
}

/** The date-of-birth-and-name check verifies only where the address does more than repeat a claim. */
function addressVouches(holders: IdentityHolder[], patientId: string): boolean {
  return !holders.some((h) => h.patient.id === patientId && h.assurance === 'claimed');
}

/**
 * A contact whose patient is already known (from the address, a continuation, a reply), or a
 * line several patients share: the stated details verify that patient, or show it is
 * somebody else on the line.
 */
async function identifyOnKnownContact(
  changes: ChangeSet,
  interaction: InteractionRow,
  stated: Demographics,
  current: PatientRow | null,
  holders: IdentityHolder[],
  at: string,
): Promise<InteractionRow> {
  const org = changes.organizationId;
  const contactKind = interaction.contactKind as IdentifierKind | null;
  const contact: Partial<Demographics> = {};
  if (contactKind === 'phone' && interaction.contactValue) contact.phone = interaction.contactValue;
  if (contactKind === 'email' && interaction.contactValue) contact.email = interaction.contactValue;

  if (current && hasDemographics(current)) {
    if (passesDobNameCheck(current, stated)) {
      if (!addressVouches(holders, current.id)) return interaction;
      return setInteractionPatient(changes, interaction, current.id, 'verified', at, 'dob_name_check');
    }
    const score = compareDemographics(stated, demographicsOf(current));
    if (score.decision !== 'distinct') return interaction;
    // Somebody else is on this patient's line (a relative sharing the phone): find or make them.
  }

  const pool = new Map<string, PatientRow>();
  for (const p of await findPatientsByBlocking(changes.tx, org, stated)) pool.set(p.id, p);
  for (const h of holders) pool.set(h.patient.id, h.patient);
  if (current) pool.delete(current.id);
  const best = bestCandidate(stated, [...pool.values()], contact);

  if (best && best.decision === 'link') {
    const verified = passesDobNameCheck(best.patient, stated) && addressVouches(holders, best.patient.id);
    if (contactKind && interaction.contactValue && contactKind !== 'portal') {
      await linkIdentity(changes, best.patient.id, contactKind, interaction.contactValue, {
        verified: false,
        confidence: 0.8,
        source: 'probabilistic link',
        at,
      });
    }
    await attachCasePatient(changes, interaction, best.patient.id);
    return setInteractionPatient(changes, interaction, best.patient.id, verified ? 'verified' : 'claimed', at, verified ? 'dob_name_check' : 'probabilistic');
  }

  const patient = await createPatient(changes, pickDemographics(stated), at, `stated on ${interaction.channel}`);
  if (contactKind && interaction.contactValue && contactKind !== 'portal') {
    await linkIdentity(changes, patient.id, contactKind, interaction.contactValue, {
      verified: false,
      confidence: 0.5,
      source: `${interaction.channel} contact`,
      at,
    });
  }
  if (best && best.decision === 'review') await openMatchReviews(changes, interaction, patient.id, [{ patient: best.patient, weight: best.weight, fields: best.fields }], 'weak_fit', at);
  await attachCasePatient(changes, interaction, patient.id);
  return setInteractionPatient(changes, interaction, patient.id, 'claimed', at, 'stated_new');
}

interface ScoredCandidate {
  patient: PatientRow;
  weight: number;
  fields: MatchScore['fields'];
}

/**
 * A contact from an address no patient holds (or only the record it made for itself): the
 * stated name and date of birth may name an existing patient. Exactly one patient who fits
 * (a link by the matcher with the full date of birth equal) takes the contact, at `claimed`:
 * a name and birth date are things other people know. Several who fit, or only a weak fit,
 * link nothing and go to the match review queue with every candidate. Nobody at all: the
 * contact's own record takes the stated details.
 */
async function identifyFromUnknownAddress(
  changes: ChangeSet,
  interaction: InteractionRow,
  stated: Demographics,
  provisional: PatientRow | null,
  at: string,
): Promise<FactsIdentification> {
  const org = changes.organizationId;
  const contactKind = interaction.contactKind as IdentifierKind | null;
  const address = contactKind && interaction.contactValue && contactKind !== 'portal' ? { kind: contactKind, value: interaction.contactValue } : null;
  // Given and family name both: one name and a birth date is too little to tell namesakes apart.
  if (!stated.givenName || !stated.familyName) return { interaction, stated: null };
  const claim: Demographics = { givenName: stated.givenName, familyName: stated.familyName, birthDate: stated.birthDate };

  const fits: ScoredCandidate[] = [];
  const weak: ScoredCandidate[] = [];
  for (const c of await findPatientsByBlocking(changes.tx, org, claim)) {
    if (c.id === provisional?.id || !hasDemographics(c)) continue;
    // Only what was said is compared: the address is new, so it is evidence for nobody.
    const score = compareDemographics(claim, demographicsOf(c));
    const fullDateAgrees = score.fields.some((f) => f.field === 'birthDate' && f.outcome === 'agree');
    const scored = { patient: c, weight: score.weight, fields: score.fields };
    if (score.decision === 'link' && fullDateAgrees) fits.push(scored);
    else if (score.decision !== 'distinct') weak.push(scored);
  }

  if (fits.length === 1) {
    const patient = fits[0]!.patient;
    if (provisional) {
      // The record made for this contact was this patient all along: fold it in (undoable),
      // and the address it brought vouches only for the claim.
      await mergePatients(changes, patient.id, provisional.id, { reason: 'stated_identity', actor: 'pipeline', at });
      if (address) await demoteIdentityToClaimed(changes, patient.id, address.kind, address.value, { confidence: 0.5, source: 'stated name and date of birth' });
    } else if (address) {
      await linkIdentity(changes, patient.id, address.kind, address.value, {
        verified: false,
        confidence: 0.5,
        assurance: 'claimed',
        source: 'stated name and date of birth',
        at,
      });
    }
    await attachCasePatient(changes, interaction, patient.id);
    const linked = await setInteractionPatient(changes, interaction, patient.id, 'claimed', at, 'stated_identity');
    return { interaction: linked, stated: { outcome: 'linked', patientId: patient.id, candidates: 0 } };
  }

  let own: PatientRow;
  if (provisional) {
    own = await updateDemographics(changes, provisional, pickDemographics(claim), at);
  } else {
    own = await createPatient(changes, pickDemographics(claim), at, `stated on ${interaction.channel}`);
    if (address) {
      await linkIdentity(changes, own.id, address.kind, address.value, { verified: false, confidence: 0.5, source: `${interaction.channel} contact`, at });
    }
  }
  const candidates = [...fits, ...weak].sort((a, b) => b.weight - a.weight);
  if (candidates.length > 0) {
    await openMatchReviews(changes, interaction, own.id, candidates, fits.length > 1 ? 'several_fit' : 'weak_fit', at);
  }
  await attachCasePatient(changes, interaction, own.id);
  const method = candidates.length > 0 ? 'stated_review' : 'stated_new';
  const identified = await setInteractionPatient(changes, interaction, own.id, 'claimed', at, method);
  return {
    interaction: identified,
    stated: candidates.length > 0 ? { outcome: 'review', patientId: own.id, candidates: candidates.length } : null,
  };
}

/** One review per candidate, each pairing the contact's own record with an existing patient. */
async function openMatchReviews(
  changes: ChangeSet,
  interaction: InteractionRow,
  patientId: string,
  candidates: ScoredCandidate[],
  reason: 'several_fit' | 'weak_fit',
  at: string,
): Promise<void> {
  for (const c of candidates) {
    const [opened] = await changes.tx
      .insert(matchReviews)
      .values({ organizationId: changes.organizationId, patientId, candidateId: c.patient.id, score: c.weight, detail: { fields: c.fields, reason, candidates: candidates.length }, createdAt: at })
      .onConflictDoNothing()
      .returning({ id: matchReviews.id });
    if (opened) {
      await changes.append({ kind: 'match_review_opened', patientId, interactionId: interaction.id, caseId: interaction.caseId, occurredAt: at, data: { candidateId: c.patient.id, score: c.weight, reason } });
    }
  }
}

function pickDemographics(d: Demographics) {
  return { givenName: d.givenName ?? null, familyName: d.familyName ?? null, birthDate: d.birthDate ?? null };
}

/** A case opened before its patient was known takes the patient once they are. */
export async function attachCasePatient(changes: ChangeSet, interaction: InteractionRow, patientId: string): Promise<void> {
  if (!interaction.caseId) return;
  const [row] = await changes.tx.select({ patientId: cases.patientId }).from(cases).where(changes.owned(cases, interaction.caseId));
  if (!row) return;
  // Only a case this interaction alone makes up may change hands; others belong to whoever opened them.
  const others = await changes.tx
    .select({ id: interactions.id, patientId: interactions.patientId })
    .from(interactions)
    .where(and(eq(interactions.caseId, interaction.caseId)));
  const foreign = others.some((o) => o.id !== interaction.id && o.patientId && o.patientId !== patientId);
  if (row.patientId === patientId || foreign) return;
  await changes.tx.update(cases).set({ patientId }).where(changes.owned(cases, interaction.caseId));
  changes.touch(interaction.caseId);
}
