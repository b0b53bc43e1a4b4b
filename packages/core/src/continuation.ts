import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Continuations bind a new interaction on another channel to an existing case ("call us and
 * enter 482913"). They are short-lived and single-use; the 6-digit code is what a patient can
 * type on a keypad, the signed token is what goes into a link.
 */
export const CONTINUATION_TTL_MINUTES = 30;
export const CONTINUATION_CODE_LENGTH = 6;
/** Failed code entries allowed per contact address before it must wait. */
export const CONTINUATION_MAX_FAILURES = 5;
export const CONTINUATION_FAILURE_WINDOW_MINUTES = 15;

/** A code from caller-supplied random bytes (core does no I/O, randomness included). */
export function continuationCodeFrom(randomBytes: Uint8Array): string {
  if (randomBytes.length < 4) throw new Error('continuation code needs at least 4 random bytes');
  const n = new DataView(randomBytes.buffer, randomBytes.byteOffset, 4).getUint32(0);
  // 2^32 is not a multiple of 10^6; the bias this leaves is below one in four thousand.
  return String(n % 10 ** CONTINUATION_CODE_LENGTH).padStart(CONTINUATION_CODE_LENGTH, '0');
}

/** Pulls a continuation code out of what a patient typed or said ("my code is 482 913"). */
export function parseContinuationCode(input: string): string | null {
  const digits = input.replace(/[\s\-.#*]/g, '');
  const match = /(?<!\d)(\d{6})(?!\d)/.exec(digits);
  return match ? match[1]! : null;
}

export function signContinuationToken(continuationId: string, secret: string): string {
  const mac = createHmac('sha256', secret).update(continuationId).digest('base64url').slice(0, 22);
  return `${continuationId}.${mac}`;
}

/** Returns the continuation id when the token's signature holds, else null. */
export function verifyContinuationToken(token: string, secret: string): string | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const id = token.slice(0, dot);
  const expected = Buffer.from(signContinuationToken(id, secret));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

export function continuationExpiry(issuedAt: Date): Date {
  return new Date(issuedAt.getTime() + CONTINUATION_TTL_MINUTES * 60_000);
}
