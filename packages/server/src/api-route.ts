import type { FastifyRequest } from 'fastify';

export const API_PREFIX = '/api/v1';

/**
 * The API route a request was matched to (its pattern, e.g. `/api/v1/cases/:caseId`), or null
 * when it matched a page, a webhook or nothing at all.
 *
 * Every API decision — authentication, access control, the input guard, the audit hook, the
 * websocket handshake — asks this, never the raw `request.url`: the router percent-decodes the
 * path (`/%61pi/v1/cases` reaches `/api/v1/cases`), so a string prefix on the raw URL let such a
 * request reach route validation with no hook in its way (issue 12, item 3).
 */
export function apiRouteOf(request: FastifyRequest): string | null {
  const route = request.routeOptions?.url;
  return route !== undefined && (route === API_PREFIX || route.startsWith(`${API_PREFIX}/`)) ? route : null;
}

/** The path part of a raw URL, percent-decoded once as the router does (undecodable escapes kept as sent). */
function decodedPath(url: string): string {
  const path = url.split(/[?#]/, 1)[0]!;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Whether the request belongs to the API: it matched an API route, or it matched nothing and its
 * decoded path lies under the prefix (an unknown API path is still authenticated and audited
 * before its 404). Only the first half can reach a handler.
 */
export function isApiRequest(request: FastifyRequest): boolean {
  if (apiRouteOf(request)) return true;
  return request.routeOptions?.url === undefined && decodedPath(request.url).startsWith(`${API_PREFIX}/`);
}
