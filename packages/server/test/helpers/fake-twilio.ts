import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Twilio's REST API (the one third party out of reach in tests): it speaks
 * the Messages resource of API version 2010-04-01 over real HTTP, with Basic auth and form
 * bodies, and answers in Twilio's JSON shapes, so the real twilio library talks to it unchanged.
 */
export interface FakeTwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  /** The Idempotency-Key header the client sent, if any. */
  idempotencyKey: string | null;
  receivedAt: number;
}

export type FakeFailure =
  | { kind: 'server_error'; status?: number }
  | { kind: 'twilio_error'; status?: number; code: number; message?: string };

export interface FakeTwilio {
  /** Base URL to put in settings.twilio.apiBaseUrl. */
  url: string;
  accountSid: string;
  authToken: string;
  /** Messages accepted (201), in arrival order. */
  messages: FakeTwilioMessage[];
  /** Every create-message request that reached the server, accepted or not. */
  requests: number;
  /** The next `count` create requests fail with the given answer. */
  failNext(count: number, failure: FakeFailure): void;
  /** Hold every answer this long (lets concurrent workers overlap in tests). */
  delayMs: number;
  /** The form a status callback for a message would carry, as Twilio would post it. */
  statusCallback(sid: string, status: string, errorCode?: number): { url: string; params: Record<string, string> };
  reset(): void;
  close(): Promise<void>;
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** Segments the way carriers count them: GSM-7 fits 160 (153 per part), anything else 70 (67). */
function segments(body: string): number {
  const gsm = /^[A-Za-z0-9 \r\n@£$¥èéùìòÇØøÅå_ÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà^{}\\[~\]|€]*$/.test(body);
  const units = [...body].length;
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return units <= single ? 1 : Math.ceil(units / part);
}

function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeTwilio(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const failures: FakeFailure[] = [];
  const callbacks = new Map<string, FakeTwilioMessage>();

  const fake: FakeTwilio = {
    url: '',
    accountSid,
    authToken,
    messages: [],
    requests: 0,
    delayMs: 0,
    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    statusCallback(sid, status, errorCode) {
      const message = callbacks.get(sid);
      const params: Record<string, string> = {
        MessageSid: sid,
        SmsSid: sid,
        MessageStatus: status,
        SmsStatus: status,
        AccountSid: accountSid,
        From: message?.from ?? '',
        To: message?.to ?? '',
        ApiVersion: '2010-04-01',
      };
      if (errorCode !== undefined) params.ErrorCode = String(errorCode);
      return { url: message?.statusCallback ?? '', params };
    },
    reset() {
      failures.length = 0;
      fake.messages.length = 0;
      fake.requests = 0;
      fake.delayMs = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // The client keeps connections alive; close them or close() waits for their idle timeout.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const match = MESSAGES_PATH.exec(path);
    const raw = await readBody(req);
    if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
    if (!match || req.method !== 'POST') return twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
    const auth = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (auth !== expected || decodeURIComponent(match[1]!) !== accountSid) return twilioError(res, 401, 20003, 'Authenticate');
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return twilioError(res, 400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
    }
    fake.requests++;
    const failure = failures.shift();
    if (failure?.kind === 'server_error') return twilioError(res, failure.status ?? 500, 20500, 'Internal Server Error');
    if (failure?.kind === 'twilio_error') return twilioError(res, failure.status ?? 400, failure.code, failure.message ?? 'Twilio error');
    const form = new URLSearchParams(raw);
    const to = form.get('To');
    const from = form.get('From');
    const body = form.get('Body');
    if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!from && !form.get('MessagingServiceSid')) return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (!body && !form.get('MediaUrl')) return twilioError(res, 400, 21602, 'Message body is required.');
    if (body && [...body].length > 1600) return twilioError(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const now = new Date();
    const idem = req.headers['idempotency-key'];
    const message: FakeTwilioMessage = {
      sid,
      accountSid,
      to,
      from: from ?? '',
      body: body ?? '',
      statusCallback: form.get('StatusCallback'),
      idempotencyKey: typeof idem === 'string' ? idem : null,
      receivedAt: Date.now(),
    };
    fake.messages.push(message);
    callbacks.set(sid, message);
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        account_sid: accountSid,
        api_version: '2010-04-01',
        body: message.body,
        date_created: rfc2822(now),
        date_sent: null,
        date_updated: rfc2822(now),
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: message.from,
        messaging_service_sid: form.get('MessagingServiceSid'),
        num_media: '0',
        num_segments: String(segments(message.body)),
        price: null,
        price_unit: 'USD',
        sid,
        status: 'queued',
        subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
        to,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
