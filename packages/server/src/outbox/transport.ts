/**
 * What the outbox worker hands a channel to deliver. A transport speaks one provider's protocol
 * and nothing else; the worker owns retries, ordering, consent and dead letters.
 */
export interface OutboundItem {
  id: number;
  organizationId: string;
  channel: string;
  toAddress: string;
  payload: Record<string, unknown>;
  /** Stable across retries: providers that support it deduplicate on this. */
  idempotencyKey: string;
  attempts: number;
}

export interface DeliveryResult {
  /** The provider's id for the sent message (Twilio MessageSid, SMTP Message-ID). */
  providerRef: string;
}

/** A failure that retrying cannot fix (invalid number, rejected address): straight to dead letters. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

export interface OutboundTransport {
  channel: string;
  send(item: OutboundItem): Promise<DeliveryResult>;
}
