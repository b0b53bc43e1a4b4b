import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ChannelCapacity } from '@carethread/core';
import { cases, departments, organizations, staff } from './schema.ts';
import { encryptedText } from './field-crypto.ts';

// Routing: who is offered a waiting case (see docs/routing.md). Same conventions as schema.ts:
// organization_id on every row, timestamptz in string mode, times from the causing event.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
const orgId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id);

/** What routing knows about a staff member: skills, capacity per channel, presence. */
export const agentProfiles = pgTable(
  'agent_profiles',
  {
    staffId: uuid('staff_id')
      .primaryKey()
      .references(() => staff.id),
    organizationId: orgId(),
    /** ISO 639-1 codes the agent serves patients in. */
    languages: text('languages').array().notNull().default(sql`'{en}'::text[]`),
    /** Request types the agent takes; empty: every type. */
    requestTypes: text('request_types').array().notNull().default(sql`'{}'::text[]`),
    /** Free skill tags a queue can require ("pediatrics", "spanish-billing"). */
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    /** Department queues the agent serves; empty: every department. */
    departmentIds: uuid('department_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** Contacts held at once per channel; a full map (defaults filled in when the row is made). */
    capacity: jsonb('capacity').$type<ChannelCapacity>().notNull(),
    /** available | busy | away | offline */
    presence: text('presence').notNull().default('offline'),
    presenceSince: ts('presence_since').notNull(),
    /** Round robin among equally loaded agents turns on this. */
    lastOfferedAt: ts('last_offered_at'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('agent_profiles_org_presence').on(t.organizationId, t.presence)],
);

/** A department queue's settings; a department without a row uses the defaults (core DEFAULT_ROUTING_RULE). */
export const routingRules = pgTable(
  'routing_rules',
  {
    departmentId: uuid('department_id')
      .primaryKey()
      .references(() => departments.id),
    organizationId: orgId(),
    requiredSkills: text('required_skills').array().notNull().default(sql`'{}'::text[]`),
    matchLanguage: boolean('match_language').notNull().default(true),
    matchRequestType: boolean('match_request_type').notNull().default(true),
    sameAgentOfferSeconds: integer('same_agent_offer_seconds').notNull().default(30),
    offerSeconds: integer('offer_seconds').notNull().default(30),
    waitTargetSeconds: integer('wait_target_seconds').notNull().default(120),
    reofferAfterSeconds: integer('reoffer_after_seconds').notNull().default(120),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('routing_rules_org').on(t.organizationId)],
);

/**
 * Routing state of a case. `waiting_since` is set while the case waits for a person (the queue
 * is the rows where it is set: a small partial index, so the timer's sweep never scans cases).
 */
export const caseRouting = pgTable(
  'case_routing',
  {
    caseId: uuid('case_id')
      .primaryKey()
      .references(() => cases.id),
    organizationId: orgId(),
    departmentId: uuid('department_id').references(() => departments.id),
    /** Set by a transfer to a department: a later message does not move the case back by request type. */
    departmentPinned: boolean('department_pinned').notNull().default(false),
    waitingSince: ts('waiting_since'),
    /** The contact routing is about: the waiting one, or the one the owner handles. */
    interactionId: uuid('interaction_id'),
    channel: text('channel'),
    language: text('language'),
    /** Offered first: the agent who last handled the case, or the target of a transfer. */
    preferredAgentId: uuid('preferred_agent_id'),
    /** same_agent | transfer */
    preferredReason: text('preferred_reason'),
    lastAgentId: uuid('last_agent_id'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('case_routing_waiting').on(t.organizationId, t.waitingSince).where(sql`waiting_since is not null`)],
);

/** One offer of one case to one agent. At most one is open per case. */
export const routingOffers = pgTable(
  'routing_offers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id),
    interactionId: uuid('interaction_id'),
    channel: text('channel').notNull(),
    /** same_agent | transfer | queue */
    reason: text('reason').notNull(),
    /** offered | accepted | declined | timed_out | cancelled */
    status: text('status').notNull().default('offered'),
    offeredAt: ts('offered_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    decidedAt: ts('decided_at'),
    /** Why it was declined or cancelled (a short code, never patient text). */
    outcomeReason: text('outcome_reason'),
  },
  (t) => [
    uniqueIndex('routing_offers_one_open_per_case').on(t.caseId).where(sql`status = 'offered'`),
    index('routing_offers_agent').on(t.organizationId, t.staffId, t.status),
    index('routing_offers_due').on(t.expiresAt).where(sql`status = 'offered'`),
    index('routing_offers_case').on(t.caseId, t.offeredAt),
  ],
);

/**
 * Who holds which case on which channel. Load is counted from the open rows whose case is still
 * open and owned by that agent and whose contact is still open: resolving, a chat or call
 * ending and a transfer free the seat even when they happen outside routing.
 */
export const routingAssignments = pgTable(
  'routing_assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id),
    interactionId: uuid('interaction_id'),
    channel: text('channel').notNull(),
    /** offer | manual | voice | owner */
    via: text('via').notNull(),
    assignedAt: ts('assigned_at').notNull(),
    releasedAt: ts('released_at'),
    releaseReason: text('release_reason'),
  },
  (t) => [
    uniqueIndex('routing_assignments_one_open_per_case').on(t.caseId).where(sql`released_at is null`),
    index('routing_assignments_agent_open').on(t.organizationId, t.staffId).where(sql`released_at is null`),
  ],
);

/** Internal notes on a case (never shown to the patient), including transfer handovers. */
export const caseNotes = pgTable(
  'case_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    /** The author, when known. */
    staffId: uuid('staff_id').references(() => staff.id),
    /** note | handover */
    kind: text('kind').notNull(),
    body: encryptedText('body', 'case_notes.body').notNull(),
    toStaffId: uuid('to_staff_id'),
    toDepartmentId: uuid('to_department_id'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('case_notes_case').on(t.organizationId, t.caseId, t.createdAt)],
);
