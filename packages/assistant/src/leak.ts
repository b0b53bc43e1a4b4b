import { fold } from './text.ts';

/**
 * Keeps blind sets blind: a blind item that equals, or nearly equals, something the model
 * trains on or a rule quotes no longer measures anything. Texts are compared after
 * normalising case, accents, punctuation, emoji and white space; "nearly" is a word-set
 * overlap (Jaccard) of at least NEAR_JACCARD for texts of four words or more, or at most one
 * edit per ten characters of the normalised text.
 */

export const NEAR_JACCARD = 0.8;

/** Lower case, no accents, no punctuation or emoji, single spaces. */
export function leakKey(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

export interface Leak {
  text: string;
  /** The known text it matches. */
  known: string;
  kind: 'same' | 'near';
}

/** Every `texts` item that is the same as, or nearly the same as, one of `known`. */
export function findLeaks(texts: readonly string[], known: readonly string[]): Leak[] {
  const exact = new Map<string, string>();
  const byWord = new Map<string, number[]>();
  const knownKeys = known.map((k) => leakKey(k));
  const knownWords = knownKeys.map((k) => new Set(k.split(' ').filter(Boolean)));
  knownKeys.forEach((key, i) => {
    if (!exact.has(key)) exact.set(key, known[i]!);
    for (const w of knownWords[i]!) {
      const list = byWord.get(w) ?? [];
      list.push(i);
      byWord.set(w, list);
    }
  });
  const leaks: Leak[] = [];
  const shared = new Uint16Array(known.length);
  for (const text of texts) {
    const key = leakKey(text);
    const same = exact.get(key);
    if (same !== undefined) {
      leaks.push({ text, known: same, kind: 'same' });
      continue;
    }
    const words = new Set(key.split(' ').filter(Boolean));
    // Shared words per known text, from the word index.
    shared.fill(0);
    const touched: number[] = [];
    for (const w of words) {
      for (const i of byWord.get(w) ?? []) {
        if (shared[i] === 0) touched.push(i);
        shared[i]!++;
      }
    }
    const limit = Math.floor(key.length / 10);
    const near = (i: number) => {
      const other = knownWords[i]!;
      const jaccard = shared[i]! / (words.size + other.size - shared[i]!);
      if (words.size >= 4 && other.size >= 4 && jaccard >= NEAR_JACCARD) return true;
      // One edit changes at most two words, so texts `limit` edits apart share nearly all words.
      return limit > 0 && shared[i]! >= words.size - 2 * limit && Math.abs(knownKeys[i]!.length - key.length) <= limit && editDistance(key, knownKeys[i]!, limit) <= limit;
    };
    const hit = touched.find(near);
    if (hit !== undefined) leaks.push({ text, known: known[hit]!, kind: 'near' });
  }
  return leaks;
}
