import { generalizeZip } from './zip.ts';
import { pseudonym } from './pseudonym.ts';
import { scrubText, type ScrubContext } from './scrub.ts';

/**
 * Safe Harbor on structured records (45 CFR 164.514(b)(2)). A record is de-identified by an
 * explicit field policy: every field the policy does not name is dropped, so a column added to
 * a table later cannot leak into an export by default.
 */

/** Ages above 89 are grouped, and so is every date element that would reveal them. */
export const AGE_CEILING = 89;
export type SafeAge = number | '90+';

/** The year of an ISO date or timestamp, or null. */
export function yearOf(value: string | Date | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getUTCFullYear();
  const m = /^\s*(\d{4})(?:-\d{2}(?:-\d{2})?)?/.exec(value);
  if (m) return Number(m[1]);
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).getUTCFullYear();
}

/** Whole years between a birth date and a moment (both ISO), or null when either is unreadable. */
export function ageInYears(birthDate: string | null | undefined, at: string | Date): number | null {
  if (!birthDate) return null;
  const b = /^(\d{4})-(\d{2})-(\d{2})/.exec(birthDate);
  const when = at instanceof Date ? at : new Date(at);
  if (!b || Number.isNaN(when.getTime())) return null;
  let age = when.getUTCFullYear() - Number(b[1]);
  const beforeBirthday = when.getUTCMonth() + 1 < Number(b[2]) || (when.getUTCMonth() + 1 === Number(b[2]) && when.getUTCDate() < Number(b[3]));
  if (beforeBirthday) age -= 1;
  return age < 0 ? null : age;
}

export function safeAge(age: number | null | undefined): SafeAge | null {
  if (age === null || age === undefined || !Number.isFinite(age) || age < 0) return null;
  return age > AGE_CEILING ? '90+' : Math.floor(age);
}

/** The birth year, unless it reveals an age over 89 at `at` (then null: the age says "90+"). */
export function safeBirthYear(birthDate: string | null | undefined, at: string | Date): number | null {
  const age = ageInYears(birthDate, at);
  if (age === null || age > AGE_CEILING) return null;
  return yearOf(birthDate);
}

/**
 * A date to its year, unless the year together with the birth date would reveal an age over
 * 89: then the year goes too (Safe Harbor (C) covers "all elements of dates (including year)
 * indicative of such age").
 */
export function safeYear(value: string | Date | null | undefined, birthDate?: string | null): number | null {
  const year = yearOf(value);
  if (year === null || !birthDate || value === null || value === undefined) return year;
  const age = ageInYears(birthDate, value instanceof Date ? value : new Date(value));
  return age !== null && age > AGE_CEILING ? null : year;
}

/** How one field of a record is treated. Fields without a rule are dropped. */
export type FieldRule =
  /** Not an identifier (request type, channel, sex, language): kept as it is. */
  | 'keep'
  /** An identifier with no analytic use: removed. Same as leaving the field out. */
  | 'drop'
  /** A date element: only the year stays (none at all when it reveals an age over 89). */
  | 'year'
  /** A birth date: becomes { birthYear, age } relative to `at`, with 90+ grouping. */
  | 'birthDate'
  /** An age in years: over 89 becomes "90+". */
  | 'age'
  /** A US ZIP code: first three digits, or 000 for sparsely populated areas. */
  | 'zip3'
  /** The record's own random id: replaced by a keyed pseudonym of the given kind. */
  | { pseudonym: string }
  /** Free text: scrubbed of names, contacts, dates, addresses and record numbers. */
  | 'text';

export type FieldPolicy = Record<string, FieldRule>;

export interface SafeHarborOptions {
  /** Key of the consistent pseudonyms (per organisation, kept secret from analysts). */
  key: string;
  /** The moment ages are computed at (the event's time); defaults to now. */
  at?: string | Date;
  /** The record's birth date, so date fields can be checked for revealing an age over 89. */
  birthDate?: string | null;
  /** Identifiers of the person, scrubbed from text fields wherever they appear. */
  scrub?: ScrubContext;
}

/** Applies a field policy to one record. Unknown fields are dropped. */
export function applySafeHarbor(record: Record<string, unknown>, policy: FieldPolicy, options: SafeHarborOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const at = options.at ?? new Date();
  for (const [field, rule] of Object.entries(policy)) {
    if (!(field in record)) continue;
    const value = record[field];
    if (rule === 'drop') continue;
    if (rule === 'keep') out[field] = value ?? null;
    else if (rule === 'year') out[field] = safeYear(value as string | null, options.birthDate ?? null);
    else if (rule === 'birthDate') {
      const age = ageInYears(value as string | null, at);
      out.birthYear = safeBirthYear(value as string | null, at);
      out.age = safeAge(age);
    } else if (rule === 'age') out[field] = safeAge(typeof value === 'number' ? value : value == null ? null : Number(value));
    else if (rule === 'zip3') out[field] = generalizeZip(value as string | null);
    else if (rule === 'text') out[field] = typeof value === 'string' ? scrubText(value, options.scrub ?? {}) : null;
    else out[field] = value === null || value === undefined ? null : pseudonym(options.key, rule.pseudonym, String(value));
  }
  return out;
}

/** The patient columns carethread keeps, and what Safe Harbor lets an export say about them. */
export const PATIENT_POLICY: FieldPolicy = {
  id: { pseudonym: 'patient' },
  givenName: 'drop', // (A) names
  familyName: 'drop',
  birthDate: 'birthDate', // (C) dates → year, ages over 89 grouped
  sex: 'keep',
  addressLine: 'drop', // (B) street address
  city: 'drop', // (B) city
  postcode: 'zip3', // (B) ZIP → 3 digits where allowed
  language: 'keep',
  preferredChannel: 'keep',
};
