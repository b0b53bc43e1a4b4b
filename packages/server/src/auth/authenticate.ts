import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX, apiRouteOf, isApiRequest } from '../api-route.ts';
import { principalForToken } from '../auth.ts';
import { parseCookies } from '../channels/portal/http.ts';
import type { Services } from '../pipeline/context.ts';
import { scopeAllows } from './scopes.ts';
import { CSRF_HEADER, SESSION_COOKIE, sessionFor } from './sessions.ts';
import { tenantScope } from '../store/tenant-scope.ts';

/** API routes that answer without a principal: they authenticate by what they carry. */
const PUBLIC_API_ROUTES = new Set([
  `POST ${API_PREFIX}/auth/sign-in`,
  `GET ${API_PREFIX}/auth/methods`,
  `GET ${API_PREFIX}/auth/oidc/start`,
  `GET ${API_PREFIX}/auth/oidc/callback`,
  `POST ${API_PREFIX}/auth/setup`,
]);
export const publicApiRoutes = (): Set<string> => PUBLIC_API_ROUTES;

/** What a session that still has to enrol TOTP may do. */
const MFA_PENDING_ALLOWED = new Set([
  `GET ${API_PREFIX}/auth/session`,
  `POST ${API_PREFIX}/auth/sign-out`,
  `POST ${API_PREFIX}/auth/sign-out-everywhere`,
  `POST ${API_PREFIX}/auth/mfa/enrol`,
  `POST ${API_PREFIX}/auth/mfa/confirm`,
  `GET ${API_PREFIX}/me`,
]);

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The Origin header names this server (as the browser reached it, or its public URL). */
function sameOrigin(services: Services, request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host === request.headers.host) return true;
  try {
    return host === new URL(services.settings.publicUrl).host;
  } catch {
    return false;
  }
}

function deny(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).send({ error, message });
}

/**
 * The onRequest check for /api/v1: a bearer token (scripts, integrations, the websocket's
 * access_token) or the ct_session cookie (browsers). Pages and channel webhooks live outside
 * /api/v1 and check their own signatures.
 *
 * Cookie-authenticated mutations must carry `x-carethread-csrf: 1`: a browser sends a custom
 * header cross-site only after a CORS preflight we never grant, so a forged form or fetch from
 * another site cannot act with the victim's session (SameSite=Strict is the first wall).
 */
export async function authenticate(services: Services, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  if (!isApiRequest(request)) return;
  const apiRoute = apiRouteOf(request);
  const route = `${request.method} ${apiRoute ?? ''}`;
  if (publicApiRoutes().has(route)) return;
  const db = services.database.db;
  const now = services.now();
  const header = request.headers.authorization;
  const query = request.query as Record<string, unknown> | undefined;
  // Browsers cannot set headers on a websocket handshake; the stream takes the token in the query.
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : typeof query?.access_token === 'string' ? query.access_token : '';
  if (token) {
    const principal = await principalForToken(db, token, now);
    if (!principal) return deny(reply, 401, 'unauthorized', 'A valid bearer token is required (Authorization: Bearer <token>).');
    if (!scopeAllows(principal, request.method, apiRoute ?? undefined, request.routeOptions.config?.scope)) {
      return deny(reply, 403, 'insufficient_scope', 'This token’s scopes do not cover this route.');
    }
    request.principal = principal;
    enterTenantScope(principal.organizationId);
    return;
  }
  const cookie = parseCookies(request.headers.cookie)[SESSION_COOKIE];
  const session = cookie ? await sessionFor(db, cookie, now) : null;
  if (!session) {
    return deny(reply, 401, 'unauthorized', 'Sign in first, or send a valid bearer token (Authorization: Bearer <token>).');
  }
  // A websocket handshake cannot carry the CSRF header, and browsers let any page open a socket to
  // any host: a cookie-signed handshake must come from one of our own pages.
  if (request.headers.upgrade?.toLowerCase() === 'websocket' && !sameOrigin(services, request)) {
    return deny(reply, 403, 'cross_origin', 'The live stream signed in with the session cookie opens only from carethread’s own pages.');
  }
  if (MUTATING.has(request.method) && request.headers[CSRF_HEADER] !== '1') {
    return deny(reply, 403, 'csrf_header_required', `Requests signed in with the session cookie must send the header ${CSRF_HEADER}: 1.`);
  }
  if (session.mfaPending && !MFA_PENDING_ALLOWED.has(route)) {
    return deny(reply, 403, 'mfa_enrolment_required', 'Enrol an authenticator app first (POST /api/v1/auth/mfa/enrol), then confirm it with a code.');
  }
  request.principal = {
    organizationId: session.organizationId,
    role: session.role,
    tokenId: session.id,
    staffId: session.staffId,
    sessionId: session.id,
    mfaPending: session.mfaPending,
    scopes: null,
  };
  enterTenantScope(session.organizationId);
}

/** From here on the request's queries are walled into its organisation (store/tenant-scope.ts). */
function enterTenantScope(organizationId: string): void {
  const scope = tenantScope.getStore();
  if (scope) scope.organizationId = organizationId;
}
