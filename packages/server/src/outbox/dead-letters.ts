import { and, desc, eq } from 'drizzle-orm';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { ChangeSet } from '../store/events.ts';
import { outbox } from '../store/schema.ts';
import type { OutboxStatus } from './worker.ts';

/** What staff see of an outbox row: where it stands and why, not the message itself (the case shows that). */
export interface OutboxEntry {
  id: number;
  channel: string;
  toAddress: string;
  status: string;
  attempts: number;
  lastError: string | null;
  providerRef: string | null;
  caseId: string | null;
  interactionId: string | null;
  createdAt: string;
  nextAttemptAt: string;
  sentAt: string | null;
}

const columns = {
  id: outbox.id,
  channel: outbox.channel,
  toAddress: outbox.toAddress,
  status: outbox.status,
  attempts: outbox.attempts,
  lastError: outbox.lastError,
  providerRef: outbox.providerRef,
  caseId: outbox.caseId,
  interactionId: outbox.interactionId,
  createdAt: outbox.createdAt,
  nextAttemptAt: outbox.nextAttemptAt,
  sentAt: outbox.sentAt,
};

export async function listOutbox(services: Services, organizationId: string, status: OutboxStatus, limit = 100): Promise<OutboxEntry[]> {
  return services.database.db
    .select(columns)
    .from(outbox)
    .where(and(eq(outbox.organizationId, organizationId), eq(outbox.status, status)))
    .orderBy(desc(outbox.id))
    .limit(limit);
}

/**
 * A person decided a dead letter deserves another go (the number was fixed, the provider is
 * back): it returns to the queue with a fresh attempt budget, due now.
 */
export async function retryDeadLetter(services: Services, organizationId: string, id: number, by?: { tokenId?: string }): Promise<OutboxEntry> {
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const [row] = await tx
      .select({ status: outbox.status, caseId: outbox.caseId, interactionId: outbox.interactionId, channel: outbox.channel })
      .from(outbox)
      .where(and(eq(outbox.organizationId, organizationId), eq(outbox.id, id)))
      .for('update');
    if (!row) throw new BadInput('unknown_outbox_entry', 'No such outbox entry in this organization.', 404);
    if (row.status !== 'dead') {
      throw new BadInput('not_dead', `Only dead letters can be retried; this entry is ${row.status}.`, 409);
    }
    const at = services.now().toISOString();
    const [updated] = await tx
      .update(outbox)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: at })
      .where(and(eq(outbox.organizationId, organizationId), eq(outbox.id, id)))
      .returning(columns);
    await changes.append({
      kind: 'outbox_retry',
      caseId: row.caseId,
      interactionId: row.interactionId,
      occurredAt: at,
      data: { outboxId: id, channel: row.channel, manual: true, tokenId: by?.tokenId ?? null },
    });
    await changes.commit();
    return updated!;
  });
}
