import { DEFAULT_CRISIS_GUIDANCE, DEFAULT_EMERGENCY_GUIDANCE, DEFAULT_NURSE_GUIDANCE, DEFAULT_POISON_GUIDANCE, type DialogueSettings, type EmergencyGuidance } from '@carethread/assistant';
import type { OrganizationRow } from '../store/orgs.ts';

export interface AssistantSettings extends DialogueSettings {
  enabled: boolean;
}

function guidance(value: unknown, fallback: EmergencyGuidance): EmergencyGuidance {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const text = (x: unknown, d: string) => (typeof x === 'string' && x.trim() ? x.trim().slice(0, 300) : d);
  return { en: text(v.en, fallback.en), es: text(v.es, fallback.es) };
}

/**
 * The organisation's assistant settings: `settings.assistant.enabled` (on unless set to false;
 * the assistant only runs where the server wired one, see docs/assistant.md),
 * `settings.emergencyGuidance {en, es}`, `settings.crisisGuidance`, `settings.poisonGuidance`,
 * `settings.nurseGuidance` (said when a message that may be urgent goes to the nurse line).
 */
export function assistantSettingsOf(org: OrganizationRow): AssistantSettings {
  const s = (org.settings ?? {}) as Record<string, unknown>;
  const assistant = (s.assistant && typeof s.assistant === 'object' ? s.assistant : {}) as Record<string, unknown>;
  return {
    enabled: assistant.enabled !== false,
    orgName: org.name,
    emergencyGuidance: guidance(s.emergencyGuidance, DEFAULT_EMERGENCY_GUIDANCE),
    crisisGuidance: guidance(s.crisisGuidance, DEFAULT_CRISIS_GUIDANCE),
    poisonGuidance: guidance(s.poisonGuidance, DEFAULT_POISON_GUIDANCE),
    nurseGuidance: guidance(s.nurseGuidance, DEFAULT_NURSE_GUIDANCE),
  };
}
