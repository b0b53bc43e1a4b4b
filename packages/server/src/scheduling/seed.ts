import { and, eq, inArray } from 'drizzle-orm';
import { addLocalDays, createRng, expandWeeklyHours, zonedParts, type WeeklyHours } from '@carethread/core';
import type { Executor } from '../store/db.ts';
import { departments, organizations } from '../store/schema.ts';
import { locations, providers, schedules, slots } from '../store/schema-scheduling.ts';

/**
 * Synthetic clinics for the demo and tests: clinical departments, a few providers in each
 * (made-up names, no real person), two locations and free slots on weekday clinic hours.
 */

const CLINICAL_DEPARTMENTS = [
  { slug: 'primary-care', name: 'Primary care', serviceType: 'primary-care-visit' },
  { slug: 'cardiology', name: 'Cardiology', serviceType: 'cardiology-consult' },
  { slug: 'pediatrics', name: 'Pediatrics', serviceType: 'pediatric-visit' },
  { slug: 'dermatology', name: 'Dermatology', serviceType: 'dermatology-consult' },
] as const;

const DEMO_PROVIDERS: Record<(typeof CLINICAL_DEPARTMENTS)[number]['slug'], Array<{ name: string; languages: string[] }>> = {
  'primary-care': [
    { name: 'Dr. Ana Whitfield', languages: ['en', 'es'] },
    { name: 'Dr. Marcus Oyelaran', languages: ['en'] },
    { name: 'Dr. Lucía Ferrando', languages: ['es', 'en'] },
  ],
  cardiology: [
    { name: 'Dr. Helen Marchetti', languages: ['en'] },
    { name: 'Dr. Tomás Echeverri', languages: ['en', 'es'] },
  ],
  pediatrics: [
    { name: 'Dr. Priya Landry', languages: ['en'] },
    { name: 'Dr. Rosa Villanueva', languages: ['es', 'en'] },
  ],
  dermatology: [
    { name: 'Dr. Owen Castellanos', languages: ['en', 'es'] },
    { name: 'Dr. Grace Holbrook', languages: ['en'] },
  ],
};

const DEMO_LOCATIONS = [
  { externalId: 'demo-main', name: 'Riverside Main Clinic', addressLine: '100 Example Avenue', city: 'Riverside', postcode: '00001' },
  { externalId: 'demo-north', name: 'Riverside North Clinic', addressLine: '25 Sample Street', city: 'Riverside', postcode: '00002' },
];

export interface SchedulingSeedOptions {
  /** Days of slots from `from` (default 14). */
  days?: number;
  seed?: number;
  /** First instant with slots (default now). */
  from?: Date;
}

export interface SchedulingSeedResult {
  departments: number;
  providers: number;
  locations: number;
  schedules: number;
  slots: number;
  /** False when the organisation already had providers: seeding twice adds nothing. */
  created: boolean;
}

export async function seedScheduling(tx: Executor, organizationId: string, options: SchedulingSeedOptions = {}): Promise<SchedulingSeedResult> {
  const existing = await tx.select({ id: providers.id }).from(providers).where(eq(providers.organizationId, organizationId)).limit(1);
  if (existing.length > 0) return { departments: 0, providers: 0, locations: 0, schedules: 0, slots: 0, created: false };
  const [org] = await tx.select().from(organizations).where(eq(organizations.id, organizationId));
  if (!org) throw new Error('seedScheduling: no such organization');
  const rng = createRng(options.seed ?? 11);
  const from = options.from ?? new Date();
  const days = options.days ?? 14;
  const createdAt = from.toISOString();

  await tx
    .insert(departments)
    .values(CLINICAL_DEPARTMENTS.map((d) => ({ organizationId, slug: d.slug, name: d.name, requestTypes: [] })))
    .onConflictDoNothing();
  const deptRows = await tx
    .select({ id: departments.id, slug: departments.slug })
    .from(departments)
    .where(and(eq(departments.organizationId, organizationId), inArray(departments.slug, CLINICAL_DEPARTMENTS.map((d) => d.slug))));
  const deptId = new Map(deptRows.map((d) => [d.slug, d.id]));

  const locationRows = await tx
    .insert(locations)
    .values(DEMO_LOCATIONS.map((l) => ({ organizationId, ...l, timeZone: null, createdAt })))
    .returning();
  const [main, north] = locationRows as [typeof locations.$inferSelect, typeof locations.$inferSelect];

  const firstDate = zonedParts(from, org.timeZone).date;
  const lastDate = addLocalDays(firstDate, Math.max(days, 1) - 1);
  let providerCount = 0;
  let scheduleCount = 0;
  const slotRows: Array<typeof slots.$inferInsert> = [];
  for (const dept of CLINICAL_DEPARTMENTS) {
    for (const [i, p] of DEMO_PROVIDERS[dept.slug].entries()) {
      const [provider] = await tx
        .insert(providers)
        .values({ organizationId, externalId: `demo-${dept.slug}-${i + 1}`, name: p.name, departmentId: deptId.get(dept.slug) ?? null, languages: p.languages, createdAt })
        .returning({ id: providers.id });
      providerCount++;
      const slotMinutes = rng() < 0.5 ? 20 : 30;
      // Main clinic most of the week; North on Tuesday and Thursday afternoons, and some
      // providers keep an evening clinic there on Thursdays.
      const plans: Array<{ location: typeof main; weekly: WeeklyHours[] }> = [
        {
          location: main,
          weekly: [
            { days: ['mon', 'wed', 'fri'], start: '08:00', end: '12:00' },
            { days: ['mon', 'wed', 'fri'], start: '13:00', end: '17:00' },
            { days: ['tue', 'thu'], start: '08:00', end: '12:00' },
          ],
        },
        {
          location: north,
          weekly: [
            { days: ['tue', 'thu'], start: '13:00', end: '17:00' },
            ...(rng() < 0.5 ? [{ days: ['thu'] as const, start: '17:00', end: '19:00' }] : []),
          ] as WeeklyHours[],
        },
      ];
      for (const plan of plans) {
        const [schedule] = await tx
          .insert(schedules)
          .values({ organizationId, providerId: provider!.id, locationId: plan.location.id, serviceType: dept.serviceType, createdAt })
          .returning({ id: schedules.id });
        scheduleCount++;
        const timeZone = plan.location.timeZone ?? org.timeZone;
        for (const s of expandWeeklyHours({ weekly: plan.weekly, slotMinutes, from: firstDate, to: lastDate, timeZone })) {
          if (s.start.getTime() <= from.getTime()) continue;
          slotRows.push({
            organizationId,
            scheduleId: schedule!.id,
            start: s.start.toISOString(),
            end: s.end.toISOString(),
            status: 'free',
            createdAt,
            updatedAt: createdAt,
          });
        }
      }
    }
  }
  for (let i = 0; i < slotRows.length; i += 1000) await tx.insert(slots).values(slotRows.slice(i, i + 1000));
  return { departments: deptRows.length, providers: providerCount, locations: locationRows.length, schedules: scheduleCount, slots: slotRows.length, created: true };
}
