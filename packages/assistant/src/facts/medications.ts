import { medicationGeneric } from '@carethread/core';
import { findMedications as findListedMedications } from '../entities/lookup.ts';

/**
 * Medicines a patient names. Core's list (and typos of it) first; then names that are not on
 * any list but are plainly a medicine by where they stand ("refill my hydroxyzine", "my
 * Januvia 100 mg", "se me acabó el losartán", "resurtido de metformina") or by a drug-name
 * ending (-pril, -sartan, -olol, -statin, -prazole…). The value is the generic name when
 * known, otherwise the word in lower case.
 */

const MORE: Record<string, readonly string[]> = {
  hydroxychloroquine: ['plaquenil', 'hidroxicloroquina'],
  hydroxyzine: ['atarax', 'vistaril', 'hidroxizina'],
  buspirone: ['buspar', 'buspirona'],
  venlafaxine: ['effexor', 'venlafaxina'],
  paroxetine: ['paxil', 'paroxetina'],
  mirtazapine: ['remeron', 'mirtazapina'],
  quetiapine: ['seroquel', 'quetiapina'],
  aripiprazole: ['abilify', 'aripiprazol'],
  lamotrigine: ['lamictal', 'lamotrigina'],
  levetiracetam: ['keppra'],
  topiramate: ['topamax', 'topiramato'],
  cyclobenzaprine: ['flexeril', 'ciclobenzaprina'],
  meloxicam: ['mobic'],
  diclofenac: ['voltaren', 'diclofenaco'],
  ondansetron: ['zofran', 'ondansetron'],
  methylphenidate: ['ritalin', 'concerta', 'metilfenidato'],
  amphetamine: ['adderall'],
  sumatriptan: ['imitrex'],
  glimepiride: ['amaryl', 'glimepirida'],
  pioglitazone: ['actos', 'pioglitazona'],
  dulaglutide: ['trulicity'],
  tirzepatide: ['mounjaro', 'zepbound'],
  liraglutide: ['victoza', 'saxenda'],
  dapagliflozin: ['farxiga', 'dapagliflozina'],
  budesonide: ['pulmicort', 'budesonida', 'symbicort'],
  tiotropium: ['spiriva', 'tiotropio'],
  benzonatate: ['tessalon'],
  nitrofurantoin: ['macrobid', 'nitrofurantoina'],
  sulfamethoxazole: ['bactrim', 'septra'],
  metronidazole: ['flagyl', 'metronidazol'],
  valacyclovir: ['valtrex', 'valaciclovir'],
  acyclovir: ['zovirax', 'aciclovir'],
  oseltamivir: ['tamiflu'],
  fluconazole: ['diflucan', 'fluconazol'],
  clonidine: ['catapres', 'clonidina'],
  hydralazine: ['hidralazina'],
  diltiazem: ['cardizem'],
  verapamil: ['calan'],
  nifedipine: ['procardia', 'nifedipino'],
  olmesartan: ['benicar', 'olmesartan'],
  irbesartan: ['avapro'],
  telmisartan: ['micardis'],
  ramipril: ['altace'],
  benazepril: ['lotensin'],
  chlorthalidone: ['clortalidona'],
  bumetanide: ['bumex'],
  digoxin: ['lanoxin', 'digoxina'],
  amiodarone: ['pacerone', 'amiodarona'],
  ezetimibe: ['zetia', 'ezetimiba'],
  fenofibrate: ['tricor', 'fenofibrato'],
  potassium: ['potasio', 'klor-con'],
  folic: ['acido folico'],
  estradiol: ['estrace'],
  medroxyprogesterone: ['depo-provera', 'provera'],
  norethindrone: ['noretindrona'],
  sildenafil: ['viagra'],
  tadalafil: ['cialis'],
  oxybutynin: ['ditropan', 'oxibutinina'],
  donepezil: ['aricept'],
  memantine: ['namenda', 'memantina'],
  carbidopa: ['sinemet', 'levodopa'],
  baclofen: ['lioresal', 'baclofeno'],
  tizanidine: ['zanaflex', 'tizanidina'],
  methocarbamol: ['robaxin', 'metocarbamol'],
  dexamethasone: ['decadron', 'dexametasona'],
  methylprednisolone: ['medrol', 'metilprednisolona'],
  mometasone: ['nasonex', 'mometasona'],
  epinephrine: ['epipen', 'epinefrina'],
  naloxone: ['narcan', 'naloxona'],
  buprenorphine: ['suboxone', 'buprenorfina'],
  lithium: ['litio', 'lithobid'],
  risperidone: ['risperdal', 'risperidona'],
  olanzapine: ['zyprexa', 'olanzapina'],
  ranitidine: ['zantac', 'ranitidina'],
  lansoprazole: ['prevacid', 'lansoprazol'],
  dicyclomine: ['bentyl'],
  promethazine: ['phenergan', 'prometazina'],
  meclizine: ['antivert', 'meclizina'],
  latanoprost: ['xalatan'],
  timolol: ['timoptic'],
  enoxaparin: ['lovenox', 'enoxaparina'],
  dabigatran: ['pradaxa'],
  levocetirizine: ['xyzal'],
  fexofenadine: ['allegra', 'fexofenadina'],
  diphenhydramine: ['benadryl', 'difenhidramina'],
  nitroglycerin: ['nitrostat', 'nitroglicerina'],
  isosorbide: ['imdur', 'isosorbida'],
  alendronate: ['fosamax', 'alendronato'],
  calcitriol: ['rocaltrol'],
  vitamin: ['vitamina'],
  insulin: ['tresiba', 'toujeo', 'humulin', 'novolin'],
};

const EXTRA = new Map<string, string>();
for (const [generic, aliases] of Object.entries(MORE)) {
  EXTRA.set(generic, generic);
  for (const a of aliases) EXTRA.set(a, generic);
}

/** Generic name for a medicine word, core's list first. */
export function genericOf(word: string): string | null {
  const w = word.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
  return medicationGeneric(w) ?? EXTRA.get(w) ?? null;
}

const DRUG_ENDING =
  /(?:pril|sartan|olol|statin|prazole|prazol|azepam|oxetine|cillin|cilina|mycin|micina|floxacin|floxacino|tidine|tidina|gliptin|gliflozin|glutide|dipine|dipino|thiazide|semide|tadine|triptan|afil|conazole|conazol|ciclovir|clovir|lukast|parin|xaban|gatran|setron|tropium|terol|sone|sona|olone|olona|mab|tinib|vastatina|pramine|triptyline|zepam|zolam|barbital|profen|profeno|coxib|caine|dronate|dronato|formin|formina|glinide|lamide|tiazida|pina|pine|azine|azina|idone|idona|apine|apina)$/;
const CONTEXT_BEFORE =
  /\b(?:refill(?:s|ed)? (?:of|on|for)(?: my| the)?|refill my|out of(?: my)?|ran out of(?: my)?|running (?:low|out) (?:on|of)(?: my)?|renew(?: my)?|prescription (?:for|of)(?: my)?|taking|take|my|resurtido (?:de|del)(?: mi| la| el)?|resurtir(?: mi| la| el)?|receta (?:de|del|para)(?: mi| la| el)?|se me acabo(?: mi| la| el)?|se me acabaron(?: mis| las| los)?|se me termino(?: mi| la| el)?|me quede sin(?: mi| la| el)?|tomo|mi|mis)\s+$/;
const DOSE_AFTER = /^\s*\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ml|g|units|unidades|iu)\b/;
const NOT_DRUG = new Set(
  (
    'appointment prescription prescriptions refill medication medications medicine medicines meds pills pill insurance pharmacy doctor ' +
    'mother father son daughter wife husband name number phone email birthday blood pressure sugar test results bill account ' +
    'cita receta recetas medicina medicinas medicamento medicamentos pastilla pastillas seguro farmacia doctora madre padre hijo hija ' +
    'esposo esposa nombre numero telefono correo presion azucar resultados cuenta factura cabeza estomago espalda ' +
    'machine engine magazine routine cuisine vaccine marine online shine line mine fine wine pine spine nine swine ' +
    'ozone cortisone bone phone cone done gone none tone zone stone alone someone everyone anyone lone drone throne ' +
    'persona personas cocina medicina vitrina gasolina oficina piscina esquina cortina rutina propina disciplina sardina harina vecina tina ' +
    'ninja lamina colina gallina golosina april abril cholesterol colesterol espina gasolina'
  ).split(' '),
);

export interface MedicationHit {
  value: string;
  start: number;
  end: number;
  confidence: number;
}

export function findMedicationsIn(original: string, folded: string): MedicationHit[] {
  const out: MedicationHit[] = [];
  for (const m of findListedMedications(original, folded)) out.push({ value: m.value, start: m.start, end: m.end, confidence: m.confidence });
  for (const m of folded.matchAll(/[\p{L}][\p{L}-]{3,}/gu)) {
    const w = m[0];
    const end = m.index + w.length;
    if (out.some((o) => o.start < end && m.index < o.end)) continue;
    const known = EXTRA.get(w);
    if (known) {
      out.push({ value: known, start: m.index, end, confidence: 0.85 });
      continue;
    }
    if (NOT_DRUG.has(w) || w.length < 5) continue;
    const before = folded.slice(Math.max(0, m.index - 30), m.index);
    const dose = DOSE_AFTER.test(folded.slice(end, end + 14));
    const context = CONTEXT_BEFORE.test(before);
    const ending = DRUG_ENDING.test(w);
    if ((ending && (context || dose)) || (dose && context)) out.push({ value: w, start: m.index, end, confidence: ending ? 0.75 : 0.7 });
  }
  return out.sort((a, b) => a.start - b.start);
}
