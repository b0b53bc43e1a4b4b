import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string | null | undefined): string {
  return (value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

export interface CookieOptions {
  path: string;
  secure: boolean;
  /** Seconds; omitted makes a browser-session cookie, 0 deletes it. */
  maxAge?: number;
}

/** Every portal cookie is HttpOnly and SameSite=Lax: scripts never read them, other sites never send them on a POST. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A keyed token bound to one purpose and subject (e.g. the CSRF token of one portal session). */
export function macToken(secret: string, purpose: string, subject: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${subject}`).digest('base64url');
}

function sealKey(secret: string, purpose: string): Buffer {
  return createHash('sha256').update(`carethread:${purpose}:${secret}`).digest();
}

/**
 * AES-256-GCM sealed value for a cookie: the browser carries state it can neither read nor
 * alter (the address a sign-in code went to), and nothing is stored for addresses we do not
 * know, so known and unknown addresses leave the same trace.
 */
export function seal(secret: string, purpose: string, data: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret, purpose), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function unseal<T>(secret: string, purpose: string, value: string | undefined): T | null {
  if (!value || value.length > 2000) return null;
  try {
    const raw = Buffer.from(value, 'base64url');
    if (raw.length < 29) return null;
    const decipher = createDecipheriv('aes-256-gcm', sealKey(secret, purpose), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/**
 * Patient pages hold PHI: never cached. The page's CSP (with the nonce its inline script and
 * style carry), framing, referrer and sniffing headers come from http-security.ts.
 */
export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** A form field posted as application/x-www-form-urlencoded: one string, or nothing. */
export function formField(request: FastifyRequest, name: string, max = 10_000): string | undefined {
  const body = request.body;
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  if (typeof value !== 'string' || value.length > max) return undefined;
  return value;
}

export function queryParam(request: FastifyRequest, name: string, max = 200): string | undefined {
  const q = request.query as Record<string, unknown> | undefined;
  const value = q?.[name];
  if (typeof value !== 'string' || value.length > max) return undefined;
  return value;
}
