import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { blockingKeys, type Demographics, type IdentifierKind } from '@carethread/core';
import { birthDateIndex, blockingKeyIndex, identifierIndex, patientIndexes } from './blind-indexes.ts';
import type { Executor } from './db.ts';
import type { ChangeSet } from './events.ts';
import { cases, facts, identities, interactions, patientBlocks, patientMerges, patients } from './schema.ts';

export type PatientRow = typeof patients.$inferSelect;

export interface NewPatient {
  givenName?: string | null;
  familyName?: string | null;
  birthDate?: string | null;
  sex?: string | null;
  addressLine?: string | null;
  city?: string | null;
  postcode?: string | null;
  language?: string | null;
  preferredChannel?: string | null;
}

export function demographicsOf(p: PatientRow, extra: Partial<Demographics> = {}): Demographics {
  return {
    givenName: p.givenName ?? undefined,
    familyName: p.familyName ?? undefined,
    birthDate: p.birthDate ?? undefined,
    sex: p.sex ?? undefined,
    addressLine: p.addressLine ?? undefined,
    city: p.city ?? undefined,
    postcode: p.postcode ?? undefined,
    ...extra,
  };
}

export async function createPatient(
  changes: ChangeSet,
  input: NewPatient,
  at: string,
  source: string,
): Promise<PatientRow> {
  const [row] = await changes.tx
    .insert(patients)
    .values({ organizationId: changes.organizationId, ...input, ...patientIndexes(input), createdAt: at, updatedAt: at })
    .returning();
  await refreshBlockingKeys(changes.tx, changes.organizationId, row!);
  await changes.append({ kind: 'patient_created', patientId: row!.id, occurredAt: at, data: { source } });
  return row!;
}

export async function updateDemographics(
  changes: ChangeSet,
  patient: PatientRow,
  update: NewPatient,
  at: string,
): Promise<PatientRow> {
  const [row] = await changes.tx
    .update(patients)
    .set({ ...update, ...patientIndexes({ ...patient, ...update }), updatedAt: at })
    .where(and(eq(patients.organizationId, changes.organizationId), eq(patients.id, patient.id)))
    .returning();
  await refreshBlockingKeys(changes.tx, changes.organizationId, row!);
  return row!;
}

async function refreshBlockingKeys(tx: Executor, organizationId: string, p: PatientRow): Promise<void> {
  await tx.delete(patientBlocks).where(and(eq(patientBlocks.organizationId, organizationId), eq(patientBlocks.patientId, p.id)));
  const keys = [...new Set(blockingKeys(demographicsOf(p)).map(blockingKeyIndex))];
  if (keys.length === 0) return;
  await tx
    .insert(patientBlocks)
    .values(keys.map((key) => ({ organizationId, key, patientId: p.id })))
    .onConflictDoNothing();
}

export async function getPatient(tx: Executor, organizationId: string, id: string): Promise<PatientRow | null> {
  const [row] = await tx
    .select()
    .from(patients)
    .where(and(eq(patients.organizationId, organizationId), eq(patients.id, id)));
  return row ?? null;
}

/** Follows merges so a stale reference still reaches the surviving golden record. */
export async function getActivePatient(tx: Executor, organizationId: string, id: string): Promise<PatientRow | null> {
  let row = await getPatient(tx, organizationId, id);
  for (let hops = 0; row && row.status === 'merged' && row.mergedIntoId && hops < 10; hops++) {
    row = await getPatient(tx, organizationId, row.mergedIntoId);
  }
  return row && row.status === 'active' ? row : null;
}

export type AddressAssurance = 'claimed' | 'matched';

export interface IdentityHolder {
  patient: PatientRow;
  /** What the address alone says about this patient (identities.assurance). */
  assurance: AddressAssurance;
  verified: boolean;
}

/** Conditions for an identity row of this identifier joined to its active patient, both in the organisation. */
function activeHoldersOf(organizationId: string, kind: IdentifierKind, value: string) {
  return [
    eq(identities.organizationId, organizationId),
    eq(identities.kind, kind),
    eq(identities.valueIndex, identifierIndex(kind, value)),
    eq(patients.organizationId, organizationId),
    eq(patients.status, 'active'),
  ];
}

/** Active patients holding this identifier, with how far each link vouches for them. */
export async function findIdentityHolders(tx: Executor, organizationId: string, kind: IdentifierKind, value: string): Promise<IdentityHolder[]> {
  const rows = await tx
    .select({ patient: patients, assurance: identities.assurance, verified: identities.verified })
    .from(identities)
    .innerJoin(patients, eq(patients.id, identities.patientId))
    .where(and(...activeHoldersOf(organizationId, kind, value)));
  return rows.map((r) => ({ patient: r.patient, assurance: r.assurance === 'claimed' ? 'claimed' : 'matched', verified: r.verified }));
}

/** Active patients holding this identifier: more than one means a shared line or mailbox. */
export async function findPatientsByIdentifier(
  tx: Executor,
  organizationId: string,
  kind: IdentifierKind,
  value: string,
  /** verifiedOnly: only identifiers the organisation verified; birthDate narrows a shared line. */
  options: { verifiedOnly?: boolean; birthDate?: string; limit?: number } = {},
): Promise<PatientRow[]> {
  const query = tx
    .select({ patient: patients })
    .from(identities)
    .innerJoin(patients, eq(patients.id, identities.patientId))
    .where(
      and(
        ...activeHoldersOf(organizationId, kind, value),
        ...(options.verifiedOnly ? [eq(identities.verified, true)] : []),
        ...(options.birthDate ? [eq(patients.birthDateIndex, birthDateIndex(options.birthDate))] : []),
      ),
    );
  const rows = options.limit === undefined ? await query : await query.limit(options.limit);
  // (organisation, kind, value, patient) is unique, so no patient comes twice.
  return rows.map((r) => r.patient);
}

/** Candidates sharing any blocking key with the given demographics. */
export async function findPatientsByBlocking(
  tx: Executor,
  organizationId: string,
  demographics: Demographics,
  limit = 200,
): Promise<PatientRow[]> {
  const keys = [...new Set(blockingKeys(demographics).map(blockingKeyIndex))];
  if (keys.length === 0) return [];
  const ids = await tx
    .selectDistinct({ id: patientBlocks.patientId })
    .from(patientBlocks)
    .where(and(eq(patientBlocks.organizationId, organizationId), inArray(patientBlocks.key, keys)))
    .limit(limit);
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(patients)
    .where(
      and(
        eq(patients.organizationId, organizationId),
        eq(patients.status, 'active'),
        inArray(
          patients.id,
          ids.map((r) => r.id),
        ),
      ),
    );
}

export async function linkIdentity(
  changes: ChangeSet,
  patientId: string,
  kind: IdentifierKind,
  value: string,
  opts: { verified: boolean; confidence: number; source: string; at: string; assurance?: AddressAssurance },
): Promise<void> {
  const inserted = await changes.tx
    .insert(identities)
    .values({
      organizationId: changes.organizationId,
      patientId,
      kind,
      value,
      valueIndex: identifierIndex(kind, value),
      verified: opts.verified,
      confidence: opts.confidence,
      assurance: opts.assurance ?? 'matched',
      source: opts.source,
      createdAt: opts.at,
    })
    .onConflictDoNothing()
    .returning({ id: identities.id });
  if (inserted.length > 0) {
    await changes.append({
      kind: 'identity_linked',
      patientId,
      occurredAt: opts.at,
      data: { identifierKind: kind, source: opts.source, verified: opts.verified, assurance: opts.assurance ?? 'matched' },
    });
  } else if (opts.verified) {
    await changes.tx
      .update(identities)
      .set({ verified: true })
      .where(
        and(
          eq(identities.organizationId, changes.organizationId),
          eq(identities.patientId, patientId),
          eq(identities.kind, kind),
          eq(identities.valueIndex, identifierIndex(kind, value)),
        ),
      );
  }
}

/**
 * Lowers what an existing link vouches for to `claimed`: the record made from a new address
 * turned out to be somebody's only by what was said from it. Never raises, never unverifies
 * a link the organisation checked.
 */
export async function demoteIdentityToClaimed(
  changes: ChangeSet,
  patientId: string,
  kind: IdentifierKind,
  value: string,
  opts: { confidence: number; source: string },
): Promise<void> {
  await changes.tx
    .update(identities)
    .set({ assurance: 'claimed', confidence: opts.confidence, source: opts.source })
    .where(
      and(
        eq(identities.organizationId, changes.organizationId),
        eq(identities.patientId, patientId),
        eq(identities.kind, kind),
        eq(identities.valueIndex, identifierIndex(kind, value)),
        eq(identities.verified, false),
      ),
    );
}

export async function identitiesOf(tx: Executor, organizationId: string, patientId: string) {
  return tx
    .select()
    .from(identities)
    .where(and(eq(identities.organizationId, organizationId), eq(identities.patientId, patientId)));
}

/**
 * Folds `mergedId` into `survivorId`. Everything that pointed at the merged record moves, and
 * the exact rows that moved are written down so {@link unmergePatients} can put them back.
 * Identifiers are moved, never deleted: a duplicate pair (both records had the phone) keeps
 * both rows on the survivor.
 */
export async function mergePatients(
  changes: ChangeSet,
  survivorId: string,
  mergedId: string,
  opts: { reason: string; actor: string; at: string },
): Promise<string> {
  if (survivorId === mergedId) throw new Error('a patient cannot be merged into itself');
  const org = changes.organizationId;
  const tx = changes.tx;
  const survivor = await getPatient(tx, org, survivorId);
  const merged = await getPatient(tx, org, mergedId);
  if (!survivor || survivor.status !== 'active') throw new Error('survivor is not an active patient');
  if (!merged || merged.status !== 'active') throw new Error('merged patient is not an active patient');

  const movedIdentities = await tx
    .update(identities)
    .set({ patientId: survivorId })
    .where(
      and(
        eq(identities.organizationId, org),
        eq(identities.patientId, mergedId),
        // A pair already on the survivor would violate uniqueness; it stays put on the
        // merged record and comes back with it on unmerge.
        sql`not exists (select 1 from identities s where s.organization_id = ${org} and s.patient_id = ${survivorId} and s.kind = ${identities.kind} and s.value_index = ${identities.valueIndex})`,
      ),
    )
    .returning({ id: identities.id });
  const movedCases = await tx
    .update(cases)
    .set({ patientId: survivorId })
    .where(and(eq(cases.organizationId, org), eq(cases.patientId, mergedId)))
    .returning({ id: cases.id });
  const movedInteractions = await tx
    .update(interactions)
    .set({ patientId: survivorId })
    .where(and(eq(interactions.organizationId, org), eq(interactions.patientId, mergedId)))
    .returning({ id: interactions.id });
  const movedFacts = await tx
    .update(facts)
    .set({ patientId: survivorId })
    .where(and(eq(facts.organizationId, org), eq(facts.patientId, mergedId)))
    .returning({ id: facts.id });

  // The survivor keeps its own values and gains what only the merged record knew.
  const fill: NewPatient = {};
  for (const key of ['givenName', 'familyName', 'birthDate', 'sex', 'addressLine', 'city', 'postcode', 'language', 'preferredChannel'] as const) {
    if (!survivor[key] && merged[key]) fill[key] = merged[key];
  }
  if (Object.keys(fill).length > 0) await updateDemographics(changes, survivor, fill, opts.at);
  await tx
    .update(patients)
    .set({ status: 'merged', mergedIntoId: survivorId, updatedAt: opts.at })
    .where(and(eq(patients.organizationId, org), eq(patients.id, mergedId)));

  const [history] = await tx
    .insert(patientMerges)
    .values({
      organizationId: org,
      survivorId,
      mergedId,
      movedIdentityIds: movedIdentities.map((r) => r.id),
      movedCaseIds: movedCases.map((r) => r.id),
      movedInteractionIds: movedInteractions.map((r) => r.id),
      movedFactIds: movedFacts.map((r) => r.id),
      reason: opts.reason,
      actor: opts.actor,
      createdAt: opts.at,
    })
    .returning({ id: patientMerges.id });
  await changes.append({
    kind: 'patient_merged',
    patientId: survivorId,
    occurredAt: opts.at,
    data: { mergedId, mergeId: history!.id, reason: opts.reason, actor: opts.actor },
  });
  for (const c of movedCases) changes.touch(c.id);
  return history!.id;
}

/** Undoes one merge: the moved rows go back, the merged record becomes active again. */
export async function unmergePatients(changes: ChangeSet, mergeId: string, opts: { actor: string; at: string }): Promise<void> {
  const org = changes.organizationId;
  const tx = changes.tx;
  const [merge] = await tx
    .select()
    .from(patientMerges)
    .where(and(eq(patientMerges.organizationId, org), eq(patientMerges.id, mergeId), isNull(patientMerges.undoneAt)));
  if (!merge) throw new Error('no such merge, or it was already undone');
  const later = await tx
    .select({ id: patientMerges.id })
    .from(patientMerges)
    .where(
      and(
        eq(patientMerges.organizationId, org),
        eq(patientMerges.mergedId, merge.survivorId),
        isNull(patientMerges.undoneAt),
        ne(patientMerges.id, merge.id),
      ),
    );
  if (later.length > 0) throw new Error('the survivor was itself merged later; undo that merge first');

  const back = async <T extends typeof identities | typeof cases | typeof interactions | typeof facts>(table: T, ids: string[]) => {
    if (ids.length === 0) return;
    await tx
      .update(table)
      .set({ patientId: merge.mergedId } as never)
      .where(and(eq(table.organizationId, org), inArray(table.id, ids)));
  };
  await back(identities, merge.movedIdentityIds);
  await back(cases, merge.movedCaseIds);
  await back(interactions, merge.movedInteractionIds);
  await back(facts, merge.movedFactIds);
  await tx
    .update(patients)
    .set({ status: 'active', mergedIntoId: null, updatedAt: opts.at })
    .where(and(eq(patients.organizationId, org), eq(patients.id, merge.mergedId)));
  await tx.update(patientMerges).set({ undoneAt: opts.at }).where(changes.owned(patientMerges, merge.id));
  await changes.append({
    kind: 'patient_unmerged',
    patientId: merge.survivorId,
    occurredAt: opts.at,
    data: { restoredId: merge.mergedId, mergeId, actor: opts.actor },
  });
  for (const id of merge.movedCaseIds) changes.touch(id);
}
