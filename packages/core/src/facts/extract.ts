import { detectLanguage } from '../language.ts';
import { findEmailSpans, findPhoneNumberSpans, normalizeIdentifier } from '../identity/normalize.ts';
import { classifyRequestType } from '../request-type.ts';
import type { ExtractedFact, FactExtractionContext, FactExtractor, FactName, Language } from '../types.ts';
import { findDates, type FoundDate } from './dates.ts';
import { findMedications } from './medications.ts';
import { foldAligned } from './text.ts';

/**
 * The foundation's rules-based fact extractor (English and Spanish). It reads what a
 * patient said and names the facts in it, so the ledger can tell that a date of birth was
 * already given before anyone asks again. Precision matters more than recall here: a wrong
 * fact ("I'm Fine" stored as a name) is shown to the next handler as truth, while a missed
 * one only costs a question the assistant's richer extractor may still answer.
 */

/** Longest text we read; a pasted document is not a conversational turn. */
const MAX_TEXT = 5000;
const MAX_REASON = 200;

interface Span {
  start: number;
  end: number;
}

class Facts {
  private readonly list: ExtractedFact[] = [];
  add(name: FactName, value: string | null | undefined, confidence: number): void {
    if (!value) return;
    const c = Math.round(Math.max(0, Math.min(1, confidence)) * 100) / 100;
    const existing = this.list.find((f) => f.name === name && f.value === value);
    if (existing) {
      existing.confidence = Math.max(existing.confidence, c);
      return;
    }
    this.list.push({ name, value, confidence: c });
  }
  has(name: FactName): boolean {
    return this.list.some((f) => f.name === name);
  }
  all(): ExtractedFact[] {
    return this.list;
  }
}

// ---------------------------------------------------------------------------------------
// Names

/** Words that follow "I'm" / "this is" / "soy" without being a name. Folded. */
const NOT_A_NAME = new Set(
  (
    'a an the and or but so not no yes yeah yep ok okay here there just still also very really too now again already ' +
    'calling call writing texting trying looking having hoping wondering following reaching contacting going getting ' +
    'feeling fine good great well sorry afraid sure glad happy sad sick ill tired worried concerned interested unable ' +
    'able new returning back pregnant diabetic allergic asthmatic home out in on at about regarding re with from for to ' +
    'of by as his her their my your our its this that these those it he she they we you i me him them who what why how ' +
    'when where which patient patients doctor nurse mother father mom mum dad son daughter wife husband caregiver ' +
    'guardian parent friend brother sister grandmother grandfather grandma grandpa aunt uncle partner urgent important ' +
    'hi hello hey thanks thank please currently done ready available busy late early confused lost frustrated upset ' +
    'angry annoyed scared nervous better worse alright all right never always one someone somebody anyone actually ' +
    'finally only almost over under test testing name first last number phone email date birth born member calling ' +
    'unsure positive negative looking having being going coming following still waiting trying hurting bleeding ' +
    'in-network covered insured uninsured retired disabled married single over out old young years year able ' +
    'el la los las un una uno unos unas de del y o u e que en con por para su sus mi mis tu tus muy yo ella ellos ' +
    'usted paciente nuevo nueva diabetico diabetica alergico alergica hipertenso hipertensa madre padre mama papa ' +
    'hijo hija esposo esposa hermano hermana abuelo abuela tio tia nieto nieta cuidador cuidadora doctor doctora ' +
    'enfermera enfermero espanol ingles aqui alla bien mal buenos buenas hola gracias si no nada solo tambien ' +
    'todavia ya asi casado casada soltero soltera mayor menor cliente miembro afiliado afiliada usuario usuaria ' +
    'embarazada quien llamando escribiendo este esta estoy eso muy tan persona alguien familiar pariente amigo amiga ' +
    'al lo le les se me te nos su cual como cuando donde porque pues ahora hoy manana ayer nombre apellido fecha ' +
    // Verbs that follow a name in unpunctuated text ("soy maria lopez necesito una cita").
    'need needs needed want wanted have has had would like can could is are was were am do does did get got ' +
    'call called calls speaking here hoping just necesito necesita quiero quisiera queria tengo tiene llamo llame ' +
    'hablo habla estoy esta puedo puede quisieramos necesitamos escribo busco'
  ).split(/\s+/),
);

/**
 * Common English and Spanish words (adjectives, adverbs, nouns and verbs) that are not given
 * names. "This is", "I'm", "soy" and "me llamo" also introduce opinions and descriptions
 * ("this is ridiculous", "soy mexicana", "me llamó la atención"), so after them the next word
 * must not be one of these. Words that are also common given names (Grace, Hope, Faith,
 * Rose, Frank, Bill, Rosa, Blanca, Clara, Dolores, Consuelo, Amparo…) are deliberately
 * absent: a real name must never be refused. Folded; Spanish adjectives are listed in one
 * form and their other genders and plurals are added below.
 */
const COMMON_WORDS_EN = (
  'ridiculous absurd unacceptable unbelievable outrageous insane crazy nuts terrible horrible awful stupid useless ' +
  'pathetic impossible unfair unreasonable inexcusable disgraceful shameful wrong correct incorrect true false weird ' +
  'strange odd unclear frustrating annoying confusing disappointing insulting exhausting infuriating embarrassing ' +
  'amazing awesome excellent wonderful fantastic perfect nice helpful unhelpful hard difficult easy expensive cheap ' +
  'slow fast quick serious critical normal bad worse worst mad furious disappointed fed finished nonsense madness ' +
  'bullshit crap garbage rubbish joke unreal mine yours ours everything nothing something anything exactly totally ' +
  'super way extremely seriously literally honestly basically absolutely definitely probably maybe hopefully simply ' +
  'emergency problem issue question request message reminder appointment mistake error disaster nightmare scam spam ' +
  'automated recording voicemail second third fourth fifth final another other same different clinic hospital office ' +
  'pharmacy billing insurance account concerning following regarding taking getting making happening continuing ' +
  'unacceptable inaccurate annoyed confused worried scared afraid bored lonely stressed overwhelmed desperate ' +
  'hungry thirsty cold hot dizzy nauseous weak exhausted pregnant breastfeeding vegetarian vegan deaf blind ' +
  'american mexican cuban spanish english latino latina hispanic citizen resident student teacher employee ' +
  'retired widowed divorced separated disabled veteran donor volunteer caller customer client'
).split(' ');
const COMMON_WORDS_ES = (
  'ridiculo absurdo inaceptable increible indignante injusto horrible terrible pesimo fatal malo loco tonto estupido ' +
  'inutil imposible urgente importante grave serio normal correcto incorrecto cierto falso raro extrano confuso ' +
  'molesto enojado enfadado harto cansado frustrado desesperado preocupado nervioso asustado triste contento ' +
  'agradecido ocupado listo viejo anciano jubilado pensionado viudo divorciado separado asmatico celiaco ' +
  'vegetariano vegano discapacitado sordo ciego mudo estudiante maestro empleado trabajador residente ciudadano ' +
  'inmigrante extranjero mexicano cubano colombiano dominicano puertorriqueno salvadoreno guatemalteco hondureno ' +
  'venezolano peruano argentino chileno ecuatoriano nicaraguense americano latino hispano estadounidense responsable ' +
  'tutor medico donante voluntario primerizo todo algo otro mismo demasiado bastante super mareado enfermo ' +
  'lactante nuevo solo titular beneficiario dependiente cliente usuario'
).split(' ');
const COMMON_WORDS = new Set(COMMON_WORDS_EN);
for (const w of COMMON_WORDS_ES) {
  COMMON_WORDS.add(w);
  if (w.endsWith('o')) for (const end of ['a', 'os', 'as']) COMMON_WORDS.add(w.slice(0, -1) + end);
  else if (w.endsWith('e')) COMMON_WORDS.add(`${w}s`);
  else COMMON_WORDS.add(`${w}es`);
}
// A few Spanish adjectives end in a consonant and take -a in the feminine.
for (const w of ['espanola', 'espanolas', 'espanoles', 'ingles', 'inglesa', 'francesa', 'frances', 'alemana', 'aleman', 'trabajadora', 'trabajadoras']) COMMON_WORDS.add(w);

/** Words that end a name even when capitalised ("I'm Maria And…", "Soy Ana Y…"). */
const FUNCTION_WORDS = new Set(['i', 'and', 'but', 'or', 'the', 'a', 'an', 'my', 'me', 'y', 'o', 'pero', 'el', 'un', 'una', 'mi', 'yo']);

/** Forms of address that precede a surname; clinicians' titles mean staff is speaking. */
const COURTESY_TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'sr', 'sra', 'srta', 'senor', 'senora', 'senorita', 'don', 'dona']);
const STAFF_TITLES = new Set(['dr', 'dra', 'doctor', 'doctora', 'nurse', 'enfermera', 'enfermero']);
/** Lower-case connectors inside family names: "de la Cruz", "van der Berg". */
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'da', 'das', 'do', 'dos', 'di', 'du', 'van', 'von', 'der', 'den', 'le']);

type NameTriggerKind = 'full' | 'weak' | 'given' | 'family';
interface NameTrigger {
  re: RegExp;
  kind: NameTriggerKind;
  language: Language;
  /** The first word after it must look like a name, not a common word (see COMMON_WORDS). */
  nameLike?: boolean;
}

// Run on folded text. "full" triggers introduce a name explicitly; "weak" ones ("I'm",
// "soy") introduce all sorts of things and need the word after them to look like a name.
const NAME_TRIGGERS: NameTrigger[] = [
  { re: /\b(?:my )?(?:first|given) name(?: is|'s|:)\s*/g, kind: 'given', language: 'en' },
  { re: /\b(?:my )?(?:last|family|sur) ?name(?: is|'s|:)\s*/g, kind: 'family', language: 'en' },
  { re: /\b(?:mi )?(?:primer nombre|nombre de pila)(?: es|:)\s*/g, kind: 'given', language: 'es' },
  { re: /\b(?:mi apellido(?: es|:)|mis apellidos(?: son|:)|apellidos?:)\s*/g, kind: 'family', language: 'es' },
  { re: /\b(?:my (?:full )?name(?: is|'s)|(?:the )?patient'?s name is|patient name is|the name is|name:)\s*/g, kind: 'full', language: 'en' },
  { re: /\b(?:mi nombre(?: completo)? es|el nombre del paciente es|nombre:)\s*/g, kind: 'full', language: 'es' },
  // "me llamo" is explicit, but folded it is also "me llamó" (someone called me).
  { re: /\bme llamo\s+/g, kind: 'full', language: 'es', nameLike: true },
  { re: /\b(?:this is|i'm|i am|im)\s+/g, kind: 'weak', language: 'en', nameLike: true },
  { re: /\b(?:soy|(?:le |les |te )?habla)\s+/g, kind: 'weak', language: 'es', nameLike: true },
];

const NAME_TOKEN = /^[\p{L}][\p{L}'’-]*/u;

function isCaseless(s: string): boolean {
  return s === s.toLowerCase() || s === s.toUpperCase();
}

/** "lopez" → "Lopez", "o'brien" → "O'Brien", "garcía-pérez" → "García-Pérez". */
function titleCase(token: string): string {
  const lower = token.toLowerCase();
  return lower.replace(/(^|[-'’])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

interface NameParts {
  tokens: string[];
  /** The first token was written capitalised in mixed-case text. */
  capitalised: boolean;
  /** A courtesy title came first ("Mrs. Lopez"), so a single token is a family name. */
  titled: boolean;
  /** Index just past the last name word in the original text. */
  end: number;
}

/**
 * Reads up to six name words from `original` at `pos` (six, because particles count:
 * "Miguel Hernández de la Cruz"). Stops at punctuation, digits, a non-name word, or, after
 * a capitalised first word in mixed-case text, at a lower-case word that is not a particle.
 */
function readName(original: string, pos: number, weak: boolean, familyOnly = false, nameLike = false): NameParts | null {
  const mixedCase = !isCaseless(original.replace(/[^\p{L}]/gu, ''));
  const tokens: string[] = [];
  const ends: number[] = [];
  let titled = false;
  let firstCapitalised = false;
  let i = pos;
  while (tokens.length < 6) {
    const m = NAME_TOKEN.exec(original.slice(i, i + 40));
    if (!m) break;
    // "This is Maria's son": the speaker is someone else, so there is no name to take.
    if (/^['’]s\b/i.test(original.slice(i + m[0].length - 2, i + m[0].length + 1)) && m[0].length > 3) return null;
    const word = m[0].replace(/['’-]+$/, '');
    const folded = foldAligned(word).replace(/’/g, "'");
    const after = original.slice(i + m[0].length);
    const capitalised = word[0] !== word[0]!.toLowerCase();
    if (tokens.length === 0) {
      if (!titled && STAFF_TITLES.has(folded) && /^\.?\s/.test(after)) return null;
      if (!titled && COURTESY_TITLES.has(folded) && /^\.?\s+\p{L}/u.test(after)) {
        titled = true;
        i += m[0].length + (/^\.?\s+/.exec(after)?.[0].length ?? 0);
        continue;
      }
      // "De la Cruz" is a family name; "de" after "my name is" is not a given name.
      const leadingParticle = familyOnly && PARTICLES.has(folded) && /^\s\p{L}/u.test(after);
      if (!leadingParticle && (NOT_A_NAME.has(folded) || PARTICLES.has(folded) || word.length < 2)) return null;
      if (nameLike && COMMON_WORDS.has(folded)) return null;
      // After "I'm" / "soy", a lower-case English participle or adverb ("i'm calling",
      // "im tired", "i'm really…") is far likelier than a name.
      if (weak && !capitalised && /(?:ing|ed|ly)$/.test(folded) && folded.length > 4) return null;
      firstCapitalised = capitalised;
    } else {
      const particle = PARTICLES.has(folded);
      // A capitalised name in mixed-case text ends at the first lower-case word; there,
      // capitals are the evidence, so "Rebecca Young" or "Ana Bueno" keep their surname.
      const capitalsTell = firstCapitalised && mixedCase;
      if (capitalsTell && !particle && !capitalised) break;
      if (!particle && NOT_A_NAME.has(folded) && !(capitalsTell && capitalised && !FUNCTION_WORDS.has(folded))) break;
      if (particle) {
        // A particle only belongs to the name when a name word follows it.
        const rest = /^\s(\p{L}[\p{L}'’-]*)/u.exec(after);
        if (!rest) break;
        const next = foldAligned(rest[1]!);
        if (NOT_A_NAME.has(next) && !PARTICLES.has(next)) break;
      }
    }
    if (word.length > 30) return null;
    tokens.push(word);
    ends.push(i + word.length);
    i += m[0].length;
    // Name words are separated by exactly one space; anything else ends the name.
    if (original[i] === ' ' && /\p{L}/u.test(original[i + 1] ?? '')) i += 1;
    else break;
  }
  // Drop trailing particles ("Maria de") that had no name after them.
  while (tokens.length > 1 && PARTICLES.has(foldAligned(tokens[tokens.length - 1]!))) {
    tokens.pop();
    ends.pop();
  }
  if (tokens.length === 0) return null;
  return { tokens, capitalised: mixedCase && firstCapitalised, titled, end: ends[ends.length - 1]! };
}

function displayName(tokens: string[]): string {
  // Written all in one case ("maria de la cruz", "MARIA LOPEZ"), the name is title-cased;
  // otherwise the writer's capitalisation ("McDonald", "van der Berg") is kept.
  const caseless = tokens.every(isCaseless);
  return tokens
    .map((t, i) => {
      if (PARTICLES.has(foldAligned(t))) return i > 0 ? t.toLowerCase() : caseless ? titleCase(t) : t;
      return isCaseless(t) ? titleCase(t) : t;
    })
    .join(' ');
}

/** Given and family name from name words, following the naming habits of `language`. */
function splitName(tokens: string[], language: Language): { given: string; family: string | null } {
  const given = displayName(tokens.slice(0, 1));
  if (tokens.length === 1) return { given, family: null };
  if (language === 'es') return { given, family: displayName(tokens.slice(1)) };
  // English: a middle name is common and is not part of the family name, but particles
  // before the last word are ("Anna van der Berg").
  let k = tokens.length - 1;
  while (k > 1 && PARTICLES.has(foldAligned(tokens[k - 1]!))) k--;
  return { given, family: displayName(tokens.slice(k)) };
}

function extractNames(original: string, folded: string, ctx: FactExtractionContext, facts: Facts, language: Language): Span[] {
  const hits: Array<{ start: number; end: number; trigger: NameTrigger }> = [];
  for (const trigger of NAME_TRIGGERS) {
    for (const m of folded.matchAll(trigger.re)) hits.push({ start: m.index, end: m.index + m[0].length, trigger });
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const spans: Span[] = [];
  let lastEnd = -1;
  let given: { value: string; confidence: number } | null = null;
  let family: { value: string; confidence: number } | null = null;
  const offer = (slot: 'given' | 'family', value: string, confidence: number) => {
    const current = slot === 'given' ? given : family;
    if (current && current.confidence >= confidence) return;
    if (slot === 'given') given = { value, confidence };
    else family = { value, confidence };
  };
  for (const hit of hits) {
    if (hit.start < lastEnd) continue;
    const { kind } = hit.trigger;
    const parts = readName(original, hit.end, kind === 'weak', kind === 'family', hit.trigger.nameLike === true);
    if (!parts) continue;
    lastEnd = hit.end;
    spans.push({ start: hit.start, end: parts.end });
    const caseBonus = parts.capitalised ? 0.05 : 0;
    if (kind === 'given') {
      offer('given', displayName(parts.tokens), 0.9);
    } else if (kind === 'family') {
      offer('family', displayName(parts.tokens), 0.9);
    } else {
      const base = kind === 'full' ? 0.85 : parts.capitalised ? 0.75 : 0.6;
      if (parts.tokens.length === 1 && (parts.titled || ctx.awaiting === 'familyName')) {
        offer('family', displayName(parts.tokens), base + caseBonus);
      } else {
        const { given: g, family: f } = splitName(parts.tokens, hit.trigger.language === 'es' ? 'es' : language);
        offer('given', g, base + caseBonus);
        if (f) offer('family', f, base + caseBonus - 0.05);
      }
    }
  }
  const g = given as { value: string; confidence: number } | null;
  const f = family as { value: string; confidence: number } | null;
  if (g) facts.add('givenName', g.value, g.confidence);
  if (f) facts.add('familyName', f.value, f.confidence);
  return spans;
}

const ANSWER_FILLER = /^(?:(?:it'?s|it is|es|sure|yes|yeah|si|ok|okay|claro|that'?s|soy|me llamo)[\s,:]+)+/;
const ANSWER_TAIL = /[\s,.!]*(?:thanks|thank you|gracias|please|por favor)?[\s,.!]*$/;

/** A bare answer ("Lopez", "L-O-P-E-Z", "maria lopez") to a name question just asked. */
function extractAwaitedName(original: string, folded: string, ctx: FactExtractionContext, facts: Facts, language: Language): void {
  if (ctx.awaiting !== 'givenName' && ctx.awaiting !== 'familyName') return;
  if (facts.has(ctx.awaiting)) return;
  const lead = ANSWER_FILLER.exec(folded)?.[0].length ?? 0;
  let body = original.slice(lead).replace(/^\s+/, '');
  const bodyFolded = folded.slice(folded.length - body.length);
  const tail = ANSWER_TAIL.exec(bodyFolded);
  if (tail) body = body.slice(0, tail.index);
  // "Lopez, L-O-P-E-Z": the spelling confirms the word before it.
  body = body.split(',')[0]!.trim();
  if (body.length === 0 || body.length > 60) return;

  let tokens: string[];
  const spelled = /^\p{L}(?:[\s.-]+\p{L}){1,24}$/u.test(body) && !/\p{L}{2}/u.test(body);
  if (spelled) {
    tokens = [titleCase(body.replace(/[^\p{L}]/gu, ''))];
  } else {
    if (!/^[\p{L}'’-]+(?: [\p{L}'’-]+){0,3}$/u.test(body)) return;
    tokens = body.split(' ');
    const firstFolded = foldAligned(tokens[0]!);
    if (NOT_A_NAME.has(firstFolded) || PARTICLES.has(firstFolded) || tokens[0]!.length < 2) return;
    if (tokens.some((t) => NOT_A_NAME.has(foldAligned(t)) && !PARTICLES.has(foldAligned(t)))) return;
  }
  if (ctx.awaiting === 'familyName') {
    facts.add('familyName', displayName(tokens), 0.8);
  } else {
    const { given, family } = splitName(tokens, language);
    facts.add('givenName', given, 0.8);
    if (family) facts.add('familyName', family, 0.7);
  }
}

// ---------------------------------------------------------------------------------------
// Dates of birth

const BIRTH_CUE = /\b(?:born|birth|birthday|birthdate|dob|d\.o\.b|nacimiento|naci|nacio|nacida|nacido|cumpleanos|f\.? ?nac)\b/g;
const THIRD_PARTY =
  /\b(?:son|daughter|child|kid|baby|mother|mom|mum|father|dad|husband|wife|partner|brother|sister|grandson|granddaughter|hijo|hija|nino|nina|bebe|madre|mama|padre|papa|esposo|esposa|hermano|hermana|nieto|nieta)\b/;
/** How far a date may sit from its birth cue. Cues mostly precede ("born on …"). */
const CUE_BEFORE = 48;
const CUE_AFTER = 28;

/**
 * Which date in a message is a date of birth. A message may carry several dates ("I was
 * born 03/14/1961 and my appointment is 04/02/2026"), so:
 *  1. a date with a birth cue ("born", "birth", "DOB", "nacimiento", "nací", "cumpleaños")
 *     just before or after it is the birth date (the closest one wins);
 *  2. otherwise, when we just asked for the date of birth, the only date in the reply is it;
 *  3. otherwise, a short message (≤ 6 other words) whose only date has a year ≤ 2010 is
 *     taken as a date of birth, with low confidence: patients often answer with a bare date.
 * Two-digit years are only accepted under rule 1, and eight bare digits only under 1 or 2.
 * Core has no clock, so "not in the future" is approximated by the 1900..2100 window plus
 * the ≤ 2010 year under rule 3.
 */
function extractBirthDate(
  original: string,
  folded: string,
  ctx: FactExtractionContext,
  facts: Facts,
  language: Language,
  exclude: Span[],
): Span | null {
  const cues = [...folded.matchAll(BIRTH_CUE)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const awaiting = ctx.awaiting === 'birthDate';
  const dates = findDates(original, {
    order: language === 'es' ? 'day-first' : 'month-first',
    compact: awaiting || cues.length > 0,
    exclude,
  });
  if (dates.length === 0) return null;

  const confidence = (d: FoundDate, base: number) =>
    base - (d.ambiguousOrder ? 0.1 : 0) - (d.twoDigitYear ? 0.15 : 0) - (d.compact ? 0.05 : 0);

  if (cues.length > 0) {
    let best: { date: FoundDate; distance: number } | null = null;
    for (const d of dates) {
      for (const c of cues) {
        const distance = c.end <= d.start ? d.start - c.end : c.start >= d.end ? c.start - d.end : 0;
        const limit = c.end <= d.start ? CUE_BEFORE : CUE_AFTER;
        if (distance > limit) continue;
        if (!best || distance < best.distance) best = { date: d, distance };
      }
    }
    if (best) {
      // "my son was born on …": still useful (the caller may be a parent speaking for the
      // patient), but less certainly the date of birth of the person we are matching.
      const lead = folded.slice(Math.max(0, Math.min(best.date.start, ...cues.map((c) => c.start)) - 40), best.date.start);
      const third = THIRD_PARTY.test(lead) ? 0.2 : 0;
      facts.add('birthDate', best.date.iso, confidence(best.date, 0.95 - third));
      return best.date;
    }
  }
  const usable = dates.filter((d) => !d.twoDigitYear && (awaiting || !d.compact));
  if (usable.length !== 1) return null;
  const only = usable[0]!;
  if (awaiting) {
    facts.add('birthDate', only.iso, confidence(only, 0.9));
    return only;
  }
  const otherWords = (original.slice(0, only.start) + ' ' + original.slice(only.end)).match(/\p{L}+/gu)?.length ?? 0;
  if (otherWords <= 6 && Number(only.iso.slice(0, 4)) <= 2010) {
    facts.add('birthDate', only.iso, confidence(only, 0.6));
    return only;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Phones, emails, identifiers

const CALLBACK_CUE =
  /(?:call(?:ing)? me(?: back)?(?: at| on)?|call ?back(?: number)?(?: is| at| on|:)?|reach me(?: at| on)?|text me(?: at| on)?|best number(?: to reach me)?(?: is)?|ll[aá]m(?:e|en)me(?: al?)?|llamarme(?: al?)?|me pueden? llamar(?: al?)?|comunicarse(?: al?)?|devolver(?:me)? la llamada(?: al?)?|regresar(?:me)? la llamada(?: al?)?|marcarme(?: al?)?|numero de contacto(?: es)?)[\s:,]*$/;
const CALLBACK_WINDOW = 40;
const OWN_PHONE_CUE = /(?:my (?:cell|mobile|phone|home|work)?(?: phone)? ?number(?: is)?|mi (?:numero|telefono|celular)(?: de telefono| celular)?(?: es)?)[\s:,]*$/;

function extractPhones(original: string, folded: string, ctx: FactExtractionContext, facts: Facts): Span[] {
  const spans = findPhoneNumberSpans(original, ctx.defaultRegion);
  for (const s of spans) {
    // "#12345678901" is an order or account number, not a phone.
    if (/[#№]\s*$/.test(original.slice(Math.max(0, s.start - 2), s.start))) continue;
    const before = folded.slice(Math.max(0, s.start - CALLBACK_WINDOW), s.start);
    const callback = CALLBACK_CUE.test(before) || ctx.awaiting === 'callbackNumber';
    facts.add('phone', s.value, OWN_PHONE_CUE.test(before) || ctx.awaiting === 'phone' ? 0.95 : 0.85);
    if (callback) facts.add('callbackNumber', s.value, 0.9);
  }
  return spans;
}

const MEMBER_ID_CUE =
  /\b(?:(?:member(?:ship)?|insurance|subscriber|policy)(?: ?(?:identification|id|number|#|no\.?)){1,2}|id number|numero de (?:afiliado|afiliacion|miembro|socio|poliza|seguro)|(?:id|identificacion|numero) de (?:miembro|afiliado))(?: is| es|:|#|=|\s)*/g;
const MRN_CUE =
  /\b(?:mrn(?![a-z0-9])|medical record (?:number|#|no\.?)|chart number|numero de (?:expediente|historia(?: clinica)?|registro medico))(?: is| es|:|#|=|\s)*/g;
// A code is one token with a digit, or a letter prefix followed by digit groups ("ABC 123 456").
const CODE_AT = /^([a-z0-9][a-z0-9-]*(?: (?=[a-z0-9-]*\d)[a-z0-9-]+){0,3})/;

function extractCode(folded: string, original: string, cue: RegExp, kind: 'member_id' | 'mrn'): Array<{ value: string; span: Span }> {
  const out: Array<{ value: string; span: Span }> = [];
  for (const m of folded.matchAll(cue)) {
    const at = m.index + m[0].length;
    const code = CODE_AT.exec(folded.slice(at, at + 60));
    if (!code || !/\d/.test(code[1]!)) continue;
    const value = normalizeIdentifier(kind, original.slice(at, at + code[1]!.length));
    if (!value || value.length < 4 || value.length > 30) continue;
    out.push({ value, span: { start: m.index, end: at + code[1]!.length } });
  }
  return out;
}

function extractIdentifiers(original: string, folded: string, ctx: FactExtractionContext, facts: Facts, exclude: Span[]): Span[] {
  const spans: Span[] = [];
  const clear = (s: Span) => exclude.every((e) => s.end <= e.start || s.start >= e.end);
  for (const { value, span } of extractCode(folded, original, MEMBER_ID_CUE, 'member_id')) {
    if (!clear(span)) continue;
    facts.add('memberId', value, 0.9);
    spans.push(span);
  }
  for (const { value, span } of extractCode(folded, original, MRN_CUE, 'mrn')) {
    if (!clear(span)) continue;
    facts.add('mrn', value, 0.9);
    spans.push(span);
  }
  for (const m of folded.matchAll(/\bmrn\d{5,10}\b/g)) {
    facts.add('mrn', normalizeIdentifier('mrn', m[0]), 0.9);
    spans.push({ start: m.index, end: m.index + m[0].length });
  }
  if ((ctx.awaiting === 'memberId' || ctx.awaiting === 'mrn') && !facts.has(ctx.awaiting)) {
    const bare = original.trim().replace(/[.!]+$/, '');
    if (/^[a-z0-9][a-z0-9 -]{2,29}$/i.test(bare) && /\d/.test(bare)) {
      const value = normalizeIdentifier(ctx.awaiting === 'memberId' ? 'member_id' : 'mrn', bare);
      if (value && value.length >= 4) facts.add(ctx.awaiting, value, 0.8);
    }
  }
  return spans;
}

// ---------------------------------------------------------------------------------------
// Reason for contact

const NEED_CUE = new RegExp(
  [
    // English
    "i need", "i needed", "i'd like", "i would like", "id like", "i want", "i wanted", "i have a question",
    "i had a question", "i have questions", "questions? about", "can i", "could i", "can you", "could you",
    "can someone", "i'm calling", "im calling", "i am calling", "calling about", "calling to", "calling because",
    "calling regarding", "i'm trying to", "im trying to", "i am trying to", "need to", "want to", "help with",
    "help me", "i'm having", "im having", "i am having", "i've been having", "i was wondering", "wondering if",
    "is it possible", "i'm writing", "i am writing", "writing about", "i'd like to request", "requesting",
    "how do i", "how can i", "when will", "why was i", "why did i", "what is the status", "is there a way",
    // Spanish
    "necesito", "necesitaba", "quisiera", "quiero", "queria", "me gustaria", "tengo una pregunta", "tengo una duda",
    "tengo preguntas", "preguntas? sobre", "dudas? sobre", "llamo por", "llamo para", "llamaba por", "llamaba para",
    "puede ayudarme", "pueden ayudarme", "me pueden", "me puede", "ayuda con", "tengo que", "quiero saber",
    "queria saber", "podria", "podrian", "escribo para", "escribo por", "solicito", "solicitar", "como puedo",
    "cuando van a", "por que me",
  ]
    .map((c) => `\\b${c}\\b`)
    .join('|'),
);
/** A clause about giving identity details is not the reason for the contact. */
const IDENTITY_TALK = /\b(?:name|birth|dob|phone|number|email|address|nombre|apellido|nacimiento|telefono|numero|correo|direccion)\b/;
const THANKS_OPENING = /^\s*(?:thanks|thank you|thx|gracias|muchas gracias|great|perfect|perfecto|ok|okay|vale)\b/;
const GREETING_ONLY =
  /^[\s¡!¿?.,]*(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|hola|buen(?:os|as)? (?:dias|tardes|noches)|buenas|thanks|thank you|gracias|ok|okay|bye|adios|yes|no|si)[\s¡!¿?.,]*)+$/;

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const LEADING_GREETING = /^(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|hola|buen(?:os|as)? (?:dias|días|tardes|noches)|buenas)\b[\s,;:.!-]*)+/i;

function trimReason(s: string): string {
  let r = s.replace(/\s+/g, ' ').trim().replace(/^[\s,;:¿¡-]+/, '').replace(LEADING_GREETING, '').replace(/[\s,;:.!¿?¡-]+$/, '');
  if (r.length > MAX_REASON) {
    const cut = r.slice(0, MAX_REASON);
    const space = cut.lastIndexOf(' ');
    r = (space > MAX_REASON / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '');
  }
  return capitalise(r);
}

/** Sentence spans: ends at . ! ? followed by space or the end, at line breaks, and before ¿ ¡. */
function sentences(text: string): Span[] {
  const out: Span[] = [];
  let start = 0;
  const boundary = /[.!?]+(?=\s|$)|\n+|(?=[¿¡])/g;
  for (const m of text.matchAll(boundary)) {
    const end = m.index + m[0].length;
    if (end > start) out.push({ start, end });
    start = end;
  }
  if (start < text.length) out.push({ start, end: text.length });
  return out;
}

/** Clause spans inside a sentence: at , ; : and before "and / but / y / pero". */
function clauses(folded: string, sentence: Span): Span[] {
  const out: Span[] = [];
  let start = sentence.start;
  const boundary = /[,;:](?!\d)|(?=\s(?:and|but|so|y|pero|e)\s)/g;
  const text = folded.slice(sentence.start, sentence.end);
  for (const m of text.matchAll(boundary)) {
    const end = sentence.start + m.index + m[0].length;
    if (end > start) out.push({ start, end });
    start = end;
  }
  if (start < sentence.end) out.push({ start, end: sentence.end });
  return out;
}

function extractReason(original: string, folded: string, ctx: FactExtractionContext, facts: Facts, factSpans: Span[], language: Language): void {
  const overlapsFact = (start: number, end: number) => factSpans.some((s) => s.start < end && s.end > start);
  // Phone numbers, addresses and codes are blanked so "test@example.org" is not a lab test.
  let masked = original;
  for (const f of factSpans) masked = masked.slice(0, f.start) + ' '.repeat(f.end - f.start) + masked.slice(f.end);
  const maskedFolded = foldAligned(masked).replace(/’/g, "'");
  const hasRequest = (span: Span) => classifyRequestType(masked.slice(span.start, span.end), language) !== null;

  for (const sentence of sentences(maskedFolded)) {
    const text = maskedFolded.slice(sentence.start, sentence.end);
    if (!/\p{L}{2}/u.test(text)) continue;
    const cue = NEED_CUE.exec(text);
    const evidence = hasRequest(sentence);
    if (!cue && !evidence) continue;
    if (!cue && THANKS_OPENING.test(text)) continue;

    // The reason runs from the cue (or the first clause with request evidence) until a
    // later clause that carries identity details instead ("…, my DOB is 3/14/1961").
    const parts = clauses(maskedFolded, sentence);
    let first: number;
    if (cue) {
      const at = sentence.start + cue.index;
      first = Math.max(0, parts.findIndex((c) => c.end > at));
    } else {
      first = Math.max(0, parts.findIndex((c) => hasRequest(c)));
    }
    const start = cue ? sentence.start + cue.index : parts[first]!.start;
    let end = parts[first]!.end;
    for (let k = first + 1; k < parts.length; k++) {
      const c = parts[k]!;
      if (overlapsFact(c.start, c.end) || IDENTITY_TALK.test(maskedFolded.slice(c.start, c.end))) break;
      end = c.end;
    }
    if (!evidence || !hasRequest({ start, end })) {
      // A cue without any request ("can you call me back at …", "I need to give you my
      // date of birth") is conversation management, not the reason for the contact.
      if (overlapsFact(start, end) || IDENTITY_TALK.test(maskedFolded.slice(start, end))) continue;
    }
    const reason = trimReason(original.slice(start, end).replace(/^\s*(?:and|but|so|y|pero|e)\s+/i, ''));
    if (reason.length < 4) continue;
    facts.add('reason', reason, cue && evidence ? 0.8 : evidence ? 0.7 : 0.55);
    return;
  }
  if (ctx.awaiting === 'reason' && !GREETING_ONLY.test(folded)) {
    const reason = trimReason(original);
    if ((reason.match(/\p{L}+/gu)?.length ?? 0) >= 2) facts.add('reason', reason, 0.6);
  }
}

// ---------------------------------------------------------------------------------------

export function extractFacts(text: string, ctx: FactExtractionContext = {}): ExtractedFact[] {
  if (typeof text !== 'string') return [];
  const original = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  if (original.trim().length === 0) return [];
  const folded = foldAligned(original).replace(/’/g, "'");
  const language: Language = ctx.language ?? detectLanguage(original)?.language ?? 'en';
  const facts = new Facts();

  const phoneSpans = extractPhones(original, folded, ctx, facts);
  const emailSpans = findEmailSpans(original);
  for (const e of emailSpans) facts.add('email', e.value, ctx.awaiting === 'email' ? 0.95 : 0.9);
  const idSpans = extractIdentifiers(original, folded, ctx, facts, [...phoneSpans, ...emailSpans]);
  const taken = [...phoneSpans, ...emailSpans, ...idSpans];
  const birth = extractBirthDate(original, folded, ctx, facts, language, taken);
  const nameSpans = extractNames(original, folded, ctx, facts, language);
  extractAwaitedName(original, folded, ctx, facts, language);
  for (const med of findMedications(original)) facts.add('medication', med, 0.85);
  extractReason(original, folded, ctx, facts, [...taken, ...nameSpans, ...(birth ? [birth] : [])], language);
  return facts.all();
}

export const rulesFactExtractor: FactExtractor = {
  extract: (text, context) => extractFacts(text, context),
};
