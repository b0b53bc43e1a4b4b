import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { SlotPreferences } from '@carethread/core';
import { cases, departments, organizations, patients } from './schema.ts';
import { encryptedText } from './field-crypto.ts';

// Scheduling, FHIR-shaped: a Schedule is one provider's availability at one location for one
// kind of visit; it is cut into Slots; an Appointment takes a Slot. Same conventions as
// schema.ts: uuid ids, organization_id on every row, timestamptz in string mode.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
const orgId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id);

/** A practitioner who sees patients (FHIR Practitioner + PractitionerRole). */
export const providers = pgTable(
  'providers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    /** The organisation's own key for this provider, so a re-import updates instead of duplicating. */
    externalId: text('external_id'),
    /** As patients should read it: "Dr. Ana Whitfield". */
    name: text('name').notNull(),
    departmentId: uuid('department_id').references(() => departments.id),
    /** ISO 639-1 codes of the languages the provider sees patients in. */
    languages: text('languages').array().notNull().default(sql`'{en}'::text[]`),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('providers_org_department').on(t.organizationId, t.departmentId),
    uniqueIndex('providers_org_external').on(t.organizationId, t.externalId).where(sql`external_id is not null`),
  ],
);

/** Where visits happen (FHIR Location). Its time zone is the wall clock of its slots. */
export const locations = pgTable(
  'locations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    externalId: text('external_id'),
    name: text('name').notNull(),
    addressLine: text('address_line'),
    city: text('city'),
    postcode: text('postcode'),
    /** IANA zone; null means the organisation's. */
    timeZone: text('time_zone'),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('locations_org').on(t.organizationId),
    uniqueIndex('locations_org_external').on(t.organizationId, t.externalId).where(sql`external_id is not null`),
  ],
);

/** One provider at one location for one kind of visit (FHIR Schedule). */
export const schedules = pgTable(
  'schedules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id),
    /** The kind of visit (FHIR serviceType), e.g. "cardiology-consult"; null: any visit of the provider. */
    serviceType: text('service_type'),
    /** The carethread request type these visits answer (scheduling unless a callback or consult schedule). */
    requestType: text('request_type').notNull().default('scheduling'),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('schedules_org_provider').on(t.organizationId, t.providerId), index('schedules_org_location').on(t.organizationId, t.locationId)],
);

/** A bookable interval of a schedule (FHIR Slot). */
export const slots = pgTable(
  'slots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    scheduleId: uuid('schedule_id')
      .notNull()
      .references(() => schedules.id),
    start: ts('start').notNull(),
    end: ts('end').notNull(),
    /** free | busy | busy-tentative (held for a waitlist offer) | busy-unavailable | entered-in-error */
    status: text('status').notNull().default('free'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('slots_schedule_start').on(t.scheduleId, t.start),
    index('slots_org_status_start').on(t.organizationId, t.status, t.start),
    check('slots_end_after_start', sql`${t.end} > ${t.start}`),
    check('slots_status_valid', sql`${t.status} in ('free', 'busy', 'busy-tentative', 'busy-unavailable', 'entered-in-error')`),
  ],
);

/** A patient's visit in a slot (FHIR Appointment). */
export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    slotId: uuid('slot_id')
      .notNull()
      .references(() => slots.id),
    // Copied from the slot and its schedule when booked or moved: listings, reminders and the
    // overlap check read one row instead of three joins.
    scheduleId: uuid('schedule_id').notNull(),
    providerId: uuid('provider_id').notNull(),
    locationId: uuid('location_id').notNull(),
    start: ts('start').notNull(),
    end: ts('end').notNull(),
    /** proposed (a waitlist offer on hold) | pending | booked | arrived | fulfilled | cancelled | noshow */
    status: text('status').notNull(),
    serviceType: text('service_type'),
    /** Why the patient comes, in their words or the staff's; PHI, encrypted. */
    reason: encryptedText('reason', 'appointments.reason'),
    /** The request (case) this appointment answers: replies to its reminders belong there. */
    caseId: uuid('case_id').references(() => cases.id),
    waitlistEntryId: uuid('waitlist_entry_id'),
    /** staff | assistant | waitlist | integration */
    source: text('source').notNull(),
    /** Who booked: token:<id>, assistant, patient. */
    bookedBy: text('booked_by'),
    /** For a waitlist offer: the slot is held for this patient until then. */
    holdExpiresAt: ts('hold_expires_at'),
    /** The patient confirmed they will come (a reminder reply, a call). */
    confirmedAt: ts('confirmed_at'),
    cancelledAt: ts('cancelled_at'),
    cancelReason: text('cancel_reason'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    // The guarantee against double booking: whatever the code does, the database accepts one
    // appointment holding a slot. Every status but cancelled holds it.
    uniqueIndex('appointments_slot_holding').on(t.slotId).where(sql`status <> 'cancelled'`),
    index('appointments_org_patient_start').on(t.organizationId, t.patientId, t.start),
    index('appointments_org_status_hold').on(t.organizationId, t.status, t.holdExpiresAt),
    index('appointments_case').on(t.caseId),
    check('appointments_status_valid', sql`${t.status} in ('proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow')`),
  ],
);

/** A patient waiting for an earlier or better slot than any free one. */
export const waitlistEntries = pgTable(
  'waitlist_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    caseId: uuid('case_id').references(() => cases.id),
    departmentId: uuid('department_id').references(() => departments.id),
    providerId: uuid('provider_id').references(() => providers.id),
    locationId: uuid('location_id').references(() => locations.id),
    serviceType: text('service_type'),
    preferences: jsonb('preferences').$type<SlotPreferences>().notNull().default({}),
    /** The zone the preferences are read in (the patient's). */
    timeZone: text('time_zone').notNull(),
    /** waiting | offered | booked | removed | expired */
    status: text('status').notNull().default('waiting'),
    /** The proposed appointment currently held for this entry. */
    offerAppointmentId: uuid('offer_appointment_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    closedAt: ts('closed_at'),
  },
  (t) => [
    index('waitlist_org_status_created').on(t.organizationId, t.status, t.createdAt),
    index('waitlist_org_patient').on(t.organizationId, t.patientId),
    check('waitlist_status_valid', sql`${t.status} in ('waiting', 'offered', 'booked', 'removed', 'expired')`),
  ],
);

/** Reminders planned for an appointment, queued to the outbox by the reminder job when due. */
export const appointmentReminders = pgTable(
  'appointment_reminders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id),
    /** "2d", "2h": the offset it was planned for. */
    kind: text('kind').notNull(),
    offsetMinutes: integer('offset_minutes').notNull(),
    dueAt: ts('due_at').notNull(),
    /** none | later | earlier: how quiet hours moved it. */
    adjusted: text('adjusted').notNull().default('none'),
    /** pending | queued | cancelled | skipped */
    status: text('status').notNull().default('pending'),
    /** The channel it went out on (chosen when queued). */
    channel: text('channel'),
    outboxId: bigint('outbox_id', { mode: 'number' }),
    skipReason: text('skip_reason'),
    createdAt: ts('created_at').notNull(),
    queuedAt: ts('queued_at'),
  },
  (t) => [
    index('appointment_reminders_due').on(t.status, t.dueAt),
    index('appointment_reminders_appointment').on(t.appointmentId),
    check('appointment_reminders_status_valid', sql`${t.status} in ('pending', 'queued', 'cancelled', 'skipped')`),
  ],
);
