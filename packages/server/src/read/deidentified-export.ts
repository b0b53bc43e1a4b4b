import { and, asc, eq, gt, gte, inArray, like, lt, ne, or } from 'drizzle-orm';
import {
  FRICTION_KINDS,
  ageInYears,
  generalizeZip,
  newPseudonymKey,
  pseudonym,
  safeAge,
  safeBirthYear,
  safeYear,
  scrubText,
  type SafeAge,
  type ScrubContext,
} from '@carethread/core';
import type { Executor } from '../store/db.ts';
import { cases, departments, events, facts, identities, interactions, messages, patients, staff } from '../store/schema.ts';
import { deidKeys } from '../store/schema-deid.ts';

/**
 * The analysts' export: cases opened in [from, to), de-identified under HIPAA Safe Harbor
 * (docs/deidentification.md). Nothing leaves here that names, locates, dates (beyond the
 * year) or numbers a person: ids become keyed pseudonyms, times become years and durations,
 * message texts are scrubbed with everything the record knows about the patient, facts are
 * reported by kind only, and friction events keep their kind and a whitelist of fields.
 */

export interface ExportedMessage {
  direction: string;
  actor: string;
  /** Seconds since the interaction started. */
  atSeconds: number | null;
  text: string | null;
  subject: string | null;
}

export interface ExportedInteraction {
  interaction: string;
  channel: string;
  assurance: string;
  joinedBy: string | null;
  language: string | null;
  startedYear: number | null;
  /** Seconds from the case's opening to this interaction's start. */
  startedAfterSeconds: number | null;
  durationSeconds: number | null;
  messages: ExportedMessage[];
}

export interface ExportedCase {
  case: string;
  patient: string | null;
  requestType: string;
  status: string;
  department: string | null;
  openedYear: number | null;
  resolvedAfterSeconds: number | null;
  patientAttributes: { birthYear: number | null; age: SafeAge | null; sex: string | null; language: string | null; zip3: string | null } | null;
  interactions: ExportedInteraction[];
  /** Which facts were known, never their values. */
  facts: Array<{ name: string; source: string; verified: boolean }>;
  friction: Array<{ kind: string; atSeconds: number | null; [field: string]: string | number | boolean | null }>;
  surveys: Array<{ instrument: string | null; score: number; atSeconds: number | null }>;
}

export interface ExportRange {
  from: string;
  to: string;
}

const BATCH = 200;

/** Friction fields that carry no identifier: channels, how a contact joined, which fact. */
const FRICTION_FIELDS = ['from', 'to', 'channel', 'joinedBy', 'automatic', 'fact', 'actor', 'by'] as const;

/** PostgreSQL and PGlite render timestamptz as "2024-05-02 10:14:00+00"; make it ISO. */
function ms(value: string | Date | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  const t = Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
  return Number.isNaN(t) ? null : t;
}

function seconds(from: number | null, to: number | null): number | null {
  return from === null || to === null ? null : Math.round((to - from) / 1000);
}

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/**
 * The organisation's pseudonym key: the deployment's CARETHREAD_DEID_KEY when set (one key
 * for every organisation, mixed with the organisation's id so tenants never share codes),
 * else a random key made on first use and kept in deid_keys.
 */
export async function deidKeyFor(tx: Executor, organizationId: string, configured: string | undefined = process.env.CARETHREAD_DEID_KEY): Promise<string> {
  if (configured) return `${configured}:${organizationId}`;
  const [row] = await tx.select({ key: deidKeys.key }).from(deidKeys).where(eq(deidKeys.organizationId, organizationId));
  if (row) return row.key;
  // Two first exports at once: the second insert does nothing and both read the winner.
  await tx.insert(deidKeys).values({ organizationId, key: newPseudonymKey() }).onConflictDoNothing();
  const [made] = await tx.select({ key: deidKeys.key }).from(deidKeys).where(eq(deidKeys.organizationId, organizationId));
  return made!.key;
}

/** De-identified cases, a batch at a time, oldest first: the route streams them as NDJSON. */
export async function* deidentifiedCases(tx: Executor, organizationId: string, range: ExportRange, key: string): AsyncGenerator<ExportedCase> {
  // Staff names turn up in messages ("this is Alex from the clinic").
  const staffNames = (await tx.select({ name: staff.name }).from(staff).where(eq(staff.organizationId, organizationId))).map((s) => s.name);
  const departmentSlugs = new Map(
    (await tx.select({ id: departments.id, slug: departments.slug }).from(departments).where(eq(departments.organizationId, organizationId))).map((d) => [d.id, d.slug]),
  );
  let after: { openedAt: string; id: string } | null = null;
  for (;;) {
    const batch: Array<typeof cases.$inferSelect> = await tx
      .select()
      .from(cases)
      .where(
        and(
          eq(cases.organizationId, organizationId),
          ne(cases.status, 'merged'),
          gte(cases.openedAt, range.from),
          lt(cases.openedAt, range.to),
          after ? or(gt(cases.openedAt, after.openedAt), and(eq(cases.openedAt, after.openedAt), gt(cases.id, after.id))) : undefined,
        ),
      )
      .orderBy(asc(cases.openedAt), asc(cases.id))
      .limit(BATCH);
    if (batch.length === 0) return;
    yield* await exportBatch(tx, organizationId, batch, key, staffNames, departmentSlugs);
    if (batch.length < BATCH) return;
    const last = batch[batch.length - 1]!;
    after = { openedAt: last.openedAt, id: last.id };
  }
}

async function exportBatch(
  tx: Executor,
  organizationId: string,
  batch: Array<typeof cases.$inferSelect>,
  key: string,
  staffNames: string[],
  departmentSlugs: Map<string, string>,
): Promise<ExportedCase[]> {
  const caseIds = batch.map((c) => c.id);
  const patientIds = [...new Set(batch.map((c) => c.patientId).filter((id): id is string => id !== null))];
  const [patientRows, identityRows, interactionRows, messageRows, factRows, eventRows] = await Promise.all([
    patientIds.length ? tx.select().from(patients).where(and(eq(patients.organizationId, organizationId), inArray(patients.id, patientIds))) : [],
    patientIds.length
      ? tx
          .select({ patientId: identities.patientId, kind: identities.kind, value: identities.value })
          .from(identities)
          .where(and(eq(identities.organizationId, organizationId), inArray(identities.patientId, patientIds)))
      : [],
    tx.select().from(interactions).where(and(eq(interactions.organizationId, organizationId), inArray(interactions.caseId, caseIds))).orderBy(asc(interactions.startedAt)),
    tx
      .select({
        interactionId: messages.interactionId,
        direction: messages.direction,
        actor: messages.actor,
        body: messages.body,
        subject: messages.subject,
        occurredAt: messages.occurredAt,
      })
      .from(messages)
      .where(and(eq(messages.organizationId, organizationId), inArray(messages.caseId, caseIds)))
      .orderBy(asc(messages.occurredAt)),
    tx
      .select({ caseId: facts.caseId, patientId: facts.patientId, name: facts.name, value: facts.value, source: facts.source, verified: facts.verified })
      .from(facts)
      .where(and(eq(facts.organizationId, organizationId), or(inArray(facts.caseId, caseIds), patientIds.length ? inArray(facts.patientId, patientIds) : undefined))),
    tx
      .select({ caseId: events.caseId, kind: events.kind, data: events.data, occurredAt: events.occurredAt })
      .from(events)
      .where(
        and(
          eq(events.organizationId, organizationId),
          inArray(events.caseId, caseIds),
          or(inArray(events.kind, [...FRICTION_KINDS]), like(events.kind, 'survey%')),
        ),
      )
      .orderBy(asc(events.occurredAt), asc(events.id)),
  ]);
  const patientById = new Map(patientRows.map((p) => [p.id, p]));
  const identitiesByPatient = groupBy(identityRows, (r) => r.patientId);
  const interactionsByCase = groupBy(interactionRows, (r) => r.caseId);
  const messagesByInteraction = groupBy(messageRows, (r) => r.interactionId);
  const factsByCase = groupBy(factRows, (r) => r.caseId);
  const factsByPatient = groupBy(factRows, (r) => r.patientId);
  const eventsByCase = groupBy(eventRows, (r) => r.caseId);

  return batch.map((c): ExportedCase => {
    const patient = c.patientId ? patientById.get(c.patientId) : undefined;
    const caseFacts = factsByCase.get(c.id) ?? [];
    // Everything the record knows about this person (and what was said in this case) is
    // scrubbed wherever it appears, on top of the scrubber's own heuristics.
    const known = [...(patient ? (factsByPatient.get(patient.id) ?? []) : []), ...caseFacts];
    const ids = patient ? (identitiesByPatient.get(patient.id) ?? []) : [];
    const context: ScrubContext = {
      names: [patient?.givenName, patient?.familyName, ...known.filter((f) => f.name === 'givenName' || f.name === 'familyName').map((f) => f.value), ...staffNames],
      phones: [...ids.filter((i) => i.kind === 'phone').map((i) => i.value), ...known.filter((f) => f.name === 'phone' || f.name === 'callbackNumber').map((f) => f.value)],
      emails: [...ids.filter((i) => i.kind === 'email').map((i) => i.value), ...known.filter((f) => f.name === 'email').map((f) => f.value)],
      identifiers: [
        ...ids.filter((i) => i.kind === 'mrn' || i.kind === 'member_id' || i.kind === 'portal' || i.kind === 'chat_visitor').map((i) => i.value),
        ...known.filter((f) => f.name === 'mrn' || f.name === 'memberId').map((f) => f.value),
      ],
      addresses: [patient?.addressLine],
      places: [patient?.city],
    };
    const birthDate = patient?.birthDate ?? null;
    const opened = ms(c.openedAt);
    const eventsHere = eventsByCase.get(c.id) ?? [];
    return {
      case: pseudonym(key, 'case', c.id),
      patient: c.patientId ? pseudonym(key, 'patient', c.patientId) : null,
      requestType: c.requestType,
      status: c.status,
      department: c.departmentId ? (departmentSlugs.get(c.departmentId) ?? null) : null,
      openedYear: safeYear(c.openedAt, birthDate),
      resolvedAfterSeconds: seconds(opened, ms(c.resolvedAt)),
      patientAttributes: patient
        ? {
            birthYear: safeBirthYear(birthDate, new Date(opened ?? Date.now())),
            age: safeAge(ageInYears(birthDate, new Date(opened ?? Date.now()))),
            sex: patient.sex,
            language: patient.language,
            zip3: generalizeZip(patient.postcode),
          }
        : null,
      interactions: (interactionsByCase.get(c.id) ?? []).map((i) => {
        const started = ms(i.startedAt);
        return {
          interaction: pseudonym(key, 'interaction', i.id),
          channel: i.channel,
          assurance: i.assurance,
          joinedBy: i.joinedBy,
          language: i.language,
          startedYear: safeYear(i.startedAt, birthDate),
          startedAfterSeconds: seconds(opened, started),
          durationSeconds: seconds(started, ms(i.endedAt)),
          messages: (messagesByInteraction.get(i.id) ?? []).map((m) => ({
            direction: m.direction,
            actor: m.actor,
            atSeconds: seconds(started, ms(m.occurredAt)),
            text: m.body === null ? null : scrubText(m.body, context),
            subject: m.subject === null ? null : scrubText(m.subject, context),
          })),
        };
      }),
      facts: dedupeFacts(caseFacts),
      friction: eventsHere
        .filter((e) => (FRICTION_KINDS as readonly string[]).includes(e.kind))
        .map((e) => {
          const out: ExportedCase['friction'][number] = { kind: e.kind, atSeconds: seconds(opened, ms(e.occurredAt)) };
          for (const field of FRICTION_FIELDS) {
            const v = (e.data ?? {})[field];
            // Only short vocabulary values (channels, join reasons, fact names), never free text.
            if (typeof v === 'boolean' || (typeof v === 'string' && /^[a-z_]{1,32}$/i.test(v))) out[field] = v;
          }
          return out;
        }),
      surveys: eventsHere
        .filter((e) => e.kind.startsWith('survey') && typeof (e.data ?? {}).score === 'number')
        .map((e) => {
          const instrument = (e.data ?? {}).instrument;
          return {
            instrument: typeof instrument === 'string' && /^[a-z_]{1,32}$/i.test(instrument) ? instrument : null,
            score: (e.data as { score: number }).score,
            atSeconds: seconds(opened, ms(e.occurredAt)),
          };
        }),
    };
  });
}

function dedupeFacts(rows: Array<{ name: string; source: string; verified: boolean }>): ExportedCase['facts'] {
  const seen = new Map<string, { name: string; source: string; verified: boolean }>();
  for (const r of rows) {
    const k = `${r.name}|${r.source}`;
    const prev = seen.get(k);
    seen.set(k, { name: r.name, source: r.source, verified: r.verified || (prev?.verified ?? false) });
  }
  return [...seen.values()];
}
