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

/** A wrong continuation code: rejected, and counted against the contact that tried it. */
export class ContinuationRejected extends BadInput {
  constructor(
    readonly source: string,
    reason: 'unknown' | 'expired' | 'used' | 'rate_limited',
  ) {
    const messages = {
      unknown: 'That continuation code is not known. Check the code and try again.',
      expired: 'That continuation code has expired (codes last 30 minutes). Ask for a new one.',
      used: 'That continuation code was already used. Ask for a new one.',
      rate_limited: 'Too many wrong continuation codes from this contact. Wait 15 minutes and try again.',
    } as const;
    super(reason === 'rate_limited' ? 'continuation_rate_limited' : `continuation_${reason}`, messages[reason], reason === 'rate_limited' ? 429 : 422);
  }
}
