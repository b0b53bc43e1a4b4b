import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cases, departments, organizations, patients, staff } from './schema.ts';

// Access control (packages/server/src/auth/permissions.ts, docs/security.md): grants that widen
// an agent's view beyond their own departments, and break-glass emergency accesses. Same
// conventions as schema.ts: organization_id on every row, timestamptz in string mode.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
const orgId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id);

/**
 * Lets a staff member see the cases of one more department, or of every department when
 * `department_id` is null. Revoked rather than deleted, so the history of who could see what stays.
 */
export const staffAccessGrants = pgTable(
  'staff_access_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id),
    /** null: every department. */
    departmentId: uuid('department_id').references(() => departments.id),
    grantedBy: text('granted_by').notNull(),
    createdAt: ts('created_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('staff_access_grants_staff').on(t.organizationId, t.staffId)],
);

/** An emergency access to one case (and its patient) outside the staff member's departments: time-boxed, reviewed afterwards. */
export const breakGlassAccesses = pgTable(
  'break_glass_accesses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    patientId: uuid('patient_id').references(() => patients.id),
    /** The stated reason, as typed by the staff member (kept for the reviewer and the audit log). */
    reason: text('reason').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    reviewedAt: ts('reviewed_at'),
    reviewedBy: text('reviewed_by'),
    /** appropriate | inappropriate */
    reviewOutcome: text('review_outcome'),
    reviewNote: text('review_note'),
  },
  (t) => [
    index('break_glass_staff_case').on(t.organizationId, t.staffId, t.caseId),
    index('break_glass_review').on(t.organizationId, t.reviewedAt),
  ],
);
