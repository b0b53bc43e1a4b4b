import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

// Field-level encryption keys (docs/security.md, "Encryption at rest"). Same conventions as
// schema.ts, except that data keys belong to the deployment, not to one organisation: one
// master secret protects every tenant of a deployment.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

/**
 * Versions of the data key. Only the id is stored: the key is derived from the master secret
 * and the id (field-crypto.ts), so a dump of this table reveals nothing. `check` proves, at
 * start-up, that the process holds the master secret the data was sealed under.
 */
export const dataKeys = pgTable('data_keys', {
  id: text('id').primaryKey(),
  /** active (new values are sealed under it; exactly one) | previous (still opens values) | retired (no value uses it) */
  status: text('status').notNull(),
  check: text('check'),
  createdAt: ts('created_at').notNull().defaultNow(),
  activatedAt: ts('activated_at'),
  retiredAt: ts('retired_at'),
});
