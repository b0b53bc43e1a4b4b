import type { FastifyRequest } from 'fastify';
import { apiRouteOf } from './api-route.ts';
import { BadInput } from './pipeline/errors.ts';

// Found by the hostile-input suite (test/fuzz-*.test.ts, docs/security.md "Hostile input"):
// PostgreSQL cannot store U+0000 in text or jsonb, and jsonb refuses a lone UTF-16 surrogate
// (JSON.stringify writes it as a \ud800 escape). Such a string passed every schema and failed in
// the database as a 500; refused here, before validation, it is a 400 that changed nothing.

/** A NUL, or a surrogate without its pair (String.prototype.isWellFormed is past our ES2022 lib). */
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when PostgreSQL can store the string as text and inside jsonb. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE_TEXT.test(value);
}

/** Whether every string (and every key) in a parsed request part can be stored. Iterative: bodies can nest deep. */
export function isStorableInput(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!isStorableText(v)) return false;
    } else if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (!isStorableText(key)) return false;
        stack.push(child);
      }
    }
  }
  return true;
}

/** C0 controls and DEL: no query parameter of any page or route has a use for them. */
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F]/;

/** Whether no key or value of a parsed query string holds a control character or unstorable text. */
export function isCleanQuery(query: unknown): boolean {
  const stack: unknown[] = [query];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (CONTROL_CHARACTER.test(v) || !isStorableText(v)) return false;
    } else if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (CONTROL_CHARACTER.test(key) || !isStorableText(key)) return false;
        stack.push(child);
      }
    }
  }
  return true;
}

/**
 * preValidation hook. Every route's query string (pages, webhooks and the API alike): a NUL in
 * the portal's `org` reached the database as a 500 (issue 12, item 6). For the REST API also the
 * path parameters and the body, before any schema or handler sees them. Webhook and page bodies
 * keep their own answers (TwiML, HTML) and store message text encrypted, so they are left to
 * their adapters.
 */
export async function rejectUnstorableInput(request: FastifyRequest): Promise<void> {
  if (!isCleanQuery(request.query)) {
    throw new BadInput('invalid_text', 'The query string must not contain control characters (U+0000–U+001F, U+007F) or invalid Unicode.');
  }
  if (!apiRouteOf(request)) return;
  if (!isStorableInput(request.params) || !isStorableInput(request.query) || !isStorableInput(request.body)) {
    throw new BadInput('invalid_text', 'Text must be valid Unicode and must not contain NUL (U+0000) characters.');
  }
}
