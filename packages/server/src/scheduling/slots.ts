import { and, asc, eq, gt, lt, ne } from 'drizzle-orm';
import { invalidPreferences, preferenceWindow, rankSlots, type Language, type SlotFit, type SlotPreferences } from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { getActivePatient } from '../store/patients.ts';
import { locations, providers, schedules, slots } from '../store/schema-scheduling.ts';
import { iso, orgContext } from './common.ts';
import { assertLocation, assertProvider, resolveDepartment } from './directory.ts';

export interface SlotQuery {
  departmentId?: string;
  /** Department slug, as an alternative to its id. */
  department?: string;
  serviceType?: string;
  /** Carethread request type a schedule serves (scheduling unless a callback or consult schedule). */
  requestType?: string;
  providerId?: string;
  locationId?: string;
  preferences?: SlotPreferences;
  /** The zone the preferences are read in (the patient's); default the organisation's. */
  timeZone?: string;
  /** The patient searched for: their language is the default language preference. */
  patientId?: string;
  /** Leave this slot out (the one being moved away from). */
  excludeSlotId?: string;
  limit?: number;
  /** At most this many results per local day (default 2); null: no spreading. */
  maxPerDay?: number | null;
  at?: string;
}

export interface SlotView {
  id: string;
  start: string;
  end: string;
  status: string;
  scheduleId: string;
  serviceType: string | null;
  provider: { id: string; name: string; departmentId: string | null; languages: string[] };
  location: { id: string; name: string; addressLine: string | null; timeZone: string };
  fit: SlotFit;
}

/** Enough free slots to rank well without reading a whole year of a large clinic. */
const CANDIDATE_CAP = 3000;

/**
 * Free slots ranked by how well they fit what the patient said (rules in core): dates are hard
 * limits, days, parts of day and the provider's languages rank, soonest first among equals.
 * Without a latest date the search looks `searchHorizonDays` ahead (organisation policy).
 */
export async function findSlots(services: Services, organizationId: string, query: SlotQuery): Promise<{ timeZone: string; considered: number; slots: SlotView[] }> {
  const db = services.database.db;
  const at = query.at ?? services.now().toISOString();
  const { org, policy } = await orgContext(db, organizationId);
  const timeZone = query.timeZone ?? org.timeZone;
  const preferences: SlotPreferences = { ...(query.preferences ?? {}) };
  const problem = invalidPreferences(preferences, timeZone);
  if (problem) throw new BadInput('invalid_preferences', problem, 422);
  const departmentId = await resolveDepartment(db, organizationId, query);
  if (query.providerId) await assertProvider(db, organizationId, query.providerId);
  if (query.locationId) await assertLocation(db, organizationId, query.locationId);
  if (query.patientId) {
    const patient = await getActivePatient(db, organizationId, query.patientId);
    if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
    if (!preferences.language && (patient.language === 'en' || patient.language === 'es')) preferences.language = patient.language as Language;
  }

  const now = new Date(at);
  const window = preferenceWindow(preferences, timeZone);
  const from = window.from && window.from > now ? window.from : now;
  const to = window.to ?? new Date(now.getTime() + policy.searchHorizonDays * 86_400_000);
  if (from >= to) return { timeZone, considered: 0, slots: [] };

  const rows = await db
    .select({
      id: slots.id,
      start: slots.start,
      end: slots.end,
      status: slots.status,
      scheduleId: slots.scheduleId,
      serviceType: schedules.serviceType,
      providerId: providers.id,
      providerName: providers.name,
      providerDepartmentId: providers.departmentId,
      providerLanguages: providers.languages,
      locationId: locations.id,
      locationName: locations.name,
      locationAddress: locations.addressLine,
      locationTimeZone: locations.timeZone,
    })
    .from(slots)
    .innerJoin(schedules, eq(schedules.id, slots.scheduleId))
    .innerJoin(providers, eq(providers.id, schedules.providerId))
    .innerJoin(locations, eq(locations.id, schedules.locationId))
    .where(
      and(
        eq(slots.organizationId, organizationId),
        eq(slots.status, 'free'),
        gt(slots.start, from.toISOString()),
        lt(slots.start, to.toISOString()),
        eq(schedules.active, true),
        eq(providers.active, true),
        eq(locations.active, true),
        ...(departmentId ? [eq(providers.departmentId, departmentId)] : []),
        ...(query.serviceType ? [eq(schedules.serviceType, query.serviceType)] : []),
        ...(query.requestType ? [eq(schedules.requestType, query.requestType)] : []),
        ...(query.providerId ? [eq(providers.id, query.providerId)] : []),
        ...(query.locationId ? [eq(locations.id, query.locationId)] : []),
        ...(query.excludeSlotId ? [ne(slots.id, query.excludeSlotId)] : []),
      ),
    )
    .orderBy(asc(slots.start))
    .limit(CANDIDATE_CAP);

  const ranked = rankSlots(
    rows.map((r) => ({ ...r, start: iso(r.start), end: iso(r.end) })),
    preferences,
    { timeZone, now, limit: Math.min(Math.max(query.limit ?? 5, 1), 50), maxPerDay: query.maxPerDay === undefined ? 2 : query.maxPerDay },
  );
  return {
    timeZone,
    considered: rows.length,
    slots: ranked.map((r) => ({
      id: r.id,
      start: r.start,
      end: r.end,
      status: r.status,
      scheduleId: r.scheduleId,
      serviceType: r.serviceType,
      provider: { id: r.providerId, name: r.providerName, departmentId: r.providerDepartmentId, languages: r.providerLanguages },
      location: { id: r.locationId, name: r.locationName, addressLine: r.locationAddress, timeZone: r.locationTimeZone ?? org.timeZone },
      fit: r.fit,
    })),
  };
}
