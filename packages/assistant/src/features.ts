import { cueConjunctions, cueGroups } from './lexicon.ts';
import { editDistanceWithin } from '@carethread/core';
import { fold } from './text.ts';
import { assessUrgency, type UrgentAssessment } from './urgent.ts';

// understand() has usually just assessed the same text; keep the last answer.
let lastText: string | null = null;
let lastUrgency: UrgentAssessment = { urgent: false };
function urgencyOf(text: string): UrgentAssessment {
  if (text !== lastText) {
    lastUrgency = assessUrgency(text);
    lastText = text;
  }
  return lastUrgency;
}


function wordsOf(text: string): string[] {
  const folded = fold(text.length > 1000 ? text.slice(0, 1000) : text).replace(/'/g, '');
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * How a word sounds rather than how it is spelt, for the misspellings patients make when
 * they write as they speak: kiero/quiero, sita/cita, nesesito/necesito, espediente/
 * expediente, kanselar/cancelar, fone/phone.
 */
export function soundKey(word: string): string {
  return word
    .replace(/ph/g, 'f')
    .replace(/qu/g, 'k')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/[cq]/g, 'k')
    .replace(/[zx]/g, 's')
    .replace(/v/g, 'b')
    .replace(/ll/g, 'y')
    .replace(/h/g, '')
    .replace(/(\p{L})\1+/gu, '$1');
}

/**
 * Corrects words the training data never used to the nearest word it did: same sound key
 * first, else one edit (two for long words) with the same first letter. Vocabulary comes
 * from the training utterances of one language, so corrections stay inside it.
 */
export class Speller {
  private readonly counts = new Map<string, number>();
  private readonly bySound = new Map<string, string>();
  private readonly cache = new Map<string, string>();
  private readonly byFirst = new Map<string, string[]>();

  constructor(texts: Iterable<string>) {
    for (const t of texts) for (const w of wordsOf(t)) this.counts.set(w, (this.counts.get(w) ?? 0) + 1);
    const ranked = [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [w] of ranked) {
      if (w.length < 3 || /\d/.test(w)) continue;
      const key = soundKey(w);
      if (!this.bySound.has(key)) this.bySound.set(key, w);
      const list = this.byFirst.get(w[0]!) ?? [];
      list.push(w);
      this.byFirst.set(w[0]!, list);
    }
  }

  correct(word: string): string {
    if (word.length < 4 || this.counts.has(word) || /\d/.test(word)) return word;
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    let best = this.bySound.get(soundKey(word));
    if (!best) {
      const budget = word.length >= 9 ? 2 : 1;
      for (const candidate of this.byFirst.get(word[0]!) ?? []) {
        if (candidate.length < 4) continue;
        if (editDistanceWithin(word, candidate, budget)) {
          best = candidate;
          break;
        }
      }
    }
    const result = best ?? word;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(word, result);
    return result;
  }
}

// Negation scope for intents (not symptoms: urgent.ts has its own NegEx). Patients say what
// they do NOT want next to what they do: "I don't want to cancel, I just need another time",
// "no necesito cita, necesito mis resultados". A bag of words sees "cancel" and "cita" either
// way; these mark the words a negation governs so the model can tell the two apart.
// `can't`/`won't` are deliberately not cues: "can't make it", "won't be coming" are requests.
const NEGATION_CUES = new Set(['dont', 'not', 'never', 'didnt', 'doesnt', 'no', 'nor', 'isnt', 'arent', 'havent', 'aint', 'ni', 'nunca', 'tampoco']);
// Words that end a negation's scope: a new subject or a contrast ("…, I just need", "sino", "solo").
const SCOPE_END = new Set([
  'i', 'im', 'ive', 'id', 'just', 'only', 'but', 'rather', 'instead', 'so', 'because', 'and', 'please', 'pls', 'what', 'my',
  'sino', 'pero', 'solo', 'solamente', 'nomas', 'y', 'porque', 'lo', 'mejor', 'mas', 'por',
]);
// A second want/need inside the scope starts the affirmed request ("no quiero cancelar quiero cambiar").
const SCOPE_END_LATER = new Set(['es', 'is', 'its', 'need', 'want', 'needs', 'wanted', 'necesito', 'quiero', 'ocupo', 'quisiera', 'necesitamos', 'queremos']);
// Scheduling verbs that a negation right before them governs directly ("not cancelling").
const ACTION_VERB = /^(?:cancel|cancle|kansel|cxl|anul|borr|resched|reprogram|reagend|rebook|postpon|pospon|confirm|book|schedul|agend|cambi|chang|move$|moving|mover)/;
const NEGATION_WINDOW = 6;
const CLITICS = new Set(['la', 'lo', 'le', 'las', 'los', 'les', 'me', 'te', 'se', 'nos']);
// Only a negated REQUEST is scoped ("I don't need / no quiero / not calling about X"): a
// negated topic ("I don't have insurance", "no pills left", "no puedo pagar") is still the topic.
const REQUEST_VERBS = new Set([
  'want', 'wanna', 'need', 'needed', 'wanted', 'looking', 'trying', 'asking', 'calling', 'writing', 'texting', 'about', 'for', 'mean', 'request', 'requesting',
  'quiero', 'queria', 'quisiera', 'necesito', 'necesitaba', 'ocupo', 'busco', 'llamo', 'escribo', 'es', 'era', 'pido', 'estoy', 'vengo', 'hablo',
]);

/** For each clause's words, which ones a negation cue governs (the cue itself is not marked). */
export function negationScope(text: string): { words: string[]; negated: boolean[] } {
  const folded = fold(text.length > 1000 ? text.slice(0, 1000) : text).replace(/'/g, '');
  const words: string[] = [];
  const negated: boolean[] = [];
  for (const clause of folded.split(/[.,;:!?()\n]+|\s-\s/)) {
    const ws = clause.match(/[\p{L}\p{N}]+/gu) ?? [];
    let left = 0;
    let inScope = 0;
    let pending = false;
    for (const w of ws) {
      let mark = false;
      if (left > 0) {
        if (SCOPE_END.has(w) || (inScope > 0 && SCOPE_END_LATER.has(w))) left = 0;
        else {
          mark = true;
          left--;
          inScope++;
        }
      }
      words.push(w);
      negated.push(mark);
      if (pending) {
        // Spanish puts object pronouns between the two: "no la quiero cancelar".
        pending = CLITICS.has(w);
        if (REQUEST_VERBS.has(w)) {
          pending = false;
          negated[negated.length - 1] = true;
          left = NEGATION_WINDOW - 1;
          inScope = 1;
        } else if (ACTION_VERB.test(w)) {
          // The scheduling verb itself negated: "I'm not cancelling, just moving it",
          // "cancelar, no reprogramar", "prefiero no reagendar".
          pending = false;
          negated[negated.length - 1] = true;
          left = NEGATION_WINDOW - 1;
          inScope = 1;
        }
      } else if (!mark && NEGATION_CUES.has(w)) pending = true;
    }
  }
  return { words, negated };
}

/**
 * Lexical features of a message for the linear intent model: folded words (spelling
 * corrected when a speller is given), 5-letter word prefixes (a poor man's stemmer that
 * works for both languages: cancel/cancelar/cancelled), word bigrams, character 3-grams
 * inside words for typos the speller misses, the first four words, intent cue groups (with
 * the ones a negated request governs marked apart) and the urgent rules' verdict.
 */
/**
 * Word features alone: folded words (spelling corrected when a speller is given), 5-letter
 * prefixes, bigrams and character 3-grams of the words as written. The urgent detector uses
 * only these; the intent model adds cue groups and the rules' verdict.
 */
export function wordFeatures(text: string, speller?: Speller): { out: string[]; words: string[]; raw: string[] } {
  const raw = wordsOf(text);
  const words = speller ? raw.map((w) => speller.correct(w)) : raw;
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    out.push(`w:${w}`);
    if (w.length >= 6) out.push(`p:${w.slice(0, 5)}`);
    if (i > 0) out.push(`b:${words[i - 1]}_${w}`);
    const original = raw[i]!;
    if (original.length >= 4 && !/^\d+$/.test(original)) {
      const padded = `#${original}#`;
      for (let k = 0; k + 3 <= padded.length; k++) out.push(`c:${padded.slice(k, k + 3)}`);
    }
  }
  return { out, words, raw };
}

export function lexicalFeatures(text: string, speller?: Speller): string[] {
  const { out, words, raw } = wordFeatures(text, speller);
  if (words.length === 1) out.push(`only:${words[0]}`);
  // The request usually opens the message ("cancel my…", "necesito…"); in a long one the
  // first words say more than the story after them.
  for (let i = 0; i < Math.min(words.length, 4); i++) out.push(`f:${words[i]}`);
  // Cue groups count double: they carry what a handful of examples cannot teach.
  const changed = words.some((w, i) => w !== raw[i]);
  let groups = changed ? [...new Set([...cueGroups(text), ...cueGroups(words.join(' '))])] : cueGroups(text);
  // A cue found only inside a negation's scope is negated ("I don't need a refill"): it
  // becomes N:<group> instead of L:<group>. A cue whose pattern needs the negation word
  // itself ("no longer need", "ya no necesito") is matched on neither side and stays.
  const scope = negationScope(text);
  if (scope.negated.includes(true)) {
    const spell = (w: string) => (speller ? speller.correct(w) : w);
    const affirmed = scope.words.map((w, i) => (scope.negated[i] ? '|' : spell(w))).join(' ').replace(/(?:\s*\|\s*)+/g, ' zz ');
    // (A placeholder word keeps the two sides of a removed span from forming a phrase.)
    const inScope = scope.words.map((w, i) => (scope.negated[i] ? spell(w) : 'zz')).join(' ');
    const aff = new Set(cueGroups(affirmed));
    const neg = new Set(cueGroups(inScope).filter((g) => g !== 'when' && !aff.has(g)));
    if (neg.size) {
      groups = groups.filter((g) => !neg.has(g));
      for (const g of neg) out.push(`N:${g}`, `N:${g}`);
    }
  }
  for (const g of groups) out.push(`L:${g}`, `L:${g}`);
  for (const c of cueConjunctions(groups)) out.push(`C:${c}`, `C:${c}`);
  // The urgent rules' verdict, including "a symptom, negated" (which is not an emergency).
  const u = urgencyOf(text);
  if (u.urgent) out.push('U:urgent', 'U:urgent', `U:${u.category}`);
  else if (u.suppressed?.length) out.push('U:suppressed', 'U:suppressed');
  return out;
}
