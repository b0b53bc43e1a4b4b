import type { FastifyRequest } from 'fastify';
import { API_PREFIX } from '../api-route.ts';
import type { Principal } from '../auth.ts';
import { BadInput } from '../pipeline/errors.ts';

/**
 * What an integration token may be granted. A scoped token reaches only the routes its scopes
 * cover: deny by default, so a new route is closed to integrations until it says otherwise.
 */
export const SCOPES = ['channel-events:write', 'fhir:read', 'analytics:export', 'scheduling:read', 'scheduling:write'] as const;
export type Scope = (typeof SCOPES)[number];

const READ = new Set(['GET', 'HEAD']);

/** Routes covered by each scope, by method and URL pattern (Fastify's route url, e.g. /api/v1/fhir/Slot). */
const COVERS: Record<Scope, (method: string, url: string) => boolean> = {
  'channel-events:write': (m, u) => m === 'POST' && u === `${API_PREFIX}/channel-events`,
  'fhir:read': (m, u) => READ.has(m) && (u === `${API_PREFIX}/fhir` || u.startsWith(`${API_PREFIX}/fhir/`)),
  'analytics:export': (m, u) => READ.has(m) && u.startsWith(`${API_PREFIX}/analytics/export`),
  'scheduling:read': (m, u) => READ.has(m) && u.startsWith(`${API_PREFIX}/scheduling`),
  'scheduling:write': (m, u) => !READ.has(m) && u.startsWith(`${API_PREFIX}/scheduling`),
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route may declare the scope that lets integration tokens call it. */
    scope?: Scope;
  }
}

/** The scope that lets a token call this route, or null when no scope does. */
export function scopeForRoute(method: string, url: string | undefined, declared?: Scope): Scope | null {
  if (declared) return declared;
  if (!url) return null;
  return SCOPES.find((s) => COVERS[s](method, url)) ?? null;
}

/** Whether a principal may call the route; principals without scopes (staff, admin tokens) are not limited here. */
export function scopeAllows(principal: Principal, method: string, url: string | undefined, declared?: Scope): boolean {
  if (!principal.scopes) return true;
  const needed = scopeForRoute(method, url, declared);
  return needed !== null && principal.scopes.includes(needed);
}

/** For handlers that serve several kinds of work: throws 403 unless the caller holds `scope` (or is unscoped). */
export function requireScope(request: FastifyRequest, scope: Scope): void {
  const p = request.principal;
  if (p?.scopes && !p.scopes.includes(scope)) throw new BadInput('insufficient_scope', `This token lacks the scope ${scope}.`, 403);
}
