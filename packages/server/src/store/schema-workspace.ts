import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { cases, departments, interactions, organizations, patients, staff } from './schema.ts';

// The agent workspace's own tables (see docs/workspace.md): canned responses, one-time
// verification codes and the disposition history of resolutions. Same conventions as
// schema.ts: organization_id on every row, timestamptz in string mode.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
const orgId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id);

/** Reusable replies with `{{variables}}`, per language, organisation-wide or for one department. */
export const cannedResponses = pgTable(
  'canned_responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    /** Null: offered in every department. */
    departmentId: uuid('department_id').references(() => departments.id),
    /** en | es */
    language: text('language').notNull(),
    /** What an agent types to pick it ("greet", "refill-received"). */
    shortcut: text('shortcut').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdBy: uuid('created_by').references(() => staff.id),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    // One shortcut means one text per language: agents type it from memory.
    uniqueIndex('canned_responses_org_language_shortcut').on(t.organizationId, t.language, t.shortcut),
    index('canned_responses_org_department').on(t.organizationId, t.departmentId),
    check('canned_responses_language_valid', sql`${t.language} in ('en', 'es')`),
  ],
);

/** One-time codes an agent sends to a verified contact of the patient to raise assurance. */
export const verificationCodes = pgTable(
  'verification_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    /** The interaction whose assurance a correct code raises. */
    interactionId: uuid('interaction_id')
      .notNull()
      .references(() => interactions.id),
    /** sms | email */
    channel: text('channel').notNull(),
    /** HMAC of the code; the code itself only travels to the patient. */
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    sentBy: uuid('sent_by'),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('verification_codes_case').on(t.organizationId, t.caseId, t.createdAt)],
);

/** Every resolution of a case with its disposition: a reopened case keeps its history here. */
export const caseDispositions = pgTable(
  'case_dispositions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    /** resolved | resolved_first_contact | referred | no_response | duplicate | other */
    disposition: text('disposition').notNull(),
    requestType: text('request_type').notNull(),
    staffId: uuid('staff_id'),
    resolvedAt: ts('resolved_at').notNull(),
  },
  (t) => [index('case_dispositions_case').on(t.organizationId, t.caseId, t.resolvedAt)],
);
