import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { getPreferences, updatePreferences, type PreferenceActor } from '../store/preferences.ts';
import { uuidParam } from './schemas.ts';

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

/** Structure only; the values (channel names, zone, times) are checked by the domain so the 400 names each bad field. */
const preferencesBody = z
  .object({
    channels: z.record(z.string().max(40), z.enum(['opted_in', 'opted_out']).nullable()).optional(),
    surveys: z.boolean().optional(),
    language: z.enum(['en', 'es']).nullable().optional(),
    timeZone: z.string().max(64).nullable().optional(),
    quietHours: z.object({ start: z.string().max(5), end: z.string().max(5) }).strict().nullable().optional(),
  })
  .strict();

function actorOf(request: FastifyRequest): PreferenceActor {
  const who = principal(request);
  return {
    type: who.staffId ? 'staff' : 'token',
    id: who.staffId ?? who.tokenId,
    role: who.role,
    tokenId: who.tokenId,
    via: 'api',
    route: request.routeOptions?.url ?? null,
    method: request.method,
    ip: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  };
}

/** A patient's contact preferences (docs/consent.md): staff read and change them on the patient's behalf. */
export async function registerPreferenceRoutes(root: FastifyInstance, services: Services): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    `${API_PREFIX}/patients/:patientId/preferences`,
    { schema: { tags: ['patients'], summary: "A patient's contact preferences: channels, surveys, language, time zone, quiet hours", params: uuidParam('patientId') } },
    async (request) => getPreferences(services, principal(request).organizationId, request.params.patientId as string),
  );

  app.put(
    `${API_PREFIX}/patients/:patientId/preferences`,
    {
      schema: {
        tags: ['patients'],
        summary: "Change a patient's contact preferences (fields left out keep their value; null clears one); audited",
        params: uuidParam('patientId'),
        body: preferencesBody,
      },
    },
    async (request) => updatePreferences(services, principal(request).organizationId, request.params.patientId as string, request.body, actorOf(request)),
  );
}
