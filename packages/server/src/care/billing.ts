import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import {
  explainStatementLines,
  noStatementText,
  parseBillingCsv,
  parseBillingJson,
  type BillingImportError,
  type ExplainedLine,
  type ImportedStatement,
  type Language,
} from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import type { Executor } from '../store/db.ts';
import { ChangeSet } from '../store/events.ts';
import { getActivePatient } from '../store/patients.ts';
import { billingLines, billingStatements } from '../store/schema-care.ts';
import { patientAndMerged, patientsByCode, resolveImportedPatient } from './patients.ts';
import { ImportRejected } from './results.ts';

export type BillingImportInput = { format: 'csv'; csv: string } | { format: 'json'; document: unknown };

export interface BillingImportResult {
  statements: { created: number; updated: number };
  lines: number;
  patients: number;
  dryRun: boolean;
}

/**
 * Loads statements in the documented format (docs/billing-import.md). Every row is checked and
 * every patient found before anything is written; one bad row rejects the whole file with the
 * row and field of each problem. A statement id seen before is replaced with the new lines.
 */
export async function importBilling(services: Services, organizationId: string, input: BillingImportInput, opts: { at?: string; dryRun?: boolean } = {}): Promise<BillingImportResult> {
  const parsed = input.format === 'csv' ? parseBillingCsv(input.csv) : parseBillingJson(input.document);
  if (parsed.errors.length > 0) throw new ImportRejected(parsed.errors, 'billing');
  const at = opts.at ?? services.now().toISOString();
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const found = await patientsByCode(
      tx,
      organizationId,
      parsed.statements.flatMap((s) => (s.mrn ? [s.mrn] : [])),
      parsed.statements.flatMap((s) => (s.memberId ? [s.memberId] : [])),
    );
    const errors: BillingImportError[] = [];
    const resolved = parsed.statements.flatMap((s) => {
      const who = resolveImportedPatient(found, s.mrn, s.memberId);
      if (!('patientId' in who)) {
        errors.push({ row: s.row, field: input.format === 'json' ? `statement ${s.statementId}: ${who.field}` : who.field, message: who.message });
        return [];
      }
      return [{ statement: s, patientId: who.patientId }];
    });
    if (errors.length > 0) throw new ImportRejected(errors.slice(0, 200), 'billing');
    const existing = await tx
      .select({ externalId: billingStatements.externalId })
      .from(billingStatements)
      .where(and(eq(billingStatements.organizationId, organizationId), inArray(billingStatements.externalId, resolved.map((r) => r.statement.statementId))));
    const result: BillingImportResult = {
      statements: { created: resolved.length - existing.length, updated: existing.length },
      lines: resolved.reduce((n, r) => n + r.statement.lines.length, 0),
      patients: new Set(resolved.map((r) => r.patientId)).size,
      dryRun: !!opts.dryRun,
    };
    if (opts.dryRun) return result;
    await writeStatements(tx, organizationId, resolved, at);
    await changes.append({ kind: 'billing_imported', occurredAt: at, data: { statements: result.statements, lines: result.lines } });
    await changes.commit();
    return result;
  });
}

/** Upserts statements and replaces their lines; shared by the import and the demo seed. */
export async function writeStatements(tx: Executor, organizationId: string, items: Array<{ statement: ImportedStatement; patientId: string }>, at: string): Promise<void> {
  for (const { statement: s, patientId } of items) {
    const total = (pick: (l: ImportedStatement['lines'][number]) => number) => s.lines.reduce((n, l) => n + pick(l), 0);
    const values = {
      patientId,
      statementDate: s.statementDate,
      dueDate: s.dueDate,
      currency: s.currency,
      totalChargeCents: total((l) => l.chargeCents),
      insurancePaidCents: total((l) => l.insurancePaidCents),
      adjustmentCents: total((l) => l.adjustmentCents),
      patientBalanceCents: total((l) => l.patientOwesCents),
      importedAt: at,
    };
    const [row] = await tx
      .insert(billingStatements)
      .values({ organizationId, externalId: s.statementId, ...values })
      .onConflictDoUpdate({ target: [billingStatements.organizationId, billingStatements.externalId], set: values })
      .returning({ id: billingStatements.id });
    await tx.delete(billingLines).where(and(eq(billingLines.organizationId, organizationId), eq(billingLines.statementId, row!.id)));
    await tx.insert(billingLines).values(
      s.lines.map((l, i) => ({
        organizationId,
        statementId: row!.id,
        lineNo: i + 1,
        serviceDate: l.serviceDate,
        code: l.code,
        description: l.description,
        chargeCents: l.chargeCents,
        insurancePaidCents: l.insurancePaidCents,
        adjustmentCents: l.adjustmentCents,
        patientOwesCents: l.patientOwesCents,
        copayCents: l.copayCents,
        coinsuranceCents: l.coinsuranceCents,
        deductibleCents: l.deductibleCents,
      })),
    );
  }
}

export interface StatementExplanationResult {
  found: boolean;
  statementId: string | null;
  statementDate: string | null;
  dueDate: string | null;
  currency: string | null;
  /** What the patient owes on the statement, in currency units. */
  balance: number | null;
  lines: ExplainedLine[];
  balanceText: string;
  terms: Array<{ term: string; definition: string }>;
}

/**
 * The patient's latest statement (or the one named), each line in plain words in their
 * language. Like results, only for a patient the caller has verified.
 */
export async function explainStatement(
  services: Services,
  organizationId: string,
  patientId: string,
  language: Language,
  opts: { statementId?: string } = {},
): Promise<StatementExplanationResult> {
  if (language !== 'en' && language !== 'es') throw new BadInput('invalid_language', 'language must be en or es.');
  const db = services.database.db;
  const patient = await getActivePatient(db, organizationId, patientId);
  if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
  const ids = await patientAndMerged(db, organizationId, patient.id);
  const [statement] = await db
    .select()
    .from(billingStatements)
    .where(
      and(
        eq(billingStatements.organizationId, organizationId),
        inArray(billingStatements.patientId, ids),
        ...(opts.statementId ? [eq(billingStatements.externalId, opts.statementId)] : []),
      ),
    )
    .orderBy(desc(billingStatements.statementDate), desc(billingStatements.importedAt))
    .limit(1);
  if (!statement) {
    return { found: false, statementId: null, statementDate: null, dueDate: null, currency: null, balance: null, lines: [], balanceText: noStatementText(language), terms: [] };
  }
  const lines = await db
    .select()
    .from(billingLines)
    .where(and(eq(billingLines.organizationId, organizationId), eq(billingLines.statementId, statement.id)))
    .orderBy(asc(billingLines.lineNo));
  const explained = explainStatementLines(
    {
      statementDate: statement.statementDate,
      dueDate: statement.dueDate,
      currency: statement.currency,
      lines: lines.map((l) => ({
        code: l.code,
        description: l.description,
        serviceDate: l.serviceDate,
        chargeCents: Number(l.chargeCents),
        insurancePaidCents: Number(l.insurancePaidCents),
        adjustmentCents: Number(l.adjustmentCents),
        patientOwesCents: Number(l.patientOwesCents),
        copayCents: l.copayCents === null ? null : Number(l.copayCents),
        coinsuranceCents: l.coinsuranceCents === null ? null : Number(l.coinsuranceCents),
        deductibleCents: l.deductibleCents === null ? null : Number(l.deductibleCents),
      })),
    },
    language,
  );
  return {
    found: true,
    statementId: statement.externalId,
    statementDate: statement.statementDate,
    dueDate: statement.dueDate,
    currency: statement.currency,
    balance: Number(statement.patientBalanceCents) / 100,
    lines: explained.lines,
    balanceText: explained.balanceText,
    terms: explained.terms,
  };
}

/** Statements of a patient, newest first: for staff screens. */
export async function statementsOf(services: Services, organizationId: string, patientId: string) {
  const ids = await patientAndMerged(services.database.db, organizationId, patientId);
  const rows = await services.database.db
    .select()
    .from(billingStatements)
    .where(and(eq(billingStatements.organizationId, organizationId), inArray(billingStatements.patientId, ids)))
    .orderBy(desc(billingStatements.statementDate))
    .limit(50);
  return rows.map((s) => ({
    statementId: s.externalId,
    statementDate: s.statementDate,
    dueDate: s.dueDate,
    currency: s.currency,
    totalCharges: Number(s.totalChargeCents) / 100,
    insurancePaid: Number(s.insurancePaidCents) / 100,
    adjustments: Number(s.adjustmentCents) / 100,
    balance: Number(s.patientBalanceCents) / 100,
  }));
}
