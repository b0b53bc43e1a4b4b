import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { and, eq } from 'drizzle-orm';
import type { Services } from '../pipeline/context.ts';
import { RETRY_AFTER_SECONDS, type Executor } from '../store/db.ts';
import { cases, interactions } from '../store/schema.ts';
import { recordAudit, type AuditAction, type AuditEntry } from './log.ts';
import { routeAudit } from './routes.ts';
import { API_PREFIX, isApiRequest } from '../api-route.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * What a handler knows better than the route table: a break-glass access sets
     * `{ action: 'break_glass', reason }`, a handler that resolved the patient sets `patientId`.
     */
    audit?: { action?: AuditAction; reason?: string; patientId?: string; resourceType?: string; resourceId?: string };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A resource id worth keeping: opaque ids only, never something shaped like a phone number or an email. */
const OPAQUE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Responses above this are not parsed for patient ids (exports): the cost would fall on every request. */
const MAX_PARSED_RESPONSE = 4 * 1024 * 1024;
/** More patients than this in one response are counted, and the first this many named. */
const MAX_NAMED_PATIENTS = 1000;

const asUuid = (v: unknown): string | null => (typeof v === 'string' && UUID.test(v) ? v : null);

/** Every route registered after the audit hook, so tests can walk them all. */
export interface RouteRecord {
  method: string;
  url: string;
  websocket: boolean;
}

/**
 * Records every request under /api/v1 in the audit log before its response leaves: a request
 * whose audit row cannot be written is answered 503 instead, so no PHI goes out unrecorded.
 * Only the route pattern, parameter names and ids are kept; never bodies, query values or raw URLs,
 * which can hold identifiers.
 */
export function registerAuditHook(app: FastifyInstance, services: Services): RouteRecord[] {
  const routes: RouteRecord[] = [];
  app.addHook('onRoute', (options) => {
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: options.url, websocket: Boolean((options as { websocket?: boolean }).websocket || (options as { wsHandler?: unknown }).wsHandler) });
    }
  });

  // A websocket handshake never reaches onSend (the socket takes the connection over): record it here, as accepted.
  app.addHook('preHandler', async (request, reply) => {
    if (!(request as { ws?: boolean }).ws || !isApiRequest(request) || !request.principal) return;
    try {
      await recordAudit(services.database.db, await describeRequest(services.database.db, request, 101, null));
    } catch (err) {
      request.log.error({ err: { name: (err as Error).name } }, 'audit write failed');
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ error: 'audit_unavailable', message: 'The access could not be recorded; try again.' });
    }
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    // Unauthenticated requests are refused before they touch anything, and carry no organisation to chain to.
    if (!request.principal || !isApiRequest(request)) return payload;
    try {
      await recordAudit(services.database.db, await describeRequest(services.database.db, request, reply.statusCode, payload));
      return payload;
    } catch (err) {
      request.log.error({ err: { name: (err as Error).name } }, 'audit write failed');
      reply.code(503).header('content-type', 'application/json; charset=utf-8').header('retry-after', String(RETRY_AFTER_SECONDS));
      return JSON.stringify({ error: 'audit_unavailable', message: 'The access could not be recorded, so its result is withheld; try again.' });
    }
  });
  return routes;
}

async function describeRequest(db: Executor, request: FastifyRequest, status: number, payload: unknown): Promise<AuditEntry> {
  const who = request.principal!;
  const route = request.routeOptions?.url ?? null;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const query = (request.query ?? {}) as Record<string, unknown>;
  const meta = routeAudit(request.method, route, params);
  const org = who.organizationId;

  const told = request.audit ?? {};
  let patientId = asUuid(told.patientId) ?? asUuid(params[meta.patientParam]) ?? asUuid(query.patientId);
  // Every patient the response names (a search's hits, a card's candidates, FHIR references):
  // a per-patient report must find a list that disclosed them, not only a single-patient read.
  const revealed = status < 400 && !route?.startsWith(`${API_PREFIX}/audit`) ? patientsInResponse(payload) : new Set<string>();
  if (!patientId && status < 400) {
    if (meta.patientFrom === 'case' && asUuid(params.caseId)) patientId = await patientOfCase(db, org, params.caseId as string);
    else if (meta.patientFrom === 'interaction' && asUuid(params.interactionId)) patientId = await patientOfInteraction(db, org, params.interactionId as string);
    else patientId = patientInResponse(payload, meta.patientFrom === 'response.id');
  }
  if (!patientId && revealed.size === 1) patientId = [...revealed][0]!;
  if (patientId) revealed.delete(patientId);
  const others = [...revealed].sort();
  // Filter names tell a reviewer what was searched for; their values could be identifiers and stay out.
  // Names as the caller sent them (defaults the schema filled in are not filters anyone chose).
  const filters = [...new Set(new URL(request.url, 'http://localhost').searchParams.keys())].filter((k) => k !== 'access_token').sort();
  return {
    organizationId: org,
    actorType: who.staffId ? 'staff' : 'token',
    actorId: who.staffId ?? who.tokenId,
    actorRole: who.role,
    tokenId: who.tokenId,
    action: told.action ?? meta.action,
    resourceType: told.resourceType ?? meta.resource,
    resourceId: told.resourceId ?? (meta.resourceId && OPAQUE_ID.test(meta.resourceId) ? meta.resourceId : null),
    reason: told.reason ?? null,
    patientId,
    route: route ?? 'unmatched',
    method: request.method,
    outcome: status,
    ip: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
    detail: {
      ...(filters.length > 0 ? { filters } : {}),
      ...(meta.known ? {} : { derived: true }),
      // Besides `patient_id`: the other patients the response revealed (audit search matches either).
      ...(others.length > 0 ? { patientIds: others.slice(0, MAX_NAMED_PATIENTS) } : {}),
      ...(others.length > MAX_NAMED_PATIENTS ? { patientIdsTotal: others.length } : {}),
    },
  };
}

/** A top-level `patientId`, or `patient.id`, in a JSON response (or its `id`, for a registration). */
function patientInResponse(payload: unknown, useId: boolean): string | null {
  if (typeof payload !== 'string' || payload.length > MAX_PARSED_RESPONSE || !payload.startsWith('{')) return null;
  try {
    const body = JSON.parse(payload) as Record<string, unknown>;
    if (useId) return asUuid(body.id);
    const patient = body.patient as Record<string, unknown> | undefined;
    return asUuid(body.patientId) ?? asUuid(patient?.id) ?? asUuid(patient?.patientId);
  } catch {
    return null;
  }
}

const PATIENT_KEYS = new Set(['patientId', 'patientAId', 'patientBId', 'mergedPatientId', 'survivorId']);
const PATIENT_LISTS = new Set(['patients', 'candidates']);
const PATIENT_REFERENCE = /^Patient\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * Every patient id a JSON response names, at any depth: `patientId`-like fields, a `patient`
 * object, the members of `patients`/`candidates` lists, a match review's `candidateId`, FHIR
 * Patient resources and `Patient/<id>` references.
 */
export function patientsInResponse(payload: unknown): Set<string> {
  const found = new Set<string>();
  if (typeof payload !== 'string' || payload.length > MAX_PARSED_RESPONSE || !(payload.startsWith('{') || payload.startsWith('['))) return found;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return found;
  }
  const add = (v: unknown) => {
    const id = asUuid(v);
    if (id) found.add(id.toLowerCase());
  };
  const walk = (node: unknown, depth: number): void => {
    if (depth > 12 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, depth + 1);
      return;
    }
    const obj = node as Record<string, unknown>;
    if (obj.resourceType === 'Patient') add(obj.id);
    if ('patientId' in obj && 'candidateId' in obj) add(obj.candidateId);
    for (const [key, value] of Object.entries(obj)) {
      if (PATIENT_KEYS.has(key)) add(value);
      else if (key === 'patient' && value && typeof value === 'object' && !Array.isArray(value)) add((value as Record<string, unknown>).id);
      else if (PATIENT_LISTS.has(key) && Array.isArray(value)) for (const item of value) if (item && typeof item === 'object') add((item as Record<string, unknown>).id);
      else if (key === 'reference' && typeof value === 'string') add(PATIENT_REFERENCE.exec(value)?.[1]);
      if (value !== null && typeof value === 'object') walk(value, depth + 1);
    }
  };
  walk(body, 0);
  return found;
}

async function patientOfCase(db: Executor, organizationId: string, caseId: string): Promise<string | null> {
  const [row] = await db
    .select({ patientId: cases.patientId })
    .from(cases)
    .where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)));
  return row?.patientId ?? null;
}

async function patientOfInteraction(db: Executor, organizationId: string, interactionId: string): Promise<string | null> {
  const [row] = await db
    .select({ patientId: interactions.patientId })
    .from(interactions)
    .where(and(eq(interactions.organizationId, organizationId), eq(interactions.id, interactionId)));
  return row?.patientId ?? null;
}
