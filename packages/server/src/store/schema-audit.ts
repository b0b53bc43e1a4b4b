import { bigint, index, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './schema.ts';

// Audit of every access to protected health information (docs/security.md, 45 CFR 164.312(b)).
// Same conventions as schema.ts: uuid ids, organization_id on every row, timestamptz in string mode.
//
// The table is append-only (a trigger refuses UPDATE, DELETE and TRUNCATE; only the retention
// purge may delete a whole prefix) and hash-chained per organisation: each row's hash covers its
// own canonical serialisation and the previous row's hash, so an edit, a deletion or a
// reordering breaks the chain at a row `carethread audit verify` can name.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    /** Position in the organisation's chain: 1, 2, 3… with no gaps (a purge removes a prefix). */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: ts('at').notNull(),
    /** `staff`, `token` (an integration or bootstrap token), `patient`, `system`. */
    actorType: text('actor_type').notNull(),
    /** Staff id, token id or patient id; null for the system. */
    actorId: text('actor_id'),
    actorRole: text('actor_role'),
    /** The api token the request carried, when there was one. */
    tokenId: uuid('token_id'),
    /** read, write, search, export, sign_in, sign_out, permission_change, break_glass, purge… */
    action: text('action').notNull(),
    resourceType: text('resource_type'),
    resourceId: text('resource_id'),
    patientId: uuid('patient_id'),
    /** The route pattern (`/api/v1/cases/:caseId/context`) or `channel:<name>`: never a raw URL, which can carry identifiers. */
    route: text('route'),
    method: text('method'),
    /** HTTP status (101 for an accepted websocket). */
    outcome: smallint('outcome'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** Why: the stated reason of a break-glass access. */
    reason: text('reason'),
    /** Non-identifying context: the channel, the names (not values) of search filters, a purge checkpoint. */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_log_org_seq').on(t.organizationId, t.seq),
    index('audit_log_org_patient').on(t.organizationId, t.patientId, t.seq),
    index('audit_log_org_actor').on(t.organizationId, t.actorId, t.seq),
    index('audit_log_org_at').on(t.organizationId, t.at),
  ],
);
