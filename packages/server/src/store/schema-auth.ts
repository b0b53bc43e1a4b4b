import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { apiTokens, organizations, staff } from './schema.ts';

// Staff sign-in (packages/server/src/auth): local credentials, sessions, scoped integration
// tokens, the first-run set-up code and single sign-on. Secrets are never stored in the clear:
// passwords as argon2id hashes, session tokens and set-up codes as sha256, TOTP and OIDC client
// secrets encrypted with AES-256-GCM under a key derived from the deployment secret.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
const orgId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id);

export const staffCredentials = pgTable(
  'staff_credentials',
  {
    staffId: uuid('staff_id')
      .primaryKey()
      .references(() => staff.id),
    organizationId: orgId(),
    /** Lower-cased sign-in email: unique inside the organisation. */
    loginEmail: text('login_email').notNull(),
    /** argon2id PHC string; null for accounts that only sign in through single sign-on. */
    passwordHash: text('password_hash'),
    passwordChangedAt: ts('password_changed_at'),
    /** Enrolled TOTP secret, AES-256-GCM sealed (see auth/secret-box.ts). */
    totpSecret: text('totp_secret'),
    /** A secret handed out by enrolment, waiting for the first code to confirm it. */
    totpPending: text('totp_pending'),
    /** Last 30-second step a code was accepted for: codes are single-use per step. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    mfaEnrolledAt: ts('mfa_enrolled_at'),
    /** Forces MFA for this account even when its role does not require it. */
    mfaRequired: boolean('mfa_required').notNull().default(false),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedUntil: ts('locked_until'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('staff_credentials_org_email').on(t.organizationId, t.loginEmail)],
);

export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id),
    /** sha256 of the cookie value; the value itself lives only in the browser. */
    tokenHash: text('token_hash').notNull().unique(),
    /** password, oidc or setup. */
    method: text('method').notNull(),
    /** True while an account that must use MFA has not enrolled: only enrolment is allowed. */
    mfaPending: boolean('mfa_pending').notNull().default(false),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    /** Absolute end of the session, whatever the activity. */
    expiresAt: ts('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('staff_sessions_staff').on(t.organizationId, t.staffId)],
);

/** Scopes and expiry of an integration token (api_tokens holds the hash and role). */
export const apiTokenGrants = pgTable(
  'api_token_grants',
  {
    tokenId: uuid('token_id')
      .primaryKey()
      .references(() => apiTokens.id),
    organizationId: orgId(),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    expiresAt: ts('expires_at'),
    createdBy: uuid('created_by').references(() => staff.id),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('api_token_grants_org').on(t.organizationId)],
);

/** One-time first-run set-up codes (the link printed by `carethread start`). */
export const setupCodes = pgTable(
  'setup_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    codeHash: text('code_hash').notNull().unique(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('setup_codes_org').on(t.organizationId)],
);

export const oidcConfigs = pgTable('oidc_configs', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  /** Sealed with AES-256-GCM like TOTP secrets. */
  clientSecret: text('client_secret').notNull(),
  /** Only verified emails of this domain may sign in (lower case, no @). */
  allowedDomain: text('allowed_domain'),
  /** The claim that names a role (e.g. "groups"), and how its values map to carethread roles. */
  roleClaim: text('role_claim'),
  roleMap: jsonb('role_map').$type<Record<string, string>>().notNull().default({}),
  /** Create an agent on first sign-in when no staff member has the email. */
  jitProvisioning: boolean('jit_provisioning').notNull().default(false),
  updatedAt: ts('updated_at').notNull(),
});

/** An authorization-code flow in flight: PKCE verifier, state and nonce, for ten minutes. */
export const oidcFlows = pgTable(
  'oidc_flows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgId(),
    stateHash: text('state_hash').notNull().unique(),
    codeVerifier: text('code_verifier').notNull(),
    nonce: text('nonce').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('oidc_flows_org').on(t.organizationId)],
);
