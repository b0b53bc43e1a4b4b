import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CARE_TASK_KINDS, CARE_TASK_STATUSES, REFILL_URGENCIES } from '@carethread/core';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import {
  createCallbackTask,
  createRefillRequest,
  explainStatement,
  getTask,
  importBilling,
  ImportRejected,
  importResults,
  listTasks,
  requestClinicianCallback,
  requestPaymentPlan,
  resultsStatus,
  statementsOf,
  updateTaskStatus,
} from '../care/index.ts';
import { uuidParam } from './schemas.ts';

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

/** Imports change the organisation's data for everyone: administrators and supervisors only. */
function importer(request: FastifyRequest): Principal {
  const who = principal(request);
  if (who.role !== 'admin' && who.role !== 'supervisor') throw new BadInput('forbidden', 'Only an administrator or a supervisor can import data.', 403);
  return who;
}

/** A rejected import answers with every row and field at fault, not just the first. */
async function withImportErrors<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ImportRejected) return reply.code(422).send({ error: err.code, message: err.message, errors: err.errors });
    throw err;
  }
}

const IMPORT_LIMIT = 16 * 1024 * 1024;

const taskBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('refill'), caseId: z.uuid(), patientId: z.uuid(), medication: z.string().min(1).max(200), pharmacy: z.string().max(200).nullish(), urgency: z.enum(REFILL_URGENCIES) }).strict(),
  z.object({ kind: z.literal('clinician_callback'), caseId: z.uuid(), patientId: z.uuid(), reason: z.string().min(1).max(500) }).strict(),
  z.object({ kind: z.literal('payment_plan'), caseId: z.uuid(), patientId: z.uuid(), monthlyAmount: z.number().positive().max(100_000).nullish() }).strict(),
  z.object({ kind: z.literal('callback'), caseId: z.uuid(), patientId: z.uuid(), window: z.string().max(200).nullish() }).strict(),
]);

/** Staff work lists for care tasks, results status, and the results and billing imports. */
export async function registerCareRoutes(root: FastifyInstance, services: Services): Promise<void> {
  // Encapsulated so the CSV body parser applies to these routes only.
  await root.register(async (scope) => {
    scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: IMPORT_LIMIT }, (_req, body, done) => done(null, body));
    const app = scope.withTypeProvider<ZodTypeProvider>();

    app.get(
      `${API_PREFIX}/tasks`,
      {
        schema: {
          tags: ['care'],
          summary: 'Care tasks (refills, clinician callbacks, payment plans, callbacks), soonest due first',
          querystring: z.object({
            kind: z.enum(CARE_TASK_KINDS).optional(),
            status: z.enum(CARE_TASK_STATUSES).optional(),
            departmentId: z.uuid().optional(),
            patientId: z.uuid().optional(),
            caseId: z.uuid().optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
        },
      },
      async (request) => listTasks(services, principal(request).organizationId, request.query),
    );

    app.post(
      `${API_PREFIX}/tasks`,
      { schema: { tags: ['care'], summary: 'Open a care task on a case (the assistant does this in conversation)', body: taskBody } },
      async (request, reply) => {
        const org = principal(request).organizationId;
        const b = request.body;
        const task =
          b.kind === 'refill'
            ? await createRefillRequest(services, org, b)
            : b.kind === 'clinician_callback'
              ? await requestClinicianCallback(services, org, b)
              : b.kind === 'payment_plan'
                ? await requestPaymentPlan(services, org, b)
                : await createCallbackTask(services, org, b);
        return reply.code(201).send(task);
      },
    );

    app.get(`${API_PREFIX}/tasks/:taskId`, { schema: { tags: ['care'], summary: 'One care task', params: uuidParam('taskId') } }, async (request) =>
      getTask(services, principal(request).organizationId, request.params.taskId as string),
    );

    app.post(
      `${API_PREFIX}/tasks/:taskId/status`,
      {
        schema: {
          tags: ['care'],
          summary: 'Move a task along (refill: approved, denied, sent_to_pharmacy); the patient is told on their channel',
          params: uuidParam('taskId'),
          body: z.object({ status: z.enum(CARE_TASK_STATUSES), note: z.string().max(1000).optional(), staffId: z.uuid().optional() }).strict(),
        },
      },
      async (request) => {
        const who = principal(request);
        // A signed-in staff member acts as themselves; an organisation token may name one.
        const staffId = who.staffId ?? request.body.staffId;
        return updateTaskStatus(services, who.organizationId, request.params.taskId as string, { ...request.body, staffId });
      },
    );

    app.get(
      `${API_PREFIX}/patients/:patientId/results-status`,
      { schema: { tags: ['care'], summary: 'How many results are available and pending (never their values), and the portal link', params: uuidParam('patientId') } },
      async (request) => resultsStatus(services, principal(request).organizationId, request.params.patientId as string),
    );

    app.get(
      `${API_PREFIX}/patients/:patientId/statements`,
      { schema: { tags: ['care'], summary: 'Billing statements of a patient, newest first', params: uuidParam('patientId') } },
      async (request) => statementsOf(services, principal(request).organizationId, request.params.patientId as string),
    );

    app.get(
      `${API_PREFIX}/patients/:patientId/statement-explanation`,
      {
        schema: {
          tags: ['care'],
          summary: "The patient's latest statement (or ?statementId=) explained line by line in plain language",
          params: uuidParam('patientId'),
          querystring: z.object({ language: z.enum(['en', 'es']).default('en'), statementId: z.string().min(1).max(100).optional() }),
        },
      },
      async (request) =>
        explainStatement(services, principal(request).organizationId, request.params.patientId as string, request.query.language, {
          ...(request.query.statementId ? { statementId: request.query.statementId } : {}),
        }),
    );

    const importQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() });

    app.post(
      `${API_PREFIX}/billing/import`,
      {
        bodyLimit: IMPORT_LIMIT,
        schema: {
          tags: ['care'],
          summary: 'Import billing statements: CSV (Content-Type: text/csv) or JSON (docs/billing-import.md); all or nothing',
          querystring: importQuery,
        },
      },
      async (request, reply) => {
        const org = importer(request).organizationId;
        const body = request.body;
        const dryRun = request.query.dryRun === 'true';
        return withImportErrors(reply, () =>
          importBilling(services, org, typeof body === 'string' ? { format: 'csv', csv: body } : { format: 'json', document: body }, { dryRun }),
        );
      },
    );

    app.post(
      `${API_PREFIX}/results/import`,
      {
        bodyLimit: IMPORT_LIMIT,
        schema: { tags: ['care'], summary: 'Import diagnostic report statuses: CSV or JSON (docs/care-tasks.md); all or nothing', querystring: importQuery },
      },
      async (request, reply) => {
        const org = importer(request).organizationId;
        const body = request.body;
        const dryRun = request.query.dryRun === 'true';
        return withImportErrors(reply, () => importResults(services, org, typeof body === 'string' ? { csv: body } : { json: body }, { dryRun }));
      },
    );
  });
}
