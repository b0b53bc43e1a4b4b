import { and, eq } from 'drizzle-orm';
import { consentAddressIndex } from './blind-indexes.ts';
import type { Executor } from './db.ts';
import type { ChangeSet } from './events.ts';
import { consents } from './schema.ts';

export type ConsentChannel = 'sms' | 'email' | 'voice';
export type ConsentStatus = 'opted_in' | 'opted_out';

/** No row means no objection on record: transactional messages may be sent. */
export async function consentFor(tx: Executor, organizationId: string, channel: ConsentChannel, address: string): Promise<ConsentStatus | null> {
  const [row] = await tx
    .select({ status: consents.status })
    .from(consents)
    .where(and(eq(consents.organizationId, organizationId), eq(consents.channel, channel), eq(consents.address, consentAddressIndex(channel, address))));
  return (row?.status as ConsentStatus | undefined) ?? null;
}

export async function setConsent(
  changes: ChangeSet,
  channel: ConsentChannel,
  address: string,
  status: ConsentStatus,
  source: string,
  at: string,
): Promise<void> {
  await changes.tx
    .insert(consents)
    .values({ organizationId: changes.organizationId, channel, address: consentAddressIndex(channel, address), status, source, updatedAt: at })
    .onConflictDoUpdate({ target: [consents.organizationId, consents.channel, consents.address], set: { status, source, updatedAt: at } });
  // The address is an identifier: the log says what changed and where, not to whom.
  await changes.append({ kind: 'consent_changed', occurredAt: at, data: { channel, status, source } });
}
