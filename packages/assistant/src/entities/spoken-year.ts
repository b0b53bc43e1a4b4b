/**
 * Years said aloud, as speech recognition writes them: "nineteen eighty six",
 * "two thousand and five", "mil novecientos ochenta y seis", "dos mil cinco". The date
 * recognizer reads "September thirtieth" but leaves a spoken year beside it (English) or
 * misses it entirely (Spanish); a date of birth needs both.
 */

const EN_UNITS: Record<string, number> = {
  zero: 0, oh: 0, o: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const EN_TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };

const ES_SMALL: Record<string, number> = {
  cero: 0, un: 1, uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
  once: 11, doce: 12, trece: 13, catorce: 14, quince: 15, dieciseis: 16, diecisiete: 17, dieciocho: 18, diecinueve: 19,
  veinte: 20, veintiuno: 21, veintiun: 21, veintidos: 22, veintitres: 23, veinticuatro: 24, veinticinco: 25,
  veintiseis: 26, veintisiete: 27, veintiocho: 28, veintinueve: 29, treinta: 30, cuarenta: 40, cincuenta: 50,
  sesenta: 60, setenta: 70, ochenta: 80, noventa: 90,
};
const ES_HUNDREDS: Record<string, number> = {
  cien: 100, ciento: 100, doscientos: 200, trescientos: 300, cuatrocientos: 400, quinientos: 500, seiscientos: 600,
  setecientos: 700, ochocientos: 800, novecientos: 900,
};

export interface SpokenYear {
  year: number;
  /** Characters consumed from the start of the text. */
  length: number;
}

interface Word {
  w: string;
  end: number;
}

function wordsOf(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(/[a-z]+/g)) {
    // Only words separated by spaces, hyphens or "and"/"y" belong to one number.
    const gap = text.slice(out.length ? out[out.length - 1]!.end : 0, m.index);
    if (out.length && !/^[\s-]*$/.test(gap)) break;
    if (!out.length && !/^\s*$/.test(gap)) break;
    out.push({ w: m[0], end: m.index + m[0].length });
    if (out.length >= 8) break;
  }
  return out;
}

/** 0..99 from English words at `i`: "eighty six", "eighty-six", "oh five", "twelve". */
function enTwoDigits(words: Word[], i: number): { value: number; next: number } | null {
  const a = words[i]?.w;
  if (a === undefined) return null;
  if (a === 'oh' || a === 'o') {
    const b = words[i + 1]?.w;
    const unit = b === undefined ? undefined : EN_UNITS[b];
    return unit !== undefined && unit > 0 && unit < 10 ? { value: unit, next: i + 2 } : null;
  }
  if (EN_TENS[a] !== undefined) {
    const b = words[i + 1]?.w;
    const unit = b === undefined ? undefined : EN_UNITS[b];
    if (unit !== undefined && unit > 0 && unit < 10) return { value: EN_TENS[a]! + unit, next: i + 2 };
    return { value: EN_TENS[a]!, next: i + 1 };
  }
  if (EN_UNITS[a] !== undefined && a !== 'o') return { value: EN_UNITS[a]!, next: i + 1 };
  return null;
}

function english(words: Word[]): SpokenYear | null {
  // "two thousand [and] five"
  if (words[0]?.w === 'two' && words[1]?.w === 'thousand') {
    let i = 2;
    if (words[i]?.w === 'and') i++;
    const rest = enTwoDigits(words, i);
    if (rest && rest.value > 0) return { year: 2000 + rest.value, length: words[rest.next - 1]!.end };
    return { year: 2000, length: words[1]!.end };
  }
  // "nineteen eighty six", "nineteen oh five", "nineteen hundred", "twenty ten"
  const first = enTwoDigits(words, 0);
  if (!first || first.value < 18 || first.value > 20) return null;
  if (words[first.next]?.w === 'hundred') return { year: first.value * 100, length: words[first.next]!.end };
  const second = enTwoDigits(words, first.next);
  if (!second) return null;
  return { year: first.value * 100 + second.value, length: words[second.next - 1]!.end };
}

function spanish(words: Word[]): SpokenYear | null {
  let total = 0;
  let current = 0;
  let consumed = 0;
  let sawThousand = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.w;
    if (w === 'y' && current % 10 === 0 && current % 100 !== 0 && i + 1 < words.length) continue;
    if (w === 'mil') {
      total += (current || 1) * 1000;
      current = 0;
      sawThousand = true;
    } else if (ES_HUNDREDS[w] !== undefined) current += ES_HUNDREDS[w]!;
    else if (ES_SMALL[w] !== undefined) current += ES_SMALL[w]!;
    else break;
    consumed = i + 1;
  }
  if (!sawThousand || consumed === 0) return null;
  return { year: total + current, length: words[consumed - 1]!.end };
}

/** A spoken year at the very start of folded `text` (leading spaces allowed), or null. */
export function spokenYearAt(text: string): SpokenYear | null {
  const words = wordsOf(text);
  if (words.length === 0) return null;
  const found = english(words) ?? spanish(words);
  if (!found || found.year < 1900 || found.year > 2100) return null;
  return found;
}
