import { and, eq, inArray, sql } from 'drizzle-orm';
import { isResultAvailable, isResultPending, parseResultsImport, RESULT_STATUSES, type ResultImportError } from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { ChangeSet } from '../store/events.ts';
import { getOrganization } from '../store/orgs.ts';
import { getActivePatient } from '../store/patients.ts';
import { labResults } from '../store/schema-care.ts';
import { patientAndMerged, patientsByCode, resolveImportedPatient } from './patients.ts';

export interface ResultsStatus {
  available: number;
  pending: number;
  /** Where the patient reads released results: the portal, which signs them in first. */
  portalUrl: string;
  /** When the newest released report was issued, if any. */
  latestAvailableAt: string | null;
}

/**
 * Whether a patient has results, counted by status only. The caller must already have the
 * patient at `verified` assurance: even a count tells something about a person's care.
 */
export async function resultsStatus(services: Services, organizationId: string, patientId: string): Promise<ResultsStatus> {
  const db = services.database.db;
  const patient = await getActivePatient(db, organizationId, patientId);
  if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
  const org = await getOrganization(db, organizationId);
  const ids = await patientAndMerged(db, organizationId, patient.id);
  const rows = await db
    .select({ status: labResults.status, n: sql<number>`count(*)::int`, latest: sql<string | null>`max(${labResults.issuedAt})` })
    .from(labResults)
    .where(and(eq(labResults.organizationId, organizationId), inArray(labResults.patientId, ids)))
    .groupBy(labResults.status);
  let available = 0;
  let pending = 0;
  let latest: string | null = null;
  for (const r of rows) {
    const n = Number(r.n);
    if (isResultAvailable(r.status)) {
      available += n;
      if (r.latest && (!latest || Date.parse(r.latest) > Date.parse(latest))) latest = r.latest;
    } else if (isResultPending(r.status)) pending += n;
  }
  return {
    available,
    pending,
    portalUrl: `${services.settings.publicUrl}/portal?org=${encodeURIComponent(org?.slug ?? '')}`,
    latestAvailableAt: latest ? new Date(latest).toISOString() : null,
  };
}

export class ImportRejected extends BadInput {
  constructor(
    readonly errors: ResultImportError[],
    what: string,
  ) {
    const first = errors
      .slice(0, 3)
      .map((e) => `row ${e.row}, ${e.field}: ${e.message}`)
      .join('; ');
    super('invalid_import', `The ${what} import was rejected and nothing was imported: ${errors.length} problem${errors.length === 1 ? '' : 's'} (${first}${errors.length > 3 ? '; …' : ''}).`, 422);
  }
}

export interface ResultsImportResult {
  created: number;
  updated: number;
  dryRun: boolean;
}

/**
 * Loads report statuses (docs/care-tasks.md): CSV or JSON, every row checked, the patient found
 * by MRN or member id, and the whole file in one transaction or not at all. A report id seen
 * before updates its row, so a status moving from preliminary to final is a re-import.
 */
export async function importResults(
  services: Services,
  organizationId: string,
  input: { csv?: string; json?: unknown },
  opts: { at?: string; dryRun?: boolean } = {},
): Promise<ResultsImportResult> {
  const parsed = parseResultsImport(input);
  if (parsed.errors.length > 0) throw new ImportRejected(parsed.errors, 'results');
  const at = opts.at ?? services.now().toISOString();
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const found = await patientsByCode(
      tx,
      organizationId,
      parsed.results.flatMap((r) => (r.mrn ? [r.mrn] : [])),
      parsed.results.flatMap((r) => (r.memberId ? [r.memberId] : [])),
    );
    const errors: ResultImportError[] = [];
    const rows = parsed.results.flatMap((r) => {
      const who = resolveImportedPatient(found, r.mrn, r.memberId);
      if (!('patientId' in who)) {
        errors.push({ row: r.row, field: who.field, message: who.message });
        return [];
      }
      return [{ ...r, patientId: who.patientId }];
    });
    if (errors.length > 0) throw new ImportRejected(errors.slice(0, 200), 'results');
    const known = await tx
      .select({ externalId: labResults.externalId })
      .from(labResults)
      .where(and(eq(labResults.organizationId, organizationId), inArray(labResults.externalId, rows.map((r) => r.resultId))));
    const updated = known.length;
    if (!opts.dryRun) {
      for (let i = 0; i < rows.length; i += 1000) {
        await tx
          .insert(labResults)
          .values(
            rows.slice(i, i + 1000).map((r) => ({
              organizationId,
              externalId: r.resultId,
              patientId: r.patientId,
              code: r.code,
              name: r.name,
              status: r.status,
              effectiveDate: r.effectiveDate,
              issuedAt: r.issuedAt,
              createdAt: at,
              updatedAt: at,
            })),
          )
          .onConflictDoUpdate({
            target: [labResults.organizationId, labResults.externalId],
            set: {
              patientId: sql`excluded.patient_id`,
              code: sql`excluded.code`,
              name: sql`excluded.name`,
              status: sql`excluded.status`,
              effectiveDate: sql`excluded.effective_date`,
              issuedAt: sql`excluded.issued_at`,
              updatedAt: sql`excluded.updated_at`,
            },
          });
      }
      await changes.append({ kind: 'lab_results_imported', occurredAt: at, data: { created: rows.length - updated, updated } });
      await changes.commit();
    }
    return { created: rows.length - updated, updated, dryRun: !!opts.dryRun };
  });
}

export { RESULT_STATUSES };
