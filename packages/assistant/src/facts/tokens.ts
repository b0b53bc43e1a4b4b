/**
 * A token stream over folded text (lower case, no accents, same indices as the original)
 * and readers for numbers said in words, English and Spanish, as speech recognition and
 * patients write them: "fourteenth", "twenty-first", "sixty one", "nineteen sixty-one",
 * "two thousand and five", "catorce", "treinta y uno", "primero", "mil novecientos sesenta y
 * uno", "dos mil cinco".
 */

export interface Tok {
  kind: 'num' | 'word' | 'sep';
  text: string;
  start: number;
  end: number;
  /** What lies between the previous token and this one (spaces, mostly). */
  gap: string;
}

export function tokens(folded: string): Tok[] {
  const out: Tok[] = [];
  let last = 0;
  for (const m of folded.matchAll(/\d+|[a-zñ]+|[/\-.,'º°#:]/g)) {
    const text = m[0];
    const kind = /^\d/.test(text) ? 'num' : /^[a-zñ]/.test(text) ? 'word' : 'sep';
    out.push({ kind, text, start: m.index, end: m.index + text.length, gap: folded.slice(last, m.index) });
    last = m.index + text.length;
  }
  return out;
}

const EN_UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const EN_TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fourty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const EN_ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17,
  eighteenth: 18, nineteenth: 19, twentieth: 20, thirtieth: 30,
};
const ES_SMALL: Record<string, number> = {
  cero: 0, un: 1, uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
  once: 11, doce: 12, trece: 13, catorce: 14, quince: 15, dieciseis: 16, diecisiete: 17, dieciocho: 18, diecinueve: 19,
  veinte: 20, veintiuno: 21, veintiun: 21, veintidos: 22, veintitres: 23, veinticuatro: 24, veinticinco: 25,
  veintiseis: 26, veintisiete: 27, veintiocho: 28, veintinueve: 29,
};
const ES_TENS: Record<string, number> = { treinta: 30, cuarenta: 40, cincuenta: 50, sesenta: 60, setenta: 70, ochenta: 80, noventa: 90 };
const ES_ORDINALS: Record<string, number> = { primero: 1, primer: 1, primera: 1 };
const ES_HUNDREDS: Record<string, number> = {
  cien: 100, ciento: 100, doscientos: 200, trescientos: 300, cuatrocientos: 400, quinientos: 500, seiscientos: 600,
  setecientos: 700, ochocientos: 800, novecientos: 900,
};
/** Digits said one by one ("five five five…", "cinco cinco…"); "oh" only inside a run. */
export const DIGIT_WORDS: Record<string, number> = {
  zero: 0, oh: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  cero: 0, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9,
};

export interface NumberRead {
  value: number;
  /** Index of the first token after the number. */
  next: number;
  ordinal: boolean;
  /** Written in digits. */
  digits: boolean;
  /** Number of digits when written in digits ("03" → 2). */
  width: number;
}

/** Skips hyphens between number words ("sixty-one"). */
function at(toks: Tok[], i: number): Tok | undefined {
  return toks[i];
}

function wordAt(toks: Tok[], i: number): { w: string; i: number } | null {
  let k = i;
  if (toks[k]?.kind === 'sep' && toks[k]!.text === '-' && k > 0) k++;
  const t = toks[k];
  return t && t.kind === 'word' ? { w: t.text, i: k } : null;
}

/** 0..99 said in words at token `i` (English or Spanish), cardinal or ordinal. */
export function smallNumberAt(toks: Tok[], i: number): NumberRead | null {
  const t = at(toks, i);
  if (!t || t.kind !== 'word') return null;
  const w = t.text;
  const done = (value: number, next: number, ordinal: boolean): NumberRead => ({ value, next, ordinal, digits: false, width: 0 });
  if (EN_ORDINALS[w] !== undefined) return done(EN_ORDINALS[w]!, i + 1, true);
  if (ES_ORDINALS[w] !== undefined) return done(ES_ORDINALS[w]!, i + 1, true);
  if (EN_TENS[w] !== undefined) {
    const n = wordAt(toks, i + 1);
    if (n && EN_UNITS[n.w] !== undefined && EN_UNITS[n.w]! > 0 && EN_UNITS[n.w]! < 10) return done(EN_TENS[w]! + EN_UNITS[n.w]!, n.i + 1, false);
    if (n && EN_ORDINALS[n.w] !== undefined && EN_ORDINALS[n.w]! < 10) return done(EN_TENS[w]! + EN_ORDINALS[n.w]!, n.i + 1, true);
    return done(EN_TENS[w]!, i + 1, false);
  }
  if (EN_UNITS[w] !== undefined) return done(EN_UNITS[w]!, i + 1, false);
  if (ES_TENS[w] !== undefined) {
    const y = wordAt(toks, i + 1);
    if (y?.w === 'y') {
      const n = wordAt(toks, y.i + 1);
      if (n && ES_SMALL[n.w] !== undefined && ES_SMALL[n.w]! > 0 && ES_SMALL[n.w]! < 10) return done(ES_TENS[w]! + ES_SMALL[n.w]!, n.i + 1, false);
    }
    return done(ES_TENS[w]!, i + 1, false);
  }
  if (ES_SMALL[w] !== undefined) return done(ES_SMALL[w]!, i + 1, false);
  return null;
}

/** A number written in digits at `i`, with an ordinal suffix if any ("14th", "1º", "1ro"). */
export function digitsAt(toks: Tok[], i: number): NumberRead | null {
  const t = at(toks, i);
  if (!t || t.kind !== 'num' || t.text.length > 4) return null;
  const value = Number(t.text);
  const s = toks[i + 1];
  if (s && s.gap === '' && ((s.kind === 'word' && /^(?:st|nd|rd|th|ro|do|er|ero|vo|to|o|a)$/.test(s.text)) || (s.kind === 'sep' && /^[º°]$/.test(s.text)))) {
    return { value, next: i + 2, ordinal: true, digits: true, width: t.text.length };
  }
  return { value, next: i + 1, ordinal: false, digits: true, width: t.text.length };
}

export interface YearRead {
  year: number;
  next: number;
  /** Only two digits were given ("'61", "sixty-one", "del sesenta y uno"). */
  twoDigit: boolean;
}

/** A year at `i`: 1961, '61, 61, "nineteen sixty-one", "nineteen oh five", "two thousand five", "mil novecientos sesenta y uno". */
export function yearAt(toks: Tok[], i: number, pivot: number): YearRead | null {
  let k = i;
  if (toks[k]?.kind === 'sep' && toks[k]!.text === "'") k++;
  const t = toks[k];
  if (!t) return null;
  const expand = (yy: number) => (yy <= pivot ? 2000 + yy : 1900 + yy);
  if (t.kind === 'num') {
    if (t.text.length === 4) {
      const y = Number(t.text);
      return y >= 1900 && y <= 2100 ? { year: y, next: k + 1, twoDigit: false } : null;
    }
    if (t.text.length === 2) return { year: expand(Number(t.text)), next: k + 1, twoDigit: true };
    return null;
  }
  if (t.kind !== 'word') return null;
  // English: "two thousand (and) five"
  if (t.text === 'two' && wordAt(toks, k + 1)?.w === 'thousand') {
    let j = wordAt(toks, k + 1)!.i + 1;
    if (toks[j]?.text === 'and') j++;
    const rest = smallNumberAt(toks, j);
    if (rest && !rest.ordinal) return { year: 2000 + rest.value, next: rest.next, twoDigit: false };
    return { year: 2000, next: j, twoDigit: false };
  }
  // Spanish: "mil novecientos sesenta y uno", "dos mil cinco"
  if (t.text === 'mil' || (t.text === 'dos' && wordAt(toks, k + 1)?.w === 'mil')) {
    let j = t.text === 'mil' ? k + 1 : wordAt(toks, k + 1)!.i + 1;
    let year = t.text === 'mil' ? 1000 : 2000;
    const h = wordAt(toks, j);
    if (h && ES_HUNDREDS[h.w] !== undefined) {
      year += ES_HUNDREDS[h.w]!;
      j = h.i + 1;
    }
    const rest = smallNumberAt(toks, j);
    if (rest && !rest.ordinal) {
      year += rest.value;
      j = rest.next;
    }
    return year >= 1900 && year <= 2100 ? { year, next: j, twoDigit: false } : null;
  }
  // English: "nineteen sixty-one", "nineteen oh five", "twenty ten", "nineteen hundred"
  const first = smallNumberAt(toks, k);
  if (!first || first.ordinal) return null;
  if (first.value >= 19 && first.value <= 20) {
    const n = wordAt(toks, first.next);
    if (n?.w === 'hundred') return { year: first.value * 100, next: n.i + 1, twoDigit: false };
    if (n && (n.w === 'oh' || n.w === 'o')) {
      const u = wordAt(toks, n.i + 1);
      if (u && EN_UNITS[u.w] !== undefined && EN_UNITS[u.w]! > 0 && EN_UNITS[u.w]! < 10) return { year: first.value * 100 + EN_UNITS[u.w]!, next: u.i + 1, twoDigit: false };
    }
    const second = smallNumberAt(toks, first.next);
    if (second && !second.ordinal && second.value >= 10) return { year: first.value * 100 + second.value, next: second.next, twoDigit: false };
  }
  // A bare two-digit number said in words: "sixty-one", "sesenta y uno".
  if (first.value >= 10) return { year: expand(first.value), next: first.next, twoDigit: true };
  return null;
}

/** Runs of digits said one by one, turned into digit strings ("five five five…" → "555…"). */
export function spokenDigitRuns(folded: string, minDigits: number): Array<{ start: number; end: number; digits: string }> {
  const out: Array<{ start: number; end: number; digits: string }> = [];
  const re = /[a-z]+|\d+/g;
  let run: { start: number; end: number; digits: string } | null = null;
  let lastEnd = 0;
  const flush = () => {
    if (run && run.digits.length >= minDigits) out.push(run);
    run = null;
  };
  for (const m of folded.matchAll(re)) {
    const w = m[0];
    const gap = folded.slice(lastEnd, m.index);
    const contiguous = run !== null && /^[\s,.-]*$/.test(gap) && gap.length <= 3;
    if (!contiguous) flush();
    let digits: string | null = null;
    if (/^\d+$/.test(w)) digits = w;
    else if (DIGIT_WORDS[w] !== undefined && (w !== 'oh' || run !== null)) digits = String(DIGIT_WORDS[w]);
    else if ((w === 'double' || w === 'doble') && run !== null) digits = '';
    if (digits === null) {
      flush();
    } else {
      const doubling: boolean = run !== null && (run as { digits: string; double?: boolean }).double === true;
      if (!run) run = { start: m.index, end: m.index + w.length, digits: '' };
      const r = run as { start: number; end: number; digits: string; double?: boolean };
      if (digits === '') r.double = true;
      else {
        r.digits += doubling ? digits + digits : digits;
        r.double = false;
      }
      r.end = m.index + w.length;
    }
    lastEnd = m.index + w.length;
  }
  flush();
  return out.map(({ start, end, digits }) => ({ start, end, digits }));
}
