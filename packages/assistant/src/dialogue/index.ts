// The virtual assistant's dialogue: a pure policy (no I/O) and the words it says in en/es.
export { decide, parseChoice, parseYesNo, preferencesFrom, INTENT_CONFIDENCE, LONG_MESSAGE_CHARS } from './policy.ts';
export {
  catalogue,
  shapeForChannel,
  SMS_MAX_CHARS,
  DEFAULT_CRISIS_GUIDANCE,
  DEFAULT_EMERGENCY_GUIDANCE,
  DEFAULT_NURSE_GUIDANCE,
  DEFAULT_POISON_GUIDANCE,
} from './replies.ts';
export { isPrimaryCareDepartment, visitCuesFrom, type VisitCues } from './visit.ts';
export {
  TASKS,
  HANDOFF_REASONS,
  initialDialogueState,
  type DialogueAction,
  type DialogueDecision,
  type DialogueInput,
  type DialogueSettings,
  type DialogueState,
  type Effect,
  type EmergencyGuidance,
  type HandoffReason,
  type HandoffSummary,
  type MessageUnderstanding,
  type Observation,
  type OfferedSlot,
  type ResolvedVisit,
  type SchedulingPreferences,
  type Task,
  type ContinuationChannel,
} from './types.ts';
