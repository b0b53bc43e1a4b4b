import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { currentFacts, normalizeIdentifier, stripAccents, type IdentifierKind, type KnownFact } from '@carethread/core';
import { BadInput } from '../../pipeline/errors.ts';
import { knownFacts } from '../../pipeline/facts.ts';
import { birthDateIndex, nameQueryIndex, nameWords } from '../../store/blind-indexes.ts';
import type { Executor } from '../../store/db.ts';
import { getOrganization } from '../../store/orgs.ts';
import { findPatientsByIdentifier, getActivePatient, identitiesOf, type PatientRow } from '../../store/patients.ts';
import { cases, identities, interactions, patients } from '../../store/schema.ts';

export const SEARCH_LIMIT = 20;
/** Name matches read before sorting by name (the sort needs the decrypted names). */
const NAME_CANDIDATES = 200;

export interface PatientHit {
  id: string;
  givenName: string | null;
  familyName: string | null;
  birthDate: string | null;
  language: string | null;
  mrn: string | null;
  /** What the query matched: an identifier kind, or the name. */
  matchedBy: IdentifierKind | 'name';
  openCases: number;
}

/** Name words of a query, folded like the names they are compared with (blind-indexes.ts). */
export function nameTokens(q: string): string[] {
  return nameWords(q).slice(0, 6);
}

interface ParsedQuery {
  identifiers: Array<{ kind: IdentifierKind; value: string }>;
  names: string[];
  birthDate: string | null;
}

/**
 * Reads what the desk typed: an email, a phone number (also tried as an MRN, since both are
 * digits), a record or member number, or name words with an optional ISO date of birth.
 */
export function parseSearch(q: string, defaultRegion: string): ParsedQuery {
  const text = q.trim();
  const out: ParsedQuery = { identifiers: [], names: [], birthDate: null };
  if (text.includes('@')) {
    const email = normalizeIdentifier('email', text);
    if (email) out.identifiers.push({ kind: 'email', value: email });
    return out;
  }
  const words = text.split(/\s+/);
  const date = words.find((w) => /^\d{4}-\d{2}-\d{2}$/.test(w));
  if (date) out.birthDate = date;
  const rest = words.filter((w) => w !== date).join(' ');
  const digits = rest.replace(/\D/g, '');
  if (/^[+\d\s().\-/]+$/.test(rest) && digits.length >= 7) {
    const phone = normalizeIdentifier('phone', rest, defaultRegion);
    if (phone) out.identifiers.push({ kind: 'phone', value: phone });
  }
  if (/\d/.test(rest) && !/\s/.test(rest.trim())) {
    for (const kind of ['mrn', 'member_id'] as const) {
      const value = normalizeIdentifier(kind, rest, defaultRegion);
      if (value) out.identifiers.push({ kind, value });
    }
    return out;
  }
  if (out.identifiers.length === 0) out.names = nameTokens(rest);
  return out;
}

/**
 * Front-desk patient search: by phone, email, MRN or member id (normalised like every
 * identifier), or by name words (accent- and case-insensitive prefixes of any name part), with
 * an optional date of birth. Active patients only, at most 20.
 */
export async function searchPatients(
  tx: Executor,
  organizationId: string,
  input: { q: string; birthDate?: string },
): Promise<PatientHit[]> {
  const org = await getOrganization(tx, organizationId);
  if (!org) throw new BadInput('unknown_organization', 'No such organization.', 404);
  const parsed = parseSearch(input.q, org.defaultRegion);
  const birthDate = input.birthDate ?? parsed.birthDate;
  if (parsed.identifiers.length === 0 && parsed.names.length === 0) {
    throw new BadInput('invalid_query', 'Search by name, phone number, email or MRN (at least two characters).');
  }
  const matched = new Map<string, { row: PatientRow; by: PatientHit['matchedBy'] }>();
  for (const id of parsed.identifiers) {
    const rows = await findPatientsByIdentifier(tx, organizationId, id.kind, id.value, { birthDate: birthDate ?? undefined, limit: SEARCH_LIMIT });
    for (const row of rows) if (!matched.has(row.id)) matched.set(row.id, { row, by: id.kind });
  }
  if (parsed.names.length > 0) {
    // Names are encrypted: each word must begin some part of the name, which the blind name index
    // answers (it holds every prefix of every name word). Sorting needs the plaintext, so a
    // bounded set of candidates is read and sorted here.
    const rows = await tx
      .select()
      .from(patients)
      .where(
        and(
          eq(patients.organizationId, organizationId),
          eq(patients.status, 'active'),
          ...(birthDate ? [eq(patients.birthDateIndex, birthDateIndex(birthDate))] : []),
          sql`${patients.nameIndex} @> ${sql.raw('ARRAY[')}${sql.join(
            parsed.names.map((t) => sql`${nameQueryIndex(t)}`),
            sql`, `,
          )}${sql.raw(']::text[]')}`,
        ),
      )
      .limit(NAME_CANDIDATES);
    const fold = (v: string | null) => nameWords(v ?? '').join(' ');
    rows.sort((a, b) => fold(a.familyName).localeCompare(fold(b.familyName)) || fold(a.givenName).localeCompare(fold(b.givenName)) || a.id.localeCompare(b.id));
    for (const r of rows.slice(0, SEARCH_LIMIT)) if (!matched.has(r.id)) matched.set(r.id, { row: r, by: 'name' });
  }
  const hits = [...matched.values()].slice(0, SEARCH_LIMIT);
  if (hits.length === 0) return [];
  const ids = hits.map((h) => h.row.id);
  const [mrns, open] = await Promise.all([
    tx
      .select({ patientId: identities.patientId, value: identities.value })
      .from(identities)
      .where(and(eq(identities.organizationId, organizationId), eq(identities.kind, 'mrn'), inArray(identities.patientId, ids))),
    tx
      .select({ patientId: cases.patientId, n: sql<number>`count(*)::int` })
      .from(cases)
      .where(and(eq(cases.organizationId, organizationId), eq(cases.status, 'open'), inArray(cases.patientId, ids)))
      .groupBy(cases.patientId),
  ]);
  const mrnOf = new Map(mrns.map((m) => [m.patientId, m.value]));
  const openOf = new Map(open.map((o) => [o.patientId, o.n]));
  return hits.map(({ row, by }) => ({
    id: row.id,
    givenName: row.givenName,
    familyName: row.familyName,
    birthDate: row.birthDate,
    language: row.language,
    mrn: mrnOf.get(row.id) ?? null,
    matchedBy: by,
    openCases: openOf.get(row.id) ?? 0,
  }));
}

export interface DeskFact {
  name: string;
  value: string;
  source: string;
  sourceChannel: string | null;
  verified: boolean;
  observedAt: string;
}

export interface DeskPatient {
  patient: {
    id: string;
    givenName: string | null;
    familyName: string | null;
    birthDate: string | null;
    sex: string | null;
    language: string | null;
    preferredChannel: string | null;
    identifiers: Array<{ kind: string; value: string; verified: boolean }>;
  };
  /** What is known about the person (record, and what they said on any case). */
  facts: DeskFact[];
  openCases: Array<{
    id: string;
    requestType: string;
    openedAt: string;
    updatedAt: string;
    lastChannel: string | null;
    channels: string[];
    /** What is known about this request. */
    facts: DeskFact[];
  }>;
}

function deskFacts(all: Awaited<ReturnType<typeof knownFacts>>, now: Date): DeskFact[] {
  return (currentFacts(all as KnownFact[], now) as typeof all)
    .map((f) => ({ name: f.name, value: f.value, source: f.source, sourceChannel: f.sourceChannel, verified: f.verified, observedAt: f.observedAt }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The desk's view of one patient: identifiers, what is known, and the requests still open. */
export async function frontDeskPatient(tx: Executor, organizationId: string, patientId: string, now: Date): Promise<DeskPatient> {
  const patient = await getActivePatient(tx, organizationId, patientId);
  if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
  const [ids, personFacts, open] = await Promise.all([
    identitiesOf(tx, organizationId, patient.id),
    knownFacts(tx, organizationId, null, patient.id, patient),
    tx
      .select()
      .from(cases)
      .where(and(eq(cases.organizationId, organizationId), eq(cases.patientId, patient.id), eq(cases.status, 'open')))
      .orderBy(desc(cases.updatedAt))
      .limit(20),
  ]);
  const caseIds = open.map((c) => c.id);
  const channelRows = caseIds.length
    ? await tx
        .selectDistinct({ caseId: interactions.caseId, channel: interactions.channel })
        .from(interactions)
        .where(and(eq(interactions.organizationId, organizationId), inArray(interactions.caseId, caseIds)))
    : [];
  const caseFacts = await Promise.all(open.map((c) => knownFacts(tx, organizationId, c.id, null)));
  return {
    patient: {
      id: patient.id,
      givenName: patient.givenName,
      familyName: patient.familyName,
      birthDate: patient.birthDate,
      sex: patient.sex,
      language: patient.language,
      preferredChannel: patient.preferredChannel,
      identifiers: ids.map((i) => ({ kind: i.kind, value: i.value, verified: i.verified })),
    },
    facts: deskFacts(personFacts, now),
    openCases: open.map((c, i) => ({
      id: c.id,
      requestType: c.requestType,
      openedAt: c.openedAt,
      updatedAt: c.updatedAt,
      lastChannel: c.lastChannel,
      channels: [...new Set(channelRows.filter((r) => r.caseId === c.id).map((r) => r.channel))].sort(),
      facts: deskFacts(caseFacts[i]!, now),
    })),
  };
}
