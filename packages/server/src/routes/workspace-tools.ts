import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import { replyOnCase } from '../pipeline/actions.ts';
import { askCheckForCase } from '../pipeline/ask-check.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { sendVerificationCode, verifyIdentity } from '../pipeline/verification.ts';
import { patientTimeline, TIMELINE_KINDS, type TimelineKind } from '../read/timeline.ts';
import { createCanned, deleteCanned, listCanned, renderCannedForCase, updateCanned } from '../workspace/canned.ts';
import { MAX_TEXT_LENGTH, channelSchema, replySchema, uuidParam } from './schemas.ts';
import { isoInstant, isoDate } from '../instants.ts';

// The agent workspace's tools around a conversation: the patient timeline, canned responses,
// the known-fact check on typed questions, the guarded reply and one-click verification.
// Thin handlers over read/timeline.ts, workspace/canned.ts and pipeline/*.

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

const isoTime = isoInstant();
const language = z.enum(['en', 'es']);

const timelineQuery = z.object({
  kinds: z
    .string()
    .max(200)
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const list = s.split(',').map((k) => k.trim()).filter(Boolean);
      const bad = list.filter((k) => !(TIMELINE_KINDS as readonly string[]).includes(k));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `unknown kind ${bad.join(', ')}; use ${TIMELINE_KINDS.join(', ')}` });
        return z.NEVER;
      }
      return list as TimelineKind[];
    }),
  channel: channelSchema.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().max(400).optional(),
});

const cannedBody = z
  .object({
    departmentId: z.uuid().nullish(),
    language,
    shortcut: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'shortcut: lower-case letters, digits, - and _ (at most 40)'),
    title: z.string().trim().min(1, 'title: give the response a title').max(120),
    body: z.string().trim().min(1, 'body: a response needs some text').max(4000),
  })
  .strict();

const cannedQuery = z.object({
  language: language.optional(),
  departmentId: z.uuid().optional(),
  q: z.string().trim().max(100).optional(),
});

const renderBody = z.object({ staffId: z.uuid().optional(), appointmentId: z.uuid().optional() }).strict();

const askCheckBody = z.object({ text: z.string().max(MAX_TEXT_LENGTH), language: language.optional() }).strict();

const verifyBody = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('dob_name'),
      givenName: z.string().trim().min(1).max(100),
      familyName: z.string().trim().min(1).max(100),
      birthDate: isoDate('birthDate must be a date (YYYY-MM-DD)'),
      staffId: z.uuid().optional(),
      at: isoTime.optional(),
    })
    .strict(),
  z
    .object({
      method: z.literal('one_time_code'),
      code: z.string().trim().regex(/^\d{6}$/, 'code must be the 6 digits the patient received'),
      staffId: z.uuid().optional(),
      at: isoTime.optional(),
    })
    .strict(),
]);

const codeBody = z.object({ channel: z.enum(['sms', 'email']).optional(), staffId: z.uuid().optional(), at: isoTime.optional() }).strict();

const caseAndCanned = z.object({ caseId: z.uuid({ error: 'caseId must be a UUID' }), cannedId: z.uuid({ error: 'cannedId must be a UUID' }) });

export async function registerWorkspaceToolRoutes(root: FastifyInstance, services: Services): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const db = () => services.database.db;
  /** The signed-in staff member unless the body names one (integration tokens have none). */
  const actingStaff = (request: FastifyRequest, given?: string) => given ?? principal(request).staffId ?? undefined;

  app.get(
    `${API_PREFIX}/patients/:patientId/timeline`,
    {
      schema: {
        tags: ['workspace'],
        summary:
          'A patient timeline, newest first: cases, interactions, appointments (survey answers: none stored yet). Follows merges; keyset paging with `before`',
        params: uuidParam('patientId'),
        querystring: timelineQuery,
      },
    },
    async (request) => patientTimeline(db(), principal(request).organizationId, request.params.patientId as string, request.query),
  );

  app.get(
    `${API_PREFIX}/canned-responses`,
    { schema: { tags: ['workspace'], summary: 'Canned responses (organisation-wide, plus the department’s own with departmentId)', querystring: cannedQuery } },
    async (request) => listCanned(db(), principal(request).organizationId, request.query),
  );

  app.post(
    `${API_PREFIX}/canned-responses`,
    { schema: { tags: ['workspace'], summary: 'Create a canned response; the body may use {{patient.givenName}}, {{agent.name}}, {{organization.name}}, {{case.requestType}}, {{appointment.start}}', body: cannedBody } },
    async (request, reply) => {
      const p = principal(request);
      return reply.code(201).send(await createCanned(services, p.organizationId, request.body, p.staffId ?? null));
    },
  );

  app.put(
    `${API_PREFIX}/canned-responses/:cannedId`,
    { schema: { tags: ['workspace'], summary: 'Replace a canned response', params: uuidParam('cannedId'), body: cannedBody } },
    async (request) => updateCanned(services, principal(request).organizationId, request.params.cannedId as string, request.body),
  );

  app.delete(
    `${API_PREFIX}/canned-responses/:cannedId`,
    { schema: { tags: ['workspace'], summary: 'Delete a canned response', params: uuidParam('cannedId') } },
    async (request, reply) => {
      await deleteCanned(services, principal(request).organizationId, request.params.cannedId as string);
      return reply.code(204).send();
    },
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/canned-responses/:cannedId/render`,
    {
      schema: {
        tags: ['workspace'],
        summary: 'Fill a canned response in for a case → { text, missing, language }; unknown values stay visible as {{variables}} and are listed in missing',
        params: caseAndCanned,
        body: renderBody.nullish(),
      },
    },
    async (request) => {
      const body = request.body ?? {};
      return renderCannedForCase(services, principal(request).organizationId, request.params.caseId, request.params.cannedId, {
        staffId: actingStaff(request, body.staffId),
        appointmentId: body.appointmentId,
      });
    },
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/ask-check`,
    {
      schema: {
        tags: ['workspace'],
        summary: 'Which facts a typed message asks the patient for, with the known value of each (read-only)',
        params: uuidParam('caseId'),
        body: askCheckBody,
      },
    },
    async (request) => {
      const result = await askCheckForCase(db(), principal(request).organizationId, request.params.caseId as string, request.body.text, services.now(), request.body.language);
      return { asks: result.asks };
    },
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/reply`,
    {
      schema: {
        tags: ['workspace'],
        summary:
          'Reply to the patient on their current channel (or `channel`). 409 fact_already_known with `known` when the text asks for something the patient already told us, unless sendAnyway (then counted as repeat asks)',
        params: uuidParam('caseId'),
        body: replySchema,
      },
    },
    async (request, reply) => {
      const body = { ...request.body, staffId: request.body.actor === 'agent' ? actingStaff(request, request.body.staffId) : request.body.staffId };
      return reply.code(201).send(await replyOnCase(services, principal(request).organizationId, request.params.caseId as string, body));
    },
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/verify`,
    {
      schema: {
        tags: ['workspace'],
        summary:
          "Verify the patient on the case's current contact: by name + date of birth against the record, or by the one-time code sent with /verify/code. 200 { verified, reason? }; 429 after 3 failed name/DOB checks",
        params: uuidParam('caseId'),
        body: verifyBody,
      },
    },
    async (request) => verifyIdentity(services, principal(request).organizationId, request.params.caseId as string, { ...request.body, staffId: actingStaff(request, request.body.staffId) }),
  );

  app.post(
    `${API_PREFIX}/cases/:caseId/verify/code`,
    {
      schema: {
        tags: ['workspace'],
        summary: 'Send a 6-digit verification code (valid 10 minutes, 5 tries) to a verified mobile number or email of the patient',
        params: uuidParam('caseId'),
        body: codeBody.nullish(),
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      return reply.code(201).send(await sendVerificationCode(services, principal(request).organizationId, request.params.caseId as string, { ...body, staffId: actingStaff(request, body.staffId) }));
    },
  );
}
