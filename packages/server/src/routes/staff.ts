import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { and, eq } from 'drizzle-orm';
import { API_PREFIX } from '../app.ts';
import { issueStaffToken, type Principal } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { staff } from '../store/schema.ts';
import { uuidParam } from './schemas.ts';

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

/** Who is signed in, and how an administrator gives a staff member a workspace sign-in token. */
export async function registerStaffRoutes(root: FastifyInstance, services: Services): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const db = () => services.database.db;

  app.get(`${API_PREFIX}/me`, { schema: { tags: ['organization'], summary: 'The signed-in principal: organisation, role and staff member' } }, async (request) => {
    const who = principal(request);
    const [member] = who.staffId
      ? await db()
          .select({ id: staff.id, name: staff.name, email: staff.email, role: staff.role })
          .from(staff)
          .where(and(eq(staff.organizationId, who.organizationId), eq(staff.id, who.staffId)))
      : [];
    // mfaRequired: the session may only enrol TOTP until it is confirmed (the workspace shows that step).
    return { organizationId: who.organizationId, role: who.role, staffId: who.staffId, staff: member ?? null, ...(who.mfaPending ? { mfaRequired: true } : {}) };
  });

  app.get(`${API_PREFIX}/staff`, { schema: { tags: ['organization'], summary: 'Staff members of the organisation' } }, async (request) =>
    db()
      .select({ id: staff.id, name: staff.name, email: staff.email, role: staff.role })
      .from(staff)
      .where(eq(staff.organizationId, principal(request).organizationId))
      .orderBy(staff.name),
  );

  app.post(
    `${API_PREFIX}/staff/:staffId/tokens`,
    { schema: { tags: ['organization'], summary: 'Issue a workspace sign-in token for a staff member (admin only; shown once)', params: uuidParam('staffId') } },
    async (request, reply) => {
      const who = principal(request);
      if (who.role !== 'admin') throw new BadInput('forbidden', 'Only an administrator can issue sign-in tokens.', 403);
      const issued = await issueStaffToken(db(), who.organizationId, request.params.staffId as string);
      if (!issued) throw new BadInput('not_found', 'No such staff member.', 404);
      return reply.code(201).send(issued);
    },
  );
}
