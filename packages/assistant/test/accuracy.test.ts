import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, type EvalReport } from '../src/index.ts';

// The held-out split (every 5th utterance) through the full path, language not given.
let report: EvalReport;
beforeAll(async () => {
  report = await evaluate();
});

/**
 * The aim, 95 % per language, is met (docs/assistant-nlu.md has the figures, including the
 * never-trained challenge set, which is the more conservative estimate). A drop below it is
 * a regression.
 */
const FLOOR = 0.95;

describe('held-out accuracy', () => {
  it.each(['en', 'es'] as const)('%s stays at or above the floor', (language) => {
    const r = report.languages[language]!;
    expect(r.n).toBeGreaterThanOrEqual(150);
    expect(r.accuracy).toBeGreaterThanOrEqual(FLOOR);
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
 * The never-trained sets: the honest figures (docs/assistant-nlu.md). Floors sit a few
 * points under what was measured when the blind set was first scored (challenge 92.3 % en /
 * 96.2 % es, blind 94.3 % en / 89.3 % es), so noise does not fail the build but a real loss
 * of generalisation does. Never raise them by tuning against these sets' errors.
 */
const FRESH_FLOOR = {
  challenge: { en: 0.88, es: 0.92 },
  blind: { en: 0.9, es: 0.85 },
} as const;

describe('accuracy on text never trained on', () => {
  it.each(['challenge', 'blind'] as const)('%s set stays at or above its floor per language', (set) => {
    for (const language of ['en', 'es'] as const) {
      const r = report[set]?.[language];
      expect(r, `${set} ${language}`).toBeDefined();
      expect(r!.n).toBeGreaterThanOrEqual(set === 'blind' ? 130 : 50);
      expect(r!.accuracy, `${set} ${language}`).toBeGreaterThanOrEqual(FRESH_FLOOR[set][language]);
    }
  });
});
