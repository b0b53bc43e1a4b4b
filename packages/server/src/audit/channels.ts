import type { ChannelEvent } from '@carethread/core';
import type { Executor } from '../store/db.ts';
import { appendAudit } from './log.ts';

/**
 * Inbound channel traffic (Twilio webhooks, SMTP, the widget's socket, the portal, the front
 * desk) is written by the pipeline on nobody's token: it is recorded as a `system` write with
 * the channel, inside the ingest transaction (so a committed write always has its audit row)
 * and as its last statement (so the per-organisation chain lock is held only until commit).
 */
export async function auditChannelWrite(
  tx: Executor,
  organizationId: string,
  event: Pick<ChannelEvent, 'channel' | 'kind' | 'direction' | 'occurredAt'>,
  result: { interactionId: string | null; patientId: string | null; caseId: string | null },
): Promise<void> {
  await appendAudit(tx, {
    organizationId,
    actorType: 'system',
    actorRole: 'channel',
    action: 'write',
    resourceType: 'interaction',
    resourceId: result.interactionId,
    patientId: result.patientId,
    route: `channel:${event.channel}`,
    detail: { channel: event.channel, kind: event.kind, direction: event.direction, ...(result.caseId ? { caseId: result.caseId } : {}) },
  });
}

/**
 * A contact from an unknown address linked to a patient by the name and date of birth it
 * stated, or sent to the match review queue: who it became and how, never what was said.
 */
export async function auditStatedIdentity(
  tx: Executor,
  organizationId: string,
  event: Pick<ChannelEvent, 'channel'>,
  interactionId: string | null,
  stated: { outcome: 'linked' | 'review'; patientId: string; candidates: number },
): Promise<void> {
  await appendAudit(tx, {
    organizationId,
    actorType: 'system',
    actorRole: 'channel',
    action: 'write',
    resourceType: stated.outcome === 'linked' ? 'identity_link' : 'match_review',
    resourceId: interactionId,
    patientId: stated.patientId,
    route: `channel:${event.channel}`,
    detail: {
      channel: event.channel,
      basis: 'stated_name_and_birth_date',
      outcome: stated.outcome,
      ...(stated.outcome === 'linked' ? { assurance: 'claimed' } : { candidates: stated.candidates }),
    },
  });
}
