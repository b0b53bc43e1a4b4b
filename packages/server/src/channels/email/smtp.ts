import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Services } from '../../pipeline/context.ts';
import { organizationForEndpoint } from '../../store/endpoints.ts';
import { domainOf } from './detect.ts';
import { EmailRejected, MAX_EMAIL_BYTES, MAX_RECIPIENTS, parseRawEmail, receiveEmail } from './inbound.ts';

export interface SmtpInboundOptions {
  /** Defaults to settings.email.inboundPort, else 0 (a free port). */
  port?: number;
  /** Defaults to settings.email.inboundHost. */
  host?: string;
  /** Message size limit in bytes (10 MB). */
  maxBytes?: number;
  /**
   * Certificate for STARTTLS (PEM). Without one STARTTLS is not offered: smtp-server's built-in
   * certificate is public, so it would only pretend to encrypt. Defaults to the files named by
   * CARETHREAD_SMTP_TLS_KEY / CARETHREAD_SMTP_TLS_CERT.
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface SmtpInbound {
  port: number;
  close(): Promise<void>;
}

/** An SMTP reply: 5xx tells the sending server to give up, 4xx to try again later. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * carethread's inbound mail server. It takes mail only for the organisations' mail domains
 * (the RCPT is refused otherwise, so carethread is never an open relay), parses each message
 * and hands it to the pipeline through receiveEmail. Every failure becomes an SMTP reply that
 * says why; nothing a sender does can take the server down.
 */
export async function startSmtpInbound(services: Services, options: SmtpInboundOptions = {}): Promise<SmtpInbound> {
  const maxBytes = options.maxBytes ?? MAX_EMAIL_BYTES;
  const tls = options.tls ?? tlsFromEnv();
  const server = new SMTPServer({
    banner: 'carethread',
    size: maxBytes,
    authOptional: true,
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    logger: false,
    maxClients: 200,
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(smtpError(452, '4.5.3 Too many recipients for one message'));
      const domain = domainOf(address.address);
      if (!domain) return callback(smtpError(553, '5.1.3 Recipient address has no domain'));
      organizationForEndpoint(services.database.db, 'email', domain).then(
        (organizationId) =>
          callback(organizationId ? null : smtpError(550, '5.7.1 carethread accepts mail only for the mail domains of its organisations; this recipient domain is not one of them')),
        () => callback(smtpError(451, '4.3.0 Temporary failure looking up the recipient; try again later')),
      );
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, reply: (err?: Error | null, message?: string) => void) {
      let answered = false;
      const callback = (err: Error | null, message?: string) => {
        if (answered) return;
        answered = true;
        reply(err, message);
      };
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit the rest is drained, not kept; smtp-server answers 552.
        if (size <= maxBytes) chunks.push(chunk);
      });
      stream.on('error', () => callback(smtpError(451, '4.3.0 Error reading the message; try again later')));
      stream.on('end', () => {
        if (stream.sizeExceeded || size > maxBytes) {
          return callback(smtpError(552, `5.3.4 Message too big: the limit is ${maxBytes} bytes`));
        }
        const mailFrom = session.envelope.mailFrom;
        deliver(services, Buffer.concat(chunks), mailFrom ? mailFrom.address : undefined, session.envelope.rcptTo.map((r) => r.address)).then(
          (reply) => callback(null, reply),
          (err: unknown) => callback(err as Error),
        );
      });
    },
  });
  // A client resetting its socket surfaces here; without a listener it would end the process.
  server.on('error', () => {});

  const port = options.port ?? services.settings.email.inboundPort ?? 0;
  const host = options.host ?? services.settings.email.inboundHost;
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One message from DATA to the pipeline; the answer is the SMTP reply text, or an error carrying its code. */
async function deliver(services: Services, raw: Buffer, envelopeFrom: string | undefined, recipients: string[]): Promise<string> {
  try {
    const mail = await parseRawEmail(raw, { from: envelopeFrom, recipients });
    const outcome = await receiveEmail(services, mail);
    if (outcome.outcome === 'message') return outcome.results.some((r) => r.duplicate) ? 'OK: already received' : 'OK: received';
    return outcome.outcome === 'bounce' ? 'OK: delivery report noted' : 'OK: automatic reply noted';
  } catch (err) {
    if (err instanceof EmailRejected) throw smtpError(err.smtpCode, err.message);
    // Our side failed (database unavailable…): the sender keeps the message and retries.
    throw smtpError(451, '4.3.0 Temporary failure storing the message; try again later');
  }
}

function tlsFromEnv(env: NodeJS.ProcessEnv = process.env): { key: Buffer; cert: Buffer } | undefined {
  if (!env.CARETHREAD_SMTP_TLS_KEY || !env.CARETHREAD_SMTP_TLS_CERT) return undefined;
  return { key: readFileSync(env.CARETHREAD_SMTP_TLS_KEY), cert: readFileSync(env.CARETHREAD_SMTP_TLS_CERT) };
}
