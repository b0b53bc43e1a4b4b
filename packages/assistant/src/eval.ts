import { performance } from 'node:perf_hooks';
import type { Language } from '@carethread/core';
import { CORPUS_LANGUAGES, loadBlind, loadCorpora, loadUrgentBlind, loadUrgentSet, splitCorpus, splitUrgentSet, type LabelledUtterance, type UrgentBlindItem } from './corpus.ts';
import { INTENTS, type Intent } from './intents.ts';
import { createUnderstanding, defaultUrgentExamples, DETECTOR_NURSE, type UnderstandingEngine } from './understand.ts';
import { UrgentDetector, type UrgentExample } from './urgent-model.ts';

/**
 * `carethread nlu eval`: train on the training split, classify the held-out split through
 * the full path (urgent rules → person/formula rules → model, language detected from the
 * text, not given), and score it per language.
 */

export interface IntentScoreCard {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Confusion {
  expected: Intent;
  predicted: Intent;
  count: number;
}

export interface LanguageReport {
  n: number;
  accuracy: number;
  macro_f1: number;
  /** The trained model alone, without the rules in front of it. */
  model_only_accuracy: number;
  /** How often the detected language was the utterance's language. */
  language_detection_accuracy: number;
  per_intent: Partial<Record<Intent, IntentScoreCard>>;
  /** Misclassifications by (expected, predicted), most frequent first. */
  confusions: Confusion[];
}

export interface UrgentReport {
  urgent_n: number;
  routine_n: number;
  /** Urgent messages raised at all: emergency guidance or the nurse line. The figure that matters. */
  recall: number;
  /** Urgent messages given emergency guidance (not only the nurse line). */
  emergency_recall: number;
  /** The same, by each detector alone (rules; the trained detector at the nurse threshold). */
  rules_recall: number;
  detector_recall: number;
  /** Routine look-alikes raised (emergency or nurse line): the cost of recall. */
  routine_flagged: number;
  /** Recall per category the author meant. */
  per_category: Record<string, { n: number; recall: number }>;
}

export interface EvalReport {
  held_out_every: number;
  trained_on: number;
  startup_ms: number;
  /** Held-out split of the corpora. */
  languages: Partial<Record<Language, LanguageReport>>;
  /** The current intent blind set (`corpus/blind/intents-*.json`), never looked at item by item. */
  blind?: Partial<Record<Language, LanguageReport>>;
  /** Urgent triage on the current urgent blind set (`corpus/blind/urgent-*.json`). */
  urgent_blind?: Partial<Record<Language, UrgentReport>>;
  /** Median milliseconds of one classify() over the held-out utterances. */
  median_classify_ms: number;
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

interface Scored {
  item: LabelledUtterance;
  predicted: Intent;
  modelOnly: Intent;
  language: Language;
}

export function scoreLanguage(rows: Scored[]): LanguageReport {
  const labels = new Set<Intent>();
  for (const r of rows) {
    labels.add(r.item.intent);
    labels.add(r.predicted);
  }
  const per_intent: Partial<Record<Intent, IntentScoreCard>> = {};
  let f1Sum = 0;
  for (const label of INTENTS.filter((i) => labels.has(i))) {
    const tp = rows.filter((r) => r.item.intent === label && r.predicted === label).length;
    const fp = rows.filter((r) => r.item.intent !== label && r.predicted === label).length;
    const fn = rows.filter((r) => r.item.intent === label && r.predicted !== label).length;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    per_intent[label] = { precision: round(precision), recall: round(recall), f1: round(f1), support: tp + fn };
    f1Sum += f1;
  }
  const confusions = new Map<string, Confusion>();
  for (const r of rows) {
    if (r.predicted === r.item.intent) continue;
    const key = `${r.item.intent}>${r.predicted}`;
    const c = confusions.get(key) ?? { expected: r.item.intent, predicted: r.predicted, count: 0 };
    c.count++;
    confusions.set(key, c);
  }
  const n = rows.length;
  return {
    n,
    accuracy: n ? round(rows.filter((r) => r.predicted === r.item.intent).length / n) : 0,
    macro_f1: labels.size ? round(f1Sum / labels.size) : 0,
    model_only_accuracy: n ? round(rows.filter((r) => r.modelOnly === r.item.intent).length / n) : 0,
    language_detection_accuracy: n ? round(rows.filter((r) => r.language === r.item.language).length / n) : 0,
    per_intent,
    confusions: [...confusions.values()].sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected)),
  };
}

async function run(engine: UnderstandingEngine, items: readonly LabelledUtterance[], timings?: number[]): Promise<Scored[]> {
  const out: Scored[] = [];
  for (const item of items) {
    const t0 = performance.now();
    const c = await engine.classify(item.text);
    timings?.push(performance.now() - t0);
    const m = await engine.classifier.classify(item.text, item.language);
    out.push({ item, predicted: c.intent, modelOnly: m.intent, language: c.language });
  }
  return out;
}

function byLanguage(rows: Scored[]): Partial<Record<Language, LanguageReport>> {
  const out: Partial<Record<Language, LanguageReport>> = {};
  for (const language of CORPUS_LANGUAGES) {
    const mine = rows.filter((r) => r.item.language === language);
    if (mine.length) out[language] = scoreLanguage(mine);
  }
  return out;
}

export interface EvaluateOptions {
  /** Corpus to split (default: the shipped corpora). */
  corpus?: readonly LabelledUtterance[];
  /** Intent blind set (default: the newest `corpus/blind/intents-*.json`; pass [] to skip). */
  blind?: readonly LabelledUtterance[];
  /** Urgent blind set (default: the newest `corpus/blind/urgent-*.json`; pass [] to skip). */
  urgentBlind?: readonly UrgentBlindItem[];
}

export interface CrossValidationReport {
  folds: number;
  /** Utterances in the training split that were cross-validated. */
  n: number;
  /** Accuracy of the full path (rules + model) per language, pooled over the folds. */
  accuracy: Partial<Record<Language, number>>;
  /** Misclassifications pooled over the folds (per language), most frequent first. */
  confusions: Partial<Record<Language, Confusion[]>>;
}

/**
 * k-fold cross-validation inside the TRAINING split only (the held-out split, the challenge
 * and blind sets are never touched): within each language and intent, training utterance
 * number k goes to fold k mod `folds`; each fold is classified by a model trained on the
 * others. This is the figure to tune against, so that the held-out, challenge and blind
 * figures stay honest.
 */
export async function crossValidate(options: { folds?: number; corpus?: readonly LabelledUtterance[]; onMiss?: (item: LabelledUtterance, predicted: Intent) => void } = {}): Promise<CrossValidationReport> {
  const folds = options.folds ?? 5;
  const { train } = splitCorpus(options.corpus ?? loadCorpora());
  const seen = new Map<string, number>();
  const foldOf = train.map((item) => {
    const key = `${item.language}:${item.intent}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    return k % folds;
  });
  const rows: Scored[] = [];
  for (let f = 0; f < folds; f++) {
    const examples = train.filter((_, i) => foldOf[i] !== f);
    const engine = await createUnderstanding({ examples, urgentExamples: defaultUrgentExamples(examples), warm: false });
    const scored = await run(engine, train.filter((_, i) => foldOf[i] === f));
    for (const r of scored) if (r.predicted !== r.item.intent) options.onMiss?.(r.item, r.predicted);
    rows.push(...scored);
  }
  const report = byLanguage(rows);
  const accuracy: Partial<Record<Language, number>> = {};
  const confusions: Partial<Record<Language, Confusion[]>> = {};
  for (const [language, r] of Object.entries(report) as Array<[Language, LanguageReport]>) {
    accuracy[language] = r.accuracy;
    confusions[language] = r.confusions;
  }
  return { folds, n: rows.length, accuracy, confusions };
}

/** Scores urgent triage: raised (emergency or nurse line) against the author's label. */
export async function scoreUrgent(engine: UnderstandingEngine, items: readonly UrgentBlindItem[]): Promise<Partial<Record<Language, UrgentReport>>> {
  const out: Partial<Record<Language, UrgentReport>> = {};
  for (const language of CORPUS_LANGUAGES) {
    const mine = items.filter((i) => i.language === language);
    if (!mine.length) continue;
    const rows: Array<{ item: UrgentBlindItem; raised: boolean; emergency: boolean; rules: boolean; detector: boolean }> = [];
    for (const item of mine) {
      const c = await engine.classify(item.text);
      const raised = c.urgent.urgent || c.urgent.nurseReview === true;
      rows.push({ item, raised, emergency: c.urgent.urgent, rules: c.urgent.urgent && c.urgent.source === 'rules', detector: (c.urgent.detector ?? 0) >= DETECTOR_NURSE });
    }
    const urgent = rows.filter((r) => r.item.label === 'urgent');
    const routine = rows.filter((r) => r.item.label === 'routine');
    const share = (xs: typeof rows, f: (r: (typeof rows)[number]) => boolean) => (xs.length ? round(xs.filter(f).length / xs.length) : 0);
    const per_category: Record<string, { n: number; recall: number }> = {};
    for (const category of [...new Set(urgent.map((r) => r.item.category))].sort()) {
      const rs = urgent.filter((r) => r.item.category === category);
      per_category[category] = { n: rs.length, recall: share(rs, (r) => r.raised) };
    }
    out[language] = {
      urgent_n: urgent.length,
      routine_n: routine.length,
      recall: share(urgent, (r) => r.raised),
      emergency_recall: share(urgent, (r) => r.emergency),
      rules_recall: share(urgent, (r) => r.rules),
      detector_recall: share(urgent, (r) => r.detector),
      routine_flagged: share(routine, (r) => r.raised),
      per_category,
    };
  }
  return out;
}

export async function evaluate(options: EvaluateOptions = {}): Promise<EvalReport> {
  const { train, heldOut } = splitCorpus(options.corpus ?? loadCorpora());
  const engine = await createUnderstanding({ examples: train, urgentExamples: defaultUrgentExamples(train) });
  const timings: number[] = [];
  const rows = await run(engine, heldOut, timings);
  const blindItems = options.blind ?? loadBlind();
  const blind = blindItems.length ? byLanguage(await run(engine, blindItems)) : undefined;
  const urgentItems = options.urgentBlind ?? loadUrgentBlind();
  const urgent_blind = urgentItems.length ? await scoreUrgent(engine, urgentItems) : undefined;
  const sorted = timings.sort((a, b) => a - b);
  return {
    held_out_every: 5,
    trained_on: engine.trainedOn,
    startup_ms: engine.startupMs,
    languages: byLanguage(rows),
    ...(blind ? { blind } : {}),
    ...(urgent_blind ? { urgent_blind } : {}),
    median_classify_ms: sorted.length ? round(sorted[Math.floor(sorted.length / 2)]!, 3) : 0,
  };
}

export interface UrgentCalibration {
  /** Held-out part of corpus/urgent.json, scored at the shipped threshold (DETECTOR_NURSE). */
  held_out: Partial<Record<Language, UrgentReport>>;
  /** The detector alone on the held-out part, per threshold: what choosing another would cost. */
  thresholds: Array<{ threshold: number } & Partial<Record<Language, { detector_recall: number; raised_recall: number; routine_flagged: number }>>>;
}

/**
 * Calibrates the detector's nurse-line threshold on our own material: the engine learns from
 * the corpora's training split and the training part of corpus/urgent.json, and is scored on
 * the urgent set's held-out part (splitUrgentSet). Blind sets are not read.
 */
export async function calibrateUrgent(thresholds: readonly number[] = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5]): Promise<UrgentCalibration> {
  const { train: corpusTrain } = splitCorpus(loadCorpora());
  const { train, heldOut } = splitUrgentSet(loadUrgentSet());
  const urgentExamples: UrgentExample[] = defaultUrgentExamples(corpusTrain, train);
  const engine = await createUnderstanding({ examples: corpusTrain, urgentExamples, warm: false });
  const items: UrgentBlindItem[] = heldOut.map((u) => ({ language: u.language, label: u.urgent ? 'urgent' : 'routine', category: u.category ?? u.why ?? 'routine', text: u.text }));
  const held_out = await scoreUrgent(engine, items);
  // The same detector the engine trained (training is deterministic), read on every item,
  // including those a rule already raised, so its own recall shows.
  const detector = new UrgentDetector();
  detector.train(urgentExamples);
  const rows: Array<{ item: UrgentBlindItem; other: boolean; detector: number }> = [];
  for (const item of items) {
    const c = await engine.classify(item.text);
    // Raised whatever the threshold: a rule, or the intent model's nurse-line signal.
    const other = c.urgent.urgent || (c.urgent.nurseReview === true && c.urgent.source === 'model');
    rows.push({ item, other, detector: c.urgent.suppressed?.length ? 0 : detector.probability(item.text) });
  }
  const table: UrgentCalibration['thresholds'] = thresholds.map((threshold) => {
    const entry: UrgentCalibration['thresholds'][number] = { threshold };
    for (const language of CORPUS_LANGUAGES) {
      const mine = rows.filter((r) => r.item.language === language);
      const urgent = mine.filter((r) => r.item.label === 'urgent');
      const routine = mine.filter((r) => r.item.label === 'routine');
      if (!mine.length) continue;
      const share = (xs: typeof rows, f: (r: (typeof rows)[number]) => boolean) => (xs.length ? round(xs.filter(f).length / xs.length) : 0);
      entry[language] = {
        detector_recall: share(urgent, (r) => r.detector >= threshold),
        raised_recall: share(urgent, (r) => r.other || r.detector >= threshold),
        routine_flagged: share(routine, (r) => r.other || r.detector >= threshold),
      };
    }
    return entry;
  });
  return { held_out, thresholds: table };
}
