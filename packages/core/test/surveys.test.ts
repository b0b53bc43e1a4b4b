import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_QUESTIONNAIRES,
  cahpsFrequencyScore,
  cahpsRatingScore,
  cesScore,
  csatScore,
  DEFAULT_FOLLOW_UP_RULES,
  followUpReasons,
  itemText,
  npsScore,
  parseAnswer,
  repeatScore,
  scaleOf,
  scoreKindOf,
  switchEaseScore,
  tFor,
  wilson,
  type QuestionnaireItem,
} from '../src/index.ts';

const item = (q: string, linkId: string): QuestionnaireItem => BUILT_IN_QUESTIONNAIRES[q]!.item.find((i) => i.linkId === linkId)!;
const all = { minAnswers: 1 };

describe('built-in questionnaires (FHIR R4 Questionnaire)', () => {
  it('are active Questionnaires with unique link ids, a Spanish text for every item and option, and a score kind', () => {
    expect(Object.keys(BUILT_IN_QUESTIONNAIRES).sort()).toEqual(['cahps-style', 'ces', 'csat', 'friction', 'nps']);
    for (const q of Object.values(BUILT_IN_QUESTIONNAIRES)) {
      expect(q).toMatchObject({ resourceType: 'Questionnaire', status: 'active', url: `https://carethread.dev/fhir/Questionnaire/${q.id}` });
      expect(new Set(q.item.map((i) => i.linkId)).size).toBe(q.item.length);
      for (const i of q.item) {
        expect(itemText(i, 'es')).not.toBe(i.text);
        expect(itemText(i, 'en')).toBe(i.text);
        for (const o of i.answerOption ?? []) expect(itemText({ text: o.valueCoding.display!, _text: o.valueCoding._display }, 'es')).not.toBe(o.valueCoding.display);
      }
    }
    expect(scoreKindOf(item('csat', 'csat'))).toBe('csat');
    expect(scaleOf(item('ces', 'ces'))).toEqual({ min: 1, max: 7 });
    expect(scaleOf(item('nps', 'nps'))).toEqual({ min: 0, max: 10 });
    expect(BUILT_IN_QUESTIONNAIRES['cahps-style']!.title).toMatch(/CAHPS-style.*not the licensed/);
  });
});

describe('reading answers', () => {
  const csat = item('csat', 'csat');
  it.each([
    ['4', 4], ['reply 4', 4], ['4 - muy bien', 4], ['cuatro', 4], ['Four', 4], ['4/5', 4], ['4 out of 5', 4], ['4 de 5', 4], ['I\'d give it a 4', 4],
    ['5 stars!', 5], ['5️⃣', 5], ['un cinco', 5], ['  1. ', 1], ['uno', 1], ['It was a 3, the wait was long', 3],
  ])('reads %j on a 1–5 scale as %i', (text, value) => {
    expect(parseAnswer(csat, text)).toEqual({ kind: 'integer', value });
  });

  it.each(['', 'great', 'between 3 and 4', '3 or 4', '4.5', 'no one called me back', 'why are you texting me', 'a veces'])('asks again for %j', (text) => {
    expect(parseAnswer(csat, text)).toEqual({ kind: 'unclear' });
  });

  it('says a number off the scale is off the scale, without clamping it', () => {
    expect(parseAnswer(csat, '9')).toEqual({ kind: 'out_of_range', value: 9, min: 1, max: 5 });
    expect(parseAnswer(item('nps', 'nps'), '10/10')).toEqual({ kind: 'integer', value: 10 });
    expect(parseAnswer(item('nps', 'nps'), 'cero')).toEqual({ kind: 'integer', value: 0 });
    expect(parseAnswer(item('nps', 'nps'), '11')).toMatchObject({ kind: 'out_of_range', value: 11 });
  });

  it.each([
    ['yes', true], ['Yes I did', true], ['sí', true], ['Si, dos veces', true], ['yeah', true], ['no', false], ['Nope', false], ['No tuve que repetir', false], ['I didn\'t', false], ['1', true], ['2', false],
  ])('reads %j to a yes/no item as %s', (text, value) => {
    expect(parseAnswer(item('friction', 'repeat'), text)).toEqual({ kind: 'boolean', value });
  });

  it.each([
    ['Always', 'always'], ['siempre', 'always'], ['casi siempre', 'usually'], ['most of the time', 'usually'], ['sometimes', 'sometimes'], ['a veces', 'sometimes'], ['never', 'never'], ['Nunca', 'never'], ['4', 'always'], ['1', 'never'],
  ])('reads %j to a CAHPS-style frequency item as %s', (text, code) => {
    expect(parseAnswer(item('cahps-style', 'listened'), text)).toEqual({ kind: 'choice', code });
  });

  it('does not read "not always" as always', () => {
    expect(parseAnswer(item('cahps-style', 'listened'), 'not always')).toEqual({ kind: 'unclear' });
    expect(parseAnswer(item('cahps-style', 'listened'), 'no siempre')).toEqual({ kind: 'unclear' });
  });
});

describe('scores to standard', () => {
  it('CSAT is the top-2-box share (4 and 5 of 1–5)', () => {
    const s = csatScore([5, 4, 3, 2, 1, 5, 4, 4, 2, 5], all);
    expect(s).toMatchObject({ n: 10, hits: 6, value: 0.6 });
    expect(s.interval!.low).toBeCloseTo(0.3127, 3);
    expect(s.interval!.high).toBeCloseTo(0.8318, 3);
  });

  it('CES 2.0 is the mean of 1–7 with the share agreeing (5–7)', () => {
    const s = cesScore([7, 6, 5, 4, 3, 7, 7, 2, 6, 5], all);
    expect(s.value).toBeCloseTo(5.2, 10);
    expect(s.agree).toMatchObject({ hits: 7, n: 10, value: 0.7 });
    // mean ± t(9) · sd/√n; sd = √(27.6/9) = 1.7512
    expect(s.interval!.high - 5.2).toBeCloseTo(2.2622 * (1.7512 / Math.sqrt(10)), 3);
  });

  it('NPS is % promoters (9–10) minus % detractors (0–6); passives count in n only', () => {
    const s = npsScore([10, 9, 9, 8, 7, 6, 0, 10, 3, 8], all);
    expect(s).toMatchObject({ n: 10, promoters: 4, passives: 3, detractors: 3 });
    expect(s.value).toBeCloseTo(10, 10);
    expect(npsScore([10, 10, 10], all).value).toBe(100);
    expect(npsScore([0, 6, 5], all).value).toBe(-100);
    expect(npsScore([7, 8], all).value).toBe(0);
  });

  it('a dismissed survey or an answer off the scale is not a response', () => {
    expect(npsScore([null, undefined, 11, -1, 4.5, '9', 9], all)).toMatchObject({ n: 1, promoters: 1 });
    expect(csatScore([0, 6, 5], all)).toMatchObject({ n: 1 });
  });

  it('the friction questions: share who had to repeat, share finding the switch easy (4–5)', () => {
    expect(repeatScore([true, false, false, true, 'yes'], all)).toMatchObject({ n: 4, hits: 2, value: 0.5 });
    expect(switchEaseScore([5, 4, 3, 1], all)).toMatchObject({ n: 4, hits: 2, value: 0.5 });
  });

  it('CAHPS-style items: top box "Always"; provider rating top box 9–10', () => {
    expect(cahpsFrequencyScore(['always', 'usually', 'always', 'never', 'sometimes'], all)).toMatchObject({ n: 5, hits: 2, value: 0.4 });
    expect(cahpsRatingScore([10, 9, 8, 0, 9], all)).toMatchObject({ n: 5, hits: 3, value: 0.6 });
  });

  it('reports too few answers instead of a figure below the minimum', () => {
    expect(csatScore([5, 5, 5])).toMatchObject({ n: 3, value: null, interval: null, tooFew: true });
    expect(npsScore([10, 10], { minAnswers: 3 })).toMatchObject({ value: null, tooFew: true });
    expect(csatScore([5, 5, 5], { minAnswers: 3 })).toMatchObject({ value: 1, tooFew: false });
  });

  it('intervals: Wilson for shares, t for means', () => {
    expect(wilson(0, 10)!.low).toBe(0);
    expect(wilson(10, 10)!.high).toBe(1);
    expect(wilson(5, 0)).toBeNull();
    expect(tFor(1)).toBeCloseTo(12.706, 3);
    expect(tFor(9)).toBeCloseTo(2.262, 3);
    expect(tFor(29)).toBeCloseTo(2.045, 3);
  });

  it('NPS stays within −100..100 and equals the mean of +1/0/−1 per answer', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 200 }), (values) => {
        const s = npsScore(values, all);
        const mean = (100 * values.reduce((sum, v) => sum + (v >= 9 ? 1 : v <= 6 ? -1 : 0), 0)) / values.length;
        expect(s.value).toBeCloseTo(mean, 9);
        expect(s.interval!.low).toBeGreaterThanOrEqual(-100);
        expect(s.interval!.high).toBeLessThanOrEqual(100);
        expect(s.promoters + s.passives + s.detractors).toBe(values.length);
      }),
    );
  });

  it('a share\'s interval always holds the share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const hits = Math.floor(f * n);
        const w = wilson(hits, n)!;
        expect(w.low).toBeLessThanOrEqual(hits / n + 1e-12);
        expect(w.high).toBeGreaterThanOrEqual(hits / n - 1e-12);
      }),
    );
  });
});

describe('closed loop', () => {
  it('opens a follow-up for a detractor, low effort, dissatisfaction, having to repeat, or a negative comment', () => {
    expect(followUpReasons([{ linkId: 'nps', kind: 'nps', value: 6 }])).toEqual(['nps_detractor']);
    expect(followUpReasons([{ linkId: 'nps', kind: 'nps', value: 7 }])).toEqual([]);
    expect(followUpReasons([{ linkId: 'ces', kind: 'ces', value: 3 }, { linkId: 'csat', kind: 'csat', value: 2 }])).toEqual(['low_effort_score', 'dissatisfied']);
    expect(followUpReasons([{ linkId: 'ces', kind: 'ces', value: 4 }, { linkId: 'csat', kind: 'csat', value: 3 }])).toEqual([]);
    expect(followUpReasons([{ linkId: 'repeat', kind: 'repeat', value: true }])).toEqual(['had_to_repeat']);
    expect(followUpReasons([{ linkId: 'comment', kind: 'comment', value: 'nobody called back', sentiment: -0.6 }])).toEqual(['negative_comment']);
    expect(followUpReasons([{ linkId: 'nps', kind: 'nps', value: 2 }], { ...DEFAULT_FOLLOW_UP_RULES, npsAtMost: null })).toEqual([]);
  });
});
