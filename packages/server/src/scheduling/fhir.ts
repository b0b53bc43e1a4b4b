import { and, asc, eq, gt, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Appointment, AppointmentParticipant, Bundle, CodeableConcept, OperationOutcome, Resource, Schedule, Slot } from '@medplum/fhirtypes';
import { SLOT_STATUSES, APPOINTMENT_STATUSES } from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { appointments, locations, providers, schedules, slots } from '../store/schema-scheduling.ts';
import { iso, type AppointmentRow, type LocationRow, type ProviderRow, type ScheduleRow, type SlotRow } from './common.ts';
import { getAppointment } from './appointments.ts';
import { appointmentViews, type AppointmentView } from './views.ts';
import { EARLIEST_YEAR, isPlausibleInstant, LATEST_YEAR } from '../instants.ts';

/**
 * Read-only FHIR R4 views of the scheduling tables (Schedule, Slot, Appointment), for
 * integrations that speak FHIR. Ids are carethread's; references point at Practitioner,
 * Location, Patient and Task (a case) by the same ids.
 */

export const SERVICE_TYPE_SYSTEM = 'urn:carethread:service-type';
export const CONFIRMED_AT_EXTENSION = 'urn:carethread:fhir:appointment-confirmed-at';

const serviceType = (code: string | null): CodeableConcept[] | undefined => (code ? [{ coding: [{ system: SERVICE_TYPE_SYSTEM, code }], text: code }] : undefined);

export function toFhirSlot(slot: SlotRow, schedule: Pick<ScheduleRow, 'serviceType'>): Slot {
  return {
    resourceType: 'Slot',
    id: slot.id,
    meta: { lastUpdated: iso(slot.updatedAt) },
    schedule: { reference: `Schedule/${slot.scheduleId}` },
    status: slot.status as Slot['status'],
    start: iso(slot.start),
    end: iso(slot.end),
    ...(schedule.serviceType ? { serviceType: serviceType(schedule.serviceType) } : {}),
  };
}

export function toFhirSchedule(schedule: ScheduleRow, provider: Pick<ProviderRow, 'id' | 'name'>, location: Pick<LocationRow, 'id' | 'name'>): Schedule {
  return {
    resourceType: 'Schedule',
    id: schedule.id,
    active: schedule.active,
    actor: [
      { reference: `Practitioner/${provider.id}`, display: provider.name },
      { reference: `Location/${location.id}`, display: location.name },
    ],
    ...(schedule.serviceType ? { serviceType: serviceType(schedule.serviceType) } : {}),
  };
}

export function toFhirAppointment(a: AppointmentView): Appointment {
  const declined = a.cancelReason === 'offer_declined' || a.cancelReason === 'offer_expired';
  const patientStatus: AppointmentParticipant['status'] = a.status === 'proposed' ? 'needs-action' : declined ? 'declined' : 'accepted';
  const minutes = Math.round((Date.parse(a.end) - Date.parse(a.start)) / 60_000);
  return {
    resourceType: 'Appointment',
    id: a.id,
    meta: { lastUpdated: a.updatedAt },
    status: a.status as Appointment['status'],
    ...(a.status === 'cancelled' && a.cancelReason ? { cancelationReason: { text: a.cancelReason } } : {}),
    ...(a.serviceType ? { serviceType: serviceType(a.serviceType) } : {}),
    start: a.start,
    end: a.end,
    minutesDuration: minutes,
    slot: [{ reference: `Slot/${a.slotId}` }],
    created: a.createdAt,
    ...(a.caseId ? { supportingInformation: [{ reference: `Task/${a.caseId}` }] } : {}),
    ...(a.confirmedAt ? { extension: [{ url: CONFIRMED_AT_EXTENSION, valueDateTime: a.confirmedAt }] } : {}),
    participant: [
      { actor: { reference: `Patient/${a.patientId}` }, required: 'required', status: patientStatus },
      { actor: { reference: `Practitioner/${a.provider.id}`, display: a.provider.name }, required: 'required', status: 'accepted' },
      { actor: { reference: `Location/${a.location.id}`, display: a.location.name }, required: 'required', status: 'accepted' },
    ],
  };
}

export function operationOutcome(code: 'not-found' | 'invalid' | 'processing', diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

export const FHIR_DEFAULT_COUNT = 50;
export const FHIR_MAX_COUNT = 500;

/** The search parameters a page link repeats (every one but the paging ones), in a stable order. */
type SearchParams = Record<string, string | string[] | number | undefined>;

function pageUrl(baseUrl: string, type: string, params: SearchParams, count: number, offset: number): string {
  const query = new URLSearchParams();
  for (const key of Object.keys(params).sort()) {
    if (key === '_count' || key === '_offset') continue;
    const value = params[key];
    for (const v of value === undefined ? [] : Array.isArray(value) ? value : [value]) query.append(key, String(v));
  }
  query.set('_count', String(count));
  query.set('_offset', String(offset));
  return `${baseUrl}/${type}?${query.toString()}`;
}

/**
 * A page of a search: `total` is every match, not the page; `self`, `next` and `previous` links
 * repeat the search with `_count` and `_offset`, so a client walks the pages by following them.
 */
function searchset<T extends Resource>(
  resources: T[],
  baseUrl: string,
  page: { type: string; params: SearchParams; total: number; count: number; offset: number },
): Bundle<T> {
  const { type, params, total, count, offset } = page;
  const link: NonNullable<Bundle<T>['link']> = [{ relation: 'self', url: pageUrl(baseUrl, type, params, count, offset) }];
  if (offset + resources.length < total) link.push({ relation: 'next', url: pageUrl(baseUrl, type, params, count, offset + count) });
  if (offset > 0) link.push({ relation: 'previous', url: pageUrl(baseUrl, type, params, count, Math.max(0, offset - count)) });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link,
    entry: resources.map((resource) => ({ fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}

function paging(q: { _count?: number; _offset?: number }): { count: number; offset: number } {
  return { count: Math.min(q._count ?? FHIR_DEFAULT_COUNT, FHIR_MAX_COUNT), offset: Math.max(0, q._offset ?? 0) };
}

/** FHIR date search values: eq (default), ge, gt, le, lt; a date or a date-time. */
function dateFilter(column: PgColumn, values: string[]): SQL[] {
  const out: SQL[] = [];
  for (const raw of values) {
    const m = /^(eq|ge|gt|le|lt)?(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?)$/.exec(raw);
    if (!m) throw new BadInput('invalid_search', `Cannot read the date "${raw}" (use e.g. ge2026-11-03 or lt2026-11-04T00:00:00Z).`, 400);
    const prefix = m[1] ?? 'eq';
    const value = m[2]!;
    const dateOnly = value.length === 10;
    const lower = new Date(dateOnly ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(lower.getTime())) throw new BadInput('invalid_search', `Cannot read the date "${raw}".`, 400);
    // Found by the large fuzz run: year 1 at +14:00 is year 0 in UTC, which PostgreSQL refuses (a 500).
    if (!isPlausibleInstant(lower.toISOString())) {
      throw new BadInput('invalid_search', `The date "${raw}" must fall between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}.`, 400);
    }
    // A bare date is the whole UTC day; a date-time is that instant.
    const upper = dateOnly ? new Date(lower.getTime() + 86_400_000) : lower;
    const lo = lower.toISOString();
    const hi = upper.toISOString();
    if (prefix === 'ge') out.push(gte(column, lo));
    else if (prefix === 'gt') out.push(dateOnly ? gte(column, hi) : gt(column, lo));
    else if (prefix === 'le') out.push(dateOnly ? lt(column, hi) : lte(column, lo));
    else if (prefix === 'lt') out.push(lt(column, lo));
    else out.push(dateOnly ? and(gte(column, lo), lt(column, hi))! : eq(column, lo));
  }
  return out;
}

const listOf = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const idOf = (ref: string, type: string) => (ref.startsWith(`${type}/`) ? ref.slice(type.length + 1) : ref);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SlotSearch {
  schedule?: string;
  status?: string;
  start?: string | string[];
  'service-type'?: string;
  _count?: number;
  _offset?: number;
}

export async function searchFhirSlots(services: Services, organizationId: string, q: SlotSearch, baseUrl: string): Promise<Bundle<Slot>> {
  const db = services.database.db;
  const scheduleId = q.schedule ? idOf(q.schedule, 'Schedule') : undefined;
  if (scheduleId && !UUID.test(scheduleId)) throw new BadInput('invalid_search', 'schedule must be Schedule/<id>.', 400);
  const statuses = q.status ? q.status.split(',') : [];
  if (statuses.some((s) => !(SLOT_STATUSES as readonly string[]).includes(s))) throw new BadInput('invalid_search', `status must be among ${SLOT_STATUSES.join(', ')}.`, 400);
  const code = q['service-type']?.includes('|') ? q['service-type'].split('|')[1] : q['service-type'];
  const where = and(
    eq(slots.organizationId, organizationId),
    ...(scheduleId ? [eq(slots.scheduleId, scheduleId)] : []),
    ...(statuses.length ? [inArray(slots.status, statuses)] : []),
    ...(code ? [eq(schedules.serviceType, code)] : []),
    ...dateFilter(slots.start, listOf(q.start)),
  );
  const { count, offset } = paging(q);
  const [rows, [matched]] = [
    await db
      .select({ slot: slots, serviceType: schedules.serviceType })
      .from(slots)
      .innerJoin(schedules, eq(schedules.id, slots.scheduleId))
      .where(where)
      .orderBy(asc(slots.start), asc(slots.id))
      .limit(count)
      .offset(offset),
    await db.select({ n: sql<number>`count(*)::int` }).from(slots).innerJoin(schedules, eq(schedules.id, slots.scheduleId)).where(where),
  ];
  return searchset(
    rows.map((r) => toFhirSlot(r.slot, { serviceType: r.serviceType })),
    baseUrl,
    { type: 'Slot', params: { ...q }, total: matched?.n ?? 0, count, offset },
  );
}

export async function fhirSlot(services: Services, organizationId: string, id: string): Promise<Slot> {
  const [row] = await services.database.db
    .select({ slot: slots, serviceType: schedules.serviceType })
    .from(slots)
    .innerJoin(schedules, eq(schedules.id, slots.scheduleId))
    .where(and(eq(slots.organizationId, organizationId), eq(slots.id, id)));
  if (!row) throw new BadInput('not_found', `Slot/${id} is not known.`, 404);
  return toFhirSlot(row.slot, { serviceType: row.serviceType });
}

export async function fhirSchedule(services: Services, organizationId: string, id: string): Promise<Schedule> {
  const [row] = await services.database.db
    .select({ schedule: schedules, provider: providers, location: locations })
    .from(schedules)
    .innerJoin(providers, eq(providers.id, schedules.providerId))
    .innerJoin(locations, eq(locations.id, schedules.locationId))
    .where(and(eq(schedules.organizationId, organizationId), eq(schedules.id, id)));
  if (!row) throw new BadInput('not_found', `Schedule/${id} is not known.`, 404);
  return toFhirSchedule(row.schedule, row.provider, row.location);
}

export async function fhirAppointment(services: Services, organizationId: string, id: string): Promise<Appointment> {
  try {
    return toFhirAppointment(await getAppointment(services, organizationId, id));
  } catch (err) {
    if (err instanceof BadInput && err.status === 404) throw new BadInput('not_found', `Appointment/${id} is not known.`, 404);
    throw err;
  }
}

export async function searchFhirAppointments(
  services: Services,
  organizationId: string,
  q: { patient?: string; status?: string; date?: string | string[]; _count?: number; _offset?: number },
  baseUrl: string,
): Promise<Bundle<Appointment>> {
  const db = services.database.db;
  const patientId = q.patient ? idOf(q.patient, 'Patient') : undefined;
  if (patientId && !UUID.test(patientId)) throw new BadInput('invalid_search', 'patient must be Patient/<id>.', 400);
  const statuses = q.status ? q.status.split(',') : [];
  if (statuses.some((s) => !(APPOINTMENT_STATUSES as readonly string[]).includes(s))) {
    throw new BadInput('invalid_search', `status must be among ${APPOINTMENT_STATUSES.join(', ')}.`, 400);
  }
  const where = and(
    eq(appointments.organizationId, organizationId),
    ...(patientId ? [eq(appointments.patientId, patientId)] : []),
    ...(statuses.length ? [inArray(appointments.status, statuses)] : []),
    ...dateFilter(appointments.start, listOf(q.date)),
  );
  const { count, offset } = paging(q);
  const rows: AppointmentRow[] = await db.select().from(appointments).where(where).orderBy(asc(appointments.start), asc(appointments.id)).limit(count).offset(offset);
  const [matched] = await db.select({ n: sql<number>`count(*)::int` }).from(appointments).where(where);
  const views = await appointmentViews(db, organizationId, rows);
  return searchset(views.map(toFhirAppointment), baseUrl, { type: 'Appointment', params: q, total: matched?.n ?? 0, count, offset });
}
