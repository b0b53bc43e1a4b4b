/**
 * Reading a patient's typed or spoken answer to one survey item: "4", "reply 4", "4 - muy bien",
 * "cuatro", "4/5", "a four", "yes", "sí", "casi siempre", or the option's number ("reply 4 for
 * Always"). Anything that is not clearly one answer is `unclear` (the channel re-prompts once);
 * a number outside the scale is `out_of_range`, never clamped.
 */
import { type QuestionnaireItem, scaleOf } from './questionnaires.ts';

export type ParsedAnswer =
  | { kind: 'integer'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'choice'; code: string }
  | { kind: 'text'; value: string }
  | { kind: 'unclear' }
  | { kind: 'out_of_range'; value: number; min: number; max: number };

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  cero: 0, uno: 1, una: 1, un: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
};

/** Lower case, no accents, keycap emoji as digits, punctuation as spaces (but "4/5" and "4.5" kept). */
function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/(\d)\uFE0F?\u20E3/g, '$1')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}/.,\s-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Words around a number that do not change what it means. */
const FILLER = new Set([
  'reply', 'answer', 'my', 'is', 'i', 'd', 'would', 'say', 'give', 'it', 'a', 'an', 'rate', 'rating', 'score', 'stars', 'star', 'points', 'out', 'of', 'thanks', 'thank', 'you', 'ok', 'okay',
  'respondo', 'respuesta', 'mi', 'es', 'le', 'doy', 'daria', 'un', 'una', 'pongo', 'calificacion', 'puntos', 'estrellas', 'de', 'gracias', 'diria', 'el', 'la', 'numero', 'number',
]);

/**
 * The one integer the answer names, or why not. Digits count anywhere in the answer; number words
 * only in a short answer or right after "a"/"un" ("a four", "un cuatro"), so "no one called me
 * back" is not a 1.
 */
function readInteger(text: string, min: number, max: number): ParsedAnswer {
  const t = normalise(text);
  if (!t) return { kind: 'unclear' };
  // "4/5", "4 out of 5", "4 de 5": the second number is the scale, not an answer.
  const outOf = t.match(/^(?:.*?\s)?(\d{1,2})\s*(?:\/|out of|de|sobre)\s*(\d{1,2})(?:\s.*)?$/);
  if (outOf && Number(outOf[2]) === max) return inRange(Number(outOf[1]), min, max);
  if (/\d[.,]\d/.test(t)) return { kind: 'unclear' };
  const words = t.split(/[\s/.,-]+/).filter(Boolean);
  const values = new Set<number>();
  let otherWords = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (/^\d+$/.test(w)) {
      values.add(Number(w));
      continue;
    }
    const named = NUMBER_WORDS[w];
    if (named !== undefined) {
      const cued = i > 0 && ['a', 'un', 'una', 'the', 'el'].includes(words[i - 1]!);
      // "un"/"una" alone are articles, not numbers, unless nothing else is there.
      if ((w === 'un' || w === 'una') && words.length > 1) continue;
      if (words.length <= 4 || cued) values.add(named);
      continue;
    }
    if (!FILLER.has(w)) otherWords++;
  }
  if (values.size !== 1) return { kind: 'unclear' };
  const [value] = values as unknown as [number];
  // A number inside a long message that talks about something else is not an answer.
  if (otherWords > 6) return { kind: 'unclear' };
  return inRange(value, min, max);
}

function inRange(value: number, min: number, max: number): ParsedAnswer {
  return value >= min && value <= max ? { kind: 'integer', value } : { kind: 'out_of_range', value, min, max };
}

const YES = /^(?:yes|y|yeah|yep|yup|ya|sure|i did|i had to|correct|si|s|claro|asi es|tuve que|me toco|pues si)\b/;
const NO = /^(?:no|n|nope|nah|i didn t|i did not|didn t|not at all|never|nunca|para nada|no tuve)\b/;

function readBoolean(text: string): ParsedAnswer {
  const t = normalise(text).replace(/'/g, ' ');
  const yes = YES.test(t);
  const no = NO.test(t);
  if (yes === no) {
    // "1 yes / 2 no" prompts: the option's number.
    if (/^1\b/.test(t)) return { kind: 'boolean', value: true };
    if (/^2\b/.test(t)) return { kind: 'boolean', value: false };
    return { kind: 'unclear' };
  }
  return { kind: 'boolean', value: yes };
}

/** Phrases for the CAHPS frequency scale, longest first so "casi siempre" is not read as "siempre". */
const FREQUENCY_PHRASES: [RegExp, string][] = [
  [/\b(?:not always|no siempre|not never)\b/, ''],
  [/\b(?:most of the time|usually|generally|mostly|casi siempre|la mayoria de las veces|la mayor parte del tiempo|usualmente|generalmente|por lo general)\b/, 'usually'],
  [/\b(?:sometimes|some times|occasionally|a veces|algunas veces|de vez en cuando|ocasionalmente)\b/, 'sometimes'],
  [/\b(?:never|not once|nunca|jamas|ninguna vez)\b/, 'never'],
  [/\b(?:always|every time|all the time|siempre|todas las veces|todo el tiempo)\b/, 'always'],
];

function readChoice(text: string, item: QuestionnaireItem): ParsedAnswer {
  const options = item.answerOption ?? [];
  const t = normalise(text);
  for (const [pattern, code] of FREQUENCY_PHRASES) {
    if (!pattern.test(t)) continue;
    if (!code) return { kind: 'unclear' };
    if (options.some((o) => o.valueCoding.code === code)) return { kind: 'choice', code };
  }
  // The option's own words (an organisation's own choices), in either language.
  const matches = options.filter((o) => {
    const names = [o.valueCoding.code, o.valueCoding.display ?? '', ...(o.valueCoding._display?.extension ?? []).flatMap((e) => e.extension?.filter((x) => x.url === 'content').map((x) => x.valueString ?? '') ?? [])];
    return names.some((n) => n && new RegExp(`\\b${normalise(n).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(t));
  });
  if (matches.length === 1) return { kind: 'choice', code: matches[0]!.valueCoding.code };
  // "Reply 1 for Never … 4 for Always": the option's position.
  const n = readInteger(text, 1, options.length);
  if (n.kind === 'integer') return { kind: 'choice', code: options[n.value - 1]!.valueCoding.code };
  return { kind: 'unclear' };
}

/** Reads one answer to one item. */
export function parseAnswer(item: QuestionnaireItem, text: string): ParsedAnswer {
  switch (item.type) {
    case 'integer': {
      const range = scaleOf(item) ?? { min: 0, max: 10 };
      return readInteger(text, range.min, range.max);
    }
    case 'boolean':
      return readBoolean(text);
    case 'choice':
      return readChoice(text, item);
    case 'text': {
      const value = text.trim();
      return value ? { kind: 'text', value } : { kind: 'unclear' };
    }
    default:
      return { kind: 'unclear' };
  }
}
