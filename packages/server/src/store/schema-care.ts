import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cases, departments, organizations, patients, staff } from './schema.ts';
import { encryptedJson } from './field-crypto.ts';

// Clinic-side care work and the organisation's results and billing data (docs/care-tasks.md,
// docs/billing-import.md). Same conventions as schema.ts: organization_id on every row,
// timestamptz in string mode, times from the causing action.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
const orgId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id);

/** A piece of work for the clinic: a refill, a clinician callback, a payment plan, a callback. */
export const careTasks = pgTable(
  'care_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    /** refill | clinician_callback | payment_plan | callback */
    kind: text('kind').notNull(),
    /** Per kind: see core/care/tasks.ts for the machine. */
    status: text('status').notNull(),
    caseId: uuid('case_id').references(() => cases.id),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    departmentId: uuid('department_id').references(() => departments.id),
    /** Kind-specific: medication, pharmacy, urgency, reason, window, monthlyAmountCents, notes. */
    details: encryptedJson<Record<string, unknown>>('details', 'care_tasks.details')
      .notNull()
      .$defaultFn(() => ({})),
    /** The staff member who last changed it. */
    updatedBy: uuid('updated_by').references(() => staff.id),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    dueAt: ts('due_at'),
  },
  (t) => [
    index('care_tasks_org_kind_status').on(t.organizationId, t.kind, t.status, t.dueAt),
    index('care_tasks_org_department').on(t.organizationId, t.departmentId, t.status),
    index('care_tasks_patient').on(t.organizationId, t.patientId),
    index('care_tasks_case').on(t.caseId),
  ],
);

/**
 * Diagnostic reports as far as the assistant may speak of them: which test, its FHIR status and
 * dates. No values and no interpretation are stored, so none can reach a conversation.
 */
export const labResults = pgTable(
  'lab_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    /** The organisation's own report id: importing it again updates the row. */
    externalId: text('external_id').notNull(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    code: text('code'),
    name: text('name').notNull(),
    /** FHIR DiagnosticReport.status */
    status: text('status').notNull(),
    effectiveDate: text('effective_date'),
    issuedAt: ts('issued_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('lab_results_org_external').on(t.organizationId, t.externalId), index('lab_results_patient').on(t.organizationId, t.patientId, t.status)],
);

/** One patient statement from the organisation's billing system; amounts in cents. */
export const billingStatements = pgTable(
  'billing_statements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    externalId: text('external_id').notNull(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    statementDate: text('statement_date').notNull(),
    dueDate: text('due_date'),
    currency: text('currency').notNull().default('USD'),
    totalChargeCents: bigint('total_charge_cents', { mode: 'number' }).notNull(),
    insurancePaidCents: bigint('insurance_paid_cents', { mode: 'number' }).notNull(),
    adjustmentCents: bigint('adjustment_cents', { mode: 'number' }).notNull(),
    patientBalanceCents: bigint('patient_balance_cents', { mode: 'number' }).notNull(),
    importedAt: ts('imported_at').notNull(),
  },
  (t) => [
    uniqueIndex('billing_statements_org_external').on(t.organizationId, t.externalId),
    index('billing_statements_patient').on(t.organizationId, t.patientId, t.statementDate),
  ],
);

export const billingLines = pgTable(
  'billing_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    statementId: uuid('statement_id')
      .notNull()
      .references(() => billingStatements.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    serviceDate: text('service_date'),
    code: text('code').notNull(),
    description: text('description').notNull(),
    chargeCents: bigint('charge_cents', { mode: 'number' }).notNull(),
    insurancePaidCents: bigint('insurance_paid_cents', { mode: 'number' }).notNull(),
    adjustmentCents: bigint('adjustment_cents', { mode: 'number' }).notNull(),
    patientOwesCents: bigint('patient_owes_cents', { mode: 'number' }).notNull(),
    copayCents: bigint('copay_cents', { mode: 'number' }),
    coinsuranceCents: bigint('coinsurance_cents', { mode: 'number' }),
    deductibleCents: bigint('deductible_cents', { mode: 'number' }),
  },
  (t) => [uniqueIndex('billing_lines_statement_line').on(t.statementId, t.lineNo), index('billing_lines_org').on(t.organizationId)],
);
