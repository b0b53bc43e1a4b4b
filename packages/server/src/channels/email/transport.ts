import { and, asc, desc, eq, isNotNull, lt } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Services } from '../../pipeline/context.ts';
import { PermanentDeliveryError, type DeliveryResult, type OutboundItem, type OutboundTransport } from '../../outbox/transport.ts';
import { endpointsOf } from '../../store/endpoints.ts';
import { getOrganization } from '../../store/orgs.ts';
import { interactions, messages, outbox } from '../../store/schema.ts';
import { replySubject } from './detect.ts';
import { outboundMessageId } from './ids.ts';

/** References kept on an outbound message: enough for any client to thread, bounded for long cases. */
const MAX_REFERENCES = 20;

export interface EmailTransport extends OutboundTransport {
  /** Closes idle relay connections. */
  close(): void;
}

interface OutboundContext {
  orgName: string;
  domain: string;
  language: string | null;
  lastInbound: { providerRef: string; subject: string | null } | null;
  references: string[];
}

/**
 * Delivers the outbox's email through the relay in settings.email.relayUrl with nodemailer.
 *
 * The mail comes from care@<organisation's mail domain> and asks replies to go to
 * reply+<case reply token>@ that domain, so an answer finds its case even when the patient's
 * client drops the References. The Message-ID is derived from the outbox row, so a retry is
 * the same message to the receiving server, and it is what this returns as providerRef (the
 * worker stores it; a bounce names it).
 */
export function emailTransport(services: Services): EmailTransport {
  let transporter: ReturnType<typeof nodemailer.createTransport> | null = null;
  let transporterUrl: string | null = null;
  const relay = () => {
    const url = services.settings.email.relayUrl;
    // No relay configured is an operator's gap, not the message's fault: it stays retryable.
    if (!url) throw new Error('No outbound mail relay is configured (CARETHREAD_SMTP_RELAY).');
    if (!transporter || transporterUrl !== url) {
      transporter?.close();
      transporter = nodemailer.createTransport({
        url,
        // The worker must not hang on a dead relay; these bound one attempt.
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 60_000,
        logger: false,
        disableFileAccess: true,
        disableUrlAccess: true,
      } as Parameters<typeof nodemailer.createTransport>[0] & object);
      transporterUrl = url;
    }
    return transporter;
  };

  return {
    channel: 'email',
    async send(item: OutboundItem): Promise<DeliveryResult> {
      const mailer = relay();
      const ctx = await outboundContext(services, item);
      const messageId = outboundMessageId(services.secret, item.organizationId, item.id, item.idempotencyKey, ctx.domain);
      const payload = item.payload;
      const text = typeof payload.text === 'string' ? payload.text : '';
      const replyToken = typeof payload.replyToken === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(payload.replyToken) ? payload.replyToken : null;
      const spanish = ctx.language === 'es';
      const subject =
        (typeof payload.subject === 'string' && payload.subject.trim()) ||
        (ctx.lastInbound?.subject ? replySubject(ctx.lastInbound.subject) : '') ||
        (payload.continuationId
          ? spanish
            ? `Continúe su conversación con ${ctx.orgName}`
            : `Continue your conversation with ${ctx.orgName}`
          : spanish
            ? `Un mensaje de ${ctx.orgName}`
            : `A message from ${ctx.orgName}`);
      try {
        await mailer.sendMail({
          from: { name: ctx.orgName, address: `care@${ctx.domain}` },
          to: item.toAddress,
          ...(replyToken ? { replyTo: `reply+${replyToken}@${ctx.domain}` } : {}),
          subject,
          text,
          messageId,
          ...(ctx.lastInbound ? { inReplyTo: ctx.lastInbound.providerRef } : {}),
          ...(ctx.references.length ? { references: ctx.references } : {}),
          // Asks Exchange/Outlook not to answer with out-of-office notices, which would only be dropped.
          headers: { 'X-Auto-Response-Suppress': 'OOF, AutoReply' },
        });
      } catch (err) {
        throw deliveryError(err);
      }
      return { providerRef: messageId };
    },
    close() {
      transporter?.close();
      transporter = null;
    },
  };
}

/**
 * 5xx to the envelope or the message (unknown mailbox, message refused) will fail the same way
 * again: permanent. Connection trouble, timeouts, 4xx and relay authentication (an operator
 * fixes that) stay retryable.
 */
function deliveryError(err: unknown): Error {
  const e = err as { code?: string; responseCode?: number; command?: string; message?: string };
  const code = e.responseCode ?? 0;
  const envelopeOrMessage = e.code === 'EENVELOPE' || e.code === 'EMESSAGE' || e.command === 'RCPT TO' || e.command === 'MAIL FROM' || e.command === 'DATA';
  // Reason lines from servers can quote the address; keep only the status and where it failed.
  const where = e.command ? ` at ${e.command}` : '';
  if (code >= 500 && code < 600 && envelopeOrMessage) return new PermanentDeliveryError(`SMTP ${code}${where}: the relay refused the message`);
  if (e.code === 'EENVELOPE' && !code) return new PermanentDeliveryError('The recipient address is not valid for SMTP');
  return new Error(code ? `SMTP ${code}${where}: temporary failure` : `Mail relay unreachable or failed (${e.code ?? 'error'})`);
}

async function outboundContext(services: Services, item: OutboundItem): Promise<OutboundContext> {
  const { db } = services.database;
  const org = await getOrganization(db, item.organizationId);
  const endpoints = (await endpointsOf(db, item.organizationId, 'email')).sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
  const context: OutboundContext = {
    orgName: org?.name ?? 'carethread',
    domain: endpoints[0]?.address ?? services.settings.email.domain,
    language: null,
    lastInbound: null,
    references: [],
  };
  const [row] = await db
    .select({ caseId: outbox.caseId, interactionId: outbox.interactionId })
    .from(outbox)
    .where(and(eq(outbox.organizationId, item.organizationId), eq(outbox.id, item.id)));
  if (row?.interactionId) {
    const [interaction] = await db
      .select({ language: interactions.language })
      .from(interactions)
      .where(and(eq(interactions.organizationId, item.organizationId), eq(interactions.id, row.interactionId)));
    context.language = interaction?.language ?? null;
  }
  if (!row?.caseId) return context;

  const inbound = await db
    .select({ providerRef: messages.providerRef, subject: messages.subject, occurredAt: messages.occurredAt })
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, item.organizationId),
        eq(messages.caseId, row.caseId),
        eq(messages.channel, 'email'),
        eq(messages.direction, 'inbound'),
        isNotNull(messages.providerRef),
      ),
    )
    .orderBy(desc(messages.occurredAt))
    .limit(MAX_REFERENCES);
  const sentBefore = await db
    .select({ providerRef: outbox.providerRef, createdAt: outbox.createdAt })
    .from(outbox)
    .where(
      and(
        eq(outbox.organizationId, item.organizationId),
        eq(outbox.caseId, row.caseId),
        eq(outbox.channel, 'email'),
        isNotNull(outbox.providerRef),
        lt(outbox.id, item.id),
      ),
    )
    .orderBy(asc(outbox.id))
    .limit(MAX_REFERENCES);
  // Mail that came without a Message-ID is stored under a hash: nothing a client could thread on.
  const last = inbound.find((m) => /^<[^<>\s]+>$/.test(m.providerRef!));
  if (last?.providerRef) context.lastInbound = { providerRef: last.providerRef, subject: last.subject };
  // Oldest first, the message answered last (RFC 5322 §3.6.4).
  const chain = [
    ...inbound.map((m) => ({ ref: m.providerRef!, at: Date.parse(String(m.occurredAt)) })),
    ...sentBefore.map((o) => ({ ref: o.providerRef!, at: Date.parse(String(o.createdAt)) })),
  ]
    .filter((r) => /^<[^<>\s]+>$/.test(r.ref) && r.ref !== context.lastInbound?.providerRef)
    .sort((a, b) => a.at - b.at)
    .map((r) => r.ref);
  context.references = [...new Set([...chain, ...(context.lastInbound ? [context.lastInbound.providerRef] : [])])].slice(-MAX_REFERENCES);
  return context;
}
