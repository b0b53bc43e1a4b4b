import { and, asc, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { ChannelEvent } from '@carethread/core';
import type { Services } from '../../pipeline/context.ts';
import { BadInput } from '../../pipeline/errors.ts';
import { ingestEvent, type IngestResult } from '../../pipeline/ingest.ts';
import type { Executor } from '../../store/db.ts';
import { cases, messages } from '../../store/schema.ts';

/** The longest message a patient can post from the portal. */
export const PORTAL_MAX_TEXT = 5000;
/** Per case, the newest messages shown; older ones stay with the care team. */
const MESSAGES_PER_CASE = 200;

export interface PortalCase {
  id: string;
  requestType: string;
  openedAt: string;
  updatedAt: string;
  lastChannel: string | null;
  messages: Array<{ id: string; channel: string; direction: string; actor: string; body: string; occurredAt: string }>;
}

/**
 * The signed-in patient's open requests and every message on them, whatever the channel,
 * oldest first. Scoped by organisation and patient in the query itself: nothing of anyone
 * else's can reach the page.
 */
export async function portalInbox(tx: Executor, organizationId: string, patientId: string): Promise<PortalCase[]> {
  const open = await tx
    .select({ id: cases.id, requestType: cases.requestType, openedAt: cases.openedAt, updatedAt: cases.updatedAt, lastChannel: cases.lastChannel })
    .from(cases)
    .where(and(eq(cases.organizationId, organizationId), eq(cases.patientId, patientId), eq(cases.status, 'open')))
    .orderBy(desc(cases.updatedAt))
    .limit(50);
  if (open.length === 0) return [];
  const rows = await tx
    .select({
      id: messages.id,
      caseId: messages.caseId,
      channel: messages.channel,
      direction: messages.direction,
      actor: messages.actor,
      body: messages.body,
      occurredAt: messages.occurredAt,
    })
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, organizationId),
        inArray(
          messages.caseId,
          open.map((c) => c.id),
        ),
        // Keypad digits and bare call events carry no text to show.
        isNotNull(messages.body),
      ),
    )
    .orderBy(asc(messages.occurredAt), asc(messages.id));
  const byCase = new Map<string, PortalCase['messages']>();
  for (const r of rows) {
    const list = byCase.get(r.caseId!) ?? [];
    list.push({ id: r.id, channel: r.channel, direction: r.direction, actor: r.actor, body: r.body!, occurredAt: r.occurredAt });
    byCase.set(r.caseId!, list);
  }
  return open.map((c) => ({ ...c, messages: (byCase.get(c.id) ?? []).slice(-MESSAGES_PER_CASE) }));
}

/** A case the patient may write on: theirs, following a fold into another case. */
async function ownCase(tx: Executor, organizationId: string, patientId: string, caseId: string) {
  let id: string | null = caseId;
  for (let hops = 0; id && hops < 5; hops++) {
    const [row] = await tx.select().from(cases).where(and(eq(cases.organizationId, organizationId), eq(cases.id, id)));
    if (!row || row.patientId !== patientId) return null;
    if (row.status !== 'merged') return row;
    id = row.mergedIntoId;
  }
  return null;
}

export interface PortalPost {
  sessionId: string;
  patientId: string;
  /** Write on this case; omitted starts a new request (the pipeline threads it). */
  caseId?: string;
  text: string;
  /** Generated when the form was drawn: the same form posted twice is one message. */
  clientId: string;
}

/**
 * A portal message goes down the one path like every other contact. The session vouches for
 * the patient (the pipeline sets assurance `verified`), and a message on a case carries that
 * case's reply token, so a request that began on chat, SMS or a call continues right there.
 */
export async function postPortalMessage(services: Services, organizationId: string, post: PortalPost): Promise<IngestResult> {
  const text = post.text.trim();
  if (!text) throw new BadInput('empty_message', 'Write a message before sending.');
  if (text.length > PORTAL_MAX_TEXT) throw new BadInput('message_too_long', `Messages are limited to ${PORTAL_MAX_TEXT} characters.`);
  if (!/^[A-Za-z0-9-]{8,64}$/.test(post.clientId)) throw new BadInput('invalid_client_id', 'The form is missing its message id; reload the page.');
  let replyToken: string | undefined;
  let caseRef = `new:${post.clientId}`;
  if (post.caseId) {
    const row = await ownCase(services.database.db, organizationId, post.patientId, post.caseId);
    if (!row) throw new BadInput('unknown_case', 'No such request.', 404);
    replyToken = row.replyToken;
    caseRef = row.id;
  }
  const event: ChannelEvent = {
    channel: 'portal',
    direction: 'inbound',
    kind: 'message',
    idempotencyKey: `portal:${post.sessionId}:${post.clientId}`,
    occurredAt: services.now().toISOString(),
    from: { kind: 'portal', value: post.patientId },
    // One interaction per session and case: the pipeline only follows a reply token while the
    // interaction has no case yet, so a second case in the same session needs its own.
    conversationRef: `portal:${post.sessionId}:${caseRef}`,
    actor: 'patient',
    text,
    authenticatedPatientId: post.patientId,
    ...(replyToken ? { replyToken } : {}),
    // No language from the page: the patient may write in another language than the one they
    // read the portal in, and the pipeline detects it from the text.
  };
  return ingestEvent(services, organizationId, event);
}
