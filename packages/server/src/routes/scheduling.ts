import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { APPOINTMENT_STATUSES, isLocalDate, isValidTimeZone, PARTS_OF_DAY, REQUEST_TYPES, WEEKDAYS, type SlotPreferences } from '@carethread/core';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import {
  acceptWaitlistOffer,
  addToWaitlist,
  appointmentsOfPatient,
  book,
  cancel,
  confirm,
  declineWaitlistOffer,
  fhirAppointment,
  fhirSchedule,
  fhirSlot,
  findSlots,
  getAppointment,
  getSchedulingPolicy,
  importSchedules,
  listLocations,
  listProviders,
  listSchedules,
  listWaitlist,
  removeFromWaitlist,
  replyToAppointment,
  reschedule,
  scheduleImportSchema,
  searchFhirAppointments,
  searchFhirSlots,
  setAttendance,
  updateSchedulingPolicy,
} from '../scheduling/index.ts';
import { operationOutcome } from '../scheduling/fhir.ts';
import { uuidParam } from './schemas.ts';
import { isoInstant } from '../instants.ts';

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'A valid bearer token is required.', 401);
  return request.principal;
}

const isoTime = isoInstant();
const localDate = z.string().refine(isLocalDate, 'must be a calendar date (YYYY-MM-DD)');
const timeZone = z.string().max(64).refine(isValidTimeZone, 'must be an IANA time zone such as America/New_York');
const commaList = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .max(200)
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

const preferencesSchema = z
  .object({
    daysOfWeek: z.array(z.enum(WEEKDAYS)).max(7).optional(),
    partsOfDay: z.array(z.enum(PARTS_OF_DAY)).max(3).optional(),
    earliestDate: localDate.optional(),
    latestDate: localDate.optional(),
    language: z.enum(['en', 'es']).optional(),
  })
  .strict();

const slotFilter = {
  departmentId: z.uuid().optional(),
  department: z.string().min(1).max(60).optional(),
  serviceType: z.string().min(1).max(100).optional(),
  requestType: z.enum(REQUEST_TYPES).optional(),
  providerId: z.uuid().optional(),
  locationId: z.uuid().optional(),
  timeZone: timeZone.optional(),
  patientId: z.uuid().optional(),
  at: isoTime.optional(),
};

const slotSearchSchema = z
  .object({
    ...slotFilter,
    preferences: preferencesSchema.optional(),
    limit: z.number().int().min(1).max(50).optional(),
    maxPerDay: z.number().int().min(1).max(50).nullable().optional(),
  })
  .strict();

const slotQuerySchema = z.object({
  ...slotFilter,
  days: commaList(WEEKDAYS).optional(),
  partsOfDay: commaList(PARTS_OF_DAY).optional(),
  earliestDate: localDate.optional(),
  latestDate: localDate.optional(),
  language: z.enum(['en', 'es']).optional(),
  limit: z.coerce.number().int().min(1).max(50).optional(),
  maxPerDay: z.coerce.number().int().min(1).max(50).optional(),
});

const bookSchema = z
  .object({
    patientId: z.uuid(),
    slotId: z.uuid(),
    caseId: z.uuid().optional(),
    reason: z.string().max(500).optional(),
    source: z.enum(['staff', 'assistant', 'integration']).default('staff'),
    at: isoTime.optional(),
  })
  .strict();

const waitlistSchema = z
  .object({
    patientId: z.uuid(),
    caseId: z.uuid().optional(),
    departmentId: z.uuid().optional(),
    department: z.string().min(1).max(60).optional(),
    providerId: z.uuid().optional(),
    locationId: z.uuid().optional(),
    serviceType: z.string().min(1).max(100).optional(),
    preferences: preferencesSchema.default({}),
    timeZone: timeZone.optional(),
    at: isoTime.optional(),
  })
  .strict();

const policySchema = z
  .object({
    reminderOffsetsMinutes: z.array(z.number().int()).max(5).optional(),
    quietHours: z.object({ start: z.string(), end: z.string() }).strict().nullable().optional(),
    offerHoldMinutes: z.number().int().optional(),
    offerMinLeadMinutes: z.number().int().optional(),
    searchHorizonDays: z.number().int().optional(),
  })
  .strict();

const atOnly = z.object({ at: isoTime.optional() }).strict();
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** FHIR clients expect an OperationOutcome, not our error shape, when a read fails. */
async function asFhir(reply: FastifyReply, work: () => Promise<unknown>): Promise<FastifyReply> {
  try {
    return reply.type(FHIR_JSON).send(await work());
  } catch (err) {
    if (err instanceof BadInput) {
      return reply.code(err.status).type(FHIR_JSON).send(operationOutcome(err.status === 404 ? 'not-found' : 'invalid', err.message));
    }
    throw err;
  }
}

/** Scheduling for staff and integrations, and its FHIR R4 read views. Handlers stay thin. */
export async function registerSchedulingRoutes(root: FastifyInstance, services: Services): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const base = `${API_PREFIX}/scheduling`;
  const by = (request: FastifyRequest) => `token:${principal(request).tokenId}`;

  app.get(
    `${base}/providers`,
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Providers, with department and languages',
        querystring: z.object({ departmentId: z.uuid().optional(), department: z.string().max(60).optional(), language: z.string().max(8).optional() }),
      },
    },
    async (request) => listProviders(services, principal(request).organizationId, request.query),
  );

  app.get(`${base}/locations`, { schema: { tags: ['scheduling'], summary: 'Locations where visits happen' } }, async (request) =>
    listLocations(services, principal(request).organizationId),
  );

  app.get(
    `${base}/schedules`,
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Schedules: a provider at a location for a kind of visit',
        querystring: z.object({ providerId: z.uuid().optional(), locationId: z.uuid().optional() }),
      },
    },
    async (request) => listSchedules(services, principal(request).organizationId, request.query),
  );

  app.get(
    `${base}/slots`,
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Free slots ranked by fit with the preferences (days=mon,tue; partsOfDay=morning; dates in the patient time zone)',
        querystring: slotQuerySchema,
      },
    },
    async (request) => {
      const { days, partsOfDay, earliestDate, latestDate, language, ...rest } = request.query;
      const preferences: SlotPreferences = { daysOfWeek: days, partsOfDay, earliestDate, latestDate, language };
      return findSlots(services, principal(request).organizationId, { ...rest, preferences });
    },
  );

  app.post(
    `${base}/slots/search`,
    { schema: { tags: ['scheduling'], summary: 'Free slots ranked by fit with the preferences (JSON body)', body: slotSearchSchema } },
    async (request) => findSlots(services, principal(request).organizationId, request.body),
  );

  app.post(
    `${base}/appointments`,
    { schema: { tags: ['scheduling'], summary: 'Book a free slot for a patient (409 when it was taken)', body: bookSchema } },
    async (request, reply) => reply.code(201).send(await book(services, principal(request).organizationId, { ...request.body, bookedBy: by(request) })),
  );

  app.get(
    `${base}/appointments/:appointmentId`,
    { schema: { tags: ['scheduling'], summary: 'An appointment with provider, location and reminders', params: uuidParam('appointmentId') } },
    async (request) => getAppointment(services, principal(request).organizationId, request.params.appointmentId as string),
  );

  app.post(
    `${base}/appointments/:appointmentId/reschedule`,
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Move an appointment to another free slot; the old slot is offered to the waitlist',
        params: uuidParam('appointmentId'),
        body: z.object({ slotId: z.uuid(), at: isoTime.optional() }).strict(),
      },
    },
    async (request) => reschedule(services, principal(request).organizationId, request.params.appointmentId as string, { ...request.body, by: by(request) }),
  );

  app.post(
    `${base}/appointments/:appointmentId/cancel`,
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Cancel an appointment; its slot is freed and offered to the waitlist',
        params: uuidParam('appointmentId'),
        body: z.object({ reason: z.string().min(1).max(500), at: isoTime.optional() }).strict(),
      },
    },
    async (request) => cancel(services, principal(request).organizationId, request.params.appointmentId as string, { ...request.body, by: by(request) }),
  );

  app.post(
    `${base}/appointments/:appointmentId/confirm`,
    {
      schema: { tags: ['scheduling'], summary: 'Record that the patient confirmed (accepts a waitlist offer)', params: uuidParam('appointmentId'), body: atOnly },
    },
    async (request) => confirm(services, principal(request).organizationId, request.params.appointmentId as string, { ...request.body, by: by(request) }),
  );

  app.post(
    `${base}/appointments/:appointmentId/status`,
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Record arrival, completion or a no-show',
        params: uuidParam('appointmentId'),
        body: z.object({ status: z.enum(['arrived', 'fulfilled', 'noshow']), at: isoTime.optional() }).strict(),
      },
    },
    async (request) => setAttendance(services, principal(request).organizationId, request.params.appointmentId as string, { ...request.body, by: by(request) }),
  );

  app.post(
    `${base}/appointments/:appointmentId/reply`,
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Apply a patient reply to a reminder or offer ("C", "R", "X", "cancelar", or an explicit action)',
        params: uuidParam('appointmentId'),
        body: z
          .object({
            text: z.string().max(2000).optional(),
            action: z.enum(['confirm', 'reschedule', 'cancel']).optional(),
            language: z.enum(['en', 'es']).optional(),
            at: isoTime.optional(),
          })
          .strict()
          .refine((b) => b.text !== undefined || b.action !== undefined, 'give text or action'),
      },
    },
    async (request) => replyToAppointment(services, principal(request).organizationId, request.params.appointmentId as string, request.body),
  );

  app.get(
    `${API_PREFIX}/scheduling/patients/:patientId/appointments`,
    {
      schema: {
        tags: ['scheduling'],
        summary: "A patient's appointments, soonest first",
        params: uuidParam('patientId'),
        querystring: z.object({
          upcoming: z.enum(['true', 'false']).optional(),
          status: z.enum(APPOINTMENT_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        }),
      },
    },
    async (request) =>
      appointmentsOfPatient(services, principal(request).organizationId, request.params.patientId as string, {
        upcoming: request.query.upcoming === 'true',
        status: request.query.status,
        limit: request.query.limit,
      }),
  );

  app.post(
    `${base}/waitlist`,
    { schema: { tags: ['scheduling'], summary: 'Put a patient on the waitlist (freed slots that fit are offered to them)', body: waitlistSchema } },
    async (request, reply) => reply.code(201).send(await addToWaitlist(services, principal(request).organizationId, request.body)),
  );

  app.get(
    `${base}/waitlist`,
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Waitlist entries, longest waiting first',
        querystring: z.object({
          status: z.enum(['waiting', 'offered', 'booked', 'removed', 'expired']).optional(),
          patientId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        }),
      },
    },
    async (request) => listWaitlist(services, principal(request).organizationId, request.query),
  );

  app.post(
    `${base}/waitlist/:entryId/accept`,
    { schema: { tags: ['scheduling'], summary: 'The patient takes the slot offered to them', params: uuidParam('entryId'), body: atOnly } },
    async (request) => acceptWaitlistOffer(services, principal(request).organizationId, request.params.entryId as string, { ...request.body, by: by(request) }),
  );

  app.post(
    `${base}/waitlist/:entryId/decline`,
    { schema: { tags: ['scheduling'], summary: 'The patient turns the offer down and keeps waiting', params: uuidParam('entryId'), body: atOnly } },
    async (request) => declineWaitlistOffer(services, principal(request).organizationId, request.params.entryId as string, request.body),
  );

  app.post(
    `${base}/waitlist/:entryId/remove`,
    { schema: { tags: ['scheduling'], summary: 'Take a patient off the waitlist (an open offer goes to the next)', params: uuidParam('entryId'), body: atOnly } },
    async (request) => removeFromWaitlist(services, principal(request).organizationId, request.params.entryId as string, request.body),
  );

  app.get(`${base}/settings`, { schema: { tags: ['scheduling'], summary: 'Reminder offsets, quiet hours, waitlist hold' } }, async (request) =>
    getSchedulingPolicy(services, principal(request).organizationId),
  );

  app.put(
    `${base}/settings`,
    { schema: { tags: ['scheduling'], summary: 'Change reminder offsets, quiet hours or the waitlist hold', body: policySchema } },
    async (request) => updateSchedulingPolicy(services, principal(request).organizationId, request.body),
  );

  app.post(
    `${base}/import`,
    {
      // Large clinic files: up to 8 MB for this route only.
      bodyLimit: 8 * 1024 * 1024,
      schema: { tags: ['scheduling'], summary: 'Import locations, providers, schedules and slots (docs/scheduling.md format)', body: scheduleImportSchema },
    },
    async (request) => importSchedules(services, principal(request).organizationId, request.body),
  );

  // FHIR R4 read views.
  const fhir = `${API_PREFIX}/fhir`;
  const fhirBase = () => `${services.settings.publicUrl}${fhir}`;

  app.get(
    `${fhir}/Slot`,
    {
      schema: {
        tags: ['fhir'],
        summary: 'FHIR R4 Slot search (schedule, status, start with ge/gt/le/lt, service-type, _count, _offset); total is every match, link self/next/previous page through them',
        querystring: z.object({
          schedule: z.string().max(100).optional(),
          status: z.string().max(100).optional(),
          start: z.union([z.string().max(40), z.array(z.string().max(40)).max(4)]).optional(),
          'service-type': z.string().max(200).optional(),
          _count: z.coerce.number().int().min(1).max(500).optional(),
          _offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
        }),
      },
    },
    async (request, reply) => asFhir(reply, () => searchFhirSlots(services, principal(request).organizationId, request.query, fhirBase())),
  );

  app.get(
    `${fhir}/Slot/:id`,
    { schema: { tags: ['fhir'], summary: 'FHIR R4 Slot', params: z.object({ id: z.string().max(64) }) } },
    async (request, reply) => asFhir(reply, () => fhirSlot(services, principal(request).organizationId, uuidOr404(request.params.id, 'Slot'))),
  );

  app.get(
    `${fhir}/Schedule/:id`,
    { schema: { tags: ['fhir'], summary: 'FHIR R4 Schedule', params: z.object({ id: z.string().max(64) }) } },
    async (request, reply) => asFhir(reply, () => fhirSchedule(services, principal(request).organizationId, uuidOr404(request.params.id, 'Schedule'))),
  );

  app.get(
    `${fhir}/Appointment`,
    {
      schema: {
        tags: ['fhir'],
        summary: 'FHIR R4 Appointment search (patient, status, date with ge/gt/le/lt, _count, _offset); total is every match, link self/next/previous page through them',
        querystring: z.object({
          patient: z.string().max(100).optional(),
          status: z.string().max(100).optional(),
          date: z.union([z.string().max(40), z.array(z.string().max(40)).max(4)]).optional(),
          _count: z.coerce.number().int().min(1).max(500).optional(),
          _offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
        }),
      },
    },
    async (request, reply) => asFhir(reply, () => searchFhirAppointments(services, principal(request).organizationId, request.query, fhirBase())),
  );

  app.get(
    `${fhir}/Appointment/:id`,
    { schema: { tags: ['fhir'], summary: 'FHIR R4 Appointment', params: z.object({ id: z.string().max(64) }) } },
    async (request, reply) => asFhir(reply, () => fhirAppointment(services, principal(request).organizationId, uuidOr404(request.params.id, 'Appointment'))),
  );
}

/** A FHIR id that is not one of ours cannot name a resource we hold: 404, not a validation error. */
function uuidOr404(id: string, type: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new BadInput('not_found', `${type}/${id} is not known.`, 404);
  return id;
}
