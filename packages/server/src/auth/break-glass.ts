import { and, desc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Principal } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { ChangeSet } from '../store/events.ts';
import { cases, departments, staff } from '../store/schema.ts';
import { breakGlassAccesses, staffAccessGrants } from '../store/schema-access.ts';

/** How long a break-glass access lasts. Long enough for an emergency, short enough to need a new reason for the next one. */
export const BREAK_GLASS_MINUTES = 60;
export const MIN_REASON_LENGTH = 10;

export type BreakGlassRow = typeof breakGlassAccesses.$inferSelect;

function staffOnly(principal: Principal): string {
  // Break-glass is personal: an organisation-level token has no one to hold accountable.
  if (!principal.staffId) throw new BadInput('staff_only', 'Break-glass access is for a signed-in staff member.', 403);
  return principal.staffId;
}

/** Opens a 60-minute access to one case and its patient for the calling staff member. */
export async function breakGlass(services: Services, principal: Principal, caseId: string, reason: string): Promise<BreakGlassRow> {
  const staffId = staffOnly(principal);
  const trimmed = reason.trim();
  if (trimmed.length < MIN_REASON_LENGTH) throw new BadInput('reason_too_short', `Give a reason of at least ${MIN_REASON_LENGTH} characters.`);
  const now = services.now();
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, principal.organizationId);
    const [caseRow] = await tx.select({ id: cases.id, patientId: cases.patientId }).from(cases).where(changes.owned(cases, caseId));
    if (!caseRow) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
    const [row] = await tx
      .insert(breakGlassAccesses)
      .values({
        organizationId: principal.organizationId,
        staffId,
        caseId,
        patientId: caseRow.patientId,
        reason: trimmed,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + BREAK_GLASS_MINUTES * 60_000).toISOString(),
      })
      .returning();
    // The reason stays in the access row and the audit log; the event names only who and which access.
    await changes.append({ kind: 'break_glass_opened', caseId, patientId: caseRow.patientId, data: { accessId: row!.id, staffId }, occurredAt: now.toISOString() });
    await changes.commit();
    return row!;
  });
}

export async function listBreakGlass(services: Services, organizationId: string, reviewed: boolean | undefined, limit: number): Promise<BreakGlassRow[]> {
  return services.database.db
    .select()
    .from(breakGlassAccesses)
    .where(
      and(
        eq(breakGlassAccesses.organizationId, organizationId),
        ...(reviewed === undefined ? [] : [reviewed ? isNotNull(breakGlassAccesses.reviewedAt) : isNull(breakGlassAccesses.reviewedAt)]),
      ),
    )
    .orderBy(desc(breakGlassAccesses.createdAt))
    .limit(limit);
}

export async function reviewBreakGlass(
  services: Services,
  principal: Principal,
  accessId: string,
  review: { outcome: 'appropriate' | 'inappropriate'; note?: string },
): Promise<BreakGlassRow> {
  const now = services.now().toISOString();
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, principal.organizationId);
    const [existing] = await tx.select().from(breakGlassAccesses).where(changes.owned(breakGlassAccesses, accessId)).for('update');
    if (!existing) throw new BadInput('unknown_break_glass', 'No such break-glass access in this organization.', 404);
    if (existing.reviewedAt) throw new BadInput('already_reviewed', 'This access has been reviewed already.', 409);
    if (principal.staffId && existing.staffId === principal.staffId) {
      throw new BadInput('own_access', 'Someone else must review your own break-glass access.', 403);
    }
    const [row] = await tx
      .update(breakGlassAccesses)
      .set({ reviewedAt: now, reviewedBy: principal.staffId ?? `token:${principal.tokenId}`, reviewOutcome: review.outcome, reviewNote: review.note ?? null })
      .where(changes.owned(breakGlassAccesses, accessId))
      .returning();
    await changes.append({
      kind: 'break_glass_reviewed',
      caseId: existing.caseId,
      patientId: existing.patientId,
      data: { accessId, outcome: review.outcome },
      occurredAt: now,
    });
    await changes.commit();
    return row!;
  });
}

export type AccessGrantRow = typeof staffAccessGrants.$inferSelect;

/** Lets a staff member see one more department's cases, or every department's (`departmentId` null). */
export async function grantAccess(services: Services, principal: Principal, staffId: string, departmentId: string | null): Promise<AccessGrantRow> {
  const now = services.now().toISOString();
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, principal.organizationId);
    const [member] = await tx.select({ id: staff.id }).from(staff).where(changes.owned(staff, staffId));
    if (!member) throw new BadInput('not_found', 'No such staff member.', 404);
    if (departmentId) {
      const [dept] = await tx.select({ id: departments.id }).from(departments).where(changes.owned(departments, departmentId));
      if (!dept) throw new BadInput('unknown_department', 'No such department in this organization.', 404);
    }
    const [row] = await tx
      .insert(staffAccessGrants)
      .values({ organizationId: principal.organizationId, staffId, departmentId, grantedBy: principal.staffId ?? `token:${principal.tokenId}`, createdAt: now })
      .returning();
    await changes.append({ kind: 'access_granted', data: { grantId: row!.id, staffId, departmentId }, occurredAt: now });
    await changes.commit();
    return row!;
  });
}

export async function listGrants(services: Services, organizationId: string, staffId: string): Promise<AccessGrantRow[]> {
  return services.database.db
    .select()
    .from(staffAccessGrants)
    .where(and(eq(staffAccessGrants.organizationId, organizationId), eq(staffAccessGrants.staffId, staffId), isNull(staffAccessGrants.revokedAt)))
    .orderBy(staffAccessGrants.createdAt);
}

export async function revokeGrant(services: Services, principal: Principal, grantId: string): Promise<AccessGrantRow> {
  const now = services.now().toISOString();
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, principal.organizationId);
    const [row] = await tx
      .update(staffAccessGrants)
      .set({ revokedAt: now })
      .where(and(changes.owned(staffAccessGrants, grantId), isNull(staffAccessGrants.revokedAt)))
      .returning();
    if (!row) throw new BadInput('unknown_grant', 'No such active grant in this organization.', 404);
    await changes.append({ kind: 'access_revoked', data: { grantId, staffId: row.staffId }, occurredAt: now });
    await changes.commit();
    return row;
  });
}
