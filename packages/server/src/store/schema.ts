import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { encryptedJson, encryptedText } from './field-crypto.ts';

// Every table but organizations carries organization_id, and every query filters on it:
// tenants never share a row. Timestamps are timestamptz; times come from the event that
// caused the change (so replays with simulated time stay truthful), not from now().
//
// PHI columns are declared with encryptedText/encryptedJson (field-crypto.ts): the database holds
// AES-256-GCM ciphertext. They cannot be compared in SQL; exact lookups go through the blind
// index columns beside them (`*_index`), and columns that are only ever looked up (consent and
// portal-code addresses, continuation targets) hold the blind index alone.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
const orgId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id);

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  /** Region used to read national phone numbers. */
  defaultRegion: text('default_region').notNull().default('US'),
  timeZone: text('time_zone').notNull().default('America/New_York'),
  /** Threading windows and similar policy knobs; see core ThreadingPolicy. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const departments = pgTable(
  'departments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** Request types this department takes by default. */
    requestTypes: text('request_types').array().notNull().default(sql`'{}'::text[]`),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('departments_org_slug').on(t.organizationId, t.slug)],
);

export const staff = pgTable(
  'staff',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    name: text('name').notNull(),
    email: text('email'),
    role: text('role').notNull().default('agent'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('staff_org').on(t.organizationId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    name: text('name').notNull(),
    /** sha256 of the token; the token itself is shown once. */
    tokenHash: text('token_hash').notNull().unique(),
    role: text('role').notNull(),
    /** The staff member the token signs in as; null for organisation-level integration tokens. */
    staffId: uuid('staff_id').references(() => staff.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('api_tokens_org').on(t.organizationId)],
);

export const patients = pgTable(
  'patients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    givenName: encryptedText('given_name', 'patients.given_name'),
    familyName: encryptedText('family_name', 'patients.family_name'),
    birthDate: encryptedText('birth_date', 'patients.birth_date'),
    sex: text('sex'),
    addressLine: encryptedText('address_line', 'patients.address_line'),
    city: encryptedText('city', 'patients.city'),
    postcode: encryptedText('postcode', 'patients.postcode'),
    /** Blind index of the ISO date of birth. */
    birthDateIndex: text('birth_date_index'),
    /** Blind indexes of every 2+ letter prefix of every folded name word (front-desk search). */
    nameIndex: text('name_index').array(),
    language: text('language'),
    preferredChannel: text('preferred_channel'),
    /** active, or merged into merged_into_id (kept so an unmerge can restore it). */
    status: text('status').notNull().default('active'),
    mergedIntoId: uuid('merged_into_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('patients_org_status').on(t.organizationId, t.status),
    index('patients_org_dob_index').on(t.organizationId, t.birthDateIndex),
    index('patients_name_index').using('gin', t.nameIndex),
  ],
);

/** Blocking keys of the probabilistic matcher, so candidates are found by index, not by scan. */
export const patientBlocks = pgTable(
  'patient_blocks',
  {
    organizationId: orgId(),
    key: text('key').notNull(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.key, t.patientId] }), index('patient_blocks_patient').on(t.patientId)],
);

export const identities = pgTable(
  'identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    kind: text('kind').notNull(),
    /** Normalised: E.164, lower-case email, upper-case MRN (encrypted). */
    value: encryptedText('value', 'identities.value').notNull(),
    /** Blind index of kind + normalised value: exact lookup. */
    valueIndex: text('value_index'),
    verified: boolean('verified').notNull().default(false),
    /** 0..1 confidence of the link between this identifier and the patient. */
    confidence: real('confidence').notNull().default(1),
    /**
     * The most this address alone says about who is writing: `matched` (registered by the
     * organisation, or the record was made from it), or `claimed` when the link rests only on
     * a name and date of birth said from a new address, which anyone could know.
     */
    assurance: text('assurance').notNull().default('matched'),
    source: text('source').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    // One phone may belong to several patients (a family line); one row per pair.
    uniqueIndex('identities_org_kind_value_index_patient').on(t.organizationId, t.kind, t.valueIndex, t.patientId),
    index('identities_patient').on(t.patientId),
  ],
);

/** Merge history: what moved where, so any merge can be undone without losing an identifier. */
export const patientMerges = pgTable(
  'patient_merges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    survivorId: uuid('survivor_id').notNull(),
    mergedId: uuid('merged_id').notNull(),
    /** Identity rows moved from the merged patient to the survivor. */
    movedIdentityIds: jsonb('moved_identity_ids').$type<string[]>().notNull(),
    movedCaseIds: jsonb('moved_case_ids').$type<string[]>().notNull(),
    movedInteractionIds: jsonb('moved_interaction_ids').$type<string[]>().notNull(),
    movedFactIds: jsonb('moved_fact_ids').$type<string[]>().notNull(),
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
    createdAt: ts('created_at').notNull(),
    undoneAt: ts('undone_at'),
  },
  (t) => [index('patient_merges_org').on(t.organizationId, t.createdAt)],
);

/** Possible matches between the auto-link and new-patient thresholds wait here for a person. */
export const matchReviews = pgTable(
  'match_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    patientId: uuid('patient_id').notNull(),
    candidateId: uuid('candidate_id').notNull(),
    score: real('score').notNull(),
    detail: jsonb('detail').notNull(),
    status: text('status').notNull().default('open'),
    createdAt: ts('created_at').notNull(),
    decidedAt: ts('decided_at'),
  },
  (t) => [
    index('match_reviews_org_status').on(t.organizationId, t.status),
    uniqueIndex('match_reviews_pair').on(t.organizationId, t.patientId, t.candidateId),
  ],
);

export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    patientId: uuid('patient_id').references(() => patients.id),
    requestType: text('request_type').notNull(),
    /** open | resolved | merged */
    status: text('status').notNull().default('open'),
    departmentId: uuid('department_id').references(() => departments.id),
    ownerId: uuid('owner_id').references(() => staff.id),
    /** Queue state for routing: queued | assigned | none */
    queueState: text('queue_state').notNull().default('none'),
    /** Explicit reference a reply can carry (reply+<token>@…). */
    replyToken: text('reply_token').notNull(),
    lastChannel: text('last_channel'),
    openedAt: ts('opened_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    resolvedAt: ts('resolved_at'),
    resolution: text('resolution'),
    /** Set when this case turned out to be another case's request and was folded into it. */
    mergedIntoId: uuid('merged_into_id'),
  },
  (t) => [
    uniqueIndex('cases_reply_token').on(t.organizationId, t.replyToken),
    index('cases_patient_status').on(t.organizationId, t.patientId, t.status),
    index('cases_org_opened').on(t.organizationId, t.openedAt),
    index('cases_org_department_queue').on(t.organizationId, t.departmentId, t.queueState),
  ],
);

export const interactions = pgTable(
  'interactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    caseId: uuid('case_id').references(() => cases.id),
    patientId: uuid('patient_id').references(() => patients.id),
    channel: text('channel').notNull(),
    /** Normalised contact address (phone, email, visitor id) the interaction came from. */
    contactKind: text('contact_kind'),
    contactValue: encryptedText('contact_value', 'interactions.contact_value'),
    /** Blind index of contact kind + value. */
    contactIndex: text('contact_index'),
    /** Provider handle grouping events: CallSid, chat session id. */
    conversationRef: text('conversation_ref'),
    status: text('status').notNull().default('open'),
    assurance: text('assurance').notNull().default('anonymous'),
    /** How it joined its case: continuation, reply_token, open_case, recontact, new_case, manual. */
    joinedBy: text('joined_by'),
    language: text('language'),
    /** The fact the last ask on this interaction named: a bare answer ("Lopez") fills it. */
    awaitingFact: text('awaiting_fact'),
    /** The staff member handling this interaction now (the agent on the call or chat). */
    agentId: uuid('agent_id'),
    startedAt: ts('started_at').notNull(),
    lastActivityAt: ts('last_activity_at').notNull(),
    endedAt: ts('ended_at'),
  },
  (t) => [
    index('interactions_case').on(t.caseId),
    index('interactions_patient').on(t.organizationId, t.patientId),
    index('interactions_contact_index').on(t.organizationId, t.channel, t.contactIndex, t.status),
    index('interactions_ref').on(t.organizationId, t.channel, t.conversationRef),
    index('interactions_org_started').on(t.organizationId, t.startedAt),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    interactionId: uuid('interaction_id')
      .notNull()
      .references(() => interactions.id),
    caseId: uuid('case_id').references(() => cases.id),
    channel: text('channel').notNull(),
    direction: text('direction').notNull(),
    actor: text('actor').notNull(),
    staffId: uuid('staff_id'),
    body: encryptedText('body', 'messages.body'),
    subject: encryptedText('subject', 'messages.subject'),
    /** Provider message id (Message-ID for email), for threading replies. */
    providerRef: text('provider_ref'),
    mediaUrls: jsonb('media_urls').$type<string[]>(),
    occurredAt: ts('occurred_at').notNull(),
    /** When the other side saw it (chat read receipts). */
    readAt: ts('read_at'),
  },
  (t) => [
    index('messages_interaction').on(t.interactionId, t.occurredAt),
    index('messages_case').on(t.caseId, t.occurredAt),
    index('messages_provider_ref').on(t.organizationId, t.providerRef),
  ],
);

export const facts = pgTable(
  'facts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    patientId: uuid('patient_id').references(() => patients.id),
    caseId: uuid('case_id').references(() => cases.id),
    /** case: about this request; patient: about the person, reused across cases. */
    scope: text('scope').notNull(),
    name: text('name').notNull(),
    value: encryptedText('value', 'facts.value').notNull(),
    sourceInteractionId: uuid('source_interaction_id'),
    /** extractor, agent, record, assistant */
    source: text('source').notNull(),
    verified: boolean('verified').notNull().default(false),
    confidence: real('confidence').notNull().default(1),
    observedAt: ts('observed_at').notNull(),
  },
  (t) => [
    index('facts_case').on(t.caseId),
    index('facts_patient').on(t.organizationId, t.patientId),
    index('facts_source_interaction').on(t.organizationId, t.sourceInteractionId),
  ],
);

export const continuations = pgTable(
  'continuations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    patientId: uuid('patient_id'),
    /**
     * Keyed hash of the code (continuationCodeIndex): a database reader can neither use a code
     * nor try all million offline without the server secret.
     */
    codeHash: text('code_hash').notNull(),
    /** The channel the patient said they would continue on. */
    targetChannel: text('target_channel').notNull(),
    /** For SMS/email continuations: blind index of the address the invitation went to, so a reply from it redeems. */
    targetAddress: text('target_address'),
    fromInteractionId: uuid('from_interaction_id').notNull(),
    assurance: text('assurance').notNull(),
    issuedAt: ts('issued_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    usedByInteractionId: uuid('used_by_interaction_id'),
  },
  (t) => [
    index('continuations_code').on(t.organizationId, t.codeHash),
    index('continuations_target').on(t.organizationId, t.targetAddress),
  ],
);

/** Failed continuation code entries, per contact address: guessing is rate-limited. */
export const continuationFailures = pgTable(
  'continuation_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: orgId(),
    /** Blind index of the contact that entered the wrong code. */
    source: text('source').notNull(),
    occurredAt: ts('occurred_at').notNull(),
  },
  (t) => [index('continuation_failures_source').on(t.organizationId, t.source, t.occurredAt)],
);

/** Provider ids already processed: a duplicate delivery is acknowledged and changes nothing. */
export const inboundReceipts = pgTable(
  'inbound_receipts',
  {
    organizationId: orgId(),
    channel: text('channel').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    result: jsonb('result').notNull(),
    receivedAt: ts('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.channel, t.idempotencyKey] })],
);

/** Append-only log of everything that happened; analytics read this, never the hot tables. */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: orgId(),
    kind: text('kind').notNull(),
    caseId: uuid('case_id'),
    patientId: uuid('patient_id'),
    interactionId: uuid('interaction_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: ts('occurred_at').notNull(),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    index('events_org_kind_time').on(t.organizationId, t.kind, t.occurredAt),
    index('events_case').on(t.caseId),
  ],
);

/** Everything sent out, written in the transaction that caused it and delivered by a worker. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: orgId(),
    interactionId: uuid('interaction_id'),
    caseId: uuid('case_id'),
    channel: text('channel').notNull(),
    toAddress: encryptedText('to_address', 'outbox.to_address').notNull(),
    payload: encryptedJson<Record<string, unknown>>('payload', 'outbox.payload').notNull(),
    /** pending | sending | sent | failed | dead */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    providerRef: text('provider_ref'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('outbox_idempotency').on(t.organizationId, t.idempotencyKey),
    index('outbox_due').on(t.status, t.nextAttemptAt),
    index('outbox_provider_ref').on(t.organizationId, t.providerRef),
  ],
);

/**
 * Where an organisation is reached: its Twilio numbers (E.164), its inbound mail domains, its
 * web-chat widget keys. Inbound provider traffic finds its tenant here.
 */
export const channelEndpoints = pgTable(
  'channel_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    /** sms | voice | email | webchat */
    channel: text('channel').notNull(),
    address: text('address').notNull(),
    label: text('label'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('channel_endpoints_channel_address').on(t.channel, t.address), index('channel_endpoints_org').on(t.organizationId)],
);

/** Per-channel, per-address messaging consent; the outbox checks it at send time. */
export const consents = pgTable(
  'consents',
  {
    organizationId: orgId(),
    channel: text('channel').notNull(),
    /** Blind index of the address (field-crypto.ts): consent is looked up, never listed. */
    address: text('address').notNull(),
    /** opted_in | opted_out */
    status: text('status').notNull(),
    source: text('source').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.channel, t.address] })],
);

/** A web-chat visitor's session: the resume token lets a reload or a dropped network carry on. */
export const chatSessions = pgTable(
  'chat_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    visitorId: text('visitor_id').notNull(),
    /** sha256 of the resume token; the token itself lives only in the visitor's browser. */
    resumeTokenHash: text('resume_token_hash').notNull().unique(),
    interactionId: uuid('interaction_id'),
    language: text('language'),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    closedAt: ts('closed_at'),
  },
  (t) => [index('chat_sessions_org_visitor').on(t.organizationId, t.visitorId)],
);

/** One-time sign-in codes for the patient portal, sent by SMS or email. */
export const portalCodes = pgTable(
  'portal_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    channel: text('channel').notNull(),
    /** Blind index of the address the code went to (rate limits and lookup only). */
    address: text('address').notNull(),
    /** Keyed hash of the code (portalCodeIndex), never the code or a plain digest of it. */
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('portal_codes_org_address').on(t.organizationId, t.address, t.createdAt)],
);

export const portalSessions = pgTable(
  'portal_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    endedAt: ts('ended_at'),
  },
  (t) => [index('portal_sessions_patient').on(t.organizationId, t.patientId)],
);
