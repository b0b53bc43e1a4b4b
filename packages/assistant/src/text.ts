/**
 * Text helpers for the assistant's rules. Every rule runs on folded text (lower case, no
 * accents, straight apostrophes) with the same indices as the original, so a match can be
 * cut out of what the patient actually wrote.
 */

/** Lower-case, accents removed, curly apostrophes straightened; same length as the input. */
export function foldAligned(s: string): string {
  let out = '';
  for (const ch of s) {
    let f = ch.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
    if (f === '’' || f === '‘' || f === 'ʼ') f = "'";
    out += f.length === ch.length ? f : ch;
  }
  return out;
}

/** Lower-case without accents; may change length (use for comparisons, not for spans). */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[’‘ʼ]/g, "'");
}

export interface Token {
  text: string;
  start: number;
  end: number;
}

/** Word tokens (letters and digits, inner apostrophes and hyphens kept) with their spans. */
export function tokenize(folded: string): Token[] {
  const out: Token[] = [];
  for (const m of folded.matchAll(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu)) {
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transposition) when it is at
 * most `max`, otherwise `max + 1`. Fuzzy matching only ever asks "within 1 or 2 edits?".
 */
export function boundedDistance(a: string, b: string, max: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[m]!, max + 1);
}

/** Edits a word of this length may differ by and still count as the same word. */
export function typoBudget(length: number): number {
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}
