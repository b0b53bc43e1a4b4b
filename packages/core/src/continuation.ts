import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Continuations bind a new interaction on another channel to an existing case ("call us and
 * enter 4829 1375"). They are short-lived and single-use; the 8-digit code is what a patient
 * can type on a keypad or say (two groups of four), the signed token is what goes into a link.
 * Eight digits, with the organisation-wide guessing budget below, keep a caller who rotates
 * caller IDs below one chance in ten thousand an hour of reaching any live case
 * (docs/security.md works the figure).
 */
export const CONTINUATION_TTL_MINUTES = 30;
export const CONTINUATION_CODE_LENGTH = 8;
/** Random bytes a code is drawn from: 48 bits leave a modulo bias below one in a million. */
export const CONTINUATION_CODE_RANDOM_BYTES = 6;
/** Failed code entries allowed per contact address before it must wait. */
export const CONTINUATION_MAX_FAILURES = 5;
export const CONTINUATION_FAILURE_WINDOW_MINUTES = 15;

/**
 * The organisation's own budget of wrong codes, whatever the caller IDs (withheld, rotating):
 * past SLOW_AFTER in the window, at most SLOW_PER_MINUTE wrong codes a minute are checked;
 * at PAUSE_AFTER, code entry pauses until the window holds fewer again.
 */
export const CONTINUATION_ORG_WINDOW_MINUTES = 60;
export const CONTINUATION_ORG_SLOW_AFTER = 50;
export const CONTINUATION_ORG_SLOW_PER_MINUTE = 10;
export const CONTINUATION_ORG_PAUSE_AFTER = 200;

export type CodeEntryState = 'open' | 'slowed' | 'paused';

/** Where an organisation's code entry stands, from its wrong codes in the window and in the last minute. */
export function codeEntryState(failures: { inWindow: number; inLastMinute: number }): { state: CodeEntryState; refuse: null | 'busy' | 'paused' } {
  if (failures.inWindow >= CONTINUATION_ORG_PAUSE_AFTER) return { state: 'paused', refuse: 'paused' };
  if (failures.inWindow >= CONTINUATION_ORG_SLOW_AFTER) {
    return { state: 'slowed', refuse: failures.inLastMinute >= CONTINUATION_ORG_SLOW_PER_MINUTE ? 'busy' : null };
  }
  return { state: 'open', refuse: null };
}

/** A code from caller-supplied random bytes (core does no I/O, randomness included). */
export function continuationCodeFrom(randomBytes: Uint8Array): string {
  if (randomBytes.length < CONTINUATION_CODE_RANDOM_BYTES) throw new Error(`continuation code needs at least ${CONTINUATION_CODE_RANDOM_BYTES} random bytes`);
  let n = 0;
  for (let i = 0; i < CONTINUATION_CODE_RANDOM_BYTES; i++) n = n * 256 + randomBytes[i]!;
  return String(n % 10 ** CONTINUATION_CODE_LENGTH).padStart(CONTINUATION_CODE_LENGTH, '0');
}

const CODE_IN_TEXT = new RegExp(`(?<!\\d)(\\d{${CONTINUATION_CODE_LENGTH}})(?!\\d)`);

/** Pulls a continuation code out of what a patient typed or said ("my code is 4829 1375"). */
export function parseContinuationCode(input: string): string | null {
  const digits = input.replace(/[\s\-.#*]/g, '');
  const match = CODE_IN_TEXT.exec(digits);
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
