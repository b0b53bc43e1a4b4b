import { foldAligned } from './text.ts';
import { SEVERITY, URGENT_GUIDANCE, type UrgentCategory, type UrgentGuidance } from './urgent-catalogue.ts';

/**
 * Urgent symptoms, found by rules that run before any model. A message that describes an
 * emergency (chest pain, stroke signs, trouble breathing, heavy bleeding, suicidal thoughts…)
 * must never be handled as a routine request, and a trained model cannot promise that; these
 * patterns can be read, reviewed by a clinician and tested one by one.
 *
 * The rules lean towards flagging: a false alarm costs a patient one extra sentence of
 * guidance, a miss can cost much more. Two things turn a match off:
 *
 *  - negation (NegEx-style): a cue such as "no", "don't have", "without", "sin", "no tengo",
 *    "ni" up to six words before the symptom, in the same clause. Clauses end at . ! ? ; : ,
 *    and at words that change the subject or the polarity ("but", "and now", "pero",
 *    "y ahora"…), so "no, it's chest pain" and "no tengo fiebre pero me duele el pecho" stay
 *    urgent. Phrases that look negative but are not ("not sure", "no sé si", "not only") do
 *    not negate. A few words after the symptom can also cancel it ("…went away", "ya se me
 *    quitó", "chest pain: none").
 *  - history: "history of", "years ago", "antecedentes de", "hace años" in the same clause
 *    ("I had a stroke in 2019") describe the past, not an emergency now.
 *
 * Patterns run on folded text (lower case, accents removed, straight apostrophes) so
 * "tengo dolor de pecho" and "TENGO DOLOR DE PÉCHO" read the same.
 */

export { URGENT_CATALOGUE, URGENT_CATEGORIES, URGENT_GUIDANCE, type CatalogueEntry, type UrgentCategory, type UrgentGuidance } from './urgent-catalogue.ts';

export interface UrgentMatch {
  category: UrgentCategory;
  /** The words as the patient wrote them. */
  text: string;
  start: number;
  end: number;
  /**
   * Why it does not count, when it does not: denied, in the past, or words that name a
   * treatment, a service or an idiom ("my seizure clinic", "I almost had a heart attack when
   * I saw the bill"). Any of these also keeps the models' nurse-line signal quiet.
   */
  suppressed?: 'negated' | 'historical' | 'not_a_symptom';
}

export interface UrgentAssessment {
  urgent: boolean;
  /** The most serious category found (see SEVERITY), when urgent. */
  category?: UrgentCategory;
  /** The words that triggered it, when urgent. */
  matched?: string;
  guidance?: UrgentGuidance;
  /** Every category found, most serious first, when urgent. */
  categories?: UrgentCategory[];
  /** Symptom words found but negated, historical or not a symptom ("no chest pain"), for audit and tests. */
  suppressed?: UrgentMatch[];
}

/** Longest text the rules read. A symptom is told early; a pasted document is not a chat turn. */
export const URGENT_MAX_CHARS = 4000;

// Building blocks, all on folded text.
const NT = String.raw`(?:n'?t|not)`;
const CANT = String.raw`(?:can'?t|cannot|can not|could\s?n'?t|could not|unable to)`;
const WHO = String.raw`(?:my|his|her|their|the|our|your)`;
const CHEST = String.raw`(?:che?st|ches)`;
const PAIN = String.raw`(?:pain|pains|pian|pane|payne)`;
const BREATH = String.raw`(?:brea?the?\w*|breth\w*|brath\w*)`;
const PECHO = String.raw`(?:pe(?:ch|x|sh)o)`;
const RESPIRAR = String.raw`(?:resp[ie]r\w*)`;
// A baby under about three months: any fever is an emergency (fever ≥ 100.4 °F / 38 °C).
const YOUNG_INFANT = String.raw`(?:\b\d{1,2}[\s-]*(?:day|days|week|weeks|wk|wks)[\s-]*old\b|\bnew[\s-]?born\b|\b(?:1|one|2|two)[\s-]*months?[\s-]*old\b|\brecien\s+nacid\w*|\b\d{1,2}\s+(?:dias|semanas)\s+de\s+(?:nacid\w*|vida)|\bbebe\s+de\s+(?:\d{1,2}|un[ao]?|dos|tres)\s+(?:dias?|semanas?|mes)\b)`;
// A young infant named the Spanish way: "mi niña de 6 semanas", "bebé de dos meses" (1-2 months only).
const YOUNG_INFANT_ES = String.raw`(?:\b(?:bebe|bebit[oa]|nin[oa]|nene|nena|hij[oa]|recien\s+nacid[oa])\s+de\s+(?:(?:\d{1,2}|un[ao]?|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez)\s+(?:dias?|semanas?)|(?:1|2|un|dos)\s+mes(?:es)?)\b|\brecien\s+nacid[oa]\b)`;
const FEVER = String.raw`(?:fever\w*|febrile|temp(?:erature)?\s+(?:of\s+|is\s+)?(?:10\d|3[89])|fiebre|calentura|(?:ardiendo|hirviendo)\s+en\s+(?:fiebre|calentura)|\b10[0-5](?:[.,]\d)?\b|\b3[89](?:[.,]\d)\b)`;
const SWALLOW_TROUBLE = String.raw`(?:(?:me|le|nos)\s+cuesta\s+(?:mucho\s+)?tragar|no\s+(?:puedo|puede|podia)\s+tragar|(?:trouble|difficulty|hard\s+time|problems?)\s+swallowing|(?:hard|difficult)\s+to\s+swallow|${CANT}\s+swallow)`;

type Rule = readonly [UrgentCategory, string];

const RULES: readonly Rule[] = [
  // --- cardiac -------------------------------------------------------------------------
  ['cardiac', String.raw`\b${CHEST}\s*(?:${PAIN}|pressure|tightness|tight|discomfort|heaviness|hurts?|hurting|is (?:hurting|tight|heavy|killing me)|feels? (?:tight|heavy|like)|squeez\w*)`],
  ['cardiac', String.raw`\b(?:pain|pressure|tightness|heaviness|squeezing|crushing|burning|weight)\s+(?:in|on|across)\s+(?:${WHO}\s+)?${CHEST}\b`],
  ['cardiac', String.raw`\b(?:tight|heavy|crushing)\s+${CHEST}\b`],
  ['cardiac', String.raw`\bheart\s+attack\b`],
  ['cardiac', String.raw`\bcardiac\s+arrest\b`],
  ['cardiac', String.raw`\b(?:pain|numbness|pressure)\s+(?:\w+\s+){0,2}(?:spreading|radiating|going|moving|shooting|running)\s+(?:down|into|to|up|through)\s+(?:${WHO}\s+)?(?:left\s+)?(?:arm|jaw|shoulder)\b`],
  ['cardiac', String.raw`\bdolor\s+(?:muy\s+)?(?:(?:fuerte|intenso|aplastante|opresivo|terrible|horrible|severo|agudo)\s+)?(?:de|en\s+el|en\s+mi|del)\s+${PECHO}\b`],
  ['cardiac', String.raw`\bdolor\s+(?:toracico|en\s+el\s+torax)\b`],
  ['cardiac', String.raw`\b(?:me|le|nos)\s+duele\s+(?:mucho\s+|bastante\s+)?el\s+${PECHO}\b`],
  ['cardiac', String.raw`\b(?:presion|opresion|peso|ardor|apreton|dolor)\s+(?:fuerte\s+)?(?:en|sobre)\s+el\s+${PECHO}\b`],
  ['cardiac', String.raw`\b${PECHO}\s+apretado\b`],
  ['cardiac', String.raw`\binfarto\b`],
  // A racing heart with fainting coming on.
  ['cardiac', String.raw`\b(?:heart\s+(?:is\s+)?(?:racing|pounding)|corazon\s+(?:me\s+|le\s+)?(?:late|palpita)\s+(?:muy\s+)?(?:rapido|fuerte))\s+(?:(?!but\b|pero\b|no\b|not\b|dont\b|don't\b)[\w']+\s+){0,8}(?:pass(?:ing)?\s+out|faint\w*|desmay\w*)`],
  ['cardiac', String.raw`\b(?:ataque|paro)\s+(?:al\s+corazon|cardiaco|cardiaca)\b`],
  ['cardiac', String.raw`\bdolor\s+(?:\w+\s+){0,2}(?:baja|se\s+corre|corre|se\s+va|se\s+extiende|sube)\s+(?:al|por\s+el|hacia\s+el|a\s+la)\s+(?:brazo|mandibula|hombro)\b`],

  // --- stroke --------------------------------------------------------------------------
  ['stroke', String.raw`\bface\s+(?:is\s+|looks\s+|went\s+|seems\s+)?(?:droop\w*|dropp\w*|sagg\w*|numb|crooked|lopsided|twisted|uneven|paralyz\w*)`],
  ['stroke', String.raw`\bdroop\w*\s+(?:face|mouth|eye|eyelid|smile|on\s+one\s+side)\b`],
  ['stroke', String.raw`\b(?:one|left|right)\s+side\s+of\s+(?:${WHO}\s+)?(?:face|body|mouth)\s+(?:is\s+|went\s+|feels\s+)?(?:droop\w*|numb|weak|dead|paralyz\w*|fell|drop\w*)`],
  ['stroke', String.raw`\bslurr?(?:ed|ing|s)?\s+(?:speech|words|talking|voice)\b`],
  ['stroke', String.raw`\b(?:speech|words|talking)\s+(?:is\s+|are\s+|sounds?\s+)?(?:slurr?\w*|garbled|jumbled)`],
  ['stroke', String.raw`\b(?:is|are|he'?s|she'?s|i'?m|keeps)\s+slurr?ing\b`],
  ['stroke', String.raw`\b${CANT}\s+(?:talk|speak)\s+(?:properly|clearly|normally|straight|right(?!\s+now)|well)\b`],
  ['stroke', String.raw`\b(?:trouble|difficulty|problems?|hard\s+time)\s+(?:speaking|talking|getting\s+(?:the\s+|his\s+|her\s+|my\s+)?words\s+out|finding\s+words)\b`],
  ['stroke', String.raw`\b(?:arm|leg|hand)\s+(?:is\s+|went\s+|feels\s+|suddenly\s+|just\s+)*(?:weak|numb|limp|dead|paralyz\w*)\b`],
  ['stroke', String.raw`\bweakness\s+(?:in|on|of)\s+(?:${WHO}\s+|one\s+)?(?:\w+\s+)?(?:arm|leg|side|face|hand)\b`],
  ['stroke', String.raw`\b${CANT}\s+(?:move|lift|feel|raise|use)\s+(?:${WHO}\s+)?(?:left\s+|right\s+)?(?:arm|leg|hand|face|side)\b`],
  ['stroke', String.raw`\bsudden(?:ly)?\s+(?:\w+\s+){0,2}(?:numb\w*|weak\w*|confus\w*|vision\s+loss|blind\w*|paralys\w*|can'?t\s+(?:see|talk|speak|walk))`],
  ['stroke', String.raw`\bnumb(?:ness)?\s+(?:on|in|down)\s+(?:one|the\s+left|the\s+right|half|${WHO})\s+(?:\w+\s+)?(?:side|face|body)\b`],
  ['stroke', String.raw`\b(?:having|had|have|is\s+having|think\s+(?:i'?m|he'?s|she'?s|it'?s)\s+(?:having\s+)?a|it'?s\s+a|signs?\s+of\s+a|mini)\s+(?:a\s+)?stroke\b`],
  ['stroke', String.raw`\bstroke\s+(?:symptoms|signs)\b`],
  ['stroke', String.raw`\bworst\s+headache\b`],
  ['stroke', String.raw`\b(?:lost|losing|loss\s+of)\s+(?:${WHO}\s+)?(?:vision|sight|eyesight)\b`],
  ['stroke', String.raw`\b(?:went|gone|going)\s+blind\b`],
  ['stroke', String.raw`\bcara\s+(?:\w+\s+)?(?:caida|torcida|chueca|dormida|adormecida|paralizada|ca[iy]endo)\b`],
  ['stroke', String.raw`\bse\s+(?:me|le)\s+(?:cayo|cae|esta\s+cayendo|torcio|puso\s+chueca|durmio|paralizo)\s+(?:el\s+lado(?:\s+(?:izquierdo|derecho))?|la\s+cara|la\s+boca|un\s+lado|media\s+cara|la\s+mitad|medio\s+cuerpo|todo\s+un\s+lado)\b`],
  ['stroke', String.raw`\bboca\s+(?:torcida|chueca|caida|de\s+lado)\b`],
  ['stroke', String.raw`\b(?:habla|hablando|hablo|habla\s+muy)\s+(?:arrastrad\w*|enredad\w*|trabad\w*|raro|rara|mocho)\b`],
  ['stroke', String.raw`\barrastr\w*\s+(?:las\s+)?palabras\b`],
  ['stroke', String.raw`\bno\s+(?:puedo|puede|podia|podemos)\s+hablar\s+(?:bien|claro|normal)\b`],
  ['stroke', String.raw`\b(?:dificultad|problemas?)\s+para\s+hablar\b`],
  ['stroke', String.raw`\b(?:debilidad|entumecimiento|adormecimiento|hormigueo|paralisis)\s+(?:repentin\w*\s+)?(?:en|de)\s+(?:un|el|la|mi|su|media|medio|todo\s+el)\s+(?:lado|brazo|pierna|cara|cuerpo|mitad)\b`],
  ['stroke', String.raw`\bno\s+(?:puedo|puede|podia)\s+(?:mover|levantar|sentir)\s+(?:el|la|mi|su)\s+(?:brazo|pierna|mano|cara|lado)\b`],
  ['stroke', String.raw`\bbrazo\s+(?:\w+\s+)?(?:debil|sin\s+fuerza|paralizado)\b`],
  ['stroke', String.raw`\bderrame(?:\s+cerebral)?\b`],
  ['stroke', String.raw`\b(?:embolia|ictus|accidente\s+cerebro\s*vascular)\b`],
  ['stroke', String.raw`\bpeor\s+dolor\s+de\s+cabeza\b`],
  ['stroke', String.raw`\b(?:perdi|perdio|perdida\s+de)\s+(?:la\s+)?vista\b`],
  ['stroke', String.raw`\bde\s+repente\s+(?:no\s+(?:veo|ve|puedo\s+ver|puede\s+ver|puedo\s+hablar|puede\s+hablar|siento)|me\s+quede\s+ciego)`],
  ['stroke', String.raw`\bse\s+(?:me|le)\s+durmio\s+(?:\w+\s+){0,4}de\s+repente\b`],
  ['stroke', String.raw`\bde\s+repente\s+se\s+(?:me|le)\s+durmio\b`],

  // --- respiratory ---------------------------------------------------------------------
  ['respiratory', String.raw`\b${CANT}\s+(?:\w+\s+)?${BREATH}`],
  ['respiratory', String.raw`\b(?:struggling|hard|fighting|gasping)\s+(?:to|for)\s+(?:${BREATH}|air)`],
  ['respiratory', String.raw`\b(?:trouble|difficulty|difficult|problems?|labou?red|shallow)\s+(?:\w+\s+)?${BREATH}`],
  ['respiratory', String.raw`\b(?:barely|hardly)\s+${BREATH}`],
  ['respiratory', String.raw`\bshort(?:ness)?\s+(?:of\s+)?breath\b`],
  ['respiratory', String.raw`\b(?:not|isn'?t|stopped|aren'?t|wasn'?t|isnt|no\s+longer)\s+${BREATH}`],
  ['respiratory', String.raw`\b(?:gasping|choking)\b`],
  ['respiratory', String.raw`\b(?:lips|face|skin|fingers)\s+(?:are\s+|is\s+)?(?:turning\s+|going\s+|look\s+|looks\s+)?(?:blue|purple|gray|grey)\b`],
  ['respiratory', String.raw`\bturning\s+blue\b`],
  ['respiratory', String.raw`\b${CANT}\s+catch\s+(?:${WHO}\s+)?breath\b`],
  ['respiratory', String.raw`\b(?:severe\s+)?asthma\s+attack\b`],
  ['respiratory', String.raw`\bno\s+(?:puedo|puede|podia|pueden|podemos|puedes)\s+${RESPIRAR}`],
  ['respiratory', String.raw`\b(?:me|le|nos)\s+falta\s+(?:el\s+)?aire\b`],
  ['respiratory', String.raw`\bfalta\s+de\s+aire\b`],
  ['respiratory', String.raw`\b(?:me|se|le)\s+(?:esta\s+)?ahog\w*`],
  ['respiratory', String.raw`\bahogand\w*|\bpecho\s+hundido\b`],
  ['respiratory', String.raw`\b(?:dificultad|problemas?|trabajo)\s+para\s+${RESPIRAR}`],
  ['respiratory', String.raw`\b(?:me|le)\s+cuesta\s+(?:mucho\s+|trabajo\s+)?${RESPIRAR}`],
  ['respiratory', String.raw`\bcasi\s+no\s+(?:puedo|puede)\s+${RESPIRAR}`],
  ['respiratory', String.raw`\bno\s+respira\b`],
  ['respiratory', String.raw`\bdej(?:o|a)\s+de\s+${RESPIRAR}`],
  ['respiratory', String.raw`\b(?:labios|cara|piel|dedos)\s+(?:\w+\s+)?(?:morad\w*|azul\w*)\b`],
  ['respiratory', String.raw`\bse\s+(?:esta\s+poniendo|puso|pone)\s+(?:morad\w*|azul\w*)\b`],
  ['respiratory', String.raw`\b(?:ataque|crisis)\s+(?:de\s+)?asma\w*`],
  ['respiratory', String.raw`\batragant\w*`],

  // --- bleeding ------------------------------------------------------------------------
  ['bleeding', String.raw`\b(?:bleeding|blood)\s+(?:\w+\s+){0,3}(?:won'?t|will\s+not|doesn'?t|does\s+not|can'?t|isn'?t|is\s+not|hasn'?t|has\s+not|wont|doesnt|isnt)\s+(?:stop\w*|slow\w*)`],
  ['bleeding', String.raw`\b${CANT}\s+(?:get\s+(?:it|the\s+bleeding)\s+to\s+)?stop\s+(?:the\s+)?bleed\w*`],
  ['bleeding', String.raw`\b(?:won'?t|wont|will\s+not|doesn'?t|doesnt|does\s+not|isn'?t|is\s+not|hasn'?t|has\s+not|not)\s+stop(?:ping|ped)?\s+bleed\w*`],
  ['bleeding', String.raw`\bsoak(?:ed|ing|s)?\s+(?:right\s+)?through\s+(?:\w+\s+){0,2}(?:towels?|bandages?|gauze|pads?|shirt|napkins?|paper\s+towels?)\b`],
  ['bleeding', String.raw`\bempap\w*\s+(?:\w+\s+){0,2}(?:toallas?|gasas?|vendas?|trapos?|servilletas?|camisa)\b`],
  ['bleeding', String.raw`\b(?:severe|heavy|heavily|uncontrolled|profuse\w*|massive|serious|excessive)\s+(?:\w+\s+)?(?:bleed\w*|blood(?!\s*(?:work|test|draw|pressure|sugar|count)))`],
  ['bleeding', String.raw`\b(?:lots\s+of|a\s+lot\s+of|so\s+much|too\s+much|tons\s+of)\s+blood(?!\s*(?:work|test|draw|pressure|sugar|count))`],
  ['bleeding', String.raw`\bbleed\w*\s+(?:really\s+|very\s+)?(?:heavily|a\s+lot|badly|profusely|everywhere|nonstop|non-stop|so\s+much|really\s+bad|like\s+crazy|through)\b`],
  ['bleeding', String.raw`\b(?:cough\w*|vomit\w*|throw\w*\s+up|threw\s+up|spit\w*|puk\w*)\s+(?:up\s+)?blood\b`],
  ['bleeding', String.raw`\bblood\s+in\s+(?:${WHO}\s+)?vomit\b`],
  ['bleeding', String.raw`\blosing\s+(?:a\s+lot\s+of\s+|so\s+much\s+)?blood\b`],
  ['bleeding', String.raw`\bhemorrhag\w*`],
  ['bleeding', String.raw`\bsangr\w*\s+(?:\w+\s+){0,2}(?:mucho|muchisimo|abundante\w*|sin\s+parar|a\s+chorros|bastante|demasiado)\b`],
  ['bleeding', String.raw`\bno\s+(?:para|paro|deja|dejo|ha\s+parado|se\s+detiene)\s+de\s+sangrar\b`],
  ['bleeding', String.raw`\bsangrado\s+(?:muy\s+)?(?:abundante|fuerte|intenso|grave|masivo|que\s+no\s+(?:para|se\s+detiene))\b`],
  ['bleeding', String.raw`\b(?:mucha|muchisima|bastante|demasiada)\s+sangre\b`],
  ['bleeding', String.raw`\bhemorragia\b`],
  ['bleeding', String.raw`\b(?:desangr\w*|bleeding\s+out|bleed(?:ing)?\s+to\s+death)\b`],
  ['bleeding', String.raw`\b(?:tos\w*|vomit\w*|escup\w*|arroj\w*)\s+(?:con\s+)?sangre\b`],
  ['bleeding', String.raw`\bperdiendo\s+(?:mucha\s+)?sangre\b`],

  // --- mental health -------------------------------------------------------------------
  ['mental_health', String.raw`\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|shoot|shooting|hang|hanging)\s+(?:my|him|her|them|your)sel(?:f|ves)\b`],
  ['mental_health', String.raw`\bsuicid\w*`],
  ['mental_health', String.raw`\b(?:wants?|wanna|wanted|going|gonna|plan(?:ning)?|thinking\s+(?:about|of)|thought\s+(?:about|of)|thoughts?\s+(?:of|about)|ready)\s+(?:to\s+)?(?:die|dying|end(?:ing)?\s+(?:it|my\s+life|things|it\s+all|everything)|kill\w*(?!\s+(?:me|you|us)\b)|tak(?:e|ing)\s+my\s+(?:own\s+)?life)\b`],
  ['mental_health', String.raw`\b(?:end|ending|take|taking)\s+(?:my|his|her|their)\s+(?:own\s+)?life\b`],
  ['mental_health', String.raw`\b(?:don'?t|do\s+not|dont)\s+want\s+to\s+(?:live|be\s+alive|be\s+here\s+anymore|wake\s+up|exist)\b`],
  ['mental_health', String.raw`\b(?:better\s+off\s+dead|wish\s+i\s+(?:was|were)\s+dead|no\s+reason\s+to\s+live|not\s+worth\s+living|life\s+is(?:n'?t|\s+not)\s+worth)\b`],
  ['mental_health', String.raw`\bself[\s-]?harm\w*`],
  ['mental_health', String.raw`\b(?:kill|hurt|shoot|stab)\s+(?:someone|somebody|people|everyone|my\s+(?:wife|husband|family|kids|mother|father))\b`],
  ['mental_health', String.raw`\b(?:matarme|suicid\w*|quitarme\s+la\s+vida|quitarse\s+la\s+vida|matarse|ahorcarme|colgarme)\b`],
  ['mental_health', String.raw`\bme\s+quiero\s+(?:matar|morir|suicidar|quitar\s+la\s+vida)\b`],
  ['mental_health', String.raw`\bse\s+quiere\s+(?:matar|morir|suicidar|quitar\s+la\s+vida)\b`],
  ['mental_health', String.raw`\bquiero\s+(?:morir\w*|matarme|desaparecer\s+para\s+siempre|acabar\s+con\s+(?:todo|mi\s+vida))\b`],
  ['mental_health', String.raw`\bno\s+(?:quiero|quiere|queria|queremos)\s+(?:vivir|seguir\s+viviendo|despertar|estar\s+vivo|estar\s+viva|seguir\s+aqui)\b`],
  ['mental_health', String.raw`\b(?:hacerme|hacerse)\s+dano\b`],
  ['mental_health', String.raw`\b(?:lastimarme|lastimarse|cortarme(?!\s+(?:el\s+pelo|el\s+cabello|las\s+unas|el\s+fleco)))\b`],
  ['mental_health', String.raw`\b(?:pienso|pensando|pensamientos|pense|ideas)\s+(?:en|de)\s+(?:matarme|morir\w*|hacerme\s+dano|quitarme\s+la\s+vida|suicid\w*|lastimarme|acabar\s+con\s+todo)`],
  ['mental_health', String.raw`\bno\s+vale\s+la\s+pena\s+vivir\b`],
  // Pills in hand and the wish to take them all: a crisis, whatever else the message says.
  ['mental_health', String.raw`\b(?:going\s+to|gonna|want\s+to|wanna|about\s+to|will)\s+(?:take|swallow)\s+(?:them\s+all|all\s+(?:of\s+)?(?:my|the|these|those|them)?\s*(?:pills|tablets|meds|medicine|of\s+them))`],
  ['mental_health', String.raw`\bme\s+(?:las|los)\s+(?:quiero|voy\s+a)\s+(?:tomar|tragar)\s+tod[ao]s\b`],
  ['mental_health', String.raw`\b(?:quiero|voy\s+a)\s+(?:tomarme|tragarme)\s+tod[ao]s\s+(?:las|mis|los|sus)\s+(?:pastillas|pildoras|medicinas|medicamentos|tabletas)\b`],
  ['mental_health', String.raw`\bya\s+no\s+aguanto\s+(?:mas\s+)?(?:vivir|la\s+vida|esta\s+vida|seguir\s+viviendo)\b`],
  ['mental_health', String.raw`\bmejor\s+(?:estaria|estar|estaríamos)\s+muert\w*`],
  ['mental_health', String.raw`\b(?:matar|lastimar)\s+a\s+(?:alguien|mi\s+(?:esposa|esposo|familia|hijos))\b`],

  // --- poisoning / overdose ------------------------------------------------------------
  ['poisoning', String.raw`\boverdos\w*`],
  ['poisoning', String.raw`\b(?:took|taken|take|swallowed|ate|had|drank)\s+(?:way\s+)?(?:too\s+many|too\s+much\s+(?:of\s+)?(?:${WHO}\s+)?(?:medicine|medication|meds|pills|tylenol|insulin|tablets)|a\s+(?:whole|full)\s+bottle|the\s+whole\s+bottle|all\s+(?:of\s+)?(?:${WHO}\s+)?(?:pills|meds|medication|medicine|tablets))`],
  ['poisoning', String.raw`\btoo\s+many\s+(?:pills|tablets|meds|sleeping\s+pills|painkillers)\b`],
  ['poisoning', String.raw`\b(?:swallowed|drank|ate|ingested|drinking|eaten|swallowing)\s+(?:some\s+|a\s+lot\s+of\s+|an?\s+|the\s+|two\s+|several\s+)?(?:magnets?|bleach|poison|antifreeze|detergent|laundry\s+pods?|tide\s+pods?|cleaning\s+\w+|rat\s+poison|a\s+battery|batteries|button\s+batter\w+|lighter\s+fluid|gasoline|drain\s+cleaner|pesticide|weed\s+killer|mouthwash)\b`],
  ['poisoning', String.raw`\b(?:drank|swallowed|ate|got\s+into|drinking|eating)\s+(?:something|some\s+\w+|stuff|a\s+bottle)\s+(?:\w+\s+){0,2}(?:under\s+the\s+sink|cleaning|cleaner|chemicals?|medicine\s+cabinet|garage)\b`],
  ['poisoning', String.raw`\bgot\s+into\s+(?:${WHO}\s+|the\s+)?(?:pills|meds|medicine|medication|cleaning\s+\w+|chemicals|bleach)\b`],
  ['poisoning', String.raw`(?<!food\s)\bpoison(?:ed|ing)?\b(?!\s+ivy)`],
  ['poisoning', String.raw`\bsobredosis\b`],
  ['poisoning', String.raw`\b(?:me\s+tome|se\s+tomo|tomo|tome|trago|trague|se\s+trago|ingirio|se\s+comio|comio)\s+(?:\w+\s+){0,2}(?:muchas|demasiadas|todas\s+(?:las|mis|sus)|un\s+frasco|una\s+caja|el\s+frasco|toda\s+la\s+caja)\b`],
  ['poisoning', String.raw`\b(?:trago|trague|se\s+trago|bebio|se\s+tomo|tomo|ingirio|comio|se\s+comio|se\s+bebio)\s+(?:\w+\s+)?(?:cloro|veneno|lejia|detergente|anticongelante|raticida|una\s+pila|pilas|gasolina|insecticida|limpiador|jabon\s+de\s+ropa)\b`],
  ['poisoning', String.raw`\b(?:trago|trague|se\s+trago|bebio|se\s+bebio|se\s+tomo|tomo|ingirio|comio|se\s+comio)\s+(?:algo|un\s+poco|liquido)\s+(?:\w+\s+){0,4}(?:limpieza|limpiador\w*|quimic\w*|debajo\s+del\s+fregadero|del\s+garaje)\b`],
  ['poisoning', String.raw`\b(?:trago|bebio|se\s+tomo|tomo|comio|se\s+comio)\s+(?:\w+\s+){0,2}(?:productos?\s+de\s+limpieza|quimicos?)\b`],
  ['poisoning', String.raw`\benvenen\w*`],
  // A child who got into medicine or household pods: whatever the verb, poison control.
  ['poisoning', String.raw`\b(?:toddler|baby|kid|son|daughter|child|grandson|granddaughter|boy|girl|dog)\s+(?:\w+\s+){0,2}(?:(?:swallowed|ate|drank|got\s+into|chewed)\s+(?:\w+\s+){0,4}|took\s+(?:some|several|a\s+few|a\s+handful\s+of|a\s+bunch\s+of|my|mom'?s|moms|dad'?s|dads|grandma'?s|grandmas|grandpa'?s|grandpas|someone'?s|\d+|two|three|four|five)\s+(?:\w+\s+){0,2})(?:pills?|tablets?|meds|medicine|medication|vitamins|gummies|pods?|detergent)\b`],
  ['poisoning', String.raw`\b(?:swallowed|ate|got\s+into|chewed|bit)\s+(?:\w+\s+){0,3}(?:dishwasher|laundry|detergent|tide)\s+pods?\b`],
  ['poisoning', String.raw`\b(?:nino|nina|bebe|baby|hijo|hija|nieto|nieta|chamaco|chamaca|nene|nena|chiquito|chiquita|crio|cipote|patojo|pibe)\s+(?:\w+\s+){0,2}(?:(?:se\s+)?(?:trago|comio|bebio|mastico)\s+(?:\w+\s+){0,3}|(?:se\s+)?tomo\s+(?:unas|unos|varias|varios|algunas|muchas|mis|las\s+de|un\s+punado\s+de|\d+)\s+(?:\w+\s+){0,2})(?:pastillas?|pildoras?|pills?|tabletas?|medicinas?|medicamentos?|vitaminas|capsulas?|detergente)\b`],
  ['poisoning', String.raw`\bintoxica\w*(?!\s+(?:alimentaria|por\s+comida|con\s+comida))`],

  // --- allergic ------------------------------------------------------------------------
  ['allergic', String.raw`\banaphyla\w*`],
  ['allergic', String.raw`\b(?:throat|airway)\s+(?:is\s+|feels\s+(?:like\s+(?:it'?s\s+|it\s+is\s+)?)?|keeps\s+)?(?:\w+\s+)?(?:swell\w*|swollen|clos\w*|tighten\w*)`],
  ['allergic', String.raw`\b(?:swell\w*|swollen)\s+(?:\w+\s+)?(?:throat|tongue)\b`],
  // Swelling that spreads from the face to the throat ("my face and throat are swelling").
  ['allergic', String.raw`\b(?:face|lips?|eyes)\s+(?:and|&)\s+(?:my\s+|the\s+)?(?:throat|tongue)\s+(?:is\s+|are\s+)?(?:\w+\s+)?(?:swell\w*|swollen|clos\w*)`],
  ['allergic', String.raw`\btongue\s+(?:is\s+|and\s+(?:my\s+)?lips\s+(?:are\s+)?)?(?:\w+\s+)?(?:swell\w*|swollen)`],
  ['allergic', String.raw`\b(?:severe|serious|bad|major|strong|really\s+bad)\s+allergic\s+reaction\b`],
  // Swelling of the face or mouth together with trouble breathing.
  ['allergic', String.raw`\b(?:hinch\w*|swell\w*|swollen)\s+(?:\S+\s+){0,8}?(?:(?:le|me)\s+cuesta\s+respirar|no\s+(?:puede|puedo)\s+respirar|no\s+respira|(?:le|me)\s+falta\s+el\s+aire|can'?t\s+breathe|trouble\s+breathing|hard\s+to\s+breathe|wheez\w*)`],
  // Someone allergic who ate or was given the thing and now cannot breathe.
  ['allergic', String.raw`\b(?:alergic\w*|allergic)\s+(?:\S+\s+){0,8}?(?:se\s+(?:esta\s+)?ahog\w*|no\s+(?:puede|puedo)\s+respirar|(?:le|me)\s+falta\s+el\s+aire|${CANT}\s+${BREATH}|wheez\w*|throat\s+(?:is\s+)?(?:clos\w*|tight\w*|swell\w*))`],
  ['allergic', String.raw`\ballergic\s+reaction\s+(?:and|with)\s+(?:\w+\s+){0,4}(?:${BREATH}|throat|swell\w*|swollen|tongue|lips)`],
  ['allergic', String.raw`\banafila\w*`],
  ['allergic', String.raw`\bse\s+(?:me|le)\s+(?:estan?\s+)?(?:cerrando|cierra|hinch\w*|inflam\w*)\s+(?:\w+\s+){0,4}(?:garganta|lengua)\b`],
  ['allergic', String.raw`\bgarganta\s+(?:se\s+(?:me\s+|le\s+)?(?:cierra|esta\s+cerrando)|cerrada|hinchada)\b`],
  ['allergic', String.raw`\blengua\s+(?:muy\s+)?hinchad\w*`],
  ['allergic', String.raw`\breaccion\s+alergica\s+(?:muy\s+)?(?:grave|severa|fuerte|seria)\b`],
  ['allergic', String.raw`\b(?:choque|shock)\s+anafilactico\b`],
  // Swelling with trouble swallowing, or a sting followed by spreading swelling.
  ['allergic', String.raw`\b(?:hinch\w*|inflam\w*|swell\w*|swollen)\s+(?:\S+\s+){0,10}?${SWALLOW_TROUBLE}`],
  ['allergic', String.raw`${SWALLOW_TROUBLE}\s+(?:\S+\s+){0,10}?(?:hinch\w*|inflam\w*|swell\w*|swollen)`],
  ['allergic', String.raw`\b(?:me|le|nos)\s+pico\s+(?:\S+\s+){0,10}?(?:hinch\w*\s+(?:todo|toda|la\s+cara|los\s+labios|el\s+cuerpo)|ronchas\s+por\s+todo|cuesta\s+tragar)`],
  ['allergic', String.raw`\b(?:stung|sting)\s+(?:\S+\s+){0,10}?(?:swell\w*\s+(?:all\s+over|everywhere|up)|(?:face|lips|eyes)\s+(?:is\s+|are\s+)?swell\w*|hives\s+(?:all\s+over|everywhere))`],

  // --- unresponsive --------------------------------------------------------------------
  ['unresponsive', String.raw`\bunconscious\b`],
  ['unresponsive', String.raw`\bunresponsive\b`],
  ['unresponsive', String.raw`\b(?:passed|blacked)\s+out\b`],
  ['unresponsive', String.raw`\bfaint(?:ed|ing)\b`],
  ['unresponsive', String.raw`\b(?:won'?t|will\s+not|doesn'?t|does\s+not|can'?t|cannot|wont)\s+(?:wake\s+(?:up|him|her|them)|be\s+woken|respond(?!\s+to\s+(?:my|our|the|your)\s+(?:messages|calls|emails|texts)))`],
  ['unresponsive', String.raw`\bnot\s+(?:waking\s+up|responding(?!\s+to\s+(?:my|our|the|your)\s+(?:messages|calls|emails|texts)))\b`],
  ['unresponsive', String.raw`\bcollaps\w*`],
  ['unresponsive', String.raw`\bno\s+pulse\b`],
  ['unresponsive', String.raw`\blost\s+consciousness\b`],
  ['unresponsive', String.raw`\binconscient\w*`],
  ['unresponsive', String.raw`(?<!nadie\s)\bno\s+(?:responde|reacciona|despierta|se\s+despierta)\b(?!\s+(?:a\s+)?(?:mis|los|el|sus|nuestros)\s+(?:mensajes|llamadas|correos|telefono))`],
  ['unresponsive', String.raw`\b(?:se|me|le)\s+desmay\w*`],
  ['unresponsive', String.raw`\b(?:perdio|perdi|perdiendo)\s+el\s+conocimiento\b`],
  ['unresponsive', String.raw`\bse\s+desplom\w*`],
  ['unresponsive', String.raw`\bno\s+tiene\s+pulso\b`],

  // --- seizure -------------------------------------------------------------------------
  ['seizure', String.raw`(?<!anti[\s-]?)\bseiz(?:ure|ures|ing)\b(?!\s*(?:med\w*|pills?|prescription|disorder|history|drugs?|free|refill))`],
  ['seizure', String.raw`\bconvuls\w*`],
  ['seizure', String.raw`\b(?:having|had)\s+a\s+fit\b`],
  ['seizure', String.raw`\bepileptic\s+(?:fit|attack|seizure)\b`],
  ['seizure', String.raw`\b(?:ataque|crisis)\s+(?:epileptic\w*|de\s+epilepsia)\b`],

  // --- obstetric (see also the pregnancy + bleeding rule in code) ----------------------
  ['obstetric', String.raw`\b(?:water|waters)\s+(?:just\s+)?(?:broke|has\s+broken|broken)\b`],
  ['obstetric', String.raw`\bbaby\s+(?:isn'?t|is\s+not|stopped|hasn'?t\s+been|not|has\s+not\s+been)\s+mov\w*`],
  ['obstetric', String.raw`\b(?:stopped|not|no\s+longer)\s+feeling\s+(?:the\s+|my\s+)?baby\s+move\b`],
  ['obstetric', String.raw`\bmiscarr\w*`],
  ['obstetric', String.raw`\bse\s+(?:me|le)\s+rompi\w*\s+(?:la\s+)?(?:fuente|bolsa)\b`],
  ['obstetric', String.raw`\brompi\w*\s+(?:la\s+)?(?:fuente|bolsa)\b`],
  ['obstetric', String.raw`\bse\s+(?:me|le)\s+(?:vino|reviento|salio)\s+la\s+(?:fuente|bolsa)\b`],
  ['obstetric', String.raw`\b(?:el\s+|mi\s+)?bebe\s+(?:ya\s+)?no\s+se\s+mueve\b`],
  ['obstetric', String.raw`\bno\s+(?:siento|sentimos|he\s+sentido|ha\s+sentido|siente)\s+(?:que\s+se\s+mueva\s+|moverse\s+|mover\s+)?(?:a\s+|al\s+)?(?:el\s+|mi\s+)?bebe(?:\s+moverse)?\b`],
  ['obstetric', String.raw`\b(?:can'?t|cannot|don'?t|didn'?t|haven'?t)\s+(?:feel|felt)\s+(?:the\s+|my\s+)?baby\s+(?:move|moving|kick\w*)\b`],
  ['obstetric', String.raw`\b(?:aborto\s+espontaneo|perdiendo\s+(?:al|el)\s+bebe|estoy\s+abortando)\b`],

  // --- trauma --------------------------------------------------------------------------
  ['trauma', String.raw`\b(?:car|motorcycle|bike|motorbike)\s+(?:accident|crash|wreck)\b`],
  ['trauma', String.raw`\bhit\s+by\s+a\s+(?:car|truck|bus|vehicle)\b`],
  ['trauma', String.raw`\b(?:gunshot|gun\s+shot|been\s+shot|got\s+shot|was\s+shot|stabbed|stab\s+wound)\b`],
  ['trauma', String.raw`\b(?:hit|banged|struck|fell\s+on)\s+(?:${WHO}\s+)?head\s+(?:\w+\s+){0,5}(?:passed\s+out|vomit\w*|throwing\s+up|confus\w*|bleed\w*|unconscious|knocked\s+out)`],
  ['trauma', String.raw`\bhead\s+injury\b`],
  // A fall followed by confusion, vomiting or drowsiness: a head injury until proven otherwise.
  ['trauma', String.raw`\b(?:fell|fall(?:en)?|tumbled)\s+(?:off|from|down)\s+(?:\S+\s+){0,8}?(?:confus\w*|threw\s+up|throwing\s+up|vomit\w*|puk\w*|passed\s+out|knocked\s+out|unconscious|won'?t\s+wake|not\s+making\s+sense|drowsy|so\s+sleepy)`],
  ['trauma', String.raw`\bse\s+cayo\s+(?:de|del|de\s+la|por)\s+(?:\S+\s+){0,8}?(?:confundid\w*|vomit\w*|desmay\w*|no\s+despierta|somnolient\w*|no\s+reacciona|adormilad\w*)`],
  ['trauma', String.raw`\b(?:se|me|le)\s+(?:pego|pegue|golpeo|golpee|dio|di)\s+(?:un\s+golpe\s+)?(?:fuerte\s+)?en\s+la\s+cabeza\s+(?:(?!pero\b|sin\b|nunca\b|no\b(?!\s+(?:para|deja)\b))\w+\s+){0,6}(?:vomit\w*|desmay\w*|confundid\w*|no\s+despierta|inconsciente|sangr\w*)`],
  ['trauma', String.raw`\bbone\s+(?:is\s+)?(?:sticking|poking)\s+out\b`],
  ['trauma', String.raw`\baccidente\s+de\s+(?:carro|coche|auto|moto|transito|trafico)\b`],
  ['trauma', String.raw`\batropell\w*`],
  ['trauma', String.raw`\b(?:herida\s+de\s+bala|le\s+dispararon|me\s+dispararon|balazo|apunal\w*|punalad\w*|machete(?:aron|o|ado|ada)|plomazo|balacearon|balearon|acuchill\w*)\b`],
  ['trauma', String.raw`\b(?:golpe\s+(?:muy\s+)?fuerte\s+en\s+la\s+cabeza|traumatismo\s+craneal)\b`],

  // --- fever in a young infant (the fever itself is the match, so "no fever" is negated) ---
  ['infant_fever', String.raw`(?<=${YOUNG_INFANT}\s+(?:\S+\s+){0,10}?)${FEVER}`],
  ['infant_fever', String.raw`${FEVER}(?=\s+(?:\S+\s+){0,6}?(?:in\s+|en\s+)?(?:my|our|the|mi|el|nuestro)\s+${YOUNG_INFANT})`],

  // --- more ways people describe the same emergencies -------------------------------------
  // Arterial bleeding: blood that spurts, squirts, gushes or pumps.
  ['bleeding', String.raw`\b(?:blood\s+(?:is\s+|was\s+|keeps\s+)?(?:spurt\w*|squirt\w*|gush\w*|pump\w*|pour\w*|shoot\w*)|(?:spurt\w*|squirt\w*|gush\w*|pump\w*|pour\w*|shoot\w*)\s+(?:out\s+)?blood|bleed\w*\s+(?:\w+\s+)?(?:spurt\w*|squirt\w*|gush\w*|pump\w*|pour\w*))\b`],
  ['bleeding', String.raw`\b(?:sangre\s+(?:\w+\s+){0,3}(?:a\s+chorros|a\s+borbotones|brota|chorrea|sale\s+y\s+sale|no\s+(?:para|deja\s+de\s+salir))|chorro\s+de\s+sangre|brota\w*\s+sangre|sangra\w*\s+a\s+borbotones)\b`],
  // A child named by age ("my 2 year old", "mi niña de 3 años") who got into medicine.
  ['poisoning', String.raw`\b(?:\d{1,2}|one|two|three|four|five|six)[\s-]*(?:years?|yrs?|months?|mo)[\s-]*old\s+(?:[\w']+\s+){0,2}(?:swallowed|ate|drank|got\s+into|chewed|popped)\s+(?:[\w']+\s+){0,4}(?:pills?|tablets?|meds|medicine|medication|vitamins|gummies|pods?|detergent|batter\w*|magnets?|bleach|cleaner)\b`],
  ['poisoning', String.raw`\b(?:de\s+(?:\d{1,2}|un|uno|dos|tres|cuatro|cinco)\s+(?:anos?|anitos?|meses)|chiquit\w*|chamac\w*|bebe|baby|nene|nena|escuincl\w*|huerc\w*|nin[oa]s?|hij[oa]s?|niet[oa]s?|crio|cipote|patojo|chigui\w*|pelad[oa]|pibe)\s+(?:\w+\s+){0,4}(?:se\s+)?(?:ha\s+)?(?:trago|tragado|comio|comido|bebio|bebido|mastico|metio\s+a\s+la\s+boca)\s+(?:\w+\s+){0,5}(?:pills?|meds|pastillas?|pildoras?|tabletas?|medicinas?|medicamentos?|vitaminas|capsulas?|pilas?|imanes?|cloro|detergente|jabon)\b`],
  ['poisoning', String.raw`\b(?:swallowed|ate|took|got\s+into)\s+(?:some\s+of\s+|a\s+few\s+of\s+|one\s+of\s+|two\s+of\s+)?(?:someone'?s|somebody'?s|(?:his|her|my|the)\s+(?:grand(?:ma|pa|mother|father)|mom|mother|dad|father|aunt|uncle|sister|brother|neighbor)'?s?)\s+(?:\w+\s+){0,2}(?:pills?|tablets?|meds|medicine|medication|gummies)\b`],
  ['poisoning', String.raw`\bcarbon\s+monoxide\s+(?:\w+\s+){0,3}(?:going\s+off|beeping|went\s+off|poison\w*|leak\w*)|\b(?:breathed|breathing|exposed\s+to|poisoned\s+by|smell\s+of)\s+(?:\w+\s+){0,2}carbon\s+monoxide\b|\bco\s+(?:alarm|detector)\s+(?:is\s+|went\s+)?(?:going\s+off|beeping|off)|\bmonoxido\s+de\s+carbono\b`],
  // Stroke told by a relative in Spanish: "no se le entiende", "le cuesta hablar", "se le trabó la lengua".
  ['stroke', String.raw`\b(?:no\s+se\s+le\s+entiende|no\s+le\s+(?:entiendo|entendemos)\s+(?:nada\s+|lo\s+que\s+dice)|(?:le|me)\s+cuesta\s+(?:mucho\s+)?hablar|se\s+(?:le|me)\s+trab\w*\s+la\s+lengua|lengua\s+trabada|(?:la\s+)?boca\s+(?:se\s+(?:le|me)\s+)?(?:fue|va|hizo)\s+(?:para\s+|hacia\s+)?(?:un\s+)?lado)\b`],
  ['stroke', String.raw`\b(?:no\s+(?:puede|puedo)\s+(?:levantar|mover|sentir)\s+(?:\w+\s+){0,2}(?:brazo|pierna|mano)|(?:brazo|pierna|mano)\s+(?:\w+\s+)?(?:no\s+(?:le|me)\s+responde|dormid[ao]\s+(?:y|de\s+repente)|sin\s+fuerza))\b`],
  // Confusion that comes on suddenly (delirium) is an emergency on its own (NHS "call 999").
  ['stroke', String.raw`\b(?:suddenly|all\s+of\s+a\s+sudden)\s+(?:\w+\s+){0,3}(?:very\s+|really\s+|so\s+)?(?:confused|not\s+making\s+sense|doesn'?t\s+know\s+(?:who|where))|\bde\s+repente\s+(?:\w+\s+){0,3}(?:muy\s+)?(?:confundid\w*|no\s+(?:sabe|reconoce)\s+(?:donde|quien|a\s+nadie))\b`],

  // --- lay, regional and relative-reported wording (both languages, Spanish most) ----------
  // Cardiac: the chest described by feel ("an elephant on my chest", "me aprieta el pecho",
  // "le arde el pecho"), by a carer ("clutching his chest"), or pain that travels to the arm.
  ['cardiac', String.raw`\b(?:elephant|elefante)\s+(?:\w+\s+){0,4}(?:chest|pecho)\b`],
  ['cardiac', String.raw`\b(?:clutch\w*|grabb\w*|holding|grasping)\s+(?:at\s+)?(?:${WHO}\s+)?${CHEST}\b`],
  ['cardiac', String.raw`\b${CHEST}\s+(?:is\s+|has\s+been\s+|keeps\s+|feels?\s+|was\s+|been\s+)?(?:like\s+)?(?:really\s+|so\s+|super\s+|very\s+|kinda\s+|real\s+)?(?:hurt\w*|tight|heavy|aching|achy|burning|killing)\b`],
  ['cardiac', String.raw`\b(?:pain|pressure|tightness|heaviness|squeezing|crushing|burning|weight)\s+(?:\w+\s+){0,2}(?:in|on|across)\s+(?:the\s+(?:middle|center|centre)\s+of\s+)?(?:${WHO}\s+)?${CHEST}\b`],
  ['cardiac', String.raw`\b${CHEST}\s+(?:\S+\s+){0,8}?(?:goes|going|spreads?|spreading|radiat\w*|moves?|moving|shoots?|shooting|runs?|running)\s+(?:up\s+|down\s+)?(?:to|into|down|up)\s+(?:${WHO}\s+)?(?:left\s+)?(?:arm|jaw|shoulder)\b`],
  ['cardiac', String.raw`\b(?:me|le|nos|te)\s+(?:esta\s+)?(?:duele\w*|doliendo|aprieta\w*|apretando|oprime|oprimiendo|pesa|punza)\s*(?:\w+\s+){0,2}(?:el\s+)?${PECHO}\b`],
  ['cardiac', String.raw`\b(?:presion|opresion|peso|ardor|apreton|dolor\w*|puntada|punzada)\s+(?:\w+\s+){0,2}(?:en|sobre)\s+(?:el|mi|su)\s+${PECHO}\b`],
  ['cardiac', String.raw`\b(?:chest|${PECHO})\s+(?:me|le)\s+(?:duele|aprieta)\b`],
  ['cardiac', String.raw`\b(?:se\s+)?(?:agarr\w*|sujet\w*|aprieta\w*|tocando)\s+(?:el\s+)?${PECHO}\b|\b${PECHO}\s+(?:muy\s+|bien\s+)?(?:pesado|oprimido|apretadisimo)\b`],
  // Heartburn alone is routine; a burning or aching chest with a cold sweat or grey colour is not.
  ['cardiac', String.raw`\b(?:${CHEST}|${PECHO})\s+(?:\S+\s+){0,8}?(?:sweat\w*|clammy|(?:turned|went|looks?|is)\s+(?:gray|grey|pale)|sudando|sudor\s+frio|sudoros\w*|se\s+(?:puso|ve)\s+(?:palid\w*|gris))`],
  ['cardiac', String.raw`\b${PECHO}\s+(?:\S+\s+){0,8}?(?:me|le|se)\s+(?:baja|corre|pasa|llega|sube|va|extiende)\s+(?:hasta\s+|hacia\s+)?(?:al|por\s+el|a\s+la|el|la|a\s+mi|a\s+su)\s+(?:brazo|mandibula|quijada|hombro|cuello|espalda)\b`],
  ['cardiac', String.raw`\b(?:aprieta\w*|oprime\w*|duele\w*|dolor\w*|presion|peso)\s+(?:\w+\s+){0,3}(?:en\s+)?(?:medio|el\s+centro|mitad)\s+del\s+${PECHO}\b|\b(?:pain|pressure|squeezing)\s+(?:\w+\s+){0,3}(?:chest|breastbone)\s+(?:\S+\s+){0,4}?(?:to|into)\s+(?:${WHO}\s+)?neck\b`],

  // "Me duele el corazón" is how many people say chest pain (not "de tristeza", see vetoes).
  ['cardiac', String.raw`\b(?:me|le|nos)\s+(?:esta\s+)?duele\s+(?:mucho\s+|muy\s+fuerte\s+)?el\s+corazon\b|\bdolor\s+(?:\w+\s+)?(?:en|del)\s+(?:el\s+)?corazon\b`],

  // Stroke (BE-FAST) told by a relative: a crooked smile, a floppy arm, speech that comes out
  // wrong, and anything that comes on suddenly ("de repente", "de pronto", "de la nada").
  ['stroke', String.raw`\b(?:smile|mouth|lip)\s+(?:is\s+|looks\s+|went\s+|seems\s+)?(?:all\s+)?(?:crooked|droop\w*|lopsided|uneven|twisted|sagg\w*)\b`],
  ['stroke', String.raw`\b(?:arm|leg|hand)\s+(?:is\s+|went\s+|feels\s+|just\s+)?(?:all\s+)?(?:floppy|hanging\s+limp)\b`],
  ['stroke', String.raw`\b(?:talking|speaking|sounds)\s+(?:all\s+)?(?:funny|weird|strange|gibberish|nonsense|drunk)\b`],
  ['stroke', String.raw`\b${CANT}\s+get\s+(?:\w+\s+)?words\s+out\b`],
  ['stroke', String.raw`\b(?:sudden(?:ly)?|all\s+of\s+a\s+sudden|out\s+of\s+nowhere)\s+(?:\w+\s+){0,3}(?:lost\s+(?:${WHO}\s+)?balance|(?:seeing|sees|see)\s+double|double\s+vision|(?:can'?t|cannot|couldn'?t)\s+(?:see|walk|stand|talk|speak)|(?:fell|falling)\s+to\s+one\s+side)`],
  ['stroke', String.raw`\b(?:sonrisa|boca|labio)\s+(?:\w+\s+)?(?:torcid\w*|chuec\w*|caid\w*|de\s+lado|ladead\w*)\b`],
  ['stroke', String.raw`\b(?:brazo|pierna|mano)\s+(?:\w+\s+)?(?:flojo|floja|flojit[oa]|muert[oa]|caid[oa]|colgando|sin\s+fuerza|no\s+(?:le|me)\s+responde)\b`],
  ['stroke', String.raw`\b(?:de\s+repente|de\s+pronto|derrepente|de\s+la\s+nada|repentinamente|subitamente|en\s+un\s+momento)\s+(?:\w+\s+){0,3}(?:no\s+(?:puede|puedo|pudo|podia)\s+(?:hablar|ver|caminar|mover\w*|levantar|pararse|sostener\w*)|dejo\s+de\s+(?:ver|hablar|caminar)|perdi\w*\s+(?:el\s+equilibrio|la\s+vista|el\s+habla|la\s+fuerza)|(?:ve|veo)\s+doble|vision\s+doble|no\s+(?:me\s+|nos\s+|la\s+|lo\s+)?reconoce|habla\s+(?:raro|cosas\s+sin\s+sentido|enredado|mocho|arrastrado)|se\s+(?:le|me)\s+(?:durmio|cayo|torcio|fue)\b)`],
  ['stroke', String.raw`\bno\s+(?:puede|puedo|podia|pudo)\s+mover\s+(?:la\s+mitad\s+del?\s+cuerpo|medio\s+cuerpo|(?:todo\s+)?un\s+lado|el\s+lado)|\bse\s+(?:me|le)\s+(?:nublo|fue|apago)\s+la\s+vista\b|\bno\s+(?:veo|ve)\s+(?:nada\s+)?(?:de|por|con)\s+un\s+ojo\b|\b(?:amanecio|desperto|se\s+levanto|quedo|esta)\s+sin\s+poder\s+(?:hablar|mover\w*)`],
  ['stroke', String.raw`\bno\s+(?:puede|puedo|podia)\s+(?:agarrar|sostener|apretar)\s+(?:nada\s+)?(?:con\s+)?(?:la|su|mi|el)\s+(?:mano|brazo)\b|\bhabla\w*\s+arrastrando\b`],
  ['stroke', String.raw`\bse\s+(?:le|me)\s+fue\s+el\s+habla\b|\bperdi\w*\s+el\s+habla\b|\bno\s+(?:puede|puedo)\s+sonreir\b|\barrastra\w*\s+(?:el|la|un)\s+(?:pie|pierna)\b`],
  ['stroke', String.raw`\bhabla\w*\s+(?:puras\s+|pura\s+)?incoherencias\b|\bincoherente\b|\bno\s+(?:mueve|movia)\s+(?:el|la|su)\s+(?:brazo|pierna|mano|lado)\b`],
  ['stroke', String.raw`\bhabla\w*\s+(?:muy\s+)?(?:mocho|enredado|raro|chistoso|cosas\s+sin\s+sentido|como\s+borrach\w*)\b`],
  ['stroke', String.raw`\b(?:cara|boca)\s+(?:\w+\s+){0,2}(?:caida|torcida|chueca|de\s+lado)\b`],
  ['stroke', String.raw`\b(?:had|having|le\s+dio|le\s+esta\s+dando|tuvo)\s+(?:a\s+|un\s+)?stroke\b`],

  // Breathing: air that will not go in, ribs sucking in, a reliever that does not help.
  ['respiratory', String.raw`\bno\s+(?:me|le|nos|te)\s+(?:alcanza|entra|llega|pasa)\s+(?:el\s+|nada\s+de\s+|suficiente\s+)?aire\b`],
  ['respiratory', String.raw`\bno\s+(?:puedo|puede|podia|pueden)\s+(?:agarrar|jalar|tomar|coger|meter|sacar|jalar)\s+(?:el\s+)?aire\b`],
  ['respiratory', String.raw`\bnopued\w*\s+${RESPIRAR}|\bresoll\w*|\bno\s+(?:puede|puedo|podia)\s+breath\w*`],
  ['respiratory', String.raw`\bse\s+queja\w*\s+al\s+respirar\b|\bquejidos?\s+al\s+respirar\b|\bse\s+(?:le|me)\s+(?:hunde\w*|mete\w*|marca\w*|ven)\s+(?:el\s+pecho|las\s+costillas|la\s+panza|el\s+cuello|la\s+barriga)\b`],
  ['respiratory', String.raw`\b(?:ribs|chest|belly|skin\s+between\s+(?:his|her|the)\s+ribs)\s+(?:are\s+|is\s+)?(?:sucking|pulling|caving)\s+in\b|\bgrunting\b`],
  ['respiratory', String.raw`\bno\s+(?:puede|puedo)\s+(?:terminar|acabar)\s+(?:una|la|las)\s+(?:frase|oracion|palabras)|\b${CANT}\s+finish\s+(?:a|my|his|her)\s+sentence`],
  ['respiratory', String.raw`\basfixi\w*|\bse\s+(?:le|me)\s+(?:cerro|cierra|esta\s+cerrando)\s+el\s+pecho\b`],
  ['respiratory', String.raw`\b${CANT}\s+get\s+(?:any\s+|enough\s+)?air\b`],
  ['respiratory', String.raw`\b(?:inhaler|puffer|nebulizer|inhalador|bomba|pump|nebulizador)\s+(?:\w+\s+){0,2}(?:(?:isn'?t|isnt|is\s+not|not|doesn'?t|doesnt|does\s+not|didn'?t|didnt|won'?t)\s+(?:help\w*|doing\s+anything|do\s+anything)|no\s+(?:le|me|nos)\s+(?:hace\s+nada|sirve|funciona|ayuda))`],

  // Bleeding that will not stop, in the words people use ("no para la sangre", "un montón").
  ['bleeding', String.raw`\b(?:la\s+)?sangre\s+no\s+(?:se\s+)?(?:para|detiene|deja|quita|corta|contiene)\b|\bno\s+(?:para|se\s+detiene|se\s+corta|se\s+para|deja\s+de\s+salir)\s+(?:la\s+)?sangre\b|\bno\s+(?:para|deja)\s+de\s+salir(?:le|me)?\s+(?:la\s+)?sangre\b|\bno\s+(?:le|me|se\s+le)\s+(?:para|detiene|deja\s+de\s+salir|paraba)\s+(?:la\s+)?sangre\b`],
  ['bleeding', String.raw`\bsangr\w*\s+(?:\w+\s+){0,2}(?:un\s+monton|montones|a\s+montones|un\s+chingo|horrores|a\s+mares|horrible|bien\s+feo|mucho)\b|\bsangre\s+(?:a\s+montones|a\s+mares|por\s+todos\s+lados|por\s+todas\s+partes)\b`],
  ['bleeding', String.raw`\bblood\s+(?:is\s+)?(?:everywhere|all\s+over\s+the)\b|\b(?:nose\s*bleed|nosebleed)\s+(?:\w+\s+){0,2}(?:won'?t|wont|will\s+not|doesn'?t|doesnt|hasn'?t|not)\s+stop\w*`],
  ['bleeding', String.raw`\b(?:echa\w*|bota\w*)\s+(?:\w+\s+)?sangre\b`],
  ['bleeding', String.raw`\b(?:vomit\w*|throw\w*\s+up|threw\s+up|devolv\w*)\s+(?:\S+\s+){0,4}(?:coffee\s+grounds?|cafe\s+molido|asiento\s+de\s+cafe)`],
  ['bleeding', String.raw`\bbleed\w*\s+(?:\w+\s+)?(?:mucho|bastante|sin\s+parar)\b`],
  ['bleeding', String.raw`\bsangre\s+(?:\S+\s+){0,7}?sin\s+parar\b|\bpura\s+sangre\b|\b(?:poop\w*|stool|pee)\s+(?:is\s+)?(?:all|pure|just)\s+blood\b`],
  ['bleeding', String.raw`\bsangre\s+(?:al|cuando)\s+(?:vomit\w*|tos\w*|escup\w*|devolv\w*)`],

  // Self-harm and suicide, reported or first person ("se va a matar", "ganas de morirme").
  ['mental_health', String.raw`\b(?:ganas\s+de\s+(?:morir\w*|matarme|suicidarme|no\s+existir|desaparecer)|quisiera\s+(?:estar\s+muert\w*|morirme|no\s+existir|no\s+despertar)|ojala\s+(?:me\s+muera|estuviera\s+muert\w*|no\s+despert\w*))`],
  ['mental_health', String.raw`\b(?:se\s+(?:va|van|quiere|quieren)|me\s+voy|te\s+vas)\s+a\s+(?:matar|suicidar|quitar\s+la\s+vida|colgar|ahorcar|aventar|tirar\s+(?:del|de\s+un|de\s+una|de\s+la)|lanzar|pegar\s+un\s+(?:tiro|balazo)|dar\s+un\s+(?:tiro|balazo)|cortar\s+las\s+venas)\b`],
  ['mental_health', String.raw`\b(?:voy|va|vas)\s+a\s+acabar\s+con\s+(?:todo|mi\s+vida|su\s+vida)\b|\bquiero\s+desaparecer\b|\bya\s+no\s+quiero\s+seguir\b(?!\s+(?:con|en|el|la|los|las|tomando|yendo|pagando|viniendo|esperando|aqui\s+en))`],
  ['mental_health', String.raw`\b(?:se\s+(?:esta\s+)?cort(?:a|ando|o)|cortando(?:se|me))\s+(?:los\s+brazos|las\s+munecas|las\s+piernas|la\s+piel|las\s+venas)\b|\bcortar(?:se|me)\s+las\s+venas\b`],
  ['mental_health', String.raw`\b(?:me\s+estoy|se\s+esta|se\s+estaba|me\s+estaba)\s+cortando\b(?!\s+(?:el|las|los|la)\s+(?:pelo|cabello|unas|fleco|barba|unas))`],
  ['mental_health', String.raw`\b(?:irme|ir|se\s+va)\s+de\s+este\s+mundo\b|\b(?:dormir(?:me)?|sleep)\s+(?:y|and)\s+(?:no\s+despertar|never\s+wake)|\bempastill\w*`],
  ['mental_health', String.raw`\b(?:carta|nota|mensaje)\s+de\s+despedida\b|\bgoodbye\s+(?:note|letter|message)\b`],
  ['mental_health', String.raw`\b(?:voy\s+a|va\s+a|quiero|quiere)\s+(?:tomar|tragar)(?:me|se)?\s+tod[ao]s\s+(?:las|mis|los|sus)\s+(?:pastillas|pildoras|medicinas|medicamentos|tabletas)\b`],
  ['mental_health', String.raw`\b(?:jump|jumping)\s+(?:off|from)\s+(?:a|the|this|that)\s+(?:bridge|building|roof)\b|\b(?:aventar|tirar|lanzar)(?:me|se)?\s+(?:del|de\s+un|de\s+una|de\s+la|desde\s+el)\s+(?:puente|edificio|techo|azotea)\b`],

  // Poisoning and overdose: amounts ("the whole bottle", "como 20 pastillas", "el doble"),
  // household products by their everyday names, and carbon monoxide alarms.
  ['poisoning', String.raw`\b(?:se\s+)?(?:tomo|tome|trago|trague|bebio|comio|tomaron|tomamos)\s+(?:\w+\s+){0,2}(?:el\s+jarabe\s+entero|todo\s+el\s+(?:jarabe|frasco|bote)|(?:un|el|medio)\s+(?:bote|frasco|blister|tarro)|la\s+mitad\s+del?\s+(?:bote|frasco|jarabe)|el\s+doble|doble\s+dosis|(?:como\s+|unas?\s+|mas\s+de\s+)?\d{2,}\s+(?:pastillas|pildoras|tabletas|capsulas)|much[oa]s?\s+(?:paracetamol|tylenol|acetaminofen|ibuprofeno|medicamento|medicina|pastillas|aspirinas?))`],
  ['poisoning', String.raw`\b(?:drank|swallowed|ate|downed|chugged)\s+(?:a|the|an\s+entire|a\s+whole|half\s+a)\s+bottle\s+of\s+(?:\w+\s+){0,2}(?:syrup|medicine|tylenol|pills|vitamins|benadryl|motrin|melatonin)\b`],
  ['poisoning', String.raw`\b(?:took|taken|swallowed|ate|popped|had)\s+(?:like\s+|about\s+|around\s+|maybe\s+|over\s+)?(?:\d{2,}|twenty|thirty|forty|fifty)\s+(?:\w+\s+)?(?:pills|tablets|tylenol|advil|ibuprofen|aspirin|caps|capsules)\b`],
  ['poisoning', String.raw`\b(?:se\s+)?(?:tomo|tome|puso|puse|inyecto|inyecte|aplico|aplique)\s+(?:\w+\s+){0,3}(?:dos\s+veces|doble\s+dosis|el\s+doble)\b(?!\s+(?:al|por|a\s+la)\s+(?:dia|semana)|\s+diari\w*)`],
  ['poisoning', String.raw`\b(?:took|taken|given|gave)\s+(?:\w+\s+){0,4}(?:twice\s+by\s+(?:mistake|accident)|twice|a\s+double\s+dose|double\s+(?:the\s+)?dose|two\s+doses)\b(?!\s+(?:a|per|every)\s+(?:day|week))`],
  ['poisoning', String.raw`\b(?:trago|trague|se\s+trago|bebio|se\s+bebio|se\s+tomo|tomo|ingirio|comio|se\s+comio)\s+(?:\w+\s+){0,3}(?:thinner|tiner|suavizante|aguarras|solvente|amoniaco|destapacan\w*|pinol|fabuloso|clorox|iman(?:es)?|pila\s+de\s+boton|limpiavidrios|windex|matarratas|mata\s+ratas|destapador\w*|liquido\s+(?:de|del|para)(?:\s+la)?\s+(?:limpiar|limpieza|frenos|encendedor|limpiavidrios|parabrisas|estufa|bateria)|alcohol\s+(?:de\s+)?(?:curar|farmacia|isopropilico)|gasolina|queroseno|kerosene|veneno)\b`],
  ['poisoning', String.raw`\b(?:drank|swallowed|ate|drinking|got\s+into)\s+(?:some\s+|the\s+)?(?:windshield\s+washer\s+fluid|washer\s+fluid|lamp\s+oil|paint\s+thinner|nail\s+polish\s+remover|essential\s+oils?|hand\s+sanitizer|rubbing\s+alcohol|kerosene|fabric\s+softener|the\s+cleaning\s+stuff|cleaning\s+stuff)\b`],
  ['poisoning', String.raw`\b(?:alarma|detector)\s+de\s+(?:monoxido|co)\s+(?:\w+\s+){0,3}(?:suena|sonando|sono|pita|pitando|se\s+activo|se\s+prendio)|\bmonoxido\s+(?:\w+\s+){0,4}(?:mareado|desmay\w*|vomit\w*|dolor\s+de\s+cabeza)|\b(?:intoxicad\w*|envenenad\w*)\s+(?:\w+\s+){0,3}monoxido\b`],

  ['poisoning', String.raw`\bse\s+(?:ha|han)\s+(?:tragado|tomado|bebido|comido)\s+(?:\w+\s+){0,4}(?:pilas?|iman\w*|pastillas|pildoras|medicinas?|medicamentos?|cloro|lejia|lavavajillas|detergente|friegasuelos|salfuman|amoniaco|veneno|caja\s+entera|bote\s+entero|frasco\s+entero|gasolina)\b|\b(?:lavavajillas|friegasuelos|salfuman)\b`],
  ['poisoning', String.raw`\b(?:se\s+)?(?:tomo|tome|trago|trague|tomaron)\s+(?:\S+\s+){0,6}?(?:como|unas|unos|mas\s+de|casi|alrededor\s+de)\s+(?:diez|once|doce|quince|veinte|treinta|cuarenta|cincuenta|\d{2,})\b`],
  ['poisoning', String.raw`\b(?:se\s+)?(?:tomo|tome|trago|trague|tomaron)\s+(?:un\s+monton|un\s+chingo|un\s+punado|un\s+puno|montones)\s+de\s+(?:pastillas|pildoras|tabletas|medicinas|capsulas)\b`],
  ['poisoning', String.raw`\b(?:took|taken|swallowed|popped|ate)\s+(?:a\s+bunch|a\s+handful|handfuls|a\s+lot|a\s+ton|tons)\s+of\s+(?:\w+\s+)?(?:pills|tablets|meds|tylenol|advil|xanax|sleeping\s+pills|painkillers)\b`],

  // Allergic: lips or tongue swelling, a tight throat, hives with vomiting or wheeze.
  ['allergic', String.raw`\b(?:lips?|labios?)\s+(?:are\s+|is\s+|\w+\s+)?(?:swell\w*|swollen|hinchad\w*|inflamad\w*)|\b(?:swell\w*|swollen|hinch\w*|inflam\w*)\s+(?:\w+\s+){0,2}(?:(?:los|sus|mis)\s+labios|(?:his|her|my)\s+lips)\b`],
  ['allergic', String.raw`\bthroat\s+(?:is\s+|feels\s+)?(?:so\s+|really\s+|very\s+)?tight\b|\bgarganta\s+(?:\w+\s+)?(?:cerrad\w*|apretad\w*)|\bse\s+(?:me|le)\s+(?:esta\s+)?cerrando\s+la\s+garganta\b`],
  ['allergic', String.raw`\b(?:hives|ronchas|urticaria|habones)\s+(?:\S+\s+){0,6}?(?:vomit\w*|throwing\s+up|wheez\w*|faint\w*|desmay\w*|silb\w*|(?:lips|labios)\b)`],
  ['allergic', String.raw`\b(?:stung|sting|abeja|avispa|alacran|escorpion|hormiga|arana|picadura)\s+(?:\S+\s+){0,8}?${SWALLOW_TROUBLE}|\b(?:stung|sting)\s+(?:\S+\s+){0,6}?throat\b`],
  ['allergic', String.raw`\b(?:used|gave|give|giving|injected|stabbed|had\s+to\s+use|needed|use)\s+(?:\w+\s+){0,2}epi\s?-?pen\b|\bepi\s?-?pen\s+(?:\w+\s+){0,2}(?:didn'?t|did\s+not|isn'?t|not)\s+(?:help|work)|\b(?:le\s+(?:puse|pusimos|pusieron|di|dimos|inyect\w*)|use|usamos|usaron)\s+(?:el\s+|la\s+|su\s+|mi\s+)?epi\s?-?pen\b`],

  // Unresponsive: found on the floor, will not come round, no pulse felt.
  ['unresponsive', String.raw`\bno\s+(?:vuelve|volvia|ha\s+vuelto|regresa)\s+en\s+si\b|\bdesmayad[oa]\s+y\s+no\s+(?:vuelve|reacciona|despierta)\b|\bno\s+(?:le|se\s+le)\s+(?:siento|encuentro|sentimos|encontramos)\s+(?:el\s+)?pulso\b`],
  ['unresponsive', String.raw`\btirad[oa]\s+(?:\w+\s+){0,4}(?:no\s+(?:se\s+mueve|contesta|responde|reacciona|despierta))|\bno\s+(?:me\s+)?(?:contesta|responde|reacciona|se\s+mueve)\s*,?\s+(?:\w+\s+){0,2}tirad[oa]\b|\ble\s+hablo\s+y\s+no\s+(?:me\s+)?(?:responde|contesta|reacciona)\b`],
  ['unresponsive', String.raw`\b(?:se\s+(?:privo|priva)|(?:quedo|esta)\s+privad[oa])\b|\bwent\s+limp\b|\b(?:isn'?t|isnt|wasn'?t|wasnt)\s+(?:responding|waking\s+up)\b(?!\s+to\s+(?:my|our|the|your|me|us|any|his|her))|\bfound\s+(?:\w+\s+){1,3}(?:on\s+the\s+(?:floor|ground)|passed\s+out|unconscious|not\s+breathing|unresponsive)\b|\bencontr\w*\s+(?:\w+\s+){1,3}(?:tirad[oa]|en\s+el\s+(?:piso|suelo))\b|\bno\s+(?:lo|la|le)\s+(?:puedo|podemos|puede|pudimos|pude)\s+despertar\b|\bno\s+(?:puedo|podemos|pude|pudimos)\s+despertarl[oa]\b|\bdesmayad[oa]\b|\bse\s+(?:desvanecio|desvanece)\b|\b(?:quedo|esta|parece)\s+como\s+muert[oa]\b(?!\s+de\b)`],
  ['unresponsive', String.raw`\b(?:floppy|limp)\s+(?:and\s+)?(?:won'?t|wont|not|can'?t)\b|\b(?:won'?t|wont|can'?t|cannot)\s+wake\b(?!\s+(?:me|you)\b)`],

  // Seizures described rather than named: foam at the mouth, eyes rolled back, stiff and shaking.
  ['seizure', String.raw`\b(?:espuma|foam\w*)\s+(?:\w+\s+){0,2}(?:boca|mouth)\b|\b(?:echa\w*|saca\w*)\s+espuma\b`],
  ['seizure', String.raw`\bojos\s+(?:en\s+blanco|para\s+atras|volteados|hacia\s+atras|hacia\s+arriba)\s+(?:\S+\s+){0,5}?(?:tembl\w*|sacud\w*|convul\w*|no\s+responde|rigid\w*|ties\w*)|\b(?:tembl\w*|sacud\w*|convul\w*|rigid\w*|ties\w*)\s+(?:\S+\s+){0,5}?ojos\s+(?:en\s+blanco|para\s+atras|volteados|hacia\s+atras)|\bse\s+le\s+(?:fueron|voltearon)\s+(?:para\s+atras\s+)?los\s+ojos\b|\beyes\s+(?:are\s+|were\s+|keep\s+)?(?:rolled|rolling|rolls)\s+(?:back|up)\b`],
  ['seizure', String.raw`\bconvulc\w*|\bcombuls\w*|\bconbuls\w*`],
  ['seizure', String.raw`\bse\s+(?:le|me)\s+trab\w*\s+la\s+(?:quijada|mandibula)\b|\b(?:quijada|mandibula)\s+trabad[ao]\b|\b(?:le\s+dio|le\s+esta\s+dando|tuvo)\s+un\s+ataque\b(?!\s+(?:de\s+(?:risa|tos|panico|ansiedad|nervios|asma|celos)|al\s+corazon|cardiac))\s+(?:\S+\s+){0,8}?(?:ties[oa]|rigid[oa]|tembl\w*|convuls\w*|espuma|ojos\s+en\s+blanco)`],
  ['seizure', String.raw`\b(?:rigid[oa]?|ties[oa]|stiff)\s+(?:\w+\s+){0,3}(?:tembl\w*|shak\w*|jerk\w*|sacud\w*)|\b(?:jerking|twitching|sacudiendose)\s+(?:\w+\s+){0,3}(?:not\s+responding|won'?t\s+respond|unresponsive|all\s+over|no\s+responde)\b|\bataque\s+de\s+temblores\b`],

  // Pregnancy: the baby moving less; see also pregnancy with bleeding or pre-eclampsia signs below.
  ['obstetric', String.raw`\b(?:el\s+|mi\s+)?bebe\s+(?:ya\s+|casi\s+)?no\s+se\s+(?:ha\s+)?(?:mueve|movido|esta\s+moviendo)\b|\bbebe\s+(?:\w+\s+){0,2}(?:casi\s+no\s+se\s+mueve|se\s+mueve\s+(?:mucho\s+)?menos)\b`],
  ['obstetric', String.raw`\bbaby\s+(?:hasnt|isnt|has\s+barely|is\s+barely|hasn'?t)\s+(?:been\s+)?(?:mov\w*|kick\w*)|\bbaby\s+(?:is\s+)?(?:moving|kicking)\s+(?:a\s+lot\s+)?less\b`],

  // Trauma: crashes, bone out, falls from a height followed by a serious sign.
  ['trauma', String.raw`\b(?:pierna|brazo)\s+(?:\w+\s+)?doblad[oa]\s+(?:al\s+reves|para\s+atras)\b|\b(?:hubo\s+un|tuvimos\s+un|tuvo\s+un)\s+(?:choque|accidente)\b(?!\s+(?:hace|el\s+(?:ano|mes)))|\b(?:chocamos|chocaron|nos\s+choc\w+|volcamos|se\s+volc\w+|car\s+crash|crashed\s+(?:the|my|his|her|our)\s+(?:car|truck|motorcycle|bike))\b`],
  ['trauma', String.raw`\bse\s+cayo\s+(?:del|de\s+la|de\s+un|de\s+una|desde\s+el|desde\s+la|desde\s+un)\s+(?:techo|azotea|segundo\s+piso|tercer\s+piso|balcon|andamio)\b|\bfell\s+(?:off|from)\s+(?:the|a)\s+(?:roof|balcony|second\s+floor|third\s+floor|scaffold\w*)\b`],
  ['trauma', String.raw`\bhueso\s+(?:de\s+fuera|afuera|salido|expuesto)|\bse\s+(?:le|me)\s+(?:sale|salio|ve)\s+el\s+hueso\b`],
  ['trauma', String.raw`\bse\s+cayo\s+(?:del|de\s+la|de\s+un|de\s+una|desde\s+el)\s+(?:techo|azotea|andamio|escalera|segundo\s+piso|arbol|caballo|balcon|moto)\s+(?:\S+\s+){0,8}?(?:no\s+(?:puede|puedo)\s+(?:mover|sentir|caminar)|sangr\w*\s+(?:de|por)\s+la\s+cabeza|no\s+se\s+mueve|inconsciente)`],
  ['trauma', String.raw`\b(?:fell|fall(?:en)?)\s+(?:off|from|down)\s+(?:\S+\s+){0,8}?(?:can'?t\s+(?:move|feel)\s+(?:his|her|my)\s+legs|bleeding\s+from\s+(?:his|her|the)\s+head|isn'?t\s+moving|not\s+moving)`],

  // A young infant's fever in the words parents use ("está caliente", "tiene 38").
  ['infant_fever', String.raw`(?<=(?:${YOUNG_INFANT_ES}|${YOUNG_INFANT})\s+(?:\S+\s+){0,10}?)(?:${FEVER}|calient\w*|3[89]\s*(?:grados|°)|(?:tiene|de|marca|en)\s+3[89](?:[.,]\d)?\b)`],
  ['infant_fever', String.raw`(?<=${YOUNG_INFANT}\s+(?:\S+\s+){0,10}?)(?:burning\s+up|(?:is|feels)\s+(?:really\s+|very\s+|so\s+)?hot\b|3[89](?:[.,]\d)?\s*(?:degrees|°|c\b))`],

  // Burns: chemicals and fuel, the face, a whole back or chest, huge blisters, skin coming off.
  ['burns', String.raw`\bquem\w*\s+(?:\w+\s+){0,3}(?:con|de)\s+(?:acido|cal\s+viva|cloro|sosa|lejia|quimic\w*|gasolina|cohetes?|polvora|acido\s+de\s+bateria)\b|\bburn\w*\s+(?:\w+\s+){0,3}(?:with|from|by)\s+(?:acid|bleach|lye|chemicals?|drain\s+cleaner|gasoline|fireworks?)\b`],
  ['burns', String.raw`\bburn\w*\s+(?:\w+\s+){0,2}(?:his|her|my|their|the\s+baby'?s)\s+(?:face|eyes?)\b|\bquem\w*\s+(?:\w+\s+){0,3}(?:la\s+cara|los\s+ojos)\b`],
  ['burns', String.raw`\bquem\w*\s+(?:\w+\s+){0,2}(?:tod[ao]s?|la\s+mitad\s+de)\s+(?:(?:la|el|los|las|su|sus|mi|mis)\s+)?(?:espalda|pecho|cara|brazos?|piernas?|cuerpo|panza|barriga|manos?)\b`],
  ['burns', String.raw`\bampolla\w*\s+(?:\w+\s+)?(?:enormes?|grandes?|gigantes?|del\s+tamano)\b|\b(?:huge|giant|massive|big)\s+blisters?\b`],
  ['burns', String.raw`\bquem\w*\s+(?:\S+\s+){0,8}?piel\s+(?:\w+\s+)?(?:blanca|negra|carbonizada|como\s+cuero)\b|\b(?:pellejo|piel)\s+(?:se\s+(?:le|me)\s+)?(?:cayo|cae|despeg\w*|desprend\w*)\b|\bse\s+(?:le|me)\s+(?:cayo|cae|despego|desprendio|esta\s+cayendo|ha\s+caido)\s+(?:el\s+pellejo|la\s+piel)\b`],

  // Meningitis: the glass test in lay words ("manchitas que no se quitan con el vaso").
  ['meningitis', String.raw`\b(?:manch\w*|ronch\w*|puntitos|puntos\s+rojos|sarpullido|salpullido|erupcion)\s+(?:\w+\s+){0,4}no\s+(?:se\s+)?(?:quitan?|desaparecen?|borran?|blanquean?|van)\s+(?:\w+\s+){0,3}(?:vaso|presion\w*|aprieto|aprietas|apretar|apretarl\w*)`],

  // --- sepsis (alone; with fever or infection see PAIRED below) ----------------------------
  ['sepsis', String.raw`\b(?:sepsis|septic\w*|septicemi\w*|septicemia)\b`],
  ['sepsis', String.raw`\b(?:mottled|blotchy\s+(?:blue|purple|grey|gray))\s+(?:\w+\s+)?(?:skin|legs|knees|arms)\b|\bskin\s+(?:is\s+|looks\s+)?(?:mottled|blotchy\s+(?:blue|purple|grey|gray))\b`],
  ['sepsis', String.raw`\bpiel\s+(?:\w+\s+)?(?:marmore\w*|jaspead\w*|moteada)\b`],

  // --- diabetic emergencies ---------------------------------------------------------------
  ['diabetic', String.raw`\b(?:dka|ketoacidosis|cetoacidosis|diabetic\s+(?:coma|emergency|shock)|insulin\s+(?:shock|reaction)|coma\s+diabetico|choque\s+(?:de\s+)?insulin\w*)\b`],
  // A reading in the danger zone: under 55 mg/dL or a meter that says LO; over 450 or HI.
  ['diabetic', String.raw`\b(?:sugar|sugars|glucose|bg|bs|reading|meter|glucometer|monitor|sensor|dexcom|libre|azucar|glucosa|glicemia|glucemia|glucometro|medidor|aparato|maquinita|aparatito)\s+(?:\w+\s+){0,4}?(?:is\s+|was\s+|at\s+|of\s+|esta\s+en\s+|en\s+|de\s+|dice\s+|says\s+|reads\s+|marca\s+|salio\s+|=\s*|:\s*)?(?:[1-4]\d|5[0-4]|lo|low\s+lo|[4-9][5-9]\d|[5-9]\d\d|hi)\b(?![.,:]?\d)(?!\s*(?:years?|anos|mins?|minutes|minutos|units?|unidades|%|lbs?|kg|pounds|libras|am\b|pm\b|a\.m|p\.m|o'?clock|hrs?\b|hours?|horas|days?|dias|weeks?|semanas|de\s+la|tablets?|pills?|mg\b))`],

  ['diabetic', String.raw`\b(?:azucar|glucosa|sugar|glucose)\s+(?:\S+\s+){0,5}?(?:mas\s+de|over|above|arriba\s+de)\s+(?:[4-9][5-9]\d|[5-9]\d\d)\b`],

  // --- burns ------------------------------------------------------------------------------
  ['burns', String.raw`\b(?:severe|bad|major|serious|big|large|huge|deep|terrible|awful|third[\s-]degree|2nd[\s-]degree|second[\s-]degree|3rd[\s-]degree)\s+burns?\b`],
  ['burns', String.raw`\b(?:chemical|electrical|electric)\s+burns?\b|\belectrocut\w*|\b(?:got|was|been)\s+(?:badly\s+)?(?:shocked|zapped)\s+by\s+(?:an?\s+|the\s+)?(?:outlet|wire|power\s+line|socket)\b`],
  ['burns', String.raw`\b(?:boiling|scalding|hot|burning)\s+(?:\w+\s+)?(?:oil|grease|water|soup|coffee|tea|wax)\s+(?:\w+\s+){0,4}?(?:all\s+over|over\s+(?:his|her|my|their|the|(?:him|her|my|them|your)sel(?:f|ves))|on\s+(?:his|her|my|their)\s+(?:face|chest|body|back|legs?|arms?|belly|stomach|neck)|spilled|splashed|poured|fell|tipped|landed)`],
  ['burns', String.raw`\b(?:spilled|splashed|poured|tipped|knocked|pulled|dumped)\s+(?:\w+\s+){0,4}(?:boiling|scalding|hot|burning)\s+(?:\w+\s+)?(?:oil|grease|water|soup|coffee|tea|wax)\b`],
  ['burns', String.raw`\bburn\w*\s+(?:\w+\s+){0,3}(?:covers?|covering|all\s+over|whole|entire|half\s+(?:of\s+)?(?:his|her|my))\s+(?:\w+\s+)?(?:face|chest|back|arm|leg|body|belly|hand)\b`],
  ['burns', String.raw`\b(?:skin|blisters?)\s+(?:\w+\s+){0,2}(?:peeling\s+off|came\s+off|coming\s+off|(?:is|looks|went|turned)\s+(?:white|black|charred|leathery)|the\s+size\s+of)\b`],
  ['burns', String.raw`\bquemadura\w*\s+(?:muy\s+)?(?:grave|graves|severa|severas|fuerte|fuertes|grande|grandes|enorme|extensa|profunda|profundas|de\s+tercer\s+grado|de\s+segundo\s+grado|quimica|electrica)\b`],
  ['burns', String.raw`\b(?:se|me|le|nos)\s+(?:ha\s+|han\s+)?(?:quemo|queme|quemado|cayo|caido|echo|echado|derramo|derramado|tiro|tirado|volteo|volcado|volco)\s+(?:\w+\s+){0,4}(?:aceite|agua|caldo|sopa|cafe|manteca)\s+(?:\w+\s+){0,3}(?:hirviendo|caliente|ardiendo)\b`],
  ['burns', String.raw`\b(?:aceite|agua|caldo|manteca)\s+(?:hirviendo|caliente|ardiendo)\s+(?:\w+\s+){0,4}?(?:encima|sobre|en\s+(?:la|el|su|mi|todo|toda)\s+(?:cara|pecho|cuerpo|espalda|pierna|brazo|panza|barriga))`],
  ['burns', String.raw`\b(?:electrocut\w*|descarga\s+electrica)\b|\bse\s+(?:le\s+)?(?:cae|cayo|esta\s+cayendo)\s+la\s+piel\b`],

  // --- meningitis (alone; the stiff neck with fever is PAIRED below) ------------------------
  ['meningitis', String.raw`\bmeningit\w*`],
  ['meningitis', String.raw`\b(?:rash|spots|dots)\s+(?:\w+\s+){0,4}(?:doesn'?t|does\s+not|won'?t|didn'?t|did\s+not|not|don'?t|do\s+not)\s+(?:fade|go\s+away|disappear|blanch|turn\s+white)\s+(?:\w+\s+){0,3}(?:glass|press\w*|push\w*)`],
  ['meningitis', String.raw`\b(?:glass|tumbler)\s+test\b|\bnon[\s-]?blanching\b|\bpetechi\w*`],
  ['meningitis', String.raw`\b(?:manchas|ronchas|puntitos|sarpullido|erupcion)\s+(?:\w+\s+){0,4}no\s+(?:se\s+)?(?:quitan?|desaparecen?|borran?|blanquean?|van)\s+(?:\w+\s+){0,3}(?:vaso|presion\w*|aprieto|aprietas|apretar)`],
];

/**
 * Two signs that are each ordinary on their own and an emergency together, each judged for
 * negation and history by itself: sepsis (an infection or fever with confusion, a racing
 * heart, fast breathing, no urine), severe hypoglycaemia (a low sugar with shaking, sweating
 * or confusion), meningitis (a stiff neck with fever, rash or a headache that hates light),
 * a fall or head knock with vomiting or confusion.
 */
/** Confused as a symptom, not "confused about my bill". */
const CONFUSED = String.raw`(?:confus\w*|confundid\w*)\b(?!\s+(?:about|by|with|on|as\s+to|why|what|how|if|whether|over|con|sobre|por|de\s+(?:que|como|por)|acerca))`;

const FEVER_OR_INFECTION = String.raw`(?:fever\w*|febrile|temp(?:erature)?\s+(?:of\s+|is\s+)?(?:10[1-6]|3[89]|4[01])|chills|rigors|infect\w*|uti\b|pneumonia|cellulitis|fiebre|calentura|escalofrios|infecci\w*|infectad\w*|pulmonia|neumonia|(?:after|since|from)\s+(?:\w+\s+){0,2}(?:surgery|operation|hospital|c-section|chemo)|(?:despues|desde)\s+(?:de\s+)?(?:la\s+|su\s+|mi\s+)?(?:cirugia|operacion|hospital|cesarea|quimio))`;
const SEPSIS_SIGN = String.raw`(?:${CONFUSED}|disorient\w*|delirious|out\s+of\s+it|not\s+making\s+(?:any\s+)?sense|doesn'?t\s+know\s+where|slurr\w*|(?:heart|pulse|heartbeat)\s+(?:is\s+)?(?:racing|pounding|really\s+fast|so\s+fast|very\s+fast|going\s+(?:really\s+|so\s+|very\s+)?fast|(?:at|of|is)\s+1[3-9]\d)|(?:breathing|panting)\s+(?:really\s+|so\s+|very\s+)?(?:fast|hard|quick)|(?:hasn'?t|has\s+not|haven'?t|not|no)\s+(?:peed|urinated|pee|peeing|urine)|shaking\s+(?:uncontrollably|all\s+over|so\s+bad)|(?:can'?t|cannot)\s+stop\s+shaking|desorientad\w*|delira\w*|no\s+sabe\s+(?:donde|quien|que\s+dia)|no\s+tiene\s+sentido\s+lo\s+que\s+dice|(?:dice|habla\w*)\s+(?:puras\s+)?(?:cosas\s+sin\s+sentido|incoherencias)|(?:corazon|pulso)\s+(?:\w+\s+){0,2}(?:muy\s+)?(?:rapido|acelerad\w*|a\s+mil)|respira\w*\s+(?:muy\s+)?(?:rapido|agitad\w*)|no\s+(?:ha\s+)?orina\w*|no\s+ha\s+hecho\s+pipi|(?:tiembla\w*|tembland\w*)\s+(?:sin\s+parar|mucho|todo|toda|muchisimo|sin\s+control)|no\s+(?:puedo|puede)\s+(?:parar|dejar)\s+de\s+temblar|piel\s+(?:\w+\s+)?(?:manchad\w*|moteada|marmore\w*|jaspead\w*|azul\w*|gris\w*)|no\s+(?:he|ha|hemos|han)\s+(?:orinado|hecho\s+pipi|ido\s+al\s+bano|meado)|no\s+(?:para|deja)\s+de\s+temblar)`;
const LOW_SUGAR = String.raw`(?:(?:blood\s+)?(?:sugar|sugars|glucose|bg)\s+(?:\w+\s+){0,2}?(?:is\s+|was\s+|went\s+|dropped\s+|crashed\s+|keeps\s+)?(?:very\s+|really\s+|super\s+|so\s+)?(?:low|dropp\w*|crash\w*|tank\w*|bottom\w*)|low\s+(?:blood\s+)?(?:sugar|glucose)|hypo(?:glyc\w*)?\b|(?:azucar|glucosa)\s+(?:\w+\s+){0,2}?(?:muy\s+|bien\s+|super\s+)?(?:baja|bajo|bajisima)|(?:se\s+(?:me|le)\s+)?(?:bajo|bajon\s+de|bajada\s+de)\s+(?:el\s+|la\s+)?(?:azucar|glucosa)|se\s+(?:me|le)\s+fue\s+(?:el|la)\s+(?:azucar|glucosa)|(?:azucar|glucosa)\s+(?:\w+\s+){0,3}(?:hasta\s+abajo|por\s+los\s+suelos)|hipoglucemi\w*)`;
const HYPO_SIGN = String.raw`(?:${CONFUSED}|not\s+making\s+sense|out\s+of\s+it|slurr\w*|drowsy|can'?t\s+(?:wake|eat|swallow|drink|keep)|won'?t\s+(?:wake|eat|drink|respond)|pass\w*\s+out|faint\w*|seiz\w*|combative|acting\s+drunk|no\s+(?:puede|quiere)\s+(?:comer|tragar|tomar|despertar)|no\s+(?:despierta|reacciona|contesta)|desmay\w*|convuls\w*|como\s+borrach\w*|(?:esta|anda|todo)\s+id[oa]\b|no\s+responde|somnolient\w*|adormilad\w*)`;
const STIFF_NECK = String.raw`(?:stiff\s+neck|no\s+(?:puede|puedo)\s+(?:bajar|tocar|pegar|llevar)\s+(?:la\s+)?barbilla|(?:can'?t|cannot)\s+(?:touch|bring|put)\s+(?:his|her|my)\s+chin|neck\s+(?:is\s+)?(?:so\s+|really\s+|very\s+)?stiff|(?:can'?t|cannot|won'?t)\s+(?:bend|move|touch\s+(?:his|her|my)\s+chin\s+to)\s+(?:his|her|my|the)\s+(?:neck|chest)|cuello\s+(?:\w+\s+)?(?:rigid\w*|tieso|tiesa|duro|trabado)|no\s+(?:puede|puedo)\s+(?:doblar|bajar|mover)\s+(?:el|su|mi)\s+cuello)`;
const MENINGEAL_COMPANION = String.raw`(?:fever\w*|temp(?:erature)?|rash|spots|light\s+hurts|(?:hates|hurts?|sensitive\s+to)\s+(?:the\s+)?light|headache|vomit\w*|fiebre|calentura|manchas|ronchas|sarpullido|(?:le|me)\s+molesta\s+la\s+luz|dolor\s+de\s+cabeza|vomit\w*)`;
const FALL_OR_KNOCK = String.raw`(?:fell|fall(?:en)?|tripped|slipped|tumbled|knocked|hit\s+(?:his|her|my|their|the)\s+head|bumped\s+(?:his|her|my|their)\s+head|se\s+(?:cayo|cae|resbalo|tropezo|pego|golpeo)|me\s+(?:cai|cay[oó]|resbale|pegue|golpee)|(?:golpe|golpazo|trancazo|madrazo)\s+en\s+la\s+cabeza|caida)`;
const HEAD_SIGN = String.raw`(?:vomit\w*|throw\w*\s+up|threw\s+up|puk\w*|${CONFUSED}|not\s+making\s+sense|doesn'?t\s+know\s+where|drowsy|so\s+sleepy|keeps?\s+falling\s+asleep|passed\s+out|knocked\s+out|blacked\s+out|seiz\w*|unequal\s+pupils|slurr\w*|devolvi\w*|desorientad\w*|no\s+sabe\s+(?:donde|quien)|muy\s+dormid\w*|se\s+(?:queda|esta\s+quedando)\s+dormid\w*|somnolient\w*|desmay\w*|perdio\s+el\s+conocimiento|convuls\w*|habla\s+raro)`;

// Fever with a purple or non-fading rash: meningococcal disease until proven otherwise.
const FEVER_ONLY = String.raw`(?:fever\w*|febrile|fiebre|calentura|temp(?:erature)?\s+(?:of\s+)?(?:10[1-6]|3[89]))`;
const PURPLE_RASH = String.raw`(?:(?:manch\w*|puntitos|puntos|ronch\w*|spots|dots|rash|bruis\w*|moretones)\s+(?:\w+\s+)?(?:morad\w*|purple|purplish|violet\w*)|(?:purple|purplish|morad\w*)\s+(?:spots|dots|rash|blotches)|(?:rash|spots|manch\w*|puntitos)\s+(?:\w+\s+){0,2}(?:that\s+)?(?:don'?t|doesn'?t|dont|doesnt|won'?t|no\s+se)\s+(?:fade|go\s+away|quitan|borran|desaparecen))`;

/** `within`: the second sign must come at most this many characters after the first. */
const PAIRED: ReadonlyArray<{ category: UrgentCategory; first: RegExp; second: RegExp; within?: number }> = [
  { category: 'sepsis', first: new RegExp(String.raw`\b${FEVER_OR_INFECTION}`, 'g'), second: new RegExp(String.raw`\b${SEPSIS_SIGN}`, 'g') },
  { category: 'diabetic', first: new RegExp(String.raw`\b${LOW_SUGAR}`, 'g'), second: new RegExp(String.raw`\b${HYPO_SIGN}`, 'g') },
  { category: 'meningitis', first: new RegExp(String.raw`\b${STIFF_NECK}`, 'g'), second: new RegExp(String.raw`\b${MENINGEAL_COMPANION}`, 'g') },
  { category: 'meningitis', first: new RegExp(String.raw`\b${FEVER_ONLY}`, 'g'), second: new RegExp(String.raw`\b${PURPLE_RASH}`, 'g') },
  { category: 'trauma', first: new RegExp(String.raw`\b${FALL_OR_KNOCK}`, 'g'), second: new RegExp(String.raw`\b${HEAD_SIGN}`, 'g'), within: 160 },
];

const COMPILED = RULES.map(([category, source]) => ({ category, re: new RegExp(source, 'g') }));
/** All rules in one expression: most messages match none, and one pass tells us so. */
const ANY_RULE = new RegExp(RULES.map(([, source]) => `(?:${source})`).join('|'));

// Pregnancy plus any bleeding, each checked for negation on its own.
const PREGNANCY = /\b(?:pregnan\w*|embarazad\w*|(?:semanas|meses)\s+de\s+embarazo|weeks\s+along|prenad\w*|encinta|(?:esta|estoy|esta\s+mi\s+\w+)\s+en\s+estado(?!\s+de)|(?:estoy|esta|tengo|tiene)\s+(?:de\s+)?\d{1,2}\s+semanas|(?:i'?m|im|i\s+am|she'?s|shes|she\s+is)\s+\d{1,2}\s+(?:weeks|wks)\b|^\s*\d{1,2}\s+(?:weeks|wks|semanas)\b|\d{1,2}\s+(?:weeks|wks)\s+(?:along|with|and)\b)\b/g;
const ANY_BLEEDING = /\b(?:bleed\w*|spotting|blood|sangr\w*|manchando|manchado|manchas\s+de\s+sangre)\b/g;

// Pregnancy plus a sign of pre-eclampsia (severe headache, seeing spots, sudden swelling of the face).
const PREECLAMPSIA_SIGN =
  /\b(?:lucecitas|puntitos\s+de\s+luz|manchitas|(?:seeing|see)\s+(?:spots|flashing\s+lights|stars)|spots\s+in\s+(?:my\s+)?vision|blurr\w*\s+vision|vision\s+(?:is\s+)?blurr\w*|vista\s+borrosa|veo\s+borroso|(?:severe|bad|terrible|worst|pounding|splitting)\s+headache|dolor\s+de\s+cabeza\s+(?:muy\s+)?(?:fuerte|intenso|terrible|horrible)|(?:me|le)\s+duele\s+(?:muchisimo|mucho|demasiado|horrible)\s+la\s+cabeza|(?:face|hands)\s+(?:\w+\s+)?(?:swell\w*|swollen|puffy)|se\s+(?:me|le)\s+hincho\s+(?:la\s+cara|las\s+manos)|cara\s+hinchada)/g;

// Matches that describe a treatment, not a symptom ("my seizure medication", "pills for
// chest pain"), are dropped when one of these covers them.
const NOT_A_SYMPTOM = [
  /\b(?:medic\w*|meds?|pills?|tablets?|prescriptions?|refills?|recetas?|pastillas?|medicamentos?|medicinas?|nitro\w*)\s+(?:\w+\s+){0,2}(?:for|para|de|contra)\s+(?:\w+\s+){0,2}(?:seizures?|convulsi\w*|epilep\w*|chest\s+pain|dolor\s+de\s+pecho|the\s+pain)\b/g,
  /\b(?:anti[\s-]?seizure|anticonvulsivos?|anticonvulsiv\w*)\b/g,
  /\b(?:poison\s+ivy|food\s+poisoning|intoxicacion\s+alimentaria)\b/g,
  // Gums that bleed when brushing are a dental question.
  /\b(?:encias|gums?)\s+(?:\w+\s+){0,2}(?:sangr\w*|bleed\w*)(?:\s+\w+){0,3}|\b(?:sangr\w*|bleed\w*)(?:\s+\w+){0,3}\s+(?:las\s+|my\s+|his\s+|her\s+)?(?:encias|gums?)\b/g,
  /\b(?:(?:me|le|nos)\s+)?(?:duele|dolor|aches?)\s+(?:\w+\s+){0,2}(?:corazon|heart)\s+(?:de|por|since|from)\s+(?:tristeza|pena|amor|nostalgia|\w+\s+(?:dog|cat|perr\w*|gat\w*))\b/g,
  /\b(?:gonna|going\s+to|could|will|might|about\s+to|i'?ll)\s+die\s+(?:of|from)\s+(?:boredom|embarrass\w*|laugh\w*|hunger|shame|the\s+heat|heat|curiosity|suspense|cuteness)\b/g,
  /\b(?:ahog\w*|drowning)\s+(?:en|in)\s+(?:deudas|debt|papeles|paperwork|trabajo|work|tareas|homework|problemas|pendientes|bills)\b/g,
  /\b(?:se\s+(?:me|le|te)\s+)?(?:cae|cayo|caia)\s+la\s+cara\s+de\s+(?:verguenza|pena)\b/g,
  /\bcut\s+(?:my|him|her|them)sel(?:f|ves)\s+(?:shaving|cooking|chopping|slicing|gardening|on\s+(?:a|the)|by\s+accident|accidentally)\b/g,
  /\b(?:embarrass\w*|ashamed|bored|mortified)\s+(?:\w+\s+){0,3}(?:wanted|want|could)\s+(?:to\s+)?die\b/g,
  // Fainting at blood or needles, said as a habit before a blood draw.
  /\b(?:se\s+(?:desmaya|marea)|faints?|passes\s+out)\s+(?:\w+\s+){0,2}(?:cuando|al|con|at|when)\s+(?:\w+\s+){0,3}(?:sangre|agujas|blood|needles)\b/g,
  // Idioms of exasperation ("I almost had a heart attack when I saw the price").
  /\b(?:almost|nearly|about\s+to|gonna|going\s+to)\s+(?:had|have|give\s+me|gave\s+me)\s+a\s+heart\s+attack\s+(?:when|at|over|with|because|seeing|from)\b/g,
  /\b(?:me\s+va\s+a\s+dar|casi\s+me\s+da|casi\s+me\s+dio|me\s+dio|me\s+da)\s+(?:un\s+)?(?:infarto|ataque(?:\s+al\s+corazon)?)\s+(?:con|cuando|de\s+(?:ver|risa|coraje|nervios)|al\s+ver|por)\b/g,
  // Services named after a condition: a number to keep, a clinic, a class, rehab, a bill.
  /\b(?:poison\s+control|control\s+de\s+(?:envenenamientos?|intoxicaciones)|centro\s+de\s+(?:toxicologia|envenenamientos?))\b/g,
  /\b(?:seizure|epilepsy|stroke|burns?|cardiac|heart|allergy|diabetes|overdose|suicide\s+prevention)\s+(?:clinic|center|centre|unit|rehab\w*|class|classes|program|support\s+group|team|specialist|awareness|training)\b/g,
  /\b(?:clinica|rehabilitacion|terapia|clase|programa|unidad|grupo)\s+(?:de|del|para)\s+(?:la\s+|el\s+)?(?:epilepsia|derrame|quemad\w*|infarto|diabetes|convulsiones|sobredosis|embolia)\b/g,
  /\b(?:bills?|billing|claims?|invoices?|statements?|charges?|insurance|paperwork|forms?|factura|cuenta|cobro|seguro|papeles|formularios?)\s+(?:\w+\s+){0,5}(?:car\s+accident|accident|accidente(?:\s+de\s+\w+)?)\b/g,
];

// --- negation ------------------------------------------------------------------------

/** Words and phrases that end the scope of a negation. */
const CLAUSE_BREAK =
  /[.!?;:\n,()]|\s-\s|\b(?:but|however|although|though|except|yet|and\s+now|and\s+then|and\s+i|and\s+i'm|and\s+im|and\s+my|and\s+he|and\s+she|and\s+it|and\s+they|and\s+we|and\s+his|and\s+her|pero|sin\s+embargo|aunque|excepto|salvo|sino|y\s+ahora|y\s+luego|y\s+tengo|y\s+me|y\s+mi|y\s+le|y\s+se|y\s+estoy|y\s+siento|y\s+no|y\s+su|y\s+ya|y\s+tiene|y\s+esta|y\s+estan|y\s+la|y\s+el|y\s+los|y\s+las|and\s+has|and\s+is|and\s+was)\b/g;

/** Negation cues, read before a symptom. Deliberately absent: can't, won't, couldn't. */
const NEGATION_CUE =
  /\b(?:no|not|never|without|denies|deny|denied|nor|neither|none|free\s+of|negative\s+for|ruled\s+out|absence\s+of|don'?t|do\s+not|doesn'?t|does\s+not|didn'?t|did\s+not|haven'?t|have\s+not|hasn'?t|has\s+not|hadn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|ain'?t|dont|doesnt|didnt|havent|hasnt|isnt|arent|wasnt|ni|nunca|sin|tampoco|jamas|niega|niego|ningun|ninguna|ninguno|nada\s+de)\b/g;

/** Look negative, are not: they never negate what follows. */
const PSEUDO_NEGATION =
  /\b(?:not\s+sure|not\s+certain|not\s+only|not\s+just|no\s+doubt|no\s+idea|(?:don'?t|dont|do\s+not)\s+know|not\s+know|no\s+se\s+(?:si|que|como|cuando|donde|por\s*que|cual|quien|lo|nada|bien|exactamente)\b|no\s+(?:sabemos|sabe)\b|sin\s+poder\b|(?:ay|oh|ah|uy|ay\s+dios)\s+no\b|no\s+(?=no\b)|no\s+estoy\s+segur\w*|no\s+solo|no\s+solamente|no\s+(?:dejo|paro|puedo\s+dejar)\s+de|no\s+(?:puedo|puede|pueden|podia|podemos|pudo|pude)\b|no\s+(?:me|le|nos|te)\s+(?:alcanza|entra|llega|responde|reacciona)\b|no\s+(?:para|se\s+detiene|se\s+mueve|responde|reacciona|despierta|contesta|vuelve)\b|(?:don'?t|dont|do\s+not)\s+think\s+(?:it'?s|its)\s+just|no\s+creo\s+que\s+sea\s+solo)/g;

/** English "no" followed by a new sentence start is an interjection ("no its chest pain"). */
const INTERJECTION_NO = /^no\s+(?:i\b|i'm|im\b|it'?s\b|its\b|it\s+is|my\b|he\b|she\b|they\b|we\b|this\b|that\b|the\b|actually\b|really\b)/;

/** History, not now. */
const HISTORICAL =
  /\b(?:history\s+of|hx\s+of|h\/o|antecedentes?\s+de|(?:\d+|a\s+few|few|several|many|two|three|four|five|ten)\s+(?:years?|months?)\s+ago|years\s+ago|months\s+ago|last\s+year|el\s+(?:ano|mes)\s+pasado|hace\s+(?:\d+|unos|unas|varios|varias|muchos|dos|tres|cuatro|cinco|diez)\s+(?:anos|meses)|hace\s+anos|in\s+the\s+past|back\s+in\s+(?:19|20)\d\d|in\s+(?:19|20)\d\d|en\s+(?:el\s+)?(?:19|20)\d\d|en\s+el\s+pasado|(?:in|en|last|this\s+past|el\s+pasado)\s+(?:january|february|march|april|may|june|july|august|september|october|november|december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|spring|summer|fall|autumn|winter)|(?:la|el)\s+(?:primavera|verano|otono|invierno)\s+pasad[oa]|as\s+an?\s+(?:child|kid|baby|toddler|infant|teen|teenager)|when\s+(?:i|he|she)\s+was\s+(?:a\s+)?(?:little|young|baby|kid|child|\d+)|de\s+(?:bebe|nin[oa]|chiquit[oa]|pequen[oa])|cuando\s+(?:era|eras|eramos)\s+(?:nin[oa]|chiquit[oa]|bebe|pequen[oa])|hace\s+(?:meses|tiempo|mucho)|a\s+while\s+ago|long\s+time\s+ago|(?:who|that)\s+had\s+(?:a|an)|de\s+(?:19|20)\d\d|desde\s+(?:su|mi|el|la)\s+(?:derrame|infarto|embolia|accidente|cirugia|operacion|ataque)|since\s+(?:his|her|my|the)\s+(?:(?:19|20)\d\d\s+)?(?:stroke|heart\s+attack|accident|surgery)|hace\s+(?:un|una)\s+(?:ano|mes|semana)|(?:a|one)\s+(?:year|month)\s+ago|que\s+(?:tuvo|tuve)\s+(?:un|una)|(?:last|this\s+past)\s+week|la\s+semana\s+pasada|(?:home|out|discharged)\s+from\s+(?:the\s+)?hospital|(?:ya\s+)?(?:salio|sali)\s+del\s+hospital|dad[oa]\s+de\s+alta|(?:despues\s+del?|after\s+(?:his|her|my|the))\s+(?:derrame|infarto|embolia|stroke|heart\s+attack)|died\s+(?:of|from)|murio\s+de|fallecio\s+de|family\s+history)\b/g;

/** Words after a symptom that say it is over ("chest pain went away", "ya se me quitó"). */
const AFTER_NEGATION =
  /^\s*(?:(?:has|have|had|is|was)\s+)?(?:(?:all|completely)\s+)?(?:gone|went\s+away|go(?:ne)?\s+away|resolved|stopped|disappeared|(?:ya\s+)?se\s+(?:me\s+|le\s+)?(?:quito|fue|paso|detuvo)|ya\s+paso|desaparecio|ya\s+no)\b|^\s*[:?-]\s*(?:no|none|nope|negative|ninguno|ninguna|nada)\b/;

const NEGATION_WINDOW_WORDS = 6;

interface Clause {
  start: number;
  end: number;
}

function clauseOf(breaks: number[], textLength: number, at: number): Clause {
  let start = 0;
  let end = textLength;
  for (const b of breaks) {
    if (b <= at) start = b;
    else {
      end = b;
      break;
    }
  }
  return { start, end };
}

function spansOf(re: RegExp, text: string): Array<{ start: number; end: number }> {
  re.lastIndex = 0;
  const out: Array<{ start: number; end: number }> = [];
  for (const m of text.matchAll(re)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

function isNegated(folded: string, clause: Clause, start: number, end: number, pseudo: Array<{ start: number; end: number }>): boolean {
  // Only the last few words before the symptom, inside its clause, can negate it.
  const words = [...folded.slice(clause.start, start).matchAll(/[\p{L}\p{N}']+/gu)];
  if (words.length > 0) {
    const from = clause.start + words[Math.max(0, words.length - NEGATION_WINDOW_WORDS)]!.index;
    const window = folded.slice(from, start);
    NEGATION_CUE.lastIndex = 0;
    for (const m of window.matchAll(NEGATION_CUE)) {
      if (m[0] === 'no' && INTERJECTION_NO.test(window.slice(m.index))) continue;
      // A cue inside a pseudo-negation ("not sure", "no sé si") negates nothing.
      const at = from + m.index;
      if (pseudo.some((p) => p.start <= at && at < p.end)) continue;
      return true;
    }
  }
  return AFTER_NEGATION.test(folded.slice(end, Math.min(folded.length, end + 40)));
}

/**
 * Reads a message for urgent symptoms. Pure and fast (a few dozen regular expressions over
 * at most URGENT_MAX_CHARS characters); never throws.
 */
export function assessUrgency(text: string): UrgentAssessment {
  if (typeof text !== 'string' || text.length === 0) return { urgent: false };
  const original = text.length > URGENT_MAX_CHARS ? text.slice(0, URGENT_MAX_CHARS) : text;
  const folded = foldAligned(original);
  if (!/\p{L}/u.test(folded)) return { urgent: false };

  PREGNANCY.lastIndex = 0;
  ANY_BLEEDING.lastIndex = 0;
  const anyPair = PAIRED.some((p) => {
    p.first.lastIndex = 0;
    return p.first.test(folded);
  });
  if (!ANY_RULE.test(folded) && !PREGNANCY.test(folded) && !ANY_BLEEDING.test(folded) && !anyPair) return { urgent: false };
  PREGNANCY.lastIndex = 0;
  const breaks = spansOf(CLAUSE_BREAK, folded).map((s) => s.end);
  const pseudo = spansOf(PSEUDO_NEGATION, folded);
  const history = spansOf(HISTORICAL, folded);
  const vetoes = NOT_A_SYMPTOM.flatMap((re) => spansOf(re, folded));

  const found: UrgentMatch[] = [];
  const judge = (category: UrgentCategory, start: number, end: number): UrgentMatch => {
    const clause = clauseOf(breaks, folded.length, start);
    const match: UrgentMatch = { category, text: original.slice(start, end).trim(), start, end };
    if (isNegated(folded, clause, start, end, pseudo)) match.suppressed = 'negated';
    else if (history.some((h) => h.start >= clause.start && h.end <= clause.end)) match.suppressed = 'historical';
    return match;
  };

  for (const { category, re } of COMPILED) {
    re.lastIndex = 0;
    for (const m of folded.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (vetoes.some((v) => v.start <= start && end <= v.end)) {
        found.push({ category, text: original.slice(start, end).trim(), start, end, suppressed: 'not_a_symptom' });
        continue;
      }
      found.push(judge(category, start, end));
    }
  }

  for (const { category, first, second, within } of PAIRED) {
    const firsts = spansOf(first, folded).map((f) => judge(category, f.start, f.end)).filter((f) => !f.suppressed);
    if (firsts.length === 0) continue;
    for (const sign of spansOf(second, folded)) {
      const near = firsts.some((f) => f.end <= sign.start ? within === undefined || sign.start - f.end <= within : within === undefined && f.start >= sign.end);
      if (near) found.push(judge(category, sign.start, sign.end));
    }
  }

  // Any bleeding during pregnancy is urgent, when neither part is negated.
  const pregnancies = spansOf(PREGNANCY, folded).map((s) => judge('obstetric', s.start, s.end));
  if (pregnancies.some((p) => !p.suppressed)) {
    for (const s of spansOf(ANY_BLEEDING, folded)) {
      if (/^blood\s*(?:work|test|pressure|sugar|type|draw)/.test(folded.slice(s.start, s.start + 20))) continue;
      found.push(judge('obstetric', s.start, s.end));
    }
  }

  // Pre-eclampsia signs during pregnancy: urgent when neither part is negated.
  if (pregnancies.some((p) => !p.suppressed)) {
    for (const s of spansOf(PREECLAMPSIA_SIGN, folded)) found.push(judge('obstetric', s.start, s.end));
  }

  // Bleeding the rules do not flag on its own ("estoy sangrando") is left to the model's safety
  // net; when it is negated ("no estoy sangrando") it is recorded as a negated mention, so the
  // safety net does not raise an alarm the patient has just denied.
  if (!found.some((f) => f.category === 'bleeding' || f.category === 'obstetric')) {
    for (const s of spansOf(ANY_BLEEDING, folded)) {
      if (/^blood\s*(?:work|test|pressure|sugar|type|draw)/.test(folded.slice(s.start, s.start + 20))) continue;
      const mention = judge('bleeding', s.start, s.end);
      if (mention.suppressed === 'negated') found.push(mention);
    }
  }

  const active = found.filter((f) => !f.suppressed);
  const suppressed = found.filter((f) => f.suppressed);
  if (active.length === 0) return suppressed.length ? { urgent: false, suppressed } : { urgent: false };
  const categories = SEVERITY.filter((c) => active.some((f) => f.category === c));
  const category = categories[0]!;
  // The first match of that category, widened by the matches overlapping it
  // ("crushing chest" + "chest pain" → "crushing chest pain").
  const mine = active.filter((f) => f.category === category).sort((a, b) => a.start - b.start);
  let { start, end } = mine[0]!;
  for (const f of mine) if (f.start <= end && f.end > end) end = f.end;
  return {
    urgent: true,
    category,
    matched: original.slice(start, end).trim(),
    guidance: URGENT_GUIDANCE[category],
    categories,
    ...(suppressed.length ? { suppressed } : {}),
  };
}
