/**
 * Survey scores, each exactly to its standard (docs/surveys.md), with n and an interval beside
 * every figure: Wilson for shares, Student's t for means, and for NPS the normal interval of a
 * difference of two shares of one sample. A figure on fewer answers than the organisation's
 * minimum is reported as too few answers (`tooFew`, value null), never as a number.
 */
import { type Interval, meanWithInterval, wilson, zFor } from './stats.ts';
import type { ScoreKind } from './questionnaires.ts';

export interface ShareScore {
  kind: 'share';
  /** What the share counts, e.g. "4–5 of 5". */
  counts: string;
  n: number;
  hits: number;
  /** 0..1, null when too few answers. */
  value: number | null;
  interval: Interval | null;
  tooFew: boolean;
}

export interface MeanScore {
  kind: 'mean';
  n: number;
  value: number | null;
  interval: Interval | null;
  /** CES also reports the share agreeing (5–7). */
  agree?: ShareScore;
  tooFew: boolean;
}

export interface NpsScore {
  kind: 'nps';
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** −100..100, null when too few answers. */
  value: number | null;
  interval: Interval | null;
  tooFew: boolean;
}

export type ItemScore = ShareScore | MeanScore | NpsScore;

export interface ScoreOptions {
  /** Fewer answers than this and the figure is "too few answers" (default 10). */
  minAnswers?: number;
  confidence?: number;
}

const DEFAULT_MIN_ANSWERS = 10;

function share(counts: string, hits: number, n: number, options: ScoreOptions): ShareScore {
  const tooFew = n < (options.minAnswers ?? DEFAULT_MIN_ANSWERS);
  return { kind: 'share', counts, n, hits, value: tooFew || n === 0 ? null : hits / n, interval: tooFew ? null : wilson(hits, n, options.confidence), tooFew };
}

function integers(values: readonly unknown[], min: number, max: number): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max);
}

/** CSAT: share of 4 and 5 on a 1–5 scale (top-2-box). */
export function csatScore(values: readonly unknown[], options: ScoreOptions = {}): ShareScore {
  const v = integers(values, 1, 5);
  return share('4–5 of 1–5', v.filter((x) => x >= 4).length, v.length, options);
}

/** The mean on a scale with its t interval, and the share at or above `agreeFrom`. */
function meanScore(values: readonly unknown[], scale: { min: number; max: number }, agreeFrom: number, options: ScoreOptions): MeanScore {
  const v = integers(values, scale.min, scale.max);
  const tooFew = v.length < (options.minAnswers ?? DEFAULT_MIN_ANSWERS);
  const m = meanWithInterval(v, options.confidence);
  return {
    kind: 'mean',
    n: v.length,
    value: tooFew || !m ? null : m.mean,
    interval: tooFew ? null : (m?.interval ?? null),
    agree: share(`${agreeFrom}–${scale.max} of ${scale.min}–${scale.max}`, v.filter((x) => x >= agreeFrom).length, v.length, options),
    tooFew,
  };
}

/** CES 2.0: mean agreement on 1–7, with the share agreeing (5–7). */
export function cesScore(values: readonly unknown[], options: ScoreOptions = {}): MeanScore {
  return meanScore(values, { min: 1, max: 7 }, 5, options);
}

/** NPS: % promoters (9–10) − % detractors (0–6), from −100 to 100. */
export function npsScore(values: readonly unknown[], options: ScoreOptions = {}): NpsScore {
  const v = integers(values, 0, 10);
  const n = v.length;
  const promoters = v.filter((x) => x >= 9).length;
  const detractors = v.filter((x) => x <= 6).length;
  const passives = n - promoters - detractors;
  const tooFew = n < (options.minAnswers ?? DEFAULT_MIN_ANSWERS);
  if (tooFew || n === 0) return { kind: 'nps', n, promoters, passives, detractors, value: null, interval: null, tooFew };
  const p = promoters / n;
  const d = detractors / n;
  // Each answer scores +1, 0 or −1; NPS is their mean × 100, so its variance is (p + d − (p − d)²)/n.
  const se = Math.sqrt((p + d - (p - d) ** 2) / n);
  const z = zFor(options.confidence);
  const value = 100 * (p - d);
  return { kind: 'nps', n, promoters, passives, detractors, value, interval: { low: Math.max(-100, value - 100 * z * se), high: Math.min(100, value + 100 * z * se) }, tooFew };
}

/** "Had to repeat information": share answering yes (lower is better). */
export function repeatScore(values: readonly unknown[], options: ScoreOptions = {}): ShareScore {
  const v = values.filter((x): x is boolean => typeof x === 'boolean');
  return share('yes of yes/no', v.filter(Boolean).length, v.length, options);
}

/** Ease of moving between channels: share of 4 and 5 on 1–5. */
export function switchEaseScore(values: readonly unknown[], options: ScoreOptions = {}): ShareScore {
  const v = integers(values, 1, 5);
  return share('4–5 of 1–5', v.filter((x) => x >= 4).length, v.length, options);
}

/** CAHPS-style frequency items: share answering "Always" (top box). */
export function cahpsFrequencyScore(values: readonly unknown[], options: ScoreOptions = {}): ShareScore {
  const v = values.filter((x): x is string => x === 'never' || x === 'sometimes' || x === 'usually' || x === 'always');
  return share('Always of Never/Sometimes/Usually/Always', v.filter((x) => x === 'always').length, v.length, options);
}

/** CAHPS-style provider rating: share rating 9 or 10 of 0–10 (top box). */
export function cahpsRatingScore(values: readonly unknown[], options: ScoreOptions = {}): ShareScore {
  const v = integers(values, 0, 10);
  return share('9–10 of 0–10', v.filter((x) => x >= 9).length, v.length, options);
}

/** An organisation's own rating: mean on its scale, with the share in the top two points. */
export function ratingScore(values: readonly unknown[], scale: { min: number; max: number }, options: ScoreOptions = {}): MeanScore {
  return meanScore(values, scale, scale.max - 1, options);
}

/** The score of one item's answers by its kind; null for items without a score (comments, choices). */
export function scoreItem(kind: ScoreKind, values: readonly unknown[], options: ScoreOptions & { scale?: { min: number; max: number } } = {}): ItemScore | null {
  switch (kind) {
    case 'csat':
      return csatScore(values, options);
    case 'ces':
      return cesScore(values, options);
    case 'nps':
      return npsScore(values, options);
    case 'repeat':
      return repeatScore(values, options);
    case 'switch_ease':
      return switchEaseScore(values, options);
    case 'cahps_frequency':
      return cahpsFrequencyScore(values, options);
    case 'cahps_rating':
      return cahpsRatingScore(values, options);
    case 'rating':
      return ratingScore(values, options.scale ?? { min: 1, max: 5 }, options);
    case 'yes_no':
      return repeatScore(values, options);
    default:
      return null;
  }
}
