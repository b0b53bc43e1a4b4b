/**
 * Names core's triggers do not cover: "John Smith here", "It's Tom Baker calling", "you're
 * speaking with Carmen Ortiz", "de parte de Luis Soto", "Hi, Samantha Reyes, DOB…", "first
 * name Michael last name Thompson". Written names must be capitalised in mixed-case text (the
 * capitals are the evidence); in text written all in one case only the explicit labels count.
 * Also: Spanish compound given names ("José Luis Hernández" is José Luis + Hernández).
 */

const NAME = "\\p{Lu}[\\p{L}'’-]+";
const FULL = `(${NAME}(?: (?:de la |del |de |van |von )?${NAME}){1,3})`;

/** A case-insensitive copy of a plain pattern, for use beside `\p{Lu}` (which needs case). */
function ci(pattern: string): string {
  return pattern.replace(/(?<!\\)[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
}
const GREETING = ci("(?:hi|hello|hey|hola|good (?:morning|afternoon|evening)|buen(?:os|as) (?:dias|días|tardes|noches))(?: there)?[,!.]?\\s+");
const LEADS: RegExp[] = [
  new RegExp(`^(?:${GREETING})?(?:${ci("(?:it'?s|it is)")}\\s+)?${FULL},?\\s+${ci('(?:here|calling|speaking|(?:aqui|aquí)|al habla|llamando)')}\\b`, 'u'),
  new RegExp(`(?:^|[\\s,.!])${ci("(?:name'?s|you'?re speaking (?:with|to)|you'?re talking (?:with|to)|(?:le|les|te) escribe|(?:le|les|te) saluda|speaking with|(?:esta|está) hablando con|habla con|hablas con|de parte de|a nombre de)")}\\s+${FULL}`, 'u'),
  new RegExp(`^(?:${GREETING})?${ci("(?:it'?s|it is)")}\\s+${FULL}\\s*(?:[,.!]|$)`, 'u'),
  new RegExp(`^${GREETING}${FULL}(?=\\s*[,.]\\s*${ci('(?:dob|d\\.o\\.b|date of birth|born|fecha|nac|my|mi|i|need|necesito|quiero|calling|llamo)')})`, 'u'),
];

/** Words that start with a capital in a sentence without being a name. */
const NOT_NAMES = new Set(
  'I Im The This That My Your Our Hi Hello Hey Hola Thanks Thank Please Yes No Can Could Would Need Calling Here Dr Doctor Nurse Mr Mrs Ms Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October November December Lunes Martes Miercoles Jueves Viernes Sabado Domingo CVS Walgreens Pharmacy Farmacia Medicare Medicaid God Dios Sir Madam Señor Señora Bueno Buenas'.split(' '),
);

/** Common second given names in Spanish: "José Luis", "María José", "Ana María". */
const SECOND_GIVEN = new Set(
  (
    'luis jose maria carlos miguel antonio manuel angel alberto andres eduardo enrique fernando francisco javier jesus juan ' +
    'pablo pedro rafael ramon ricardo roberto alejandro daniel david diego emilio ernesto felipe gabriel ignacio jorge ' +
    'ana elena isabel teresa carmen lucia luisa fernanda paula patricia guadalupe del eugenia cristina beatriz alejandra ' +
    'esther ines josefa dolores mercedes pilar rosa victoria sofia camila andrea adriana gabriela veronica'
  ).split(' '),
);

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

export interface NameRead {
  given: string;
  family: string | null;
}

const GIVEN_AFTER_DEL = new Set(['carmen', 'rosario', 'pilar', 'mar', 'socorro', 'refugio', 'rocio', 'consuelo', 'sagrario', 'rosario', 'milagro', 'milagros', 'angel', 'pueblito']);

export function splitSpanishName(tokens: string[]): NameRead {
  if (tokens.length >= 4 && /^(?:del|de)$/i.test(tokens[1]!) && GIVEN_AFTER_DEL.has(fold(tokens[2]!))) {
    return { given: tokens.slice(0, 3).join(' '), family: tokens.slice(3).join(' ') };
  }
  if (tokens.length >= 3 && SECOND_GIVEN.has(fold(tokens[1]!)) && !/^(?:de|del|la)$/i.test(tokens[1]!)) {
    return { given: `${tokens[0]} ${tokens[1]}`, family: tokens.slice(2).join(' ') };
  }
  return { given: tokens[0]!, family: tokens.length > 1 ? tokens.slice(1).join(' ') : null };
}

/** "Soy la señora Gómez", "habla el señor Ruiz": a courtesy title, then the family name. */
const TITLED = new RegExp(`${ci('(?:soy|habla|le habla|this is|it\'?s|i\'?m)')}\\s+(?:${ci('(?:la|el)')}\\s+)?${ci('(?:señora|señor|senora|senor|sra\\.?|sr\\.?|srta\\.?|mrs\\.?|mr\\.?|ms\\.?|miss)')}\\s+(${NAME}(?: ${NAME})?)`, 'u');

export function findTitledFamilyName(original: string): string | null {
  const m = TITLED.exec(original);
  return m ? m[1]! : null;
}

export function findNamesBeyondCore(original: string, language: 'en' | 'es'): NameRead | null {
  const caseless = original === original.toLowerCase() || original === original.toUpperCase();
  const labelled = /\bfirst name[:\s]+([\p{L}'’-]+)[\s,;.]+(?:and )?(?:my )?(?:last|family|sur) ?name[:\s]+([\p{L}'’-]+(?: [\p{L}'’-]+)?)/iu.exec(original);
  if (labelled && !/^(?:is|es)$/i.test(labelled[1]!)) {
    const cap = (w: string) => (caseless ? w.charAt(0).toUpperCase() + w.slice(1).toLowerCase() : w);
    return { given: cap(labelled[1]!), family: labelled[2]!.split(' ').map(cap).join(' ') };
  }
  if (caseless) return null;
  for (const lead of LEADS) {
    const m = lead.exec(original);
    if (!m) continue;
    const tokens = m[1]!.split(' ');
    if (tokens.some((t) => NOT_NAMES.has(t.replace(/['’]s$/, '')))) continue;
    if (language === 'es') return splitSpanishName(tokens);
    return { given: tokens[0]!, family: tokens[tokens.length - 1]! };
  }
  return null;
}
