import { normalizeIdentifier, type IdentifierKind } from '@carethread/core';
import { ChangeSet } from '../store/events.ts';
import { getOrganization } from '../store/orgs.ts';
import { and, eq } from 'drizzle-orm';
import { createPatient, linkIdentity, mergePatients, unmergePatients, type NewPatient, type PatientRow } from '../store/patients.ts';
import { matchReviews } from '../store/schema.ts';
import type { Services } from './context.ts';
import { BadInput } from './errors.ts';

export interface PatientRegistration extends NewPatient {
  identifiers: Array<{ kind: IdentifierKind; value: string; verified?: boolean }>;
}

/**
 * A patient registered by the organisation (EHR import, front desk, demo seed). Identifiers
 * registered this way were checked by the organisation, so they count as verified links.
 */
export async function registerPatient(
  services: Services,
  organizationId: string,
  input: PatientRegistration,
  source = 'registration',
): Promise<PatientRow> {
  const org = await getOrganization(services.database.db, organizationId);
  if (!org) throw new BadInput('unknown_organization', 'No such organization.', 404);
  const normalised = input.identifiers.map((id) => {
    const value = normalizeIdentifier(id.kind, id.value, org.defaultRegion);
    if (!value) throw new BadInput(`invalid_${id.kind}`, `The ${id.kind.replace('_', ' ')} identifier is not valid.`, 422);
    return { kind: id.kind, value, verified: id.verified ?? true };
  });
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const at = services.now().toISOString();
    const { identifiers: _ids, ...demographics } = input;
    const patient = await createPatient(changes, demographics, at, source);
    for (const id of normalised) {
      await linkIdentity(changes, patient.id, id.kind, id.value, { verified: id.verified, confidence: 1, source, at });
    }
    await changes.commit();
    return patient;
  });
}

export async function mergeRecords(
  services: Services,
  organizationId: string,
  survivorId: string,
  mergedId: string,
  actor: string,
): Promise<string> {
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    try {
      const id = await mergePatients(changes, survivorId, mergedId, { reason: 'manual', actor, at: services.now().toISOString() });
      await changes.commit();
      return id;
    } catch (err) {
      throw new BadInput('merge_refused', (err as Error).message, 409);
    }
  });
}

export async function undoMerge(services: Services, organizationId: string, mergeId: string, actor: string): Promise<void> {
  await services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    try {
      await unmergePatients(changes, mergeId, { actor, at: services.now().toISOString() });
    } catch (err) {
      throw new BadInput('unmerge_refused', (err as Error).message, 409);
    }
    await changes.commit();
  });
}

/**
 * A person settles a possible duplicate: `merge` folds the newer record into the existing
 * candidate (undoable like any merge), `distinct` records that they are different people.
 */
export async function decideMatchReview(
  services: Services,
  organizationId: string,
  reviewId: string,
  decision: 'merge' | 'distinct',
  actor: string,
): Promise<{ status: string; mergeId: string | null }> {
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const [review] = await tx
      .select()
      .from(matchReviews)
      .where(and(eq(matchReviews.organizationId, organizationId), eq(matchReviews.id, reviewId)))
      .for('update');
    if (!review) throw new BadInput('unknown_review', 'No such match review in this organization.', 404);
    if (review.status !== 'open') throw new BadInput('review_closed', `This review was already decided (${review.status}).`, 409);
    const at = services.now().toISOString();
    let mergeId: string | null = null;
    if (decision === 'merge') {
      try {
        mergeId = await mergePatients(changes, review.candidateId, review.patientId, { reason: `review ${review.id}`, actor, at });
      } catch (err) {
        throw new BadInput('merge_refused', (err as Error).message, 409);
      }
    }
    const status = decision === 'merge' ? 'merged' : 'distinct';
    await tx.update(matchReviews).set({ status, decidedAt: at }).where(changes.owned(matchReviews, review.id));
    await changes.commit();
    return { status, mergeId };
  });
}
