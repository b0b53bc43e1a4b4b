import { beforeAll, describe, expect, it } from 'vitest';
import { formatFactsBlind, scoreFactsBlind, type FactsBlindReport } from '../src/facts/eval.ts';

/**
 * The fact extractor on the blind sets (`corpus/blind/facts-{en,es}-2026-12-07.json`): written
 * by someone who had not seen the extractor, scored once on 2026-12-08 and never read or tuned
 * against. Only aggregates are printed. Each floor is the lower end of the 95 % Wilson interval
 * of the share captured with the right value when the set was first scored (figures in
 * docs/assistant-nlu.md): a drop below it is more than the noise of a set this size. The aim
 * (issue 11) is 97 % and no wrong value; these floors only keep what was measured.
 */
const FLOOR = {
  en: { birthDate: 0.819, callbackNumber: 0.786, medication: 0.699, memberId: 0.568, name: 0.477, pharmacy: 0.577, preferredTime: 0.526, all: 0.687 },
  es: { birthDate: 0.716, callbackNumber: 0.711, medication: 0.845, memberId: 0.334, name: 0.609, pharmacy: 0.581, preferredTime: 0.427, all: 0.655 },
} as const;

let report: FactsBlindReport;
beforeAll(() => {
  report = scoreFactsBlind();
  console.log(`facts blind sets:\n${formatFactsBlind(report)}`);
});

describe('fact extraction on text never tuned against', () => {
  for (const language of ['en', 'es'] as const) {
    for (const [kind, floor] of Object.entries(FLOOR[language])) {
      it(`${language} ${kind}: captured with the right value at or above ${(floor * 100).toFixed(1)} %`, () => {
        const score = report.languages[language]?.[kind];
        expect(score, `${language} ${kind}`).toBeDefined();
        expect(score!.n).toBeGreaterThanOrEqual(kind === 'all' ? 700 : 100);
        expect(score!.captured).toBeGreaterThanOrEqual(floor);
      });
    }
  }
});
