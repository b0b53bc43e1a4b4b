import type { Language, RequestType } from './types.ts';

/**
 * Seeded synthetic patients and messages for the demo organisation, tests and benchmarks.
 * Nothing here describes a real person: names are drawn independently from lists of common
 * given and family names, phone numbers are in the 555-0100..0199 block reserved for
 * fiction in every area code, and email addresses are at example.org/.com/.net. The same
 * seed always yields the same population, so a benchmark or a failing test can be replayed.
 */

export interface SyntheticPatient {
  givenName: string;
  familyName: string;
  /** ISO YYYY-MM-DD. */
  birthDate: string;
  sex: 'female' | 'male';
  /** E.164, +1 <area code> 555 01xx. */
  phone: string;
  email: string;
  mrn: string;
  language: Language;
  postcode: string;
  city: string;
  addressLine: string;
  /** Index of the patient whose household (family name, phone, address) this one shares. */
  householdOf?: number;
}

/** mulberry32: tiny, fast, and good enough for test data (not for anything secret). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)]!;
}

const EN_FEMALE = [
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen', 'Lisa',
  'Nancy', 'Betty', 'Sandra', 'Margaret', 'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle', 'Carol', 'Amanda',
  'Melissa', 'Deborah', 'Stephanie', 'Rebecca', 'Laura', 'Helen', 'Sharon', 'Cynthia', 'Kathleen', 'Amy', 'Angela',
  'Anna', 'Ruth', 'Brenda', 'Pamela', 'Nicole', 'Catherine', 'Kathryn', 'Katherine', 'Emma', 'Olivia', 'Grace',
];
const EN_MALE = [
  'James', 'Robert', 'John', 'Michael', 'David', 'William', 'Richard', 'Joseph', 'Thomas', 'Christopher', 'Charles',
  'Daniel', 'Matthew', 'Anthony', 'Mark', 'Donald', 'Steven', 'Andrew', 'Paul', 'Joshua', 'Kenneth', 'Kevin', 'Brian',
  'George', 'Timothy', 'Ronald', 'Jason', 'Edward', 'Jeffrey', 'Ryan', 'Jacob', 'Gary', 'Nicholas', 'Eric', 'Jonathan',
  'Stephen', 'Larry', 'Justin', 'Scott', 'Brandon', 'Benjamin', 'Samuel', 'Gregory', 'Patrick', 'Jon',
];
const EN_FAMILY = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas',
  'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young',
  'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter', 'Mitchell', 'Roberts',
  'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans', 'Edwards', 'Collins', 'Stewart', 'Morris', 'Murphy', 'Cook',
  'Rogers', 'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ward', 'Brooks', 'Bennett', 'Gray',
  'Hughes', 'Price', 'Sanders', 'Foster', 'Bryant', 'Russell', 'Griffin', 'Hayes', 'Myers', 'Ford', 'Hamilton',
  'Graham', 'Sullivan', 'Wallace', 'Woods', 'Cole', 'West', 'Owens', 'Reynolds', 'Fisher', 'Ellis', 'Harrison',
  'Gibson', 'McDonald', "O'Brien", 'Murray', 'Kennedy', 'Warren', 'Dixon', 'Burns', 'Gordon', 'Shaw', 'Holmes',
  'Hunt', 'Black', 'Palmer', 'Mills', 'Nichols', 'Grant', 'Knight', 'Ferguson', 'Stone', 'Hawkins', 'Dunn', 'Perkins',
  'Hudson', 'Spencer', 'Stephens', 'Pierce', 'Porter', 'Mason', 'Watson', 'Hart', 'Schmidt', 'Nguyen', 'Patel', 'Kim',
];
const ES_FEMALE = [
  'María', 'Guadalupe', 'Juana', 'Margarita', 'Verónica', 'Leticia', 'Rosa', 'Francisca', 'Alejandra', 'Patricia',
  'Elizabeth', 'Gabriela', 'Adriana', 'Ana', 'Isabel', 'Carmen', 'Lucía', 'Sofía', 'Valentina', 'Camila', 'Daniela',
  'Mariana', 'Fernanda', 'Paola', 'Claudia', 'Silvia', 'Teresa', 'Beatriz', 'Elena', 'Laura', 'Andrea', 'Natalia',
  'Ximena', 'Regina', 'Pilar', 'Dolores', 'Raquel', 'Inés', 'Marisol', 'Yolanda', 'María José', 'Ana Sofía',
];
const ES_MALE = [
  'José', 'Juan', 'Luis', 'Carlos', 'Jorge', 'Miguel', 'Francisco', 'Antonio', 'Jesús', 'Alejandro', 'Manuel',
  'Pedro', 'Ricardo', 'Fernando', 'Roberto', 'Javier', 'Daniel', 'Eduardo', 'Sergio', 'Rafael', 'Raúl', 'Andrés',
  'Diego', 'Mateo', 'Santiago', 'Sebastián', 'Emiliano', 'Héctor', 'Óscar', 'Arturo', 'Alberto', 'Enrique', 'Ramón',
  'Guillermo', 'Víctor', 'Rubén', 'Ignacio', 'Joaquín', 'Tomás', 'Martín', 'Juan Carlos', 'José Luis',
];
const ES_FAMILY = [
  'García', 'Rodríguez', 'Martínez', 'Hernández', 'López', 'González', 'Pérez', 'Sánchez', 'Ramírez', 'Torres',
  'Flores', 'Rivera', 'Gómez', 'Díaz', 'Cruz', 'Morales', 'Reyes', 'Gutiérrez', 'Ortiz', 'Ruiz', 'Chávez', 'Castillo',
  'Jiménez', 'Vásquez', 'Moreno', 'Romero', 'Herrera', 'Medina', 'Aguilar', 'Vargas', 'Castro', 'Mendoza', 'Ramos',
  'Guzmán', 'Delgado', 'Peña', 'Ríos', 'Salazar', 'Navarro', 'Domínguez', 'Vega', 'Soto', 'Campos', 'Cabrera',
  'Fuentes', 'Núñez', 'Ibarra', 'Molina', 'Estrada', 'Rojas', 'Contreras', 'Luna', 'Sandoval', 'Cortés', 'Guerrero',
  'de la Cruz', 'del Valle',
];

const CITIES: ReadonlyArray<readonly [city: string, zipPrefix: string]> = [
  ['Riverton', '840'], ['Fairview', '370'], ['Lakeside', '921'], ['Oakdale', '953'], ['Maple Grove', '553'],
  ['Cedar Falls', '506'], ['Brookhaven', '303'], ['Pine Ridge', '577'], ['Harbor City', '907'], ['Millbrook', '365'],
  ['Greenfield', '462'], ['Westbury', '115'], ['Springdale', '722'], ['Clearwater Bay', '337'], ['San Isidro', '780'],
  ['Villa Hermosa', '850'], ['Mesa Verde', '852'], ['Los Robles', '931'], ['Ashford', '062'], ['Stonebridge', '191'],
];
const STREETS = [
  'Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Willow', 'Birch', 'Main', 'Park', 'Lake', 'Hill', 'River', 'Sunset',
  'Highland', 'Meadow', 'Forest', 'Spring', 'Church', 'Mill', 'Orchard', 'Mission', 'Alameda', 'Camino Real',
  'Vista', 'Jardín', 'Magnolia', 'Juniper', 'Laurel', 'Chestnut', 'Walnut',
];
const STREET_KINDS = ['St', 'Ave', 'Rd', 'Blvd', 'Ln', 'Dr', 'Ct', 'Way', 'Pl'];
const EMAIL_DOMAINS = ['example.org', 'example.com', 'example.net'];

/**
 * NANP area codes: first digit 2-9, no N9X (reserved for expansion), no N11 service
 * codes, no toll-free or premium codes. With the 100 fictional lines of each, this gives
 * ~70,000 distinct numbers.
 */
const AREA_CODES: readonly string[] = (() => {
  const tollFree = new Set(['800', '822', '833', '844', '855', '866', '877', '888', '900']);
  const out: string[] = [];
  for (let a = 2; a <= 9; a++)
    for (let b = 0; b <= 8; b++)
      for (let c = 0; c <= 9; c++) {
        const code = `${a}${b}${c}`;
        if ((b === 1 && c === 1) || tollFree.has(code)) continue;
        out.push(code);
      }
  return out;
})();
const PHONE_SLOTS = AREA_CODES.length * 100;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * A seeded walk over 0..size-1 that visits every slot once before repeating: an affine map
 * i → (offset + i·stride) mod size with stride coprime to size. Cheaper than shuffling a
 * 10-million-entry MRN space, and it makes uniqueness a property rather than a retry loop.
 */
function permutation(rng: () => number, size: number): (i: number) => number {
  const offset = Math.floor(rng() * size);
  let stride = Math.floor(size * (0.3 + 0.4 * rng())) | 1;
  while (gcd(stride, size) !== 1) stride += 2;
  // (i · stride) can exceed 2^53 for large i, so reduce i first.
  return (i) => (offset + ((i % size) * stride) % size) % size;
}

const MRN_SPACE = 10_000_000;
const DAY_MS = 86_400_000;
/** Birth dates between 1935-01-01 and 2019-12-31. */
const BIRTH_FROM = Date.UTC(1935, 0, 1);
const BIRTH_DAYS = Math.floor((Date.UTC(2019, 11, 31) - BIRTH_FROM) / DAY_MS) + 1;
const HOUSEHOLD_RATE = 0.03;
const SPANISH_NAME_RATE = 0.3;
/** Share of patients with Spanish names who prefer Spanish; the rest prefer English. */
const SPANISH_PREFERENCE_RATE = 0.85;

function asciiLocal(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

function randomBirthDate(rng: () => number): string {
  return new Date(BIRTH_FROM + Math.floor(rng() * BIRTH_DAYS) * DAY_MS).toISOString().slice(0, 10);
}

export function syntheticPatients(count: number, seed = 1): SyntheticPatient[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  if (count > MRN_SPACE) throw new RangeError(`at most ${MRN_SPACE} synthetic patients have unique MRNs`);
  const rng = createRng(seed);
  const phoneSlot = permutation(rng, PHONE_SLOTS);
  const mrnSlot = permutation(rng, MRN_SPACE);
  const emailsTaken = new Map<string, number>();
  const patients: SyntheticPatient[] = new Array(count);
  // Whether each patient's names came from the Spanish lists, so relatives match.
  const spanishNames: boolean[] = new Array(count);
  let phonesUsed = 0;

  const email = (given: string, family: string): string => {
    const base = `${asciiLocal(given)}.${asciiLocal(family)}`;
    const domain = pick(rng, EMAIL_DOMAINS);
    const key = `${base}@${domain}`;
    const n = emailsTaken.get(key) ?? 0;
    emailsTaken.set(key, n + 1);
    return n === 0 ? key : `${base}${n + 1}@${domain}`;
  };

  for (let i = 0; i < count; i++) {
    const mrn = 'MRN' + String(mrnSlot(i)).padStart(7, '0');
    if (i > 0 && rng() < HOUSEHOLD_RATE) {
      // A relative living with an earlier patient: same surname, phone and address.
      let root = Math.floor(rng() * i);
      root = patients[root]!.householdOf ?? root;
      const head = patients[root]!;
      const spanish = spanishNames[root]!;
      spanishNames[i] = spanish;
      const sex: 'female' | 'male' = rng() < 0.5 ? 'female' : 'male';
      const names = spanish ? (sex === 'female' ? ES_FEMALE : ES_MALE) : sex === 'female' ? EN_FEMALE : EN_MALE;
      let givenName = pick(rng, names);
      if (givenName === head.givenName) givenName = names[(names.indexOf(givenName) + 1) % names.length]!;
      let birthDate = randomBirthDate(rng);
      if (birthDate === head.birthDate) birthDate = randomBirthDate(rng);
      patients[i] = {
        givenName,
        familyName: head.familyName,
        birthDate,
        sex,
        phone: head.phone,
        email: email(givenName, head.familyName),
        mrn,
        language: head.language,
        postcode: head.postcode,
        city: head.city,
        addressLine: head.addressLine,
        householdOf: root,
      };
      continue;
    }

    const spanish = rng() < SPANISH_NAME_RATE;
    spanishNames[i] = spanish;
    const sex: 'female' | 'male' = rng() < 0.5 ? 'female' : 'male';
    let givenName: string;
    let familyName: string;
    if (spanish) {
      givenName = pick(rng, sex === 'female' ? ES_FEMALE : ES_MALE);
      familyName = pick(rng, ES_FAMILY);
      // Many Spanish-speaking patients use both surnames.
      if (rng() < 0.3) {
        const second = pick(rng, ES_FAMILY);
        if (second !== familyName) familyName = `${familyName} ${second}`;
      }
    } else {
      givenName = pick(rng, sex === 'female' ? EN_FEMALE : EN_MALE);
      familyName = pick(rng, EN_FAMILY);
    }
    const language: Language = spanish && rng() < SPANISH_PREFERENCE_RATE ? 'es' : 'en';
    // Beyond ~70k patients the fictional number space wraps and numbers repeat.
    const slot = phoneSlot(phonesUsed++);
    const phone = `+1${AREA_CODES[slot % AREA_CODES.length]}55501${String(Math.floor(slot / AREA_CODES.length)).padStart(2, '0')}`;
    const [city, zip] = pick(rng, CITIES);
    const street = `${1 + Math.floor(rng() * 9899)} ${pick(rng, STREETS)} ${pick(rng, STREET_KINDS)}`;
    const unit = rng() < 0.15 ? ` Apt ${1 + Math.floor(rng() * 40)}${'ABCD'[Math.floor(rng() * 4)]}` : '';
    patients[i] = {
      givenName,
      familyName,
      birthDate: randomBirthDate(rng),
      sex,
      phone,
      email: email(givenName, familyName),
      mrn,
      language,
      postcode: zip + String(Math.floor(rng() * 100)).padStart(2, '0'),
      city,
      addressLine: street + unit,
    };
  }
  return patients;
}

// ---------------------------------------------------------------------------------------
// Messages

const MEDS_EN = ['lisinopril', 'metformin', 'atorvastatin', 'Lipitor', 'amlodipine', 'levothyroxine', 'Synthroid', 'albuterol', 'omeprazole', 'sertraline'];
const MEDS_ES = ['lisinopril', 'metformina', 'atorvastatina', 'amlodipino', 'levotiroxina', 'insulina', 'omeprazol', 'losartán', 'salbutamol'];
const DAYS_EN = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'next week', 'tomorrow'];
const DAYS_ES = ['el lunes', 'el martes', 'el miércoles', 'el jueves', 'el viernes', 'la próxima semana', 'mañana'];
const TESTS_EN = ['blood work', 'lab results', 'MRI results', 'test results', 'x-ray results'];
const TESTS_ES = ['análisis de sangre', 'resultados del laboratorio', 'resultados de la resonancia', 'resultados de la radiografía'];
const SYMPTOMS_EN = ['a headache', 'a fever', 'a rash', 'a cough', 'some dizziness', 'nausea'];
const SYMPTOMS_ES = ['dolor de cabeza', 'fiebre', 'tos', 'mareos', 'náuseas', 'dolor de espalda'];

type Template = (rng: () => number) => string;

const TEMPLATES: Record<Language, Record<RequestType, readonly Template[]>> = {
  en: {
    scheduling: [
      (r) => `Hi, I need to schedule an appointment with Dr. ${pick(r, EN_FAMILY)}`,
      (r) => `Can I reschedule my appointment on ${pick(r, DAYS_EN)}?`,
      () => 'I would like to book a checkup',
      (r) => `I need to cancel my appointment for ${pick(r, DAYS_EN)}`,
      () => 'Do you have any appointment openings this week?',
    ],
    prescription: [
      (r) => `I need to refill my ${pick(r, MEDS_EN)}`,
      (r) => `Hi, I'm almost out of my ${pick(r, MEDS_EN)}, can you send a refill to my pharmacy?`,
      () => 'My prescription expired and I need it renewed',
      (r) => `Can you send my ${pick(r, MEDS_EN)} prescription to the pharmacy?`,
    ],
    results: [
      (r) => `Are my ${pick(r, TESTS_EN)} back yet?`,
      (r) => `I'm calling about my ${pick(r, TESTS_EN)}`,
      () => 'I had blood work done last week and want to know the results',
      () => 'Has the doctor looked at my lab results?',
    ],
    billing: [
      () => 'I have a question about my bill',
      () => 'I was charged twice for the same visit',
      () => 'How can I pay my balance online?',
      () => 'Can I set up a payment plan for my bill?',
    ],
    insurance: [
      () => 'Is my insurance accepted at your clinic?',
      () => 'My insurance denied the claim, what should I do?',
      () => 'I need a prior authorization for my MRI',
      () => 'I changed insurance plans and need to update my coverage',
    ],
    clinical_question: [
      (r) => `I've had ${pick(r, SYMPTOMS_EN)} for three days, should I come in?`,
      (r) => `Is it normal to have side effects from ${pick(r, MEDS_EN)}?`,
      (r) => `I have ${pick(r, SYMPTOMS_EN)} since yesterday, is it something to worry about?`,
      () => 'Can I take ibuprofen with my blood pressure medicine? My back hurts',
    ],
    records: [
      () => 'I need a copy of my medical records',
      () => 'Can you send my records to my new doctor?',
      () => 'How do I request my immunization records?',
    ],
    other: [
      () => 'I need to update my address',
      () => 'Where is the parking for the main building?',
      () => 'What are the visiting hours?',
      () => 'I would like to leave some feedback about my visit',
    ],
  },
  es: {
    scheduling: [
      (r) => `Hola, necesito una cita con el doctor ${pick(r, ES_FAMILY)}`,
      (r) => `¿Puedo cambiar mi cita de ${pick(r, DAYS_ES)}?`,
      () => 'Quisiera agendar una cita para un chequeo',
      (r) => `Necesito cancelar mi cita de ${pick(r, DAYS_ES)}`,
      () => 'Quiero reprogramar mi cita, por favor',
    ],
    prescription: [
      (r) => `Necesito renovar mi receta de ${pick(r, MEDS_ES)}`,
      (r) => `Se me acabó el ${pick(r, MEDS_ES)}, ¿me pueden mandar más a la farmacia?`,
      () => 'Mi receta venció y necesito una nueva',
      (r) => `¿Pueden enviar mi receta de ${pick(r, MEDS_ES)} a la farmacia?`,
    ],
    results: [
      (r) => `¿Ya están mis ${pick(r, TESTS_ES)}?`,
      () => 'Quiero saber los resultados de mis análisis',
      () => 'Llamo por los resultados del laboratorio',
      () => 'Me hice unos estudios la semana pasada, ¿ya tienen los resultados?',
    ],
    billing: [
      () => 'Tengo una pregunta sobre mi factura',
      () => 'Me cobraron dos veces la misma consulta',
      () => '¿Cómo puedo pagar mi saldo en línea?',
      () => 'Quiero hacer un plan de pagos para mi factura',
    ],
    insurance: [
      () => '¿Aceptan mi seguro médico?',
      () => 'Mi seguro rechazó el reclamo, ¿qué hago?',
      () => 'Necesito una autorización previa del seguro para mi resonancia',
      () => 'Cambié de seguro y necesito actualizar mi cobertura',
    ],
    clinical_question: [
      (r) => `Tengo ${pick(r, SYMPTOMS_ES)} desde hace tres días, ¿debo ir al médico?`,
      (r) => `¿Es normal tener efectos secundarios con ${pick(r, MEDS_ES)}?`,
      (r) => `Tengo ${pick(r, SYMPTOMS_ES)} desde ayer, ¿debo preocuparme?`,
      () => '¿Puedo tomar ibuprofeno con mi medicina de la presión? Me duele la espalda',
    ],
    records: [
      () => 'Necesito una copia de mi expediente médico',
      () => '¿Pueden enviar mi historial clínico a mi nuevo doctor?',
      () => 'Quiero solicitar mi cartilla de vacunación',
    ],
    other: [
      () => 'Necesito cambiar mi dirección',
      () => '¿Dónde está el estacionamiento del hospital?',
      () => '¿Cuál es el horario de visita?',
      () => 'Quiero poner una queja sobre la atención',
    ],
  },
};

export function syntheticMessage(rng: () => number, requestType: RequestType, language: Language): string {
  return pick(rng, TEMPLATES[language][requestType])(rng);
}

// ---------------------------------------------------------------------------------------
// Transcripts with planted identifiers (de-identification tests)

/** The kinds of identifier a synthetic transcript plants, after the 18 of Safe Harbor. */
export const PLANTED_KINDS = [
  'name', 'phone', 'fax', 'email', 'address', 'city', 'zip', 'birth_date', 'date', 'age', 'mrn', 'member_id', 'account',
  'ssn', 'license', 'vehicle', 'device', 'url', 'ip',
] as const;
export type PlantedKind = (typeof PLANTED_KINDS)[number];

export interface PlantedIdentifier {
  kind: PlantedKind;
  /** The canonical value (E.164 phone, ISO date, the name as written in the record…). */
  value: string;
  /** Exactly how it was written in the transcript. */
  surface: string;
  /** Whether the record being scrubbed knows it (the patient's own) or only the text does. */
  known: boolean;
}

export interface SyntheticTranscript {
  language: Language;
  requestType: RequestType;
  patient: SyntheticPatient;
  turns: Array<{ actor: 'patient' | 'agent'; text: string }>;
  planted: PlantedIdentifier[];
}

const MONTH_NAMES: Record<Language, readonly string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
};
const EN_UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const EN_ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth'];
const ES_UNITS = ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez', 'once', 'doce', 'trece', 'catorce', 'quince', 'dieciséis', 'diecisiete', 'dieciocho', 'diecinueve', 'veinte', 'veintiuno', 'veintidós', 'veintitrés', 'veinticuatro', 'veinticinco', 'veintiséis', 'veintisiete', 'veintiocho', 'veintinueve'];
const ES_TENS = ['', '', '', 'treinta', 'cuarenta', 'cincuenta', 'sesenta', 'setenta', 'ochenta', 'noventa'];

function enNumber(n: number): string {
  if (n < 20) return EN_UNITS[n]!;
  return EN_TENS[Math.floor(n / 10)]! + (n % 10 ? `-${EN_UNITS[n % 10]}` : '');
}
function enOrdinal(n: number): string {
  if (n <= 20) return EN_ORDINALS[n]!;
  const units = EN_ORDINALS[n % 10]!;
  return n % 10 ? `${EN_TENS[Math.floor(n / 10)]}-${units}` : n === 30 ? 'thirtieth' : enNumber(n);
}
function esNumber(n: number): string {
  if (n < 30) return ES_UNITS[n]!;
  return ES_TENS[Math.floor(n / 10)]! + (n % 10 ? ` y ${ES_UNITS[n % 10]}` : '');
}
function enYear(y: number): string {
  if (y >= 2000 && y < 2010) return `two thousand${y % 10 ? ` ${EN_UNITS[y % 10]}` : ''}`;
  const hi = Math.floor(y / 100);
  const lo = y % 100;
  return `${enNumber(hi)} ${lo === 0 ? 'hundred' : lo < 10 ? `oh ${EN_UNITS[lo]}` : enNumber(lo)}`;
}
function esYear(y: number): string {
  const lo = y % 100;
  const head = y >= 2000 ? 'dos mil' : y >= 1900 ? 'mil novecientos' : 'mil ochocientos';
  return lo ? `${head} ${esNumber(lo)}` : head;
}

/** Spelled digit by digit, the way people read numbers out on the phone. */
function spellDigits(rng: () => number, digits: string, language: Language): string {
  const words = language === 'en' ? ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] : ES_UNITS.slice(0, 10);
  return [...digits].map((d) => (d === '0' && language === 'en' && rng() < 0.5 ? 'oh' : words[Number(d)]!)).join(' ');
}

function phoneSurface(rng: () => number, e164: string, language: Language): string {
  const n = e164.replace(/^\+1/, '');
  const [a, b, c] = [n.slice(0, 3), n.slice(3, 6), n.slice(6)];
  const forms: Array<() => string> = [
    () => `(${a}) ${b}-${c}`,
    () => `${a}-${b}-${c}`,
    () => `${a}.${b}.${c}`,
    () => `${a} ${b} ${c}`,
    () => `+1 ${a} ${b} ${c}`,
    () => `1-${a}-${b}-${c}`,
    () => `${a}${b}${c}`,
    () => `+1${n}`,
    () => `${b}-${c}`,
    () => `${spellDigits(rng, b, language)}, ${spellDigits(rng, c, language)}`,
    () => `${a} ${spellDigits(rng, b + c, language)}`,
    () => (language === 'es' ? `${spellDigits(rng, b, language)}, ${esNumber(Number(c.slice(0, 2)))}, ${esNumber(Number(c.slice(2)))}` : `${spellDigits(rng, a, language)}, ${spellDigits(rng, b, language)}, ${spellDigits(rng, c, language)}`),
  ];
  return pick(rng, forms)();
}

function dateSurface(rng: () => number, iso: string, language: Language): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const mm = String(m).padStart(2, '0');
  const dd = String(d).padStart(2, '0');
  const month = MONTH_NAMES[language][m - 1]!;
  const suffix = d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th';
  const en: Array<() => string> = [
    () => `${mm}/${dd}/${y}`,
    () => `${m}/${d}/${String(y).slice(2)}`,
    () => `${iso}`,
    () => `${month} ${d}, ${y}`,
    () => `${month} ${d}${suffix} ${y}`,
    () => `${d} ${month} ${y}`,
    () => `the ${d}${suffix} of ${month}, ${y}`,
    () => `${month.slice(0, 3)} ${d} ${y}`,
    () => `${month.toUpperCase()} ${dd} ${y}`,
    () => `${month} ${enOrdinal(d)} ${enYear(y)}`,
    () => `${m}-${d}-${y}`,
    () => `${month} ${d}`,
  ];
  const es: Array<() => string> = [
    () => `${dd}/${mm}/${y}`,
    () => `${d}/${m}/${String(y).slice(2)}`,
    () => `${dd}-${mm}-${y}`,
    () => `${d} de ${month} de ${y}`,
    () => `${d} de ${month} del ${y}`,
    () => `el ${d === 1 ? 'primero' : esNumber(d)} de ${month} de ${esYear(y)}`,
    () => `${month} ${d}, ${y}`,
    () => `${d} ${month.slice(0, 3)} ${y}`,
    () => `${dd}.${mm}.${y}`,
    () => `${d} de ${month[0]!.toUpperCase()}${month.slice(1)}`,
  ];
  return pick(rng, language === 'en' ? en : es)();
}

/** Names no lexicon is likely to list: only context can give them away. */
const RARE_GIVEN = ['Thaddeus', 'Zbigniew', 'Xiomara', 'Yuridia', 'Eleuterio', 'Brunhilde', 'Quetzalli', 'Ifeoma', 'Oluwaseun', 'Leocadia', 'Anselmo', 'Wilhelmina'];
const RARE_FAMILY = ['Okonkwo', 'Przybylski', 'Zwickelmeyer', 'Achterberg', 'Iturralde', 'Etxeberria', 'Quispe', 'Nakagawa-Ruiz', 'Villaseñor', 'Oyelaran'];
const STATES = ['CO', 'CA', 'TX', 'NY', 'FL', 'AZ', 'NM', 'IL', 'WA', 'GA'];
const SUFFIX_LONG: Record<string, string> = { St: 'Street', Ave: 'Avenue', Rd: 'Road', Blvd: 'Boulevard', Ln: 'Lane', Dr: 'Drive', Ct: 'Court', Way: 'Way', Pl: 'Place' };

/**
 * One conversation in English or Spanish with identifiers of every kind planted in it, each in
 * one of many surface forms, among ordinary request text. `planted` lists each one, so a test
 * can search the scrubbed text for every value and its variants.
 */
export function syntheticTranscript(rng: () => number, patient: SyntheticPatient, language: Language = patient.language): SyntheticTranscript {
  const en = language === 'en';
  const planted: PlantedIdentifier[] = [];
  const plant = (kind: PlantedKind, value: string, surface: string, known: boolean) => {
    planted.push({ kind, value, surface, known });
    return surface;
  };
  const requestType = pick(rng, ['scheduling', 'prescription', 'results', 'billing', 'insurance', 'clinical_question', 'records'] as const);
  const turns: SyntheticTranscript['turns'] = [];
  const say = (actor: 'patient' | 'agent', text: string) => turns.push({ actor, text });

  const given = patient.givenName;
  const family = patient.familyName;
  const nameForms = en
    ? [`my name is ${given} ${family}`, `this is ${given} ${family}`, `I'm ${given}`, `my name is ${given.toLowerCase()} ${family.toLowerCase()}`, `${family.toUpperCase()}, ${given.toUpperCase()}`, `${given} ${family} here`]
    : [`me llamo ${given} ${family}`, `mi nombre es ${given} ${family}`, `soy ${given} ${family}`, `habla ${given}`, `mi nombre es ${given.toLowerCase()} ${family.toLowerCase()}`, `${family}, ${given}`];
  const nameSurface = pick(rng, nameForms);
  plant('name', given, nameSurface, true);
  if (nameSurface.toLowerCase().includes(family.toLowerCase())) plant('name', family, nameSurface, true);
  say('patient', `${en ? 'Hi,' : 'Hola,'} ${nameSurface}. ${syntheticMessage(rng, requestType, language)}`);

  say('agent', en ? 'Thanks. Can you confirm your date of birth?' : 'Gracias. ¿Me confirma su fecha de nacimiento?');
  say('patient', `${en ? 'Sure, it is' : 'Claro, es'} ${plant('birth_date', patient.birthDate, dateSurface(rng, patient.birthDate, language), true)}.`);

  say('agent', en ? 'What is the best number to reach you?' : '¿A qué número le podemos llamar?');
  say('patient', `${en ? 'You can call me at' : 'Me pueden llamar al'} ${plant('phone', patient.phone, phoneSurface(rng, patient.phone, language), true)}${en ? ', after 3 pm' : ', después de las 3'}.`);

  // Someone else: a relative or a doctor, known only from the text.
  const relGiven = rng() < 0.35 ? pick(rng, RARE_GIVEN) : pick(rng, en ? [...EN_FEMALE, ...EN_MALE] : [...ES_FEMALE, ...ES_MALE]);
  const relFamily = rng() < 0.35 ? pick(rng, RARE_FAMILY) : pick(rng, en ? EN_FAMILY : ES_FAMILY);
  const relation = pick(rng, en ? ['my daughter', 'my husband', 'my wife', 'my son', 'my caregiver'] : ['mi hija', 'mi esposo', 'mi esposa', 'mi hijo', 'mi cuidadora']);
  const relPhone = `+1${pick(rng, ['303', '415', '512', '718', '602'])}55501${String(Math.floor(rng() * 100)).padStart(2, '0')}`;
  const relForm = pick(rng, [0, 1, 2]);
  const relSurface = relForm === 0 ? `${relGiven} ${relFamily}` : relForm === 1 ? relGiven : `${relGiven} ${relFamily.toUpperCase()}`;
  plant('name', relGiven, relSurface, false);
  if (relSurface.toLowerCase().includes(relFamily.toLowerCase())) plant('name', relFamily, relSurface, false);
  say(
    'patient',
    en
      ? `If I don't answer, ${relation} ${relSurface} can help, ${plant('phone', relPhone, phoneSurface(rng, relPhone, language), false)}.`
      : `Si no contesto, ${relation} ${relSurface} me puede ayudar, ${plant('phone', relPhone, phoneSurface(rng, relPhone, language), false)}.`,
  );
  const doctor = rng() < 0.4 ? pick(rng, RARE_FAMILY) : pick(rng, en ? EN_FAMILY : ES_FAMILY);
  const title = pick(rng, en ? ['Dr.', 'Dr', 'Doctor', 'nurse'] : ['Dr.', 'Dra.', 'la doctora', 'el doctor']);
  say('patient', en ? `${title} ${plant('name', doctor, doctor, false)} told me to write in.` : `${title[0]!.toUpperCase()}${title.slice(1)} ${plant('name', doctor, doctor, false)} me dijo que escribiera.`);

  const fax = `+1${pick(rng, ['212', '305', '617'])}55501${String(Math.floor(rng() * 100)).padStart(2, '0')}`;
  say('agent', en ? `Please fax the form to ${plant('fax', fax, phoneSurface(rng, fax, 'en'), false)}.` : `Envíe el formulario por fax al ${plant('fax', fax, phoneSurface(rng, fax, 'es'), false)}.`);

  // Email, in the forms people type and say.
  const [local, domain] = patient.email.split('@') as [string, string];
  const emailForm = pick(rng, [0, 1, 2, 3, 4, 5]);
  const dotWord = en ? 'dot' : 'punto';
  const emailSurface = [
    patient.email,
    patient.email.toUpperCase(),
    `${local.replace(/\./g, ` ${dotWord} `)} ${en ? 'at' : 'arroba'} ${domain.replace(/\./g, ` ${dotWord} `)}`,
    `${local} (at) ${domain}`,
    `<${patient.email}>`,
    `mailto:${patient.email}`,
  ][emailForm]!;
  say('patient', `${en ? 'My email is' : 'Mi correo es'} ${plant('email', patient.email, emailSurface, true)}`);

  // Address, city, ZIP.
  const m = /^(\d+) (.+?) (St|Ave|Rd|Blvd|Ln|Dr|Ct|Way|Pl)(.*)$/.exec(patient.addressLine);
  const street = m ? m[2]! : 'Oak';
  const addrForm = pick(rng, [0, 1, 2, 3, 4]);
  const state = pick(rng, STATES);
  const addressSurface = m
    ? [
        patient.addressLine,
        `${m[1]} ${street} ${SUFFIX_LONG[m[3]!]}${m[4]}`,
        patient.addressLine.toLowerCase(),
        `${patient.addressLine}, ${patient.city}, ${state} ${patient.postcode}`,
        en ? `${m[1]} ${street} ${m[3]}.` : `Calle ${street} ${m[1]}`,
      ][addrForm]!
    : patient.addressLine;
  say('patient', `${en ? 'I moved, my new address is' : 'Me mudé, mi nueva dirección es'} ${plant('address', patient.addressLine, addressSurface, true)}`);
  if (addrForm === 3) {
    plant('city', patient.city, patient.city, true);
    plant('zip', patient.postcode, patient.postcode, true);
  }
  say('patient', en ? `I live in ${plant('city', patient.city, patient.city, true)} now.` : `Ahora vivo en ${plant('city', patient.city, patient.city, true)}.`);
  say('patient', en ? `Zip code ${plant('zip', patient.postcode, patient.postcode, true)}.` : `Código postal ${plant('zip', patient.postcode, patient.postcode, true)}.`);

  // Record numbers.
  const mrnDigits = patient.mrn.replace(/\D/g, '');
  const mrnSurface = pick(rng, [patient.mrn, `MRN ${mrnDigits}`, `mrn: ${mrnDigits}`, `${en ? 'medical record number' : 'número de expediente'} ${mrnDigits}`, mrnDigits.split('').join(' ')]);
  say('patient', `${en ? 'My chart is' : 'Mi expediente es'} ${plant('mrn', patient.mrn, mrnSurface, true)}.`);
  const memberDigits = String(100_000_000 + Math.floor(rng() * 899_999_999));
  const memberPrefix = pick(rng, ['XKZ', 'MBR', 'HP', 'W']);
  const member = `${memberPrefix}${memberDigits}`;
  const memberSurface = pick(rng, [member, `${memberPrefix}-${memberDigits.slice(0, 3)}-${memberDigits.slice(3, 6)}-${memberDigits.slice(6)}`, member.toLowerCase(), `${memberPrefix} ${memberDigits}`]);
  say('patient', `${en ? 'My insurance member ID is' : 'Mi número de afiliado es'} ${plant('member_id', member, memberSurface, false)}`);
  const account = String(10_000_000 + Math.floor(rng() * 89_999_999));
  say('agent', `${en ? 'I see account number' : 'Veo la cuenta número'} ${plant('account', account, pick(rng, [account, `${account.slice(0, 4)}-${account.slice(4)}`, `#${account}`]), false)}.`);
  const ssnDigits = `9${String(Math.floor(rng() * 100)).padStart(2, '0')}${String(10 + Math.floor(rng() * 89))}${String(1000 + Math.floor(rng() * 8999))}`;
  const ssnSurface = pick(rng, [`${ssnDigits.slice(0, 3)}-${ssnDigits.slice(3, 5)}-${ssnDigits.slice(5)}`, `${ssnDigits.slice(0, 3)} ${ssnDigits.slice(3, 5)} ${ssnDigits.slice(5)}`, ssnDigits]);
  say('patient', `${en ? 'Do you need my social security number? It is' : '¿Necesita mi número de seguro social? Es'} ${plant('ssn', ssnDigits, ssnSurface, false)}`);
  const licence = `${pick(rng, ['D', 'S', 'A'])}${String(1_000_000 + Math.floor(rng() * 8_999_999))}`;
  say('patient', `${en ? "My driver's license is" : 'Mi licencia de conducir es'} ${plant('license', licence, licence, false)}.`);
  const plate = `${1 + Math.floor(rng() * 9)}${pick(rng, ['ABC', 'KZT', 'MRP', 'XYD'])}${String(100 + Math.floor(rng() * 899))}`;
  const vin = `1HG${pick(rng, ['CM', 'FA', 'BH'])}8${String(10_000_000_000 + Math.floor(rng() * 89_999_999_999)).slice(0, 11)}`;
  const vehicle = rng() < 0.5 ? plate : vin;
  say('patient', `${en ? (vehicle === plate ? 'I parked in the garage, plate' : 'My car VIN is') : vehicle === plate ? 'Dejé el carro en el estacionamiento, placa' : 'El VIN de mi carro es'} ${plant('vehicle', vehicle, vehicle, false)}.`);
  const serial = `${pick(rng, ['SN', 'PM', 'GX'])}-${String(10_000 + Math.floor(rng() * 89_999))}-${pick(rng, ['X2', 'B7', 'K9'])}`;
  say('patient', `${en ? 'The serial number of my glucose monitor is' : 'El número de serie de mi glucómetro es'} ${plant('device', serial, serial, false)}.`);

  // Web and network.
  const slug = `${local.replace(/\./g, '-')}`;
  const url = pick(rng, [`https://portal.example.org/patients/${slug}`, `www.example.net/~${slug}`, `http://example.com/profile?id=${mrnDigits}`]);
  say('patient', `${en ? 'I uploaded it at' : 'Lo subí en'} ${plant('url', url, url, false)}`);
  const ip = rng() < 0.7 ? `10.${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}.${1 + Math.floor(rng() * 253)}` : `2001:db8::${Math.floor(rng() * 65535).toString(16)}:7334`;
  say('agent', `${en ? 'The portal login came from' : 'El acceso al portal vino de'} ${plant('ip', ip, ip, false)}.`);

  // Other dates (admission, discharge, appointments) and an age over 89.
  const other = new Date(Date.UTC(2019 + Math.floor(rng() * 6), Math.floor(rng() * 12), 1 + Math.floor(rng() * 28))).toISOString().slice(0, 10);
  say('patient', `${en ? 'I was discharged on' : 'Me dieron de alta el'} ${plant('date', other, dateSurface(rng, other, language), false)}.`);
  const age = 90 + Math.floor(rng() * 15);
  // Spelled ages stay below 100, where the word forms are simple.
  const ageSurface = en
    ? pick(rng, [`${age} years old`, `${age}-year-old`, age < 100 ? `${enNumber(age)} years old` : `${age} yrs old`])
    : pick(rng, [`${age} años`, age < 100 ? `${esNumber(age)} años` : `${age} años de edad`]);
  say('patient', en ? `My mother is ${plant('age', String(age), ageSurface, false)} and lives with me.` : `Mi madre tiene ${plant('age', String(age), ageSurface, false)} y vive conmigo.`);
  say('agent', en ? 'Thank you, we will take care of it.' : 'Gracias, nos encargamos.');
  return { language, requestType, patient, turns, planted };
}
