// Public face of @carethread/core: domain types and rules, no I/O.
export * from './types.ts';
export * from './identity/normalize.ts';
export * from './identity/match.ts';
export * from './facts/extract.ts';
export * from './facts/ledger.ts';
// the written-date reader's building blocks, for the assistant's spoken-date reader
export { isoDate, MONTH_NUMBERS, type FoundDate } from './facts/dates.ts';
export { findMedications, MEDICATION_TERMS, medicationGeneric } from './facts/medications.ts';
export { editDistanceWithin } from './facts/text.ts';
export * from './language.ts';
export * from './request-type.ts';
export * from './threading.ts';
export * from './continuation.ts';
export * from './friction.ts';
export * from './assistant-metrics.ts';
export * from './synthetic.ts';
export * from './scheduling/index.ts';
export * from './routing/index.ts';
// agent workspace: canned responses, asks in typed text, the identity check
export * from './canned.ts';
export * from './facts/asks-in-text.ts';
export * from './identity/verify.ts';
export * from './care/index.ts';
// de-identification (HIPAA Safe Harbor): structured records, free-text scrubbing, pseudonyms
export * from './deidentify/index.ts';
// contact preferences and the outbox's send-time policy (quiet hours, opt-outs)
export * from './consent.ts';
// surveys: questionnaires, answers, scores (CSAT, CES, NPS, CAHPS-style), follow-up rules
export * from './surveys/index.ts';
