import type { Language } from '../types.ts';

/**
 * Plain-language billing: what a statement line is (from its CPT or HCPCS code family, or the
 * organisation's own description) and what the money columns mean for the patient. Amounts
 * are integer cents throughout so that sums never drift.
 */

type Text = Record<Language, string>;

/** Billing words patients meet on a statement, defined the way a person would explain them. */
export const BILLING_GLOSSARY: Record<string, { term: Text; definition: Text }> = {
  charge: {
    term: { en: 'charge', es: 'cargo' },
    definition: {
      en: 'the full price the clinic lists for a service, before insurance and discounts',
      es: 'el precio completo que la clínica fija para un servicio, antes del seguro y los descuentos',
    },
  },
  insurance_paid: {
    term: { en: 'insurance paid', es: 'pagado por el seguro' },
    definition: { en: 'what your health plan paid the clinic for the service', es: 'lo que su plan de salud pagó a la clínica por el servicio' },
  },
  adjustment: {
    term: { en: 'adjustment', es: 'ajuste' },
    definition: {
      en: 'an amount taken off the charge, usually because of the rate your plan agreed with the clinic; you do not pay it',
      es: 'una cantidad que se descuenta del cargo, normalmente por la tarifa que su plan acordó con la clínica; usted no la paga',
    },
  },
  patient_responsibility: {
    term: { en: 'you owe', es: 'usted debe' },
    definition: { en: 'the part of the charge that is left for you to pay', es: 'la parte del cargo que le queda a usted por pagar' },
  },
  copay: {
    term: { en: 'copay', es: 'copago' },
    definition: {
      en: 'a fixed amount your plan asks you to pay for a kind of visit or service',
      es: 'una cantidad fija que su plan le pide pagar por un tipo de consulta o servicio',
    },
  },
  coinsurance: {
    term: { en: 'coinsurance', es: 'coseguro' },
    definition: {
      en: 'your share of the cost as a percentage, after your deductible is met',
      es: 'su parte del costo como porcentaje, después de cubrir su deducible',
    },
  },
  deductible: {
    term: { en: 'deductible', es: 'deducible' },
    definition: {
      en: 'what you pay each plan year before your insurance starts paying its share',
      es: 'lo que usted paga cada año del plan antes de que su seguro empiece a pagar su parte',
    },
  },
  balance: {
    term: { en: 'balance', es: 'saldo' },
    definition: { en: 'the total you owe on this statement', es: 'el total que usted debe en este estado de cuenta' },
  },
  cpt: {
    term: { en: 'CPT code', es: 'código CPT' },
    definition: {
      en: 'a five-character code that names the service you received, used by every clinic and insurer',
      es: 'un código de cinco caracteres que identifica el servicio que recibió; lo usan todas las clínicas y aseguradoras',
    },
  },
  hcpcs: {
    term: { en: 'HCPCS code', es: 'código HCPCS' },
    definition: {
      en: 'a code for supplies, equipment and drugs given in the clinic (a letter and four digits)',
      es: 'un código para suministros, equipo y medicamentos administrados en la clínica (una letra y cuatro dígitos)',
    },
  },
};

interface CodeFamily {
  from: number;
  to: number;
  text: Text;
}

// Specific codes patients often ask about, before the families they belong to.
const COMMON_CODES: Record<string, Text> = {
  '36415': { en: 'a blood draw (taking a blood sample from a vein)', es: 'una extracción de sangre (tomar una muestra de sangre de una vena)' },
  '80053': { en: 'a comprehensive metabolic panel (a routine blood test)', es: 'un panel metabólico completo (un análisis de sangre de rutina)' },
  '80061': { en: 'a lipid panel (a cholesterol blood test)', es: 'un perfil de lípidos (un análisis de colesterol)' },
  '85025': { en: 'a complete blood count (a routine blood test)', es: 'un hemograma completo (un análisis de sangre de rutina)' },
  '83036': { en: 'a hemoglobin A1c test (a blood sugar test)', es: 'una prueba de hemoglobina A1c (un análisis de azúcar en la sangre)' },
  '81002': { en: 'a urine test', es: 'un análisis de orina' },
  '81003': { en: 'a urine test', es: 'un análisis de orina' },
  '93000': { en: 'an electrocardiogram (ECG, a heart tracing)', es: 'un electrocardiograma (ECG, un trazo del corazón)' },
  '96372': { en: 'an injection given in the clinic', es: 'una inyección administrada en la clínica' },
  '90471': { en: 'giving a vaccine', es: 'la aplicación de una vacuna' },
  '90472': { en: 'giving an additional vaccine', es: 'la aplicación de una vacuna adicional' },
  '99211': { en: 'a short office visit with a nurse or staff member', es: 'una consulta breve con una enfermera o personal de la clínica' },
};

// Ordered narrow to broad: the first family that contains the code names it.
const CPT_FAMILIES: CodeFamily[] = [
  { from: 99202, to: 99205, text: { en: 'an office visit as a new patient', es: 'una consulta en el consultorio como paciente nuevo' } },
  { from: 99211, to: 99215, text: { en: 'an office visit with your provider', es: 'una consulta en el consultorio con su proveedor' } },
  { from: 99221, to: 99239, text: { en: 'care while you were in the hospital', es: 'atención mientras estuvo en el hospital' } },
  { from: 99281, to: 99285, text: { en: 'an emergency department visit', es: 'una visita a la sala de emergencias' } },
  { from: 99381, to: 99397, text: { en: 'a preventive check-up', es: 'un chequeo preventivo' } },
  { from: 99421, to: 99443, text: { en: 'a phone or online visit with your provider', es: 'una consulta por teléfono o en línea con su proveedor' } },
  { from: 99100, to: 99499, text: { en: 'a visit or consultation with a provider', es: 'una consulta con un proveedor' } },
  { from: 90460, to: 90474, text: { en: 'giving a vaccine', es: 'la aplicación de una vacuna' } },
  { from: 90476, to: 90759, text: { en: 'a vaccine', es: 'una vacuna' } },
  { from: 90785, to: 90899, text: { en: 'a mental health service (such as counselling)', es: 'un servicio de salud mental (como terapia)' } },
  { from: 92002, to: 92499, text: { en: 'an eye or vision service', es: 'un servicio de la vista' } },
  { from: 93000, to: 93799, text: { en: 'a heart test', es: 'una prueba del corazón' } },
  { from: 94010, to: 94799, text: { en: 'a breathing or lung test', es: 'una prueba de respiración o de los pulmones' } },
  { from: 96360, to: 96549, text: { en: 'an injection or infusion given in the clinic', es: 'una inyección o infusión administrada en la clínica' } },
  { from: 97010, to: 97799, text: { en: 'physical therapy or rehabilitation', es: 'terapia física o rehabilitación' } },
  { from: 90000, to: 99999, text: { en: 'a medical service', es: 'un servicio médico' } },
  { from: 80047, to: 89398, text: { en: 'a laboratory test', es: 'una prueba de laboratorio' } },
  { from: 70010, to: 79999, text: { en: 'an imaging study (such as an X-ray, ultrasound, CT or MRI)', es: 'un estudio de imagen (como una radiografía, ultrasonido, tomografía o resonancia)' } },
  { from: 10004, to: 69990, text: { en: 'a procedure', es: 'un procedimiento' } },
  { from: 100, to: 1999, text: { en: 'anaesthesia for a procedure', es: 'anestesia para un procedimiento' } },
];

const HCPCS_LETTERS: Record<string, Text> = {
  A: { en: 'medical supplies or transport', es: 'suministros médicos o transporte' },
  E: { en: 'medical equipment for use at home', es: 'equipo médico para usar en casa' },
  G: { en: 'a service billed under a Medicare code', es: 'un servicio facturado con un código de Medicare' },
  J: { en: 'a medicine given in the clinic', es: 'un medicamento administrado en la clínica' },
  L: { en: 'a brace or other orthotic device', es: 'un aparato ortopédico' },
  Q: { en: 'a temporary code for a drug, supply or test', es: 'un código temporal para un medicamento, suministro o prueba' },
};

export type CodeSystem = 'cpt' | 'hcpcs' | 'other';

export interface CodeExplanation {
  system: CodeSystem;
  /** What the service is, in plain words; null when the code is not one we know. */
  plain: string | null;
}

export function explainBillingCode(code: string, language: Language): CodeExplanation {
  const c = code.trim().toUpperCase();
  if (/^\d{5}$/.test(c)) {
    const common = COMMON_CODES[c];
    if (common) return { system: 'cpt', plain: common[language] };
    const n = Number(c);
    const family = CPT_FAMILIES.find((f) => n >= f.from && n <= f.to);
    return { system: 'cpt', plain: family ? family.text[language] : null };
  }
  // Category II/III CPT codes end in F or T; they are tracking codes and rarely charged.
  if (/^\d{4}[FT]$/.test(c)) return { system: 'cpt', plain: language === 'es' ? 'un código de seguimiento de calidad' : 'a quality-tracking code' };
  if (/^[A-V]\d{4}$/.test(c)) {
    const letter = HCPCS_LETTERS[c[0]!];
    return { system: 'hcpcs', plain: letter ? letter[language] : null };
  }
  return { system: 'other', plain: null };
}

const LOCALE: Record<Language, string> = { en: 'en-US', es: 'es-US' };

export function formatMoney(cents: number, language: Language, currency = 'USD'): string {
  return new Intl.NumberFormat(LOCALE[language], { style: 'currency', currency }).format(cents / 100);
}

/** A calendar date (YYYY-MM-DD) in words; no time zone can move it to another day. */
export function formatStatementDate(date: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALE[language], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

export interface StatementLineInput {
  code: string;
  description: string;
  serviceDate: string | null;
  chargeCents: number;
  insurancePaidCents: number;
  adjustmentCents: number;
  patientOwesCents: number;
  copayCents: number | null;
  coinsuranceCents: number | null;
  deductibleCents: number | null;
}

export interface StatementInput {
  statementDate: string;
  dueDate: string | null;
  currency: string;
  lines: StatementLineInput[];
}

export interface ExplainedLine {
  code: string;
  text: string;
  /** The charge, in the statement's currency units (not cents). */
  amount: number;
  insurancePaid: number;
  patientOwes: number;
}

export interface StatementExplanation {
  statementDate: string;
  lines: ExplainedLine[];
  balanceText: string;
  /** The billing words the explanation uses, with their definitions. */
  terms: Array<{ term: string; definition: string }>;
}

const units = (cents: number) => Math.round(cents) / 100;

/** One line in plain words: what the service was, what each column means for the patient. */
export function explainStatementLine(line: StatementLineInput, language: Language, currency = 'USD'): { text: string; terms: string[] } {
  const es = language === 'es';
  const money = (c: number) => formatMoney(c, language, currency);
  const { system, plain } = explainBillingCode(line.code, language);
  const codeLabel = system === 'cpt' ? `CPT ${line.code}` : system === 'hcpcs' ? `HCPCS ${line.code}` : line.code;
  const terms = new Set<string>(['charge']);
  if (system === 'cpt') terms.add('cpt');
  if (system === 'hcpcs') terms.add('hcpcs');
  const what = plain ? `${capitalise(plain)} ("${line.description}", ${codeLabel})` : `"${line.description}" (${codeLabel})`;
  const when = line.serviceDate ? (es ? ` el ${formatStatementDate(line.serviceDate, language)}` : ` on ${formatStatementDate(line.serviceDate, language)}`) : '';
  const parts: string[] = [`${what}${when}.`];
  parts.push(es ? `El cargo fue de ${money(line.chargeCents)}.` : `The charge was ${money(line.chargeCents)}.`);
  if (line.insurancePaidCents > 0) {
    terms.add('insurance_paid');
    parts.push(es ? `Su seguro pagó ${money(line.insurancePaidCents)}.` : `Your insurance paid ${money(line.insurancePaidCents)}.`);
  } else {
    parts.push(es ? 'Su seguro no pagó nada por esta línea.' : 'Your insurance paid nothing for this line.');
  }
  if (line.adjustmentCents > 0) {
    terms.add('adjustment');
    parts.push(
      es
        ? `Se descontaron ${money(line.adjustmentCents)} como ajuste (por ejemplo, la tarifa acordada con su plan); eso no lo paga usted.`
        : `${money(line.adjustmentCents)} was taken off as an adjustment (for example, the rate agreed with your plan); you do not pay that part.`,
    );
  } else if (line.adjustmentCents < 0) {
    terms.add('adjustment');
    parts.push(
      es
        ? `Un ajuste anterior de ${money(-line.adjustmentCents)} fue revertido y vuelve a sumarse.`
        : `An earlier adjustment of ${money(-line.adjustmentCents)} was reversed and is added back.`,
    );
  }
  terms.add('patient_responsibility');
  if (line.patientOwesCents === 0) {
    parts.push(es ? 'Usted no debe nada por esta línea.' : 'You owe nothing for this line.');
  } else {
    const why: string[] = [];
    if (line.copayCents) {
      terms.add('copay');
      why.push(es ? `${money(line.copayCents)} de copago` : `${money(line.copayCents)} copay`);
    }
    if (line.coinsuranceCents) {
      terms.add('coinsurance');
      why.push(es ? `${money(line.coinsuranceCents)} de coseguro` : `${money(line.coinsuranceCents)} coinsurance`);
    }
    if (line.deductibleCents) {
      terms.add('deductible');
      why.push(es ? `${money(line.deductibleCents)} que se aplica a su deducible` : `${money(line.deductibleCents)} that counts toward your deductible`);
    }
    const owes = es ? `Usted debe ${money(line.patientOwesCents)}` : `You owe ${money(line.patientOwesCents)}`;
    parts.push(why.length > 0 ? `${owes}: ${listOf(why, language)}.` : `${owes}.`);
  }
  return { text: parts.join(' '), terms: [...terms] };
}

export function explainStatementLines(statement: StatementInput, language: Language): StatementExplanation {
  const es = language === 'es';
  const money = (c: number) => formatMoney(c, language, statement.currency);
  const used = new Set<string>();
  const lines = statement.lines.map((line) => {
    const { text, terms } = explainStatementLine(line, language, statement.currency);
    for (const t of terms) used.add(t);
    return { code: line.code, text, amount: units(line.chargeCents), insurancePaid: units(line.insurancePaidCents), patientOwes: units(line.patientOwesCents) };
  });
  const sum = (pick: (l: StatementLineInput) => number) => statement.lines.reduce((acc, l) => acc + pick(l), 0);
  const charges = sum((l) => l.chargeCents);
  const paid = sum((l) => l.insurancePaidCents);
  const adjusted = sum((l) => l.adjustmentCents);
  const owed = sum((l) => l.patientOwesCents);
  used.add('balance');
  const date = formatStatementDate(statement.statementDate, language);
  const due = statement.dueDate ? formatStatementDate(statement.dueDate, language) : null;
  const count = statement.lines.length;
  const balanceText = es
    ? `Su estado de cuenta del ${date} tiene ${count} ${count === 1 ? 'servicio' : 'servicios'} con cargos de ${money(charges)}. ` +
      `Su seguro pagó ${money(paid)}` +
      (adjusted !== 0 ? ` y se ajustaron ${money(adjusted)}` : '') +
      `. Su saldo es ${money(owed)}` +
      (owed > 0 && due ? `, con vencimiento el ${due}.` : '.') +
      (owed > 0 ? ' Si necesita pagarlo en partes, podemos solicitar un plan de pagos.' : '')
    : `Your statement of ${date} lists ${count} ${count === 1 ? 'service' : 'services'} with ${money(charges)} in charges. ` +
      `Your insurance paid ${money(paid)}` +
      (adjusted !== 0 ? ` and ${money(adjusted)} was adjusted off` : '') +
      `. Your balance is ${money(owed)}` +
      (owed > 0 && due ? `, due by ${due}.` : '.') +
      (owed > 0 ? ' If you need to pay it over time, we can request a payment plan for you.' : '');
  const terms = [...used].map((key) => ({ term: BILLING_GLOSSARY[key]!.term[language], definition: BILLING_GLOSSARY[key]!.definition[language] }));
  return { statementDate: statement.statementDate, lines, balanceText, terms };
}

/** What the patient hears when the organisation has no statement on file for them. */
export function noStatementText(language: Language): string {
  return language === 'es'
    ? 'No encontramos un estado de cuenta a su nombre. Si recibió una factura, un miembro del equipo de facturación puede revisarla con usted.'
    : 'We could not find a statement on file for you. If you received a bill, someone from the billing team can go through it with you.';
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function listOf(items: string[], language: Language): string {
  if (items.length <= 1) return items.join('');
  const last = items[items.length - 1];
  return `${items.slice(0, -1).join(', ')} ${language === 'es' ? 'y' : 'and'} ${last}`;
}
