import type { RequestType } from '@carethread/core';

/** What a patient's message asks for. The dialogue acts on these names. */
export const INTENTS = [
  'schedule_appointment',
  'reschedule_appointment',
  'cancel_appointment',
  'confirm_appointment',
  'prescription_refill',
  'test_results',
  'billing_question',
  'insurance_question',
  'medical_records',
  'speak_to_person',
  'urgent_symptoms',
  'greeting',
  'thanks',
  'other',
] as const;
export type Intent = (typeof INTENTS)[number];

export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}

/**
 * The case request type each intent opens or continues. `null` means the message carries no
 * request of its own (a greeting, a thank-you, asking for a person): the case keeps whatever
 * type it already has. Urgent symptoms are clinical by nature, whatever else was said.
 */
export const INTENT_REQUEST_TYPE: Readonly<Record<Intent, RequestType | null>> = {
  schedule_appointment: 'scheduling',
  reschedule_appointment: 'scheduling',
  cancel_appointment: 'scheduling',
  confirm_appointment: 'scheduling',
  prescription_refill: 'prescription',
  test_results: 'results',
  billing_question: 'billing',
  insurance_question: 'insurance',
  medical_records: 'records',
  speak_to_person: null,
  urgent_symptoms: 'clinical_question',
  greeting: null,
  thanks: null,
  other: 'other',
};

export function requestTypeForIntent(intent: Intent): RequestType | null {
  return INTENT_REQUEST_TYPE[intent];
}
