/**
 * The red-flag catalogue: every category of message the assistant must never handle as
 * routine, what a patient is told, and the public guidance each category comes from. The
 * rules (urgent.ts) and the trained detector (urgent-model.ts) both answer in these terms;
 * docs/urgent-catalogue.md is the readable copy a clinician reviews.
 */

export const URGENT_CATEGORIES = [
  'cardiac',
  'stroke',
  'respiratory',
  'bleeding',
  'mental_health',
  'poisoning',
  'allergic',
  'unresponsive',
  'seizure',
  'obstetric',
  'trauma',
  'infant_fever',
  'sepsis',
  'diabetic',
  'burns',
  'meningitis',
] as const;
export type UrgentCategory = (typeof URGENT_CATEGORIES)[number];

/**
 * Which kind of guidance fits a category; the organisation configures the words and numbers
 * (e.g. emergency → "call 911", crisis_line → "call or text 988", poison_control →
 * "call 1-800-222-1222"). `nurse_line` is for messages that may be urgent but name no red
 * flag the rules know: a nurse reads them first, and the patient is told how to get help now.
 */
export type UrgentGuidance = 'emergency' | 'crisis_line' | 'poison_control' | 'nurse_line';

export interface CatalogueEntry {
  guidance: Exclude<UrgentGuidance, 'nurse_line'>;
  /** What the category covers, as a clinician would review it. */
  covers: string;
  /** The public guidance it is taken from. */
  source: string;
}

export const URGENT_CATALOGUE: Readonly<Record<UrgentCategory, CatalogueEntry>> = {
  cardiac: {
    guidance: 'emergency',
    covers: 'chest pain, pressure or tightness ("an elephant on my chest", "clutching his chest", "me duele el corazón"); pain spreading to the arm, jaw or back; a chest ache with a cold sweat or grey colour; a racing heart with fainting; "heart attack" (heartburn alone is routine)',
    source: 'NHS "call 999": chest pain; AHA heart attack warning signs',
  },
  stroke: {
    guidance: 'emergency',
    covers: 'face or smile drooping, a weak or floppy arm or leg, slurred, garbled or "funny" speech, sudden loss of vision, double vision or balance, sudden confusion, the worst headache of one’s life',
    source: 'BE-FAST (Balance, Eyes, Face, Arm, Speech, Time); NHS "call 999": signs of a stroke',
  },
  respiratory: {
    guidance: 'emergency',
    covers: 'cannot breathe or finish a sentence, air that will not go in, ribs sucking in or grunting, choking, lips or face turning blue, an asthma attack the inhaler does not help',
    source: 'NHS "call 999": severe difficulty breathing, choking',
  },
  bleeding: {
    guidance: 'emergency',
    covers: 'bleeding that will not stop, spurts, soaks through dressings or is everywhere; vomiting or coughing up blood or "coffee grounds"; a nosebleed that will not stop (gums that bleed on brushing are routine)',
    source: 'NHS "call 999": heavy bleeding that will not stop',
  },
  mental_health: {
    guidance: 'crisis_line',
    covers: 'suicidal thoughts with a plan or intent, told first hand or by someone else ("dice que se va a matar"), self-harm in progress, a goodbye note, pills in hand, threats to others',
    source: '988 Suicide & Crisis Lifeline; NHS "call 999": a suicide attempt',
  },
  poisoning: {
    guidance: 'poison_control',
    covers: 'a child who swallowed medicine, batteries, magnets or household products; overdose ("the whole bottle", tens of pills); a double dose taken by mistake; chemicals and fuels; a carbon monoxide alarm going off or CO symptoms',
    source: 'Poison Control (1-800-222-1222): ingestions by children and overdoses',
  },
  allergic: {
    guidance: 'emergency',
    covers: 'swelling of the lips, tongue or throat, a tight throat, hives with vomiting or wheeze, trouble swallowing or breathing after a food, sting or medicine; an adrenaline auto-injector used (a refill is routine); anaphylaxis',
    source: 'NHS "call 999": severe allergic reaction (anaphylaxis)',
  },
  unresponsive: {
    guidance: 'emergency',
    covers: 'collapsed, unconscious ("se quedó privado"), cannot be woken, floppy, found on the floor not responding, fainted and not coming round, no pulse',
    source: 'NHS "call 999": someone unconscious or not breathing normally',
  },
  seizure: {
    guidance: 'emergency',
    covers: 'a fit or convulsions, named or described (foam at the mouth, eyes rolled back, stiff and shaking), a first seizure, one lasting over 5 minutes or one after another',
    source: 'NHS "call 999": seizure (fit) lasting 5 minutes or more, first seizure',
  },
  obstetric: {
    guidance: 'emergency',
    covers: 'bleeding in pregnancy (however the pregnancy is named: "estoy de 8 semanas", "en estado"), signs of pre-eclampsia, the baby moving less, waters breaking early, miscarriage',
    source: 'ACOG and NHS pregnancy warning signs',
  },
  trauma: {
    guidance: 'emergency',
    covers: 'a head injury or fall followed by vomiting, confusion or drowsiness; a fall from a height with a serious sign; a crash; stab and gunshot wounds; bone through the skin',
    source: 'NHS "call 999": serious head injury, major trauma',
  },
  infant_fever: {
    guidance: 'emergency',
    covers: 'a baby under about three months with a temperature of 100.4 °F / 38 °C or more',
    source: 'AAP and NHS: fever in a baby under 3 months',
  },
  sepsis: {
    guidance: 'emergency',
    covers: 'an infection, fever or recent hospital stay together with confusion, slurred speech, very fast breathing or heart rate, mottled or blue skin, no urine, uncontrollable shivering',
    source: 'UK Sepsis Trust and Sepsis Alliance (TIME) warning signs; NHS "call 999": sepsis',
  },
  diabetic: {
    guidance: 'emergency',
    covers: 'very low blood sugar with shaking, sweating, confusion, not able to eat or drink, passing out; very high sugar with vomiting, deep fast breathing or confusion (DKA)',
    source: 'ADA: severe hypoglycaemia (level 3) and diabetic ketoacidosis warning signs',
  },
  burns: {
    guidance: 'emergency',
    covers: 'large or deep burns, burns on a child or on the face, hands or genitals, boiling water or oil over an area, chemical, fuel and electrical burns, huge blisters, skin white, charred or coming off',
    source: 'NHS and American Burn Association: when a burn needs emergency care',
  },
  meningitis: {
    guidance: 'emergency',
    covers: 'fever with a stiff neck (or a chin that will not touch the chest), fever with a purple rash, a rash that does not fade under a glass, severe headache with dislike of light',
    source: 'NHS and Meningitis Research Foundation warning signs, the glass test',
  },
};

export const URGENT_GUIDANCE: Readonly<Record<UrgentCategory, Exclude<UrgentGuidance, 'nurse_line'>>> = Object.fromEntries(
  URGENT_CATEGORIES.map((c) => [c, URGENT_CATALOGUE[c].guidance]),
) as Record<UrgentCategory, Exclude<UrgentGuidance, 'nurse_line'>>;

/** When several categories match, the first in this order is reported (and guided). */
export const SEVERITY: readonly UrgentCategory[] = [
  'unresponsive',
  'respiratory',
  'cardiac',
  'stroke',
  'allergic',
  'bleeding',
  'sepsis',
  'meningitis',
  'diabetic',
  'seizure',
  'obstetric',
  'infant_fever',
  'trauma',
  'burns',
  'poisoning',
  'mental_health',
];
