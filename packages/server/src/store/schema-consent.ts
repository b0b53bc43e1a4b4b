import { boolean, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations, patients } from './schema.ts';

// Patient-level contact preferences (docs/consent.md). Same conventions as schema.ts:
// organization_id on every row, timestamptz in string mode, times from the causing action.
// No phone number or email lives here: the per-address STOP/START record stays in `consents`.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

/** One row per patient who has stated a preference; no row means the defaults. */
export const contactPreferences = pgTable(
  'contact_preferences',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    /** opted_in | opted_out | null (never said: transactional messages may go). */
    sms: text('sms'),
    email: text('email'),
    voice: text('voice'),
    portal: text('portal'),
    /** false: no surveys or other optional outreach on any channel. */
    surveys: boolean('surveys').notNull().default(true),
    /** en | es; null: what the record or the conversation says. */
    language: text('language'),
    /** IANA zone; null: the organisation's. */
    timeZone: text('time_zone'),
    /** Local HH:MM; both set or both null. */
    quietStart: text('quiet_start'),
    quietEnd: text('quiet_end'),
    /** Who made the last change: staff | token | patient | system, and their id (staff, token or patient id; null for system). */
    updatedByType: text('updated_by_type').notNull(),
    updatedById: text('updated_by_id'),
    /** Where the change came from: api, portal, sms_keyword. */
    updatedVia: text('updated_via').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.patientId] })],
);
