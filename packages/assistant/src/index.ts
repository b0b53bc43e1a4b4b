// Public face of @carethread/assistant: understanding (intents, entities, language,
// sentiment, urgency) for the virtual assistant. Pure in-process code; no I/O except reading
// the shipped corpora at start-up.
export { INTENTS, INTENT_REQUEST_TYPE, isIntent, requestTypeForIntent, type Intent } from './intents.ts';
export {
  createUnderstanding,
  type Classification,
  type CreateUnderstandingOptions,
  type UnderstandContext,
  type Understanding,
  type UnderstandingEngine,
  type UrgentResult,
  defaultUrgentExamples,
  DETECTOR_NURSE,
} from './understand.ts';
export {
  HybridIntentClassifier,
  NlpJsIntentClassifier,
  type IntentClassification,
  type IntentClassifier,
  type IntentScore,
} from './classifier.ts';
export { assessUrgency, URGENT_CATALOGUE, URGENT_CATEGORIES, URGENT_GUIDANCE, type CatalogueEntry, type UrgentAssessment, type UrgentCategory, type UrgentGuidance, type UrgentMatch } from './urgent.ts';
export { UrgentDetector, type UrgentExample } from './urgent-model.ts';
export { ruleIntent, type RuleHit } from './rules.ts';
export { extractEntities, ENTITY_TYPES, type Entity, type EntityContext, type EntityType, type NamedThing, type DateTimeKind } from './entities/index.ts';
export { chooseLanguage, type LanguageChoice } from './language.ts';
export { detectFrustration, SentimentScorer, type Frustration, type Sentiment, type SentimentLabel } from './sentiment.ts';
export { CORPUS_LANGUAGES, CorpusError, HELD_OUT_EVERY, loadBlind, loadCorpora, loadCorpus, loadUrgentBlind, loadUrgentSet, parseCorpus, splitCorpus, splitUrgentSet, type LabelledUtterance, type UrgentBlindItem, type UrgentSetItem } from './corpus.ts';
export { calibrateUrgent, crossValidate, evaluate, scoreLanguage, scoreUrgent, type UrgentCalibration, type UrgentReport, type Confusion, type CrossValidationReport, type EvalReport, type EvaluateOptions, type IntentScoreCard, type LanguageReport } from './eval.ts';
export * from './dialogue/index.ts';
export { ACCEPT as FACT_ACCEPT_CONFIDENCE, assistantFactExtractor, extractPatientFacts, findPharmacies, findPreferredTime, findSpokenDates } from './facts/index.ts';
