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
 * The blind sets (`corpus/blind/`): written by someone who had not seen the rules, the
 * corpora or the model, scored once, never tuned against. Their figures are printed with the
 * test output. Each floor is the lower end of the 95 % Wilson interval of the score measured
 * when the set was first scored (the measurement and the interval are in
 * docs/assistant-nlu.md): a drop below it is more than the noise of a set this size.
 */
// Scored 2026-12-07: intents 90.8 % en (n 328) / 93.9 % es (n 330).
// Urgent triage, second blind set (urgent-2026-12-07b, written after the first set's figures
// were read into nothing but totals), scored once on 2026-12-08: urgent raised 93.1 % en
// (255 of 274) / 90.5 % es (249 of 275); routine look-alikes raised 7.1 % en (13 of 183) /
// 6.6 % es (12 of 182).
const BLIND_FLOOR = { en: 0.872, es: 0.908 } as const;
const URGENT_RECALL_FLOOR = { en: 0.894, es: 0.865 } as const;
/** Routine look-alikes raised: the ceiling is the upper end of the measured figure's interval. */
const URGENT_ROUTINE_CEILING = { en: 0.118, es: 0.112 } as const;

describe('accuracy on text never trained on', () => {
  it.each(['en', 'es'] as const)('intent blind set, %s, stays at or above its floor', (language) => {
    const r = report.blind?.[language];
    expect(r, `blind ${language}`).toBeDefined();
    console.log(`intent blind set ${language}: accuracy ${(r!.accuracy * 100).toFixed(1)} % on ${r!.n} (floor ${(BLIND_FLOOR[language] * 100).toFixed(1)} %)`);
    expect(r!.n).toBeGreaterThanOrEqual(250);
    expect(r!.accuracy, `blind ${language}`).toBeGreaterThanOrEqual(BLIND_FLOOR[language]);
  });

  it.each(['en', 'es'] as const)('urgent triage on the blind set, %s: recall of emergencies and routine look-alikes raised', (language) => {
    const r = report.urgent_blind?.[language];
    expect(r, `urgent blind ${language}`).toBeDefined();
    const missed = Object.entries(r!.per_category).filter(([, c]) => c.recall < 1).map(([k, c]) => `${k} ${(c.recall * 100).toFixed(0)} %`);
    console.log(
      `urgent triage blind set ${language}: ${(r!.recall * 100).toFixed(1)} % of ${r!.urgent_n} emergencies raised (floor ${(URGENT_RECALL_FLOOR[language] * 100).toFixed(1)} %; emergency guidance ${(r!.emergency_recall * 100).toFixed(1)} %, rules alone ${(r!.rules_recall * 100).toFixed(1)} %, detector alone ${(r!.detector_recall * 100).toFixed(1)} %); ${(r!.routine_flagged * 100).toFixed(1)} % of ${r!.routine_n} routine look-alikes raised (ceiling ${(URGENT_ROUTINE_CEILING[language] * 100).toFixed(1)} %)${missed.length ? `; under 100 %: ${missed.join(', ')}` : ''}`,
    );
    expect(r!.urgent_n).toBeGreaterThanOrEqual(200);
    expect(r!.recall).toBeGreaterThanOrEqual(URGENT_RECALL_FLOOR[language]);
    expect(r!.routine_flagged).toBeLessThanOrEqual(URGENT_ROUTINE_CEILING[language]);
  });
});
