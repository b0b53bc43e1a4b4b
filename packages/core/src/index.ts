// Public face of @carethread/core: domain types and rules, no I/O.
export * from './types.ts';
export * from './identity/normalize.ts';
export * from './identity/match.ts';
export * from './facts/extract.ts';
export * from './facts/ledger.ts';
export { findMedications, MEDICATION_TERMS, medicationGeneric } from './facts/medications.ts';
export { editDistanceWithin } from './facts/text.ts';
export * from './language.ts';
export * from './request-type.ts';
export * from './threading.ts';
export * from './continuation.ts';
export * from './friction.ts';
export * from './synthetic.ts';
export * from './scheduling/index.ts';
export * from './routing/index.ts';
