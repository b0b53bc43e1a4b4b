import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { and, desc, eq, or } from 'drizzle-orm';
import type { ChannelEvent, IdentifierKind } from '@carethread/core';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { ingestEvent } from '../pipeline/ingest.ts';
import { askForFact, assignCase, offerContinuation, replyOnCase, resolveCase } from '../pipeline/actions.ts';
import { decideMatchReview, mergeRecords, registerPatient, undoMerge } from '../pipeline/records.ts';
import { caseContextCard, incomingContextCard } from '../read/context-card.ts';
import { frictionReport } from '../read/friction.ts';
import type { RealtimeHub } from '../realtime.ts';
import { listDepartments } from '../store/orgs.ts';
import { cases, matchReviews, patientMerges } from '../store/schema.ts';
import { identitiesOf, getPatient } from '../store/patients.ts';
import { landingPage } from './landing.ts';
import { visibleCasesCondition } from '../auth/access-control.ts';
import { registerStream } from './stream.ts';
import { registerOutboxRoutes } from './outbox.ts';
import { registerDemoInbox } from './demo-inbox.ts';
import { registerFavicon } from './favicon.ts';
import { demoInboxEnabled } from '../read/demo-inbox.ts';
import { registerSchedulingRoutes } from './scheduling.ts';
import { registerWorkspaceRoutes } from './workspace.ts';
import { registerStaffRoutes } from './staff.ts';
import {
  askSchema,
  channelEventSchema,
  continuationSchema,
  patientSchema,
  replySchema,
  resolveSchema,
  timeRangeSchema,
  uuidParam,
} from './schemas.ts';

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

/** Route handlers stay thin: validate, call one domain function, return. */
export async function registerRoutes(root: FastifyInstance, services: Services, hub: RealtimeHub): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  await (await import('../audit/index.ts')).registerAudit(root, services); // first: the audit hook must see every route after it
  await (await import('./access.ts')).registerAccessRoutes(root, services); // second: the permission check (auth/permissions.ts) for every route

  app.get('/', { schema: { hide: true } }, async (req, reply) => reply.type('text/html; charset=utf-8').send(landingPage(req.cspNonce, { demoInbox: demoInboxEnabled(services) })));
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true, database: services.database.kind }));

  app.post(
    `${API_PREFIX}/channel-events`,
    {
      schema: {
        tags: ['pipeline'],
        summary: 'Ingest one ChannelEvent through the pipeline (identify → thread → facts → friction → route)',
        body: channelEventSchema,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const event: ChannelEvent = { ...body, occurredAt: body.occurredAt ?? services.now().toISOString() } as ChannelEvent;
      const result = await ingestEvent(services, principal(request).organizationId, event);
      return reply.code(result.duplicate ? 200 : 201).send(result);
    },
  );

  app.get(
    `${API_PREFIX}/cases`,
    {
      schema: {
        tags: ['cases'],
        summary: 'Cases, newest activity first (the department queue when filtered by department and queue state)',
        querystring: z.object({
          status: z.enum(['open', 'resolved', 'merged']).optional(),
          departmentId: z.uuid().optional(),
          queueState: z.enum(['queued', 'assigned', 'assistant', 'none']).optional(),
          patientId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const org = principal(request).organizationId;
      // Agents see only their departments' cases (and those they hold, are offered or broke glass for).
      const visible = await visibleCasesCondition(services.database.db, principal(request), services.now());
      return services.database.db
        .select()
        .from(cases)
        .where(
          and(
            eq(cases.organizationId, org),
            ...(visible ? [visible] : []),
            ...(q.status ? [eq(cases.status, q.status)] : []),
            ...(q.departmentId ? [eq(cases.departmentId, q.departmentId)] : []),
            ...(q.queueState ? [eq(cases.queueState, q.queueState)] : []),
            ...(q.patientId ? [eq(cases.patientId, q.patientId)] : []),
          ),
        )
        .orderBy(desc(cases.updatedAt))
        .limit(q.limit);
    },
  );

  app.get(
    `${API_PREFIX}/cases/:caseId/context`,
    { schema: { tags: ['cases'], summary: 'The context card of a case', params: uuidParam('caseId') } },
    async (request) => caseContextCard(services.database.db, principal(request).organizationId, request.params.caseId as string, services.now()),
  );

  app.get(
    `${API_PREFIX}/context`,
    {
      schema: {
        tags: ['cases'],
        summary: 'The context card of an incoming contact, from its address alone',
        querystring: z.object({ kind: z.enum(['phone', 'email', 'chat_visitor', 'portal', 'mrn', 'member_id']), address: z.string().min(1).max(320) }),
      },
    },
    async (request) =>
      incomingContextCard(services.database.db, principal(request).organizationId, request.query.kind as IdentifierKind, request.query.address, services.now()),
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/asks`,
    {
      schema: {
        tags: ['cases'],
        summary: 'Ask the patient for a named fact; known facts are returned instead (409 for the assistant)',
        params: uuidParam('caseId'),
        body: askSchema,
      },
    },
    async (request, reply) => {
      const outcome = await askForFact(services, principal(request).organizationId, request.params.caseId as string, request.body);
      return reply.code(outcome.outcome === 'refused' ? 409 : 200).send(outcome);
    },
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/resolve`,
    { schema: { tags: ['cases'], summary: 'Resolve a case', params: uuidParam('caseId'), body: resolveSchema } },
    async (request) => resolveCase(services, principal(request).organizationId, request.params.caseId as string, request.body),
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/assign`,
    {
      schema: { tags: ['cases'], summary: 'Assign a case to a staff member', params: uuidParam('caseId'), body: z.object({ staffId: z.uuid() }).strict() },
    },
    async (request) => assignCase(services, principal(request).organizationId, request.params.caseId as string, request.body.staffId),
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/messages`,
    {
      schema: { tags: ['cases'], summary: 'Reply to the patient (queued in the outbox for messaging channels)', params: uuidParam('caseId'), body: replySchema },
    },
    async (request, reply) =>
      reply.code(201).send(await replyOnCase(services, principal(request).organizationId, request.params.caseId as string, request.body)),
  );

  app.post(
    `${API_PREFIX}/interactions/:interactionId/continuations`,
    {
      schema: {
        tags: ['cases'],
        summary: 'Issue a continuation so the patient can carry on on another channel',
        params: uuidParam('interactionId'),
        body: continuationSchema,
      },
    },
    async (request, reply) =>
      reply.code(201).send(await offerContinuation(services, principal(request).organizationId, request.params.interactionId as string, request.body)),
  );

  app.post(
    `${API_PREFIX}/patients`,
    { schema: { tags: ['patients'], summary: 'Register a patient with identifiers', body: patientSchema } },
    async (request, reply) => {
      const patient = await registerPatient(services, principal(request).organizationId, request.body);
      return reply.code(201).send(patient);
    },
  );

  app.get(
    `${API_PREFIX}/patients/:patientId`,
    { schema: { tags: ['patients'], summary: 'A patient with their identifiers', params: uuidParam('patientId') } },
    async (request) => {
      const org = principal(request).organizationId;
      const patient = await getPatient(services.database.db, org, request.params.patientId as string);
      if (!patient) throw new BadInput('unknown_patient', 'No such patient in this organization.', 404);
      return { ...patient, identifiers: await identitiesOf(services.database.db, org, patient.id) };
    },
  );

  app.post(
    `${API_PREFIX}/patients/:patientId/merge`,
    {
      schema: {
        tags: ['patients'],
        summary: 'Merge another patient record into this one (undoable)',
        params: uuidParam('patientId'),
        body: z.object({ mergedId: z.uuid() }).strict(),
      },
    },
    async (request, reply) => {
      const p = principal(request);
      const mergeId = await mergeRecords(services, p.organizationId, request.params.patientId as string, request.body.mergedId, `token:${p.tokenId}`);
      return reply.code(201).send({ mergeId });
    },
  );

  app.post(
    `${API_PREFIX}/merges/:mergeId/undo`,
    { schema: { tags: ['patients'], summary: 'Undo a merge, restoring every moved identifier', params: uuidParam('mergeId') } },
    async (request) => {
      const p = principal(request);
      await undoMerge(services, p.organizationId, request.params.mergeId as string, `token:${p.tokenId}`);
      return { ok: true };
    },
  );

  app.get(
    `${API_PREFIX}/match-reviews`,
    { schema: { tags: ['patients'], summary: 'Possible duplicates waiting for a person' } },
    async (request) =>
      services.database.db
        .select()
        .from(matchReviews)
        .where(and(eq(matchReviews.organizationId, principal(request).organizationId), eq(matchReviews.status, 'open')))
        .orderBy(desc(matchReviews.createdAt))
        .limit(200),
  );

  app.post(
    `${API_PREFIX}/match-reviews/:reviewId/decision`,
    {
      schema: {
        tags: ['patients'],
        summary: 'Settle a possible duplicate: merge the records, or mark them distinct people',
        params: uuidParam('reviewId'),
        body: z.object({ decision: z.enum(['merge', 'distinct']) }).strict(),
      },
    },
    async (request) => {
      const p = principal(request);
      return decideMatchReview(services, p.organizationId, request.params.reviewId as string, request.body.decision, `token:${p.tokenId}`);
    },
  );

  app.get(
    `${API_PREFIX}/patients/:patientId/merges`,
    { schema: { tags: ['patients'], summary: 'Merge history of a patient (as survivor or as merged record)', params: uuidParam('patientId') } },
    async (request) => {
      const org = principal(request).organizationId;
      const id = request.params.patientId as string;
      return services.database.db
        .select()
        .from(patientMerges)
        .where(and(eq(patientMerges.organizationId, org), or(eq(patientMerges.survivorId, id), eq(patientMerges.mergedId, id))))
        .orderBy(desc(patientMerges.createdAt));
    },
  );

  app.get(`${API_PREFIX}/departments`, { schema: { tags: ['organization'], summary: 'Departments and the request types they take' } }, async (request) =>
    listDepartments(services.database.db, principal(request).organizationId),
  );

  app.get(
    `${API_PREFIX}/metrics/friction`,
    {
      schema: {
        tags: ['analytics'],
        summary: 'Friction metrics v1 for cases opened in [from, to) (default: the last 30 days)',
        querystring: timeRangeSchema,
      },
    },
    async (request) => {
      const now = services.now();
      const to = request.query.to ?? new Date(now.getTime() + 1000).toISOString();
      const from = request.query.from ?? new Date(now.getTime() - 30 * 86_400_000).toISOString();
      if (Date.parse(from) >= Date.parse(to)) throw new BadInput('invalid_range', '`from` must be before `to`.');
      return frictionReport(services.database.db, principal(request).organizationId, from, to, now);
    },
  );

  await registerOutboxRoutes(root, services);
  await registerDemoInbox(root, services);
  registerFavicon(root);
  await registerSchedulingRoutes(root, services);
  await registerWorkspaceRoutes(root, services);
  await registerStaffRoutes(root, services);
  await (await import('./auth.ts')).registerAuthRoutes(root, services);
  await (await import('./care.ts')).registerCareRoutes(root, services);
  await (await import('./workspace-tools.ts')).registerWorkspaceToolRoutes(root, services);
  await (await import('./analytics.ts')).registerAnalyticsRoutes(root, services);
  await (await import('./preferences.ts')).registerPreferenceRoutes(root, services);
  registerStream(root, services, hub);
}
