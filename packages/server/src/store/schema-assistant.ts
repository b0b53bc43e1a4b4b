import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cases, organizations } from './schema.ts';
import { encryptedJson } from './field-crypto.ts';

// The virtual assistant (see docs/assistant.md). Same conventions as schema.ts:
// organization_id on every row, timestamptz in string mode, times from the causing event.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
const orgId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id);

/**
 * The assistant's dialogue with one case: what it is doing, what it waits for, what it tried.
 * `state` is the dialogue policy's own JSON (packages/assistant DialogueState); the columns
 * beside it are copies for queries (is the assistant still on this case? which task?).
 */
export const assistantDialogues = pgTable(
  'assistant_dialogues',
  {
    caseId: uuid('case_id')
      .primaryKey()
      .references(() => cases.id),
    organizationId: orgId(),
    /** active | handed_off | urgent */
    mode: text('mode').notNull(),
    task: text('task'),
    turns: integer('turns').notNull().default(0),
    state: encryptedJson<Record<string, unknown>>('state', 'assistant_dialogues.state').notNull(),
    startedAt: ts('started_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('assistant_dialogues_org_mode').on(t.organizationId, t.mode)],
);

/**
 * Alerts raised on a case for the people who handle it (urgent symptoms). A case with an open
 * alert is urgent: routing offers it before every other waiting case.
 */
export const caseAlerts = pgTable(
  'case_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    /** urgent_symptoms */
    kind: text('kind').notNull(),
    /** urgent */
    priority: text('priority').notNull(),
    /** The urgent category (cardiac, stroke, self_harm…); never the patient's words. */
    category: text('category'),
    raisedAt: ts('raised_at').notNull(),
    clearedAt: ts('cleared_at'),
  },
  (t) => [index('case_alerts_case').on(t.organizationId, t.caseId), index('case_alerts_open').on(t.organizationId, t.clearedAt)],
);
