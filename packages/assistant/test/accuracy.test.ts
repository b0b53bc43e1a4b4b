import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, loadBlind, type EvalReport } from '../src/index.ts';

// The held-out split (every 5th utterance) through the full path, language not given.
let report: EvalReport;
beforeAll(async () => {
  report = await evaluate();
});

/**
 * Floors sit a little under what was measured (docs/assistant-nlu.md, "Measured": 96.8 % en,
 * 95.4 % es), so noise does not fail the build but a real loss does. The held-out split now
 * holds a fifth of the hard batches written in the last round (long stories, scheduling
 * without a scheduling word, `other` questions sharing words with requests), so Spanish gets
 * a point of slack under the 95 % aim; the never-trained sets below are the honest figures.
 */
const FLOOR = { en: 0.95, es: 0.94 } as const;

describe('held-out accuracy', () => {
  it.each(['en', 'es'] as const)('%s stays at or above the floor', (language) => {
    const r = report.languages[language]!;
    expect(r.n).toBeGreaterThanOrEqual(150);
    expect(r.accuracy).toBeGreaterThanOrEqual(FLOOR[language]);
    expect(r.macro_f1).toBeGreaterThan(0.9);
  });

  it('detects the language of nearly every held-out utterance', () => {
    for (const language of ['en', 'es'] as const) expect(report.languages[language]!.language_detection_accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('reports per-intent scores and confusions', () => {
    const en = report.languages.en!;
    expect(Object.keys(en.per_intent).length).toBeGreaterThanOrEqual(14);
    expect(en.per_intent.urgent_symptoms!.recall).toBe(1);
    for (const c of en.confusions) expect(c.expected).not.toBe(c.predicted);
  });
});

/**
 * The never-trained sets: the honest figures (docs/assistant-nlu.md). The challenge floor
 * sits a few points under what was measured (96.2 % en / 98.1 % es after the last round; the
 * set is small, ±3–4 points). Never raise a floor by tuning against these sets' errors.
 *
 * The blind set (`corpus/blind.json`) is replaced every round and may be absent while a new
 * one is being written: its check runs only when the file exists, against a deliberately low
 * floor until the new set has been scored once (then set it a few points under that figure).
 */
const CHALLENGE_FLOOR = { en: 0.9, es: 0.92 } as const;
// Scored on 2026-11-24: 95.0 % en / 87.9 % es.
const BLIND_FLOOR = { en: 0.92, es: 0.84 } as const;
const hasBlind = loadBlind().length > 0;

describe('accuracy on text never trained on', () => {
  it('challenge set stays at or above its floor per language', () => {
    for (const language of ['en', 'es'] as const) {
      const r = report.challenge?.[language];
      expect(r, `challenge ${language}`).toBeDefined();
      expect(r!.n).toBeGreaterThanOrEqual(50);
      expect(r!.accuracy, `challenge ${language}`).toBeGreaterThanOrEqual(CHALLENGE_FLOOR[language]);
    }
  });

  it.skipIf(!hasBlind)('blind set, when present, stays at or above its floor per language', () => {
    for (const language of ['en', 'es'] as const) {
      const r = report.blind?.[language];
      if (!r) continue; // a set written for one language only
      expect(r.accuracy, `blind ${language}`).toBeGreaterThanOrEqual(BLIND_FLOOR[language]);
    }
    expect(report.blind).toBeDefined();
  });
});
