import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './schema.ts';

// De-identification (docs/deidentification.md). Same conventions as schema.ts.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

/**
 * The key of each organisation's export pseudonyms, made on the first export when the
 * deployment supplies none (CARETHREAD_DEID_KEY). Analysts never see it: with it, anyone
 * holding a record id could find that record's pseudonym in an export.
 */
export const deidKeys = pgTable('deid_keys', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  key: text('key').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});
