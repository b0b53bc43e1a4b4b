import { and, eq } from 'drizzle-orm';
import {
  DEFAULT_CONTACT_PREFERENCES,
  invalidContactPreferences,
  PREFERENCE_CHANNELS,
  preferenceChanges,
  type ChannelChoice,
  type ContactPreferences,
  type Language,
  type QuietWindow,
} from '@carethread/core';
import { appendAudit, type AuditEntry } from '../audit/log.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import type { Executor } from './db.ts';
import { ChangeSet } from './events.ts';
import { getPatient, type PatientRow } from './patients.ts';
import { organizations } from './schema.ts';
import { contactPreferences } from './schema-consent.ts';

type PreferenceRow = typeof contactPreferences.$inferSelect;

/** Who changes a patient's preferences, and through what. Never an address: the audit row and the event carry ids only. */
export interface PreferenceActor {
  type: 'staff' | 'token' | 'patient' | 'system';
  /** Staff id, token id or patient id; null for the system. */
  id: string | null;
  role?: string | null;
  tokenId?: string | null;
  via: 'api' | 'portal' | 'sms_keyword';
  /** For the audit row: the route pattern or channel, the caller's address and agent. */
  route?: string | null;
  method?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

/** A change: fields left out keep their value; null clears one back to its default. */
export interface PreferencePatch {
  channels?: Partial<Record<string, ChannelChoice>>;
  surveys?: boolean;
  language?: Language | null;
  timeZone?: string | null;
  quietHours?: QuietWindow | null;
}

export interface PreferencesView extends ContactPreferences {
  patientId: string;
  /** The zone quiet hours are read in: the patient's, else the organisation's. */
  effectiveTimeZone: string;
  updatedAt: string | null;
  updatedBy: { type: string; id: string | null; via: string } | null;
}

const CHOICES = new Set(['opted_in', 'opted_out']);
const choice = (v: string | null): ChannelChoice => (v && CHOICES.has(v) ? (v as ChannelChoice) : null);

function fromRow(row: PreferenceRow | undefined): ContactPreferences {
  if (!row) return { ...DEFAULT_CONTACT_PREFERENCES, channels: { ...DEFAULT_CONTACT_PREFERENCES.channels } };
  return {
    channels: { sms: choice(row.sms), email: choice(row.email), voice: choice(row.voice), portal: choice(row.portal) },
    surveys: row.surveys,
    language: row.language === 'en' || row.language === 'es' ? row.language : null,
    timeZone: row.timeZone,
    quietHours: row.quietStart && row.quietEnd ? { start: row.quietStart, end: row.quietEnd } : null,
  };
}

async function rowOf(tx: Executor, organizationId: string, patientId: string, lock = false): Promise<PreferenceRow | undefined> {
  const q = tx
    .select()
    .from(contactPreferences)
    .where(and(eq(contactPreferences.organizationId, organizationId), eq(contactPreferences.patientId, patientId)));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/** The patient's stated preferences, or null when they never stated any (the defaults apply). */
export async function contactPreferencesFor(tx: Executor, organizationId: string, patientId: string): Promise<ContactPreferences | null> {
  const row = await rowOf(tx, organizationId, patientId);
  return row ? fromRow(row) : null;
}

/**
 * The language system messages are written in for this patient: the stated preference, else
 * the record's language. Returns the patient row with `language` set to it, so callers that
 * already pass the row on (reminders, care notifications) need one line to honour it.
 */
export async function withPreferredLanguage<T extends Pick<PatientRow, 'id' | 'language'> | null>(tx: Executor, organizationId: string, patient: T): Promise<T> {
  if (!patient) return patient;
  const prefs = await contactPreferencesFor(tx, organizationId, patient.id);
  return prefs?.language ? { ...patient, language: prefs.language } : patient;
}

function view(patientId: string, row: PreferenceRow | undefined, organizationTimeZone: string): PreferencesView {
  const prefs = fromRow(row);
  return {
    patientId,
    ...prefs,
    effectiveTimeZone: prefs.timeZone ?? organizationTimeZone,
    updatedAt: row ? new Date(row.updatedAt).toISOString() : null,
    updatedBy: row ? { type: row.updatedByType, id: row.updatedById, via: row.updatedVia } : null,
  };
}

async function organizationZone(tx: Executor, organizationId: string): Promise<string> {
  const [org] = await tx.select({ timeZone: organizations.timeZone }).from(organizations).where(eq(organizations.id, organizationId));
  return org?.timeZone ?? 'UTC';
}

export async function getPreferences(services: Services, organizationId: string, patientId: string): Promise<PreferencesView> {
  const { db } = services.database;
  const patient = await getPatient(db, organizationId, patientId);
  if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
  return view(patientId, await rowOf(db, organizationId, patientId), await organizationZone(db, organizationId));
}

/** Checks a change before anything is touched: a bad field is a 400 naming it, and nothing changes. */
export function validatePatch(patch: PreferencePatch): void {
  const errors = invalidContactPreferences({
    ...(patch.channels !== undefined ? { channels: patch.channels as Record<string, unknown> } : {}),
    ...(patch.language !== undefined ? { language: patch.language } : {}),
    ...(patch.timeZone !== undefined ? { timeZone: patch.timeZone } : {}),
    ...(patch.quietHours !== undefined ? { quietHours: patch.quietHours } : {}),
  });
  if (patch.surveys !== undefined && typeof patch.surveys !== 'boolean') errors.surveys = 'use true or false';
  if (Object.keys(errors).length > 0) {
    throw new BadInput('invalid_preferences', `Invalid preferences: ${Object.keys(errors).join(', ')}.`, 400, { errors });
  }
}

function applyPatch(before: ContactPreferences, patch: PreferencePatch): ContactPreferences {
  const channels = { ...before.channels };
  for (const c of PREFERENCE_CHANNELS) if (patch.channels && c in patch.channels) channels[c] = patch.channels[c] ?? null;
  return {
    channels,
    surveys: patch.surveys ?? before.surveys,
    language: patch.language !== undefined ? patch.language : before.language,
    timeZone: patch.timeZone !== undefined ? patch.timeZone : before.timeZone,
    quietHours: patch.quietHours !== undefined ? (patch.quietHours ? { start: patch.quietHours.start, end: patch.quietHours.end } : null) : before.quietHours,
  };
}

/**
 * Changes a patient's preferences in one transaction: the row, a `preferences_changed` event
 * and a `consent_change` audit row with who, which patient, and each changed field before →
 * after (statuses, language, zone, hours; never a phone number or an email). A change that
 * changes nothing writes nothing.
 */
export async function updatePreferences(
  services: Services,
  organizationId: string,
  patientId: string,
  patch: PreferencePatch,
  actor: PreferenceActor,
  opts: { at?: string } = {},
): Promise<PreferencesView> {
  validatePatch(patch);
  const at = opts.at ?? services.now().toISOString();
  return services.database.db.transaction(async (tx) => {
    const patient = await getPatient(tx, organizationId, patientId);
    if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
    const zone = await organizationZone(tx, organizationId);
    const existing = await rowOf(tx, organizationId, patientId, true);
    const before = fromRow(existing);
    const after = applyPatch(before, patch);
    const changed = preferenceChanges(before, after);
    if (Object.keys(changed).length === 0) return view(patientId, existing, zone);
    const values = {
      sms: after.channels.sms,
      email: after.channels.email,
      voice: after.channels.voice,
      portal: after.channels.portal,
      surveys: after.surveys,
      language: after.language,
      timeZone: after.timeZone,
      quietStart: after.quietHours?.start ?? null,
      quietEnd: after.quietHours?.end ?? null,
      updatedByType: actor.type,
      updatedById: actor.id,
      updatedVia: actor.via,
      updatedAt: at,
    };
    const [row] = await tx
      .insert(contactPreferences)
      .values({ organizationId, patientId, ...values, createdAt: at })
      .onConflictDoUpdate({ target: [contactPreferences.organizationId, contactPreferences.patientId], set: values })
      .returning();
    const changes = new ChangeSet(tx, organizationId);
    await changes.append({
      kind: 'preferences_changed',
      patientId,
      occurredAt: at,
      data: { changes: changed, by: actor.type, via: actor.via },
    });
    await changes.commit();
    // Last: the audit chain's lock is held only until this transaction commits.
    await appendAudit(tx, preferenceAuditEntry(organizationId, patientId, actor, changed));
    return view(patientId, row, zone);
  });
}

export function preferenceAuditEntry(organizationId: string, patientId: string | null, actor: PreferenceActor, changes: Record<string, unknown>): AuditEntry {
  return {
    organizationId,
    actorType: actor.type,
    actorId: actor.id,
    actorRole: actor.role ?? (actor.type === 'patient' ? 'patient' : null),
    tokenId: actor.tokenId ?? null,
    action: 'consent_change',
    resourceType: 'contact_preferences',
    resourceId: patientId,
    patientId,
    route: actor.route ?? null,
    method: actor.method ?? null,
    ip: actor.ip ?? null,
    userAgent: actor.userAgent ?? null,
    detail: { via: actor.via, changes },
  };
}
