import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { normalizePhone } from '@carethread/core';
import type { Services } from '../../pipeline/context.ts';
import { organizationForEndpoint } from '../../store/endpoints.ts';
import { formField, refuseUnsignedTwilio, requireTwilioSignature } from './common.ts';
import { receiveSms } from './sms-inbound.ts';
import { recordSmsStatus } from './sms-status.ts';
import { SMS_STATUS_PATH } from './sms-transport.ts';

export { twilioSmsTransport, classifyTwilioError } from './sms-transport.ts';
export { smsKeyword, normalizeKeyword } from './sms-keywords.ts';

export const SMS_WEBHOOK_PATH = '/channels/twilio/sms';

/** Twilio sends at most 10 media per message. */
const MAX_MEDIA = 10;

const isForm = (contentType: string | undefined) => (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

/**
 * Twilio Programmable Messaging. Inbound texts become ChannelEvents (keywords change consent
 * instead); replies never ride on the TwiML answer: they go through the outbox, so they are
 * durable, retried, ordered and consent-checked like every other outbound message.
 */
export async function registerTwilioSms(app: FastifyInstance, services: Services): Promise<void> {
  const signed = requireTwilioSignature(services);
  const emptyTwiml = () => new twilio.twiml.MessagingResponse().toString();

  app.post(SMS_WEBHOOK_PATH, { onRequest: refuseUnsignedTwilio, preHandler: signed, schema: { hide: true } }, async (request, reply) => {
    if (!isForm(request.headers['content-type'])) {
      return reply.code(415).type('text/plain').send('Twilio webhooks are application/x-www-form-urlencoded.');
    }
    const body = request.body;
    const messageSid = formField(body, 'MessageSid') ?? formField(body, 'SmsSid');
    const from = formField(body, 'From');
    const toRaw = formField(body, 'To');
    const text = formField(body, 'Body') ?? '';
    if (!messageSid || !/^[A-Za-z]{2}[0-9a-fA-F]{32}$/.test(messageSid)) return reply.code(400).type('text/plain').send('MessageSid is missing or malformed.');
    if (!from) return reply.code(400).type('text/plain').send('From is missing.');
    const to = toRaw ? normalizePhone(toRaw) : null;
    if (!to) return reply.code(400).type('text/plain').send('To is missing or is not a phone number.');
    const organizationId = await organizationForEndpoint(services.database.db, 'sms', to);
    if (!organizationId) return reply.code(404).type('text/plain').send('This number is not connected to any organisation in carethread.');
    const numMedia = Math.min(Number(formField(body, 'NumMedia') ?? 0) || 0, MAX_MEDIA);
    const mediaUrls: string[] = [];
    for (let i = 0; i < numMedia; i++) {
      const url = formField(body, `MediaUrl${i}`);
      if (url && /^https?:\/\//i.test(url) && url.length <= 2000) mediaUrls.push(url);
    }
    await receiveSms(services, organizationId, { messageSid, from, to, body: text, mediaUrls });
    return reply.type('text/xml').send(emptyTwiml());
  });

  app.post(SMS_STATUS_PATH, { onRequest: refuseUnsignedTwilio, preHandler: signed, schema: { hide: true } }, async (request, reply) => {
    if (!isForm(request.headers['content-type'])) {
      return reply.code(415).type('text/plain').send('Twilio webhooks are application/x-www-form-urlencoded.');
    }
    const body = request.body;
    const messageSid = formField(body, 'MessageSid') ?? formField(body, 'SmsSid');
    const status = (formField(body, 'MessageStatus') ?? formField(body, 'SmsStatus'))?.toLowerCase();
    if (!messageSid || !/^[A-Za-z]{2}[0-9a-fA-F]{32}$/.test(messageSid)) return reply.code(400).type('text/plain').send('MessageSid is missing or malformed.');
    if (!status || !/^[a-z_]{1,30}$/.test(status)) return reply.code(400).type('text/plain').send('MessageStatus is missing or malformed.');
    // Our number is the sender of the message the report is about: it names the tenant.
    const ours = normalizePhone(formField(body, 'From') ?? '');
    const organizationId = ours ? await organizationForEndpoint(services.database.db, 'sms', ours) : null;
    // Unknown message or number: acknowledged, so Twilio does not retry a report we cannot use.
    if (organizationId) await recordSmsStatus(services, organizationId, { messageSid, status, errorCode: formField(body, 'ErrorCode') });
    return reply.code(200).type('text/plain').send('');
  });
}
