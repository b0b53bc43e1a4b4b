/**
 * Pure rules that tell a patient's mail from machine mail, and read carethread's own
 * addresses. No I/O.
 */

export type MailKind = { kind: 'message' } | { kind: 'bounce'; reason: string } | { kind: 'auto_reply'; reason: string };

export interface MailSignals {
  /** SMTP MAIL FROM: '' for the null sender <>, undefined when unknown (webhooks). */
  envelopeFrom?: string;
  /** Address in the From header. */
  fromAddress?: string;
  subject?: string;
  /** Header values by lower-case name (the first occurrence). */
  headers: Record<string, string>;
}

/** A subject that IS an out-of-office notice ("Out of Office: …", "Respuesta automática: …"), not one that mentions it. */
const AUTO_SUBJECT =
  /^\s*(?:(?:re|aw|rv|fw|fwd)\s*:\s*)*(out of (?:the )?office|fuera de (?:la )?oficina|automatic reply|auto(?:matic)?[- ]?(?:reply|response)|respuesta autom[aá]tica|autoreply|autoresponder|ausente de la oficina|vacation reply)\s*(?:[:\-–(\[]|$|auto)/i;

/**
 * Bounces and auto-replies never open cases: a bounce is about carethread's own mail, an
 * auto-reply says nothing the patient wrote, and answering either risks a mail loop.
 * Delivery reports are checked first because they often carry auto-reply headers too; a null
 * return path alone (also used by vacation responders, RFC 3834) counts as a bounce only when
 * nothing marks it as an auto-reply.
 */
export function classifyMail(signals: MailSignals): MailKind {
  const h = signals.headers;
  const contentType = (h['content-type'] ?? '').toLowerCase();
  if (/^\s*multipart\/report\b/.test(contentType) && /report-type\s*=\s*"?delivery-status/.test(contentType)) {
    return { kind: 'bounce', reason: 'delivery_report' };
  }
  const local = (signals.fromAddress ?? '').split('@')[0]!.toLowerCase();
  if (local === 'mailer-daemon' || local === 'postmaster') return { kind: 'bounce', reason: 'mailer_daemon' };

  const autoSubmitted = (h['auto-submitted'] ?? '').trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return { kind: 'auto_reply', reason: 'auto_submitted' };
  if (h['x-autoreply'] !== undefined || h['x-autorespond'] !== undefined) return { kind: 'auto_reply', reason: 'x_autoreply' };
  if (h['x-auto-response-suppress'] !== undefined) return { kind: 'auto_reply', reason: 'x_auto_response_suppress' };
  if (/^\s*(bulk|junk|auto_reply)\s*$/i.test(h['precedence'] ?? '')) return { kind: 'auto_reply', reason: 'precedence' };
  if (signals.subject && AUTO_SUBJECT.test(signals.subject.slice(0, 998))) return { kind: 'auto_reply', reason: 'subject' };

  const returnPath = h['return-path']?.trim();
  if (signals.envelopeFrom === '' || returnPath === '<>') return { kind: 'bounce', reason: 'null_sender' };
  return { kind: 'message' };
}

/**
 * Message-IDs of the original message quoted inside a delivery report (its message/rfc822 or
 * text/rfc822-headers part), carethread's own first. `body` is the report without its outer
 * header block.
 */
export function originalMessageIds(body: string): string[] {
  const ours = (id: string) => parseOutboundMessageId(id) !== null;
  const quoted = [...body.matchAll(/^[ \t]*(?:Original-)?Message-ID:[ \t]*(<[^<>\s]+>)/gim)].map((m) => m[1]!);
  // Anywhere else (a report that only names the id in prose) comes last: a quoted References
  // header can name older carethread messages too.
  const mentioned = [...body.matchAll(/<outbox-\d+\.[A-Za-z0-9_-]+@[^<>\s]+>/g)].map((m) => m[0]);
  return [...new Set([...quoted.filter(ours), ...quoted, ...mentioned])];
}

/** The reply token carried in a `reply+<token>@domain` recipient. */
export function replyTokenOf(address: string): string | null {
  const m = /^reply\+([A-Za-z0-9_-]{1,64})@/i.exec(address.trim());
  return m ? m[1]! : null;
}

/** Lower-case domain of an address, or null when it has none. */
export function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) return null;
  return address.slice(at + 1).trim().replace(/\.$/, '').toLowerCase();
}

/** The outbox row id inside a carethread Message-ID `<outbox-<id>.<signature>@<domain>>`. */
export function parseOutboundMessageId(ref: string): { outboxId: number; signature: string } | null {
  const m = /^<?outbox-(\d{1,15})\.([A-Za-z0-9_-]+)@[^<>\s]+>?$/.exec(ref.trim());
  return m ? { outboxId: Number(m[1]), signature: m[2]! } : null;
}

/** "Re: <subject>" without stacking prefixes. */
export function replySubject(subject: string): string {
  const bare = subject.replace(/^\s*((re|aw|rv|fw|fwd)\s*:\s*)+/i, '').trim();
  return bare ? `Re: ${bare}` : '';
}
