import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyRequestType, requestTypeScores } from '../src/request-type.ts';
import { createRng, syntheticMessage } from '../src/synthetic.ts';
import { REQUEST_TYPES, type RequestType } from '../src/types.ts';

const ENGLISH: Array<[string, RequestType]> = [
  ['I need to make an appointment with my doctor', 'scheduling'],
  ['Can I reschedule my appt to Friday?', 'scheduling'],
  ['I want to cancel my appointment tomorrow', 'scheduling'],
  ['Do you have anything available next week for a checkup?', 'scheduling'],
  ['I need to refill my lisinopril', 'prescription'],
  ['my perscription ran out', 'prescription'],
  ['Can you send my Lipitor to the pharmacy?', 'prescription'],
  ['I need a refil on my metformin', 'prescription'],
  ['Are my lab results back?', 'results'],
  ['I had blood work done Monday, any news?', 'results'],
  ['What did my MRI show? Results please', 'results'],
  ['I have a question about my bill', 'billing'],
  ['Why was I charged twice?', 'billing'],
  ['How do I make a payment on my balance', 'billing'],
  ['Does my insurance cover physical therapy?', 'insurance'],
  ['I need a prior authorization for my surgery', 'insurance'],
  ['Is Dr. Patel in network with my insurence?', 'insurance'],
  ['I have a headache and fever since yesterday, should I be worried?', 'clinical_question'],
  ['Is it normal to feel dizzy after starting a new medication?', 'clinical_question'],
  ['I need a copy of my medical records', 'records'],
  ['Please fax my records to my new doctor', 'records'],
  ['I need to update my address', 'other'],
];

const SPANISH: Array<[string, RequestType]> = [
  ['Necesito una cita con la doctora', 'scheduling'],
  ['¿Puedo reprogramar mi cita del martes?', 'scheduling'],
  ['Quiero cancelar mi turno de mañana', 'scheduling'],
  ['Quisiera agendar un chequeo', 'scheduling'],
  ['No estoy seguro si tengo cita', 'scheduling'],
  ['Necesito renovar mi receta de lisinopril', 'prescription'],
  ['se me acabaron las pastillas de la presion, necesito mas', 'prescription'],
  ['¿Pueden mandar mi reseta a la farmacia?', 'prescription'],
  ['Necesito resurtir mi metformina', 'prescription'],
  ['¿Ya están los resultados de mis análisis?', 'results'],
  ['Quiero saber el resultado de la radiografía', 'results'],
  ['llamo por los resultados del laboratorio', 'results'],
  ['Tengo una pregunta sobre mi factura', 'billing'],
  ['Me cobraron dos veces el mismo servicio', 'billing'],
  ['¿Cómo puedo hacer un pago?', 'billing'],
  ['¿Mi seguro cubre la terapia física?', 'insurance'],
  ['Necesito saber si tengo cobertura para la cirugía', 'insurance'],
  ['Tengo dolor de pecho y mareos', 'clinical_question'],
  ['¿Es normal tener efectos secundarios con la metformina?', 'clinical_question'],
  ['Necesito una copia de mi expediente médico', 'records'],
  ['Quiero solicitar mi historial clínico', 'records'],
  ['¿Dónde está el estacionamiento?', 'other'],
];

describe('classifyRequestType', () => {
  it.each(ENGLISH)('en: %s → %s', (text, type) => {
    expect(classifyRequestType(text, 'en')?.type).toBe(type);
    // Without a language hint too: patients do not announce theirs.
    expect(classifyRequestType(text)?.type).toBe(type);
  });

  it.each(SPANISH)('es: %s → %s', (text, type) => {
    expect(classifyRequestType(text, 'es')?.type).toBe(type);
    expect(classifyRequestType(text)?.type).toBe(type);
  });

  it.each([
    '',
    'hi',
    'Hello!',
    'hola',
    'Buenos días',
    'thanks',
    'gracias',
    'ok',
    'yes',
    '03/14/1961',
    'My date of birth is 03/14/1961',
    'Mi fecha de nacimiento es 14/03/1961',
    'my name is Maria Lopez',
    '555-010-0123',
    'No estoy seguro',
  ])('no request in %j', (text) => {
    expect(classifyRequestType(text)).toBeNull();
  });

  it('ignores accents and case', () => {
    expect(classifyRequestType('RESULTADOS DE ANALISIS')?.type).toBe('results');
    expect(classifyRequestType('resultados de análisis')?.type).toBe('results');
    expect(classifyRequestType('FACTURACIÓN')?.type).toBe('billing');
  });

  it('tolerates common misspellings of long keywords', () => {
    expect(classifyRequestType('need an apointment')?.type).toBe('scheduling');
    expect(classifyRequestType('need an appoinment')?.type).toBe('scheduling');
    expect(classifyRequestType('prescripton refil')?.type).toBe('prescription');
    expect(classifyRequestType('insurace question')?.type).toBe('insurance');
    expect(classifyRequestType('resultdos por favor')?.type).toBe('results');
  });

  it('does not read short look-alike words as typos', () => {
    // "pills" is not "bills", "change" is not "charge".
    expect(classifyRequestType('I need more pills')?.type).toBe('prescription');
    expect(requestTypeScores('I need to change my appointment').billing).toBe(0);
    expect(requestTypeScores('un segundo por favor').insurance).toBe(0);
  });

  it('"seguro" meaning "sure" is not insurance', () => {
    expect(classifyRequestType('¿Es seguro tomar ibuprofeno con fiebre?')?.type).toBe('clinical_question');
  });

  it('names a medicine → prescription', () => {
    expect(classifyRequestType('Synthroid')?.type).toBe('prescription');
    expect(classifyRequestType('atorvastatina por favor')?.type).toBe('prescription');
  });

  it('clear messages are more certain than mixed ones', () => {
    const clear = classifyRequestType('I need to refill my lisinopril prescription at the pharmacy')!;
    const mixed = classifyRequestType('I was charged for my prescription')!;
    expect(mixed.type).toBe('prescription');
    expect(clear.confidence).toBeGreaterThan(mixed.confidence);
  });

  it('an exact tie between two types is not a decision', () => {
    expect(classifyRequestType('question about the bill for my prescription')).toBeNull();
  });

  it('synthetic messages are classified as the type they were written for', () => {
    const rng = createRng(99);
    for (let i = 0; i < 100; i++) {
      for (const type of REQUEST_TYPES) {
        for (const language of ['en', 'es'] as const) {
          const message = syntheticMessage(rng, type, language);
          expect(classifyRequestType(message, language)?.type, message).toBe(type);
        }
      }
    }
  });

  it('property: never throws; confidence within (0, 0.95]', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), fc.constantFrom<'en' | 'es' | undefined>('en', 'es', undefined), (text, language) => {
        const r = classifyRequestType(text, language);
        if (r) {
          expect(REQUEST_TYPES).toContain(r.type);
          expect(r.confidence).toBeGreaterThan(0);
          expect(r.confidence).toBeLessThanOrEqual(0.95);
        }
      }),
      { numRuns: 500 },
    );
  });
});
