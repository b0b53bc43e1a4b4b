import { createHash, randomUUID } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Services } from '../../pipeline/context.ts';
import { ingestEvent } from '../../pipeline/ingest.ts';
import { ChangeSet } from '../../store/events.ts';
import { chatSessions, interactions, messages } from '../../store/schema.ts';

/** A session whose browser has been silent this long starts afresh (same visitor, new chat). */
export const RESUME_WINDOW_MS = 24 * 60 * 60_000;
/** Replayed on welcome; a chat longer than this shows its latest lines. */
const HISTORY_LIMIT = 200;

export interface ChatSession {
  id: string;
  organizationId: string;
  visitorId: string;
  interactionId: string;
  language: 'en' | 'es' | null;
}

export function hashResumeToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The conversation handle that groups a session's events into one interaction. */
export function conversationRefOf(sessionId: string): string {
  return `chat:${sessionId}`;
}

/** The provider id of a chat line: a resend of the same clientId after a drop is the same event. */
export function idempotencyKeyOf(sessionId: string, clientId: string): string {
  return `${sessionId}:${clientId}`;
}

/**
 * The session a resume token belongs to, if it is this organisation's, still open and seen
 * recently. `expiredVisitorId` names the visitor of a token that is known but too old, so the
 * new session keeps the same chat identity.
 */
export async function findResumableSession(
  services: Services,
  organizationId: string,
  token: string,
): Promise<{ session: ChatSession | null; expiredVisitorId: string | null }> {
  const [row] = await services.database.db
    .select()
    .from(chatSessions)
    .where(and(eq(chatSessions.organizationId, organizationId), eq(chatSessions.resumeTokenHash, hashResumeToken(token))));
  if (!row || !row.interactionId) return { session: null, expiredVisitorId: null };
  const fresh = !row.closedAt && services.now().getTime() - Date.parse(row.lastSeenAt) < RESUME_WINDOW_MS;
  if (!fresh) return { session: null, expiredVisitorId: row.visitorId };
  return {
    session: {
      id: row.id,
      organizationId,
      visitorId: row.visitorId,
      interactionId: row.interactionId,
      language: row.language === 'en' || row.language === 'es' ? row.language : null,
    },
    expiredVisitorId: null,
  };
}

/**
 * A new chat: a visitor id (kept when the browser had one), an interaction opened through the
 * pipeline like any other contact, and a resume token of which only the hash is stored.
 */
export async function startChatSession(
  services: Services,
  organizationId: string,
  input: { visitorId?: string | null; language?: 'en' | 'es' },
): Promise<{ session: ChatSession; resumeToken: string }> {
  const id = randomUUID();
  const visitorId = input.visitorId ?? `v-${Buffer.from(services.randomBytes(16)).toString('base64url')}`;
  const resumeToken = Buffer.from(services.randomBytes(32)).toString('base64url');
  const at = services.now().toISOString();
  const started = await ingestEvent(services, organizationId, {
    channel: 'webchat',
    direction: 'inbound',
    kind: 'contact_started',
    idempotencyKey: `${id}:start`,
    occurredAt: at,
    conversationRef: conversationRefOf(id),
    from: { kind: 'chat_visitor', value: visitorId },
    ...(input.language ? { language: input.language } : {}),
  });
  const interactionId = started.interactionId!;
  await services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    await tx.insert(chatSessions).values({
      id,
      organizationId,
      visitorId,
      resumeTokenHash: hashResumeToken(resumeToken),
      interactionId,
      language: input.language ?? null,
      createdAt: at,
      lastSeenAt: at,
    });
    await changes.append({ kind: 'chat_session_started', interactionId, occurredAt: at, data: { language: input.language ?? null } });
    await changes.commit();
  });
  return { session: { id, organizationId, visitorId, interactionId, language: input.language ?? null }, resumeToken };
}

/** A reload or reconnect: noted in the log so analytics can see dropped and resumed chats. */
export async function markResumed(services: Services, session: ChatSession, language?: 'en' | 'es'): Promise<void> {
  const at = services.now().toISOString();
  await services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, session.organizationId);
    await tx
      .update(chatSessions)
      .set({ lastSeenAt: at, ...(language ? { language } : {}) })
      .where(changes.owned(chatSessions, session.id));
    await changes.append({ kind: 'chat_session_resumed', interactionId: session.interactionId, occurredAt: at });
    await changes.commit();
  });
}

export async function touchSession(services: Services, session: ChatSession): Promise<void> {
  await services.database.db
    .update(chatSessions)
    .set({ lastSeenAt: services.now().toISOString() })
    .where(and(eq(chatSessions.organizationId, session.organizationId), eq(chatSessions.id, session.id)));
}

export async function caseOfInteraction(services: Services, session: ChatSession): Promise<string | null> {
  const [row] = await services.database.db
    .select({ caseId: interactions.caseId })
    .from(interactions)
    .where(and(eq(interactions.organizationId, session.organizationId), eq(interactions.id, session.interactionId)));
  return row?.caseId ?? null;
}

export type ChatLine = {
  id: string;
  direction: string;
  actor: string;
  body: string | null;
  providerRef: string | null;
  occurredAt: string;
  readAt: string | null;
};

/** Every line of the session's interaction, oldest first (the last HISTORY_LIMIT of them). */
export async function chatLines(services: Services, session: ChatSession): Promise<ChatLine[]> {
  const rows = await services.database.db
    .select({
      id: messages.id,
      direction: messages.direction,
      actor: messages.actor,
      body: messages.body,
      providerRef: messages.providerRef,
      occurredAt: messages.occurredAt,
      readAt: messages.readAt,
    })
    .from(messages)
    .where(and(eq(messages.organizationId, session.organizationId), eq(messages.interactionId, session.interactionId)))
    .orderBy(asc(messages.occurredAt), asc(messages.id));
  return rows.slice(-HISTORY_LIMIT);
}

/** The stored line for a chat message the visitor sent, found by its idempotency key. */
export async function lineForClientId(services: Services, session: ChatSession, clientId: string): Promise<{ id: string; occurredAt: string } | null> {
  const [row] = await services.database.db
    .select({ id: messages.id, occurredAt: messages.occurredAt })
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, session.organizationId),
        eq(messages.interactionId, session.interactionId),
        eq(messages.providerRef, idempotencyKeyOf(session.id, clientId)),
      ),
    )
    .limit(1);
  return row ?? null;
}

/**
 * The patient saw a reply: set its read time (once) and announce the case, so a staff screen
 * can show the receipt. Only outbound lines of this session's own interaction qualify.
 */
export async function markReplyRead(services: Services, session: ChatSession, messageId: string): Promise<'read' | 'already_read' | 'unknown'> {
  const at = services.now().toISOString();
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, session.organizationId);
    const ours = and(
      eq(messages.organizationId, session.organizationId),
      eq(messages.id, messageId),
      eq(messages.interactionId, session.interactionId),
      eq(messages.direction, 'outbound'),
    );
    const [row] = await tx
      .update(messages)
      .set({ readAt: at })
      .where(and(ours, isNull(messages.readAt)))
      .returning({ caseId: messages.caseId });
    if (!row) {
      const [exists] = await tx.select({ id: messages.id }).from(messages).where(ours);
      return exists ? 'already_read' : 'unknown';
    }
    changes.touch(row.caseId);
    await changes.commit();
    return 'read';
  });
}
