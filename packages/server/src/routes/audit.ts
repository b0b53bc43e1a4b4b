import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { auditBundle, toAuditEvent } from '../audit/fhir.ts';
import { isoInstant, type AuditRow } from '../audit/log.ts';
import { decodeCursor, searchAudit, type AuditQuery } from '../audit/search.ts';
import { isoInstant as isoInstantSchema } from '../instants.ts';

const isoTime = isoInstantSchema();

const filterSchema = z.object({
  patientId: z.uuid({ error: 'patientId must be a UUID' }).optional(),
  actorId: z.string().min(1).max(100).optional(),
  action: z.string().regex(/^[a-z_]{1,40}$/, { error: 'action must be an audit action such as read, write, export' }).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});

/** The audit log is for administrators (and the security officer's tools) only. */
function admin(request: FastifyRequest): Principal {
  const who = request.principal;
  if (!who) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  if (who.role !== 'admin') throw new BadInput('forbidden', 'Only an administrator can read the audit log.', 403);
  return who;
}

function checkRange(q: { from?: string; to?: string }): void {
  if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) throw new BadInput('invalid_range', '`from` must be before `to`.');
}

/** A row as the API shows it: the instant normalised, everything else as stored. */
function present(row: AuditRow): AuditRow {
  return { ...row, seq: Number(row.seq), at: isoInstant(row.at) };
}

/** Search and export of the audit log (docs/security.md, "Audit controls"). Both are themselves audited by the hook. */
export async function registerAuditRoutes(root: FastifyInstance, services: Services): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const db = () => services.database.db;

  app.get(
    `${API_PREFIX}/audit`,
    {
      schema: {
        tags: ['audit'],
        summary: 'Search the audit log, newest first (admin only)',
        querystring: filterSchema.extend({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: z.string().max(100).optional(),
        }),
      },
    },
    async (request) => {
      const who = admin(request);
      const q = request.query as AuditQuery;
      checkRange(q);
      const before = q.cursor ? decodeCursor(q.cursor) : null;
      if (q.cursor && before === null) throw new BadInput('invalid_cursor', 'The cursor is not one this API returned.');
      const page = await searchAudit(db(), who.organizationId, q, before);
      return { entries: page.entries.map(present), nextCursor: page.nextCursor };
    },
  );

  app.get(
    `${API_PREFIX}/audit/export`,
    {
      schema: {
        tags: ['audit'],
        summary: 'Export the audit log as NDJSON rows or a FHIR R4 Bundle of AuditEvent resources (admin only); the export is itself audited',
        querystring: filterSchema.extend({
          format: z.enum(['ndjson', 'fhir']).default('ndjson'),
          limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
        }),
      },
    },
    async (request, reply) => {
      const who = admin(request);
      const q = request.query;
      checkRange(q);
      // Newest first in pages, then oldest first in the file: an export reads like the chain it comes from.
      const rows: AuditRow[] = [];
      let before: number | null = null;
      while (rows.length < q.limit) {
        const page = await searchAudit(db(), who.organizationId, { ...q, limit: Math.min(2000, q.limit - rows.length) }, before);
        rows.push(...page.entries);
        if (!page.nextCursor) break;
        before = Number(page.entries[page.entries.length - 1]!.seq);
      }
      rows.reverse();
      reply.header('content-disposition', `attachment; filename="audit-${q.format === 'fhir' ? 'fhir.json' : 'log.ndjson'}"`);
      if (q.format === 'fhir') {
        return reply.type('application/fhir+json; charset=utf-8').send(JSON.stringify(auditBundle(rows, services.now().toISOString())));
      }
      return reply.type('application/x-ndjson; charset=utf-8').send(rows.map((r) => JSON.stringify(present(r))).join('\n') + (rows.length ? '\n' : ''));
    },
  );
}
