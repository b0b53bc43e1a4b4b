import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { deidKeyFor, deidentifiedCases, type ExportedCase } from '../read/deidentified-export.ts';
import { timeRangeSchema } from './schemas.ts';

/** Analysts see de-identified data only; administrators may export it too. Nobody else. */
// integration: only tokens holding the analytics:export scope get this far (auth/permissions.ts).
const EXPORT_ROLES = new Set(['analyst', 'admin', 'integration']);

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

export async function registerAnalyticsRoutes(root: FastifyInstance, services: Services): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    `${API_PREFIX}/analytics/export`,
    {
      schema: {
        tags: ['analytics'],
        summary:
          'De-identified export (HIPAA Safe Harbor) of cases opened in [from, to): pseudonymous ids, years and durations, scrubbed texts, fact kinds, friction events, survey scores. Analysts and admins only',
        querystring: timeRangeSchema.extend({ format: z.enum(['ndjson', 'json']).default('ndjson') }),
      },
    },
    async (request, reply) => {
      const who = principal(request);
      if (!EXPORT_ROLES.has(who.role)) throw new BadInput('forbidden', 'The de-identified export is for analysts and administrators.', 403);
      const now = services.now();
      const to = request.query.to ?? new Date(now.getTime() + 1000).toISOString();
      const from = request.query.from ?? new Date(now.getTime() - 30 * 86_400_000).toISOString();
      if (Date.parse(from) >= Date.parse(to)) throw new BadInput('invalid_range', '`from` must be before `to`.');
      const db = services.database.db;
      const key = await deidKeyFor(db, who.organizationId);
      const rows = deidentifiedCases(db, who.organizationId, { from, to }, key);
      reply.header('cache-control', 'no-store');
      if (request.query.format === 'json') {
        const all: ExportedCase[] = [];
        for await (const row of rows) all.push(row);
        return reply.send({ from, to, deidentification: 'hipaa-safe-harbor', cases: all });
      }
      // One case per line, streamed: an export of a year does not sit in memory.
      const lines = Readable.from(
        (async function* () {
          for await (const row of rows) yield `${JSON.stringify(row)}\n`;
        })(),
      );
      return reply.type('application/x-ndjson; charset=utf-8').send(lines);
    },
  );
}
