import { and, asc, eq } from 'drizzle-orm';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import type { Executor } from '../store/db.ts';
import { departments } from '../store/schema.ts';
import { locations, providers, schedules } from '../store/schema-scheduling.ts';
import { iso } from './common.ts';

/** Providers, locations and schedules: who sees patients, where, for what. */

export async function resolveDepartment(tx: Executor, organizationId: string, ref: { departmentId?: string | null; department?: string | null }): Promise<string | null> {
  if (ref.departmentId) {
    const [row] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.organizationId, organizationId), eq(departments.id, ref.departmentId)));
    if (!row) throw new BadInput('unknown_department', 'No such department in this organization.', 404);
    return row.id;
  }
  if (ref.department) {
    const [row] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.organizationId, organizationId), eq(departments.slug, ref.department)));
    if (!row) throw new BadInput('unknown_department', `No department "${ref.department}" in this organization.`, 404);
    return row.id;
  }
  return null;
}

export async function assertProvider(tx: Executor, organizationId: string, id: string): Promise<void> {
  const [row] = await tx.select({ id: providers.id }).from(providers).where(and(eq(providers.organizationId, organizationId), eq(providers.id, id)));
  if (!row) throw new BadInput('unknown_provider', 'No such provider in this organization.', 404);
}

export async function assertLocation(tx: Executor, organizationId: string, id: string): Promise<void> {
  const [row] = await tx.select({ id: locations.id }).from(locations).where(and(eq(locations.organizationId, organizationId), eq(locations.id, id)));
  if (!row) throw new BadInput('unknown_location', 'No such location in this organization.', 404);
}

export interface ProviderView {
  id: string;
  externalId: string | null;
  name: string;
  languages: string[];
  active: boolean;
  department: { id: string; slug: string; name: string } | null;
}

export async function listProviders(
  services: Services,
  organizationId: string,
  filter: { departmentId?: string; department?: string; language?: string } = {},
): Promise<ProviderView[]> {
  const db = services.database.db;
  const departmentId = await resolveDepartment(db, organizationId, filter);
  const rows = await db
    .select({ provider: providers, department: { id: departments.id, slug: departments.slug, name: departments.name } })
    .from(providers)
    .leftJoin(departments, eq(departments.id, providers.departmentId))
    .where(and(eq(providers.organizationId, organizationId), ...(departmentId ? [eq(providers.departmentId, departmentId)] : [])))
    .orderBy(asc(providers.name));
  return rows
    .filter((r) => !filter.language || r.provider.languages.includes(filter.language))
    .map((r) => ({
      id: r.provider.id,
      externalId: r.provider.externalId,
      name: r.provider.name,
      languages: r.provider.languages,
      active: r.provider.active,
      department: r.department?.id ? { id: r.department.id, slug: r.department.slug, name: r.department.name } : null,
    }));
}

export async function listLocations(services: Services, organizationId: string) {
  const rows = await services.database.db.select().from(locations).where(eq(locations.organizationId, organizationId)).orderBy(asc(locations.name));
  return rows.map((l) => ({ ...l, createdAt: iso(l.createdAt) }));
}

export async function listSchedules(services: Services, organizationId: string, filter: { providerId?: string; locationId?: string } = {}) {
  const rows = await services.database.db
    .select()
    .from(schedules)
    .where(
      and(
        eq(schedules.organizationId, organizationId),
        ...(filter.providerId ? [eq(schedules.providerId, filter.providerId)] : []),
        ...(filter.locationId ? [eq(schedules.locationId, filter.locationId)] : []),
      ),
    )
    .orderBy(asc(schedules.createdAt), asc(schedules.id));
  return rows.map((s) => ({ ...s, createdAt: iso(s.createdAt) }));
}
