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
