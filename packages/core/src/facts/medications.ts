import { fold, words } from './text.ts';

/**
 * A deliberately small built-in list of commonly refilled medicines, enough to recognise
 * "refill my lisinopril" without a drug database. Each spoken form maps to one generic name
 * so "Lipitor" and "atorvastatina" are the same fact; the assistant can extend the list.
 * Keys are folded (lower-case, no accents).
 */
const GENERICS: Record<string, readonly string[]> = {
  lisinopril: ['prinivil', 'zestril'],
  enalapril: ['vasotec'],
  losartan: ['cozaar'],
  valsartan: ['diovan'],
  amlodipine: ['norvasc', 'amlodipino'],
  hydrochlorothiazide: ['hctz', 'hidroclorotiazida'],
  furosemide: ['lasix', 'furosemida'],
  spironolactone: ['aldactone', 'espironolactona'],
  metoprolol: ['lopressor', 'toprol'],
  carvedilol: ['coreg'],
  atenolol: ['tenormin'],
  propranolol: ['inderal'],
  atorvastatin: ['lipitor', 'atorvastatina'],
  simvastatin: ['zocor', 'simvastatina'],
  rosuvastatin: ['crestor', 'rosuvastatina'],
  pravastatin: ['pravachol', 'pravastatina'],
  levothyroxine: ['synthroid', 'levoxyl', 'levotiroxina', 'eutirox'],
  metformin: ['glucophage', 'metformina'],
  glipizide: ['glucotrol', 'glipizida'],
  sitagliptin: ['januvia', 'sitagliptina'],
  empagliflozin: ['jardiance', 'empagliflozina'],
  semaglutide: ['ozempic', 'wegovy', 'semaglutida'],
  insulin: ['insulina', 'lantus', 'humalog', 'novolog', 'levemir', 'basaglar'],
  albuterol: ['ventolin', 'proair', 'salbutamol'],
  fluticasone: ['flovent', 'flonase', 'fluticasona', 'advair'],
  montelukast: ['singulair'],
  omeprazole: ['prilosec', 'omeprazol'],
  pantoprazole: ['protonix', 'pantoprazol'],
  esomeprazole: ['nexium', 'esomeprazol'],
  famotidine: ['pepcid', 'famotidina'],
  sertraline: ['zoloft', 'sertralina'],
  escitalopram: ['lexapro'],
  citalopram: ['celexa'],
  fluoxetine: ['prozac', 'fluoxetina'],
  bupropion: ['wellbutrin', 'bupropiona'],
  trazodone: ['desyrel', 'trazodona'],
  duloxetine: ['cymbalta', 'duloxetina'],
  gabapentin: ['neurontin', 'gabapentina'],
  pregabalin: ['lyrica', 'pregabalina'],
  tramadol: ['ultram'],
  ibuprofen: ['advil', 'motrin', 'ibuprofeno'],
  acetaminophen: ['tylenol', 'paracetamol', 'acetaminofen', 'acetaminofeno'],
  naproxen: ['aleve', 'naproxeno'],
  prednisone: ['prednisona'],
  amoxicillin: ['amoxil', 'amoxicilina'],
  azithromycin: ['zithromax', 'azitromicina'],
  cephalexin: ['keflex', 'cefalexina'],
  ciprofloxacin: ['cipro', 'ciprofloxacino'],
  doxycycline: ['doxiciclina'],
  warfarin: ['coumadin', 'warfarina'],
  apixaban: ['eliquis'],
  rivaroxaban: ['xarelto'],
  clopidogrel: ['plavix'],
  aspirin: ['aspirina'],
  alprazolam: ['xanax'],
  lorazepam: ['ativan'],
  clonazepam: ['klonopin', 'rivotril'],
  zolpidem: ['ambien'],
  tamsulosin: ['flomax', 'tamsulosina'],
  finasteride: ['proscar', 'finasterida'],
  allopurinol: ['zyloprim', 'alopurinol'],
  cetirizine: ['zyrtec', 'cetirizina'],
  loratadine: ['claritin', 'loratadina'],
  methotrexate: ['metotrexato'],
  hydrocodone: ['vicodin', 'hidrocodona'],
  oxycodone: ['oxycontin', 'percocet', 'oxicodona'],
};

const TERM_TO_GENERIC = new Map<string, string>();
for (const [generic, aliases] of Object.entries(GENERICS)) {
  TERM_TO_GENERIC.set(generic, generic);
  for (const a of aliases) TERM_TO_GENERIC.set(a, generic);
}

/** Every folded word that names a medicine on the built-in list (generic, brand or Spanish). */
export const MEDICATION_TERMS: ReadonlySet<string> = new Set(TERM_TO_GENERIC.keys());

/** The generic name for a spoken or written medicine name, or null when not on the list. */
export function medicationGeneric(term: string): string | null {
  return TERM_TO_GENERIC.get(fold(term).trim()) ?? null;
}

/** Generic names of listed medicines mentioned in text, in order, without repeats. */
export function findMedications(text: string): string[] {
  const out: string[] = [];
  for (const w of words(fold(text))) {
    const g = TERM_TO_GENERIC.get(w);
    if (g && !out.includes(g)) out.push(g);
  }
  return out;
}
