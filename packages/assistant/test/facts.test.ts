import { describe, expect, it } from 'vitest';
import type { FactExtractionContext, FactName } from '@carethread/core';
import { assistantFactExtractor, extractPatientFacts } from '../src/index.ts';

/**
 * Development examples for the one fact extractor the ledger and the assistant share, in
 * English and Spanish, one per form the issue lists. Synthetic, written for these tests; the
 * blind sets are scored separately (facts-blind.test.ts) and never read into the rules.
 * Reference: Monday 2026-03-02, 10:00 in New York.
 */
const reference = new Date('2026-03-02T15:00:00Z');
const base: FactExtractionContext = { reference, timeZone: 'America/New_York', defaultRegion: 'US' };

function facts(text: string, language: 'en' | 'es', extra: Partial<FactExtractionContext> = {}): Partial<Record<FactName, string>> {
  const out: Partial<Record<FactName, string>> = {};
  for (const f of extractPatientFacts(text, { ...base, language, ...extra })) if (out[f.name] === undefined) out[f.name] = f.value;
  return out;
}

describe('dates of birth', () => {
  const en: Array<[string, string]> = [
    ['my date of birth is march fourteenth nineteen sixty-one', '1961-03-14'],
    ['DOB march fourteen nineteen sixty one', '1961-03-14'],
    ['I was born on the twenty-third of October, nineteen seventy-eight', '1978-10-23'],
    ['born september thirtieth two thousand and five', '2005-09-30'],
    ['born january ninth, nineteen oh two', '1902-01-09'],
    ['birthday: june 3rd 1975', '1975-06-03'],
    ['I was born 14th March 1961', '1961-03-14'],
    ['born on the 1st of May, 1980', '1980-05-01'],
    ['date of birth is Feb. 29, 1964', '1964-02-29'],
    ['DOB 3/14/61', '1961-03-14'],
    ["I was born march 14 '61", '1961-03-14'],
    ['my dob is march fourteenth sixty one', '1961-03-14'],
    ['DOB 03-14-1961', '1961-03-14'],
    ['dob 03.14.1961', '1961-03-14'],
    ['date of birth 03 14 1961', '1961-03-14'],
    ['date of birth 03141961', '1961-03-14'],
    ['born 1961-03-14', '1961-03-14'],
    ['born 1961/3/14', '1961-03-14'],
    ['birthdate 1961 March 14', '1961-03-14'],
    ['born nineteen eighty six, july twenty first', '1986-07-21'],
    ['born in 1975 on April 3', '1975-04-03'],
    ['date of birth: four three nineteen seventy five', '1975-04-03'],
    ['date of birth oh three fourteen sixty one', '1961-03-14'],
    ['date of birth zero three one four one nine six one', '1961-03-14'],
    ['DOB 14-Mar-61', '1961-03-14'],
    ['DOB 25/12/1990', '1990-12-25'],
    ['born on 12/25/05', '2005-12-25'],
  ];
  const es: Array<[string, string]> = [
    ['mi fecha de nacimiento es el catorce de marzo del sesenta y uno', '1961-03-14'],
    ['nací el catorce de marzo de mil novecientos sesenta y uno', '1961-03-14'],
    ['nací el primero de mayo de mil novecientos ochenta', '1980-05-01'],
    ['nacimiento: treinta y uno de diciembre de dos mil dos', '2002-12-31'],
    ['nací el 1º de mayo de 1980', '1980-05-01'],
    ['fecha de nacimiento 14 de marzo de 1961', '1961-03-14'],
    ['nací el 14 de marzo del 61', '1961-03-14'],
    ['fecha de nacimiento: 14/03/61', '1961-03-14'],
    ['fecha de nacimiento 14-03-1961', '1961-03-14'],
    ['fecha de nacimiento 14.03.1961', '1961-03-14'],
    ['nacimiento 14 03 1961', '1961-03-14'],
    ['fecha de nacimiento 05/03/1970', '1970-03-05'],
    ['nací en 1961, el 14 de marzo', '1961-03-14'],
    ['nací 1961-03-14', '1961-03-14'],
    ['nací el catorce del tres del sesenta y uno', '1961-03-14'],
    ['Fecha de nac.: 14-mar-1961', '1961-03-14'],
    ['mi cumpleaños es el veintidós de julio de mil novecientos noventa', '1990-07-22'],
  ];
  it.each(en)('English: %s', (text, iso) => expect(facts(text, 'en').birthDate).toBe(iso));
  it.each(es)('Spanish: %s', (text, iso) => expect(facts(text, 'es').birthDate).toBe(iso));

  it('reads a bare date as the date of birth when it was just asked for', () => {
    expect(facts('march fourteenth nineteen sixty one', 'en', { awaiting: 'birthDate' }).birthDate).toBe('1961-03-14');
    expect(facts('el catorce de marzo del sesenta y uno', 'es', { awaiting: 'birthDate' }).birthDate).toBe('1961-03-14');
    expect(facts('03141961', 'en', { awaiting: 'birthDate' }).birthDate).toBe('1961-03-14');
  });

  it('takes no appointment date, no future date and nobody else\'s birth date', () => {
    expect(facts('born 3/14/1961, and my appointment is 04/02/2026', 'en').birthDate).toBe('1961-03-14');
    expect(facts('can I come in on 03/20/2026?', 'en').birthDate).toBeUndefined();
    expect(facts('date of birth 03/20/2027', 'en').birthDate).toBeUndefined();
    expect(facts('my son was born on June 2, 2015', 'en').birthDate).toBeUndefined();
    expect(facts('mi hija nació el 2 de junio de 2015', 'es').birthDate).toBeUndefined();
    expect(facts('call me at 212-555-0123', 'en').birthDate).toBeUndefined();
    expect(facts('I got my shot on 5/3/2019', 'en').birthDate).toBeUndefined();
    expect(facts('sure, 03/14/1961', 'en').birthDate).toBe('1961-03-14');
  });
});

describe('pharmacies', () => {
  const cases: Array<[string, 'en' | 'es', string]> = [
    ['Can you send my refill to the CVS on Main Street?', 'en', 'CVS, Main Street'],
    ['I need my lisinopril refilled, please send it to the Walgreens on Oak Avenue', 'en', 'Walgreens, Oak Avenue'],
    ['please send it to the walgreens on 5th avenue thanks', 'en', 'Walgreens, 5th Avenue'],
    ['my pharmacy is Rite Aid in Springfield', 'en', 'Rite Aid, Springfield'],
    ['send the prescription to Smith\'s Pharmacy on Elm Street', 'en', "Smith's Pharmacy, Elm Street"],
    ['I use Greenleaf Pharmacy', 'en', 'Greenleaf Pharmacy'],
    ['the Costco pharmacy near the mall', 'en', 'Costco, mall'],
    ['necesito el resurtido, mándelo a la farmacia del Ahorro en avenida Juárez', 'es', 'Farmacias del Ahorro, avenida Juárez'],
    ['quiero que lo manden a la farmacia San José de la calle Morelos', 'es', 'Farmacia San José, calle Morelos'],
    ['envíelo al Walgreens de la calle Main por favor', 'es', 'Walgreens, calle Main'],
    ['uso la farmacia Guadalajara', 'es', 'Farmacias Guadalajara'],
    ['a la farmacia del centro', 'es', 'Farmacia, Centro'],
    ['could you send it to the CVS at the corner of 3rd and Pine', 'en', 'CVS, corner of 3rd and Pine'],
    ['a la Farmacia Benavides que está en la avenida Reforma', 'es', 'Farmacias Benavides, avenida Reforma'],
    ['send it to the Walgreens at 5th and Main', 'en', 'Walgreens, 5th and Main'],
    ['the pharmacy at Kroger on Elm', 'en', 'Kroger, Elm'],
    ['send it to Walgreens instead of CVS', 'en', 'Walgreens'],
    ['la farmacia que está en la esquina de Juárez y Morelos', 'es', 'Farmacia, esquina de Juárez y Morelos'],
  ];
  it.each(cases)('%s', (text, language, value) => expect(facts(text, language).pharmacy).toBe(value));

  it('takes the whole answer when a pharmacy was just asked for', () => {
    expect(facts('the one by my house, Lakeside Drugs', 'en', { awaiting: 'pharmacy' }).pharmacy).toBe('Lakeside Drugs');
  });
  it('names no pharmacy when none is named', () => {
    expect(facts('can you send it to my pharmacy?', 'en').pharmacy).toBeUndefined();
    expect(facts('¿me lo mandan a mi farmacia de siempre?', 'es').pharmacy).toBeUndefined();
  });
});

describe('names, medicines, numbers, member ids', () => {
  it('reads names as core does', () => {
    expect(facts('Hi, my name is Ana Ruiz', 'en')).toMatchObject({ givenName: 'Ana', familyName: 'Ruiz' });
    expect(facts('me llamo Lucía Fernández Soto', 'es')).toMatchObject({ givenName: 'Lucía', familyName: 'Fernández Soto' });
  });
  it('reads names core\'s triggers leave out, and Spanish compound given names', () => {
    expect(facts('John Smith here, I need to book a physical', 'en')).toMatchObject({ givenName: 'John', familyName: 'Smith' });
    expect(facts("It's Tom Baker calling about my bill", 'en')).toMatchObject({ givenName: 'Tom', familyName: 'Baker' });
    expect(facts('Hi there, Samantha Reyes, DOB 2/9/88', 'en')).toMatchObject({ givenName: 'Samantha', familyName: 'Reyes', birthDate: '1988-02-09' });
    expect(facts('first name Michael last name Thompson', 'en')).toMatchObject({ givenName: 'Michael', familyName: 'Thompson' });
    expect(facts('Buenas tardes, mi nombre es José Luis Hernández', 'es')).toMatchObject({ givenName: 'José Luis', familyName: 'Hernández' });
    expect(facts('me llamo rosa elena vargas', 'es')).toMatchObject({ givenName: 'Rosa Elena', familyName: 'Vargas' });
    expect(facts('De parte de Luis Soto, buenas tardes', 'es')).toMatchObject({ givenName: 'Luis', familyName: 'Soto' });
    expect(facts('Mi nombre es María del Carmen López Ruiz', 'es')).toMatchObject({ givenName: 'María del Carmen', familyName: 'López Ruiz' });
    expect(facts("It's Really Bad today", 'en').givenName).toBeUndefined();
    expect(facts("Name's Bob Stone", 'en')).toMatchObject({ givenName: 'Bob', familyName: 'Stone' });
    expect(facts('buenas, le escribe Marta Díaz', 'es')).toMatchObject({ givenName: 'Marta', familyName: 'Díaz' });
    expect(facts('Soy la señora Gómez', 'es')).toEqual({ familyName: 'Gómez' });
    expect(facts("Hello, it's Nora Quinn.", 'en')).toMatchObject({ givenName: 'Nora', familyName: 'Quinn' });
  });
  it('reads medicines on and off the built-in list', () => {
    expect(facts('I need a refill of my Lipitor', 'en').medication).toBe('atorvastatin');
    expect(facts('I ran out of my hydroxyzine 25 mg', 'en').medication).toBe('hydroxyzine');
    expect(facts('se me acabó el losartán', 'es').medication).toBe('losartan');
    expect(facts('necesito resurtido de metformina', 'es').medication).toBe('metformin');
    expect(facts('my Januvia 100 mg', 'en').medication).toBe('sitagliptin');
    expect(facts('my April appointment needs to move', 'en').medication).toBeUndefined();
    expect(facts('my cholesterol is high', 'en').medication).toBeUndefined();
  });
  it('reads callback numbers, written or said digit by digit', () => {
    expect(facts('please call me back at (415) 555-0132', 'en').callbackNumber).toBe('+14155550132');
    expect(facts('you can reach me at four one five, five five five, zero one three two', 'en').callbackNumber).toBe('+14155550132');
    expect(facts('llámeme al 415 555 0132', 'es').callbackNumber).toBe('+14155550132');
    expect(facts('mi número es cuatro uno cinco cinco cinco cinco cero uno tres dos', 'es').callbackNumber).toBe('+14155550132');
    expect(facts('the pharmacy number is 415-555-0199', 'en').callbackNumber).toBeUndefined();
    expect(facts('my account number is 2125550123', 'en').callbackNumber).toBeUndefined();
  });
  it('reads member ids', () => {
    expect(facts('my member id is XYZ 123 456 789', 'en').memberId).toBe('XYZ123456789');
    expect(facts('insurance ID: W2234-5566', 'en').memberId).toBe('W22345566');
    expect(facts('mi número de afiliado es ABC123456', 'es').memberId).toBe('ABC123456');
    expect(facts('the group number is 77810', 'en').memberId).toBeUndefined();
    expect(facts('my Medicare number is 1EG4-TE5-MK73', 'en').memberId).toBe('1EG4TE5MK73');
    expect(facts('mi número de miembro es el 12345678', 'es').memberId).toBe('12345678');
    expect(facts('my member ID is A B C one two three four five six', 'en').memberId).toBe('ABC123456');
  });
});

describe('preferred times', () => {
  const cases: Array<[string, 'en' | 'es', string]> = [
    ['Tuesday mornings work best for me', 'en', 'Tuesday 2026-03-03, morning'],
    ['can I come in tomorrow after 3?', 'en', 'Tuesday 2026-03-03, after 15:00'],
    ['I prefer next Friday at 10 am', 'en', 'Friday 2026-03-13, 10:00'],
    ['any weekday before noon would be great', 'en', 'weekdays, before 12:00'],
    ['afternoons are better for me', 'en', 'afternoon'],
    ['me queda mejor el jueves por la tarde', 'es', 'Thursday 2026-03-05, afternoon'],
    ['prefiero mañana a las 10', 'es', 'Tuesday 2026-03-03, 10:00'],
    ['mañana por la mañana, por favor', 'es', 'Tuesday 2026-03-03, morning'],
    ['puedo ir los lunes después de las 4', 'es', 'Mondays, after 16:00'],
    ['de preferencia entre las 9 y las 11', 'es', '09:00-11:00'],
    ['a partir de las 3 de la tarde', 'es', 'after 15:00'],
    ['after lunch on Thursday works for me', 'en', 'Thursday 2026-03-05, after 13:00'],
    ['el martes a las tres y media de la tarde me queda bien', 'es', 'Tuesday 2026-03-03, 15:30'],
    ['el próximo lunes a las 9', 'es', 'Monday 2026-03-09, 09:00'],
  ];
  it.each(cases)('%s', (text, language, value) => expect(facts(text, language).preferredTime).toBe(value));
  it('takes no time turned down or already fixed', () => {
    expect(facts("I can't do mornings, afternoons are better", 'en').preferredTime).toBe('afternoon');
    expect(facts('no puedo el lunes, mejor el martes', 'es').preferredTime).toBe('Tuesday 2026-03-03');
    expect(facts('my appointment is tomorrow at 3 but I need to move it to Friday morning', 'en').preferredTime).toBe('Friday 2026-03-06, morning');
    expect(facts('tengo cita el lunes a las 10, ¿la puedo cambiar para el jueves?', 'es').preferredTime).toBe('Thursday 2026-03-05');
  });
  it('takes no time that names the visit the patient already has', () => {
    expect(facts('Hi, I need to reschedule my appointment next week', 'en').preferredTime).toBeUndefined();
    expect(facts('please cancel my appt on Thursday', 'en').preferredTime).toBeUndefined();
    expect(facts('quiero cancelar mi cita del martes', 'es').preferredTime).toBeUndefined();
    expect(facts('can I move my appointment to Friday afternoon?', 'en').preferredTime).toBe('Friday 2026-03-06, afternoon');
    expect(facts('cambiar mi cita de mañana para el jueves', 'es').preferredTime).toBe('Thursday 2026-03-05');
  });
  it('takes no time that already happened', () => {
    expect(facts('I have had a headache since Monday morning', 'en').preferredTime).toBeUndefined();
    expect(facts('me duele desde el lunes por la tarde', 'es').preferredTime).toBeUndefined();
  });
});

describe('the extractor the pipeline is given', () => {
  it('is core\'s FactExtractor, with nothing below the acceptance floor', () => {
    const found = assistantFactExtractor.extract('my date of birth is march fourteenth nineteen sixty-one', { ...base, language: 'en' });
    expect(found).toEqual([{ name: 'birthDate', value: '1961-03-14', confidence: 0.95 }]);
    expect(assistantFactExtractor.extract('', base)).toEqual([]);
  });
});
