import type { ChangeSet } from '../store/events.ts';
import { cases, messages } from '../store/schema.ts';

/**
 * Stores a message carethread itself sends to a patient (a reminder, a task's status) on the
 * case's conversation, with its `message_sent` event, so agents and the portal see it like any
 * other reply. Returns the message id.
 */
export async function recordSystemMessage(
  changes: ChangeSet,
  input: { caseId: string | null; patientId: string; interactionId: string; channel: string; text: string; subject: string; purpose: string; at: string },
): Promise<string> {
  const [msg] = await changes.tx
    .insert(messages)
    .values({
      organizationId: changes.organizationId,
      interactionId: input.interactionId,
      caseId: input.caseId,
      channel: input.channel,
      direction: 'outbound',
      actor: 'system',
      body: input.text,
      subject: input.channel === 'email' ? input.subject : null,
      occurredAt: input.at,
    })
    .returning({ id: messages.id });
  await changes.append({
    kind: 'message_sent',
    caseId: input.caseId,
    patientId: input.patientId,
    interactionId: input.interactionId,
    occurredAt: input.at,
    data: { channel: input.channel, actor: 'system', purpose: input.purpose },
  });
  return msg!.id;
}

/** The case's reply token, so an email or SMS answer to a system message threads back to it. */
export async function caseReplyToken(changes: ChangeSet, caseId: string | null): Promise<string | null> {
  if (!caseId) return null;
  const [row] = await changes.tx.select({ replyToken: cases.replyToken }).from(cases).where(changes.owned(cases, caseId));
  return row?.replyToken ?? null;
}
