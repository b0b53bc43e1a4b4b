import { and, eq, inArray, or } from 'drizzle-orm';
import { identifierIndex } from '../store/blind-indexes.ts';
import type { Executor } from '../store/db.ts';
import { identities, patients } from '../store/schema.ts';

/**
 * The patients that imported rows name by MRN or member id, in one query. A value held by
 * more than one active patient is ambiguous and must not be guessed.
 */
export async function patientsByCode(
  tx: Executor,
  organizationId: string,
  mrns: string[],
  memberIds: string[],
): Promise<{ mrn: Map<string, string[]>; member: Map<string, string[]> }> {
  const out = { mrn: new Map<string, string[]>(), member: new Map<string, string[]>() };
  const clauses = [
    // Identifiers are sealed; the blind index answers the lookup.
    ...(mrns.length ? [and(eq(identities.kind, 'mrn'), inArray(identities.valueIndex, [...new Set(mrns)].map((v) => identifierIndex('mrn', v))))] : []),
    ...(memberIds.length ? [and(eq(identities.kind, 'member_id'), inArray(identities.valueIndex, [...new Set(memberIds)].map((v) => identifierIndex('member_id', v))))] : []),
  ];
  if (clauses.length === 0) return out;
  const rows = await tx
    .select({ kind: identities.kind, value: identities.value, patientId: identities.patientId })
    .from(identities)
    .innerJoin(patients, eq(patients.id, identities.patientId))
    .where(and(eq(identities.organizationId, organizationId), eq(patients.status, 'active'), or(...clauses)));
  for (const r of rows) {
    const map = r.kind === 'mrn' ? out.mrn : out.member;
    const list = map.get(r.value) ?? [];
    if (!list.includes(r.patientId)) list.push(r.patientId);
    map.set(r.value, list);
  }
  return out;
}

/** One patient for an imported row, or the reason there is none. */
export function resolveImportedPatient(
  found: { mrn: Map<string, string[]>; member: Map<string, string[]> },
  mrn: string | null,
  memberId: string | null,
): { patientId: string } | { field: 'mrn' | 'member_id'; message: string } {
  const pick = (list: string[] | undefined, field: 'mrn' | 'member_id', label: string) => {
    if (!list || list.length === 0) return { field, message: `no patient of this organization has this ${label}` } as const;
    if (list.length > 1) return { field, message: `${list.length} patients share this ${label}; fix the records first` } as const;
    return { patientId: list[0]! };
  };
  const byMrn = mrn ? pick(found.mrn.get(mrn), 'mrn', 'record number') : null;
  const byMember = memberId ? pick(found.member.get(memberId), 'member_id', 'member id') : null;
  // Every identifier given must hold: a wrong record number is not rescued by a member id.
  if (byMrn && !('patientId' in byMrn)) return byMrn;
  if (byMember && !('patientId' in byMember)) return byMember;
  if (byMrn && byMember && byMrn.patientId !== (byMember as { patientId: string }).patientId) {
    return { field: 'member_id', message: 'names a different patient than mrn' };
  }
  return (byMrn ?? byMember)!;
}

/** A patient and the records merged into them: data imported for the old record is theirs too. */
export async function patientAndMerged(tx: Executor, organizationId: string, patientId: string): Promise<string[]> {
  const merged = await tx
    .select({ id: patients.id })
    .from(patients)
    .where(and(eq(patients.organizationId, organizationId), eq(patients.mergedIntoId, patientId), eq(patients.status, 'merged')));
  return [patientId, ...merged.map((m) => m.id)];
}
