import { detectLanguage, type Language } from '@carethread/core';

export interface LanguageChoice {
  language: Language;
  /** 0..1. */
  confidence: number;
  /** Both languages carry real weight (code-switching): read the message with both models. */
  mixed: boolean;
  source: 'rules' | 'model' | 'context' | 'default';
}

/** Below this, core's word-weight detector is not sure enough to decide alone. */
const SURE = 0.75;

/**
 * The message's dominant language. Core's detector weighs function words and Spanish
 * orthography; the classifier's character-trigram guess breaks ties; the patient's known
 * language (context) decides when the text carries no evidence ("ok", "12345", "👍").
 */
export function chooseLanguage(text: string, options: { known?: Language; modelGuess?: (text: string) => Language | null } = {}): LanguageChoice {
  const rules = typeof text === 'string' ? detectLanguage(text) : null;
  if (rules && rules.confidence >= SURE) return { language: rules.language, confidence: rules.confidence, mixed: false, source: 'rules' };
  const model = options.modelGuess && typeof text === 'string' && /\p{L}{3}/u.test(text) ? options.modelGuess(text) : null;
  if (rules) {
    // Rules lean one way without conviction: mixed text. Agreeing guesses settle it.
    const agree = model === rules.language;
    return { language: rules.language, confidence: agree ? Math.min(0.9, rules.confidence + 0.1) : rules.confidence, mixed: !agree || rules.confidence < 0.65, source: 'rules' };
  }
  if (options.known) return { language: options.known, confidence: 0.5, mixed: model !== null && model !== options.known, source: 'context' };
  if (model) return { language: model, confidence: 0.5, mixed: true, source: 'model' };
  return { language: 'en', confidence: 0.3, mixed: true, source: 'default' };
}
