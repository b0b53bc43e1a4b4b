import { randomBytes, randomInt } from 'node:crypto';
import { and, desc, eq, gt, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import { normalizeIdentifier, type Language } from '@carethread/core';
import type { Services } from '../../pipeline/context.ts';
import type { Executor } from '../../store/db.ts';
import { ChangeSet } from '../../store/events.ts';
import { findPatientsByIdentifier, getActivePatient, type PatientRow } from '../../store/patients.ts';
import { withPreferredLanguage } from '../../store/preferences.ts';
import { outbox, patients, portalCodes, portalSessions } from '../../store/schema.ts';
import { macToken, safeEqual, sha256Hex } from './http.ts';
import { portalCodeAddressIndex, portalCodeIndex } from '../../store/blind-indexes.ts';

export const CODE_TTL_MINUTES = 10;
export const CODE_MAX_ATTEMPTS = 5;
/** Code requests per address inside {@link CODE_REQUEST_WINDOW_MINUTES}; more are silently not sent. */
export const CODE_REQUESTS_PER_WINDOW = 3;
export const CODE_REQUEST_WINDOW_MINUTES = 15;
export const SESSION_IDLE_MINUTES = 30;

const MINUTE = 60_000;

export interface PortalAddress {
  kind: 'phone' | 'email';
  /** Normalised: E.164 or lower-case email. */
  value: string;
}

/** What the patient typed in "phone number or email", normalised like every identifier; null when it is neither. */
export function parsePortalAddress(raw: string, defaultRegion: string): PortalAddress | null {
  const s = raw.trim();
  if (!s || s.length > 320) return null;
  if (s.includes('@')) {
    const value = normalizeIdentifier('email', s);
    return value ? { kind: 'email', value } : null;
  }
  const value = normalizeIdentifier('phone', s, defaultRegion);
  return value ? { kind: 'phone', value } : null;
}

/**
 * The stored form of a code: an HMAC keyed from the server secret (store/blind-indexes.ts). A
 * salted but unkeyed digest of six digits fell to a database dump in under two seconds.
 */
export function portalCodeHash(organizationId: string, code: string): string {
  return portalCodeIndex(organizationId, code);
}

export function codeMessage(code: string, language: Language): { text: string; subject: string } {
  return language === 'es'
    ? { text: `Su código de carethread es ${code}. Vence en ${CODE_TTL_MINUTES} minutos. No lo comparta con nadie.`, subject: 'Su código de acceso' }
    : { text: `Your carethread code is ${code}. It expires in ${CODE_TTL_MINUTES} minutes. Do not share it.`, subject: 'Your sign-in code' };
}

/**
 * Patients a sign-in code may be sent for. Only identifiers the organisation verified
 * (registration, record import) count: an address carethread merely inferred from a first
 * contact or a probabilistic link must never open somebody's record.
 */
function patientsForAddress(tx: Executor, organizationId: string, address: PortalAddress): Promise<PatientRow[]> {
  return findPatientsByIdentifier(tx, organizationId, address.kind, address.value, { verifiedOnly: true });
}

/**
 * A patient asks for a sign-in code. When the address belongs to exactly one patient (or the
 * date of birth picks one on a shared family line) and the address has not asked too often, a
 * code is stored hashed and queued in the outbox in the same transaction. The caller shows
 * the same answer whatever happened: `sent` is for tests and metrics, never for the page.
 */
export async function requestPortalCode(
  services: Services,
  organizationId: string,
  address: PortalAddress,
  options: { birthDate?: string; language: Language },
): Promise<{ sent: boolean }> {
  const now = services.now();
  const at = now.toISOString();
  return services.database.db.transaction(async (tx) => {
    const candidates = await patientsForAddress(tx, organizationId, address);
    const chosen = options.birthDate ? candidates.filter((p) => p.birthDate === options.birthDate) : candidates;
    // A shared line without a date of birth, or a date of birth that fits nobody: no code.
    if (chosen.length !== 1) return { sent: false };
    const patient = chosen[0]!;
    // Serialise concurrent requests for this patient so the rate limit cannot be raced.
    await tx.select({ id: patients.id }).from(patients).where(and(eq(patients.organizationId, organizationId), eq(patients.id, patient.id))).for('update');
    const since = new Date(now.getTime() - CODE_REQUEST_WINDOW_MINUTES * MINUTE).toISOString();
    const [recent] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(portalCodes)
      .where(and(eq(portalCodes.organizationId, organizationId), eq(portalCodes.address, portalCodeAddressIndex(address.kind, address.value)), gte(portalCodes.createdAt, since)));
    if ((recent?.n ?? 0) >= CODE_REQUESTS_PER_WINDOW) return { sent: false };

    const changes = new ChangeSet(tx, organizationId);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const channel = address.kind === 'phone' ? 'sms' : 'email';
    const [row] = await tx
      .insert(portalCodes)
      .values({
        organizationId,
        patientId: patient.id,
        channel,
        address: portalCodeAddressIndex(address.kind, address.value),
        codeHash: portalCodeHash(organizationId, code),
        expiresAt: new Date(now.getTime() + CODE_TTL_MINUTES * MINUTE).toISOString(),
        createdAt: at,
      })
      .returning({ id: portalCodes.id });
    // The patient's own language (stated preference, else the record) over the page's: a
    // Spanish-speaking patient on the English page still gets a code they can read.
    const preferred = (await withPreferredLanguage(tx, organizationId, patient)).language;
    const message = codeMessage(code, preferred === 'es' || preferred === 'en' ? preferred : options.language);
    await tx.insert(outbox).values({
      organizationId,
      channel,
      toAddress: address.value,
      payload: channel === 'email' ? { text: message.text, subject: message.subject, purpose: 'portal_code' } : { text: message.text, purpose: 'portal_code' },
      idempotencyKey: `portal_code:${row!.id}`,
      nextAttemptAt: at,
      createdAt: at,
    });
    // The log says that a code went out and how, never the code or the address.
    await changes.append({ kind: 'portal_code_sent', patientId: patient.id, occurredAt: at, data: { channel } });
    await changes.commit();
    return { sent: true };
  });
}

export interface SignedIn {
  token: string;
  sessionId: string;
  patientId: string;
}

/**
 * Checks a code against the live codes of an address. A miss counts against every live code
 * of that address (each guess was a guess at all of them); a code with five misses is dead.
 * Returns null on any failure, whatever the reason, so the page cannot tell them apart.
 */
export async function verifyPortalCode(
  services: Services,
  organizationId: string,
  address: PortalAddress,
  code: string,
): Promise<SignedIn | null> {
  const trimmed = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(trimmed)) return null;
  const now = services.now();
  const at = now.toISOString();
  return services.database.db.transaction(async (tx) => {
    const live = await tx
      .select()
      .from(portalCodes)
      .where(
        and(
          eq(portalCodes.organizationId, organizationId),
          eq(portalCodes.address, portalCodeAddressIndex(address.kind, address.value)),
          isNull(portalCodes.usedAt),
          gt(portalCodes.expiresAt, at),
          lt(portalCodes.attempts, CODE_MAX_ATTEMPTS),
        ),
      )
      .orderBy(desc(portalCodes.createdAt))
      .limit(CODE_REQUESTS_PER_WINDOW + 2)
      .for('update');
    const hash = portalCodeHash(organizationId, trimmed);
    const match = live.find((row) => safeEqual(row.codeHash, hash));
    if (!match) {
      if (live.length > 0) {
        await tx
          .update(portalCodes)
          .set({ attempts: sql`${portalCodes.attempts} + 1` })
          .where(and(eq(portalCodes.organizationId, organizationId), inArray(portalCodes.id, live.map((r) => r.id))));
      }
      return null;
    }
    await tx.update(portalCodes).set({ usedAt: at }).where(and(eq(portalCodes.organizationId, organizationId), eq(portalCodes.id, match.id)));
    const patient = await getActivePatient(tx, organizationId, match.patientId);
    if (!patient) return null;
    const token = randomBytes(32).toString('base64url');
    const [session] = await tx
      .insert(portalSessions)
      .values({
        organizationId,
        patientId: patient.id,
        tokenHash: sha256Hex(token),
        createdAt: at,
        lastSeenAt: at,
        expiresAt: new Date(now.getTime() + SESSION_IDLE_MINUTES * MINUTE).toISOString(),
      })
      .returning({ id: portalSessions.id });
    const changes = new ChangeSet(tx, organizationId);
    await changes.append({ kind: 'portal_signed_in', patientId: patient.id, occurredAt: at, data: { channel: match.channel, sessionId: session!.id } });
    await changes.commit();
    return { token, sessionId: session!.id, patientId: patient.id };
  });
}

export interface PortalSession {
  id: string;
  patient: PatientRow;
  /** The per-session token every signed-in form carries. */
  csrf: string;
}

export function portalCsrfToken(secret: string, sessionId: string): string {
  return macToken(secret, 'portal-csrf', sessionId);
}

/**
 * The live session a cookie names, its idle clock restarted. A session of a patient who has
 * since been merged follows the merge to the surviving record.
 */
export async function portalSessionFor(services: Services, organizationId: string, token: string | undefined): Promise<PortalSession | null> {
  if (!token || token.length > 100) return null;
  const { db } = services.database;
  const now = services.now();
  const at = now.toISOString();
  const [row] = await db
    .select()
    .from(portalSessions)
    .where(and(eq(portalSessions.organizationId, organizationId), eq(portalSessions.tokenHash, sha256Hex(token))));
  if (!row || row.endedAt || Date.parse(row.expiresAt) <= now.getTime()) return null;
  const patient = await getActivePatient(db, organizationId, row.patientId);
  if (!patient) return null;
  await db
    .update(portalSessions)
    .set({ lastSeenAt: at, expiresAt: new Date(now.getTime() + SESSION_IDLE_MINUTES * MINUTE).toISOString() })
    .where(and(eq(portalSessions.organizationId, organizationId), eq(portalSessions.id, row.id)));
  return { id: row.id, patient, csrf: portalCsrfToken(services.secret, row.id) };
}

export async function endPortalSession(services: Services, organizationId: string, session: PortalSession): Promise<void> {
  const at = services.now().toISOString();
  await services.database.db.transaction(async (tx) => {
    await tx
      .update(portalSessions)
      .set({ endedAt: at })
      .where(and(eq(portalSessions.organizationId, organizationId), eq(portalSessions.id, session.id), isNull(portalSessions.endedAt)));
    const changes = new ChangeSet(tx, organizationId);
    await changes.append({ kind: 'portal_signed_out', patientId: session.patient.id, occurredAt: at, data: { sessionId: session.id } });
    await changes.commit();
  });
}
