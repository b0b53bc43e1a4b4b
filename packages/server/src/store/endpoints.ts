import { and, eq } from 'drizzle-orm';
import type { Executor } from './db.ts';
import { channelEndpoints } from './schema.ts';

export type EndpointChannel = 'sms' | 'voice' | 'email' | 'webchat';

/** Which organisation owns this number, mail domain or widget key; null when nobody does. */
export async function organizationForEndpoint(tx: Executor, channel: EndpointChannel, address: string): Promise<string | null> {
  const [row] = await tx
    .select({ organizationId: channelEndpoints.organizationId })
    .from(channelEndpoints)
    .where(and(eq(channelEndpoints.channel, channel), eq(channelEndpoints.address, address)));
  return row?.organizationId ?? null;
}

export async function endpointsOf(tx: Executor, organizationId: string, channel?: EndpointChannel) {
  return tx
    .select()
    .from(channelEndpoints)
    .where(and(eq(channelEndpoints.organizationId, organizationId), ...(channel ? [eq(channelEndpoints.channel, channel)] : [])));
}

export async function addEndpoint(tx: Executor, organizationId: string, channel: EndpointChannel, address: string, label?: string): Promise<void> {
  await tx.insert(channelEndpoints).values({ organizationId, channel, address, label: label ?? null }).onConflictDoNothing();
}
