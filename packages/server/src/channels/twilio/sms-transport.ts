import { AsyncLocalStorage } from 'node:async_hooks';
import { asc, and, eq } from 'drizzle-orm';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { Services } from '../../pipeline/context.ts';
import { PermanentDeliveryError, type DeliveryResult, type OutboundItem, type OutboundTransport } from '../../outbox/transport.ts';
import { channelEndpoints } from '../../store/schema.ts';

/** Header carrying the outbox row's idempotency key on every create-message request. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export const SMS_STATUS_PATH = '/channels/twilio/sms/status';

export interface TwilioSmsTransportOptions {
  /** Socket and request timeout for Twilio's API (default 15 s, well inside the worker's lease). */
  timeoutMs?: number;
}

/**
 * Outbound SMS through Twilio's Messages API, with the real twilio library. The library talks to
 * `settings.twilio.apiBaseUrl` instead of https://api.twilio.com: every resource URL is built
 * from its domain's `baseUrl` at request time, so overriding `client.api.baseUrl` sends the real
 * requests (Basic auth, form body, headers) to a sandbox or to the test double.
 *
 * The worker owns retries, so the library's own 429 retry stays off.
 */
export function twilioSmsTransport(services: Services, options: TwilioSmsTransportOptions = {}): OutboundTransport {
  const { accountSid, authToken, apiBaseUrl } = services.settings.twilio;
  const currentKey = new AsyncLocalStorage<string>();

  // The Messages resource has no parameter for extra headers; the HTTP client adds the key of
  // the row being sent, found through the async context of that one send.
  class KeyedRequestClient extends twilio.RequestClient {
    override request<TData>(opts: RequestClient.RequestOptions<TData>) {
      const key = currentKey.getStore();
      return super.request<TData>(key ? { ...opts, headers: { ...opts.headers, [IDEMPOTENCY_HEADER]: key } } : opts);
    }
  }

  const client = twilio(accountSid, authToken, {
    httpClient: new KeyedRequestClient({ timeout: options.timeoutMs ?? 15_000, keepAlive: true }),
    autoRetry: false,
  });
  client.api.baseUrl = apiBaseUrl;

  async function senderNumber(item: OutboundItem): Promise<string | null> {
    if (typeof item.payload.from === 'string' && item.payload.from) return item.payload.from;
    const [endpoint] = await services.database.db
      .select({ address: channelEndpoints.address })
      .from(channelEndpoints)
      .where(and(eq(channelEndpoints.organizationId, item.organizationId), eq(channelEndpoints.channel, 'sms')))
      .orderBy(asc(channelEndpoints.createdAt), asc(channelEndpoints.address))
      .limit(1);
    return endpoint?.address ?? null;
  }

  return {
    channel: 'sms',
    async send(item: OutboundItem): Promise<DeliveryResult> {
      const body = typeof item.payload.text === 'string' ? item.payload.text : '';
      if (!body) throw new PermanentDeliveryError('The outbox entry has no text to send.');
      const from = await senderNumber(item);
      if (!from) throw new PermanentDeliveryError('The organisation has no SMS number (channel endpoint) to send from.');
      try {
        // Long and non-GSM text (accents, emoji) goes as-is: Twilio segments and encodes it.
        const message = await currentKey.run(item.idempotencyKey, () =>
          client.messages.create({ to: item.toAddress, from, body, statusCallback: `${services.settings.publicUrl}${SMS_STATUS_PATH}` }),
        );
        return { providerRef: message.sid };
      } catch (err) {
        throw classifyTwilioError(err);
      }
    },
  };
}

/**
 * Twilio's verdict, in the worker's terms. Messages name the HTTP status and Twilio's error
 * code only: Twilio's own text can quote the recipient's number.
 */
export function classifyTwilioError(err: unknown): Error {
  const e = err as { status?: unknown; code?: unknown };
  if (typeof e?.status === 'number') {
    const status = e.status;
    const code = typeof e.code === 'number' || typeof e.code === 'string' ? ` error ${e.code}` : '';
    // 401/403: our credentials, not this message; 408/409/429: try again later.
    if (status >= 400 && status < 500 && ![401, 403, 408, 409, 429].includes(status)) {
      return new PermanentDeliveryError(`Twilio refused the message (HTTP ${status}${code}).`);
    }
    return new Error(`Twilio could not take the message now (HTTP ${status}${code}).`);
  }
  const code = (err as { code?: unknown })?.code;
  return new Error(`Could not reach Twilio${typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : ''}.`);
}
