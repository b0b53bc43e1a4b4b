/**
 * Pharmacies named in what a patient says: a chain ("the CVS on Main Street", "el Walgreens
 * de la avenida Central", "Farmacias del Ahorro en Insurgentes") or an independent one
 * ("Smith's Pharmacy on Elm", "la farmacia San José"), with where it is when the patient
 * says so. The value is the pharmacy's name, then ", " and the place: "CVS, Main Street".
 */

interface Chain {
  name: string;
  /** Folded spellings, longest first when they overlap. */
  spellings: string[];
}

const CHAINS: Chain[] = [
  { name: 'CVS', spellings: ['cvs pharmacy', 'cvs'] },
  { name: 'Walgreens', spellings: ['walgreens', 'walgreen', "walgreen's"] },
  { name: 'Rite Aid', spellings: ['rite aid', 'rite-aid', 'riteaid', 'right aid'] },
  { name: 'Walmart', spellings: ['walmart pharmacy', 'walmart', 'wal-mart', 'wal mart'] },
  { name: 'Costco', spellings: ['costco'] },
  { name: 'Kroger', spellings: ['kroger', 'krogers', "kroger's"] },
  { name: 'Publix', spellings: ['publix'] },
  { name: 'Safeway', spellings: ['safeway'] },
  { name: 'Target', spellings: ['target pharmacy'] },
  { name: 'H-E-B', spellings: ['h-e-b', 'h e b', 'heb'] },
  { name: 'Duane Reade', spellings: ['duane reade'] },
  { name: 'Albertsons', spellings: ['albertsons', "albertson's"] },
  { name: 'Meijer', spellings: ['meijer'] },
  { name: 'Hy-Vee', spellings: ['hy-vee', 'hyvee', 'hy vee'] },
  { name: 'Wegmans', spellings: ['wegmans'] },
  { name: 'Giant Eagle', spellings: ['giant eagle'] },
  { name: "Sam's Club", spellings: ["sam's club", 'sams club'] },
  { name: 'Vons', spellings: ['vons'] },
  { name: 'Jewel-Osco', spellings: ['jewel-osco', 'jewel osco'] },
  { name: 'ShopRite', spellings: ['shoprite', 'shop rite'] },
  { name: 'Stop & Shop', spellings: ['stop & shop', 'stop and shop'] },
  { name: 'Harris Teeter', spellings: ['harris teeter'] },
  { name: 'Winn-Dixie', spellings: ['winn-dixie', 'winn dixie'] },
  { name: 'Fred Meyer', spellings: ['fred meyer'] },
  { name: 'King Soopers', spellings: ['king soopers'] },
  { name: 'Ralphs', spellings: ['ralphs'] },
  { name: 'Health Mart', spellings: ['health mart'] },
  { name: 'Good Neighbor Pharmacy', spellings: ['good neighbor pharmacy'] },
  { name: 'Medicine Shoppe', spellings: ['medicine shoppe'] },
  { name: 'Amazon Pharmacy', spellings: ['amazon pharmacy'] },
  { name: 'Express Scripts', spellings: ['express scripts'] },
  { name: 'Optum Rx', spellings: ['optum rx', 'optumrx'] },
  { name: 'Farmacias del Ahorro', spellings: ['farmacias del ahorro', 'farmacia del ahorro', 'del ahorro'] },
  { name: 'Farmacias Guadalajara', spellings: ['farmacias guadalajara', 'farmacia guadalajara'] },
  { name: 'Farmacias Benavides', spellings: ['farmacias benavides', 'farmacia benavides', 'benavides'] },
  { name: 'Farmacias Similares', spellings: ['farmacias similares', 'farmacia similares', 'similares', 'dr. simi', 'doctor simi', 'dr simi'] },
  { name: 'Farmacia San Pablo', spellings: ['farmacias san pablo', 'farmacia san pablo'] },
  { name: 'Farmacias Yza', spellings: ['farmacias yza', 'farmacia yza'] },
  { name: 'Cruz Verde', spellings: ['farmacias cruz verde', 'farmacia cruz verde', 'cruz verde'] },
  { name: 'Farmatodo', spellings: ['farmatodo'] },
  { name: 'Inkafarma', spellings: ['inkafarma'] },
  { name: 'Mifarma', spellings: ['mifarma'] },
  { name: 'Fybeca', spellings: ['fybeca'] },
  { name: 'Farmacity', spellings: ['farmacity'] },
];

const SPELLINGS = CHAINS.flatMap((c) => c.spellings.map((s) => ({ s, chain: c }))).sort((a, b) => b.s.length - a.s.length);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CHAIN_RE = new RegExp(`(?<![\\p{L}\\d])(?:${SPELLINGS.map((x) => escape(x.s)).join('|')})(?![\\p{L}\\d])`, 'gu');

/** Where the place begins after the pharmacy's name. */
const PLACE_LEAD =
  /^(?:\s*,)?\s+(?:(?:that'?s |which is |the one |located |right )?(?:on|at|in|off|near|by|across from|next to|over on|down on|over by|on the corner of)|(?:que (?:esta|queda) )?(?:de|del|en|por|cerca de|junto a|frente a|enfrente de|sobre|a un lado de|de la esquina de)|(?:que (?:esta|queda)))\s+/;
/** Words that end a place ("…on Main Street please", "…en la calle Juárez porque…"). */
const PLACE_STOP = new Set(
  (
    'please thanks thank because since so and but if for when as i my me it they we you is are was will would can could ' +
    'today tomorrow asap soon by before after tonight this next pick up pickup refill refills prescription prescriptions ' +
    'por favor gracias porque pues pero y que para si cuando hoy manana ya mi mis me lo la le se es esta son receta recetas ' +
    'medicina medicinas medicamento resurtido pastillas necesito quiero puede pueden'
  ).split(' '),
);
/** Words after "de" / "on" that say which pharmacy without saying where. */
const NOT_A_PLACE = new Set('siempre costumbre confianza preferencia turno guardia usual always choice mine record file my your su mi'.split(' '));
/** Place words allowed in lower case inside a place ("calle", "street", "avenue"). */
const PLACE_WORDS = new Set(
  (
    'street st avenue ave road rd boulevard blvd drive dr lane ln way highway hwy route parkway pkwy place pl court ct square ' +
    'plaza mall center centre corner north south east west n s e w downtown main of the and & ' +
    'calle avenida av avda carretera calzada bulevar boulevard paseo plaza centro colonia col esquina con del de la las los el ' +
    'norte sur oriente poniente este oeste mercado'
  ).split(' '),
);

/** Words before "pharmacy" that say which one without naming it. */
const NOT_A_PHARMACY_NAME = new Set(
  (
    'a an the my your our their his her its this that usual regular normal local same nearest closest nearby other new old ' +
    'preferred favorite favourite default mail order mail-order online retail hospital clinic outpatient any which what ' +
    'to at from in on of for call send sent calling that go went and or the'
  ).split(' '),
);
const NOT_A_FARMACIA_NAME = new Set(
  (
    'de del la el mi su que cual esta este donde a en por para con y o cerca mas misma mismo usual habitual local nueva otra ' +
    'de siempre que uso preferida favorita del hospital de la clinica'
  ).split(' '),
);

export interface PharmacyHit {
  value: string;
  start: number;
  end: number;
  confidence: number;
}

function titleCase(s: string): string {
  return s.replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Reads the place after a pharmacy's name, in the writer's spelling, or null. */
function placeAfter(original: string, folded: string, from: number): { text: string; end: number } | null {
  const lead = PLACE_LEAD.exec(folded.slice(from, from + 40));
  if (!lead) return null;
  let i = from + lead[0].length;
  const words: Array<{ w: string; end: number }> = [];
  const re = /[\p{L}\d][\p{L}\d'’.&-]*/uy;
  while (words.length < 7) {
    re.lastIndex = i;
    const m = re.exec(folded);
    if (!m) break;
    const w = m[0].replace(/\.$/, '');
    // "the corner of 3rd and Pine": "and" joins two streets.
    const joinsStreets = (w === 'and' || w === 'y' || w === '&') && words.length > 0 && /^ [\p{Lu}\d]/u.test(original.slice(m.index + m[0].length)) && !(original === original.toLowerCase() || original === original.toUpperCase());
    if (PLACE_STOP.has(w) && words.length > 0 && !joinsStreets) break;
    if (PLACE_STOP.has(w) && !PLACE_WORDS.has(w) && !joinsStreets) return null;
    if (words.length === 0 && NOT_A_PLACE.has(w)) return null;
    const originalWord = original.slice(m.index, m.index + m[0].length);
    const capital = /^\p{Lu}/u.test(originalWord) || /^\d/.test(w);
    const caseless = original === original.toLowerCase() || original === original.toUpperCase();
    if (!capital && !caseless && !PLACE_WORDS.has(w) && !joinsStreets) break;
    words.push({ w, end: m.index + w.length });
    i = m.index + m[0].length;
    const gap = /^[ ]/.exec(folded.slice(i));
    if (!gap) break;
    i += 1;
  }
  // A place ends on a content word, not on "the", "de", "and".
  while (words.length > 0 && /^(?:of|the|and|&|de|del|la|las|los|el|con)$/.test(words[words.length - 1]!.w)) words.pop();
  if (words.length === 0) return null;
  const leadWords = folded.slice(from, from + lead[0].length);
  // "…de la avenida Juárez": keep "la"-less places; the lead's article is not part of it.
  const start = from + lead[0].length;
  let text = original.slice(start, words[words.length - 1]!.end).trim();
  text = text.replace(/^(?:the|la|el|los|las)\s+/i, '');
  if (!/\p{L}{2}|\d/u.test(text)) return null;
  void leadWords;
  if (original === original.toLowerCase() || original === original.toUpperCase()) text = titleCase(text.toLowerCase());
  return { text, end: words[words.length - 1]!.end };
}

/** "not the CVS", "instead of Walgreens", "en vez de la farmacia…": the one not wanted. */
const NEGATED_BEFORE = /\b(?:not|no|instead of|rather than|not at|no longer|anymore at|en vez de|en lugar de|ya no (?:a|en))\s+(?:(?:to|at|a|en)\s+)?(?:the|my|la|el|mi)?\s*$/;

/** The pharmacy the patient wants: not one they turn down, the surest, then the last said. */
export function bestPharmacy(original: string, folded: string): PharmacyHit | null {
  const hits = findPharmacies(original, folded).filter((h) => !NEGATED_BEFORE.test(folded.slice(Math.max(0, h.start - 24), h.start)));
  let best: PharmacyHit | null = null;
  for (const h of hits) if (!best || h.confidence >= best.confidence) best = h;
  return best;
}

export function findPharmacies(original: string, folded: string): PharmacyHit[] {
  const out: PharmacyHit[] = [];
  const taken = (s: number, e: number) => out.some((o) => s < o.end && e > o.start);
  for (const m of folded.matchAll(CHAIN_RE)) {
    const spelling = SPELLINGS.find((x) => x.s === m[0])!;
    const end = m.index + m[0].length;
    // "target" and "heb" are words too; a chain that is also a word needs pharmacy context.
    // "the Costco pharmacy near the mall": the word after the chain belongs to its name.
    const trailing = /^\s+(?:pharmacy|drugstore|farmacia)\b/.exec(folded.slice(end));
    const nameEnd = end + (trailing?.[0].length ?? 0);
    const place = placeAfter(original, folded, nameEnd);
    const value = place ? `${spelling.chain.name}, ${place.text}` : spelling.chain.name;
    if (taken(m.index, end)) continue;
    out.push({ value, start: m.index, end: place?.end ?? nameEnd, confidence: place ? 0.9 : 0.85 });
  }
  // Independent pharmacies: "Smith's Pharmacy", "Main Street Drugs", "farmacia San José".
  for (const m of folded.matchAll(/(?<![\p{L}])(?:pharmacy|drugs?|drugstore|drug store|apothecary|chemist)(?![\p{L}])/gu)) {
    if (taken(m.index, m.index + m[0].length)) continue;
    const before = folded.slice(Math.max(0, m.index - 40), m.index);
    const words = [...before.matchAll(/[\p{L}\d][\p{L}\d'’&-]*/gu)];
    const name: Array<{ start: number; end: number }> = [];
    for (let k = words.length - 1; k >= 0 && name.length < 3; k--) {
      const w = words[k]!;
      const abs = Math.max(0, m.index - 40) + w.index;
      const between = folded.slice(abs + w[0].length, name.length ? name[0]!.start : m.index);
      if (!/^ $/.test(between)) break;
      if (NOT_A_PHARMACY_NAME.has(w[0])) break;
      const originalWord = original.slice(abs, abs + w[0].length);
      const caseless = original === original.toLowerCase() || original === original.toUpperCase();
      if (!caseless && !/^[\p{Lu}\d]/u.test(originalWord)) break;
      name.unshift({ start: abs, end: abs + w[0].length });
    }
    if (m[0] !== 'pharmacy' && name.length === 0) continue;
    const end = m.index + m[0].length;
    const place = placeAfter(original, folded, end);
    if (name.length === 0 && !place) continue;
    const start = name.length ? name[0]!.start : m.index;
    let label = original.slice(start, end);
    if (label === label.toLowerCase() || label === label.toUpperCase()) label = titleCase(label.toLowerCase());
    const value = place ? `${label}, ${place.text}` : label;
    out.push({ value, start, end: place?.end ?? end, confidence: name.length ? 0.85 : 0.7 });
  }
  for (const m of folded.matchAll(/(?<![\p{L}])farmacias?(?![\p{L}])/gu)) {
    const end = m.index + m[0].length;
    if (taken(m.index, end)) continue;
    const after = folded.slice(end, end + 50);
    const words = [...after.matchAll(/[\p{L}\d][\p{L}\d'’&-]*/gu)];
    const name: Array<{ start: number; end: number }> = [];
    for (const w of words) {
      const abs = end + w.index;
      const between = folded.slice(name.length ? name[name.length - 1]!.end : end, abs);
      if (!/^ $/.test(between) || name.length >= 3) break;
      if (name.length === 0 && NOT_A_FARMACIA_NAME.has(w[0])) break;
      if (PLACE_STOP.has(w[0])) break;
      const originalWord = original.slice(abs, abs + w[0].length);
      const caseless = original === original.toLowerCase() || original === original.toUpperCase();
      if (!caseless && !/^[\p{Lu}\d]/u.test(originalWord) && !(name.length > 0 && /^(?:de|del|la|el|los|las)$/.test(w[0]))) break;
      if (caseless && name.length > 0 && /^(?:de|del|en|por|cerca|junto|frente|sobre)$/.test(w[0])) break;
      name.push({ start: abs, end: abs + w[0].length });
    }
    while (name.length > 0 && /^(?:de|del|la|el|los|las)$/.test(folded.slice(name[name.length - 1]!.start, name[name.length - 1]!.end))) name.pop();
    const nameEnd = name.length ? name[name.length - 1]!.end : end;
    const place = placeAfter(original, folded, nameEnd);
    if (name.length === 0 && !place) continue;
    let label = original.slice(m.index, nameEnd);
    if (label === label.toLowerCase() || label === label.toUpperCase()) label = titleCase(label.toLowerCase());
    else label = label.charAt(0).toUpperCase() + label.slice(1);
    out.push({ value: place ? `${label}, ${place.text}` : label, start: m.index, end: place?.end ?? nameEnd, confidence: name.length ? 0.85 : 0.7 });
  }
  // "the pharmacy at Kroger on Elm": the chain read inside an unnamed pharmacy's place wins.
  const kept = out.filter((o) => !out.some((x) => x !== o && x.start < o.end && o.start < x.end && x.confidence > o.confidence));
  return kept.sort((a, b) => a.start - b.start);
}
