import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en';
import { LangEs } from '@nlpjs/lang-es';
import { SentimentAnalyzer } from '@nlpjs/sentiment';
import type { Language } from '@carethread/core';
import { foldAligned } from './text.ts';

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface Sentiment {
  /** nlp.js lexicon score (sum of word polarities, negation-aware); 0 when no word is known. */
  score: number;
  label: SentimentLabel;
}

export interface Frustration {
  frustrated: boolean;
  /** Which signals fired: repeated, complaint, caps, punctuation, profanity, negative. */
  signals: string[];
}

/** Longest text scored: sentiment of a pasted document is not the patient's mood. */
const SENTIMENT_MAX_CHARS = 1000;
/** Scores inside ±this are neutral: one mildly coloured word is not a mood. */
const NEUTRAL_BAND = 0.25;
/** At or below this score alone, a message reads as frustrated. */
const FRUSTRATED_SCORE = -1.5;

/**
 * Words the Senticon lexicons give a polarity although they carry no mood in a patient's
 * request: articles, particles, calendar and visit words ("un", "que", "para", "martes" and
 * "chequeo" are all negative in Spanish, so "necesito una cita para un chequeo el martes que
 * viene" summed to a frustrated -1.5 and was handed off). They are left out before scoring.
 */
const NO_MOOD = new Set(
  (
    'un que para si sí mis viene martes sábado marzo mes hora chequeo consulta control médico ' +
    'to in coming week month evening august appointment name second number'
  ).split(' '),
);

function withoutMoodlessWords(text: string): string {
  return text.replace(/[\p{L}\p{M}]+/gu, (word) => (NO_MOOD.has(word.toLowerCase()) ? ' ' : word));
}

/** nlp.js sentiment (Senticon lexicons for English and Spanish). */
export class SentimentScorer {
  private analyzer: SentimentAnalyzer | null = null;

  async init(): Promise<void> {
    const container = await containerBootstrap();
    container.use(LangEn);
    container.use(LangEs);
    this.analyzer = new SentimentAnalyzer({}, container);
  }

  async score(text: string, language: Language): Promise<Sentiment> {
    if (!this.analyzer) throw new Error('SentimentScorer: score() before init()');
    const input = withoutMoodlessWords(text.length > SENTIMENT_MAX_CHARS ? text.slice(0, SENTIMENT_MAX_CHARS) : text);
    if (!/\p{L}/u.test(input)) return { score: 0, label: 'neutral' };
    let score = 0;
    try {
      const out = await this.analyzer.process({ locale: language, text: input });
      score = Number.isFinite(out.sentiment.score) ? out.sentiment.score : 0;
    } catch {
      score = 0;
    }
    score = Math.round(score * 1000) / 1000;
    return { score, label: score > NEUTRAL_BAND ? 'positive' : score < -NEUTRAL_BAND ? 'negative' : 'neutral' };
  }
}

// Rules on folded text (no accents, lower case).
const REPEATED =
  /\b(?:(?:i'?ve|i\s+have|i)\s+already\s+(?:told|said|gave|given|explained|sent|answered)|told\s+you\s+(?:already|before|twice|three\s+times)|already\s+told\s+you|how\s+many\s+times|for\s+the\s+(?:second|third|fourth|last|100th|hundredth)\s+time|(?:keep|stop)\s+(?:asking|repeating)|repeat\s+myself|said\s+(?:that|this|it)\s+already|ya\s+(?:le|te|les|lo|se\s+lo)\s+(?:dije|di|explique|conteste|mande)|ya\s+(?:dije|di|explique)|como\s+ya\s+(?:le\s+|te\s+)?(?:dije|explique)|cuantas\s+veces|por\s+(?:segunda|tercera|enesima|ultima)\s+vez|otra\s+vez\s+(?:lo\s+mismo|me\s+pregunta)|repetir(?:lo|me)?\s+(?:otra\s+vez|de\s+nuevo)|(?:second|third|fourth|fifth|\d+(?:nd|rd|th))\s+time\s+(?:i|i'?m|im|i'?ve|that|we)\b|es\s+la\s+(?:segunda|tercera|cuarta|quinta)\s+vez\s+que)/;
const COMPLAINT =
  /\b(?:ridiculous|useless|pointless|waste\s+of\s+(?:my\s+)?time|unacceptable|fed\s+up|sick\s+(?:and\s+tired\s+)?of|tired\s+of|frustrat\w*|annoy\w*|angry|furious|pissed|worst|terrible|horrible|awful|incompetent|not\s+helping|doesn'?t\s+help|you'?re\s+not\s+listening|ridiculo|ridicula|inutil|inutiles|perdida\s+de\s+tiempo|pesimo|pesima|harto|harta|cansad[oa]\s+de|enojad[oa]|furios[oa]|frustrad[oa]|frustrante|inaceptable|no\s+sirve|no\s+sirven|no\s+me\s+(?:ayuda|escucha|entiende)|incompetentes?|una\s+burla|que\s+verguenza)\b/;
const PROFANITY =
  /\b(?:fuck\w*|f\*+k\w*|shit\w*|sh\*t|damn\w*|crap\w*|wtf|bullshit|bs|stupid|idiot\w*|dumb\w*|hell|pissed|asshole\w*|bastard\w*|jerk\w*|moron\w*|mierda\w*|carajo|joder|jodid[oa]s?|puta\w*|puto\w*|pendej\w*|estupid[oa]s?|idiota\w*|maldit[oa]s?|chingad\w*|chingar|cono|cabron\w*|pinche\w*|imbecil\w*|mamada\w*)\b/;

const DELIGHT = /\b(?:thank\w*|thx|gracias|great|awesome|amazing|wonderful|love|perfect|excellent|happy|genial|excelente|perfecto|maravillos\w*|encanta|feliz)\b/;

/**
 * Frustration: the patient repeats what they already said, complains, shouts (capitals,
 * "!!!"), swears, or the sentiment is strongly negative. Any one is enough; the hand-off
 * logic decides what to do with it.
 */
export function detectFrustration(text: string, sentiment?: Sentiment): Frustration {
  const signals: string[] = [];
  if (typeof text !== 'string' || text.length === 0) return { frustrated: false, signals };
  const input = text.length > SENTIMENT_MAX_CHARS ? text.slice(0, SENTIMENT_MAX_CHARS) : text;
  const folded = foldAligned(input);
  if (REPEATED.test(folded)) signals.push('repeated');
  if (COMPLAINT.test(folded)) signals.push('complaint');
  const letters = input.match(/\p{L}/gu) ?? [];
  const upper = input.match(/\p{Lu}/gu) ?? [];
  const shoutedWords = (input.match(/\b\p{Lu}{3,}\b/gu) ?? []).filter((w) => !/^(?:ICU|ER|MRI|CT|CVS|DOB|ASAP|OK|USA|ID|HMO|PPO|EOB|RX|COVID|PCP|OB|GYN|ENT|HIV|STD|UTI|TSH|A1C|ADHD)$/.test(w));
  if (letters.length >= 8 && upper.length / letters.length >= 0.7 && shoutedWords.length >= 2) signals.push('caps');
  if (/!{3,}|\?{3,}|[!?]{2,}.*[!?]{2,}|\?!|!\?/.test(input)) signals.push('punctuation');
  if (PROFANITY.test(folded)) signals.push('profanity');
  if (sentiment && sentiment.score <= FRUSTRATED_SCORE) signals.push('negative');
  // "THANK YOU SO MUCH!!!" is delight, not anger: capitals and "!!!" alone do not count
  // next to words of thanks or praise.
  const kept = DELIGHT.test(folded) && !signals.some((s) => s !== 'caps' && s !== 'punctuation') ? [] : signals;
  return { frustrated: kept.length > 0, signals: kept };
}
