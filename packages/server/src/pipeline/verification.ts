import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { checkIdentityClaim, type Assurance, type Language } from '@carethread/core';
import { ChangeSet } from '../store/events.ts';
import { getActivePatient, identitiesOf } from '../store/patients.ts';
import { events, outbox, staff } from '../store/schema.ts';
import { verificationCodes } from '../store/schema-workspace.ts';
import { currentInteraction, lockCaseWithContact } from '../routing/engine.ts';
import type { Services } from './context.ts';
import { BadInput } from './errors.ts';
import { setInteractionPatient } from './identify.ts';
import type { CaseRow, InteractionRow } from './thread.ts';

/**
 * One-click verification: raise the assurance of the contact a case is about now to
 * `verified`, by the patient's name and date of birth checked against the record, or by a
 * one-time code sent to a contact the patient has verified before. The assistant calls the
 * same functions. The log says who verified how, never the values the patient gave.
 */

/** Wrong name/date-of-birth checks on one case before the check locks (until a success). */
export const VERIFY_MAX_FAILURES = 3;
export const VERIFY_CODE_TTL_MINUTES = 10;
export const VERIFY_CODE_MAX_ATTEMPTS = 5;

export type VerifyInput =
  | { method: 'dob_name'; givenName: string; familyName: string; birthDate: string; staffId?: string; at?: string }
  | { method: 'one_time_code'; code: string; staffId?: string; at?: string };

export type VerifyResult =
  | { verified: true; method: VerifyInput['method']; assurance: Assurance; patientId: string; interactionId: string }
  | {
      verified: false;
      method: VerifyInput['method'];
      /** mismatch | record_incomplete | no_code | code_expired | wrong_code */
      reason: string;
      /** Tries left before the check locks (name/DOB on this case, or this code). */
      attemptsLeft: number;
    };

interface Subject {
  changes: ChangeSet;
  caseRow: CaseRow;
  interaction: InteractionRow;
  patient: NonNullable<Awaited<ReturnType<typeof getActivePatient>>>;
}

async function withSubject<T>(services: Services, organizationId: string, caseId: string, staffId: string | undefined, work: (s: Subject) => Promise<T>): Promise<T> {
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const caseRow = await lockCaseWithContact(changes, caseId);
    if (!caseRow) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
    if (staffId) {
      const [row] = await tx.select({ id: staff.id }).from(staff).where(and(eq(staff.organizationId, organizationId), eq(staff.id, staffId)));
      if (!row) throw new BadInput('unknown_staff', 'No such staff member in this organization.', 404);
    }
    const interaction = await currentInteraction(changes, caseId);
    if (!interaction) throw new BadInput('no_interaction', 'This case has no contact to verify yet.', 409);
    const patient = caseRow.patientId ? await getActivePatient(tx, organizationId, caseRow.patientId) : null;
    if (!patient) throw new BadInput('no_patient', 'This case is not linked to a patient record yet: identify the patient first.', 409);
    const result = await work({ changes, caseRow, interaction, patient });
    changes.touch(caseId);
    await changes.commit();
    return result;
  });
}

async function dobFailuresSinceSuccess(changes: ChangeSet, caseId: string): Promise<number> {
  const [row] = await changes.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(events)
    .where(
      and(
        eq(events.organizationId, changes.organizationId),
        eq(events.caseId, caseId),
        eq(events.kind, 'verification_failed'),
        sql`${events.data}->>'method' = 'dob_name'`,
        sql`${events.id} > coalesce((select max(e2.id) from events e2 where e2.organization_id = ${changes.organizationId} and e2.case_id = ${caseId} and e2.kind = 'patient_verified'), 0)`,
      ),
    );
  return Number(row?.n ?? 0);
}

async function succeed(s: Subject, method: VerifyInput['method'], staffId: string | undefined, at: string): Promise<VerifyResult> {
  const updated = await setInteractionPatient(s.changes, s.interaction, s.patient.id, 'verified', at, method);
  await s.changes.append({
    kind: 'patient_verified',
    caseId: s.caseRow.id,
    patientId: s.patient.id,
    interactionId: s.interaction.id,
    occurredAt: at,
    data: { method, staffId: staffId ?? null, channel: s.interaction.channel },
  });
  return { verified: true, method, assurance: updated.assurance as Assurance, patientId: s.patient.id, interactionId: s.interaction.id };
}

async function fail(s: Subject, method: VerifyInput['method'], reason: string, staffId: string | undefined, at: string, attemptsLeft: number): Promise<VerifyResult> {
  await s.changes.append({
    kind: 'verification_failed',
    caseId: s.caseRow.id,
    patientId: s.patient.id,
    interactionId: s.interaction.id,
    occurredAt: at,
    data: { method, reason, staffId: staffId ?? null, channel: s.interaction.channel },
  });
  return { verified: false, method, reason, attemptsLeft };
}

export function verificationCodeHash(secret: string, organizationId: string, codeId: string, code: string): string {
  return createHmac('sha256', secret).update(`${organizationId}:${codeId}:${code}`).digest('hex');
}

/** Checks what the patient told the agent (or a code they read out) and verifies the contact on success. */
export async function verifyIdentity(services: Services, organizationId: string, caseId: string, input: VerifyInput): Promise<VerifyResult> {
  const at = input.at ?? services.now().toISOString();
  return withSubject(services, organizationId, caseId, input.staffId, async (s) => {
    if (input.method === 'dob_name') {
      const failures = await dobFailuresSinceSuccess(s.changes, caseId);
      if (failures >= VERIFY_MAX_FAILURES) {
        throw new BadInput('verification_locked', `Identity checks failed ${VERIFY_MAX_FAILURES} times on this case: send a one-time code instead, or ask a supervisor.`, 429);
      }
      const check = checkIdentityClaim(s.patient, input);
      if (check.verified) return succeed(s, 'dob_name', input.staffId, at);
      // An incomplete record is not the caller's mistake: it does not count towards the lock.
      const left = check.reason === 'mismatch' ? VERIFY_MAX_FAILURES - failures - 1 : VERIFY_MAX_FAILURES - failures;
      return fail(s, 'dob_name', check.reason, input.staffId, at, left);
    }
    const [code] = await s.changes.tx
      .select()
      .from(verificationCodes)
      // Sending a code retires the earlier ones: at most one is live.
      .where(and(eq(verificationCodes.organizationId, organizationId), eq(verificationCodes.caseId, caseId), sql`${verificationCodes.usedAt} is null`))
      .orderBy(desc(verificationCodes.createdAt))
      .limit(1)
      .for('update');
    if (!code) return fail(s, 'one_time_code', 'no_code', input.staffId, at, 0);
    if (code.attempts >= VERIFY_CODE_MAX_ATTEMPTS) {
      throw new BadInput('code_attempts_exhausted', `That code was entered wrongly ${VERIFY_CODE_MAX_ATTEMPTS} times: send a new one.`, 429);
    }
    if (Date.parse(code.expiresAt) <= Date.parse(at)) return fail(s, 'one_time_code', 'code_expired', input.staffId, at, 0);
    const given = Buffer.from(verificationCodeHash(services.secret, organizationId, code.id, input.code.trim()), 'hex');
    const stored = Buffer.from(code.codeHash, 'hex');
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) {
      await s.changes.tx
        .update(verificationCodes)
        .set({ attempts: code.attempts + 1 })
        .where(and(eq(verificationCodes.organizationId, organizationId), eq(verificationCodes.id, code.id)));
      return fail(s, 'one_time_code', 'wrong_code', input.staffId, at, VERIFY_CODE_MAX_ATTEMPTS - code.attempts - 1);
    }
    await s.changes.tx
      .update(verificationCodes)
      .set({ usedAt: at })
      .where(and(eq(verificationCodes.organizationId, organizationId), eq(verificationCodes.id, code.id)));
    // The code proves the person holds that contact; verify the contact the code was sent for.
    return succeed(s, 'one_time_code', input.staffId, at);
  });
}

export interface CodeSent {
  codeId: string;
  channel: 'sms' | 'email';
  /** The destination, masked: enough for the agent to say "the number ending 0123". */
  to: string;
  expiresAt: string;
}

function mask(channel: 'sms' | 'email', address: string): string {
  if (channel === 'sms') return `•••${address.slice(-4)}`;
  const [local, domain] = address.split('@');
  return `${(local ?? '').slice(0, 1)}•••@${domain ?? ''}`;
}

function codeText(code: string, language: Language, organizationName: string | null): { text: string; subject: string } {
  const who = organizationName ? ` ${organizationName}` : '';
  return language === 'es'
    ? {
        text: `Su código de verificación${who ? ` de${who}` : ''} es ${code}. Léaselo a la persona que le atiende. Vence en ${VERIFY_CODE_TTL_MINUTES} minutos.`,
        subject: 'Su código de verificación',
      }
    : {
        text: `Your${who} verification code is ${code}. Read it to the person helping you. It expires in ${VERIFY_CODE_TTL_MINUTES} minutes.`,
        subject: 'Your verification code',
      };
}

/**
 * Sends a 6-digit code through the outbox to a contact the patient verified before (never to
 * the address the unverified caller is using now, unless that address is itself verified).
 * A new code replaces the case's earlier ones.
 */
export async function sendVerificationCode(
  services: Services,
  organizationId: string,
  caseId: string,
  input: { channel?: 'sms' | 'email'; staffId?: string; at?: string } = {},
): Promise<CodeSent> {
  const at = input.at ?? services.now().toISOString();
  return withSubject(services, organizationId, caseId, input.staffId, async (s) => {
    const ids = (await identitiesOf(s.changes.tx, organizationId, s.patient.id)).filter((i) => i.verified);
    const phone = ids.find((i) => i.kind === 'phone');
    const email = ids.find((i) => i.kind === 'email');
    const channel: 'sms' | 'email' | null = input.channel ?? (phone ? 'sms' : email ? 'email' : null);
    const target = channel === 'sms' ? phone : channel === 'email' ? email : undefined;
    if (!channel || !target) {
      throw new BadInput(
        'no_verified_contact',
        input.channel ? `The patient has no verified ${input.channel === 'sms' ? 'mobile number' : 'email address'}.` : 'The patient has no verified mobile number or email address.',
        409,
      );
    }
    await s.changes.tx
      .update(verificationCodes)
      .set({ usedAt: at })
      .where(and(eq(verificationCodes.organizationId, organizationId), eq(verificationCodes.caseId, caseId), sql`${verificationCodes.usedAt} is null`));
    const bytes = services.randomBytes(4);
    const code = String(((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0).slice(-6).padStart(6, '0');
    const expiresAt = new Date(Date.parse(at) + VERIFY_CODE_TTL_MINUTES * 60_000).toISOString();
    const [row] = await s.changes.tx
      .insert(verificationCodes)
      .values({
        organizationId,
        caseId,
        patientId: s.patient.id,
        interactionId: s.interaction.id,
        channel,
        codeHash: 'pending',
        sentBy: input.staffId ?? null,
        expiresAt,
        createdAt: at,
      })
      .returning({ id: verificationCodes.id });
    await s.changes.tx
      .update(verificationCodes)
      .set({ codeHash: verificationCodeHash(services.secret, organizationId, row!.id, code) })
      .where(and(eq(verificationCodes.organizationId, organizationId), eq(verificationCodes.id, row!.id)));
    const language: Language = (s.patient.language ?? s.interaction.language) === 'es' ? 'es' : 'en';
    const orgName = await organizationName(s.changes, organizationId);
    const message = codeText(code, language, orgName);
    await s.changes.tx.insert(outbox).values({
      organizationId,
      caseId,
      channel,
      toAddress: target.value,
      payload: channel === 'email' ? { text: message.text, subject: message.subject, purpose: 'verification_code' } : { text: message.text, purpose: 'verification_code' },
      idempotencyKey: `verification_code:${row!.id}`,
      nextAttemptAt: at,
      createdAt: at,
    });
    // The log says a code went out and how; never the code or the address.
    await s.changes.append({
      kind: 'verification_code_sent',
      caseId,
      patientId: s.patient.id,
      interactionId: s.interaction.id,
      occurredAt: at,
      data: { channel, staffId: input.staffId ?? null },
    });
    return { codeId: row!.id, channel, to: mask(channel, target.value), expiresAt };
  });
}

async function organizationName(changes: ChangeSet, organizationId: string): Promise<string | null> {
  const rows = (await changes.tx.execute(sql`select name from organizations where id = ${organizationId}`)) as unknown;
  const list = (Array.isArray(rows) ? rows : (rows as { rows: Array<{ name: string }> }).rows) as Array<{ name: string }>;
  return list[0]?.name?.replace(/\s*\(demo\)$/, '') ?? null;
}
