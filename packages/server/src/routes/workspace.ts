import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AGENT_PRESENCES, CHANNELS, REQUEST_TYPES, ROUTING_RULE_LIMITS, isSkillTag } from '@carethread/core';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { codeEntryOf } from '../pipeline/continuations.ts';
import {
  acceptOffer,
  addNote,
  agentInbox,
  agentOffers,
  caseConversation,
  declineOffer,
  DECLINE_REASONS,
  getAgent,
  getRule,
  listAgents,
  listNotes,
  listRules,
  queuesView,
  setPresence,
  transferCase,
  updateProfile,
  updateRule,
} from '../routing/index.ts';
import { uuidParam } from './schemas.ts';
import { isoInstant } from '../instants.ts';

// The agent workspace's server side: presence and profiles, offers, the inbox, supervisor
// queues and rules, transfers and internal notes. Thin handlers over packages/server/src/routing.

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

const isoTime = isoInstant();
const seconds = (limits: { min: number; max: number }) => z.number().int().min(limits.min).max(limits.max);
const skillTag = z.string().max(40).refine(isSkillTag, 'must be a short lower-case tag (letters, digits, - and _)');

const presenceSchema = z.object({ presence: z.enum(AGENT_PRESENCES), at: isoTime.optional() }).strict();

const capacitySchema = z
  .object(Object.fromEntries(CHANNELS.map((c) => [c, z.number().int().min(ROUTING_RULE_LIMITS.capacity.min).max(ROUTING_RULE_LIMITS.capacity.max).optional()])) as Record<
    (typeof CHANNELS)[number],
    z.ZodOptional<z.ZodNumber>
  >)
  .strict();

const profileSchema = z
  .object({
    languages: z.array(z.string().regex(/^[a-z]{2}$/, 'languages are ISO 639-1 codes such as en or es')).max(20).optional(),
    requestTypes: z.array(z.enum(REQUEST_TYPES)).max(REQUEST_TYPES.length).optional(),
    skills: z.array(skillTag).max(50).optional(),
    departmentIds: z.array(z.uuid()).max(100).optional(),
    capacity: capacitySchema.optional(),
  })
  .strict();

const ruleSchema = z
  .object({
    requiredSkills: z.array(skillTag).max(20).optional(),
    matchLanguage: z.boolean().optional(),
    matchRequestType: z.boolean().optional(),
    sameAgentOfferSeconds: seconds(ROUTING_RULE_LIMITS.offerSeconds).optional(),
    offerSeconds: seconds(ROUTING_RULE_LIMITS.offerSeconds).optional(),
    waitTargetSeconds: seconds(ROUTING_RULE_LIMITS.waitTargetSeconds).optional(),
    reofferAfterSeconds: seconds(ROUTING_RULE_LIMITS.reofferAfterSeconds).optional(),
  })
  .strict();

const answerSchema = z.object({ staffId: z.uuid().optional() }).strict();
const declineSchema = z.object({ staffId: z.uuid().optional(), reason: z.enum(DECLINE_REASONS).optional() }).strict();

const transferSchema = z
  .object({
    toStaffId: z.uuid().optional(),
    toDepartmentId: z.uuid().optional(),
    note: z.string().trim().min(1, 'note: a transfer needs a handover note').max(4000),
    staffId: z.uuid().optional(),
    at: isoTime.optional(),
  })
  .strict()
  .refine((b) => !!b.toStaffId !== !!b.toDepartmentId, { message: 'give exactly one of toStaffId or toDepartmentId' });

const noteSchema = z
  .object({
    body: z.string().trim().min(1, 'body: a note needs some text').max(4000),
    staffId: z.uuid().optional(),
    at: isoTime.optional(),
  })
  .strict();

const offersQuery = z.object({
  status: z.enum(['offered', 'accepted', 'declined', 'timed_out', 'cancelled']).default('offered'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export async function registerWorkspaceRoutes(root: FastifyInstance, services: Services): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const db = () => services.database.db;

  app.get(`${API_PREFIX}/agents`, { schema: { tags: ['workspace'], summary: "Every staff member's presence, skills, capacity and load" } }, async (request) =>
    listAgents(db(), principal(request).organizationId),
  );

  app.get(`${API_PREFIX}/agents/:staffId`, { schema: { tags: ['workspace'], summary: "One agent's presence, skills, capacity and load", params: uuidParam('staffId') } }, async (request) =>
    getAgent(db(), principal(request).organizationId, request.params.staffId as string),
  );

  app.put(
    `${API_PREFIX}/agents/:staffId/presence`,
    {
      schema: {
        tags: ['workspace'],
        summary: 'Set presence (available, busy, away, offline); becoming available brings offers, leaving withdraws open ones',
        params: uuidParam('staffId'),
        body: presenceSchema,
      },
    },
    async (request) => setPresence(services, principal(request).organizationId, request.params.staffId as string, request.body.presence, request.body.at),
  );

  app.put(
    `${API_PREFIX}/agents/:staffId/profile`,
    {
      schema: {
        tags: ['workspace'],
        summary: "Set an agent's languages, request types, skills, departments and capacity per channel (parts left out keep their values)",
        params: uuidParam('staffId'),
        body: profileSchema,
      },
    },
    async (request) => updateProfile(services, principal(request).organizationId, request.params.staffId as string, request.body),
  );

  app.get(
    `${API_PREFIX}/agents/:staffId/offers`,
    { schema: { tags: ['workspace'], summary: "An agent's offers (open ones by default), with the case line", params: uuidParam('staffId'), querystring: offersQuery } },
    async (request) =>
      agentOffers(db(), principal(request).organizationId, request.params.staffId as string, services.now(), request.query.status, request.query.limit),
  );

  app.get(
    `${API_PREFIX}/agents/:staffId/inbox`,
    { schema: { tags: ['workspace'], summary: "An agent's inbox: cases they hold, open offers and the queues they serve", params: uuidParam('staffId') } },
    async (request) => agentInbox(db(), principal(request).organizationId, request.params.staffId as string, services.now()),
  );

  app.post(
    `${API_PREFIX}/offers/:offerId/accept`,
    { schema: { tags: ['workspace'], summary: 'Accept an offer: the agent holds the case (409 if expired, taken or over capacity)', params: uuidParam('offerId'), body: answerSchema.nullish() } },
    async (request) => acceptOffer(services, principal(request).organizationId, request.params.offerId as string, request.body ?? {}),
  );

  app.post(
    `${API_PREFIX}/offers/:offerId/decline`,
    { schema: { tags: ['workspace'], summary: 'Decline an offer: the case goes to the next agent', params: uuidParam('offerId'), body: declineSchema.nullish() } },
    async (request) => declineOffer(services, principal(request).organizationId, request.params.offerId as string, request.body ?? {}),
  );

  app.get(
    `${API_PREFIX}/queues`,
    {
      schema: {
        tags: ['workspace'],
        summary: 'Live queues per department: waiting, longest wait, agents, cases breaching the wait target; and whether continuation code entry is open, slowed or paused (codeEntry)',
      },
    },
    async (request) => {
      const { organizationId } = principal(request);
      const at = services.now();
      const { failuresInLastMinute: _minute, ...codeEntry } = await codeEntryOf(db(), organizationId, at.toISOString());
      return { ...(await queuesView(db(), organizationId, at)), codeEntry };
    },
  );

  app.get(`${API_PREFIX}/routing/rules`, { schema: { tags: ['workspace'], summary: "Every department queue's routing rule" } }, async (request) =>
    listRules(db(), principal(request).organizationId),
  );

  app.get(
    `${API_PREFIX}/routing/rules/:departmentId`,
    { schema: { tags: ['workspace'], summary: "A department queue's routing rule (defaults until changed)", params: uuidParam('departmentId') } },
    async (request) => getRule(db(), principal(request).organizationId, request.params.departmentId as string),
  );

  app.put(
    `${API_PREFIX}/routing/rules/:departmentId`,
    {
      schema: {
        tags: ['workspace'],
        summary: "Change a department queue's routing rule (parts left out keep their values)",
        params: uuidParam('departmentId'),
        body: ruleSchema,
      },
    },
    async (request) => updateRule(services, principal(request).organizationId, request.params.departmentId as string, request.body),
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/transfer`,
    {
      schema: {
        tags: ['workspace'],
        summary: 'Transfer a case to an agent or a department with a handover note',
        params: uuidParam('caseId'),
        body: transferSchema,
      },
    },
    async (request) => transferCase(services, principal(request).organizationId, request.params.caseId as string, request.body),
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/notes`,
    { schema: { tags: ['workspace'], summary: 'Add an internal note to a case (staff only, never sent to the patient)', params: uuidParam('caseId'), body: noteSchema } },
    async (request, reply) => reply.code(201).send(await addNote(services, principal(request).organizationId, request.params.caseId as string, request.body)),
  );

  app.get(
    `${API_PREFIX}/cases/:caseId/conversation`,
    {
      schema: {
        tags: ['workspace'],
        summary: 'The conversation of a case: every message from every channel and the internal notes, oldest first, with the current channel',
        params: uuidParam('caseId'),
        querystring: z.object({ before: isoTime.optional(), limit: z.coerce.number().int().min(1).max(500).default(200) }),
      },
    },
    async (request) => caseConversation(db(), principal(request).organizationId, request.params.caseId as string, request.query),
  );

  app.get(
    `${API_PREFIX}/cases/:caseId/notes`,
    { schema: { tags: ['workspace'], summary: 'Internal notes and handovers of a case, oldest first', params: uuidParam('caseId') } },
    async (request) => listNotes(db(), principal(request).organizationId, request.params.caseId as string),
  );
}
