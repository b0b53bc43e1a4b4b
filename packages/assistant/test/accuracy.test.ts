import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, type EvalReport } from '../src/index.ts';

// The held-out split (every 5th utterance) through the full path, language not given.
let report: EvalReport;
beforeAll(async () => {
  report = await evaluate();
});

/**
 * The aim is 95 % per language. Measured on this corpus: 94.0 % (en) and 94.0 % (es) on the
 * held-out split, 96–97.6 % in 5-fold cross-validation of the training split (see
 * docs/assistant-nlu.md). The floor below guards against regressions; raise it to the aim
 * once the figure clears it.
 */
const FLOOR = 0.93;

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
