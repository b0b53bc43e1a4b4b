import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { and, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { apiRouteOf } from '../api-route.ts';
import type { Principal } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import type { Executor } from '../store/db.ts';
import { cases, interactions } from '../store/schema.ts';
import { agentProfiles, routingOffers } from '../store/schema-routing.ts';
import { breakGlassAccesses, staffAccessGrants } from '../store/schema-access.ts';
import { publicApiRoutes } from './authenticate.ts';
import { decide, type Subject } from './permissions.ts';

// Enforcement of the permission table (auth/permissions.ts) and of department scoping: an agent
// sees the cases of the departments in their routing profile (all of them when the profile names
// none, as routing treats it), the cases they hold or are
// offered, the departments an administrator granted them, and — for 60 minutes — a case they
// opened by break-glass. Anything else answers 404 exactly as a case that does not exist, so
// an agent cannot probe which cases exist elsewhere.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The departments an agent sees; `all` when a grant covers every department. */
export interface DepartmentScope {
  all: boolean;
  departmentIds: string[];
}

export async function departmentScope(db: Executor, organizationId: string, staffId: string | null): Promise<DepartmentScope> {
  if (!staffId) return { all: false, departmentIds: [] };
  const [profile] = await db
    .select({ departmentIds: agentProfiles.departmentIds })
    .from(agentProfiles)
    .where(and(eq(agentProfiles.organizationId, organizationId), eq(agentProfiles.staffId, staffId)));
  const grants = await db
    .select({ departmentId: staffAccessGrants.departmentId })
    .from(staffAccessGrants)
    .where(and(eq(staffAccessGrants.organizationId, organizationId), eq(staffAccessGrants.staffId, staffId), isNull(staffAccessGrants.revokedAt)));
  // As in routing (core servesDepartment): an agent whose profile names no department serves
  // every department. Scoping an agent therefore means naming their departments.
  const all = grants.some((g) => g.departmentId === null) || (profile?.departmentIds ?? []).length === 0;
  const ids = new Set([...(profile?.departmentIds ?? []), ...grants.flatMap((g) => (g.departmentId ? [g.departmentId] : []))]);
  return { all, departmentIds: [...ids] };
}

/**
 * The condition on `cases` that limits a list to what the principal may see, or undefined when
 * they see every case of the organisation (supervisors, admins, unscoped tokens).
 */
export async function visibleCasesCondition(db: Executor, principal: Principal, now: Date): Promise<SQL | undefined> {
  if (principal.role !== 'agent') return undefined;
  const scope = await departmentScope(db, principal.organizationId, principal.staffId);
  if (scope.all) return undefined;
  const staffId = principal.staffId ?? '00000000-0000-0000-0000-000000000000';
  const nowIso = now.toISOString();
  return or(
    ...(scope.departmentIds.length > 0 ? [inArray(cases.departmentId, scope.departmentIds)] : []),
    eq(cases.ownerId, staffId),
    inArray(
      cases.id,
      db
        .select({ id: routingOffers.caseId })
        .from(routingOffers)
        .where(and(eq(routingOffers.organizationId, principal.organizationId), eq(routingOffers.staffId, staffId), eq(routingOffers.status, 'offered'))),
    ),
    inArray(
      cases.id,
      db
        .select({ id: breakGlassAccesses.caseId })
        .from(breakGlassAccesses)
        .where(and(eq(breakGlassAccesses.organizationId, principal.organizationId), eq(breakGlassAccesses.staffId, staffId), gt(breakGlassAccesses.expiresAt, nowIso))),
    ),
  );
}

/** Whether the principal may see this case (false also when it is not a case of their organisation). */
export async function canSeeCase(db: Executor, principal: Principal, caseId: string, now: Date): Promise<boolean> {
  const condition = await visibleCasesCondition(db, principal, now);
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.organizationId, principal.organizationId), eq(cases.id, caseId), ...(condition ? [condition] : [])))
    .limit(1);
  return !!row;
}

/**
 * Whether the principal serves this patient: one of the patient's cases is visible to them, or a
 * live break-glass access names the patient.
 */
export async function canSeePatient(db: Executor, principal: Principal, patientId: string, now: Date): Promise<boolean> {
  const condition = await visibleCasesCondition(db, principal, now);
  if (!condition) return true; // the handler answers 404 for a patient of another organisation
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.organizationId, principal.organizationId), eq(cases.patientId, patientId), condition))
    .limit(1);
  if (row) return true;
  const [glass] = await db
    .select({ id: breakGlassAccesses.id })
    .from(breakGlassAccesses)
    .where(
      and(
        eq(breakGlassAccesses.organizationId, principal.organizationId),
        eq(breakGlassAccesses.staffId, principal.staffId ?? sql`null`),
        eq(breakGlassAccesses.patientId, patientId),
        gt(breakGlassAccesses.expiresAt, now.toISOString()),
      ),
    )
    .limit(1);
  return !!glass;
}

const NOT_FOUND: Record<Subject, { error: string; message: string }> = {
  case: { error: 'unknown_case', message: 'No such case in this organization.' },
  interaction: { error: 'unknown_interaction', message: 'No such interaction in this organization.' },
  patient: { error: 'unknown_patient', message: 'No such patient in this organization.' },
  self: { error: 'forbidden', message: 'Agents can see and change only their own routing state.' },
  offer: { error: 'unknown_offer', message: 'No such offer in this organization.' },
};

async function entitled(db: Executor, principal: Principal, subject: Subject, params: Record<string, unknown>, now: Date): Promise<boolean> {
  const param = { case: 'caseId', interaction: 'interactionId', patient: 'patientId', self: 'staffId', offer: 'offerId' }[subject];
  const id = params[param];
  // A malformed id is the handler's to refuse (400); it cannot name anything the agent could see.
  if (typeof id !== 'string' || !UUID.test(id)) return true;
  switch (subject) {
    case 'self':
      return id === principal.staffId;
    case 'case':
      return canSeeCase(db, principal, id, now);
    case 'patient':
      return canSeePatient(db, principal, id, now);
    case 'interaction': {
      const [row] = await db
        .select({ caseId: interactions.caseId })
        .from(interactions)
        .where(and(eq(interactions.organizationId, principal.organizationId), eq(interactions.id, id)));
      return !row || (row.caseId !== null && (await canSeeCase(db, principal, row.caseId, now)));
    }
    case 'offer': {
      const [row] = await db
        .select({ staffId: routingOffers.staffId })
        .from(routingOffers)
        .where(and(eq(routingOffers.organizationId, principal.organizationId), eq(routingOffers.id, id)));
      return !row || row.staffId === principal.staffId;
    }
  }
}

/** The onRequest check for /api/v1, after authentication: role, scope, then department scoping. */
export async function authorize(services: Services, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const url = apiRouteOf(request);
  if (!url) return;
  const principal = request.principal;
  if (!principal) {
    // authenticate() already refused every non-public route without a principal; this is the second wall.
    if (publicApiRoutes().has(`${request.method} ${url}`)) return;
    return reply.code(401).send({ error: 'unauthorized', message: 'Sign in first.' });
  }
  const decision = decide(principal, request.method, url, request.routeOptions.config?.scope);
  if (!decision.allowed) {
    return decision.error === 'insufficient_scope'
      ? reply.code(403).send({ error: 'insufficient_scope', message: 'This token’s scopes do not cover this route.' })
      : reply.code(403).send({ error: 'forbidden', message: `The role ${principal.role} may not use this route.` });
  }
  if (!decision.subject) return;
  const params = (request.params ?? {}) as Record<string, unknown>;
  if (await entitled(services.database.db, principal, decision.subject, params, services.now())) return;
  const answer = NOT_FOUND[decision.subject];
  return reply.code(decision.subject === 'self' ? 403 : 404).send(answer);
}

/** Installs the check; call once, before the routes are registered (hooks apply to routes in any order, but keep it next to the audit hook). */
export function registerAccessControl(app: FastifyInstance, services: Services): void {
  app.addHook('onRequest', async (request, reply) => authorize(services, request, reply));
}
