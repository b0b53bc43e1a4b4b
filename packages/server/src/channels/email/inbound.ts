import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { simpleParser, type AddressObject } from 'mailparser';
import type { ChannelEvent } from '@carethread/core';
import type { Services } from '../../pipeline/context.ts';
import { BadInput } from '../../pipeline/errors.ts';
import { ingestEvent, type IngestResult } from '../../pipeline/ingest.ts';
import { organizationForEndpoint } from '../../store/endpoints.ts';
import { outbox } from '../../store/schema.ts';
import { classifyMail, domainOf, originalMessageIds, replyTokenOf, type MailKind } from './detect.ts';
import { stripQuotedReply } from './strip.ts';

/** Largest message accepted, on SMTP and on the webhook (bytes). */
export const MAX_EMAIL_BYTES = 10 * 1024 * 1024;
/** Recipients per message: more is a mailing list or abuse, never a patient. */
export const MAX_RECIPIENTS = 50;
/** Characters of new text handed to the pipeline; past this it is cut and marked. */
const MAX_TEXT_CHARS = 100_000;

/** One inbound mail, whichever way it came (SMTP, raw upload, provider JSON). */
export interface InboundEmail {
  /** SMTP MAIL FROM ('' for the null sender <>); undefined when the carrier did not say. */
  envelopeFrom?: string;
  /** Where it was delivered: the SMTP envelope, else To/Cc and delivery headers. */
  recipients: string[];
  from: { address: string; name?: string } | null;
  subject?: string;
  /** The whole plain-text body (HTML-only mail already converted). */
  text: string;
  messageId?: string;
  /** In-Reply-To then References, each `<id>`. */
  references: string[];
  /** First value of each header, by lower-case name. */
  headers: Record<string, string>;
  attachments: Array<{ contentType: string; size: number }>;
  /** Body of the raw message, searched for the original Message-ID when this is a bounce. */
  rawBody?: string;
  /** Hash of the message, the idempotency key when there is no Message-ID. */
  fingerprint: string;
}

/**
 * Why a mail was refused. `smtpCode` is the SMTP reply (5xx: do not retry), `status` the HTTP
 * answer on the webhook; the message is safe to show the sender (no patient data).
 */
export class EmailRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly smtpCode: number,
    readonly status: 400 | 404 | 413 | 422,
  ) {
    super(message);
    this.name = 'EmailRejected';
  }
}

export type ReceiveOutcome =
  | { outcome: 'message'; results: IngestResult[] }
  | { outcome: 'bounce'; reason: string; originalMessageId: string | null }
  | { outcome: 'auto_reply'; reason: string };

/** Parses an RFC 822 message. mailparser tolerates almost anything; what it cannot read is refused with the reason. */
export async function parseRawEmail(raw: Buffer, envelope: { from?: string; recipients?: string[] } = {}): Promise<InboundEmail> {
  let mail;
  try {
    mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, keepCidLinks: true });
  } catch (err) {
    throw new EmailRejected('unparseable', `5.6.0 The message could not be parsed as MIME (${(err as Error).message.slice(0, 120)}).`, 554, 422);
  }
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines ?? []) {
    if (headers[key] !== undefined) continue;
    const colon = line.indexOf(':');
    headers[key] = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  const sender = mail.from?.value.find((a) => a.address);
  const recipients = envelope.recipients ?? [
    ...addresses(mail.to),
    ...addresses(mail.cc),
    ...['delivered-to', 'x-original-to', 'envelope-to'].flatMap((h) => (headers[h] ? [headers[h]!.replace(/^<|>$/g, '')] : [])),
  ];
  // mailparser converts HTML only when it is the whole message; HTML-only mail with attachments comes back without text.
  const text = mail.text || (typeof mail.html === 'string' && mail.html ? await htmlToText(mail.html) : '');
  const source = raw.toString('latin1');
  const bodyAt = source.search(/\r?\n\r?\n/);
  return {
    envelopeFrom: envelope.from,
    recipients,
    from: sender?.address ? { address: sender.address, name: sender.name || undefined } : null,
    subject: mail.subject,
    text,
    messageId: mail.messageId,
    references: referencesOf(mail.inReplyTo, mail.references),
    headers,
    attachments: mail.attachments.map((a) => ({ contentType: a.contentType, size: a.size })),
    rawBody: bodyAt >= 0 ? source.slice(bodyAt, bodyAt + 2 * 1024 * 1024) : '',
    fingerprint: createHash('sha256').update(raw).digest('hex'),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  return (Array.isArray(field) ? field : [field]).flatMap((o) => o.value.flatMap((a) => [a.address, ...(a.group ?? []).map((g) => g.address)])).filter((a): a is string => !!a);
}

/** In-Reply-To then References, each as `<id>`, deduplicated, at most 50. */
export function referencesOf(inReplyTo: string | undefined, references: string | string[] | undefined): string[] {
  const joined = [inReplyTo ?? '', ...(Array.isArray(references) ? references : [references ?? ''])].join(' ').slice(0, 64 * 1024);
  const ids: string[] = [];
  for (const token of joined.replace(/></g, '> <').split(/[\s,]+/)) {
    if (/^<[^<>@]{1,200}@[^<>@]{1,200}>$/.test(token)) ids.push(token);
    else if (/^[^<>@]{1,200}@[^<>@]{1,200}$/.test(token)) ids.push(`<${token}>`);
  }
  return [...new Set(ids)].slice(0, 50);
}

/** HTML-only JSON posts are converted by the same parser SMTP mail goes through. */
export async function htmlToText(html: string): Promise<string> {
  const mail = await simpleParser(Buffer.from(`Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${html}`, 'utf8'), {
    skipImageLinks: true,
    skipTextToHtml: true,
    keepCidLinks: true,
  });
  return mail.text ?? '';
}

/**
 * The organisations a mail is for, from its recipients' domains, with the reply token of a
 * `reply+<token>@` recipient. Unknown domains are ignored here; none known is a rejection.
 */
export async function recipientsByOrganization(services: Services, recipients: string[]): Promise<Map<string, { address: string; replyToken: string | null }>> {
  const byOrg = new Map<string, { address: string; replyToken: string | null }>();
  for (const address of recipients.slice(0, MAX_RECIPIENTS)) {
    const domain = domainOf(address);
    if (!domain) continue;
    const organizationId = await organizationForEndpoint(services.database.db, 'email', domain);
    if (!organizationId) continue;
    const token = replyTokenOf(address);
    const known = byOrg.get(organizationId);
    if (!known || (!known.replyToken && token)) byOrg.set(organizationId, { address, replyToken: token });
  }
  return byOrg;
}

/**
 * Turns one inbound mail into ChannelEvents for the pipeline, once per organisation it is
 * addressed to. Patient mail becomes a `message`; a bounce becomes a failed `delivery_status`
 * on the outbox row it reports about; an auto-reply is recorded as a `delivery_status` too and
 * goes no further, so neither ever opens a case.
 */
export async function receiveEmail(services: Services, mail: InboundEmail): Promise<ReceiveOutcome> {
  const targets = await recipientsByOrganization(services, mail.recipients);
  if (targets.size === 0) {
    throw new EmailRejected('unknown_recipient', '5.1.1 No recipient of this message is at a mail domain carethread serves.', 550, 422);
  }
  const kind: MailKind = classifyMail({ envelopeFrom: mail.envelopeFrom, fromAddress: mail.from?.address, subject: mail.subject, headers: mail.headers });
  const idempotencyKey = keyOf(mail);
  const occurredAt = services.now().toISOString();

  if (kind.kind === 'bounce') {
    const original = originalMessageIds(mail.rawBody ?? mail.text)[0] ?? null;
    for (const organizationId of targets.keys()) {
      await ingestEvent(services, organizationId, {
        channel: 'email',
        direction: 'inbound',
        kind: 'delivery_status',
        status: 'failed',
        idempotencyKey,
        occurredAt,
        ...(original ? { conversationRef: original } : {}),
      });
      if (original) {
        // The pipeline marks the row 'failed', which the outbox worker reads as "retry later";
        // a bounce is final, so the row is settled as dead (no-op once the pipeline does so).
        await services.database.db
          .update(outbox)
          .set({ status: 'dead', lastError: `bounced (${kind.reason})` })
          .where(and(eq(outbox.organizationId, organizationId), eq(outbox.providerRef, original), inArray(outbox.status, ['failed', 'sent'])));
      }
    }
    return { outcome: 'bounce', reason: kind.reason, originalMessageId: original };
  }
  if (kind.kind === 'auto_reply') {
    for (const organizationId of targets.keys()) {
      await ingestEvent(services, organizationId, { channel: 'email', direction: 'inbound', kind: 'delivery_status', status: 'auto_reply', idempotencyKey, occurredAt });
    }
    return { outcome: 'auto_reply', reason: kind.reason };
  }

  const sender = mail.from?.address ?? (mail.envelopeFrom || undefined);
  if (!sender) throw new EmailRejected('no_sender', '5.1.7 The message has no sender address (no From header and no return path).', 550, 422);
  const subject = mail.subject ? clean(mail.subject).slice(0, 998) : undefined;
  let text = clean(stripQuotedReply(mail.text)).trim();
  // A patient who writes only a subject ("Refill please") still said something.
  if (!text && subject) text = subject.replace(/^\s*((re|aw|rv|fw|fwd)\s*:\s*)+/i, '').trim();
  if (text.length > MAX_TEXT_CHARS) text = `${text.slice(0, MAX_TEXT_CHARS)}\n[message truncated]`;

  const results: IngestResult[] = [];
  for (const [organizationId, target] of targets) {
    const replyToken = target.replyToken;
    const event: ChannelEvent = {
      channel: 'email',
      direction: 'inbound',
      kind: 'message',
      idempotencyKey,
      occurredAt,
      from: { kind: 'email', value: sender, ...(mail.from?.name ? { displayName: clean(mail.from.name).slice(0, 200) } : {}) },
      to: { kind: 'email', value: target.address },
      text,
      ...(subject ? { subject } : {}),
      ...(mail.messageId ? { messageId: mail.messageId } : {}),
      ...(mail.references.length ? { references: mail.references } : {}),
      ...(replyToken ? { replyToken } : {}),
      // Attachments are not kept: the case notes how many there were and of what type, never names or bytes.
      ...(mail.attachments.length ? { mediaUrls: mail.attachments.map((a, i) => `urn:carethread:email-attachment:${i + 1}:${a.contentType}`) } : {}),
    };
    try {
      results.push(await ingestEvent(services, organizationId, event));
    } catch (err) {
      if (err instanceof BadInput && err.status < 500) {
        throw new EmailRejected(err.code, `5.6.0 ${err.message}`, 550, 422);
      }
      throw err;
    }
  }
  return { outcome: 'message', results };
}

/** The provider's id, or a hash of the message when it has none (or an absurd one). */
function keyOf(mail: InboundEmail): string {
  const id = mail.messageId?.trim();
  if (id && id.length <= 250) return id;
  return `sha256:${mail.fingerprint}`;
}

/** Text Postgres can store: no NUL or other control characters, no lone surrogates (broken encodings). */
function clean(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
