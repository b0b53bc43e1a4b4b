import { z } from 'zod';
import { CHANNELS, FACT_NAMES, IDENTIFIER_KINDS, REQUEST_TYPES } from '@carethread/core';
import { DISPOSITIONS } from '../pipeline/actions.ts';
import { isoInstant, isoDate } from '../instants.ts';

/** The longest utterance accepted from any channel; longer is refused, not cut. */
export const MAX_TEXT_LENGTH = 20_000;

const isoTime = isoInstant();

export const channelSchema = z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` });

export const channelEventSchema = z
  .object({
    channel: channelSchema,
    direction: z.enum(['inbound', 'outbound']).default('inbound'),
    kind: z.enum(['message', 'dtmf', 'contact_started', 'contact_ended', 'delivery_status']).default('message'),
    idempotencyKey: z.string().min(1).max(200),
    occurredAt: isoTime.optional(),
    from: z
      .object({
        kind: z.enum(IDENTIFIER_KINDS),
        value: z.string().min(1).max(320),
        displayName: z.string().max(200).optional(),
      })
      .optional(),
    to: z.object({ kind: z.enum(IDENTIFIER_KINDS), value: z.string().min(1).max(320) }).optional(),
    conversationRef: z.string().min(1).max(200).optional(),
    actor: z.enum(['patient', 'agent', 'assistant', 'system']).optional(),
    agentId: z.uuid().optional(),
    text: z.string().max(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`).optional(),
    subject: z.string().max(998).optional(),
    dtmf: z.string().regex(/^[0-9*#wW]{1,64}$/, 'dtmf must be keypad digits').optional(),
    continuation: z.string().min(1).max(200).optional(),
    replyToken: z.string().min(1).max(100).optional(),
    messageId: z.string().max(998).optional(),
    references: z.array(z.string().max(998)).max(100).optional(),
    /** Set by channels that signed the patient in (portal session, front-desk ID check). */
    authenticatedPatientId: z.uuid().optional(),
    language: z.enum(['en', 'es']).optional(),
    status: z.string().max(40).optional(),
    mediaUrls: z.array(z.url().max(2000)).max(20).optional(),
  })
  .strict();

export const uuidParam = (name: string) => z.object({ [name]: z.uuid({ error: `${name} must be a UUID` }) });

export const askSchema = z
  .object({
    fact: z.enum(FACT_NAMES),
    actor: z.enum(['agent', 'assistant']),
    insist: z.boolean().optional(),
    interactionId: z.uuid().optional(),
    staffId: z.uuid().optional(),
    at: isoTime.optional(),
  })
  .strict();

export const resolveSchema = z
  .object({
    requestType: z.enum(REQUEST_TYPES).optional(),
    resolution: z.string().max(500).optional(),
    /** How it was closed (agent workspace); kept per resolution, so reopened cases keep their history. */
    disposition: z.enum(DISPOSITIONS).optional(),
    staffId: z.uuid().optional(),
    at: isoTime.optional(),
  })
  .strict();

export const replySchema = z
  .object({
    text: z.string().min(1).max(MAX_TEXT_LENGTH),
    actor: z.enum(['agent', 'assistant']).default('agent'),
    staffId: z.uuid().optional(),
    channel: channelSchema.optional(),
    at: isoTime.optional(),
    /** The agent has seen the known values this message asks for and sends it anyway (counted as repeat asks). */
    sendAnyway: z.boolean().optional(),
  })
  .strict();

export const continuationSchema = z
  .object({
    channel: channelSchema,
    at: isoTime.optional(),
  })
  .strict();

export const patientSchema = z
  .object({
    givenName: z.string().min(1).max(100),
    familyName: z.string().min(1).max(100),
    birthDate: isoDate().optional(),
    sex: z.enum(['female', 'male', 'other', 'unknown']).optional(),
    language: z.enum(['en', 'es']).optional(),
    preferredChannel: channelSchema.optional(),
    postcode: z.string().max(20).optional(),
    identifiers: z
      .array(z.object({ kind: z.enum(IDENTIFIER_KINDS), value: z.string().min(1).max(320), verified: z.boolean().optional() }))
      .max(50)
      .default([]),
  })
  .strict();

export const timeRangeSchema = z.object({
  from: isoTime.optional(),
  to: isoTime.optional(),
});
