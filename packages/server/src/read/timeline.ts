import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../store/db.ts';
import { getPatient } from '../store/patients.ts';
import { BadInput } from '../pipeline/errors.ts';
import { rowsOf } from '../routing/state.ts';

/**
 * A patient's timeline: every case, interaction, appointment and survey answer, newest first,
 * across channels. One UNION over narrow index-backed selects picks the page (kind, id, time);
 * only that page's rows are then read in full, so a long history costs one page, not all of it.
 */

export const TIMELINE_KINDS = ['case', 'interaction', 'appointment', 'survey'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineQuery {
  kinds?: readonly TimelineKind[];
  channel?: string;
  from?: string;
  to?: string;
  limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  before?: string;
}

export type TimelineItem =
  | {
      kind: 'case';
      id: string;
      at: string;
      case: {
        id: string;
        requestType: string;
        status: string;
        departmentId: string | null;
        ownerId: string | null;
        lastChannel: string | null;
        openedAt: string;
        resolvedAt: string | null;
        disposition: string | null;
      };
    }
  | {
      kind: 'interaction';
      id: string;
      at: string;
      interaction: {
        id: string;
        caseId: string | null;
        channel: string;
        /** Who started it: inbound (the patient reached us) or outbound (we reached them). */
        direction: 'inbound' | 'outbound' | null;
        /** How it joined its case: continuation, reply_token, open_case, recontact, new_case, manual. */
        joinedBy: string | null;
        status: string;
        assurance: string;
        startedAt: string;
        endedAt: string | null;
        messageCount: number;
      };
    }
  | {
      kind: 'appointment';
      id: string;
      at: string;
      appointment: {
        id: string;
        caseId: string | null;
        start: string;
        end: string;
        status: string;
        serviceType: string | null;
        providerId: string;
        locationId: string;
      };
    };

export interface Timeline {
  /** The patient the timeline is about: the survivor when the id asked for was merged. */
  patientId: string;
  requestedId: string;
  items: TimelineItem[];
  nextCursor: string | null;
}

const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());

interface Cursor {
  at: string;
  kind: string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.kind, c.id]), 'utf8').toString('base64url');
}

function decodeCursor(s: string): Cursor {
  try {
    const [at, kind, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof kind === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) {
      return { at, kind, id };
    }
  } catch {
    /* fall through */
  }
  throw new BadInput('invalid_cursor', '`before` is not a cursor this endpoint returned.');
}

/** Every record id of one person: the survivor and every record merged into it, at any depth. */
async function personIds(tx: Executor, organizationId: string, survivorId: string): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`
      with recursive folded(id) as (
        select ${survivorId}::uuid
        union
        select p.id from patients p join folded f on p.merged_into_id = f.id
        where p.organization_id = ${organizationId} and p.status = 'merged'
      )
      select id from folded`),
  );
  return rows.map((r) => r.id);
}

export async function patientTimeline(tx: Executor, organizationId: string, patientId: string, query: TimelineQuery = {}): Promise<Timeline> {
  let patient = await getPatient(tx, organizationId, patientId);
  // A merged record resolves to its survivor: the timeline is about the person, not a row.
  for (let hops = 0; patient && patient.status === 'merged' && patient.mergedIntoId && hops < 10; hops++) {
    patient = await getPatient(tx, organizationId, patient.mergedIntoId);
  }
  if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const kinds = new Set<TimelineKind>(query.kinds && query.kinds.length > 0 ? query.kinds : TIMELINE_KINDS);
  if (query.from && query.to && Date.parse(query.from) >= Date.parse(query.to)) throw new BadInput('invalid_range', '`from` must be before `to`.');
  const cursor = query.before ? decodeCursor(query.before) : null;
  const ids = await personIds(tx, organizationId, patient.id);
  const idList = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

  const parts: SQL[] = [];
  if (kinds.has('case')) {
    parts.push(sql`
      select 'case'::text as kind, c.id, c.opened_at as at from cases c
      where c.organization_id = ${organizationId} and c.patient_id in (${idList})
      ${query.channel ? sql`and exists (select 1 from interactions ci where ci.case_id = c.id and ci.organization_id = ${organizationId} and ci.channel = ${query.channel})` : sql``}`);
  }
  if (kinds.has('interaction')) {
    parts.push(sql`
      select 'interaction'::text as kind, i.id, i.started_at as at from interactions i
      where i.organization_id = ${organizationId} and i.patient_id in (${idList})
      ${query.channel ? sql`and i.channel = ${query.channel}` : sql``}`);
  }
  // Appointments have no channel: a channel filter leaves them out.
  if (kinds.has('appointment') && !query.channel) {
    parts.push(sql`
      select 'appointment'::text as kind, a.id, a.start as at from appointments a
      where a.organization_id = ${organizationId} and a.patient_id in (${idList}) and a.status <> 'proposed'`);
  }
  // 'survey': there is no survey store yet; the kind is accepted and yields nothing.

  if (parts.length === 0) return { patientId: patient.id, requestedId: patientId, items: [], nextCursor: null };
  const conditions: SQL[] = [];
  if (query.from) conditions.push(sql`t.at >= ${query.from}::timestamptz`);
  if (query.to) conditions.push(sql`t.at < ${query.to}::timestamptz`);
  if (cursor) conditions.push(sql`(t.at, t.kind, t.id) < (${cursor.at}::timestamptz, ${cursor.kind}::text, ${cursor.id}::uuid)`);
  const page = rowsOf<{ kind: TimelineKind; id: string; at: string | Date }>(
    await tx.execute(sql`
      select t.kind, t.id, t.at from (${sql.join(parts, sql` union all `)}) t
      ${conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``}
      order by t.at desc, t.kind desc, t.id desc
      limit ${limit + 1}`),
  );
  const more = page.length > limit;
  const shown = page.slice(0, limit);
  const byKind = (k: TimelineKind) => shown.filter((r) => r.kind === k).map((r) => r.id);
  const [caseRows, interactionRows, appointmentRows] = await Promise.all([
    detailRows(tx, byKind('case'), (list) => sql`
      select c.id, c.request_type, c.status, c.department_id, c.owner_id, c.last_channel, c.opened_at, c.resolved_at,
        (select d.disposition from case_dispositions d where d.organization_id = c.organization_id and d.case_id = c.id order by d.resolved_at desc limit 1) as disposition
      from cases c where c.organization_id = ${organizationId} and c.id in (${list})`),
    detailRows(tx, byKind('interaction'), (list) => sql`
      select i.id, i.case_id, i.channel, i.joined_by, i.status, i.assurance, i.started_at, i.ended_at,
        (select m.direction from messages m where m.interaction_id = i.id order by m.occurred_at asc, m.id asc limit 1) as direction,
        (select count(*)::int from messages m where m.interaction_id = i.id) as message_count
      from interactions i where i.organization_id = ${organizationId} and i.id in (${list})`),
    detailRows(tx, byKind('appointment'), (list) => sql`
      select a.id, a.case_id, a.start, a."end", a.status, a.service_type, a.provider_id, a.location_id
      from appointments a where a.organization_id = ${organizationId} and a.id in (${list})`),
  ]);
  const items: TimelineItem[] = [];
  for (const r of shown) {
    const at = iso(r.at)!;
    if (r.kind === 'case') {
      const c = caseRows.get(r.id);
      if (c)
        items.push({
          kind: 'case',
          id: r.id,
          at,
          case: {
            id: r.id,
            requestType: c.request_type,
            status: c.status,
            departmentId: c.department_id,
            ownerId: c.owner_id,
            lastChannel: c.last_channel,
            openedAt: iso(c.opened_at)!,
            resolvedAt: iso(c.resolved_at),
            disposition: c.disposition ?? null,
          },
        });
    } else if (r.kind === 'interaction') {
      const i = interactionRows.get(r.id);
      if (i)
        items.push({
          kind: 'interaction',
          id: r.id,
          at,
          interaction: {
            id: r.id,
            caseId: i.case_id,
            channel: i.channel,
            direction: i.direction === 'inbound' || i.direction === 'outbound' ? i.direction : null,
            joinedBy: i.joined_by,
            status: i.status,
            assurance: i.assurance,
            startedAt: iso(i.started_at)!,
            endedAt: iso(i.ended_at),
            messageCount: Number(i.message_count ?? 0),
          },
        });
    } else if (r.kind === 'appointment') {
      const a = appointmentRows.get(r.id);
      if (a)
        items.push({
          kind: 'appointment',
          id: r.id,
          at,
          appointment: {
            id: r.id,
            caseId: a.case_id,
            start: iso(a.start)!,
            end: iso(a.end)!,
            status: a.status,
            serviceType: a.service_type,
            providerId: a.provider_id,
            locationId: a.location_id,
          },
        });
    }
  }
  const last = shown[shown.length - 1];
  return {
    patientId: patient.id,
    requestedId: patientId,
    items,
    nextCursor: more && last ? encodeCursor({ at: iso(last.at)!, kind: last.kind, id: last.id }) : null,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

async function detailRows(tx: Executor, ids: string[], query: (list: SQL) => SQL): Promise<Map<string, Row>> {
  if (ids.length === 0) return new Map();
  const list = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = rowsOf<Row>(await tx.execute(query(list)));
  return new Map(rows.map((r) => [String(r.id), r]));
}
