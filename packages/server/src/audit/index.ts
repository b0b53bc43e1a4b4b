import type { FastifyInstance } from 'fastify';
import type { Services } from '../pipeline/context.ts';
import { registerAuditRoutes } from '../routes/audit.ts';
import { registerAuditHook, type RouteRecord } from './hook.ts';

export { appendAudit, recordAudit, verifyChain, purgeExpiredAudit, auditRetentionYears, canonicalRow, hashRow, GENESIS_HASH, DEFAULT_AUDIT_RETENTION_YEARS } from './log.ts';
export type { AuditEntry, AuditAction, AuditRow, ChainReport, ChainBreak, PurgeResult } from './log.ts';
export { toAuditEvent, auditBundle } from './fhir.ts';
export { searchAudit, type AuditQuery, type AuditPage } from './search.ts';
export { AUDITED_ROUTES, routeAudit, type RouteAudit } from './routes.ts';
export { auditChannelWrite } from './channels.ts';
export { startAuditRetentionJob, startAuditAnchorJob, auditAnchors, parseAuditAnchors, type AuditRetentionJob, type AuditAnchor, type AuditAnchorJob } from './jobs.ts';
export type { RouteRecord } from './hook.ts';
export { auditLog } from '../store/schema-audit.ts';

const seen = new WeakMap<FastifyInstance, RouteRecord[]>();

/**
 * The audit hook and the audit API. Register before any other route: the hook must see every
 * route registered after it (and lists them, for the test that walks them all).
 */
export async function registerAudit(app: FastifyInstance, services: Services): Promise<void> {
  seen.set(app, registerAuditHook(app, services));
  await registerAuditRoutes(app, services);
}

/** The routes registered after the audit hook on this app (method, pattern, websocket). */
export function auditedRouteList(app: FastifyInstance): RouteRecord[] {
  return seen.get(app) ?? [];
}
