/**
 * Small text helpers shared by the rules-based understanding in core (fact extraction,
 * language detection, request-type rules). They exist so every rule matches the same
 * folded text: patients write "cita", "Cita" and "CITA", "análisis" and "analisis".
 */

/** Lower-case without diacritics. The result may differ in length from the input. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/**
 * Like `fold`, but guaranteed to keep every character at the same index, so a match found
 * in the folded text can be cut out of the original (to keep "María" rather than "maria").
 * Characters whose folding would change length (ligatures, "İ") are kept as they are.
 */
export function foldAligned(s: string): string {
  let out = '';
  for (const ch of s) {
    const f = ch.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
    out += f.length === ch.length ? f : ch;
  }
  return out;
}

/** Word tokens of folded text: letters and digits, apostrophes kept inside words. */
export function words(folded: string): string[] {
  return folded.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transposition), stopping early
 * once it exceeds `max`: typo tolerance only ever asks "is it within 1 or 2 edits?".
 */
export function editDistanceWithin(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  if (a === b) return true;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
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
    if (rowMin > max) return false;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]! <= max;
}
