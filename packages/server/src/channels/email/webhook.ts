import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseAddressHeader } from 'mailparser';
import { z } from 'zod';
import type { Services } from '../../pipeline/context.ts';
import { EmailRejected, MAX_EMAIL_BYTES, MAX_RECIPIENTS, htmlToText, parseRawEmail, receiveEmail, referencesOf, type InboundEmail, type ReceiveOutcome } from './inbound.ts';

export const EMAIL_WEBHOOK_PATH = '/channels/email/inbound';

/**
 * The shared secret hosted mail providers (or a forwarding rule) present in
 * X-Carethread-Webhook-Secret. Read per request so it can be rotated without a restart;
 * settings.email.webhookSecret wins once settings carry it.
 */
export function emailWebhookSecret(services: Services): string | undefined {
  const fromSettings = (services.settings.email as { webhookSecret?: string }).webhookSecret;
  return fromSettings || process.env.CARETHREAD_EMAIL_WEBHOOK_SECRET || undefined;
}

/** Constant-time comparison: both sides are hashed first so their lengths do not leak either. */
function secretMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const addressList = z.union([z.string().max(20_000), z.array(z.string().max(998)).max(MAX_RECIPIENTS)]);

/** carethread's own JSON shape for inbound mail (see docs/channels/email.md). */
export const InboundEmailJson = z.object({
  from: z.string().min(3).max(998),
  to: addressList,
  cc: addressList.optional(),
  subject: z.string().max(998).optional(),
  text: z.string().max(MAX_EMAIL_BYTES).optional(),
  html: z.string().max(MAX_EMAIL_BYTES).optional(),
  messageId: z.string().max(998).optional(),
  inReplyTo: z.string().max(998).optional(),
  references: z.union([z.string().max(20_000), z.array(z.string().max(998)).max(100)]).optional(),
  headers: z.record(z.string().max(200), z.string().max(20_000)).optional(),
});
export type InboundEmailJson = z.infer<typeof InboundEmailJson>;

export async function inboundFromJson(body: InboundEmailJson): Promise<InboundEmail> {
  const from = parseAddressHeader(body.from).value.find((a) => a.address);
  const list = (v: string | string[] | undefined) => parseAddressHeader(v ?? []).value.flatMap((a) => [a.address, ...(a.group ?? []).map((g) => g.address)]).filter((a): a is string => !!a);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(body.headers ?? {})) headers[name.toLowerCase()] = value;
  const text = body.text ?? (body.html ? await htmlToText(body.html) : '');
  return {
    recipients: [...list(body.to), ...list(body.cc)],
    from: from?.address ? { address: from.address, name: from.name || undefined } : null,
    subject: body.subject,
    text,
    messageId: body.messageId ? referencesOf(body.messageId, undefined)[0] : undefined,
    references: referencesOf(body.inReplyTo, body.references),
    headers,
    attachments: [],
    rawBody: text,
    fingerprint: createHash('sha256')
      .update(JSON.stringify([body.from, body.to, body.cc ?? null, body.subject ?? null, body.text ?? null, body.html ?? null, body.headers?.date ?? body.headers?.Date ?? null]))
      .digest('hex'),
  };
}

function answer(reply: FastifyReply, outcome: ReceiveOutcome) {
  if (outcome.outcome !== 'message') return reply.code(200).send({ outcome: outcome.outcome, reason: outcome.reason });
  const first = outcome.results[0];
  return reply.code(200).send({
    outcome: 'message',
    duplicate: outcome.results.every((r) => r.duplicate),
    caseId: first?.caseId ?? null,
    interactionId: first?.interactionId ?? null,
  });
}

/**
 * POST /channels/email/inbound: mail handed over by a hosted provider or a forwarding rule,
 * as carethread's JSON shape or as the raw message (message/rfc822 or text/plain). The route
 * exists only when a secret is configured; it answers 404 otherwise.
 */
export async function registerEmailWebhook(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    // Raw messages arrive as bytes; these parsers live only inside this scope.
    scope.addContentTypeParser(['message/rfc822', 'text/plain'], { parseAs: 'buffer', bodyLimit: MAX_EMAIL_BYTES }, (_req, body, done) => done(null, body));

    scope.post(EMAIL_WEBHOOK_PATH, {
      bodyLimit: MAX_EMAIL_BYTES,
      schema: { hide: true },
      // Checked before the body is read, so an unauthenticated sender cannot make us parse 10 MB.
      onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
        const expected = emailWebhookSecret(services);
        if (!expected) return reply.code(404).send({ error: 'not_found', message: 'The email webhook is not enabled (set CARETHREAD_EMAIL_WEBHOOK_SECRET).' });
        const given = request.headers['x-carethread-webhook-secret'];
        if (typeof given !== 'string' || given.length === 0) {
          return reply.code(401).send({ error: 'missing_secret', message: 'The X-Carethread-Webhook-Secret header is required.' });
        }
        if (!secretMatches(given, expected)) return reply.code(403).send({ error: 'bad_secret', message: 'The X-Carethread-Webhook-Secret header does not match.' });
      },
      handler: async (request, reply) => {
        let mail: InboundEmail;
        try {
          if (Buffer.isBuffer(request.body)) {
            if (request.body.length === 0) return reply.code(400).send({ error: 'empty_body', message: 'The request body is empty: post the raw message.' });
            mail = await parseRawEmail(request.body);
          } else {
            const parsed = InboundEmailJson.safeParse(request.body);
            if (!parsed.success) {
              return reply.code(400).send({
                error: 'invalid_request',
                message: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
              });
            }
            mail = await inboundFromJson(parsed.data);
          }
          return answer(reply, await receiveEmail(services, mail));
        } catch (err) {
          if (err instanceof EmailRejected) return reply.code(err.status).send({ error: err.code, message: err.message.replace(/^\d\.\d\.\d+ /, '') });
          throw err;
        }
      },
    });
  });
}
