// Public face of the assistant wiring: the after-ingest hook, urgent escalation, hand-off.
export { createAssistant } from './runner.ts';
export { escalateUrgent, handOff, handoffNote, clinicalDepartment } from './escalation.ts';
export { assistantSettingsOf, type AssistantSettings } from './settings.ts';
export { loadDialogue, openAlerts, dialogueSummary, type CaseAlert } from './store.ts';
export { performEffect, slotLabel, type EffectContext } from './executor.ts';
