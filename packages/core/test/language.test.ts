import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../src/language.ts';
import { createRng, syntheticMessage } from '../src/synthetic.ts';
import { REQUEST_TYPES } from '../src/types.ts';

const ENGLISH = [
  'I need to refill my lisinopril',
  'Hi, I have a question about my bill',
  'Can I reschedule my appointment to Friday?',
  'Are my lab results back yet?',
  'My name is María Núñez and I need an appointment',
  "I'm calling about my insurance",
  'thanks so much',
  'hello',
  'hi',
  'Good morning',
  'yes please',
  'What time does the clinic open tomorrow?',
  'my perscription ran out',
  'where do i park',
];

const SPANISH = [
  'Necesito renovar mi receta de lisinopril',
  'Hola, tengo una pregunta sobre mi factura',
  '¿Puedo cambiar mi cita para el viernes?',
  '¿Ya están los resultados de mis análisis?',
  'Me llamo Maria Lopez y necesito una cita',
  'Llamo por mi seguro médico',
  'muchas gracias',
  'hola',
  'Buenos días',
  'sí, por favor',
  '¿A qué hora abre la clínica mañana?',
  'se me acabaron las pastillas',
  'mi fecha de nacimiento es 14/03/1961',
  'donde me estaciono',
];

describe('detectLanguage', () => {
  it.each(ENGLISH)('en: %s', (text) => {
    expect(detectLanguage(text)?.language).toBe('en');
  });

  it.each(SPANISH)('es: %s', (text) => {
    expect(detectLanguage(text)?.language).toBe('es');
  });

  it.each(['', '   ', '12345', '03/14/1961', '+1 555 010 0123', '!!!', 'ok', 'no', '👍', 'Maria', 'doctor'])('no evidence in %j', (text) => {
    expect(detectLanguage(text)).toBeNull();
  });

  it('Spanish orthography alone is evidence', () => {
    expect(detectLanguage('¿¡ñ!?')?.language).toBe('es');
  });

  it('longer text is more certain than a single greeting', () => {
    const short = detectLanguage('hola')!;
    const long = detectLanguage('Hola, necesito una cita con la doctora para la próxima semana, por favor')!;
    expect(long.confidence).toBeGreaterThan(short.confidence);
    expect(long.confidence).toBeLessThanOrEqual(1);
  });

  it('a Spanish name does not make an English sentence Spanish', () => {
    expect(detectLanguage('Hello, this is José Peña Núñez, I need my test results')?.language).toBe('en');
  });

  it('classifies every synthetic message in its own language', () => {
    const rng = createRng(21);
    for (let i = 0; i < 50; i++) {
      for (const type of REQUEST_TYPES) {
        expect(detectLanguage(syntheticMessage(rng, type, 'en'))?.language).toBe('en');
        expect(detectLanguage(syntheticMessage(rng, type, 'es'))?.language).toBe('es');
      }
    }
  });

  it('property: never throws; confidence in (0.5, 1]', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (text) => {
        const r = detectLanguage(text);
        if (r) {
          expect(['en', 'es']).toContain(r.language);
          expect(r.confidence).toBeGreaterThan(0.5);
          expect(r.confidence).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('returns null for non-strings', () => {
    expect(detectLanguage(undefined as unknown as string)).toBeNull();
  });
});
