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

/**
 * Organisations and their departments change rarely and are read on every event; a short-lived
 * per-process cache saves two round trips per message. Thirty seconds bounds how long another
 * process's edit can go unseen.
 */
const CACHE_MS = 30_000;
const orgCache = new Map<string, { at: number; org: OrganizationRow; departments: DepartmentRow[] }>();

export async function organizationDirectory(
  tx: Executor,
  organizationId: string,
): Promise<{ org: OrganizationRow; departments: DepartmentRow[] } | null> {
  const hit = orgCache.get(organizationId);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit;
  const org = await getOrganization(tx, organizationId);
  if (!org) return null;
  const entry = { at: Date.now(), org, departments: await listDepartments(tx, organizationId) };
  orgCache.set(organizationId, entry);
  return entry;
}
