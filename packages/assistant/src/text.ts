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

/** Edits a word of this length may differ by and still count as the same word. */
export function typoBudget(length: number): number {
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}
