// Voice of the patient: questionnaires (FHIR R4), reading answers, scores to standard, closed loop.
export * from './questionnaires.ts';
export * from './answers.ts';
export * from './scoring.ts';
export * from './follow-up.ts';
export { type Interval, wilson, meanWithInterval, tFor, zFor } from './stats.ts';
