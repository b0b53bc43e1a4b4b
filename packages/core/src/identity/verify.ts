import { textTokens } from './match-strings.ts';

/**
 * The identity check an agent runs on a call: what the patient says against the record.
 * Stricter than matching on purpose: matching links records that are probably one person,
 * verification vouches for who is speaking. The date of birth must be exact; names are
 * compared as a receptionist would, ignoring case, accents, spaces and punctuation
 * ("José" = "jose", "O'Neil" = "oneil"), and a family name may be one part of a compound one
 * ("García" for "García López").
 */

export interface IdentityClaim {
  givenName: string;
  familyName: string;
  /** ISO date (YYYY-MM-DD). */
  birthDate: string;
}

export interface IdentityRecord {
  givenName: string | null;
  familyName: string | null;
  birthDate: string | null;
}

export type IdentityCheck =
  | { verified: true }
  /** `record_incomplete`: the record lacks a name or date of birth to check against. */
  | { verified: false; reason: 'mismatch' | 'record_incomplete' };

export function checkIdentityClaim(record: IdentityRecord, claim: IdentityClaim): IdentityCheck {
  if (!record.birthDate || !record.givenName || !record.familyName) return { verified: false, reason: 'record_incomplete' };
  const dobOk = record.birthDate.slice(0, 10) === claim.birthDate.trim();
  const givenOk = sameName(record.givenName, claim.givenName, false);
  const familyOk = sameName(record.familyName, claim.familyName, true);
  return dobOk && givenOk && familyOk ? { verified: true } : { verified: false, reason: 'mismatch' };
}

function sameName(recorded: string, said: string, allowPart: boolean): boolean {
  const a = textTokens(recorded);
  const b = textTokens(said);
  if (a.length === 0 || b.length === 0) return false;
  if (a.join('') === b.join('')) return true;
  // Compound family names: every word said is a word of the record (or the other way round).
  if (!allowPart) return false;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  return shorter.every((t) => longer.includes(t));
}
