/**
 * Closed loop: which answers open a follow-up task for the case's department. The defaults are
 * the usual detractor thresholds; an organisation may change any of them or switch one off.
 */
import type { ScoreKind } from './questionnaires.ts';

export interface FollowUpRules {
  /** NPS at or below (default 6: a detractor). */
  npsAtMost: number | null;
  /** CES at or below (default 3: disagreed that it was easy). */
  cesAtMost: number | null;
  /** CSAT at or below (default 2: dissatisfied). */
  csatAtMost: number | null;
  /** CAHPS-style provider rating at or below (default 6). */
  providerRatingAtMost: number | null;
  /** "Had to repeat information: yes" (default on). */
  repeatedYes: boolean;
  /** A comment whose sentiment is at or below this (−1..1; default −0.3), when sentiment is known. */
  commentSentimentAtMost: number | null;
}

export const DEFAULT_FOLLOW_UP_RULES: FollowUpRules = {
  npsAtMost: 6,
  cesAtMost: 3,
  csatAtMost: 2,
  providerRatingAtMost: 6,
  repeatedYes: true,
  commentSentimentAtMost: -0.3,
};

export interface AnsweredItem {
  linkId: string;
  kind: ScoreKind;
  value: number | boolean | string;
  /** For comments: sentiment −1..1 from the assistant's scorer. */
  sentiment?: number;
}

export type FollowUpReason = 'nps_detractor' | 'low_effort_score' | 'dissatisfied' | 'low_provider_rating' | 'had_to_repeat' | 'negative_comment';

/** The reasons, in item order, that these answers call for a follow-up; empty when none does. */
export function followUpReasons(answers: readonly AnsweredItem[], rules: FollowUpRules = DEFAULT_FOLLOW_UP_RULES): FollowUpReason[] {
  const reasons: FollowUpReason[] = [];
  const add = (r: FollowUpReason) => {
    if (!reasons.includes(r)) reasons.push(r);
  };
  for (const a of answers) {
    const n = typeof a.value === 'number' ? a.value : null;
    if (a.kind === 'nps' && n !== null && rules.npsAtMost !== null && n <= rules.npsAtMost) add('nps_detractor');
    if (a.kind === 'ces' && n !== null && rules.cesAtMost !== null && n <= rules.cesAtMost) add('low_effort_score');
    if (a.kind === 'csat' && n !== null && rules.csatAtMost !== null && n <= rules.csatAtMost) add('dissatisfied');
    if (a.kind === 'cahps_rating' && n !== null && rules.providerRatingAtMost !== null && n <= rules.providerRatingAtMost) add('low_provider_rating');
    if (a.kind === 'repeat' && a.value === true && rules.repeatedYes) add('had_to_repeat');
    if (a.kind === 'comment' && a.sentiment !== undefined && rules.commentSentimentAtMost !== null && a.sentiment <= rules.commentSentimentAtMost) add('negative_comment');
  }
  return reasons;
}
