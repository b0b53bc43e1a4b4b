import { MEDICATION_TERMS } from './facts/medications.ts';
import { editDistanceWithin, fold, words } from './facts/text.ts';
import type { Language, RequestType } from './types.ts';

/**
 * Keyword rules that put a first message into a request type, so a case can be opened and
 * routed before (and without) the assistant's trained model. They run on folded text, so
 * accents and case never matter, and a few long, often-misspelt keywords ("perscription",
 * "apointment", "insurence") are matched within one or two edits.
 *
 * Pattern syntax, one string per rule:
 *   words separated by spaces must appear consecutively;
 *   `word*` matches any word starting with `word`;
 *   `word~` also matches words within 1 edit (2 edits when the keyword has 10+ letters).
 * Typo tolerance is opt-in per keyword because short words collide: "pills"/"bills",
 * "change"/"charge", "segura"/"seguro".
 *
 * Every matching rule adds its weight once; negative weights undo a keyword in a phrase
 * where it means something else ("no estoy seguro" is "I'm not sure", not insurance).
 */
type Rule = readonly [pattern: string, weight: number, language?: Language];

const RULES: Record<RequestType, readonly Rule[]> = {
  scheduling: [
    ['appointment~', 2.5, 'en'], ['appointments~', 2.5, 'en'], ['appt*', 2, 'en'], ['reschedul*', 2.5, 'en'],
    ['schedul*', 1.5, 'en'], ['book', 1.5, 'en'], ['booking', 1.5, 'en'], ['cancel', 1, 'en'], ['cancell*', 1, 'en'],
    ['see the doctor', 1.5, 'en'], ['see dr', 1.5, 'en'], ['see a doctor', 1.5, 'en'], ['checkup', 1.5, 'en'],
    ['check up', 1.5, 'en'], ['physical', 1, 'en'], ['availability', 1.5, 'en'], ['available', 0.5, 'en'],
    ['opening', 0.5, 'en'], ['openings', 1, 'en'], ['slot', 1, 'en'], ['come in', 1, 'en'], ['visit', 0.5, 'en'],
    ['move my', 0.5, 'en'], ['earlier time', 1, 'en'], ['new patient', 1, 'en'], ['follow up', 0.75, 'en'],
    ['cita', 2.5, 'es'], ['citas', 2.5, 'es'], ['turno', 2, 'es'], ['turnos', 2, 'es'], ['consulta', 1, 'es'],
    ['reprogram*', 2.5, 'es'], ['agendar', 2, 'es'], ['agenda', 1, 'es'], ['programar', 1.5, 'es'],
    ['reservar', 1.5, 'es'], ['cancelar', 1, 'es'], ['ver al doctor', 1.5, 'es'], ['ver a la doctora', 1.5, 'es'],
    ['ver al medico', 1.5, 'es'], ['chequeo', 1.5, 'es'], ['disponibilidad', 1.5, 'es'], ['pedir hora', 1.5, 'es'],
    ['cambiar la hora', 1.5, 'es'], ['paciente nuevo', 1, 'es'], ['paciente nueva', 1, 'es'],
  ],
  prescription: [
    ['refill~', 2.5, 'en'], ['refills~', 2.5, 'en'], ['prescription~', 2.5, 'en'], ['prescriptions~', 2.5, 'en'],
    ['prescribe*', 1.5, 'en'], ['rx', 2, 'en'], ['renew', 1, 'en'], ['medication~', 1.5, 'en'],
    ['medications~', 1.5, 'en'], ['medicine', 1, 'en'], ['meds', 1.5, 'en'], ['pharmacy~', 1.5, 'en'],
    ['pharmacist', 1, 'en'], ['pills', 1, 'en'], ['inhaler', 1.5, 'en'], ['ran out', 1.5, 'en'],
    ['run out', 1.5, 'en'], ['running out', 1.5, 'en'], ['running low', 1.5, 'en'],
    ['receta~', 2.5, 'es'], ['recetas~', 2.5, 'es'], ['renovar', 1.5, 'es'], ['resurtir', 2.5, 'es'],
    ['surtir', 1.5, 'es'], ['rellenar', 1, 'es'], ['medicamento*', 1.5, 'es'], ['medicina', 1, 'es'],
    ['medicinas', 1, 'es'], ['pastillas', 1, 'es'], ['farmacia~', 1.5, 'es'], ['inhalador', 1.5, 'es'],
    ['se me acab*', 1.5, 'es'], ['se acab*', 1, 'es'], ['me quede sin', 1.5, 'es'], ['quedan pocas', 1, 'es'],
  ],
  results: [
    ['results~', 2.5, 'en'], ['result', 2, 'en'], ['lab', 1.5, 'en'], ['labs', 1.5, 'en'], ['blood work', 2, 'en'],
    ['bloodwork', 2, 'en'], ['test', 1, 'en'], ['tests', 1, 'en'], ['x ray', 1.5, 'en'], ['xray', 1.5, 'en'],
    ['mri', 1.5], ['ct scan', 1.5, 'en'], ['scan', 1, 'en'], ['biopsy', 1.5, 'en'], ['mammogram', 1.5, 'en'],
    ['ultrasound', 1.5, 'en'], ['came back', 1, 'en'], ['pathology', 1.5, 'en'], ['a1c', 1],
    ['resultados~', 2.5, 'es'], ['resultado~', 2.5, 'es'], ['analisis~', 2.5, 'es'], ['laboratorio~', 1.5, 'es'],
    ['examenes', 1.5, 'es'], ['examen', 1, 'es'], ['estudios', 1.5, 'es'], ['prueba', 1, 'es'], ['pruebas', 1, 'es'],
    ['radiografia', 1.5, 'es'], ['resonancia', 1.5, 'es'], ['tomografia', 1.5, 'es'], ['ecografia', 1.5, 'es'],
    ['ultrasonido', 1.5, 'es'], ['biopsia', 1.5, 'es'], ['mamografia', 1.5, 'es'], ['de sangre', 1, 'es'],
  ],
  billing: [
    ['bill', 2.5, 'en'], ['bills', 2.5, 'en'], ['billing~', 2.5, 'en'], ['billed', 2.5, 'en'],
    ['statement~', 1.5, 'en'], ['charge', 1.5, 'en'], ['charged', 1.5, 'en'], ['charges', 1.5, 'en'],
    ['payment~', 2, 'en'], ['payments', 2, 'en'], ['pay', 1.5, 'en'], ['paid', 1, 'en'], ['invoice~', 2, 'en'],
    ['balance', 1.5, 'en'], ['refund', 2, 'en'], ['owe', 1.5, 'en'], ['cost', 1, 'en'], ['price', 1, 'en'],
    ['overcharged', 2.5, 'en'], ['receipt', 1, 'en'], ['collections', 1.5, 'en'], ['credit card', 1, 'en'],
    ['copay', 0.75, 'en'], ['payment plan', 1, 'en'],
    ['factura~', 2.5, 'es'], ['facturas~', 2.5, 'es'], ['facturacion~', 2.5, 'es'], ['cobro', 2, 'es'],
    ['cobros', 2, 'es'], ['cobraron', 2, 'es'], ['cobrar', 1.5, 'es'], ['cargo', 1.5, 'es'], ['cargos', 1.5, 'es'],
    ['pago', 2, 'es'], ['pagos', 2, 'es'], ['pagar', 1.5, 'es'], ['pague', 1, 'es'], ['saldo', 1.5, 'es'],
    ['cuenta', 0.75, 'es'], ['me doy cuenta', -0.75, 'es'], ['reembolso', 2, 'es'], ['debo', 1, 'es'],
    ['costo', 1, 'es'], ['precio', 1, 'es'], ['estado de cuenta', 1.5, 'es'], ['recibo', 1, 'es'],
    ['copago', 0.75, 'es'], ['tarjeta de credito', 1, 'es'],
  ],
  insurance: [
    ['insurance~', 3, 'en'], ['insurer', 2.5, 'en'], ['coverage~', 2.5, 'en'], ['covered', 1.5, 'en'],
    ['cover', 1, 'en'], ['prior authorization', 2.5, 'en'], ['authorization~', 1.5, 'en'],
    ['preauthorization', 2.5, 'en'], ['pre authorization', 2.5, 'en'], ['prior auth', 2.5, 'en'],
    ['pre auth', 2.5, 'en'], ['in network', 2, 'en'], ['out of network', 2, 'en'], ['network', 1, 'en'],
    ['medicare', 2], ['medicaid', 2], ['deductible', 1.5, 'en'], ['copay', 0.75, 'en'], ['claim', 1.5, 'en'],
    ['claims', 1.5, 'en'], ['denied', 1, 'en'], ['eob', 1.5, 'en'], ['policy', 1, 'en'], ['referral', 1, 'en'],
    ['member id', 1, 'en'],
    ['seguro', 2.5, 'es'], ['seguros', 2.5, 'es'], ['aseguradora', 3, 'es'], ['cobertura~', 3, 'es'],
    ['cubre', 1.5, 'es'], ['cubren', 1.5, 'es'], ['cubierto', 1.5, 'es'], ['cubierta', 1.5, 'es'],
    ['autorizacion~', 1.5, 'es'], ['autorizacion previa', 1, 'es'], ['preautorizacion', 2.5, 'es'],
    ['deducible', 1.5, 'es'], ['copago', 0.75, 'es'], ['reclamo', 1.5, 'es'], ['reclamacion', 1.5, 'es'],
    ['poliza', 1.5, 'es'], ['negaron', 1, 'es'], ['rechazaron', 1, 'es'], ['plan de salud', 1.5, 'es'],
    ['estoy segur*', -2.5, 'es'], ['es seguro', -2.5, 'es'], ['seguro que', -1.5, 'es'],
  ],
  clinical_question: [
    ['symptom*', 2, 'en'], ['side effect*', 3, 'en'], ['pain', 2, 'en'], ['painful', 2, 'en'], ['hurts', 1.5, 'en'],
    ['hurt', 1, 'en'], ['fever', 2, 'en'], ['cough', 1.5, 'en'], ['coughing', 1.5, 'en'], ['rash', 2, 'en'],
    ['dizzy', 2, 'en'], ['dizziness', 2, 'en'], ['nausea', 2, 'en'], ['nauseous', 2, 'en'], ['vomit*', 2, 'en'],
    ['swelling', 2, 'en'], ['swollen', 1.5, 'en'], ['headache*', 2, 'en'], ['bleeding', 2, 'en'],
    ['infection', 1.5, 'en'], ['sore', 1.5, 'en'], ['sick', 1.5, 'en'], ['should i', 1, 'en'],
    ['is it normal', 1.5, 'en'], ['is this normal', 1.5, 'en'], ['is it safe', 1.5, 'en'], ['can i take', 1.5, 'en'],
    ['interact*', 1.5, 'en'], ['allergic', 1.5, 'en'], ['reaction', 1.5, 'en'], ['shortness of breath', 2, 'en'],
    ['chest', 1, 'en'], ['blood pressure', 1, 'en'], ['diarrhea', 2, 'en'], ['tired', 1, 'en'], ['worse', 1, 'en'],
    ['medical question', 2, 'en'], ['nurse', 1, 'en'], ['feel', 0.5, 'en'], ['feeling', 0.5, 'en'],
    ['sintoma*', 2, 'es'], ['efectos secundarios', 3, 'es'], ['efecto secundario', 3, 'es'], ['dolor', 2, 'es'],
    ['duele', 2, 'es'], ['fiebre', 2, 'es'], ['tos', 1.5, 'es'], ['sarpullido', 2, 'es'], ['erupcion', 1.5, 'es'],
    ['mareo*', 2, 'es'], ['mareado', 2, 'es'], ['mareada', 2, 'es'], ['nausea*', 2, 'es'], ['vomit*', 2, 'es'],
    ['hinchazon', 2, 'es'], ['hinchado', 1.5, 'es'], ['hinchada', 1.5, 'es'], ['sangrado', 2, 'es'],
    ['sangra', 1.5, 'es'], ['infeccion', 1.5, 'es'], ['me siento', 1, 'es'], ['enfermo', 1.5, 'es'],
    ['enferma', 1.5, 'es'], ['es normal', 1.5, 'es'], ['es seguro', 1.5, 'es'], ['puedo tomar', 1.5, 'es'],
    ['alergi*', 1.5, 'es'], ['reaccion', 1.5, 'es'], ['falta de aire', 2, 'es'], ['pecho', 1, 'es'],
    ['presion', 0.5, 'es'], ['diarrea', 2, 'es'], ['cansado', 1, 'es'], ['cansada', 1, 'es'], ['peor', 1, 'es'],
    ['enfermera', 1, 'es'], ['pregunta medica', 2, 'es'], ['debo preocuparme', 1.5, 'es'],
  ],
  records: [
    ['medical records', 3, 'en'], ['records~', 2, 'en'], ['record', 1, 'en'], ['records request', 1, 'en'],
    ['copy of my', 1, 'en'], ['release of information', 2.5, 'en'], ['immunization', 1.5, 'en'],
    ['vaccination record*', 1.5, 'en'], ['vaccine record*', 1.5, 'en'], ['chart', 1, 'en'], ['history', 1, 'en'],
    ['fax', 1, 'en'], ['paperwork', 1, 'en'], ['visit summary', 1.5, 'en'], ['hipaa', 1, 'en'], ['forms', 0.5, 'en'],
    ['expediente~', 3, 'es'], ['historial~', 3, 'es'], ['historia clinica', 3, 'es'], ['registros', 2, 'es'],
    ['registro medico', 2.5, 'es'], ['copia de mi', 1.5, 'es'], ['copia', 1, 'es'], ['cartilla', 1.5, 'es'],
    ['constancia', 1, 'es'], ['informe medico', 2, 'es'], ['vacunas', 0.5, 'es'],
  ],
  other: [
    ['change my address', 2, 'en'], ['update my address', 2, 'en'], ['new address', 1.5, 'en'],
    ['update my phone', 2, 'en'], ['update my email', 2, 'en'], ['address', 1, 'en'], ['directions', 2, 'en'],
    ['parking', 2, 'en'], ['visiting hours', 2, 'en'], ['opening hours', 2, 'en'], ['complaint', 1.5, 'en'],
    ['feedback', 1.5, 'en'], ['lost and found', 2, 'en'], ['interpreter', 1.5, 'en'],
    ['cambiar mi direccion', 2, 'es'], ['nueva direccion', 1.5, 'es'], ['direccion', 1, 'es'],
    ['estacionamiento', 2, 'es'], ['como llegar', 2, 'es'], ['horario de visita', 2, 'es'], ['queja', 1.5, 'es'],
    ['actualizar mis datos', 2, 'es'], ['interprete', 1.5, 'es'],
  ],
};

interface TokenPattern {
  text: string;
  prefix: boolean;
  fuzzy: number;
}
interface CompiledRule {
  type: RequestType;
  tokens: TokenPattern[];
  weight: number;
  language?: Language;
}

const COMPILED: CompiledRule[] = [];
for (const [type, rules] of Object.entries(RULES) as [RequestType, readonly Rule[]][]) {
  for (const [pattern, weight, language] of rules) {
    const tokens = pattern.split(' ').map((t): TokenPattern => {
      const prefix = t.endsWith('*');
      const fuzzyMark = t.endsWith('~');
      const text = prefix || fuzzyMark ? t.slice(0, -1) : t;
      return { text, prefix, fuzzy: fuzzyMark ? (text.length >= 10 ? 2 : 1) : 0 };
    });
    COMPILED.push({ type, tokens, weight, ...(language ? { language } : {}) });
  }
}

// A word that is itself a keyword somewhere is never read as a misspelling of another one.
const EXACT_KEYWORDS = new Set(COMPILED.flatMap((r) => r.tokens.map((t) => t.text)));

function tokenMatches(word: string, p: TokenPattern): boolean {
  if (p.prefix) return word.startsWith(p.text);
  if (word === p.text) return true;
  if (p.fuzzy === 0 || word.length < 4 || EXACT_KEYWORDS.has(word) || MEDICATION_TERMS.has(word)) return false;
  // Plurals and other endings are separate rules, not typos: require the same first letter.
  return word[0] === p.text[0] && editDistanceWithin(word, p.text, p.fuzzy);
}

function ruleMatches(tokens: readonly string[], rule: CompiledRule): boolean {
  const n = rule.tokens.length;
  outer: for (let i = 0; i + n <= tokens.length; i++) {
    for (let k = 0; k < n; k++) if (!tokenMatches(tokens[i + k]!, rule.tokens[k]!)) continue outer;
    return true;
  }
  return false;
}

/** Below this summed weight a message carries no request (a greeting, a date of birth). */
const MIN_SCORE = 1;
/** Patients mix languages; a rule in the other language still counts, a little less. */
const OTHER_LANGUAGE_FACTOR = 0.8;
/** Naming a listed medicine is good evidence of a prescription request. */
const MEDICATION_WEIGHT = 2;

export function requestTypeScores(text: string, language?: Language): Record<RequestType, number> {
  const scores: Record<RequestType, number> = {
    scheduling: 0, prescription: 0, results: 0, billing: 0, insurance: 0, clinical_question: 0, records: 0, other: 0,
  };
  if (typeof text !== 'string' || text.length === 0) return scores;
  const tokens = words(fold(text.length > 2000 ? text.slice(0, 2000) : text)).map((w) => w.replace(/['’]/g, ''));
  if (tokens.length === 0) return scores;
  for (const rule of COMPILED) {
    if (!ruleMatches(tokens, rule)) continue;
    const factor = language && rule.language && rule.language !== language ? OTHER_LANGUAGE_FACTOR : 1;
    scores[rule.type] += rule.weight * factor;
  }
  if (tokens.some((t) => MEDICATION_TERMS.has(t))) scores.prescription += MEDICATION_WEIGHT;
  return scores;
}

export function classifyRequestType(
  text: string,
  language?: Language,
): { type: RequestType; confidence: number } | null {
  const scores = requestTypeScores(text, language);
  const ranked = (Object.entries(scores) as [RequestType, number][]).sort((a, b) => b[1] - a[1]);
  const [topType, top] = ranked[0]!;
  const second = Math.max(0, ranked[1]![1]);
  if (top < MIN_SCORE || top === second) return null;
  // Confidence grows with the amount of evidence and with how clearly it favours one type.
  const strength = Math.min(1, top / 4);
  const margin = (top - second) / top;
  const confidence = Math.round(Math.min(0.95, 0.3 + 0.3 * strength + 0.35 * margin) * 100) / 100;
  return { type: topType, confidence };
}
