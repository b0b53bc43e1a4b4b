import { performance } from 'node:perf_hooks';
import type { FactName, Language, RequestType } from '@carethread/core';
import { HybridIntentClassifier, MIN_CONFIDENCE, type IntentClassification, type IntentClassifier, type IntentScore } from './classifier.ts';
import { loadCorpora, loadUrgentSet, type LabelledUtterance, type UrgentSetItem } from './corpus.ts';
import { extractEntities, type Entity, type NamedThing } from './entities/index.ts';
import { findDateTimes } from './entities/datetime.ts';
import { safeTimeZone } from './entities/time-zone.ts';
import { INTENT_REQUEST_TYPE, type Intent } from './intents.ts';
import { chooseLanguage } from './language.ts';
import { ruleIntent } from './rules.ts';
import { detectFrustration, SentimentScorer, type Sentiment } from './sentiment.ts';
import { assessUrgency, type UrgentAssessment, type UrgentCategory, type UrgentGuidance } from './urgent.ts';
import { UrgentDetector, type UrgentExample } from './urgent-model.ts';

export interface UnderstandContext {
  /** The patient's known language: used when the text itself gives no evidence ("ok", "👍"). */
  language?: Language;
  /** "Now" for relative dates ("tomorrow"); default the current time. */
  referenceTime?: Date | string | number;
  /** The patient's IANA time zone (default UTC); relative dates are read on their clock. */
  timeZone?: string;
  /** The organisation's departments and providers, to recognise them in the text. */
  departments?: readonly NamedThing[];
  providers?: readonly NamedThing[];
  /** ISO 3166 region for national phone numbers (default US). */
  region?: string;
  /** The fact the assistant just asked for ("birthDate"): a bare date then is a date of birth. */
  awaiting?: FactName;
}

export interface UrgentResult {
  urgent: boolean;
  /** The catalogue category the rules found. */
  category?: UrgentCategory | 'unspecified';
  /** The patient's words that triggered it. */
  matched?: string;
  /** Which kind of organisation guidance applies (emergency number, crisis line, poison control). */
  guidance?: UrgentGuidance;
  categories?: Array<UrgentCategory | 'unspecified'>;
  /** rules: a red-flag pattern; model: the intent model or the urgent detector, with no rule. */
  source?: 'rules' | 'model';
  /**
   * Not an emergency the rules name, but the urgent detector is not sure it is routine: the
   * message goes to the nurse line (guidance `nurse_line`) instead of routine handling.
   */
  nurseReview?: boolean;
  /** The urgent detector's probability (0..1), for audit and evaluation. */
  detector?: number;
  /** Symptoms mentioned but negated or in the past ("no chest pain", "stroke in 2019"). */
  suppressed?: Array<{ category: UrgentCategory; text: string; reason: 'negated' | 'historical' | 'not_a_symptom' }>;
}

export interface Classification {
  text: string;
  language: Language;
  languageConfidence: number;
  intent: Intent;
  confidence: number;
  /** The case request type this intent maps to (null: none of its own). */
  requestType: RequestType | null;
  /** What decided the intent: the urgent rules, the person/formula rules, or the model. */
  source: 'urgent_rules' | 'rules' | 'model';
  /** The model's next best intents, when the model decided. */
  alternatives: IntentScore[];
  urgent: UrgentResult;
}

export interface Understanding extends Classification {
  entities: Entity[];
  sentiment: Sentiment;
  frustration: boolean;
  /** Which frustration signals fired (repeated, complaint, caps, punctuation, profanity, negative). */
  frustrationSignals: string[];
}

export interface UnderstandingEngine {
  /** Intent, language and urgency only: the fast path (no entities, no sentiment). */
  classify(text: string, ctx?: UnderstandContext): Promise<Classification>;
  /** Everything: intent, language, urgency, entities, sentiment and frustration. Never throws. */
  understand(text: string, ctx?: UnderstandContext): Promise<Understanding>;
  readonly classifier: IntentClassifier;
  /** Milliseconds spent in createUnderstanding (training plus warm-up). */
  readonly startupMs: number;
  /** Utterances the classifier was trained on. */
  readonly trainedOn: number;
}

export interface CreateUnderstandingOptions {
  /** Training utterances (default: every shipped corpus utterance). */
  examples?: readonly LabelledUtterance[];
  /** A classifier to train instead of the default nlp.js + linear hybrid. */
  classifier?: IntentClassifier;
  /** Examples for the urgent detector (default: the shipped corpora, urgent_symptoms against the rest, plus corpus/urgent.json). */
  urgentExamples?: readonly UrgentExample[];
  /** Run the date recognizers once so the first patient does not pay their start-up (default true). */
  warm?: boolean;
}

/** The intent model's urgent_symptoms needs at least this confidence to send a message to the nurse line. */
const MODEL_URGENT_CONFIDENCE = 0.6;
/**
 * The urgent detector's threshold (docs/urgent-catalogue.md, chosen by cross-validation on
 * the training material, never on a blind set): at or above it, a message no rule flags goes
 * to the nurse line. The detector alone never gives emergency guidance: it cannot read
 * negation ("estoy embarazada y no me duele la cabeza"), so it asks a nurse instead. Recall
 * comes first: a nurse reading a routine message costs minutes, a missed emergency much more.
 */
export const DETECTOR_NURSE = 0.3;

/**
 * How much more a routine look-alike of corpus/urgent.json counts than an ordinary corpus
 * utterance when the detector learns: they are the hard negatives ("my son has lice", "me
 * muero de risa") that the words alone confuse with an emergency. Chosen with the threshold
 * on the urgent set's held-out part (calibrateUrgent).
 */
export const LOOKALIKE_WEIGHT = 6;

/** The detector's default training material: every corpus utterance and the urgent set. */
export function defaultUrgentExamples(corpora: readonly LabelledUtterance[], urgentSet: readonly UrgentSetItem[] = loadUrgentSet()): UrgentExample[] {
  return [
    ...corpora.map((u) => ({ text: u.text, language: u.language, urgent: u.intent === 'urgent_symptoms' })),
    ...urgentSet.map((u) => ({ text: u.text, language: u.language, urgent: u.urgent, ...(u.urgent ? {} : { weight: LOOKALIKE_WEIGHT }) })),
  ];
}

function rounded(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function referenceOf(value: UnderstandContext['referenceTime']): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return new Date();
}

function fromRules(u: UrgentAssessment): UrgentResult {
  const suppressed = u.suppressed?.map((s) => ({ category: s.category, text: s.text, reason: s.suppressed! }));
  if (!u.urgent) return suppressed ? { urgent: false, suppressed } : { urgent: false };
  return {
    urgent: true,
    category: u.category!,
    matched: u.matched!,
    guidance: u.guidance!,
    categories: u.categories!,
    source: 'rules',
    ...(suppressed ? { suppressed } : {}),
  };
}

/** Best of the model's intents other than urgent_symptoms, or `other`. */
function nonUrgent(c: IntentClassification): { intent: Intent; confidence: number } {
  const next = c.ranking.find((r) => r.intent !== 'urgent_symptoms');
  return next && next.score >= MIN_CONFIDENCE ? { intent: next.intent, confidence: rounded(next.score) } : { intent: 'other', confidence: rounded(1 - c.confidence) };
}

/**
 * Trains the intent classifier once from the corpora and returns the engine. Start-up is a
 * few hundred milliseconds (training) plus the date recognizers' warm-up.
 */
export async function createUnderstanding(options: CreateUnderstandingOptions = {}): Promise<UnderstandingEngine> {
  const started = performance.now();
  const classifier = options.classifier ?? new HybridIntentClassifier();
  const examples = options.examples ?? loadCorpora();
  await classifier.train(examples);
  const detector = new UrgentDetector();
  // The detector learns from the shipped material whatever the intent model is given, unless
  // told otherwise (evaluation passes the training split only).
  detector.train(options.urgentExamples ?? defaultUrgentExamples(loadCorpora()));
  const sentiment = new SentimentScorer();
  await sentiment.init();
  if (options.warm !== false) {
    const now = new Date();
    findDateTimes('tomorrow at 3pm', { language: 'en', reference: now, timeZone: 'UTC' });
    findDateTimes('mañana a las 3', { language: 'es', reference: now, timeZone: 'UTC' });
    await sentiment.score('thanks', 'en');
    await sentiment.score('gracias', 'es');
  }
  const modelGuess = classifier.guessLanguage?.bind(classifier);

  async function classifyText(input: unknown, ctx: UnderstandContext = {}): Promise<Classification> {
    const text = typeof input === 'string' ? input : '';
    const lang = chooseLanguage(text, { ...(ctx.language ? { known: ctx.language } : {}), ...(modelGuess ? { modelGuess } : {}) });
    const base = { text, language: lang.language, languageConfidence: rounded(lang.confidence) };

    let urgency: UrgentAssessment;
    try {
      urgency = assessUrgency(text);
    } catch {
      urgency = { urgent: false };
    }
    if (urgency.urgent) {
      return { ...base, intent: 'urgent_symptoms', confidence: 1, requestType: INTENT_REQUEST_TYPE.urgent_symptoms, source: 'urgent_rules', alternatives: [], urgent: fromRules(urgency) };
    }
    let detected = 0;
    try {
      detected = detector.probability(text);
    } catch {
      detected = 0;
    }
    // A symptom the rules read as denied or past ("no chest pain", "stroke in 2019") stays quiet:
    // the detector sees the same words and cannot tell.
    const quiet = !!urgency.suppressed?.length;
    const review = !quiet && detected >= DETECTOR_NURSE;
    const urgent: UrgentResult = { ...fromRules(urgency), detector: rounded(detected), ...(review ? { nurseReview: true, guidance: 'nurse_line' as const } : {}) };

    const rule = ruleIntent(text);
    if (rule) {
      return { ...base, intent: rule.intent, confidence: rule.rule === 'formula' ? 0.95 : 0.99, requestType: INTENT_REQUEST_TYPE[rule.intent], source: 'rules', alternatives: [], urgent };
    }

    let c: IntentClassification;
    try {
      c = await classifier.classify(text, lang.language);
      if (lang.mixed) {
        // Code-switching ("quiero cancelar my appointment"): read it with both models.
        const other = await classifier.classify(text, lang.language === 'en' ? 'es' : 'en');
        const better = (x: IntentClassification) => (x.intent === 'other' ? 0 : x.confidence);
        if (better(other) > better(c)) c = other;
      }
    } catch {
      c = { intent: 'other', confidence: 0, ranking: [] };
    }
    let { intent, confidence } = { intent: c.intent, confidence: rounded(c.confidence) };
    let result = urgent;
    if (intent === 'urgent_symptoms') {
      // The model alone gives no emergency guidance (only the reviewed rules do): unless the
      // rules read the symptom as denied or past, a confident model sends the message to the
      // nurse line, and the request is read as the model's next best intent.
      if (!quiet && c.confidence >= MODEL_URGENT_CONFIDENCE) result = { ...urgent, nurseReview: true, guidance: 'nurse_line', source: 'model' };
      ({ intent, confidence } = nonUrgent(c));
    }
    const alternatives = c.ranking.filter((r) => r.intent !== intent).slice(0, 3).map((r) => ({ intent: r.intent, score: rounded(r.score) }));
    return { ...base, intent, confidence, requestType: INTENT_REQUEST_TYPE[intent], source: 'model', alternatives, urgent: result };
  }

  async function understandText(input: unknown, ctx: UnderstandContext = {}): Promise<Understanding> {
    const c = await classifyText(input, ctx);
    const timeZone = safeTimeZone(ctx.timeZone);
    let entities: Entity[] = [];
    try {
      entities = extractEntities(c.text, {
        language: c.language,
        reference: referenceOf(ctx.referenceTime),
        timeZone,
        ...(ctx.departments ? { departments: ctx.departments } : {}),
        ...(ctx.providers ? { providers: ctx.providers } : {}),
        ...(ctx.region ? { region: ctx.region } : {}),
        ...(ctx.awaiting ? { awaiting: ctx.awaiting } : {}),
      });
    } catch {
      entities = [];
    }
    let mood: Sentiment = { score: 0, label: 'neutral' };
    try {
      mood = await sentiment.score(c.text, c.language);
    } catch {
      mood = { score: 0, label: 'neutral' };
    }
    const frustration = detectFrustration(c.text, mood);
    if (frustration.frustrated && mood.label !== 'negative') mood = { ...mood, label: 'negative' };
    return { ...c, entities, sentiment: mood, frustration: frustration.frustrated, frustrationSignals: frustration.signals };
  }

  return {
    classify: classifyText,
    understand: understandText,
    classifier,
    startupMs: Math.round(performance.now() - started),
    trainedOn: examples.length,
  };
}
