import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { Services } from '../../pipeline/context.ts';

/**
 * Twilio signs every webhook over the URL it called and the posted parameters. The URL is the
 * public one (carethread may sit behind a proxy that rewrites host and scheme), so it is
 * rebuilt from CARETHREAD_PUBLIC_URL plus the path and query Twilio used.
 */
export function publicUrlOf(services: Services, request: FastifyRequest): string {
  return `${services.settings.publicUrl}${request.url}`;
}

function signatureHeader(request: FastifyRequest): string | null {
  const signature = request.headers['x-twilio-signature'];
  return typeof signature === 'string' && signature.length > 0 && signature.length <= 200 ? signature : null;
}

export function hasValidTwilioSignature(services: Services, request: FastifyRequest): boolean {
  const authToken = services.settings.twilio.authToken;
  if (!authToken) return false;
  const signature = signatureHeader(request);
  if (!signature) return false;
  const params = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, string>;
  return twilio.validateRequest(authToken, signature, publicUrlOf(services, request), params);
}

/**
 * onRequest: a request with no signature at all is refused before its body is parsed, so a
 * body in a type Twilio never sends (JSON, binary) cannot reach an error handler that would
 * answer it with TwiML.
 */
export async function refuseUnsignedTwilio(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!signatureHeader(request)) await reply.code(403).type('text/plain').send('Invalid or missing X-Twilio-Signature');
}

/**
 * preHandler: a bad or missing signature is refused with 403 before anything is read or written;
 * so is every request while no auth token is configured (nothing to check a signature against).
 */
export function requireTwilioSignature(services: Services) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!services.settings.twilio.authToken) {
      return reply
        .code(403)
        .type('text/plain')
        .send('Twilio is not configured on this server (TWILIO_AUTH_TOKEN is not set), so Twilio webhooks are refused.');
    }
    if (!hasValidTwilioSignature(services, request)) {
      return reply.code(403).type('text/plain').send('Invalid or missing X-Twilio-Signature');
    }
  };
}

/** Twilio posts form fields as strings; anything else is a malformed body. */
export function formField(body: unknown, name: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
