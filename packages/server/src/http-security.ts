import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isApiRequest } from './api-route.ts';

/**
 * Transmission-security headers for every HTTP response carethread serves, in one place
 * (docs/security.md, "Transmission security"): a Content-Security-Policy with a per-response
 * nonce on every page, HSTS when the browser reached us over TLS, nosniff, no referrer, a
 * minimal Permissions-Policy and no caching unless a route opts into it.
 */

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * A fresh nonce for this response. Inline <script> and <style> on a page must carry it
     * (`<script nonce="…">`): nothing else inline runs, and no inline event handler ever does.
     */
    cspNonce: string;
    /**
     * The browser reached us over TLS: directly, through a trusted proxy (X-Forwarded-Proto,
     * CARETHREAD_TRUST_PROXY), or because the deployment says so (an https public URL, or
     * CARETHREAD_SECURE_COOKIES=1). Cookies are marked Secure and HSTS is sent when true.
     */
    secureTransport: boolean;
  }
  interface FastifyContextConfig {
    /**
     * The page loads same-origin script and style files (a built bundle such as /app, or
     * /widget.js on the demo page) besides nonce-tagged inline code: adds 'self' to script-src
     * and style-src. Pages that only carry their own inline code leave it off.
     */
    pageFiles?: boolean;
  }
}

/** Two years, subdomains included. Not `preload`: that is a decision for the operator's domain. */
export const HSTS_VALUE = 'max-age=63072000; includeSubDomains';

/** No page of carethread uses these; a page needing one (e.g. a softphone) must say so here. */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'usb=()',
].join(', ');

/** For everything that is not a page (JSON, TwiML, scripts): nothing may load, nothing may frame it. */
export const NON_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Swagger UI (registered by @fastify/swagger-ui, so it cannot carry route config): a bundle of files. */
const DOCS_PREFIX = '/docs';

export interface PagePolicyOptions {
  nonce: string;
  pageFiles: boolean;
  secure: boolean;
}

/**
 * The policy of an HTML page. Scripts and styles: this response's nonce (plus same-origin
 * files for bundled pages). Fetches and websockets: same origin only ('self' covers ws:/wss: to
 * the same host). Forms post back to us only. Nobody frames us: the chat widget is a script
 * in the host page, not an iframe (docs/channels/webchat.md).
 */
export function pagePolicy({ nonce, pageFiles, secure }: PagePolicyOptions): string {
  const code = pageFiles ? `'self' 'nonce-${nonce}'` : `'nonce-${nonce}'`;
  return [
    "default-src 'none'",
    `script-src ${code}`,
    "script-src-attr 'none'",
    `style-src ${code}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    ...(secure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export type TrustProxy = boolean | string | ((address: string, hop: number) => boolean);

/**
 * Fastify's trustProxy from CARETHREAD_TRUST_PROXY: unset, empty, 0 or false → false (forwarded
 * headers are ignored); `true` → trust every peer (only when nothing but the proxy can reach the
 * port); a whole number N → trust N hops; anything else → a comma-separated list of proxy
 * addresses or CIDR ranges, or the names loopback, linklocal, uniquelocal.
 */
export function trustProxyFromEnv(value: string | undefined = process.env.CARETHREAD_TRUST_PROXY): TrustProxy {
  const v = (value ?? '').trim();
  if (v === '' || v === '0' || v.toLowerCase() === 'false') return false;
  if (v.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return (_address: string, hop: number) => hop < hops;
  }
  return v;
}

export interface TransportSecurityOptions {
  /** The deployment's public URL, read per request (tests and start-up may change it). */
  publicUrl(): string;
  env?: NodeJS.ProcessEnv;
}

/** TLS as the browser sees it: https on the request (trusted proxy included) or declared by the deployment. */
export function isSecureTransport(request: FastifyRequest, options: TransportSecurityOptions): boolean {
  const env = options.env ?? process.env;
  return request.protocol === 'https' || options.publicUrl().startsWith('https:') || env.CARETHREAD_SECURE_COOKIES === '1';
}

function isApi(url: string): boolean {
  return url.startsWith('/api/');
}

/**
 * Registers the hooks on the root instance (call before anything that may answer from a hook,
 * such as authentication, so the nonce exists on every request).
 */
export function registerSecurityHeaders(app: FastifyInstance, options: TransportSecurityOptions): void {
  app.decorateRequest('cspNonce', '');
  app.decorateRequest('secureTransport', false);

  app.addHook('onRequest', async (request) => {
    request.cspNonce = randomBytes(16).toString('base64');
    request.secureTransport = isSecureTransport(request, options);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    const path = request.url;
    if (type.startsWith('text/html')) {
      const route = request.routeOptions.url ?? '';
      const pageFiles = request.routeOptions.config?.pageFiles === true || route === DOCS_PREFIX || route.startsWith(`${DOCS_PREFIX}/`);
      reply.header('content-security-policy', pagePolicy({ nonce: request.cspNonce, pageFiles, secure: request.secureTransport }));
    } else {
      reply.header('content-security-policy', NON_PAGE_POLICY);
    }
    // Legacy twin of frame-ancestors for browsers that predate CSP 2.
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    // URLs can carry an organisation key, a case id or a sign-in link: never leak them to other sites.
    reply.header('referrer-policy', 'no-referrer');
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    reply.header('cross-origin-opener-policy', 'same-origin');
    // Browsers ignore HSTS over plain http, so sending it whenever TLS is in front is safe.
    if (request.secureTransport) reply.header('strict-transport-security', HSTS_VALUE);
    // API answers carry PHI: never stored by a browser or a shared cache. Other responses are not
    // cached either unless the route chose otherwise (hashed assets, widget.js).
    if (isApiRequest(request) || isApi(path) || !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
