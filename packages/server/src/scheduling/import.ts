import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { expandWeeklyHours, invalidSlotTemplate, isLocalDate, isValidTimeZone, REQUEST_TYPES, WEEKDAYS } from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { departments } from '../store/schema.ts';
import { locations, providers, schedules, slots } from '../store/schema-scheduling.ts';
import { inTransaction, orgContext } from './common.ts';
import { isoInstant } from '../instants.ts';

/**
 * Loading real schedules: the JSON format in docs/scheduling.md. Locations and providers carry
 * the organisation's own ids, so importing the same file again updates them and adds only the
 * slots that are new; the whole file goes in one transaction or not at all.
 */

const localDate = z.string().refine(isLocalDate, 'must be a calendar date (YYYY-MM-DD)');
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a HH:MM time');
const externalId = z.string().min(1).max(100);
const timeZone = z.string().refine(isValidTimeZone, 'must be an IANA time zone such as America/New_York');

export const scheduleImportSchema = z
  .object({
    departments: z
      .array(z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'slug: lower-case letters, digits and dashes'), name: z.string().min(1).max(200) }).strict())
      .max(200)
      .default([]),
    locations: z
      .array(
        z
          .object({
            id: externalId,
            name: z.string().min(1).max(200),
            addressLine: z.string().max(300).optional(),
            city: z.string().max(100).optional(),
            postcode: z.string().max(20).optional(),
            timeZone: timeZone.optional(),
            active: z.boolean().optional(),
          })
          .strict(),
      )
      .max(500)
      .default([]),
    providers: z
      .array(
        z
          .object({
            id: externalId,
            name: z.string().min(1).max(200),
            department: z.string().max(60).optional(),
            languages: z.array(z.string().regex(/^[a-z]{2}$/, 'languages are ISO 639-1 codes such as en, es')).max(10).optional(),
            active: z.boolean().optional(),
          })
          .strict(),
      )
      .max(2000)
      .default([]),
    schedules: z
      .array(
        z
          .object({
            provider: externalId,
            location: externalId,
            serviceType: z.string().min(1).max(100).optional(),
            requestType: z.enum(REQUEST_TYPES).optional(),
            slotMinutes: z.number().int().min(5).max(480).optional(),
            weekly: z.array(z.object({ days: z.array(z.enum(WEEKDAYS)).min(1), start: localTime, end: localTime }).strict()).max(50).optional(),
            from: localDate.optional(),
            to: localDate.optional(),
            closedDates: z.array(localDate).max(400).optional(),
            slots: z
              .array(
                z
                  .object({
                    start: isoInstant(),
                    end: isoInstant(),
                    status: z.enum(['free', 'busy-unavailable']).optional(),
                  })
                  .strict(),
              )
              .max(20_000)
              .optional(),
          })
          .strict(),
      )
      .max(5000)
      .default([]),
  })
  .strict();

export type ScheduleImport = z.input<typeof scheduleImportSchema>;

export interface ImportResult {
  departments: number;
  locations: { created: number; updated: number };
  providers: { created: number; updated: number };
  schedules: { created: number; existing: number };
  slots: { created: number; existing: number };
}

const MAX_SLOTS = 100_000;

export async function importSchedules(services: Services, organizationId: string, input: ScheduleImport, opts: { at?: string } = {}): Promise<ImportResult> {
  const parsed = scheduleImportSchema.safeParse(input);
  if (!parsed.success) {
    throw new BadInput('invalid_import', parsed.error.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; '), 422);
  }
  const doc = parsed.data;
  const at = opts.at ?? services.now().toISOString();
  return inTransaction(services, organizationId, async (changes) => {
    const { tx } = changes;
    const { org } = await orgContext(tx, organizationId);
    const result: ImportResult = {
      departments: 0,
      locations: { created: 0, updated: 0 },
      providers: { created: 0, updated: 0 },
      schedules: { created: 0, existing: 0 },
      slots: { created: 0, existing: 0 },
    };

    if (doc.departments.length > 0) {
      const added = await tx
        .insert(departments)
        .values(doc.departments.map((d) => ({ organizationId, slug: d.slug, name: d.name, requestTypes: [] })))
        .onConflictDoNothing()
        .returning({ id: departments.id });
      result.departments = added.length;
    }
    const deptRows = await tx.select({ id: departments.id, slug: departments.slug }).from(departments).where(eq(departments.organizationId, organizationId));
    const deptBySlug = new Map(deptRows.map((d) => [d.slug, d.id]));

    const locationIds = new Map<string, { id: string; timeZone: string | null }>();
    if (doc.locations.length > 0) {
      const known = await tx
        .select({ externalId: locations.externalId })
        .from(locations)
        .where(and(eq(locations.organizationId, organizationId), inArray(locations.externalId, doc.locations.map((l) => l.id))));
      const knownIds = new Set(known.map((k) => k.externalId));
      for (const l of doc.locations) {
        const values = {
          name: l.name,
          addressLine: l.addressLine ?? null,
          city: l.city ?? null,
          postcode: l.postcode ?? null,
          timeZone: l.timeZone ?? null,
          active: l.active ?? true,
        };
        const [row] = await tx
          .insert(locations)
          .values({ organizationId, externalId: l.id, ...values, createdAt: at })
          .onConflictDoUpdate({ target: [locations.organizationId, locations.externalId], targetWhere: sql`external_id is not null`, set: values })
          .returning({ id: locations.id, timeZone: locations.timeZone });
        locationIds.set(l.id, row!);
        if (knownIds.has(l.id)) result.locations.updated++;
        else result.locations.created++;
      }
    }

    const providerIds = new Map<string, string>();
    if (doc.providers.length > 0) {
      const known = await tx
        .select({ externalId: providers.externalId })
        .from(providers)
        .where(and(eq(providers.organizationId, organizationId), inArray(providers.externalId, doc.providers.map((p) => p.id))));
      const knownIds = new Set(known.map((k) => k.externalId));
      for (const p of doc.providers) {
        const departmentId = p.department ? deptBySlug.get(p.department) : null;
        if (departmentId === undefined) {
          throw new BadInput('invalid_import', `providers: ${p.id} names department "${p.department}", which this organization does not have (declare it under departments).`, 422);
        }
        const values = { name: p.name, departmentId, languages: p.languages ?? ['en'], active: p.active ?? true };
        const [row] = await tx
          .insert(providers)
          .values({ organizationId, externalId: p.id, ...values, createdAt: at })
          .onConflictDoUpdate({ target: [providers.organizationId, providers.externalId], targetWhere: sql`external_id is not null`, set: values })
          .returning({ id: providers.id });
        providerIds.set(p.id, row!.id);
        if (knownIds.has(p.id)) result.providers.updated++;
        else result.providers.created++;
      }
    }

    // Schedules may name providers and locations imported earlier, by the same ids.
    const needProviders = doc.schedules.map((s) => s.provider).filter((id) => !providerIds.has(id));
    if (needProviders.length > 0) {
      const rows = await tx
        .select({ id: providers.id, externalId: providers.externalId })
        .from(providers)
        .where(and(eq(providers.organizationId, organizationId), inArray(providers.externalId, [...new Set(needProviders)])));
      for (const r of rows) providerIds.set(r.externalId!, r.id);
    }
    const needLocations = doc.schedules.map((s) => s.location).filter((id) => !locationIds.has(id));
    if (needLocations.length > 0) {
      const rows = await tx
        .select({ id: locations.id, externalId: locations.externalId, timeZone: locations.timeZone })
        .from(locations)
        .where(and(eq(locations.organizationId, organizationId), inArray(locations.externalId, [...new Set(needLocations)])));
      for (const r of rows) locationIds.set(r.externalId!, { id: r.id, timeZone: r.timeZone });
    }

    let totalSlots = 0;
    for (const [index, s] of doc.schedules.entries()) {
      const where = `schedules.${index}`;
      const providerId = providerIds.get(s.provider);
      if (!providerId) throw new BadInput('invalid_import', `${where}: unknown provider "${s.provider}".`, 422);
      const location = locationIds.get(s.location);
      if (!location) throw new BadInput('invalid_import', `${where}: unknown location "${s.location}".`, 422);
      const zone = location.timeZone ?? org.timeZone;
      const intervals: Array<{ start: string; end: string; status: 'free' | 'busy-unavailable' }> = [];
      if (s.weekly && s.weekly.length > 0) {
        if (!s.slotMinutes || !s.from || !s.to) throw new BadInput('invalid_import', `${where}: weekly hours need slotMinutes, from and to.`, 422);
        const template = { weekly: s.weekly, slotMinutes: s.slotMinutes, from: s.from, to: s.to, closedDates: s.closedDates, timeZone: zone };
        const problem = invalidSlotTemplate(template);
        if (problem) throw new BadInput('invalid_import', `${where}: ${problem}`, 422);
        for (const slot of expandWeeklyHours(template)) intervals.push({ start: slot.start.toISOString(), end: slot.end.toISOString(), status: 'free' });
      }
      for (const [j, slot] of (s.slots ?? []).entries()) {
        const start = new Date(slot.start);
        const end = new Date(slot.end);
        if (!(end > start)) throw new BadInput('invalid_import', `${where}.slots.${j}: end must be after start.`, 422);
        intervals.push({ start: start.toISOString(), end: end.toISOString(), status: slot.status ?? 'free' });
      }
      // A start listed twice (weekly hours and an explicit slot) is one slot.
      const unique = [...new Map(intervals.map((i) => [i.start, i])).values()];
      intervals.length = 0;
      intervals.push(...unique);
      totalSlots += intervals.length;
      if (totalSlots > MAX_SLOTS) throw new BadInput('invalid_import', `One import holds at most ${MAX_SLOTS} slots; split the file.`, 422);

      const [existing] = await tx
        .select({ id: schedules.id })
        .from(schedules)
        .where(
          and(
            eq(schedules.organizationId, organizationId),
            eq(schedules.providerId, providerId),
            eq(schedules.locationId, location.id),
            s.serviceType ? eq(schedules.serviceType, s.serviceType) : isNull(schedules.serviceType),
          ),
        )
        .limit(1);
      let scheduleId = existing?.id;
      if (scheduleId) {
        result.schedules.existing++;
        if (s.requestType) await tx.update(schedules).set({ requestType: s.requestType }).where(changes.owned(schedules, scheduleId));
      } else {
        const [row] = await tx
          .insert(schedules)
          .values({ organizationId, providerId, locationId: location.id, serviceType: s.serviceType ?? null, requestType: s.requestType ?? 'scheduling', createdAt: at })
          .returning({ id: schedules.id });
        scheduleId = row!.id;
        result.schedules.created++;
      }
      for (let i = 0; i < intervals.length; i += 1000) {
        const batch = intervals.slice(i, i + 1000);
        const inserted = await tx
          .insert(slots)
          .values(batch.map((b) => ({ organizationId, scheduleId: scheduleId!, start: b.start, end: b.end, status: b.status, createdAt: at, updatedAt: at })))
          .onConflictDoNothing({ target: [slots.scheduleId, slots.start] })
          .returning({ id: slots.id });
        result.slots.created += inserted.length;
        result.slots.existing += batch.length - inserted.length;
      }
    }
    await changes.append({ kind: 'schedules_imported', occurredAt: at, data: { ...result } });
    return result;
  });
}
