import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { ensureAdminToken } from './auth.ts';
import { prepareFirstRun, type DemoSignIn } from './auth/first-run.ts';
import { DEMO_SLUG, seedOrganization } from './demo.ts';
import { createServices, type Services } from './pipeline/context.ts';
import { RealtimeHub } from './realtime.ts';
import { applicationRoleWarning, detectTenantWall, migrateDatabase, openDatabase, type Database } from './store/db.ts';
import { getOrganizationBySlug } from './store/orgs.ts';
import { followKeyRotations, resealAll, sealingPending, syncDataKeys } from './store/key-rotation.ts';
import { settingsFromEnv } from './settings.ts';
import { startOutboxWorker, type OutboxWorker } from './outbox/worker.ts';
import { twilioSmsTransport } from './channels/twilio/sms.ts';
import { emailTransport, startSmtpInbound } from './channels/email/index.ts';
import { portalTransport } from './channels/portal/index.ts';
import { seedScheduling, startSchedulingJobs } from './scheduling/index.ts';
import { seedCare } from './care/index.ts';
import { startRoutingJobs } from './routing/index.ts';
import { startAuditAnchorJob, startAuditRetentionJob } from './audit/index.ts';
import { createUnderstanding } from '@carethread/assistant';
import { createAssistant } from './assistant/index.ts';
import type { OutboundTransport } from './outbox/transport.ts';

export { buildApp, API_PREFIX } from './app.ts';
export { createServices, type Services } from './pipeline/context.ts';
export { ingestEvent, type IngestResult } from './pipeline/ingest.ts';
export { askForFact, resolveCase, offerContinuation, replyOnCase, assignCase } from './pipeline/actions.ts';
export { registerPatient, mergeRecords, undoMerge } from './pipeline/records.ts';
export { BadInput } from './pipeline/errors.ts';
// agent workspace: verification (the assistant calls these too), the typed-question check, canned responses, the timeline
export { verifyIdentity, sendVerificationCode, type VerifyInput, type VerifyResult, type CodeSent } from './pipeline/verification.ts';
export { askCheckForCase, checkAsksIn, type AskCheck, type KnownValue } from './pipeline/ask-check.ts';
export { listCanned, createCanned, updateCanned, deleteCanned, renderCannedForCase, seedCannedResponses, STARTER_CANNED_RESPONSES } from './workspace/canned.ts';
export { patientTimeline, TIMELINE_KINDS, type Timeline, type TimelineItem, type TimelineQuery } from './read/timeline.ts';
export { caseContextCard, incomingContextCard, type ContextCard } from './read/context-card.ts';
export { frictionReport, caseFrictionSummaries } from './read/friction.ts';
// the virtual assistant: the after-ingest hook (attach as services.assistant), its metrics
export { createAssistant, escalateUrgent, handOff, openAlerts } from './assistant/index.ts';
export { assistantReport, assistantCaseSummaries } from './read/assistant-metrics.ts';
export { RealtimeHub } from './realtime.ts';
export { openDatabase, migrateDatabase, isDatabaseUnavailable, applicationRoleWarning, type Database, type Db } from './store/db.ts';
export { DatabaseInUse, type LockHolder } from './store/embedded-lock.ts';
export { rotateDataKey, resealAll, syncDataKeys, valuesPerKey, ENCRYPTED_COLUMNS, KeyMismatch, type RotationResult } from './store/key-rotation.ts';
export { blindIndex, decryptField, encryptField, isCiphertext, activeKeyId, useMasterSecret } from './store/field-crypto.ts';
export { identifierIndex } from './store/blind-indexes.ts';
export { dataKeys } from './store/schema-crypto.ts';
export { seedOrganization, DEMO_SLUG, DEMO_PHONE_NUMBER } from './demo.ts';
export { settingsFromEnv, type ChannelSettings } from './settings.ts';
export { organizationForEndpoint, endpointsOf, addEndpoint } from './store/endpoints.ts';
export { consentFor, setConsent } from './store/consent.ts';
export { getOrganizationBySlug } from './store/orgs.ts';
export { seedScheduling } from './scheduling/index.ts';
export {
  createRefillRequest,
  updateRefillStatus,
  updateTaskStatus,
  resultsStatus,
  requestClinicianCallback,
  explainStatement,
  requestPaymentPlan,
  createCallbackTask,
  getTask,
  listTasks,
  importBilling,
  importResults,
  seedCare,
  type CareTask,
} from './care/index.ts';
export { ensureAdminToken, hashToken, newToken } from './auth.ts';
export { appendAudit, recordAudit, verifyChain, purgeExpiredAudit, auditRetentionYears, toAuditEvent, auditedRouteList, auditLog, startAuditRetentionJob, startAuditAnchorJob, auditAnchors, parseAuditAnchors, type AuditAnchor, type AuditEntry, type AuditRow, type ChainReport } from './audit/index.ts';
export * as schema from './store/schema.ts';
export { startOutboxWorker, type OutboxWorker } from './outbox/worker.ts';
export { PermanentDeliveryError, type OutboundTransport, type OutboundItem } from './outbox/transport.ts';
export { twilioSmsTransport } from './channels/twilio/sms.ts';
export { emailTransport, startSmtpInbound } from './channels/email/index.ts';

export interface CarethreadConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  /** Where the embedded database and local secrets live. */
  dataDir: string;
  adminToken?: string;
  demoPatients: number;
  logger: boolean;
  /**
   * PostgreSQL only: the tables' owner, used for migrations alone, so the application's own
   * login (DATABASE_URL) can be a restricted one that cannot switch the audit triggers off.
   */
  migrationDatabaseUrl?: string;
  /** Minutes between audit anchors written by `start` (0: none). */
  auditAnchorMinutes: number;
  /** File the anchors are appended to as JSON lines, besides the log. */
  auditAnchorFile?: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): CarethreadConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (got "${env.PORT}")`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.CARETHREAD_DATA_DIR ?? join(process.cwd(), '.carethread'),
    adminToken: env.CARETHREAD_ADMIN_TOKEN || undefined,
    demoPatients: Number(env.CARETHREAD_DEMO_PATIENTS ?? 300),
    logger: env.CARETHREAD_LOG === '1',
    migrationDatabaseUrl: env.CARETHREAD_MIGRATION_DATABASE_URL || undefined,
    auditAnchorMinutes: anchorMinutes(env.CARETHREAD_AUDIT_ANCHOR_MINUTES),
    auditAnchorFile: env.CARETHREAD_AUDIT_ANCHOR_FILE || undefined,
  };
}

function anchorMinutes(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 60;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 7 * 24 * 60) throw new Error(`CARETHREAD_AUDIT_ANCHOR_MINUTES must be whole minutes from 0 (off) to 10080 (got "${raw}")`);
  return n;
}

/**
 * The deployment master secret: it signs continuation links and derives the keys of the
 * encrypted PHI columns. From the environment, else made once and kept owner-only.
 */
export function loadSecret(dataDir: string): string {
  if (process.env.CARETHREAD_SECRET) return process.env.CARETHREAD_SECRET;
  return secretFile(dataDir, 'secret');
}

/** A random secret made on first use and kept owner-only in the data directory. */
function secretFile(dataDir: string, name: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Where the install's own Twilio signing secret is kept (used while TWILIO_AUTH_TOKEN is unset). */
export const TWILIO_WEBHOOK_SECRET_FILE = 'twilio-webhook-secret';

/**
 * The token Twilio webhooks are signed with: TWILIO_AUTH_TOKEN, else — for the demo and
 * `carethread replay` — a random secret made once per install and kept next to the master secret.
 * Never a built-in string: anyone could sign forged texts and calls with that.
 */
export function loadTwilioWebhookSecret(dataDir: string): string {
  return process.env.TWILIO_AUTH_TOKEN || secretFile(dataDir, TWILIO_WEBHOOK_SECRET_FILE);
}

/**
 * Opens and migrates the configured database, installs the master secret, checks it against
 * the database's key versions (a wrong secret stops here) and seals any value still in
 * plaintext from before field encryption (with progress). Every command that reads or writes
 * patient data starts here.
 */
export async function openConfiguredDatabase(
  config: CarethreadConfig,
  log: (line: string) => void = () => {},
  command = 'another carethread command',
): Promise<{ database: Database; secret: string }> {
  if (config.migrationDatabaseUrl && !config.databaseUrl) throw new Error('CARETHREAD_MIGRATION_DATABASE_URL needs DATABASE_URL (the restricted login the application runs as)');
  if (config.migrationDatabaseUrl) {
    // Migrations as the owner, in a connection of their own; the application never holds it.
    const owner = await openDatabase({ databaseUrl: config.migrationDatabaseUrl, poolSize: 1 });
    try {
      await migrateDatabase(owner);
    } finally {
      await owner.close();
    }
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : join(config.dataDir, 'pgdata'), command });
  try {
    if (config.migrationDatabaseUrl) await detectTenantWall(database);
    else await migrateDatabase(database);
    if (database.kind === 'postgres' && !database.tenantWall) {
      log('row-level security does not wall API requests: the role carethread_app is missing or this login may not take it on (see docs/security.md)');
    }
    const secret = loadSecret(config.dataDir);
    // Only the first start after encryption was switched on seals what was stored before it.
    const pending = await sealingPending(database);
    await syncDataKeys(database, secret, { recordChecks: !pending });
    if (pending) {
      let last = '';
      const sweep = await resealAll(database, ({ table, done }) => {
        if (done % 5000 === 0 || table !== last) log(`encrypting stored ${table}: ${done} rows`);
        last = table;
      });
      const sealed = Object.values(sweep.resealed).reduce((a, b) => a + b, 0);
      if (sealed > 0) log(`sealed ${sealed} rows of PHI under the active data key`);
      await syncDataKeys(database, secret);
    }
    return { database, secret };
  } catch (err) {
    await database.close();
    throw err;
  }
}

export interface Running {
  app: FastifyInstance;
  database: Database;
  services: Services;
  url: string;
  organizationId: string;
  /** No longer created (first-run set-up replaces it): always null, kept for callers that print it. */
  adminToken: string | null;
  /** `<url>/setup#<one-time code>` while no administrator can sign in (valid 24 hours). */
  setupUrl: string | null;
  /** Demo organisation only: staff passwords generated on this start, to print once. */
  demoSignIns: DemoSignIn[];
  close(): Promise<void>;
}

/** Opens (and migrates) the database, seeds the demo organisation when empty, and serves. */
export async function startCarethread(config: CarethreadConfig, log: (line: string) => void = () => {}): Promise<Running> {
  const { database, secret } = await openConfiguredDatabase(config, log, 'carethread start');
  const roleWarning = await applicationRoleWarning(database);
  if (roleWarning) log(`warning: ${roleWarning}`);
  const services = createServices(database, secret, { settings: settingsFromEnv(process.env, config.port) });
  // `carethread keys rotate` in another process announces the new active key version.
  const stopFollowingKeys = await followKeyRotations(database, secret);
  // The virtual assistant answers on chat, SMS, voice and portal (per organisation:
  // settings.assistant.enabled; CARETHREAD_ASSISTANT=0 leaves every answer to people).
  if (process.env.CARETHREAD_ASSISTANT !== '0') services.assistant = createAssistant(await createUnderstanding());
  let org = await getOrganizationBySlug(database.db, DEMO_SLUG);
  if (!org) {
    log(`Seeding the demo organisation with ${config.demoPatients} synthetic patients…`);
    await database.db.transaction(async (tx) => {
      const { organizationId } = await seedOrganization(tx, { patients: config.demoPatients });
      // Two weeks of clinic hours, so booking works in the demo from the first minute.
      await seedScheduling(tx, organizationId, { days: 14 });
      // A few synthetic statements and results, so billing and results questions have answers.
      await seedCare(tx, organizationId);
    });
    org = (await getOrganizationBySlug(database.db, DEMO_SLUG))!;
  }
  // Scripts and CI may register a token they know (CARETHREAD_ADMIN_TOKEN); nobody else gets a
  // bootstrap token: the first administrator is created through a one-time set-up link.
  if (config.adminToken) await ensureAdminToken(database.db, org.id, config.adminToken);
  if (!services.settings.twilio.authToken) {
    // The demo organisation's number answers webhooks signed with this install's own secret.
    services.settings.twilio.authToken = loadTwilioWebhookSecret(config.dataDir);
    log(`Twilio is not configured (TWILIO_AUTH_TOKEN): webhooks are checked against this install's secret in ${join(config.dataDir, TWILIO_WEBHOOK_SECRET_FILE)}`);
  }
  const firstRun = await prepareFirstRun(services, org.id, org.slug === DEMO_SLUG);
  const hub = new RealtimeHub();
  await hub.start(database);
  const app = await buildApp({ services, hub, logger: config.logger });
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('127.0.0.1', 'localhost');
  database.noteServingUrl?.(url);
  // Without a configured public URL, webhooks are expected at the address we listen on.
  if (!process.env.CARETHREAD_PUBLIC_URL) services.settings.publicUrl = url;
  const smtp = services.settings.email.inboundPort !== undefined ? await startSmtpInbound(services) : null;
  if (smtp) log(`inbound mail (SMTP) on port ${smtp.port}`);
  const transports = outboundTransports(services);
  const outboxWorker = startOutboxWorker(services, transports);
  const schedulingJobs = startSchedulingJobs(services);
  // Expires unanswered offers and offers the next waiting case when an agent frees up.
  const routingJobs = startRoutingJobs(services);
  // Daily: drops audit rows older than the organisation's retention (default six years), keeping a checkpoint.
  const auditRetention = startAuditRetentionJob(services);
  // Now and on a schedule: each organisation's chain head, for shipping outside the database.
  const anchorFile = config.auditAnchorFile;
  const auditAnchoring =
    config.auditAnchorMinutes > 0
      ? await startAuditAnchorJob(services, config.auditAnchorMinutes * 60_000, (line) => {
          log(`audit anchor ${line}`);
          if (anchorFile) appendFileSync(anchorFile, `${line}\n`, { mode: 0o600 });
        })
      : null;
  return {
    app,
    database,
    services,
    url,
    organizationId: org.id,
    adminToken: null,
    setupUrl: firstRun.setupCode ? `${url}/setup#${firstRun.setupCode}` : null,
    demoSignIns: firstRun.demoSignIns,
    async close() {
      await routingJobs.stop();
      await auditRetention.stop();
      await auditAnchoring?.stop();
      await schedulingJobs.stop();
      await outboxWorker.stop();
      await smtp?.close();
      for (const t of transports) (t as { close?: () => void }).close?.();
      await app.close();
      await hub.close();
      await stopFollowingKeys();
      await database.close();
    },
  };
}

/**
 * Transports for the channels this deployment has credentials for. Without them, messages wait
 * in the outbox as pending (visible in GET /api/v1/outbox) instead of failing against a
 * provider that was never configured.
 */
function outboundTransports(services: Services): OutboundTransport[] {
  // Portal replies are already on the patient's page: that transport only marks them delivered.
  const transports: OutboundTransport[] = [portalTransport];
  if (process.env.TWILIO_ACCOUNT_SID && process.env.TWILIO_AUTH_TOKEN) transports.push(twilioSmsTransport(services));
  if (services.settings.email.relayUrl) transports.push(emailTransport(services));
  return transports;
}
