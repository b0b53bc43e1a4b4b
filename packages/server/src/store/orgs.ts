import { and, eq } from 'drizzle-orm';
import { DEFAULT_THREADING_POLICY, type ThreadingPolicy } from '@carethread/core';
import type { Executor } from './db.ts';
import { departments, organizations } from './schema.ts';

export type OrganizationRow = typeof organizations.$inferSelect;
export type DepartmentRow = typeof departments.$inferSelect;

export async function getOrganization(tx: Executor, id: string): Promise<OrganizationRow | null> {
  const [row] = await tx.select().from(organizations).where(eq(organizations.id, id));
  return row ?? null;
}

export async function getOrganizationBySlug(tx: Executor, slug: string): Promise<OrganizationRow | null> {
  const [row] = await tx.select().from(organizations).where(eq(organizations.slug, slug));
  return row ?? null;
}

export function threadingPolicyOf(org: OrganizationRow): ThreadingPolicy {
  const s = org.settings as Partial<ThreadingPolicy>;
  return {
    openCaseWindowDays: typeof s.openCaseWindowDays === 'number' ? s.openCaseWindowDays : DEFAULT_THREADING_POLICY.openCaseWindowDays,
    recontactWindowDays: typeof s.recontactWindowDays === 'number' ? s.recontactWindowDays : DEFAULT_THREADING_POLICY.recontactWindowDays,
  };
}

export async function listDepartments(tx: Executor, organizationId: string): Promise<DepartmentRow[]> {
  return tx.select().from(departments).where(eq(departments.organizationId, organizationId)).orderBy(departments.slug);
}

export async function getDepartment(tx: Executor, organizationId: string, id: string): Promise<DepartmentRow | null> {
  const [row] = await tx
    .select()
    .from(departments)
    .where(and(eq(departments.organizationId, organizationId), eq(departments.id, id)));
  return row ?? null;
}
