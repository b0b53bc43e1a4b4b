import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import { registerAccessControl } from '../auth/access-control.ts';
import { breakGlass, grantAccess, listBreakGlass, listGrants, MIN_REASON_LENGTH, reviewBreakGlass, revokeGrant } from '../auth/break-glass.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { uuidParam } from './schemas.ts';

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

/**
 * The access-control check for every /api/v1 route (auth/permissions.ts), plus break-glass and
 * department grants. Registered right after the audit hook, before the other routes.
 */
export async function registerAccessRoutes(root: FastifyInstance, services: Services): Promise<void> {
  registerAccessControl(root, services);
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    `${API_PREFIX}/cases/:caseId/break-glass`,
    {
      schema: {
        tags: ['access'],
        summary: 'Emergency access to a case outside your departments for 60 minutes, with a reason (reviewed afterwards)',
        params: uuidParam('caseId'),
        body: z.object({ reason: z.string().trim().min(MIN_REASON_LENGTH).max(1000) }).strict(),
      },
    },
    async (request, reply) => {
      const row = await breakGlass(services, principal(request), request.params.caseId as string, request.body.reason);
      request.audit = { action: 'break_glass', reason: row.reason, ...(row.patientId ? { patientId: row.patientId } : {}), resourceType: 'case', resourceId: row.caseId };
      return reply.code(201).send(row);
    },
  );

  app.get(
    `${API_PREFIX}/break-glass`,
    {
      schema: {
        tags: ['access'],
        summary: 'Break-glass accesses, newest first (reviewed=false: those waiting for review)',
        querystring: z.object({ reviewed: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      },
    },
    async (request) => {
      const q = request.query;
      return listBreakGlass(services, principal(request).organizationId, q.reviewed === undefined ? undefined : q.reviewed === 'true', q.limit);
    },
  );

  app.post(
    `${API_PREFIX}/break-glass/:accessId/review`,
    {
      schema: {
        tags: ['access'],
        summary: 'Record the review of a break-glass access',
        params: uuidParam('accessId'),
        body: z.object({ outcome: z.enum(['appropriate', 'inappropriate']), note: z.string().max(2000).optional() }).strict(),
      },
    },
    async (request) => reviewBreakGlass(services, principal(request), request.params.accessId as string, request.body),
  );

  app.get(
    `${API_PREFIX}/staff/:staffId/access-grants`,
    { schema: { tags: ['access'], summary: "A staff member's active department grants", params: uuidParam('staffId') } },
    async (request) => listGrants(services, principal(request).organizationId, request.params.staffId as string),
  );

  app.post(
    `${API_PREFIX}/staff/:staffId/access-grants`,
    {
      schema: {
        tags: ['access'],
        summary: "Let a staff member see another department's cases ({departmentId}) or every department's ({all: true})",
        params: uuidParam('staffId'),
        body: z.union([z.object({ departmentId: z.uuid() }).strict(), z.object({ all: z.literal(true) }).strict()]),
      },
    },
    async (request, reply) => {
      const body = request.body as { departmentId?: string; all?: true };
      const row = await grantAccess(services, principal(request), request.params.staffId as string, body.departmentId ?? null);
      request.audit = { action: 'permission_change', resourceType: 'staff_access_grant', resourceId: row.id };
      return reply.code(201).send(row);
    },
  );

  app.delete(
    `${API_PREFIX}/access-grants/:grantId`,
    { schema: { tags: ['access'], summary: 'Revoke a department grant', params: uuidParam('grantId') } },
    async (request) => {
      const row = await revokeGrant(services, principal(request), request.params.grantId as string);
      request.audit = { action: 'permission_change', resourceType: 'staff_access_grant', resourceId: row.id };
      return row;
    },
  );
}
