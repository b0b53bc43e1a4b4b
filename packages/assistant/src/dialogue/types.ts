import type { Assurance, Channel, FactName, Language } from '@carethread/core';
import type { Entity } from '../entities/index.ts';
import type { Intent } from '../intents.ts';
import type { UrgentGuidance } from '../urgent.ts';

/** The routine requests the assistant can carry to the end by itself. */
export const TASKS = ['schedule', 'reschedule', 'cancel', 'confirm', 'refill', 'results', 'billing'] as const;
export type Task = (typeof TASKS)[number];

export const HANDOFF_REASONS = ['requested', 'misunderstood', 'low_confidence', 'frustration', 'urgent', 'verification_failed', 'not_automated', 'unavailable'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/** A slot offered to the patient, as the executor found and labelled it (in the patient's zone and language). */
export interface OfferedSlot {
  id: string;
  start: string;
  label: string;
}

export interface SchedulingPreferences {
  /** Local calendar days (YYYY-MM-DD), inclusive. */
  earliestDate?: string;
  latestDate?: string;
  partsOfDay?: Array<'morning' | 'afternoon' | 'evening'>;
  providerId?: string;
  departmentId?: string;
  /** "my doctor", "mi médico de siempre": the provider the patient usually sees (from past appointments). */
  usual?: boolean;
  /** "family doctor", "médico de cabecera", "GP": a primary-care visit. */
  primaryCare?: boolean;
  /** A specialty was named that none of the organisation's departments matched ("neurologist"): ask, never default. */
  otherSpecialty?: boolean;
}

/** The visit the executor worked out before looking for slots: whom, and in which specialty. */
export interface ResolvedVisit {
  providerId?: string;
  departmentId?: string;
  /** "Dr. Ana Whitfield (Primary care)", "Dermatology": said back to the patient. */
  label: string;
}

/** What is remembered between turns, per case. Plain JSON: stored as is. */
export interface DialogueState {
  version: 1;
  /** active: the assistant answers; handed_off / urgent: a person has it, the assistant is quiet. */
  mode: 'active' | 'handed_off' | 'urgent';
  language: Language | null;
  task: Task | null;
  /** What the last question waits for. */
  awaiting: { kind: 'fact'; fact: FactName } | { kind: 'choice' } | { kind: 'yes_no' } | { kind: 'code' } | { kind: 'visit'; options: string[] } | null;
  /** Consecutive turns the assistant did not understand. */
  misunderstandings: number;
  turns: number;
  /** Short codes of what was tried, for the hand-off summary ("asked:medication", "offered_slots"). */
  tried: string[];
  /** Facts the assistant asked for in this case (each at most once, by construction). */
  asked: FactName[];
  offered: OfferedSlot[];
  preferences: SchedulingPreferences;
  /** The appointment a reschedule / cancel / confirm is about (a move keeps its provider). */
  appointment: { id: string; label: string; providerId?: string; departmentId?: string } | null;
  /** The visit slots are looked for in, once worked out (named back in the offer). */
  visit?: ResolvedVisit | null;
  completed: Task[];
  handoffReason: HandoffReason | null;
  /** The assistant asked for a verification it could not obtain. */
  verificationFailed: boolean;
  /** How identity is checked: name + date of birth (default) or a one-time code sent to a verified contact. */
  verifyBy?: 'dob_name' | 'code' | null;
  /** A one-time code went out for this dialogue (it is never known to the dialogue itself). */
  codeSent?: boolean;
  /** Wrong codes entered so far. */
  codeTries?: number;
  /** An offer the patient can accept with "yes": a clinician call-back about results, a payment plan. */
  offer?: 'clinician_callback' | 'payment_plan' | null;
  /** The patient wants to talk results over (the assistant never interprets them): a clinician calls. */
  discussResults?: boolean;
  /** A payment plan was asked for, with the monthly amount if one was said. */
  paymentPlan?: { monthlyAmount: number | null } | null;
}

export function initialDialogueState(): DialogueState {
  return {
    version: 1,
    mode: 'active',
    language: null,
    task: null,
    awaiting: null,
    misunderstandings: 0,
    turns: 0,
    tried: [],
    asked: [],
    offered: [],
    preferences: {},
    appointment: null,
    completed: [],
    handoffReason: null,
    verificationFailed: false,
  };
}

/** The parts of an understanding the dialogue reads (a subset of `Understanding`). */
export interface MessageUnderstanding {
  text: string;
  language: Language;
  languageConfidence?: number;
  intent: Intent;
  confidence: number;
  entities: readonly Entity[];
  frustration: boolean;
  /** `nurseReview`: maybe urgent, named by no rule: the nurse line reads it before anything routine happens. */
  urgent: { urgent: boolean; guidance?: UrgentGuidance; category?: string; nurseReview?: boolean };
}

export interface EmergencyGuidance {
  en: string;
  es: string;
}

export interface DialogueSettings {
  orgName: string;
  emergencyGuidance: EmergencyGuidance;
  /** Said for suicidal thoughts and similar (988 in the US). */
  crisisGuidance: EmergencyGuidance;
  poisonGuidance: EmergencyGuidance;
  /** Said when a message goes to the nurse line because it may be urgent. */
  nurseGuidance?: EmergencyGuidance;
}

/** What the executor did, handed back to the policy. */
export type Observation =
  | { kind: 'known'; fact: FactName; value: string }
  | { kind: 'verified'; ok: boolean }
  /** `visit`: who and what the slots are for; `visitOptions`: the visit could not be worked out, these are the organisation's specialties to choose from. */
  | { kind: 'slots'; slots: OfferedSlot[]; visit?: ResolvedVisit; visitOptions?: string[] }
  | { kind: 'booked'; label: string }
  | { kind: 'appointment'; appointment: { id: string; label: string; providerId?: string; departmentId?: string } | null }
  | { kind: 'changed'; what: 'cancelled' | 'confirmed' | 'rescheduled'; label: string }
  | { kind: 'refill_created' }
  | { kind: 'callback_created' }
  | { kind: 'results'; available: number; pending: number; portalUrl: string | null }
  | { kind: 'statement'; found: boolean; lines: string[]; balanceText: string | null }
  | { kind: 'code_sent'; ok: boolean; channel: 'sms' | 'email' | null }
  | { kind: 'code_checked'; ok: boolean; attemptsLeft: number }
  | { kind: 'clinician_callback_created' }
  | { kind: 'payment_plan_created'; monthlyAmount: number | null }
  | { kind: 'continuation'; channel: ContinuationChannel; instructions: string }
  | { kind: 'failed'; effect: Effect['kind']; reason: 'unavailable' | 'conflict' | 'error' };

/** Channels the assistant can move a conversation to (the usual continuation API). */
export type ContinuationChannel = 'voice' | 'sms';

/** Work the executor performs before the dialogue can say more. */
export type Effect =
  | { kind: 'verify'; givenName: string; familyName: string; birthDate: string }
  | { kind: 'find_slots'; preferences: SchedulingPreferences; excludeIds: string[] }
  | { kind: 'book'; slotId: string }
  /** `days`: local days the patient named ("my Tuesday the 15th appointment"): an upcoming appointment on one of them is the one meant. */
  | { kind: 'find_appointment'; days?: string[] }
  | { kind: 'reschedule'; appointmentId: string; slotId: string }
  | { kind: 'cancel'; appointmentId: string }
  | { kind: 'confirm'; appointmentId: string }
  | { kind: 'refill'; medication: string; pharmacy: string; urgency: 'routine' | 'today' }
  | { kind: 'results_status' }
  | { kind: 'explain_statement' }
  | { kind: 'callback' }
  /** A one-time code to the patient's verified contact (never to the address in use unless it is verified itself). */
  | { kind: 'send_code' }
  | { kind: 'verify_code'; code: string }
  | { kind: 'clinician_callback'; reason: 'results_unavailable' | 'discuss_results' }
  | { kind: 'payment_plan'; monthlyAmount: number | null }
  | { kind: 'continue_on'; channel: ContinuationChannel };

export interface HandoffSummary {
  reason: HandoffReason;
  task: Task | null;
  intent: Intent;
  /** Names of the facts collected (never their values: the card shows those to staff). */
  facts: FactName[];
  tried: string[];
  turns: number;
}

export type DialogueAction =
  | { kind: 'say'; text: string }
  /** Ask for one fact through the facts ledger; say `text` only when the ledger allows the ask. */
  | { kind: 'ask'; fact: FactName; text: string }
  | { kind: 'effect'; effect: Effect }
  | { kind: 'urgent'; guidance: UrgentGuidance; category: string }
  | { kind: 'handoff'; reason: HandoffReason; summary: HandoffSummary }
  | { kind: 'complete'; task: Task };

export interface DialogueInput {
  message: MessageUnderstanding;
  state: DialogueState;
  /** Facts the patient has stated (case and patient scope, fresh); never the record's own values. */
  facts: Partial<Record<FactName, string>>;
  assurance: Assurance;
  channel: Channel;
  /** The patient's known language, if any. */
  patientLanguage?: Language | null;
  settings: DialogueSettings;
  /** The patient's local date (YYYY-MM-DD) when they wrote: a date they ask for before it has passed is questioned. */
  today?: string;
  /** The result of the effect or ask the previous decision asked for (same turn). */
  observation?: Observation;
}

export interface DialogueDecision {
  state: DialogueState;
  actions: DialogueAction[];
}
