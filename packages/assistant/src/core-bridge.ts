// Core's built-in medication list is not exported from its index yet. This file is the one
// place that reaches into core's source for it; when core exports MEDICATION_TERMS and
// medicationGeneric, replace the path with '@carethread/core'.
export { MEDICATION_TERMS, medicationGeneric } from '../../core/src/facts/medications.ts';
