import { createHmac, randomBytes } from 'node:crypto';

/**
 * Consistent pseudonymous ids for exports: the same record always maps to the same code under
 * one key, so analysts can join a patient's cases without learning who the patient is.
 *
 * Safe Harbor allows a re-identification code only when it is not derived from information
 * about the individual and cannot be translated back (45 CFR 164.514(c)). So callers pass the
 * record's own random id (a UUID), never an MRN, phone or name, and the code is a keyed HMAC:
 * without the key nobody can compute it from a known UUID, and with it only the holder can.
 */
export function pseudonym(key: string | Uint8Array, kind: string, id: string): string {
  if ((typeof key === 'string' ? key.length : key.byteLength) < 16) throw new RangeError('the pseudonym key must be at least 16 bytes');
  const mac = createHmac('sha256', key).update(kind).update('\u0000').update(id).digest('base64url');
  // 120 bits: collisions are negligible at any realistic number of records.
  return `${kind.slice(0, 1)}_${mac.slice(0, 20)}`;
}

/** A new random key for {@link pseudonym}, base64url (256 bits). */
export function newPseudonymKey(): string {
  return randomBytes(32).toString('base64url');
}
