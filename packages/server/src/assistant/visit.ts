import { and, desc, eq, inArray, max, sql } from 'drizzle-orm';
import { isPrimaryCareDepartment, type ResolvedVisit, type SchedulingPreferences } from '@carethread/assistant';
import type { Executor } from '../store/db.ts';
import { departments } from '../store/schema.ts';
import { appointments, providers } from '../store/schema-scheduling.ts';

/** Appointments that say whom a patient sees (a cancelled or missed one says less). */
const SEEN_STATUSES = ['booked', 'pending', 'arrived', 'fulfilled'];

interface ProviderRow {
  id: string;
  name: string;
  departmentId: string | null;
  active: boolean;
}

/** "Dr. Ana Whitfield (Primary care)": whom and which specialty, as the patient reads it. */
export function visitLabel(provider: string | null, specialty: string | null): string {
  if (provider && specialty) return `${provider} (${specialty})`;
  return provider ?? specialty ?? '';
}

/**
 * Works out whom the patient wants to see before any slot is looked for, from what they said:
 *
 * 1. a named doctor: that doctor;
 * 2. "my doctor", "my family doctor", "mi médico de cabecera", or nothing said at all: the
 *    provider they have seen most (most recently among equals), within primary care unless they
 *    said "my doctor" in general;
 * 3. a named department or specialty: that department, all its providers;
 * 4. primary care asked for (or nothing said) without a usual provider: the primary-care
 *    department, or the only department the organisation has;
 * 5. otherwise, or when a specialty was named that no department matched ("neurologist"), the
 *    organisation's specialties are returned to ask the patient: a guess could book a specialty
 *    nobody asked for.
 */
export async function resolveVisit(
  db: Executor,
  organizationId: string,
  patientId: string,
  p: SchedulingPreferences,
): Promise<{ visit: ResolvedVisit } | { options: string[] }> {
  const providerRows: ProviderRow[] = await db
    .select({ id: providers.id, name: providers.name, departmentId: providers.departmentId, active: providers.active })
    .from(providers)
    .where(eq(providers.organizationId, organizationId));
  const departmentRows = await db.select({ id: departments.id, name: departments.name }).from(departments).where(eq(departments.organizationId, organizationId));
  const departmentName = new Map(departmentRows.map((d) => [d.id, d.name]));
  const byProvider = (row: ProviderRow): { visit: ResolvedVisit } => ({
    visit: { providerId: row.id, ...(row.departmentId ? { departmentId: row.departmentId } : {}), label: visitLabel(row.name, row.departmentId ? (departmentName.get(row.departmentId) ?? null) : null) },
  });
  const byDepartment = (id: string): { visit: ResolvedVisit } => ({ visit: { departmentId: id, label: departmentName.get(id) ?? '' } });
  const active = providerRows.filter((r) => r.active);
  // Only departments where someone sees patients are specialties one can book.
  const clinical = departmentRows.filter((d) => active.some((r) => r.departmentId === d.id));
  const primaryCare = clinical.filter((d) => isPrimaryCareDepartment(d.name));

  if (p.providerId) {
    const named = active.find((r) => r.id === p.providerId);
    if (named) return byProvider(named);
  }
  // A specialty the organisation has no department for: the patient chooses among those it has.
  if (p.otherSpecialty && !p.providerId && !p.departmentId) return { options: clinical.map((d) => d.name).sort((a, b) => a.localeCompare(b)) };
  const nothingSaid = !p.providerId && !p.departmentId && !p.usual && !p.primaryCare;
  if (p.usual || p.primaryCare || nothingSaid) {
    const seen = await db
      .select({ providerId: appointments.providerId, visits: sql<number>`count(*)::int`, last: max(appointments.start) })
      .from(appointments)
      .where(and(eq(appointments.organizationId, organizationId), eq(appointments.patientId, patientId), inArray(appointments.status, SEEN_STATUSES)))
      .groupBy(appointments.providerId)
      .orderBy(desc(sql`count(*)`), desc(max(appointments.start)));
    const anySpecialty = p.usual && !p.primaryCare;
    for (const s of seen) {
      const row = active.find((r) => r.id === s.providerId);
      if (!row) continue;
      if (p.departmentId && row.departmentId !== p.departmentId) continue;
      if (!p.departmentId && !anySpecialty && !primaryCare.some((d) => d.id === row.departmentId)) continue;
      return byProvider(row);
    }
  }
  if (p.departmentId && departmentName.has(p.departmentId)) return byDepartment(p.departmentId);
  if (primaryCare.length === 1) return byDepartment(primaryCare[0]!.id);
  if (clinical.length === 1) return byDepartment(clinical[0]!.id);
  return { options: (primaryCare.length > 1 ? primaryCare : clinical).map((d) => d.name).sort((a, b) => a.localeCompare(b)) };
}
