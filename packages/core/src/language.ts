import { fold, words } from './facts/text.ts';
import type { Language } from './types.ts';

/**
 * Offline English/Spanish detection for routing and replies. Patient messages are short
 * ("hola", "refill pls"), so n-gram models trained on prose do badly; instead we weigh
 * function words that are frequent in one language and absent from the other, plus
 * orthography only Spanish has (ñ, ¿, ¡, accented vowels). Words both languages share
 * ("no", "me", "a", "hospital", "doctor") carry no weight. Nothing here is a guess from a
 * single ambiguous word: without evidence we return null and callers keep their default.
 */

// Weight 1.5 for words that are strong and frequent markers, 1 for the rest.
const EN_STRONG = ['the', 'and', 'is', 'are', 'my', 'you', 'your', 'what', 'with', 'this', 'that', 'have', 'i', "i'm", 'im', 'hi', 'hello', 'thanks', 'thank', 'please', 'need', 'would', 'like', 'to', 'of'];
const EN_WEAK = [
  'an', 'it', "it's", 'was', 'were', 'be', 'been', 'am', 'for', 'from', 'at', 'on', 'in', 'by', 'about', 'can', 'could',
  'will', 'should', 'do', 'does', 'did', "don't", "can't", 'not', 'just', 'we', 'our', 'they', 'their', 'he', 'she', 'his',
  'her', 'him', 'when', 'where', 'how', 'why', 'who', 'which', 'there', 'here', 'some', 'any', 'get', 'got', 'want', 'know',
  'hey', 'yes', 'yeah', 'yep', 'okay', 'sure', 'sorry', 'if', 'but', 'or', 'so', 'again', 'today', 'tomorrow', 'week',
  'time', 'back', 'call', 'calling', 'good', 'morning', 'afternoon', 'evening', 'appointment', 'question', 'help', 'bill',
  'refill', 'prescription', 'results', 'insurance', 'name', 'date', 'birth', 'born', 'number', 'phone', 'still', 'after',
  'before', 'next', 'also', 'much', 'bye', 'pay', 'test', 'first', 'last', 'has', 'had', 'meds',
];
const ES_STRONG = ['el', 'la', 'los', 'las', 'que', 'de', 'del', 'y', 'es', 'por', 'para', 'con', 'mi', 'hola', 'gracias', 'necesito', 'quiero', 'tengo', 'una', 'un'];
const ES_WEAK = [
  'unos', 'unas', 'en', 'mis', 'tu', 'su', 'sus', 'lo', 'le', 'les', 'se', 'si', 'yo', 'usted', 'ustedes', 'nosotros',
  'muy', 'pero', 'como', 'cuando', 'donde', 'quisiera', 'tiene', 'puedo', 'puede', 'pueden', 'buenos', 'buenas', 'dias',
  'tardes', 'noches', 'favor', 'cita', 'receta', 'esta', 'estoy', 'soy', 'ser', 'hay', 'al', 'tambien', 'ya', 'mas', 'este',
  'esto', 'eso', 'ese', 'llamo', 'nombre', 'fecha', 'nacimiento', 'manana', 'hoy', 'semana', 'doctora', 'medico', 'ayuda',
  'pregunta', 'sobre', 'todo', 'bien', 'senor', 'senora', 'queria', 'necesita', 'hablar', 'tomar', 'cual', 'porque', 'pues',
  'ahora', 'otra', 'otro', 'vez', 'ha', 'he', 'sido', 'fue', 'mucho', 'nada', 'algo', 'hace', 'ella', 'ellos', 'nos',
  'estaba', 'dolor', 'factura', 'seguro', 'resultados', 'medicamento', 'llamar', 'numero', 'correo', 'ayer', 'adios', 'vale',
  'claro', 'tengo', 'tiene', 'quiere', 'sea', 'hasta', 'desde', 'entre', 'sin', 'nuevo', 'nueva', 'mismo', 'misma',
];

const WEIGHTS = new Map<string, { en: number; es: number }>();
function add(list: readonly string[], lang: Language, weight: number): void {
  for (const w of list) {
    const key = fold(w).replace(/’/g, "'");
    const entry = WEIGHTS.get(key) ?? { en: 0, es: 0 };
    entry[lang] = Math.max(entry[lang], weight);
    WEIGHTS.set(key, entry);
  }
}
add(EN_STRONG, 'en', 1.5);
add(EN_WEAK, 'en', 1);
add(ES_STRONG, 'es', 1.5);
add(ES_WEAK, 'es', 1);
// A word listed for both languages tells us nothing.
for (const [k, v] of WEIGHTS) if (v.en > 0 && v.es > 0) WEIGHTS.delete(k);

/** Total evidence needed before we commit to an answer. */
const MIN_EVIDENCE = 1;

export function detectLanguage(text: string): { language: Language; confidence: number } | null {
  if (typeof text !== 'string') return null;
  const sample = text.length > 4000 ? text.slice(0, 4000) : text;
  let en = 0;
  let es = 0;

  // Orthography: capped so a Spanish name ("María Núñez") in an English sentence cannot
  // outweigh the sentence itself.
  const inverted = (sample.match(/[¿¡]/g) ?? []).length;
  const enye = (sample.match(/[ñÑ]/g) ?? []).length;
  const accented = (sample.match(/[áéíóúÁÉÍÓÚüÜ]/g) ?? []).length;
  es += Math.min(inverted * 2, 4) + Math.min(enye, 2) + Math.min(accented * 0.75, 2.25);

  const lower = sample.toLowerCase().replace(/’/g, "'");
  const contractions = (lower.match(/\b[a-z]+'(?:s|t|m|re|ll|ve|d)\b/g) ?? []).length;
  en += Math.min(contractions, 3);

  for (const w of words(fold(sample).replace(/’/g, "'"))) {
    if (/^\d+$/.test(w)) continue;
    const hit = WEIGHTS.get(w);
    if (hit) {
      en += hit.en;
      es += hit.es;
      continue;
    }
    // Suffixes that are characteristic of one language, for content words not on the lists.
    if (w.length >= 6 && /(?:cion|ciones|mente|idad|ado|ada|ido|ida)$/.test(w)) es += 0.5;
    else if (w.length >= 5 && /(?:ing|tion|ness|ed|ly)$/.test(w)) en += 0.5;
    else if (/[wk]|th|sh/.test(w)) en += 0.25;
  }

  const total = en + es;
  if (total < MIN_EVIDENCE || en === es) return null;
  const language: Language = en > es ? 'en' : 'es';
  const margin = Math.abs(en - es) / total;
  const strength = Math.min(1, total / 4);
  const confidence = Math.round(Math.min(0.99, 0.5 + 0.49 * margin * (0.5 + 0.5 * strength)) * 100) / 100;
  return { language, confidence };
}
