import type { FastifyInstance } from 'fastify';
import type { Services } from '../../pipeline/context.ts';
import { registerEmailWebhook } from './webhook.ts';

export { startSmtpInbound, type SmtpInbound, type SmtpInboundOptions } from './smtp.ts';
export { emailTransport, type EmailTransport } from './transport.ts';
export { receiveEmail, parseRawEmail, EmailRejected, MAX_EMAIL_BYTES, type InboundEmail, type ReceiveOutcome } from './inbound.ts';
export { stripQuotedReply } from './strip.ts';
export { classifyMail, originalMessageIds, replyTokenOf } from './detect.ts';
export { EMAIL_WEBHOOK_PATH, emailWebhookSecret, InboundEmailJson } from './webhook.ts';

/**
 * The email channel's HTTP face: the inbound webhook for hosted mail providers. The SMTP
 * server and the outbound transport are started by the process (startCarethread), not here,
 * because they own sockets of their own.
 */
export async function registerEmailChannel(app: FastifyInstance, services: Services): Promise<void> {
  await registerEmailWebhook(app, services);
}
