import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Services } from '../pipeline/context.ts';
import { DEMO_SLUG } from '../demo.ts';
import { getOrganizationBySlug } from '../store/orgs.ts';
import { outbox } from '../store/schema.ts';

/** One message carethread would have sent to a synthetic patient's phone or inbox. */
export interface DemoInboxMessage {
  id: number;
  channel: 'sms' | 'email';
  to: string;
  subject: string | null;
  text: string;
  status: string;
  createdAt: string;
}

/**
 * The demo's "patient's phone and inbox" exists only where nothing can reach a real person: the
 * seeded demo organisation, with no SMS provider account and no mail relay configured. Anywhere
 * else it does not exist (404).
 */
export function demoInboxEnabled(services: Services): boolean {
  const twilioConfigured = !!process.env.TWILIO_ACCOUNT_SID;
  return !twilioConfigured && !services.settings.email.relayUrl;
}

/** The newest text messages and emails of the demo organisation, optionally to one address; null when the page is off. */
export async function demoInbox(services: Services, options: { to?: string; limit?: number } = {}): Promise<{ messages: DemoInboxMessage[]; addresses: string[] } | null> {
  if (!demoInboxEnabled(services)) return null;
  const db = services.database.db;
  const org = await getOrganizationBySlug(db, DEMO_SLUG);
  if (!org) return null;
  const rows = await db
    .select({ id: outbox.id, channel: outbox.channel, to: outbox.toAddress, payload: outbox.payload, status: outbox.status, createdAt: outbox.createdAt })
    .from(outbox)
    .where(and(eq(outbox.organizationId, org.id), inArray(outbox.channel, ['sms', 'email'])))
    .orderBy(desc(outbox.id))
    .limit(500);
  const all = rows.map((r) => ({
    id: r.id,
    channel: r.channel as 'sms' | 'email',
    to: r.to,
    subject: typeof r.payload.subject === 'string' ? r.payload.subject : null,
    text: typeof r.payload.text === 'string' ? r.payload.text : '',
    status: r.status,
    createdAt: r.createdAt,
  }));
  const addresses = [...new Set(all.map((m) => m.to))].sort();
  const wanted = options.to ? all.filter((m) => m.to === options.to) : all;
  return { messages: wanted.slice(0, options.limit ?? 100), addresses };
}
