import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REQUEST_TYPES, type RequestType } from '@carethread/core';
import { API_PREFIX } from '../../app.ts';
import type { Principal } from '../../auth.ts';
import type { Services } from '../../pipeline/context.ts';
import { BadInput } from '../../pipeline/errors.ts';
import { uuidParam } from '../../routes/schemas.ts';
import { checkIn, MAX_NOTE_LENGTH } from './check-in.ts';
import { frontDeskPage } from './page.ts';
import { parseCookies } from '../portal/http.ts';
import { SESSION_COOKIE, sessionStaff } from '../../auth/sessions.ts';
import { frontDeskPatient, searchPatients } from './patients.ts';
import { isoDate } from '../../instants.ts';

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

const searchQuery = z.object({
  q: z.string().trim().min(2, 'q must be at least 2 characters').max(200),
  birthDate: isoDate('birthDate must be a date such as 1961-03-14').optional(),
});

const checkInBody = z
  .object({
    patientId: z.uuid({ error: 'patientId must be a UUID' }),
    caseId: z.uuid({ error: 'caseId must be a UUID' }).optional(),
    note: z.string().max(MAX_NOTE_LENGTH).optional(),
    requestType: z.enum(REQUEST_TYPES).optional(),
    clientId: z.uuid({ error: 'clientId must be a UUID' }).optional(),
  })
  .strict();

/** Front desk: the staff check-in screen and the bearer-authenticated API behind it. */
export async function registerFrontDesk(root: FastifyInstance, services: Services): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/front-desk', { schema: { hide: true } }, async (request, reply) =>
    frontDeskPage(request, reply, await sessionStaff(services.database.db, parseCookies(request.headers.cookie)[SESSION_COOKIE], services.now())),
  );

  app.get(
    `${API_PREFIX}/front-desk/patients`,
    { schema: { tags: ['front desk'], summary: 'Find a patient by name (+ birth date), phone, email or MRN; at most 20', querystring: searchQuery } },
    async (request) => ({
      patients: await searchPatients(services.database.db, principal(request).organizationId, { q: request.query.q, birthDate: request.query.birthDate }),
    }),
  );

  app.get(
    `${API_PREFIX}/front-desk/patients/:patientId`,
    { schema: { tags: ['front desk'], summary: 'A patient with what is known and their open cases', params: uuidParam('patientId') } },
    async (request) => frontDeskPatient(services.database.db, principal(request).organizationId, request.params.patientId as string, services.now()),
  );

  app.post(
    `${API_PREFIX}/front-desk/check-ins`,
    {
      schema: {
        tags: ['front desk'],
        summary: 'Check a patient in: the visit becomes an in-person interaction on the chosen case (or threads normally)',
        body: checkInBody,
      },
    },
    async (request, reply) => {
      const p = principal(request);
      const body = request.body;
      const result = await checkIn(services, p.organizationId, {
        patientId: body.patientId,
        caseId: body.caseId,
        note: body.note,
        requestType: body.requestType as RequestType | undefined,
        clientId: body.clientId,
        by: `token:${p.tokenId}`,
      });
      return reply.code(result.duplicate ? 200 : 201).send(result);
    },
  );
}
