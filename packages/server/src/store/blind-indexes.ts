import { stripAccents } from '@carethread/core';
import { blindIndex } from './field-crypto.ts';

/**
 * The blind indexes of every encrypted value carethread looks up exactly (field-crypto.ts).
 * Each kind of lookup has its own namespace, and every writer and reader of a column goes
 * through the same function here, so the two can never disagree on normalisation.
 */

/** An identifier (identities.value) or the contact an interaction came from. */
export function identifierIndex(kind: string, normalizedValue: string): string {
  return blindIndex(`identifier:${kind}`, normalizedValue);
}

export function birthDateIndex(isoDate: string): string {
  return blindIndex('birth_date', isoDate);
}

/** Consent is kept per channel and address. */
export function consentAddressIndex(channel: string, address: string): string {
  return blindIndex(`consent:${channel}`, address);
}

export function portalCodeAddressIndex(channel: string, address: string): string {
  return blindIndex(`portal_code:${channel}`, address);
}

/**
 * The stored form of a continuation code: an HMAC under the index key, which is derived from the
 * server secret. Six digits are a million guesses, so an unkeyed digest would fall to a database
 * reader in a second; without the secret there is nothing to try them against.
 */
export function continuationCodeIndex(organizationId: string, code: string): string {
  return blindIndex('continuation_code', `${organizationId}:${code}`);
}

/** The stored form of a portal sign-in code, keyed as continuationCodeIndex is. */
export function portalCodeIndex(organizationId: string, code: string): string {
  return blindIndex('portal_code', `${organizationId}:${code}`);
}

export function continuationTargetIndex(channel: string, address: string): string {
  return blindIndex(`continuation:${channel}`, address);
}

/** Who entered a wrong continuation code (a phone, an email, a chat session). */
export function continuationSourceIndex(source: string): string {
  return blindIndex('continuation_source', source);
}

/** The matcher's blocking keys hold dates of birth, phones and emails: stored as indexes. */
export function blockingKeyIndex(key: string): string {
  return blindIndex('blocking_key', key);
}

const MAX_WORDS = 6;
const MAX_PREFIX = 24;

/** Name words folded the way the front desk types them: "María Peña-Ruiz" → maria, pena, ruiz. */
export function nameWords(text: string): string[] {
  return stripAccents(text)
    .toLowerCase()
    .split(/[\s,\-]+/)
    .map((t) => t.replace(/[^a-z]/g, ''))
    .filter((t) => t.length > 0);
}

/**
 * The name index of a patient: every prefix of every folded word of the given and family names,
 * so a search word matches when it begins some part of the name ("mar pe" finds María Peña).
 */
export function nameIndexTokens(givenName: string | null | undefined, familyName: string | null | undefined): string[] | null {
  const words = [...nameWords(givenName ?? ''), ...nameWords(familyName ?? '')];
  if (words.length === 0) return null;
  const tokens = new Set<string>();
  for (const w of words.slice(0, MAX_WORDS * 2)) {
    for (let n = 1; n <= Math.min(w.length, MAX_PREFIX); n++) tokens.add(nameQueryIndex(w.slice(0, n)));
  }
  return [...tokens];
}

/** The index a search word looks for (a word longer than the indexed prefixes is cut to them). */
export function nameQueryIndex(word: string): string {
  return blindIndex('name_prefix', word.slice(0, MAX_PREFIX));
}

/** The index columns of a patient row, from its (plaintext) demographics. */
export function patientIndexes(p: { givenName?: string | null; familyName?: string | null; birthDate?: string | null }): {
  birthDateIndex: string | null;
  nameIndex: string[] | null;
} {
  return {
    birthDateIndex: p.birthDate ? birthDateIndex(p.birthDate) : null,
    nameIndex: nameIndexTokens(p.givenName, p.familyName),
  };
}
