import { normalizePhone, type ChannelEvent } from '@carethread/core';
import type { Services } from '../../pipeline/context.ts';
import { BadInput } from '../../pipeline/errors.ts';
import { ingestEvent, type IngestResult } from '../../pipeline/ingest.ts';
import { KEYWORD_REPLY_PURPOSE } from '../../outbox/worker.ts';
import { consentFor, setConsent } from '../../store/consent.ts';
import { appendAudit } from '../../audit/log.ts';
import { ChangeSet } from '../../store/events.ts';
import { preferenceAuditEntry } from '../../store/preferences.ts';
import { organizationDirectory } from '../../store/orgs.ts';
import { inboundReceipts, outbox } from '../../store/schema.ts';
import { keywordReply, smsKeyword, type KeywordAction, type SmsKeyword } from './sms-keywords.ts';

/** One inbound text as Twilio described it, already checked for shape. */
export interface InboundSms {
  messageSid: string;
  /** The patient's number as Twilio gave it. */
  from: string;
  /** The organisation's number, E.164. */
  to: string;
  body: string;
  /** References to media Twilio holds (never the bytes). */
  mediaUrls: string[];
}

export type SmsOutcome =
  | { kind: 'keyword'; action: KeywordAction; duplicate: boolean }
  | { kind: 'message'; result: IngestResult };

/**
 * An inbound text: a consent keyword is handled here and opens no case; anything else is a
 * ChannelEvent for the pipeline (idempotent on the MessageSid).
 */
export async function receiveSms(services: Services, organizationId: string, sms: InboundSms): Promise<SmsOutcome> {
  const keyword = sms.mediaUrls.length === 0 ? smsKeyword(sms.body) : null;
  if (keyword) {
    const directory = await organizationDirectory(services.database.db, organizationId);
    if (!directory) throw new BadInput('unknown_organization', 'No such organization.', 404);
    const from = normalizePhone(sms.from, directory.org.defaultRegion);
    if (!from) throw new BadInput('invalid_phone', "The sender's phone number is not valid.", 422);
    if (!keyword.onlyWhenOptedOut || (await consentFor(services.database.db, organizationId, 'sms', from)) === 'opted_out') {
      const duplicate = await applyKeyword(services, organizationId, directory.org.name, sms, from, keyword);
      return { kind: 'keyword', action: keyword.action, duplicate };
    }
  }
  const event: ChannelEvent = {
    channel: 'sms',
    direction: 'inbound',
    kind: 'message',
    idempotencyKey: sms.messageSid,
    occurredAt: services.now().toISOString(),
    from: { kind: 'phone', value: sms.from },
    to: { kind: 'phone', value: sms.to },
    text: sms.body,
    ...(sms.mediaUrls.length > 0 ? { mediaUrls: sms.mediaUrls } : {}),
  };
  return { kind: 'message', result: await ingestEvent(services, organizationId, event) };
}

/**
 * Records the consent change and queues our answer, once per MessageSid: the receipt shares the
 * pipeline's key space, so a redelivered keyword changes nothing the second time.
 */
async function applyKeyword(
  services: Services,
  organizationId: string,
  organizationName: string,
  sms: InboundSms,
  from: string,
  keyword: SmsKeyword,
): Promise<boolean> {
  const at = services.now().toISOString();
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const [receipt] = await tx
      .insert(inboundReceipts)
      .values({ organizationId, channel: 'sms', idempotencyKey: sms.messageSid, result: { keyword: keyword.action }, receivedAt: at })
      .onConflictDoNothing()
      .returning({ key: inboundReceipts.idempotencyKey });
    if (!receipt) return true;
    let consentChange: Record<string, unknown> | null = null;
    if (keyword.action !== 'help') {
      const status = keyword.action === 'opt_out' ? 'opted_out' : 'opted_in';
      const before = await consentFor(tx, organizationId, 'sms', from);
      await setConsent(changes, 'sms', from, status, `sms_keyword_${keyword.language}`, at);
      if (before !== status) consentChange = { 'address.sms': { from: before, to: status } };
    }
    const text = keywordReply(keyword, organizationName);
    if (text) {
      await tx
        .insert(outbox)
        .values({
          organizationId,
          interactionId: null,
          caseId: null,
          channel: 'sms',
          toAddress: from,
          // Answered from the number the patient wrote to.
          payload: { text, purpose: KEYWORD_REPLY_PURPOSE, keyword: keyword.action, from: sms.to },
          idempotencyKey: `sms-keyword:${sms.messageSid}`,
          nextAttemptAt: at,
          createdAt: at,
        })
        .onConflictDoNothing();
    }
    await changes.commit();
    // Audited like any preference change (docs/consent.md), last so the chain lock is brief; the number is never written.
    if (consentChange) {
      await appendAudit(tx, preferenceAuditEntry(organizationId, null, { type: 'system', id: null, role: 'channel', via: 'sms_keyword', route: 'channel:sms' }, consentChange));
    }
    return false;
  });
}
