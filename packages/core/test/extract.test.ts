import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDates, isoDate } from '../src/facts/dates.ts';
import { extractFacts, rulesFactExtractor } from '../src/facts/extract.ts';
import { findMedications, medicationGeneric, MEDICATION_TERMS } from '../src/facts/medications.ts';
import { syntheticPatients } from '../src/synthetic.ts';
import type { ExtractedFact, FactExtractionContext, FactName } from '../src/types.ts';

function facts(text: string, ctx: FactExtractionContext = {}): ExtractedFact[] {
  return extractFacts(text, ctx);
}
function value(text: string, name: FactName, ctx: FactExtractionContext = {}): string | undefined {
  return facts(text, ctx).find((f) => f.name === name)?.value;
}
function names(text: string, ctx: FactExtractionContext = {}): { given?: string; family?: string } {
  const fs = facts(text, ctx);
  const given = fs.find((f) => f.name === 'givenName')?.value;
  const family = fs.find((f) => f.name === 'familyName')?.value;
  return { ...(given ? { given } : {}), ...(family ? { family } : {}) };
}

describe('names', () => {
  it.each([
    ['My name is Maria Lopez', 'Maria', 'Lopez'],
    ['my name is maria lopez', 'Maria', 'Lopez'],
    ['MY NAME IS MARIA LOPEZ', 'Maria', 'Lopez'],
    ['Hi, this is Maria Lopez, I need a refill', 'Maria', 'Lopez'],
    ["I'm Maria Lopez", 'Maria', 'Lopez'],
    ['i am maria lopez and i need help', 'Maria', 'Lopez'],
    ['Hello, my name is Anna van der Berg', 'Anna', 'van der Berg'],
    ["My name's Sean O'Brien", 'Sean', "O'Brien"],
    ['My name is John Michael Smith', 'John', 'Smith'],
    ['Me llamo María López García', 'María', 'López García'],
    ['me llamo maria lopez', 'Maria', 'Lopez'],
    ['Mi nombre es José de la Cruz', 'José', 'de la Cruz'],
    ['Hola, soy Carmen Ruiz y necesito una cita', 'Carmen', 'Ruiz'],
    ['soy maria lopez necesito una cita', 'Maria', 'Lopez'],
    ['Buenos días, habla Ana Torres.', 'Ana', 'Torres'],
    ['Le habla Roberto Núñez', 'Roberto', 'Núñez'],
  ])('%s', (text, given, family) => {
    expect(names(text)).toEqual({ given, family });
  });

  it('a single name after an introduction is a given name', () => {
    expect(names('This is Maria')).toEqual({ given: 'Maria' });
    expect(names('soy Lucía')).toEqual({ given: 'Lucía' });
  });

  it('separate first and last name statements fill each part', () => {
    expect(names('my first name is Ana and my last name is De la Cruz')).toEqual({ given: 'Ana', family: 'De la Cruz' });
    expect(names('Mi apellido es Hernández')).toEqual({ family: 'Hernández' });
    expect(names('My last name is Smith')).toEqual({ family: 'Smith' });
  });

  it('a courtesy title makes a lone word a family name; a clinician title is not the patient', () => {
    expect(names('This is Mrs. Lopez calling about my results')).toEqual({ family: 'Lopez' });
    expect(names('This is Dr. Smith')).toEqual({});
  });

  it.each([
    "I'm calling about my bill",
    "I'm fine, thanks",
    "i'm fine",
    'Im having chest pain',
    "I'm not sure",
    'I am a new patient',
    "I'm really worried",
    'im tired all the time',
    'This is urgent',
    'This is about my appointment',
    'This is my daughter',
    "I'm in pain",
    'Soy diabética',
    'soy la mamá de Sofía',
    'Soy paciente nuevo',
    '¿Habla español?',
    'I am 65 years old',
    'Soy yo otra vez',
    "I'm Maria's daughter",
    "This is Jose's wife calling",
  ])('no name in %j', (text) => {
    expect(names(text)).toEqual({});
  });

  it.each([
    'this is ridiculous',
    'This is Ridiculous!!!',
    'this is unacceptable, I have waited an hour',
    'This is insane',
    'this is crazy, nobody answers',
    'this is a joke',
    'this is terrible service',
    'This is the third time I call',
    "I'm furious",
    "I'm disappointed with the clinic",
    'soy mexicana',
    'Soy estudiante y necesito una cita',
    'soy jubilado',
    'Soy nueva aquí',
    'soy diabético y asmático',
    'me llamó la enfermera ayer',
    'Me llamó urgente el doctor',
    'me llamó ayer alguien de la clínica',
  ])('no name in an opinion or description: %j', (text) => {
    expect(names(text)).toEqual({});
  });

  it.each([
    ['This is Grace', 'Grace', undefined],
    ['this is frank miller about my bill', 'Frank', 'Miller'],
    ['Hi, this is Hope Williams', 'Hope', 'Williams'],
    ['This is Rose', 'Rose', undefined],
    ['Hello, this is Bill', 'Bill', undefined],
    ['this is Dolores Ruiz, I need a refill', 'Dolores', 'Ruiz'],
    ['Soy Rosa Martínez', 'Rosa', 'Martínez'],
    ['soy blanca lopez', 'Blanca', 'Lopez'],
    ['Hola, soy Clara', 'Clara', undefined],
    ['me llamo Consuelo Pérez', 'Consuelo', 'Pérez'],
    ['me llamo amparo', 'Amparo', undefined],
  ])('a real name after "this is" / "soy" / "me llamo" in %j', (text, given, family) => {
    expect(names(text)).toEqual({ given, ...(family ? { family } : {}) });
  });

  it('reads every synthetic given name after "this is", "soy" and "me llamo"', () => {
    const seen = new Set<string>();
    for (const p of syntheticPatients(1000, 11)) {
      const given = p.givenName.split(' ')[0]!;
      if (seen.has(given)) continue;
      seen.add(given);
      expect(names(`Hi, this is ${given}`).given).toBe(given);
      expect(names(`Hola, soy ${given}`).given).toBe(given);
      expect(names(`me llamo ${given}`).given).toBe(given);
    }
    expect(seen.size).toBeGreaterThan(40);
  });

  it('a bare answer fills the name being asked for', () => {
    expect(names('Lopez', { awaiting: 'familyName' })).toEqual({ family: 'Lopez' });
    expect(names('lopez garcia', { awaiting: 'familyName' })).toEqual({ family: 'Lopez Garcia' });
    expect(names('L-O-P-E-Z', { awaiting: 'familyName' })).toEqual({ family: 'Lopez' });
    expect(names('Lopez, L O P E Z', { awaiting: 'familyName' })).toEqual({ family: 'Lopez' });
    expect(names('Maria', { awaiting: 'givenName' })).toEqual({ given: 'Maria' });
    expect(names("It's Maria Lopez, thanks", { awaiting: 'givenName' })).toEqual({ given: 'Maria', family: 'Lopez' });
    expect(names('Es Ramírez', { awaiting: 'familyName' })).toEqual({ family: 'Ramírez' });
    expect(names('My name is Lopez', { awaiting: 'familyName' })).toEqual({ family: 'Lopez' });
  });

  it('a bare word is not a name unless one was asked for', () => {
    expect(names('Lopez')).toEqual({});
    for (const answer of ['yes', 'no', 'sí', 'ok', 'I don’t know', '03/14/1961', 'why?', 'hello']) {
      expect(names(answer, { awaiting: 'givenName' })).toEqual({});
    }
  });

  it('capitalised explicit names are more certain than lower-case introductions', () => {
    const strong = facts('My name is Maria Lopez').find((f) => f.name === 'givenName')!;
    const weak = facts('this is maria').find((f) => f.name === 'givenName')!;
    expect(strong.confidence).toBeGreaterThan(weak.confidence);
  });
});

describe('birth dates', () => {
  it.each([
    ['My date of birth is 03/14/1961', '1961-03-14'],
    ['DOB: 3/14/1961', '1961-03-14'],
    ['I was born on March 14, 1961', '1961-03-14'],
    ['born 14 March 1961', '1961-03-14'],
    ['birthday is Mar 14 1961', '1961-03-14'],
    ['birth date: Mar. 14th, 1961', '1961-03-14'],
    ['I was born on the 14th of March, 1961', '1961-03-14'],
    ['DOB 1961-03-14', '1961-03-14'],
    ['date of birth 14/03/1961', '1961-03-14'],
    ['DOB 3/14/61', '1961-03-14'],
    ['DOB 03141961', '1961-03-14'],
    ['Mi fecha de nacimiento es 14/03/1961', '1961-03-14'],
    ['nací el 14 de marzo de 1961', '1961-03-14'],
    ['Nací el 14 de marzo del 1961', '1961-03-14'],
    ['fecha de nacimiento: 14-03-1961', '1961-03-14'],
    ['mi cumpleaños es el 1 de enero de 1950', '1950-01-01'],
    ['fecha de nacimiento es marzo 14 de 1961', '1961-03-14'],
    ['03/14/1961 is my birthday', '1961-03-14'],
  ])('%s', (text, iso) => {
    expect(value(text, 'birthDate')).toBe(iso);
  });

  it('reads ambiguous numeric dates in the order of the language', () => {
    expect(value('DOB 04/03/1961', 'birthDate', { language: 'en' })).toBe('1961-04-03');
    expect(value('nacimiento 04/03/1961', 'birthDate', { language: 'es' })).toBe('1961-03-04');
    // Detected language when none is given.
    expect(value('Mi fecha de nacimiento es 04/03/1961', 'birthDate')).toBe('1961-03-04');
    // A first part above 12 can only be a day.
    expect(value('DOB 14/03/1961', 'birthDate', { language: 'en' })).toBe('1961-03-14');
  });

  it('is less sure of an ambiguous order', () => {
    const clear = facts('DOB 03/14/1961').find((f) => f.name === 'birthDate')!;
    const unclear = facts('DOB 03/04/1961').find((f) => f.name === 'birthDate')!;
    expect(unclear.confidence).toBeLessThan(clear.confidence);
  });

  it.each(['DOB 02/30/1961', 'born February 30, 1961', 'DOB 13/13/1961', 'born 1861-01-01', 'DOB 02/29/1961', 'nací el 31 de abril de 1970'])(
    'rejects the impossible date in %j',
    (text) => {
      expect(value(text, 'birthDate')).toBeUndefined();
    },
  );

  it('accepts 29 February in a leap year', () => {
    expect(value('DOB 02/29/1960', 'birthDate')).toBe('1960-02-29');
  });

  it('picks the date next to the birth cue when several dates appear', () => {
    const text = 'My appointment is on 04/02/2026 and I was born 03/14/1961';
    expect(facts(text).filter((f) => f.name === 'birthDate').map((f) => f.value)).toEqual(['1961-03-14']);
    expect(value('I was born 14 March 1961 and my appointment is 04/02/2026', 'birthDate')).toBe('1961-03-14');
  });

  it('takes the only date as the birth date when one was asked for', () => {
    expect(value('03/14/1961', 'birthDate', { awaiting: 'birthDate' })).toBe('1961-03-14');
    expect(value('it is March 14 1961', 'birthDate', { awaiting: 'birthDate' })).toBe('1961-03-14');
    expect(value('03141961', 'birthDate', { awaiting: 'birthDate' })).toBe('1961-03-14');
    expect(value('14031961', 'birthDate', { awaiting: 'birthDate', language: 'es' })).toBe('1961-03-14');
  });

  it('takes a bare old date in a short message with low confidence', () => {
    const f = facts('03/14/1961').find((x) => x.name === 'birthDate')!;
    expect(f.value).toBe('1961-03-14');
    expect(f.confidence).toBeLessThan(0.8);
  });

  it('does not take other dates as birth dates', () => {
    expect(value('Can I come in on 04/02/2026?', 'birthDate')).toBeUndefined();
    expect(value('I had my labs drawn on 03/14/2009 at the clinic downtown near the pharmacy', 'birthDate')).toBeUndefined();
    expect(value('3/14/61', 'birthDate')).toBeUndefined();
    expect(value('03141961', 'birthDate')).toBeUndefined();
    expect(value('03/14/1961 and 04/15/1962', 'birthDate', { awaiting: 'birthDate' })).toBeUndefined();
  });

  it('is less sure of a date of birth given for a relative', () => {
    const own = facts('I was born on 05/06/1961').find((f) => f.name === 'birthDate')!;
    const child = facts('My son was born on 05/06/2015').find((f) => f.name === 'birthDate')!;
    expect(child.value).toBe('2015-05-06');
    expect(child.confidence).toBeLessThan(own.confidence);
  });

  it('does not read phone numbers as dates', () => {
    expect(value('DOB? call me at 555-010-0123', 'birthDate')).toBeUndefined();
  });

  it('property: every synthetic birth date survives every written form', () => {
    const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
    const meses = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];
    for (const p of syntheticPatients(300, 11)) {
      const [y, m, d] = p.birthDate.split('-');
      const mi = Number(m) - 1;
      expect(value(`My date of birth is ${m}/${d}/${y}`, 'birthDate', { language: 'en' })).toBe(p.birthDate);
      expect(value(`Mi fecha de nacimiento es ${d}/${m}/${y}`, 'birthDate', { language: 'es' })).toBe(p.birthDate);
      expect(value(`born ${months[mi]} ${Number(d)}, ${y}`, 'birthDate')).toBe(p.birthDate);
      expect(value(`nací el ${Number(d)} de ${meses[mi]} de ${y}`, 'birthDate')).toBe(p.birthDate);
      expect(value(`DOB ${p.birthDate}`, 'birthDate')).toBe(p.birthDate);
    }
  });
});

describe('dates helpers', () => {
  it('isoDate validates the calendar and the year window', () => {
    expect(isoDate(1961, 3, 14)).toBe('1961-03-14');
    expect(isoDate(2000, 2, 29)).toBe('2000-02-29');
    expect(isoDate(1900, 2, 29)).toBeNull();
    expect(isoDate(1899, 12, 31)).toBeNull();
    expect(isoDate(2101, 1, 1)).toBeNull();
    expect(isoDate(1961, 0, 1)).toBeNull();
  });

  it('findDates reports positions and does not double-count', () => {
    const text = 'on 1961-03-14 or 14 de marzo de 1961';
    const found = findDates(text, { order: 'month-first' });
    expect(found.map((f) => f.iso)).toEqual(['1961-03-14', '1961-03-14']);
    expect(text.slice(found[0]!.start, found[0]!.end)).toBe('1961-03-14');
    expect(text.slice(found[1]!.start, found[1]!.end)).toBe('14 de marzo de 1961');
  });
});

describe('phones and emails', () => {
  it('extracts phones and emails from anywhere in the text', () => {
    const fs = facts('Hi! You can write to Maria.Lopez@Example.org or phone (555) 010-0123.');
    expect(fs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'email', value: 'maria.lopez@example.org' }),
        expect.objectContaining({ name: 'phone', value: '+15550100123' }),
      ]),
    );
    expect(fs.some((f) => f.name === 'callbackNumber')).toBe(false);
  });

  it.each([
    'Please call me back at (555) 010-0123',
    'call me at 555.010.0123 after 5',
    'You can reach me on +1 555 010 0123',
    'My callback number is 555-010-0123',
    'Llámenme al 555 010 0123',
    'me pueden llamar al (555) 010-0123 por la tarde',
  ])('%s → callback number', (text) => {
    expect(value(text, 'callbackNumber')).toBe('+15550100123');
    expect(value(text, 'phone')).toBe('+15550100123');
  });

  it('a number given when a callback number was asked for is one', () => {
    expect(value('555 010 0123', 'callbackNumber', { awaiting: 'callbackNumber' })).toBe('+15550100123');
  });

  it('does not take order or account numbers for phones', () => {
    expect(value('Order #12345678901 was charged twice', 'phone')).toBeUndefined();
  });

  it('uses the default region for national numbers', () => {
    expect(value('my number is 020 7946 0958', 'phone', { defaultRegion: 'GB' })).toBe('+442079460958');
  });
});

describe('identifiers', () => {
  it.each([
    ['My member ID is XYZ123456', 'XYZ123456'],
    ['member id: xyz-123456', 'XYZ-123456'],
    ['my member ID number is ABC 123 456', 'ABC123456'],
    ['Insurance ID number is W123456789, thanks', 'W123456789'],
    ['mi número de afiliado es ABC-1234', 'ABC-1234'],
    ['Mi numero de poliza es 778899001', '778899001'],
  ])('%s → memberId %s', (text, id) => {
    expect(value(text, 'memberId')).toBe(id);
  });

  it('needs a code with a digit after the cue', () => {
    expect(value('what is my member id?', 'memberId')).toBeUndefined();
    expect(value('member id is on my card', 'memberId')).toBeUndefined();
  });

  it('reads MRNs', () => {
    expect(value('my MRN is 1234567', 'mrn')).toBe('1234567');
    expect(value('MRN1234567', 'mrn')).toBe('MRN1234567');
    expect(facts('MRN1234567').filter((f) => f.name === 'mrn')).toHaveLength(1);
    expect(value('número de expediente: 445566', 'mrn')).toBe('445566');
  });

  it('a bare code answers the identifier being asked for', () => {
    expect(value('xyz 123456', 'memberId', { awaiting: 'memberId' })).toBe('XYZ123456');
    expect(value('1234567', 'mrn', { awaiting: 'mrn' })).toBe('1234567');
    expect(value('I do not have it', 'memberId', { awaiting: 'memberId' })).toBeUndefined();
  });
});

describe('medications', () => {
  it('recognises generic, brand and Spanish names as words, case- and accent-insensitively', () => {
    expect(value('I need to refill my lisinopril', 'medication')).toBe('lisinopril');
    expect(value('out of LIPITOR', 'medication')).toBe('atorvastatin');
    expect(value('se me acabó la metformina', 'medication')).toBe('metformin');
    expect(value('necesito losartán', 'medication')).toBe('losartan');
    expect(value('refill Synthroid please', 'medication')).toBe('levothyroxine');
    expect(findMedications('albuterol inhaler and insulin, then more albuterol')).toEqual(['albuterol', 'insulin']);
  });

  it('does not match inside other words', () => {
    expect(findMedications('metforminx and prelisinopril')).toEqual([]);
  });

  it('has a list of at least 60 medicines', () => {
    const generics = new Set([...MEDICATION_TERMS].map((t) => medicationGeneric(t)));
    expect(generics.size).toBeGreaterThanOrEqual(60);
    expect(medicationGeneric('Zoloft')).toBe('sertraline');
    expect(medicationGeneric('unknownium')).toBeNull();
  });
});

describe('reason', () => {
  it.each([
    ['I need to refill my lisinopril', 'I need to refill my lisinopril'],
    ['Hi, this is Maria Lopez, I need to refill my lisinopril.', 'I need to refill my lisinopril'],
    ['I have a question about my bill', 'I have a question about my bill'],
    ['Hello! Are my lab results back?', 'Are my lab results back'],
    ['necesito una cita', 'Necesito una cita'],
    ['Hola, soy Carmen Ruiz y necesito renovar mi receta de metformina', 'Necesito renovar mi receta de metformina'],
    ['I need a refill of metformin, my DOB is 3/14/1961', 'I need a refill of metformin'],
    ["I'm calling because I was charged twice", "I'm calling because I was charged twice"],
    ['Refill lisinopril please', 'Refill lisinopril please'],
    ['Hello, I need a refill', 'I need a refill'],
    ['Buenas tardes, quisiera saber si mi seguro cubre la consulta', 'Quisiera saber si mi seguro cubre la consulta'],
  ])('%s', (text, reason) => {
    expect(value(text, 'reason')).toBe(reason);
  });

  it.each([
    'Hi',
    'hello there',
    'Thanks so much!',
    'gracias',
    'My date of birth is 03/14/1961',
    '03/14/1961',
    'my name is Maria Lopez',
    'Can you call me back at 555-010-0123?',
    'ok',
    'I need to give you my date of birth: 03/14/1961',
    'my email is maria.test@example.org',
  ])('no reason in %j', (text) => {
    expect(value(text, 'reason')).toBeUndefined();
  });

  it('is at most 200 characters, cut at a word', () => {
    const long = 'I need to refill my lisinopril ' + 'because the pharmacy keeps telling me something different '.repeat(10);
    const r = value(long, 'reason')!;
    expect(r.length).toBeLessThanOrEqual(200);
    expect(long.startsWith(r)).toBe(true);
  });

  it('a free answer to "what can we help with" is the reason', () => {
    expect(value('the thing we talked about last week', 'reason', { awaiting: 'reason' })).toBe('The thing we talked about last week');
    expect(value('hola', 'reason', { awaiting: 'reason' })).toBeUndefined();
  });
});

describe('whole messages', () => {
  it('reads the design-doc journey messages', () => {
    const first = facts('Necesito renovar mi receta de lisinopril', { language: 'es' });
    expect(first.map((f) => f.name).sort()).toEqual(['medication', 'reason']);
    const second = facts('Mi fecha de nacimiento es 14/03/1961', { language: 'es' });
    expect(second).toEqual([{ name: 'birthDate', value: '1961-03-14', confidence: 0.95 }]);
  });

  it('reads a message carrying many facts', () => {
    const fs = facts(
      'Hi, my name is Maria Lopez, DOB 03/14/1961. I need to refill my Lipitor. Call me back at (555) 010-0123 or email maria@example.org. Member ID XYZ123456.',
    );
    const byName = Object.fromEntries(fs.map((f) => [f.name, f.value]));
    expect(byName).toEqual({
      givenName: 'Maria',
      familyName: 'Lopez',
      birthDate: '1961-03-14',
      phone: '+15550100123',
      callbackNumber: '+15550100123',
      email: 'maria@example.org',
      memberId: 'XYZ123456',
      medication: 'atorvastatin',
      reason: 'I need to refill my Lipitor',
    });
  });

  it('the FactExtractor object delegates to extractFacts', () => {
    expect(rulesFactExtractor.extract('my name is Ana Ruiz', {})).toEqual(extractFacts('my name is Ana Ruiz', {}));
  });

  it('returns nothing for empty or non-text input', () => {
    expect(extractFacts('', {})).toEqual([]);
    expect(extractFacts('   ', {})).toEqual([]);
    expect(extractFacts(undefined as unknown as string, {})).toEqual([]);
  });

  it('property: synthetic patients introducing themselves are read back exactly', () => {
    for (const p of syntheticPatients(400, 5)) {
      if (p.givenName.includes(' ')) continue;
      if (p.language === 'es') {
        expect(names(`Hola, me llamo ${p.givenName} ${p.familyName}.`)).toEqual({ given: p.givenName, family: p.familyName });
      } else if (!p.familyName.includes(' ')) {
        expect(names(`Hi, my name is ${p.givenName} ${p.familyName}.`)).toEqual({ given: p.givenName, family: p.familyName });
      }
      expect(value(`call me back at ${p.phone}`, 'callbackNumber')).toBe(p.phone);
      expect(value(`my email is ${p.email.toUpperCase()}`, 'email')).toBe(p.email);
    }
  });

  it('property: never throws; facts are well-formed and unique', () => {
    const awaiting = fc.option(fc.constantFrom<FactName>('givenName', 'familyName', 'birthDate', 'reason', 'memberId', 'mrn', 'phone', 'callbackNumber'), { nil: undefined });
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(fc.constantFrom('my', 'name', 'is', 'Maria', 'soy', 'DOB', '03/14/1961', '14', 'de', 'marzo', '1961', 'call', 'me', 'at', '555-010-0123', 'refill', 'lisinopril', ',', '.', "I'm", 'de la', 'member', 'id', 'X1234', 'necesito', 'cita'), { maxLength: 25 }).map((ws) => ws.join(' ')),
    );
    fc.assert(
      fc.property(text, awaiting, fc.constantFrom<'en' | 'es' | undefined>('en', 'es', undefined), (t, a, language) => {
        const fs = extractFacts(t, { ...(a ? { awaiting: a } : {}), ...(language ? { language } : {}) });
        const keys = new Set<string>();
        for (const f of fs) {
          expect(f.value.length).toBeGreaterThan(0);
          expect(f.confidence).toBeGreaterThanOrEqual(0);
          expect(f.confidence).toBeLessThanOrEqual(1);
          const key = `${f.name}\u0000${f.value}`;
          expect(keys.has(key)).toBe(false);
          keys.add(key);
          if (f.name === 'birthDate') expect(f.value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          if (f.name === 'phone' || f.name === 'callbackNumber') expect(f.value).toMatch(/^\+\d{6,15}$/);
          if (f.name === 'reason') expect(f.value.length).toBeLessThanOrEqual(200);
        }
      }),
      { numRuns: 500 },
    );
  });
});
