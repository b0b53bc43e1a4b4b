import { createHmac } from 'node:crypto';

/**
 * carethread's outbound Message-ID: `<outbox-<id>.<signature>@<domain>>`.
 *
 * Derived from the outbox row, never random, so a retry after a lost acknowledgement carries
 * the same Message-ID and the receiving server can drop the copy. The signature (an HMAC of the
 * row's idempotency key under the installation secret) makes the id unguessable: a reply whose
 * References name it joins that message's case, so nobody may mint one for a case they were
 * never written from.
 */
export function outboundMessageId(secret: string, organizationId: string, outboxId: number, idempotencyKey: string, domain: string): string {
  const signature = createHmac('sha256', secret).update(`email-message-id\n${organizationId}\n${idempotencyKey}`).digest('base64url').slice(0, 22);
  return `<outbox-${outboxId}.${signature}@${domain}>`;
}
