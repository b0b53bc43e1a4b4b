import {
  findPhoneNumbersInText,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js';
import type { IdentifierKind } from '../types.ts';

/**
 * Identifier normalisation. Every identifier a channel hands us goes through here before it
 * is compared or stored, so "(555) 010-0123" on a call and "+1 555 010 0123" typed in chat
 * land on the same identity row. Functions return null rather than throw: a garbled
 * identifier must never break the pipeline, it just doesn't match anything.
 */

const DEFAULT_REGION = 'US';

/** Longest free-form identifier we keep (portal account ids, chat visitor ids). */
const MAX_OPAQUE_IDENTIFIER = 200;
/** MRNs and member ids in the wild are well under this; longer is someone pasting a paragraph. */
const MAX_CODE_IDENTIFIER = 64;

function region(defaultRegion: string | undefined): CountryCode {
  const r = (defaultRegion ?? DEFAULT_REGION).trim().toUpperCase();
  return isSupportedCountry(r) ? r : DEFAULT_REGION;
}

/**
 * libphonenumber's `isValid` knows which exchanges are really assigned, so it rejects the
 * fictional 555 numbers our demos and tests use. `isPossible` only checks length, which
 * would let "0123456789" through as a US number. For NANP we therefore add the one rule
 * that every real or fictional number obeys: area codes never start with 0 or 1.
 */
function acceptable(phone: PhoneNumber): boolean {
  if (phone.isValid()) return true;
  if (!phone.isPossible()) return false;
  if (phone.countryCallingCode === '1') return /^[2-9]\d{9}$/.test(phone.nationalNumber);
  return true;
}

// Characters a person or a provider legitimately puts in a phone number. Anything else
// (letters, words) means the input is not "a phone number" and we refuse to dig one out.
const PHONE_SHAPE = /^\+?[\d\s().\-/\u00a0\u2010-\u2015]+$/;
const EXTENSION = /\s*(?:,|;|#|x|ext\.?|extension|ext:)\s*\d{1,6}\s*$/i;

export function normalizePhone(raw: string, defaultRegion?: string): string | null {
  if (typeof raw !== 'string') return null;
  let s = raw.trim();
  if (s.length === 0 || s.length > 64) return null;
  s = s.replace(/^tel:/i, '').replace(EXTENSION, '').trim();
  // International dialling prefix written as "00" is common in Spanish-speaking countries.
  if (s.startsWith('00')) s = '+' + s.slice(2);
  if (!PHONE_SHAPE.test(s)) return null;
  const digits = s.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 15) return null;
  try {
    const parsed = parsePhoneNumberFromString(s, { defaultCountry: region(defaultRegion), extract: false });
    if (!parsed || !acceptable(parsed)) return null;
    return parsed.number;
  } catch {
    return null;
  }
}

/** An identifier found in text: its normalised form and where it was written. */
export interface FoundSpan {
  value: string;
  start: number;
  end: number;
}

/** Phone numbers in free text with their positions, in order of appearance (repeats kept). */
export function findPhoneNumberSpans(text: string, defaultRegion?: string): FoundSpan[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  try {
    // `extended` uses "possible" leniency: the default "valid" leniency drops fictional 555
    // numbers, which is exactly what patients in our demos and tests give.
    return findPhoneNumbersInText(text, { defaultCountry: region(defaultRegion), extended: true })
      .filter((f) => acceptable(f.number))
      .map((f) => ({ value: f.number.number, start: f.startsAt, end: f.endsAt }));
  } catch {
    return [];
  }
}

/** Phone numbers in free text, as E.164, in order of appearance, without repeats. */
export function findPhoneNumbers(text: string, defaultRegion?: string): string[] {
  return dedupe(findPhoneNumberSpans(text, defaultRegion).map((s) => s.value));
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

// Dot-atom local part (RFC 5322 without quoted strings or comments: nobody types those into
// a patient portal) and a dotted hostname with an alphabetic TLD.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Trimmed, lower-cased, validated address. We deliberately keep "+tags" and dots in the
 * local part: "maria+mom@" and "maria@" can be different people in one household, and
 * merging two patients is far worse than failing to link one.
 */
export function normalizeEmail(raw: string): string | null {
  if (typeof raw !== 'string') return null;
  let s = raw.trim();
  if (s.length === 0 || s.length > 320) return null;
  s = s.replace(/^mailto:/i, '');
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  s = s.toLowerCase();
  if (s.length > 254) return null;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at !== s.indexOf('@')) return null;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return null;
  if (domain.length > 253) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  if (!labels.every((l) => DOMAIN_LABEL.test(l))) return null;
  if (!TLD.test(labels[labels.length - 1]!)) return null;
  return s;
}

// Deliberately narrower than LOCAL_PART: in running text, characters like ' or / before an
// address are far more often punctuation than part of it.
const EMAIL_IN_TEXT = /[a-z0-9._%+-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/gi;

/** Email addresses in free text, normalised, with their positions (repeats kept). */
export function findEmailSpans(text: string): FoundSpan[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const out: FoundSpan[] = [];
  for (const m of text.matchAll(EMAIL_IN_TEXT)) {
    // A leading dot belongs to the prose ("...write to maria@"), not the address.
    const lead = /^[.]*/.exec(m[0])![0].length;
    const e = normalizeEmail(m[0].slice(lead));
    if (e) out.push({ value: e, start: m.index + lead, end: m.index + m[0].length });
  }
  return out;
}

/** Email addresses in free text, normalised, in order of appearance, without repeats. */
export function findEmails(text: string): string[] {
  return dedupe(findEmailSpans(text).map((s) => s.value));
}

/** "María José Peña" → "Maria Jose Pena": names are compared without diacritics. */
export function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
}

function truncateCodePoints(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max);
  // Do not leave half of a surrogate pair behind.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

export function normalizeIdentifier(kind: IdentifierKind, raw: string, defaultRegion?: string): string | null {
  if (typeof raw !== 'string') return null;
  switch (kind) {
    case 'phone':
      return normalizePhone(raw, defaultRegion);
    case 'email':
      return normalizeEmail(raw);
    case 'mrn':
    case 'member_id': {
      // Cards print these with spaces or dots for legibility ("ABC 123.456"); staff type them
      // in lower case. Only letters, digits and dashes carry meaning.
      const code = stripAccents(raw)
        .toUpperCase()
        .replace(/[^A-Z0-9-]/g, '')
        .replace(/-{2,}/g, '-')
        .replace(/^-+|-+$/g, '');
      if (code.length === 0 || code.length > MAX_CODE_IDENTIFIER) return null;
      return code;
    }
    case 'portal':
    case 'chat_visitor': {
      const id = truncateCodePoints(raw.trim(), MAX_OPAQUE_IDENTIFIER).trim();
      return id.length === 0 ? null : id;
    }
    default:
      return null;
  }
}
