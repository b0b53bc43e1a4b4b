import type { Principal } from '../auth.ts';
import { scopeForRoute, type Scope } from './scopes.ts';

// Who may call which /api/v1 route, in one table (issue 6 point 2, docs/security.md). The
// onRequest hook in auth/access-control.ts enforces it for every request, before the body is
// validated, so a refused caller learns nothing from validation errors. A route with no entry
// here is refused for everyone but admin (fail closed); test/access-control.test.ts fails when
// a registered route has no entry, so a new route must be placed here deliberately.
//
// Integration tokens are not listed by role: they reach exactly the routes their scopes cover
// (auth/scopes.ts), and nothing else.

export const STAFF_ROLES = ['agent', 'supervisor', 'analyst', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const ROLES = [...STAFF_ROLES, 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** What a route names that an agent must be entitled to (auth/access-control.ts checks it). */
export type Subject =
  /** :caseId must be a case of the agent's departments, held, offered, granted or broken-glass. */
  | 'case'
  /** :interactionId: the same, for the interaction's case. */
  | 'interaction'
  /** :patientId must be a patient the agent serves (one of their visible cases is the patient's). */
  | 'patient'
  /** :staffId must be the agent themself (their presence, offers, inbox). */
  | 'self'
  /** :offerId must be an offer made to the agent. */
  | 'offer';

export interface Permission {
  roles: readonly StaffRole[];
  /** Checked for agents only: supervisors and admins see every department. */
  subject?: Subject;
}

const P = '/api/v1';
const EVERYONE: readonly StaffRole[] = ['agent', 'supervisor', 'analyst', 'admin'];
/** Case work: agents, and the people who supervise them. */
const WORK: readonly StaffRole[] = ['agent', 'supervisor', 'admin'];
const SUPERVISE: readonly StaffRole[] = ['supervisor', 'admin'];
/** De-identified figures only: no route here returns PHI. */
const ANALYTICS: readonly StaffRole[] = ['analyst', 'supervisor', 'admin'];
const ADMIN: readonly StaffRole[] = ['admin'];

const work = (subject?: Subject): Permission => ({ roles: WORK, ...(subject ? { subject } : {}) });
const supervise: Permission = { roles: SUPERVISE };
const admin: Permission = { roles: ADMIN };
const everyone: Permission = { roles: EVERYONE };
const analytics: Permission = { roles: ANALYTICS };

/** Keyed by `METHOD pattern`, exactly as Fastify reports the route (`request.routeOptions.url`). */
export const PERMISSIONS: Readonly<Record<string, Permission>> = {
  // Signed-in self-service: any staff member, about themself.
  [`GET ${P}/me`]: everyone,
  [`GET ${P}/auth/session`]: everyone,
  [`POST ${P}/auth/sign-out`]: everyone,
  [`POST ${P}/auth/sign-out-everywhere`]: everyone,
  [`POST ${P}/auth/mfa/enrol`]: everyone,
  [`POST ${P}/auth/mfa/confirm`]: everyone,
  [`GET ${P}/departments`]: everyone,

  // Inbound traffic from integrations (scope channel-events:write) and administrators' scripts.
  [`POST ${P}/channel-events`]: admin,

  // Cases: the agent's work, limited to their departments.
  [`GET ${P}/cases`]: work(), // filtered for agents
  [`GET ${P}/context`]: work(),
  [`GET ${P}/cases/:caseId/context`]: work('case'),
  [`GET ${P}/cases/:caseId/conversation`]: work('case'),
  [`GET ${P}/cases/:caseId/notes`]: work('case'),
  [`POST ${P}/cases/:caseId/notes`]: work('case'),
  [`POST ${P}/cases/:caseId/asks`]: work('case'),
  [`POST ${P}/cases/:caseId/ask-check`]: work('case'),
  [`POST ${P}/cases/:caseId/resolve`]: work('case'),
  [`POST ${P}/cases/:caseId/assign`]: work('case'),
  [`POST ${P}/cases/:caseId/messages`]: work('case'),
  [`POST ${P}/cases/:caseId/reply`]: work('case'),
  [`POST ${P}/cases/:caseId/transfer`]: work('case'),
  [`POST ${P}/cases/:caseId/verify`]: work('case'),
  [`POST ${P}/cases/:caseId/verify/code`]: work('case'),
  [`POST ${P}/cases/:caseId/canned-responses/:cannedId/render`]: work('case'),
  [`POST ${P}/cases/:caseId/break-glass`]: work(), // the point of it: a case outside the agent's departments
  [`POST ${P}/interactions/:interactionId/continuations`]: work('interaction'),

  // Patients the agent serves.
  [`POST ${P}/patients`]: work(),
  [`GET ${P}/patients/:patientId`]: work('patient'),
  [`GET ${P}/patients/:patientId/timeline`]: work('patient'),
  [`GET ${P}/patients/:patientId/results-status`]: work('patient'),
  [`GET ${P}/patients/:patientId/statements`]: work('patient'),
  [`GET ${P}/patients/:patientId/statement-explanation`]: work('patient'),
  [`GET ${P}/patients/:patientId/preferences`]: work('patient'),
  [`PUT ${P}/patients/:patientId/preferences`]: work('patient'),
  [`GET ${P}/front-desk/patients`]: work(),
  [`GET ${P}/front-desk/patients/:patientId`]: work('patient'),
  [`POST ${P}/front-desk/check-ins`]: work(),

  // Record keeping: merging and splitting people is a supervisor's decision.
  [`POST ${P}/patients/:patientId/merge`]: supervise,
  [`GET ${P}/patients/:patientId/merges`]: supervise,
  [`POST ${P}/merges/:mergeId/undo`]: supervise,
  [`GET ${P}/match-reviews`]: supervise,
  [`POST ${P}/match-reviews/:reviewId/decision`]: supervise,

  // The agent's own routing state; supervisors see and set everyone's.
  [`GET ${P}/agents`]: work(),
  [`GET ${P}/agents/:staffId`]: work('self'),
  [`PUT ${P}/agents/:staffId/presence`]: work('self'),
  [`GET ${P}/agents/:staffId/offers`]: work('self'),
  [`GET ${P}/agents/:staffId/inbox`]: work('self'),
  [`POST ${P}/offers/:offerId/accept`]: work('offer'),
  [`POST ${P}/offers/:offerId/decline`]: work('offer'),
  [`PUT ${P}/agents/:staffId/profile`]: supervise,
  [`GET ${P}/queues`]: work(), // counts and rules, no PHI: the agent's view of the floor
  [`GET ${P}/routing/rules`]: work(), // counts and rules, no PHI: the agent's view of the floor
  [`GET ${P}/routing/rules/:departmentId`]: work(), // counts and rules, no PHI: the agent's view of the floor
  [`PUT ${P}/routing/rules/:departmentId`]: supervise,

  // Canned responses: read by agents, written by supervisors.
  [`GET ${P}/canned-responses`]: work(),
  [`POST ${P}/canned-responses`]: supervise,
  [`PUT ${P}/canned-responses/:cannedId`]: supervise,
  [`DELETE ${P}/canned-responses/:cannedId`]: supervise,

  // Care tasks and the outbox: supervisors.
  [`GET ${P}/tasks`]: supervise,
  [`POST ${P}/tasks`]: supervise,
  [`GET ${P}/tasks/:taskId`]: supervise,
  [`POST ${P}/tasks/:taskId/status`]: supervise,
  [`GET ${P}/outbox`]: supervise,
  [`POST ${P}/outbox/:id/retry`]: supervise,

  // Scheduling: agents book for patients; settings are a supervisor's.
  [`GET ${P}/scheduling/providers`]: work(),
  [`GET ${P}/scheduling/locations`]: work(),
  [`GET ${P}/scheduling/schedules`]: work(),
  [`GET ${P}/scheduling/slots`]: work(),
  [`POST ${P}/scheduling/slots/search`]: work(),
  [`POST ${P}/scheduling/appointments`]: work(),
  [`GET ${P}/scheduling/appointments/:appointmentId`]: work(),
  [`POST ${P}/scheduling/appointments/:appointmentId/reschedule`]: work(),
  [`POST ${P}/scheduling/appointments/:appointmentId/cancel`]: work(),
  [`POST ${P}/scheduling/appointments/:appointmentId/confirm`]: work(),
  [`POST ${P}/scheduling/appointments/:appointmentId/status`]: work(),
  [`POST ${P}/scheduling/appointments/:appointmentId/reply`]: work(),
  [`GET ${P}/scheduling/patients/:patientId/appointments`]: work('patient'),
  [`POST ${P}/scheduling/waitlist`]: work(),
  [`GET ${P}/scheduling/waitlist`]: work(),
  [`POST ${P}/scheduling/waitlist/:entryId/accept`]: work(),
  [`POST ${P}/scheduling/waitlist/:entryId/decline`]: work(),
  [`POST ${P}/scheduling/waitlist/:entryId/remove`]: work(),
  [`GET ${P}/scheduling/settings`]: work(),
  [`PUT ${P}/scheduling/settings`]: supervise,
  [`GET ${P}/fhir/Slot`]: work(),
  [`GET ${P}/fhir/Slot/:id`]: work(),
  [`GET ${P}/fhir/Schedule/:id`]: work(),
  [`GET ${P}/fhir/Appointment`]: work(),
  [`GET ${P}/fhir/Appointment/:id`]: work(),

  // Imports of clinical and billing data (the handlers already allowed supervisors).
  [`POST ${P}/scheduling/import`]: supervise,
  [`POST ${P}/billing/import`]: supervise,
  [`POST ${P}/results/import`]: supervise,

  // De-identified analytics.
  [`GET ${P}/metrics/friction`]: analytics,
  [`GET ${P}/analytics/export`]: { roles: ['analyst', 'admin'] },

  // Live case updates for the workspace.
  [`GET ${P}/stream`]: work(),

  // Break-glass review.
  [`GET ${P}/break-glass`]: supervise,
  [`POST ${P}/break-glass/:accessId/review`]: supervise,

  // Administration: people, credentials, grants, the audit trail, single sign-on.
  [`GET ${P}/staff`]: supervise,
  [`POST ${P}/staff/:staffId/tokens`]: admin,
  [`GET ${P}/staff/:staffId/access-grants`]: admin,
  [`POST ${P}/staff/:staffId/access-grants`]: admin,
  [`DELETE ${P}/access-grants/:grantId`]: admin,
  [`POST ${P}/api-tokens`]: admin,
  [`GET ${P}/api-tokens`]: admin,
  [`DELETE ${P}/api-tokens/:tokenId`]: admin,
  [`PUT ${P}/auth/oidc`]: admin,
  [`GET ${P}/audit`]: admin,
  [`GET ${P}/audit/export`]: admin,
};

export function permissionFor(method: string, url: string | undefined): Permission | undefined {
  return url ? PERMISSIONS[`${method === 'HEAD' ? 'GET' : method} ${url}`] : undefined;
}

export type Decision = { allowed: true; subject: Subject | null } | { allowed: false; error: 'forbidden' | 'insufficient_scope' };

/**
 * Whether the principal's role may call the route (department scoping comes after, per case).
 * Admin passes everywhere, including routes nobody has placed in the table yet.
 */
export function decide(principal: Principal, method: string, url: string | undefined, declaredScope?: Scope): Decision {
  // Scoped tokens are deny-by-default whatever role they were issued with: only their scopes count.
  if (principal.role === 'integration' || principal.scopes) {
    const needed = scopeForRoute(method, url, declaredScope);
    return needed !== null && (principal.scopes ?? []).includes(needed) ? { allowed: true, subject: null } : { allowed: false, error: 'insufficient_scope' };
  }
  if (principal.role === 'admin') return { allowed: true, subject: null };
  const permission = permissionFor(method, url);
  if (!permission || !(permission.roles as readonly string[]).includes(principal.role)) return { allowed: false, error: 'forbidden' };
  return { allowed: true, subject: principal.role === 'agent' ? (permission.subject ?? null) : null };
}

/** Which roles may call a route, for the matrix in docs/security.md and the route-walk test. */
export function rolesFor(method: string, url: string): { roles: StaffRole[]; scope: Scope | null } {
  const permission = permissionFor(method, url);
  const roles = permission ? [...permission.roles] : ['admin' as const];
  return { roles: roles.includes('admin') ? roles : [...roles, 'admin'], scope: scopeForRoute(method, url) };
}

/**
 * The role matrix as a Markdown table, for docs/security.md (a test checks the document holds
 * exactly this, so the document cannot drift from what the server enforces).
 */
export function permissionMatrixMarkdown(): string {
  const mark = (roles: readonly string[], role: StaffRole, subject: Subject | undefined) =>
    roles.includes(role) ? (role === 'agent' && subject ? `yes (${subject === 'self' ? 'own' : `${subject} in scope`})` : 'yes') : '—';
  const lines = ['| route | agent | supervisor | analyst | admin | integration scope |', '| --- | --- | --- | --- | --- | --- |'];
  const keys = Object.keys(PERMISSIONS).sort((a, b) => a.split(' ')[1]!.localeCompare(b.split(' ')[1]!) || a.localeCompare(b));
  for (const key of keys) {
    const [method, url] = key.split(' ') as [string, string];
    const p = PERMISSIONS[key]!;
    const scope = scopeForRoute(method, url);
    lines.push(`| \`${method} ${url.slice(P.length)}\` | ${STAFF_ROLES.map((r) => mark(p.roles, r, p.subject)).join(' | ')} | ${scope ? `\`${scope}\`` : '—'} |`);
  }
  return lines.join('\n');
}
