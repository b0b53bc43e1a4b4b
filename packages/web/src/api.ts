/// <reference types="vite/client" />

/** A failed API call: the HTTP status and the JSON body the server answered with. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; message?: string; [key: string]: unknown } | null,
  ) {
    super(body?.message ?? `request failed (${status})`);
  }
}

/**
 * The one way the workspace talks to carethread: same-origin REST, signed in either by the
 * staff session cookie (the usual way) or by a pasted access token.
 * Screens written by other engineers (the supervisor view) receive this object as `api`.
 */
export interface Api {
  /** The access token, when signed in with one; absent when the session cookie signs the calls. */
  readonly token?: string;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  /** A raw call with fetch's own `init` (method, headers, body); throws ApiError on a non-2xx answer. */
  request<T>(path: string, init?: RequestInit): Promise<T>;
  /** The websocket address of the live stream: the cookie goes with the handshake; a token rides in the query (browsers cannot set headers on it). */
  streamUrl(): string;
}

/** Dispatched on window when a cookie-signed call answers 401: the session ended (idle, expired, signed out elsewhere). */
export const SESSION_ENDED_EVENT = 'carethread:session-ended';

/** The server refuses cookie-signed mutations without it: another site cannot send a custom header without a CORS grant. */
export const CSRF_HEADER = 'x-carethread-csrf';

/** `token` null: calls are signed by the ct_session cookie the browser holds. */
export function createApi(token: string | null): Api {
  const request = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    headers.set(CSRF_HEADER, '1');
    if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (res.status === 401 && !token) dispatchEvent(new Event(SESSION_ENDED_EVENT));
    if (!res.ok) throw new ApiError(res.status, json as ApiError['body']);
    return json as T;
  };
  const call = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    request<T>(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const ws = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream`;
  return {
    ...(token ? { token } : {}),
    request,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    put: (path, body) => call('PUT', path, body),
    streamUrl: () => (token ? `${ws}?access_token=${encodeURIComponent(token)}` : ws),
  };
}

/**
 * True when the route itself does not exist (yet): Fastify's own 404, not a domain 404 such as
 * unknown_case. The workspace hides a control whose endpoint is missing instead of failing.
 */
export function isMissingEndpoint(err: unknown): boolean {
  if (!(err instanceof ApiError) || err.status !== 404) return false;
  const b = err.body;
  return !b || b.error === 'Not Found' || (typeof b.message === 'string' && b.message.startsWith('Route '));
}
