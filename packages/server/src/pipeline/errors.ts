/**
 * Bad input from a caller: mapped to a 4xx with a machine-readable code and a sentence a
 * person can act on. Thrown before or inside a transaction, it rolls everything back.
 */
export class BadInput extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 = 400,
    /** Extra fields for the response body (e.g. the known values behind a 409). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'BadInput';
  }
}

export type ContinuationRejectReason = 'unknown' | 'expired' | 'used' | 'rate_limited' | 'busy' | 'paused';

/** A wrong continuation code: rejected, and counted against the contact that tried it. */
export class ContinuationRejected extends BadInput {
  constructor(
    readonly source: string,
    readonly reason: ContinuationRejectReason,
  ) {
    const messages = {
      unknown: 'That continuation code is not known. Check the code and try again.',
      expired: 'That continuation code has expired (codes last 30 minutes). Ask for a new one.',
      used: 'That continuation code was already used. Ask for a new one.',
      rate_limited: 'Too many wrong continuation codes from this contact. Wait 15 minutes and try again.',
      busy: 'Too many wrong continuation codes were entered here in the last minute. Try again in a minute, or go on without a code.',
      paused: 'Continuation code entry is paused for now after many wrong codes. Go on without a code: a person will pick up your request.',
    } as const;
    const code = reason === 'rate_limited' ? 'continuation_rate_limited' : reason === 'paused' ? 'continuation_entry_paused' : `continuation_${reason}`;
    super(code, messages[reason], reason === 'unknown' || reason === 'expired' || reason === 'used' ? 422 : 429);
  }

  /**
   * Whether this refusal counts as a wrong code. A refusal to check at all (the contact or the
   * organisation is paused) does not, or a pause would extend itself; a refusal for being over
   * the per-minute pace does, so hammering reaches the pause sooner.
   */
  get counts(): boolean {
    return this.reason !== 'rate_limited' && this.reason !== 'paused';
  }
}
