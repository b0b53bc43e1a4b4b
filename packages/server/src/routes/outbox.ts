import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import { listOutbox, retryDeadLetter } from '../outbox/dead-letters.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

/** Staff view of outbound delivery: dead letters to look at, and a way to send one again. */
export async function registerOutboxRoutes(root: FastifyInstance, services: Services): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    `${API_PREFIX}/outbox`,
    {
      schema: {
        tags: ['outbox'],
        summary: 'Outbound messages by delivery status, newest first (dead letters by default)',
        querystring: z.object({
          status: z.enum(['dead', 'blocked', 'pending', 'sending', 'sent', 'failed', 'deferred']).default('dead'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
    },
    async (request) => listOutbox(services, principal(request).organizationId, request.query.status, request.query.limit),
  );

  app.post(
    `${API_PREFIX}/outbox/:id/retry`,
    {
      schema: {
        tags: ['outbox'],
        summary: 'Send a dead letter again (dead → pending, fresh attempts)',
        params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
      },
    },
    async (request) => {
      const who = principal(request);
      return retryDeadLetter(services, who.organizationId, request.params.id, { tokenId: who.tokenId });
    },
  );
}
