import { and, eq, inArray, or } from 'drizzle-orm';
import {
  isFactName,
  type ExtractedFact,
  type FactExtractor,
  type FactName,
  type KnownFact,
  type Language,
} from '@carethread/core';
import type { ChangeSet } from '../store/events.ts';
import type { Executor } from '../store/db.ts';
import { getActivePatient, type PatientRow } from '../store/patients.ts';
import { facts, interactions } from '../store/schema.ts';
import type { InteractionRow } from './thread.ts';

/** Facts about the person, reused across their cases; the rest belong to one request. */
const PATIENT_SCOPED = new Set<FactName>(['givenName', 'familyName', 'birthDate', 'phone', 'email', 'memberId', 'mrn']);

export function scopeOf(name: FactName): 'patient' | 'case' {
  return PATIENT_SCOPED.has(name) ? 'patient' : 'case';
}

/** Runs the extractor on what a patient said and writes new facts to the ledger. */
export async function recordStatedFacts(
  changes: ChangeSet,
  extractor: FactExtractor,
  interaction: InteractionRow,
  text: string,
  ctx: { language?: Language; defaultRegion: string; timeZone?: string },
  at: string,
): Promise<ExtractedFact[]> {
  const found = extractor.extract(text, {
    language: ctx.language,
    defaultRegion: ctx.defaultRegion,
    awaiting: isFactName(interaction.awaitingFact) ? interaction.awaitingFact : undefined,
    // "tomorrow" and "'61" are read against when the patient said them, on their clock.
    reference: new Date(at),
    ...(ctx.timeZone ? { timeZone: ctx.timeZone } : {}),
  });
  if (found.length === 0) return [];
  const existing = await changes.tx
    .select({ name: facts.name, value: facts.value })
    .from(facts)
    .where(
      and(
        eq(facts.organizationId, changes.organizationId),
        interaction.caseId ? eq(facts.caseId, interaction.caseId) : eq(facts.sourceInteractionId, interaction.id),
      ),
    );
  const seen = new Set(existing.map((f) => `${f.name}\u0000${f.value}`));
  const recorded: ExtractedFact[] = [];
  for (const fact of found) {
    const key = `${fact.name}\u0000${fact.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await changes.tx.insert(facts).values({
      organizationId: changes.organizationId,
      patientId: interaction.patientId,
      caseId: interaction.caseId,
      scope: scopeOf(fact.name),
      name: fact.name,
      value: fact.value,
      sourceInteractionId: interaction.id,
      source: 'extractor',
      verified: false,
      confidence: fact.confidence,
      observedAt: at,
    });
    await changes.append({
      kind: 'fact_recorded',
      caseId: interaction.caseId,
      patientId: interaction.patientId,
      interactionId: interaction.id,
      occurredAt: at,
      // The value is PHI: the log names the fact, never its value.
      data: { name: fact.name, source: 'extractor', channel: interaction.channel },
    });
    recorded.push(fact);
  }
  if (interaction.awaitingFact && found.some((f) => f.name === interaction.awaitingFact)) {
    await changes.tx.update(interactions).set({ awaitingFact: null }).where(changes.owned(interactions, interaction.id));
  }
  return recorded;
}

/**
 * Everything known for a case: its own facts, the patient's person-level facts from any case,
 * and what the patient record itself says (source `record`, verified).
 */
export async function knownFacts(
  tx: Executor,
  organizationId: string,
  caseId: string | null,
  patientId: string | null,
  /** The patient row when the caller already has it, to save a read. */
  knownPatient?: PatientRow | null,
): Promise<Array<KnownFact & { id: string | null; source: string; sourceChannel: string | null }>> {
  const conditions = [];
  if (caseId) conditions.push(eq(facts.caseId, caseId));
  if (patientId) conditions.push(and(eq(facts.patientId, patientId), inArray(facts.name, [...PATIENT_SCOPED])));
  const rows =
    conditions.length === 0
      ? []
      : await tx
          .select({ fact: facts, channel: interactions.channel })
          .from(facts)
          .leftJoin(interactions, eq(interactions.id, facts.sourceInteractionId))
          .where(and(eq(facts.organizationId, organizationId), or(...conditions)));
  const out: Array<KnownFact & { id: string | null; source: string; sourceChannel: string | null }> = rows
    .filter((r) => isFactName(r.fact.name))
    .map((r) => ({
      id: r.fact.id,
      name: r.fact.name as FactName,
      value: r.fact.value,
      sourceInteractionId: r.fact.sourceInteractionId,
      observedAt: r.fact.observedAt,
      verified: r.fact.verified,
      scope: r.fact.caseId === caseId && caseId !== null ? 'case' : 'patient',
      source: r.fact.source,
      sourceChannel: r.channel,
    }));
  if (patientId) {
    const patient = knownPatient !== undefined ? knownPatient : await getActivePatient(tx, organizationId, patientId);
    if (patient) {
      const record: Array<[FactName, string | null]> = [
        ['givenName', patient.givenName],
        ['familyName', patient.familyName],
        ['birthDate', patient.birthDate],
      ];
      for (const [name, value] of record) {
        if (value)
          out.push({
            id: null,
            name,
            value,
            sourceInteractionId: null,
            observedAt: patient.updatedAt,
            verified: true,
            scope: 'patient',
            source: 'record',
            sourceChannel: null,
          });
      }
    }
  }
  return out;
}

/** True when the case holds a stated date of birth that is not this patient's. */
export async function statedBirthDateConflicts(changes: ChangeSet, caseId: string, patientId: string): Promise<boolean> {
  const patient = await getActivePatient(changes.tx, changes.organizationId, patientId);
  if (!patient?.birthDate) return false;
  const stated = await changes.tx
    .select({ value: facts.value })
    .from(facts)
    .where(and(eq(facts.organizationId, changes.organizationId), eq(facts.caseId, caseId), eq(facts.name, 'birthDate')));
  return stated.some((f) => f.value !== patient.birthDate);
}
