import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import WebSocket from 'ws';
import { endpointsOf } from '../src/index.ts';
import { startSmtpInbound, type SmtpInbound } from '../src/channels/email/index.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { describeFailure, fuzzParams, fuzzTimeout, hostileJson, hostileString } from './helpers/fuzz.ts';

// Issue 6 point 8, the two long-lived connections the public reaches: the web-chat socket and
// the inbound SMTP server. Whatever a client sends, the server answers in its protocol (an error
// frame, an SMTP reply), never fails internally, never goes down, and serves the next
// well-behaved client as if nothing had happened.

const SOCKET_RUNS = 25;
const SMTP_RUNS = 30;

let h: Harness;
let wsBase: string;

beforeAll(async () => {
  h = await createHarness({ patients: 6 });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  wsBase = `ws://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

// ---------------------------------------------------------------------------------------------
// Web chat.
// ---------------------------------------------------------------------------------------------

interface Client {
  ws: WebSocket;
  frames: any[];
  closed: Promise<{ code: number }>;
}

async function open(org = 'demo'): Promise<Client> {
  const ws = new WebSocket(`${wsBase}/channels/webchat/socket?org=${encodeURIComponent(org)}`);
  const frames: any[] = [];
  ws.on('message', (data) => {
    try {
      frames.push(JSON.parse(data.toString()));
    } catch {
      frames.push({ type: 'unparseable', raw: data.toString().slice(0, 100) });
    }
  });
  const closed = new Promise<{ code: number }>((resolve) => ws.once('close', (code) => resolve({ code })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

async function waitFor(client: Client, match: (f: any) => boolean, ms = 10_000): Promise<any> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const found = client.frames.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no matching frame; got ${JSON.stringify(client.frames.map((f) => f.type))}`);
}

/** One frame a hostile widget might send. */
const frame: fc.Arbitrary<{ kind: 'text' | 'binary'; data: string | Buffer }> = fc.oneof(
  // Shapes of the protocol's own frames, with hostile values.
  {
    weight: 5,
    arbitrary: fc
      .oneof(
        fc.record({ type: fc.constant('hello'), resumeToken: fc.oneof(hostileString, fc.constant('A'.repeat(40))), language: fc.oneof(fc.constantFrom('en', 'es'), hostileString) }, { requiredKeys: ['type'] }),
        fc.record({ type: fc.constant('message'), clientId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), hostileString), text: fc.oneof(hostileString, fc.constantFrom('I need a refill', 'x'.repeat(4_001))) }, { requiredKeys: ['type'] }),
        fc.record({ type: fc.constant('typing'), on: fc.oneof(fc.boolean(), hostileJson) }),
        fc.record({ type: fc.constant('read'), messageId: fc.oneof(fc.uuid(), hostileString) }),
        fc.record({ type: fc.constant('continue'), channel: fc.oneof(fc.constantFrom('voice', 'sms', 'email'), hostileString) }),
        fc.record({ type: hostileString }),
      )
      .map((f) => ({ kind: 'text' as const, data: JSON.stringify(f) })),
  },
  { weight: 2, arbitrary: hostileJson.map((v) => ({ kind: 'text' as const, data: JSON.stringify(v) ?? 'undefined' })) },
  { weight: 2, arbitrary: hostileString.map((s) => ({ kind: 'text' as const, data: s })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ kind: 'binary' as const, data: Buffer.from(b) })) },
  // Past the 64 KiB frame limit: the socket closes with 1009, the server stays up.
  { weight: 1, arbitrary: fc.constant({ kind: 'text' as const, data: `{"type":"message","clientId":"big","text":"${'x'.repeat(70_000)}"}` }) },
);

describe('hostile input: the web-chat socket', () => {
  it(
    'random, malformed, binary, huge and rapid frames get error frames (never an internal one), and a good session still works',
    async () => {
      const run = await fc.check(
        fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 20 }), fc.constantFrom('burst', 'paced', 'paced'), async (frames, pace) => {
          const client = await open();
          if (pace === 'burst') {
            // All at once, hello or not: faster than the rate limit allows, on purpose.
            for (const f of frames) if (client.ws.readyState === WebSocket.OPEN) client.ws.send(f.data, { binary: f.kind === 'binary' });
          } else {
            // Within a started session and under the rate limit, so every frame reaches its handler.
            client.ws.send(JSON.stringify({ type: 'hello' }));
            await waitFor(client, (f) => f.type === 'welcome');
            for (const f of frames.slice(0, 6)) {
              if (client.ws.readyState !== WebSocket.OPEN) break;
              client.ws.send(f.data, { binary: f.kind === 'binary' });
              await new Promise((r) => setTimeout(r, 110));
            }
          }
          // A last frame the server must answer proves it has worked through the rest (or closed).
          await new Promise((r) => setTimeout(r, pace === 'burst' ? 1_000 : 110));
          if (client.ws.readyState === WebSocket.OPEN) client.ws.send('not json');
          await Promise.race([waitFor(client, (f) => f.type === 'error' && f.error === 'invalid_json', 5_000).catch(() => null), client.closed]);
          client.ws.terminate();
          const internal = client.frames.filter((f) => f.type === 'error' && f.error === 'internal');
          expect(internal, JSON.stringify(client.frames.slice(0, 5)).slice(0, 500)).toEqual([]);
          expect(client.frames.filter((f) => f.type === 'unparseable')).toEqual([]);
        }),
        fuzzParams(SOCKET_RUNS),
      );
      expect(run.failed, run.failed ? describeFailure('webchat socket', run) : '').toBe(false);

      // Afterwards a well-behaved visitor is served normally.
      const good = await open();
      good.ws.send(JSON.stringify({ type: 'hello', language: 'en' }));
      const welcome = await waitFor(good, (f) => f.type === 'welcome');
      expect(welcome.sessionId).toBeTruthy();
      good.ws.send(JSON.stringify({ type: 'message', clientId: 'after-fuzz-1', text: 'I need a refill of my lisinopril please' }));
      const ack = await waitFor(good, (f) => f.type === 'ack' && f.clientId === 'after-fuzz-1');
      expect(ack.messageId).toBeTruthy();
      good.ws.close();
    },
    fuzzTimeout(SOCKET_RUNS, 1_500),
  );
});

// ---------------------------------------------------------------------------------------------
// Inbound SMTP.
// ---------------------------------------------------------------------------------------------

/** A raw SMTP client: send lines, read replies (multi-line replies joined). */
class SmtpClient {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<SmtpClient> {
    const socket = tcpConnect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return new SmtpClient(socket);
  }

  /** The next complete reply ("250 ok", or the last line of "250-…\r\n250 …"), or null if the connection closed. */
  async reply(ms = 5_000): Promise<string | null> {
    const until = Date.now() + ms;
    for (;;) {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*(\d{3}(?: [^\r\n]*)?)\r\n/.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m[0].length);
        return m[1]!;
      }
      if (this.closed || Date.now() > until) return null;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  write(data: string | Buffer): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(data);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** SMTP commands as a hostile client types them. */
const smtpCommand = fc.oneof(
  fc.constantFrom(
    'EHLO fuzz.example.org',
    'HELO',
    'EHLO',
    'MAIL FROM:<patient@example.org>',
    'MAIL FROM:<>',
    'MAIL FROM:patient@example.org',
    'MAIL FROM:<a@b> SIZE=999999999999',
    'MAIL FROM:<a@b> BODY=8BITMIME SMTPUTF8',
    'RCPT TO:<care@{domain}>',
    'RCPT TO:<postmaster>',
    'RCPT TO:<care@elsewhere.example.org>',
    'RCPT TO:<"quoted\\"local"@{domain}>',
    'RCPT TO:<>',
    'DATA',
    'BDAT 10 LAST',
    'RSET',
    'NOOP',
    'VRFY root',
    'EXPN staff',
    'HELP',
    'AUTH PLAIN AGZvbwBiYXI=',
    'STARTTLS',
    'XCLIENT ADDR=1.2.3.4',
    '',
    '\u0000\u0000',
    'MAIL FROM:<' + 'a'.repeat(2_000) + '@example.org>',
    'RCPT TO:<care@{domain}>' + ' '.repeat(5_000),
  ),
  hostileString.map((s) => s.replace(/[\r\n]/g, ' ')),
  fc.string({ unit: 'binary-ascii', maxLength: 200 }).map((s) => s.replace(/[\r\n]/g, ' ')),
);

/** Message bodies that break MIME parsers: broken boundaries, bad encodings, huge headers. */
const brokenMessage = fc.oneof(
  fc.constantFrom(
    'Subject: no body',
    'From: <patient@example.org>\r\nSubject: =?UTF-8?B?not-base64!!?=\r\n\r\nhello',
    'From: <patient@example.org>\r\nSubject: =?x-unknown?Q?=FF=FE?=\r\nContent-Type: text/plain; charset=x-does-not-exist\r\n\r\n\u00ff\u00fe',
    'From: <patient@example.org>\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nunterminated part',
    'From: <patient@example.org>\r\nContent-Type: multipart/mixed\r\n\r\n--\r\n--\r\n',
    'From: <patient@example.org>\r\nContent-Type: multipart/alternative; boundary=""\r\n\r\n----\r\n',
    'From: <patient@example.org>\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!not base64%%%%',
    'From: <patient@example.org>\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=0=\r\n=00=00 nul bytes',
    'From: <patient@example.org>\r\nSubject: nul\r\n\r\nI need a refill\u0000 with a NUL',
    'From: =?UTF-8?B?PHNjcmlwdD4=?= <patient@example.org>\r\nSubject: <script>x</script>\r\n\r\n<script>fuzz_marker()</script>',
    'From: "\u0000" <\u0000@example.org>\r\n\r\nhi',
    'From: <patient@example.org>\r\nContent-Type: text/html\r\n\r\n<html><body><' + 'div>'.repeat(5_000) + 'deep</body></html>',
    'From: <patient@example.org>\r\nIn-Reply-To: <' + 'x'.repeat(5_000) + '>\r\nReferences: ' + '<a@b> '.repeat(2_000) + '\r\n\r\nthreading junk',
    'From: <patient@example.org>\r\nX-Huge: ' + 'h'.repeat(100_000) + '\r\n\r\nhuge header',
    'From: <patient@example.org>\r\n' + 'X-Many: 1\r\n'.repeat(5_000) + '\r\nmany headers',
    'From: <patient@example.org>\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\nnested',
    'From: <patient@example.org>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=z\r\n\r\n--z\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\nFinal-Recipient: rfc822;\u0000\r\n--z--',
    'From: <patient@example.org>\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\nAway',
    '\r\n\r\n\r\n',
    '.\r\n..\r\n.',
  ),
  fc.tuple(hostileString, hostileString).map(([subject, body]) => `From: <patient@example.org>\r\nSubject: ${subject.replace(/[\r\n]/g, ' ')}\r\n\r\n${body}`),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

/** Dot-stuffs a body and ends it the SMTP way. */
function dataOf(message: string): string {
  const normalised = message.replace(/\r?\n/g, '\r\n');
  return `${normalised.replace(/^\./gm, '..')}\r\n.\r\n`;
}

/** Replies our own code gives when it failed (smtp.ts): a 451 from storing the message. */
const OUR_FAILURE = /^451 .*(Temporary failure storing|Error reading)/;

describe('hostile input: the inbound SMTP server', () => {
  let inbound: SmtpInbound;
  let domain: string;

  beforeAll(async () => {
    domain = (await endpointsOf(h.database.db, h.organizationId, 'email'))[0]!.address;
    inbound = await startSmtpInbound(h.services, { port: 0, host: '127.0.0.1', maxBytes: 512 * 1024 });
  });

  afterAll(async () => {
    await inbound?.close();
  });

  it(
    'malformed commands, overlong lines and broken messages get SMTP replies, and a good message still goes through',
    async () => {
      const conversation = fc.record({
        before: fc.array(smtpCommand, { maxLength: 8 }),
        envelope: fc.boolean(),
        message: brokenMessage,
        overlong: fc.boolean(),
        after: fc.array(smtpCommand, { maxLength: 3 }),
      });
      const run = await fc.check(
        fc.asyncProperty(conversation, async (c) => {
          const client = await SmtpClient.connect(inbound.port);
          const replies: string[] = [];
          const say = async (line: string) => {
            client.write(`${line.replaceAll('{domain}', domain)}\r\n`);
            const r = await client.reply();
            if (r) replies.push(r);
            return r;
          };
          try {
            const banner = await client.reply();
            expect(banner).toMatch(/^220 /);
            for (const cmd of c.before) if ((await say(cmd)) === null) break;
            if (c.overlong && !client.closed) await say(`NOOP ${'x'.repeat(20_000)}`);
            if (c.envelope && !client.closed) {
              await say('RSET');
              await say('EHLO fuzz.example.org');
              await say('MAIL FROM:<patient@example.org>');
              await say(`RCPT TO:<care@${domain}>`);
              const go = await say('DATA');
              if (go?.startsWith('354')) {
                client.write(dataOf(c.message));
                const r = await client.reply(15_000);
                if (r) replies.push(r);
              }
            }
            for (const cmd of c.after) if ((await say(cmd)) === null) break;
          } finally {
            client.close();
          }
          // Every reply is an SMTP reply, and none is our own failure.
          for (const r of replies) expect(r, replies.join(' | ').slice(0, 500)).toMatch(/^[2-5]\d\d( |$)/);
          expect(replies.filter((r) => OUR_FAILURE.test(r)), replies.join(' | ').slice(0, 500)).toEqual([]);
        }),
        fuzzParams(SMTP_RUNS),
      );
      expect(run.failed, run.failed ? describeFailure('smtp', run) : '').toBe(false);

      // The server is still up and threads a well-formed message as usual.
      const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true });
      try {
        const info = await mailer.sendMail({
          from: '"Ana Example" <ana.example@example.org>',
          to: `care@${domain}`,
          subject: 'Prescription refill',
          messageId: '<after-fuzz-1@example.org>',
          text: 'Hello, I need a refill of my lisinopril please.',
        });
        expect(info.accepted).toEqual([`care@${domain}`]);
      } finally {
        mailer.close();
      }
    },
    fuzzTimeout(SMTP_RUNS, 2_000),
  );
});
