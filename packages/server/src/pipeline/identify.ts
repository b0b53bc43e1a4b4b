import { and, eq, inArray } from 'drizzle-orm';
import {
  compareDemographics,
  maxAssurance,
  stripAccents,
  type Assurance,
  type Demographics,
  type IdentifierKind,
} from '@carethread/core';
import type { ChangeSet } from '../store/events.ts';
import {
  createPatient,
  demographicsOf,
  findPatientsByBlocking,
  findPatientsByIdentifier,
  getActivePatient,
  linkIdentity,
  mergePatients,
  updateDemographics,
  type PatientRow,
} from '../store/patients.ts';
import { cases, facts, interactions, matchReviews } from '../store/schema.ts';
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
  const found = await findPatientsByIdentifier(changes.tx, changes.organizationId, kind, interaction.contactValue);
  if (found.length === 1) {
    const assurance: Assurance = kind === 'phone' || kind === 'email' ? 'matched' : 'claimed';
    return setInteractionPatient(changes, interaction, found[0]!.id, assurance, at, `address:${kind}`);
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
  let best: { patient: PatientRow; weight: number; decision: 'link' | 'review' | 'distinct'; fields: unknown } | null = null;
  for (const c of candidates) {
    if (!hasDemographics(c)) continue;
    const score = compareDemographics({ ...stated, ...contact }, demographicsOf(c, contact));
    if (!best || score.weight > best.weight) best = { patient: c, weight: score.weight, decision: score.decision, fields: score.fields };
  }
  return best;
}

/**
 * Identity from what the patient said (name, date of birth). Runs after facts are extracted:
 * it can pick the right person on a shared line, fold a record made from a bare phone number
 * into the patient it turns out to be, notice that the voice on a known line is somebody else,
 * and verify a contact with the date-of-birth-and-name check.
 */
export async function identifyByFacts(
  changes: ChangeSet,
  interaction: InteractionRow,
  at: string,
): Promise<InteractionRow> {
  const stated = await statedDemographics(changes, interaction);
  if (!enoughToMatch(stated)) return interaction;
  const org = changes.organizationId;
  const contactKind = interaction.contactKind as IdentifierKind | null;
  const contact: Partial<Demographics> = {};
  if (contactKind === 'phone' && interaction.contactValue) contact.phone = interaction.contactValue;
  if (contactKind === 'email' && interaction.contactValue) contact.email = interaction.contactValue;

  const current = interaction.patientId ? await getActivePatient(changes.tx, org, interaction.patientId) : null;

  if (current && hasDemographics(current)) {
    if (passesDobNameCheck(current, stated)) {
      return setInteractionPatient(changes, interaction, current.id, 'verified', at, 'dob_name_check');
    }
    const score = compareDemographics(stated, demographicsOf(current));
    if (score.decision !== 'distinct') return interaction;
    // Somebody else is on this patient's line (a relative sharing the phone): find or make them.
  }

  const pool = new Map<string, PatientRow>();
  for (const p of await findPatientsByBlocking(changes.tx, org, stated)) pool.set(p.id, p);
  if (contactKind && interaction.contactValue) {
    for (const p of await findPatientsByIdentifier(changes.tx, org, contactKind, interaction.contactValue)) pool.set(p.id, p);
  }
  if (current) pool.delete(current.id);
  const best = bestCandidate(stated, [...pool.values()], contact);

  if (best && best.decision === 'link') {
    const verified = passesDobNameCheck(best.patient, stated);
    if (current && !hasDemographics(current)) {
      // The record made from a bare address was this patient all along.
      await mergePatients(changes, best.patient.id, current.id, { reason: 'auto_link', actor: 'pipeline', at });
    } else if (contactKind && interaction.contactValue && contactKind !== 'portal') {
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

  // Nobody we know: the person becomes (or the bare record becomes) a patient with these details.
  let patient: PatientRow;
  if (current && !hasDemographics(current)) {
    patient = await updateDemographics(changes, current, pickDemographics(stated), at);
  } else {
    patient = await createPatient(changes, pickDemographics(stated), at, `stated on ${interaction.channel}`);
    if (contactKind && interaction.contactValue && contactKind !== 'portal') {
      await linkIdentity(changes, patient.id, contactKind, interaction.contactValue, {
        verified: false,
        confidence: 0.5,
        source: `${interaction.channel} contact`,
        at,
      });
    }
  }
  if (best && best.decision === 'review') {
    await changes.tx
      .insert(matchReviews)
      .values({ organizationId: org, patientId: patient.id, candidateId: best.patient.id, score: best.weight, detail: { fields: best.fields }, createdAt: at })
      .onConflictDoNothing();
    await changes.append({ kind: 'match_review_opened', patientId: patient.id, interactionId: interaction.id, occurredAt: at, data: { candidateId: best.patient.id, score: best.weight } });
  }
  await attachCasePatient(changes, interaction, patient.id);
  return setInteractionPatient(changes, interaction, patient.id, 'claimed', at, 'stated_new');
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
