// The shared vocabulary of carethread (see DESIGN.md). Pure types and constant lists:
// everything else in the system speaks in these names.

export const CHANNELS = ['voice', 'sms', 'webchat', 'email', 'portal', 'in_person'] as const;
export type Channel = (typeof CHANNELS)[number];

/** How sure we are that the person on an interaction is the patient. Ordered weakest first. */
export const ASSURANCE_LEVELS = ['anonymous', 'claimed', 'matched', 'verified'] as const;
export type Assurance = (typeof ASSURANCE_LEVELS)[number];

export const REQUEST_TYPES = [
  'scheduling',
  'prescription',
  'results',
  'billing',
  'insurance',
  'clinical_question',
  'records',
  'other',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const IDENTIFIER_KINDS = ['phone', 'email', 'portal', 'chat_visitor', 'mrn', 'member_id'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const FRICTION_KINDS = ['repeat_ask', 'channel_switch', 'transfer', 'long_wait', 'abandon', 'recontact'] as const;
export type FrictionKind = (typeof FRICTION_KINDS)[number];

export type Language = 'en' | 'es';
export type Direction = 'inbound' | 'outbound';
export type Actor = 'patient' | 'agent' | 'assistant' | 'system';

/**
 * The facts carethread knows how to name. Asks go through these names so a repeat ask
 * can be detected by construction.
 */
export const FACT_NAMES = [
  'givenName',
  'familyName',
  'birthDate',
  'phone',
  'email',
  'reason',
  'preferredTime',
  'medication',
  'pharmacy',
  'memberId',
  'callbackNumber',
  'mrn',
] as const;
export type FactName = (typeof FACT_NAMES)[number];

/** A fact found in what a patient said, before it is stored in the ledger. */
export interface ExtractedFact {
  name: FactName;
  /** Normalised value: ISO date for birthDate, E.164 for phone, lower-case address for email. */
  value: string;
  /** 0..1: how sure the extractor is. */
  confidence: number;
}

export interface FactExtractionContext {
  language?: Language;
  /** ISO 3166 region used to read national phone numbers, e.g. "US". */
  defaultRegion?: string;
  /** The fact the other side just asked for, if any: a bare answer ("Lopez") fills it. */
  awaiting?: FactName;
  /** When the words were said: "tomorrow" and two-digit years are read against it. */
  reference?: Date;
  /** IANA time zone of the patient (the organisation's), for "today" and "tomorrow". */
  timeZone?: string;
}

/**
 * Pluggable so `core` stays free of the assistant's dependencies: the server gives the
 * pipeline the assistant's extractor, the one the assistant itself understands with.
 */
export interface FactExtractor {
  extract(text: string, context: FactExtractionContext): ExtractedFact[];
}

export type ChannelEventKind =
  /** A patient or staff utterance: SMS, chat line, email, portal post, recognised speech. */
  | 'message'
  /** Keypad digits on a call. */
  | 'dtmf'
  /** A call, chat session or visit begins. */
  | 'contact_started'
  /** A call, chat session or visit ends. */
  | 'contact_ended'
  /** Provider delivery status of an outbound message (sent, delivered, failed). */
  | 'delivery_status';

/** Who or what is on the other end, as the channel saw it. */
export interface ChannelAddress {
  kind: IdentifierKind;
  /** Raw as the provider gave it; the pipeline normalises. */
  value: string;
  displayName?: string;
}

/**
 * One normalised event from any channel, inbound or outbound. Channel adapters produce
 * these and nothing else; the pipeline consumes them.
 */
export interface ChannelEvent {
  channel: Channel;
  direction: Direction;
  kind: ChannelEventKind;
  /** The provider's own id (MessageSid, Message-ID, socket frame id…): a duplicate delivery is a no-op. */
  idempotencyKey: string;
  /** ISO 8601 time the provider says it happened. */
  occurredAt: string;
  from?: ChannelAddress;
  to?: ChannelAddress;
  /** Provider conversation handle (CallSid, chat session id, email thread key) that groups events into one interaction. */
  conversationRef?: string;
  actor?: Actor;
  /** Staff member acting on outbound events. */
  agentId?: string;
  text?: string;
  subject?: string;
  dtmf?: string;
  /** Continuation code or signed link token the contact presented. */
  continuation?: string;
  /** Explicit reference to a case, e.g. the token of a reply+<token>@ address. */
  replyToken?: string;
  /** Email Message-ID / In-Reply-To / References, used to thread replies. */
  messageId?: string;
  references?: string[];
  /** The channel already authenticated the patient (portal session). */
  authenticatedPatientId?: string;
  language?: Language;
  /** Provider status for delivery_status events. */
  status?: string;
  /** References to media the provider holds (never the bytes). */
  mediaUrls?: string[];
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export function isRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && (REQUEST_TYPES as readonly string[]).includes(value);
}

export function isFactName(value: unknown): value is FactName {
  return typeof value === 'string' && (FACT_NAMES as readonly string[]).includes(value);
}

export function assuranceRank(level: Assurance): number {
  return ASSURANCE_LEVELS.indexOf(level);
}

export function maxAssurance(a: Assurance, b: Assurance): Assurance {
  return assuranceRank(a) >= assuranceRank(b) ? a : b;
}
