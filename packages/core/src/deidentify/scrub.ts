import { findPhoneNumberSpans } from '../identity/normalize.ts';
import { foldAligned } from '../facts/text.ts';
import { AMBIGUOUS_NAMES, FAMILY_NAMES, GIVEN_NAMES, NAME_PARTICLES, RELATION_WORDS, TITLES } from './names.ts';

/**
 * Free-text scrubbing for Safe Harbor exports (English and Spanish). Identifiers are replaced
 * by typed placeholders ([NAME], [PHONE], [DATE]…) so the text stays readable for analysts:
 * "Hi, this is Maria Lopez, call me at 555-0123" → "Hi, this is [NAME], call me at [PHONE]".
 *
 * It is built for recall: a clinical word lost now and then costs little, a surviving phone
 * number is a disclosure. Every detector adds spans; overlapping spans are merged and the
 * strongest kind names the placeholder. It is still heuristic (a name nobody cues, capitalises
 * or lists gets through), which is why exports are for analytics, not for publication.
 */

export type IdentifierCategory = 'NAME' | 'PHONE' | 'EMAIL' | 'ADDRESS' | 'LOCATION' | 'ZIP' | 'DATE' | 'ID' | 'SSN' | 'URL' | 'IP' | 'AGE';

/** What is known about the people in a record, so their identifiers go wherever they appear. */
export interface ScrubContext {
  /** Names (whole or parts) of the patient, relatives, staff. */
  names?: ReadonlyArray<string | null | undefined>;
  phones?: ReadonlyArray<string | null | undefined>;
  emails?: ReadonlyArray<string | null | undefined>;
  /** MRNs, member ids, account numbers and any other record numbers. */
  identifiers?: ReadonlyArray<string | null | undefined>;
  /** Street address lines. */
  addresses?: ReadonlyArray<string | null | undefined>;
  /** City, town, county or neighbourhood names. */
  places?: ReadonlyArray<string | null | undefined>;
}

export interface FoundIdentifier {
  category: IdentifierCategory;
  start: number;
  end: number;
}

interface Span extends FoundIdentifier {
  /** Text to put instead of the placeholder (ages: "90+"). */
  replacement?: string;
}

/** When spans overlap, the higher rank names the merged placeholder. */
const RANK: Record<IdentifierCategory, number> = {
  EMAIL: 12, URL: 11, IP: 10, SSN: 9, PHONE: 8, DATE: 7, ID: 6, ADDRESS: 5, ZIP: 4, NAME: 3, LOCATION: 2, AGE: 1,
};

const MAX_TEXT = 100_000;

// ---------------------------------------------------------------------------------------
// Word lists (folded)

function set(s: string): ReadonlySet<string> {
  return new Set(s.split(/\s+/).filter(Boolean));
}

const MONTHS_EN = set('january february march april may june july august september october november december');
const MONTHS_ES = set('enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre');
const MONTH_ABBR = set('jan feb mar apr jun jul aug sep sept oct nov dec ene abr ago dic');
/** Full month names that are also words or given names: they need a number beside them. */
const MONTH_NEEDS_NUMBER = set('may march april june august mayo');

const NUMBER_WORDS = set(`
  zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
  eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
  first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth
  sixteenth seventeenth eighteenth nineteenth twentieth thirtieth
  cero uno una un dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciseis diecisiete
  dieciocho diecinueve veinte veintiuno veintiun veintidos veintitres veinticuatro veinticinco veintiseis veintisiete
  veintiocho veintinueve treinta cuarenta cincuenta sesenta setenta ochenta noventa cien ciento mil novecientos
  ochocientos setecientos primero
`);
/** Words that read out one digit (or two: "double", "doble") of a phone or record number. */
const DIGIT_WORDS = set(`zero oh o one two three four five six seven eight nine double triple
  cero uno una dos tres cuatro cinco seis siete ocho nueve doble`);
/** Spanish numbers read in pairs ("cincuenta y cinco") also count inside a run of digit words. */
const PAIR_WORDS = set(`diez once doce trece catorce quince dieciseis diecisiete dieciocho diecinueve veinte veintiuno
  veintidos veintitres veinticuatro veinticinco veintiseis veintisiete veintiocho veintinueve treinta cuarenta cincuenta
  sesenta setenta ochenta noventa ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty
  thirty forty fifty sixty seventy eighty ninety hundred`);

/**
 * Common words that are never taken for a name after a cue ("I'm calling", "soy diabética") or
 * as the continuation of one ("Maria Monday").
 */
const NOT_NAME = set(`
  a an the and or but so not no yes yeah ok okay here there just still also very really too now again already
  calling call writing texting trying looking having hoping wondering following reaching contacting going getting
  feeling fine good great well sorry afraid sure glad happy sad sick ill tired worried concerned interested unable
  able new returning back pregnant diabetic allergic asthmatic home out in on at about regarding re with from for to of
  by as his her their my your our its this that these those it he she they we you i me him them who what why how when
  where which patient doctor nurse mother father mom dad son daughter wife husband urgent important hi hello hey
  thanks thank please done ready available busy late early confused lost frustrated upset angry scared nervous better
  worse alright all never always one someone anyone actually calling speaking having in need need needs needed want
  wanted would could should can will may might must have has had do does did is am are was were be been being get got
  monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday morning afternoon evening night
  week month year day hour minute pain fever cough rash headache refill prescription appointment results bill
  insurance medication pharmacy records clinic hospital office emergency er
  el la los las lo un una unos unas y o pero no si sí ya aqui alli muy mas menos tambien todavia ahora
  llamo llamando escribo escribiendo buscando tratando necesito quiero quisiera tengo tiene estoy esta estoy bien mal
  enfermo enferma embarazada diabetico diabetica alergico alergica nuevo nueva paciente doctor doctora mama papa hijo
  hija esposo esposa hola gracias por favor de del en con para sobre a al que quien como cuando donde cual su sus mi
  mis tu tus nuestro nuestra lunes martes miercoles jueves viernes sabado domingo hoy manana ayer semana mes ano dia
  hora dolor fiebre tos cita receta resultados factura seguro medicina farmacia expediente clinica hospital
  urgencias preocupado preocupada cansado cansada listo lista
`);

const STREET_SUFFIX =
  'street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|circle|cir|highway|hwy|parkway|pkwy|trail|trl|square|sq|alley|loop|row|crescent|plaza';
const STREET_SUFFIX_LONG = 'Street|Avenue|Road|Boulevard|Lane|Drive|Court|Terrace|Circle|Highway|Parkway|Trail|Square|Alley|Crescent';
const US_STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|PR|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY';
const TLD = '(?:com|org|net|edu|gov|mil|int|io|us|mx|es|co|info|biz|me|health|app|ly|uk|ca|ar|cl|pe)';

/**
 * Compiled patterns, reused: an export scrubs every message of every case, and compiling the
 * same few dozen patterns (and each patient's known values) per message dominated the cost.
 * Bounded, since known values differ per patient.
 */
const compiled = new Map<string, RegExp>();
function re(source: string, flags = ''): RegExp {
  const key = `${flags}/${source}`;
  let r = compiled.get(key);
  if (!r) {
    if (compiled.size > 4000) compiled.clear();
    r = new RegExp(source, flags);
    compiled.set(key, r);
  }
  return r;
}

/** Lower case without accents, index for index (see foldAligned); plain ASCII takes the fast path. */
function foldSameLength(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s.toLowerCase() : foldAligned(s);
}

// ---------------------------------------------------------------------------------------
// Tokens

interface Token {
  text: string;
  folded: string;
  start: number;
  end: number;
}

function tokenize(text: string, folded: string): Token[] {
  const out: Token[] = [];
  for (const m of folded.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu)) {
    out.push({ text: text.slice(m.index, m.index + m[0].length), folded: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const isCapitalised = (t: Token) => /^\p{Lu}/u.test(t.text);
const isDigits = (t: Token) => /^\d+$/.test(t.folded);

/** Only spaces, commas, periods, hyphens or apostrophes between two tokens (they belong together). */
function joined(text: string, a: Token, b: Token, allow = /^[\s,.'’-]*$/): boolean {
  return b.start - a.end <= 6 && allow.test(text.slice(a.end, b.start));
}

/** Whether a token starts a sentence (text start, or after . ! ? : or a line break). */
function sentenceInitial(text: string, t: Token): boolean {
  const before = text.slice(Math.max(0, t.start - 4), t.start);
  return t.start === 0 || /(?:^|[.!?¡¿:\n"“])\s*$/.test(before) || /^\s*$/.test(text.slice(0, t.start));
}

// ---------------------------------------------------------------------------------------
// Detectors

type Add = (category: IdentifierCategory, start: number, end: number, replacement?: string) => void;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const SEP = '[\\s().\\-+/]*';

/** Values known from the record: found whatever their spacing, case or accents. */
function detectKnown(text: string, folded: string, context: ScrubContext, add: Add): void {
  const find = (pattern: string, category: IdentifierCategory, flags = 'gu') => {
    for (const m of folded.matchAll(re(`(?<![\\p{L}\\p{N}])(?:${pattern})(?![\\p{L}\\p{N}])`, flags))) add(category, m.index, m.index + m[0].length);
  };
  const nameParts = new Set<string>();
  for (const name of context.names ?? []) {
    if (!name) continue;
    for (const part of foldAligned(name).split(/[\s,]+/)) {
      const p = part.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
      if (p.length < 2 || NAME_PARTICLES.has(p)) continue;
      nameParts.add(p);
    }
  }
  for (const p of nameParts) {
    // O'Brien is also written OBrien and O Brien; Smith-Jones as Smith Jones.
    const letters = p.split(/['’\-]/).filter(Boolean).map(escapeRegex);
    find(letters.join(`['’\\s-]?`), 'NAME');
  }
  for (const phone of context.phones ?? []) {
    const digits = (phone ?? '').replace(/\D/g, '');
    if (digits.length < 7) continue;
    // National number, then the local 7 digits: "555-0123" alone still identifies.
    const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
    find(national.split('').join(SEP), 'PHONE');
    find(national.slice(-7).split('').join(SEP), 'PHONE');
  }
  for (const email of context.emails ?? []) {
    const e = foldAligned(email ?? '').trim();
    if (!e.includes('@')) continue;
    find(escapeRegex(e), 'EMAIL');
    const local = e.slice(0, e.indexOf('@'));
    if (local.length >= 4) find(local.split(/[._+-]/).filter(Boolean).map(escapeRegex).join('[\\s._+-]*(?:dot|punto)?[\\s._+-]*'), 'EMAIL');
  }
  for (const id of context.identifiers ?? []) {
    const raw = foldAligned(id ?? '').replace(/[^\p{L}\p{N}]/gu, '');
    if (raw.length < 4) continue;
    find(raw.split('').map(escapeRegex).join(SEP), 'ID');
    const digits = raw.replace(/\D/g, '');
    // The number without its prefix ("MRN0012345" said as "0012345" or "12345").
    if (digits.length >= 5) {
      find(digits.split('').join(SEP), 'ID');
      const trimmed = digits.replace(/^0+/, '');
      if (trimmed.length >= 5 && trimmed !== digits) find(trimmed.split('').join(SEP), 'ID');
    }
  }
  for (const address of context.addresses ?? []) {
    const a = foldAligned(address ?? '').trim();
    if (a.length < 4) continue;
    find(a.split(/[\s,.]+/).filter(Boolean).map(escapeRegex).join('[\\s,.]*'), 'ADDRESS');
    // The house number with the first street word is enough to find the rest.
    const m = /^(\d+[a-z]?)\s+([\p{L}]+)/u.exec(a);
    if (m) find(`${escapeRegex(m[1]!)}\\s+${escapeRegex(m[2]!)}(?:\\s+[\\p{L}.]+){0,3}`, 'ADDRESS');
  }
  for (const place of context.places ?? []) {
    const p = foldAligned(place ?? '').trim();
    if (p.length < 3) continue;
    find(p.split(/\s+/).map(escapeRegex).join('\\s+'), 'LOCATION');
  }
}

function detectPatterns(text: string, folded: string, add: Add, protect: (s: number, e: number) => void): void {
  const all = (re: RegExp, fn: (m: RegExpExecArray) => void) => {
    for (const m of text.matchAll(re)) fn(m as RegExpExecArray);
  };
  const trimEnd = (s: string) => s.replace(/[.,;:!?)\]}'"»”]+$/u, '');

  // Amounts of money look like record numbers ("$1,250.00") but are not identifiers.
  all(/[$€£]\s?\d[\d,]*(?:\.\d{1,2})?|\b\d[\d,]*(?:\.\d{1,2})?\s?(?:dollars|d[oó]lares|pesos|usd|euros)\b/giu, (m) => protect(m.index, m.index + m[0].length));

  // URLs and web addresses.
  all(/\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'«»]+/giu, (m) => add('URL', m.index, m.index + trimEnd(m[0]).length));
  all(re(`\\b(?:[a-z0-9-]+\\.)+${TLD}\\b(?:[/?#][^\\s<>"']*)?`, 'giu'), (m) => add('URL', m.index, m.index + trimEnd(m[0]).length));

  // Email addresses, also spoken or obfuscated: "maria dot lopez at example dot org".
  all(/[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu, (m) => add('EMAIL', m.index, m.index + trimEnd(m[0]).length));
  const dot = '(?:\\.|\\(dot\\)|\\[dot\\]|\\bdot\\b|\\bpunto\\b)';
  const at = '(?:@|\\(at\\)|\\[at\\]|\\bat\\b|\\barroba\\b)';
  all(re(`[\\p{L}\\p{N}_+-]+(?:\\s*${dot}\\s*[\\p{L}\\p{N}_+-]+)*\\s*${at}\\s*[\\p{L}\\p{N}-]+(?:\\s*${dot}\\s*[\\p{L}\\p{N}-]+)*?\\s*${dot}\\s*${TLD}\\b`, 'giu'), (m) =>
    add('EMAIL', m.index, m.index + m[0].length),
  );

  // IP addresses (v4, and v6 with at least three groups).
  all(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, (m) => add('IP', m.index, m.index + m[0].length));
  all(/(?<![\p{L}\p{N}:])(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}(?![\p{L}\p{N}:])|(?<![\p{L}\p{N}:])(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![\p{L}\p{N}:])/giu, (m) => {
    if (/[a-f]/i.test(m[0]) || (m[0].match(/:/g) ?? []).length >= 3) add('IP', m.index, m.index + m[0].length);
  });

  // Social Security numbers.
  all(/(?<!\d)\d{3}[\s.-]\d{2}[\s.-]\d{4}(?!\d)/g, (m) => add('SSN', m.index, m.index + m[0].length));

  // Dates with digits: 03/14/1961, 14.03.61, 1961-03-14, timestamps, and 3/14 without year.
  all(/(?<![\d/.-])\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\d/])/g, (m) => {
    const [a, b] = m[0].split(/[/.-]/).map(Number);
    if (a! <= 31 || b! <= 31 || m[0].length >= 8) add('DATE', m.index, m.index + m[0].length);
  });
  all(/(?<![\d/.,$])(\d{1,2})\s?[/-]\s?(\d{1,2})(?![\d/.,%]|\s?(?:mg|ml|mmhg))/giu, (m) => {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a < 1 || b < 1 || a > 31 || b > 31 || (a > 12 && b > 12)) return;
    // Pain scores ("8/10") and fractions of a tablet ("1/2") are not dates.
    if (b === 10 && a <= 10) return;
    if (a < b && b <= 4) return;
    add('DATE', m.index, m.index + m[0].length);
  });

  // Ages over 89 ("93 years old", "tengo 95 años", "age 91", "ninety-two years old").
  const ageNumber = (s: string) => Number(s);
  all(/\b(\d{2,3})(?=\s*-?\s*(?:years?|yrs?|y\/o|yo|año|años|anos)\b)|(?<=\b(?:age|aged|edad(?: de)?|i'm|i am|(?:he|she|who|mother|father|mom|dad|grandmother|grandfather|grandma|grandpa|wife|husband) is|(?:[eé]l|ella|mam[aá]|pap[aá]|madre|padre|abuel[oa]) tiene)\s+)(\d{2,3})(?![\d.,]|\s*(?:mg|%|lb|kg|de|over|sobre|\/))/giu, (m) => {
    const n = ageNumber((m[1] ?? m[2])!);
    if (n > 89 && n < 130) add('AGE', m.index, m.index + m[0].length, '90+');
  });
  all(/\b(?:ninety(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|(?:one\s+|a\s+)?hundred(?:\s+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten))?)(?=[\s-]+years?\b)/giu, (m) =>
    add('AGE', m.index, m.index + m[0].length, '90+'),
  );
  all(/\b(?:noventa(?:\s+y\s+(?:uno|un|dos|tres|cuatro|cinco|seis|siete|ocho|nueve))?|cien(?:to)?(?:\s+(?:uno|un|dos|tres|cuatro|cinco))?)(?=\s+a[ñn]os\b)/giu, (m) =>
    add('AGE', m.index, m.index + m[0].length, '90+'),
  );

  // Record numbers named as such: "MRN: 0012345", "member id XKZ-4471", "número de póliza 88A2".
  const idKeywords =
    "mrn|medical record(?: number| no\\.?| #)?|record(?: number| no\\.?| #)|chart(?: number| #)?|patient id|member(?: id| number| no\\.?| #)?|subscriber(?: id| number)?|policy(?: number| no\\.?| #)?|group(?: number| no\\.?| #)|plan(?: number| id)|account(?: number| no\\.?| #)?|acct\\.?(?: #)?|claim(?: number| #)?|invoice(?: number| #)?|driver'?s licen[cs]e(?: number)?|licen[cs]e(?: number| plate| no\\.?| #)?|dl(?: #)?|passport(?: number)?|plate(?: number)?|vin|serial(?: number| no\\.?| #)?|device(?: id| serial)?|badge(?: number)?|certificate(?: number)?|employee id|id(?: number| #)?|ssn|n[uú]mero de (?:expediente|afiliado|miembro|p[oó]liza|cuenta|licencia|placa|serie|seguro social|historia cl[ií]nica|identificaci[oó]n|pasaporte|dispositivo|credencial|reclamo)|expediente|historia cl[ií]nica|afiliado|p[oó]liza|cuenta|licencia(?: de conducir)?|placa|matr[ií]cula|pasaporte|credencial|curp|rfc|nss|identificaci[oó]n|folio";
  all(re(`\\b(?:${idKeywords})(?:\\s*(?:number|no\\.?|#|is|es|was|era|:|=|-|n[uú]mero|num\\.?|de|mi|my|the|el)\\s*){0,3}\\s*([A-Za-z0-9](?:[A-Za-z0-9]|[\\s-](?=[A-Za-z0-9])){2,30})`, 'giu'), (m) => {
    const value = m[1]!;
    const start = m.index + m[0].length - value.length;
    // Only the run that carries digits: "member id XKZ 4471 and my" stops before "and".
    const tokens = value.split(/(?<=[\s-])/);
    let end = start;
    let sawDigit = false;
    let pos = start;
    for (const tok of tokens) {
      const core = tok.trim().replace(/-$/, '');
      if (!/^[A-Za-z0-9]+$/.test(core)) break;
      const hasDigit = /\d/.test(core);
      if (!hasDigit && sawDigit) break;
      if (!hasDigit && !/^[A-Z]{1,5}$/.test(core)) break;
      pos += tok.length;
      if (hasDigit) {
        sawDigit = true;
        end = start + (pos - start) - (tok.length - tok.trimEnd().length);
      }
    }
    if (sawDigit) add('ID', start, end);
  });

  // Phone numbers: libphonenumber's finder first, then any run of 7+ digits with separators.
  if ((text.match(/\d/g) ?? []).length >= 7) for (const s of findPhoneNumberSpans(text, 'US')) add('PHONE', s.start, s.end);
  all(/(?<![\p{L}\p{N}$€£])\+?\d(?:[\s().\-]{0,3}\d){4,}(?![\p{N}])/gu, (m) => {
    let s = m[0];
    // A trailing separator is prose, not part of the number.
    s = s.replace(/[\s().\-]+$/, '');
    const digits = s.replace(/\D/g, '');
    const start = m.index;
    // Years and small counts spaced apart ("1961 2 3") are not one number: split on a
    // plain space before a 4-digit year-looking group.
    if (/^(?:19|20)\d{2}$/.test(digits)) return;
    let category: IdentifierCategory = 'ID';
    if (digits.length === 9 && /^\d{3}[\s.-]\d{2}[\s.-]\d{4}$/.test(s)) category = 'SSN';
    else if (digits.length >= 7 && digits.length <= 15 && /^\+?[\d\s().\-]+$/.test(s) && /[\s().\-+]/.test(s)) category = 'PHONE';
    else if (digits.length === 10 || (digits.length === 11 && digits.startsWith('1'))) category = 'PHONE';
    else if (digits.length === 5 || (digits.length === 9 && /^\d{5}-\d{4}$/.test(s))) {
      const before = folded.slice(Math.max(0, start - 20), start);
      category = re(`(?:zip|postal|c\\.?p\\.?|\\b(?:${US_STATES.toLowerCase()}))\\W*(?:code|is|es|:)?\\W*$`).test(before) ? 'ZIP' : 'ID';
    }
    add(category, start, start + s.length);
  });
  // Letters and 4+ digits in one token: record numbers, licences, plates, VINs, serials.
  all(/(?<![\p{L}\p{N}])(?=[\p{L}\p{N}-]*\d)(?=[\p{L}\p{N}-]*\p{L})[\p{L}\p{N}][\p{L}\p{N}-]{3,}(?![\p{L}\p{N}])/gu, (m) => {
    const tok = m[0].replace(/-+$/, '');
    if ((tok.match(/\d/g) ?? []).length < 4) return;
    // Doses, measures and ordinals: "1000mg", "2500ml", "1000th".
    if (/^\d+(?:[.,]\d+)?(?:mg|mcg|µg|ug|ml|g|kg|lb|lbs|iu|ui|units?|mmhg|mmol|am|pm|h|hrs?|min|th|st|nd|rd|s)$/i.test(tok)) return;
    add('ID', m.index, m.index + tok.length);
  });

  // Street addresses: "1234 Oak St Apt 5B", "Calle Juárez 45", PO boxes, "Riverton, CA 84012".
  const unit = `(?:,?\\s*(?:apt|apartment|unit|suite|ste|fl|floor|room|rm|#|depto|departamento|piso|interior|int)\\.?\\s*#?\\s*[A-Za-z0-9-]{1,6}\\b)?`;
  const between = `(?:(?!(?:on|my|the|a|to|in|of|and|for|at|is|your|el|la|de|en|mi|y)\\b)[\\p{L}][\\p{L}'.-]*\\s+){0,3}?`;
  all(re(`(?<![\\p{L}\\p{N}])\\d{1,6}[A-Za-z]?\\s+(?:(?:n|s|e|w|north|south|east|west|ne|nw|se|sw)\\.?\\s+)?${between}(?:${STREET_SUFFIX})(?![\\p{L}])\\.?${unit}`, 'giu'), (m) =>
    add('ADDRESS', m.index, m.index + m[0].length),
  );
  all(re(`\\b(?:calle|c/|avenida|av\\.|avda\\.?|camino|paseo|carrera|cra\\.?|bulevar|boulevard|callej[oó]n|privada|cerrada|calzada|carretera|pasaje|colonia|col\\.)\\s+(?:[\\p{L}\\p{N}'.]+\\s+){0,4}?(?:#\\s*|no\\.?\\s*|n[uú]mero\\s+|num\\.?\\s*)?\\d{1,6}[A-Za-z]?\\b${unit}`, 'giu'), (m) =>
    add('ADDRESS', m.index, m.index + m[0].length),
  );
  all(/\b(?:calle|avenida|avda\.?|camino|paseo|privada|calzada|colonia)\s+(?:(?:de|del|la|las|los)\s+)*\p{Lu}[\p{L}'.]*(?:\s+(?:(?:de|del|la|las|los)\s+)*\p{Lu}[\p{L}'.]*){0,3}/giu, (m) => {
    if (/\s\p{Lu}/u.test(m[0])) add('ADDRESS', m.index, m.index + m[0].length);
  });
  all(re(`(?:\\p{Lu}[\\p{L}'.-]*\\s+){1,3}(?:${STREET_SUFFIX_LONG})\\b`, 'gu'), (m) => add('ADDRESS', m.index, m.index + m[0].length));
  all(/\b(?:p\.?\s?o\.?\s?box|post office box|apartado(?: postal)?|casilla(?: postal)?)\s*#?\s*\d+/giu, (m) => add('ADDRESS', m.index, m.index + m[0].length));
  all(re(`\\p{Lu}[\\p{L}'.-]*(?:\\s+\\p{Lu}[\\p{L}'.-]*){0,2},\\s*(?:${US_STATES})\\b(?:\\s+\\d{5}(?:-\\d{4})?)?`, 'gu'), (m) =>
    add('ADDRESS', m.index, m.index + m[0].length),
  );
  // "I live in Riverton", "vivo en San Isidro": a place smaller than a state.
  all(/\b(?:live|lives|living|lived|moved|reside|resides|residing|vivo|vive|vivimos|viven|resido|mudamos|mud[eé])\s+(?:in|to|at|on|en|a|al)\s+(?:(?:the|la|el)\s+)?(\p{Lu}[\p{L}'’-]*(?:[ \t]+(?:(?:de|del|la|las|los|of)[ \t]+)?\p{Lu}[\p{L}'’-]*){0,3})/gu, (m) => {
    const place = m[1]!;
    add('LOCATION', m.index + m[0].length - place.length, m.index + m[0].length);
  });
}

/** Dates written with a month name, in English and Spanish, and numbers spelled out in words. */
function detectWrittenDates(text: string, tokens: Token[], add: Add): void {
  const dayish = (t: Token) => /^\d{1,2}(?:st|nd|rd|th|o|a|ro|do|to|vo|º|ª)?$/.test(t.folded) || NUMBER_WORDS.has(t.folded);
  const yearish = (t: Token) => /^\d{4}$/.test(t.folded) || /^\d{2}$/.test(t.folded) || NUMBER_WORDS.has(t.folded);
  const connector = (t: Token) => ['the', 'of', 'de', 'del', 'el', 'y', 'and', 'in'].includes(t.folded);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const f = t.folded.replace(/\.$/, '');
    const full = MONTHS_EN.has(f) || MONTHS_ES.has(f);
    const abbr = MONTH_ABBR.has(f);
    if (!full && !abbr) continue;
    let lo = i;
    let hi = i;
    let numbers = 0;
    // Left: "the 14th of", "14 de", "el catorce de".
    let leftNumbers = 0;
    for (let j = i - 1; j >= 0 && i - j <= 4 && leftNumbers < 2; j--) {
      const p = tokens[j]!;
      // A day never reaches back across a sentence ("…four two. The fourteenth of March").
      if (!joined(text, p, tokens[j + 1]!, /^[\s,'’-]*$/)) break;
      if (dayish(p)) {
        lo = j;
        numbers++;
        leftNumbers++;
      } else if (connector(p)) continue;
      else break;
    }
    // Right: "14th, 1961", "de mil novecientos sesenta y uno", "fourteenth nineteen sixty-one".
    for (let j = i + 1; j < tokens.length && j - i <= 9; j++) {
      const n = tokens[j]!;
      if (!joined(text, tokens[j - 1]!, n, /^[\s,'’-]*$/)) break;
      if (dayish(n) || yearish(n)) {
        hi = j;
        numbers++;
      } else if (connector(n)) continue;
      else break;
    }
    const ambiguous = abbr || MONTH_NEEDS_NUMBER.has(f) || (MONTHS_EN.has(f) && !isCapitalised(t) && !MONTHS_ES.has(f));
    if (ambiguous && numbers === 0) continue;
    // "March" as a month is a date element; "may" as a verb is not (needs a number, above).
    add('DATE', tokens[lo]!.start, tokens[hi]!.end);
  }
}

/** Phone and record numbers read out as words: "five five five, oh one two three", "cinco cinco cinco…". */
function detectSpelledNumbers(text: string, tokens: Token[], add: Add): void {
  let i = 0;
  while (i < tokens.length) {
    const isUnit = (t: Token) => DIGIT_WORDS.has(t.folded) || PAIR_WORDS.has(t.folded) || isDigits(t);
    if (!isUnit(tokens[i]!)) {
      i++;
      continue;
    }
    let j = i;
    let count = 0;
    let words = 0;
    for (;;) {
      const t = tokens[j]!;
      count += isDigits(t) ? t.folded.length : PAIR_WORDS.has(t.folded) ? 2 : 1;
      if (!isDigits(t)) words++;
      const next = tokens[j + 1];
      if (!next || !joined(text, t, next, /^[\s,.;:()-]*$/)) break;
      if (isUnit(next)) {
        j++;
        continue;
      }
      // "cincuenta y cinco" inside a run.
      const after = tokens[j + 2];
      if (next.folded === 'y' && PAIR_WORDS.has(t.folded) && after && DIGIT_WORDS.has(after.folded) && joined(text, next, after)) {
        j += 2;
        continue;
      }
      break;
    }
    if (words >= 2 && count >= 5 && j - i + 1 >= 3) add(count >= 7 ? 'PHONE' : 'ID', tokens[i]!.start, tokens[j]!.end);
    i = j + 1;
  }
}

/** Names: lexicon, titles, "my name is", relatives, signatures, and their capitalised neighbours. */
function detectNames(text: string, tokens: Token[], known: ReadonlySet<number>, add: Add): void {
  const isName = new Array<boolean>(tokens.length).fill(false);
  const nameLike = (t: Token, strict: boolean) =>
    /^\p{L}[\p{L}'’-]*$/u.test(t.text) && !NOT_NAME.has(t.folded) && !MONTHS_EN.has(t.folded) && !MONTHS_ES.has(t.folded) && (strict ? isCapitalised(t) || lexicon(t) : true);
  const lexicon = (t: Token) => GIVEN_NAMES.has(t.folded) || FAMILY_NAMES.has(t.folded);

  // 1. Lexicon: unambiguous names anywhere; ambiguous ones only capitalised mid-sentence.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (known.has(i)) isName[i] = true;
    if (!lexicon(t)) continue;
    if (!AMBIGUOUS_NAMES.has(t.folded)) isName[i] = true;
    else if (isCapitalised(t) && !sentenceInitial(text, t) && !/^\p{Lu}+$/u.test(t.text)) isName[i] = true;
  }

  // 2. Cues: the words after them are a name.
  const takeAfter = (i: number, strict: boolean, max = 3) => {
    // The name follows its cue directly ("me llamo [EMAIL]. Es…" names nobody).
    if (i > 0 && tokens[i] && !joined(text, tokens[i - 1]!, tokens[i]!, /^[\s,:.]*$/)) return;
    let j = i;
    let taken = 0;
    while (j < tokens.length && taken < max) {
      const t = tokens[j]!;
      if (j > i && !joined(text, tokens[j - 1]!, t, /^[\s.'’-]*$/)) break;
      // "María de la Cruz", and "Dr. del Valle" where the surname starts with its particle.
      if (NAME_PARTICLES.has(t.folded) && (taken > 0 || j === i) && tokens[j + 1] && (isCapitalised(tokens[j + 1]!) || NAME_PARTICLES.has(tokens[j + 1]!.folded)) && nameLike(tokens[j + 1]!, !NAME_PARTICLES.has(tokens[j + 1]!.folded))) {
        j++;
        continue;
      }
      if (!nameLike(t, strict)) break;
      // Lower-case words after a loose cue must be a known name ("soy maria", not "soy diabetica").
      if (strict && !isCapitalised(t) && !lexicon(t)) break;
      isName[j] = true;
      taken++;
      j++;
    }
  };
  const seq = (i: number, words: string[]) => words.every((w, k) => tokens[i + k]?.folded === w);
  const cuesLoose: string[][] = [['my', 'name', 'is'], ['name', 'is'], ['me', 'llamo'], ['mi', 'nombre', 'es'], ['se', 'llama'], ['names', 'are'], ['nombres', 'son']];
  const cuesStrict: string[][] = [
    ['this', 'is'], ['i', 'am'], ["i'm"], ['im'], ["it's"], ['call', 'me'], ['named'], ['called'], ['ask', 'for'], ['speak', 'with'], ['speak', 'to'], ['talk', 'to'],
    ['talk', 'with'], ['spoke', 'with'], ['spoke', 'to'], ['talked', 'to'], ['signed'], ['regards'], ['sincerely'], ['thanks'], ['cheers'], ['from'], ['soy'], ['habla'],
    ['hablar', 'con'], ['hable', 'con'], ['pregunte', 'por'], ['preguntar', 'por'], ['atentamente'], ['saludos'], ['gracias'], ['attn'], ['patient'], ['paciente'], ['for'], ['para'], ['with'], ['con'], ['and'], ['y'],
  ];
  for (let i = 0; i < tokens.length; i++) {
    for (const cue of cuesLoose) if (seq(i, cue)) takeAfter(i + cue.length, false);
    for (const cue of cuesStrict) {
      if (!seq(i, cue)) continue;
      const next = tokens[i + cue.length];
      if (!next) continue;
      // Weak cues ("for", "and", "con") only name a capitalised or listed word that is not sentence-initial.
      const weak = ['for', 'para', 'with', 'con', 'and', 'y', 'from', 'patient', 'paciente'].includes(cue[0]!);
      if (weak && !(lexicon(next) || (isCapitalised(next) && !sentenceInitial(text, next)))) continue;
      if (weak && AMBIGUOUS_NAMES.has(next.folded) && !isCapitalised(next)) continue;
      takeAfter(i + cue.length, true);
    }
    const t = tokens[i]!;
    // Titles: "Dr. Okonkwo", "Sra. Peña", "doctor Ruiz", "nurse Kim".
    if (TITLES.has(t.folded) && tokens[i + 1] && joined(text, t, tokens[i + 1]!, /^[.\s]*$/)) takeAfter(i + 1, true);
    // Relatives: "my daughter Ana", "mi esposo Luis".
    if (RELATION_WORDS.has(t.folded) && tokens[i + 1] && joined(text, t, tokens[i + 1]!, /^[\s,]*$/)) {
      const n = tokens[i + 1]!;
      if (lexicon(n) || (isCapitalised(n) && !NOT_NAME.has(n.folded))) takeAfter(i + 1, true);
    }
  }

  // 3. Neighbours: capitalised or listed words (and particles) joined to a name are part of it.
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < tokens.length; i++) {
      if (!isName[i]) continue;
      for (const dir of [-1, 1]) {
        let j = i + dir;
        // Skip particles between two name words: "María de la Cruz".
        while (tokens[j] && NAME_PARTICLES.has(tokens[j]!.folded) && tokens[j + dir] && isCapitalised(tokens[j + dir]!)) j += dir;
        const n = tokens[j];
        if (!n || isName[j]) continue;
        const [a, b] = dir === 1 ? [tokens[j - 1]!, n] : [n, tokens[j + 1]!];
        if (!joined(text, a, b, /^[\s'’-]*$/)) continue;
        const listed = lexicon(n) && (!AMBIGUOUS_NAMES.has(n.folded) || isCapitalised(n));
        const capitalisedWord = isCapitalised(n) && nameLike(n, true) && !(dir === -1 && sentenceInitial(text, n) && !lexicon(n));
        if (listed || capitalisedWord || (isCapitalised(n) && /^\p{Lu}\.?$/u.test(n.text))) {
          for (let k = Math.min(i, j); k <= Math.max(i, j); k++) isName[k] = true;
          changed = true;
        }
      }
    }
  }
  for (let i = 0; i < tokens.length; i++) if (isName[i]) add('NAME', tokens[i]!.start, tokens[i]!.end);
}

// ---------------------------------------------------------------------------------------

/** Every identifier found in `text`, merged and in order. */
export function findIdentifiers(text: string, context: ScrubContext = {}): FoundIdentifier[] {
  return collect(text, context).map(({ category, start, end }) => ({ category, start, end }));
}

/** Placeholders this scrubber writes: scrubbing scrubbed text must leave them alone. */
const PLACEHOLDER = /\[(?:NAME|PHONE|EMAIL|ADDRESS|LOCATION|ZIP|DATE|ID|SSN|URL|IP)\]|\b90\+/g;

function collect(original: string, context: ScrubContext): Span[] {
  if (typeof original !== 'string' || original.length === 0) return [];
  // Detectors see placeholders as opaque (private-use characters, same length), so indices
  // still point into the original text.
  const text = original.replace(PLACEHOLDER, (m) => '\uE000'.repeat(m.length));
  const folded = foldSameLength(text);
  const spans: Span[] = [];
  const protectedSpans: Array<[number, number]> = [];
  const add: Add = (category, start, end, replacement) => {
    if (end <= start) return;
    // Amounts stay, unless something stronger than a bare number claims them.
    if ((category === 'ID' || category === 'PHONE') && protectedSpans.some(([s, e]) => start >= s && end <= e)) return;
    spans.push({ category, start, end, ...(replacement ? { replacement } : {}) });
  };
  detectKnown(text, folded, context, add);
  const knownNameSpans = spans.filter((s) => s.category === 'NAME');
  detectPatterns(text, folded, add, (s, e) => protectedSpans.push([s, e]));
  const tokens = tokenize(text, folded);
  detectWrittenDates(text, tokens, add);
  detectSpelledNumbers(text, tokens, add);
  const known = new Set<number>();
  tokens.forEach((t, i) => {
    if (knownNameSpans.some((s) => t.start >= s.start && t.end <= s.end)) known.add(i);
  });
  detectNames(text, tokens, known, add);
  return merge(text, spans);
}

function merge(text: string, spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      // Overlap: one span covering both; the stronger kind names it. An age keeps its "90+"
      // only while nothing else claims the same characters.
      const category = RANK[s.category] > RANK[last.category] ? s.category : last.category;
      const replacement = category === 'AGE' && last.replacement && s.end <= last.end ? last.replacement : undefined;
      out[out.length - 1] = { category, start: last.start, end: Math.max(last.end, s.end), ...(replacement ? { replacement } : {}) };
      continue;
    }
    // "[NAME] [NAME]" reads better as one.
    if (last && last.category === s.category && !s.replacement && /^\s+$/.test(text.slice(last.end, s.start))) {
      out[out.length - 1] = { ...last, end: s.end };
      continue;
    }
    out.push({ ...s });
  }
  return out;
}

/**
 * `text` with every identifier replaced by a typed placeholder ("[NAME]", "[PHONE]", "[DATE]",
 * "[ADDRESS]", "[EMAIL]", "[ID]", "[SSN]", "[URL]", "[IP]", "[ZIP]", "[LOCATION]") and ages over
 * 89 written "90+". Idempotent: scrubbing scrubbed text changes nothing.
 */
export function scrubText(text: string, context: ScrubContext = {}): string {
  if (typeof text !== 'string' || text.length === 0) return '';
  // A pasted document is not a conversational turn: beyond the limit, nothing is kept.
  if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT);
  let out = '';
  let at = 0;
  for (const s of collect(text, context)) {
    out += text.slice(at, s.start) + (s.replacement ?? `[${s.category}]`);
    at = s.end;
  }
  return out + text.slice(at);
}
