import type { AuditAction } from './log.ts';

// What each route under /api/v1 does to protected health information, in one table so the
// audit does not depend on every route file remembering to say so. A route missing here is
// still audited, as `read` (GET) or `write` (anything else), with its resource taken from the
// path: nothing under /api/v1 escapes the log.

/** Where the patient a request touches can be found, beyond `patientId` in the params or query. */
export type PatientSource =
  /** the route's :caseId names a case; its patient is looked up */
  | 'case'
  /** the route's :interactionId names an interaction; its patient is looked up */
  | 'interaction'
  /** the response's `id` is the patient (a registration) */
  | 'response.id';

export interface RouteAudit {
  action?: AuditAction;
  resource?: string;
  /** Name of the param holding the resource id, when it is not the first `…Id` param. */
  resourceParam?: string;
  /** Name of the param holding the patient id, when it is not `patientId`. */
  patientParam?: string;
  patientFrom?: PatientSource;
}

const P = '/api/v1';

/** Keyed by `METHOD route-pattern` exactly as Fastify reports it (`request.routeOptions.url`). */
export const AUDITED_ROUTES: Record<string, RouteAudit> = {
  [`POST ${P}/channel-events`]: { action: 'write', resource: 'interaction' },
  [`GET ${P}/cases`]: { action: 'search', resource: 'case' },
  [`GET ${P}/context`]: { action: 'search', resource: 'patient' },
  [`GET ${P}/cases/:caseId/context`]: { resource: 'case', patientFrom: 'case' },
  [`GET ${P}/cases/:caseId/conversation`]: { resource: 'case', patientFrom: 'case' },
  [`GET ${P}/cases/:caseId/notes`]: { resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/notes`]: { resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/asks`]: { resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/ask-check`]: { action: 'read', resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/assign`]: { resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/resolve`]: { resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/reply`]: { resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/messages`]: { resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/transfer`]: { resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/verify`]: { resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/verify/code`]: { resource: 'case', patientFrom: 'case' },
  [`POST ${P}/cases/:caseId/canned-responses/:cannedId/render`]: { action: 'read', resource: 'case', resourceParam: 'caseId', patientFrom: 'case' },
  [`POST ${P}/interactions/:interactionId/continuations`]: { resource: 'interaction', patientFrom: 'interaction' },
  [`POST ${P}/patients`]: { resource: 'patient', patientFrom: 'response.id' },
  [`GET ${P}/patients/:patientId`]: { resource: 'patient' },
  [`POST ${P}/patients/:patientId/merge`]: { resource: 'patient' },
  [`GET ${P}/patients/:patientId/merges`]: { resource: 'patient' },
  [`GET ${P}/patients/:patientId/timeline`]: { resource: 'patient' },
  [`GET ${P}/patients/:patientId/statements`]: { resource: 'statement' },
  [`GET ${P}/patients/:patientId/statement-explanation`]: { resource: 'statement' },
  [`GET ${P}/patients/:patientId/results-status`]: { resource: 'result' },
  // The change itself is also recorded by store/preferences.ts as `consent_change` with before → after.
  [`GET ${P}/patients/:patientId/preferences`]: { resource: 'contact_preferences' },
  [`PUT ${P}/patients/:patientId/preferences`]: { resource: 'contact_preferences' },
  [`POST ${P}/merges/:mergeId/undo`]: { resource: 'patient_merge' },
  [`GET ${P}/match-reviews`]: { action: 'search', resource: 'match_review' },
  [`POST ${P}/match-reviews/:reviewId/decision`]: { resource: 'match_review' },
  [`GET ${P}/front-desk/patients`]: { action: 'search', resource: 'patient' },
  [`GET ${P}/front-desk/patients/:patientId`]: { resource: 'patient' },
  [`POST ${P}/front-desk/check-ins`]: { resource: 'interaction' },
  [`GET ${P}/scheduling/patients/:patientId/appointments`]: { action: 'search', resource: 'appointment' },
  [`POST ${P}/scheduling/slots/search`]: { action: 'search', resource: 'slot' },
  [`GET ${P}/fhir/Appointment`]: { action: 'search', resource: 'Appointment' },
  [`GET ${P}/fhir/Slot`]: { action: 'search', resource: 'Slot' },
  [`GET ${P}/tasks`]: { action: 'search', resource: 'care_task' },
  [`GET ${P}/analytics/export`]: { action: 'export', resource: 'deidentified_cases' },
  [`POST ${P}/billing/import`]: { action: 'write', resource: 'statement' },
  [`POST ${P}/results/import`]: { action: 'write', resource: 'result' },
  [`POST ${P}/scheduling/import`]: { action: 'write', resource: 'schedule' },
  // Giving a staff member a sign-in token grants them access: a permission change.
  [`POST ${P}/staff/:staffId/tokens`]: { action: 'permission_change', resource: 'staff' },
  [`PUT ${P}/agents/:staffId/profile`]: { action: 'permission_change', resource: 'agent_profile' },
  [`GET ${P}/stream`]: { action: 'read', resource: 'case_stream' },
  [`GET ${P}/audit`]: { action: 'search', resource: 'audit_log' },
  [`GET ${P}/audit/export`]: { action: 'export', resource: 'audit_log' },
};

export interface ResolvedRouteAudit extends Required<Pick<RouteAudit, 'action' | 'resource'>> {
  resourceId: string | null;
  patientParam: string;
  patientFrom: PatientSource | null;
  /** Whether the central table knew the route (false: derived from method and path). */
  known: boolean;
}

const singular = (segment: string): string =>
  segment.endsWith('ies') ? `${segment.slice(0, -3)}y` : segment.endsWith('s') && !segment.endsWith('ss') ? segment.slice(0, -1) : segment;

/** The audit description of a request: from the table when the route is there, otherwise from its method and path. */
export function routeAudit(method: string, route: string | null, params: Record<string, unknown>): ResolvedRouteAudit {
  const meta = route ? AUDITED_ROUTES[`${method} ${route}`] : undefined;
  const segments = (route ?? '').replace(/^\/api\/v1\/?/, '').split('/').filter(Boolean);
  const firstParamAt = segments.findIndex((s) => s.startsWith(':'));
  const idParam = meta?.resourceParam ?? (firstParamAt >= 0 ? segments[firstParamAt]!.slice(1) : null);
  const fromParam = idParam && /^(.+)Id$/.exec(idParam)?.[1];
  const before = firstParamAt > 0 ? segments[firstParamAt - 1]! : (segments[0] ?? 'unknown');
  const derived = fromParam ? fromParam.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : singular(before.replace(/-/g, '_'));
  const raw = idParam ? params[idParam] : undefined;
  return {
    action: meta?.action ?? (method === 'GET' || method === 'HEAD' ? 'read' : 'write'),
    resource: meta?.resource ?? derived,
    resourceId: typeof raw === 'string' ? raw.slice(0, 100) : null,
    patientParam: meta?.patientParam ?? 'patientId',
    patientFrom: meta?.patientFrom ?? null,
    known: meta !== undefined,
  };
}
