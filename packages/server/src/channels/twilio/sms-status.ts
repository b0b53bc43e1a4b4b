import { and, eq } from 'drizzle-orm';
import type { Services } from '../../pipeline/context.ts';
import { ChangeSet } from '../../store/events.ts';
import { inboundReceipts, outbox } from '../../store/schema.ts';

export interface SmsStatusReport {
  messageSid: string;
  /** queued, sent, delivered, undelivered, failed… as Twilio says it. */
  status: string;
  errorCode?: string;
}

const NOT_DELIVERED = new Set(['failed', 'undelivered']);

/**
 * Twilio's word on a message it accepted from us. "delivered" and friends are recorded; "failed"
 * or "undelivered" turn the row into a dead letter staff can see and retry (the worker never
 * resends on its own: the carrier refused it, and sending again unasked could be spam).
 * A report for a message we do not know changes nothing.
 */
export async function recordSmsStatus(services: Services, organizationId: string, report: SmsStatusReport): Promise<{ known: boolean }> {
  const at = services.now().toISOString();
  return services.database.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: outbox.id, status: outbox.status, caseId: outbox.caseId, interactionId: outbox.interactionId })
      .from(outbox)
      .where(and(eq(outbox.organizationId, organizationId), eq(outbox.channel, 'sms'), eq(outbox.providerRef, report.messageSid)))
      .limit(1)
      .for('update');
    if (!row) return { known: false };
    // Twilio may post the same report again; the second copy is a no-op.
    const [receipt] = await tx
      .insert(inboundReceipts)
      .values({ organizationId, channel: 'sms', idempotencyKey: `status:${report.messageSid}:${report.status}`, result: {}, receivedAt: at })
      .onConflictDoNothing()
      .returning({ key: inboundReceipts.idempotencyKey });
    if (!receipt) return { known: true };
    const changes = new ChangeSet(tx, organizationId);
    const errorCode = report.errorCode && /^\d{1,6}$/.test(report.errorCode) ? Number(report.errorCode) : null;
    await changes.append({
      kind: 'delivery_status',
      caseId: row.caseId,
      interactionId: row.interactionId,
      occurredAt: at,
      data: { channel: 'sms', status: report.status, errorCode, outboxId: row.id },
    });
    if (NOT_DELIVERED.has(report.status) && row.status === 'sent') {
      await tx
        .update(outbox)
        .set({ status: 'dead', lastError: `carrier reported ${report.status}${errorCode ? ` (Twilio error ${errorCode})` : ''}` })
        .where(and(eq(outbox.organizationId, organizationId), eq(outbox.id, row.id)));
      await changes.append({
        kind: 'outbox_dead',
        caseId: row.caseId,
        interactionId: row.interactionId,
        occurredAt: at,
        data: { outboxId: row.id, channel: 'sms', reason: report.status, errorCode },
      });
    }
    await changes.commit();
    return { known: true };
  });
}
