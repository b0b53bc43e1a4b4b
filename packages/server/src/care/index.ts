// Public face of the clinic side the assistant drives: care tasks (refills, clinician
// callbacks, payment plans, callbacks), results status and plain-language billing.
export {
  createRefillRequest,
  updateRefillStatus,
  updateTaskStatus,
  requestClinicianCallback,
  requestPaymentPlan,
  createCallbackTask,
  getTask,
  listTasks,
  type CareTask,
  type RefillRequestInput,
  type StatusChange,
  type StatusChangeResult,
  type TaskQuery,
} from './tasks.ts';
export { resultsStatus, importResults, ImportRejected, type ResultsStatus, type ResultsImportResult } from './results.ts';
export { explainStatement, importBilling, statementsOf, type BillingImportInput, type BillingImportResult, type StatementExplanationResult } from './billing.ts';
export { seedCare, type CareSeedResult } from './seed.ts';
export type { NotifyResult } from './notify.ts';
