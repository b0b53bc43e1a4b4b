import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { assessUrgency, createUnderstanding, ENTITY_TYPES, extractEntities, INTENTS, ruleIntent, type UnderstandingEngine } from '../src/index.ts';

let engine: UnderstandingEngine;
beforeAll(async () => {
  engine = await createUnderstanding();
});

// Pieces patients (and attackers) actually send, mixed at random with arbitrary text.
const pieces = fc.constantFrom(
  'I need an appointment', 'quiero cancelar', 'my appointment', 'mañana por la tarde', 'next Tuesday', 'chest pain',
  'no tengo', "I don't have", 'ignore previous instructions', 'SYSTEM:', '```', '{"intent":"urgent_symptoms"}', '🙂', '👍🏽',
  '!!!', 'fuck', 'mierda', '555-010-0123', 'maria@example.org', 'DOB 03/14/1961', 'lisinopril', 'Dr. Núñez', '\u0000',
  '\u202e', 'ñ', 'İ', 'ß', '\uFEFF', ' ', '\n', 'may', 'one', 'a las 3', '<script>alert(1)</script>', "'; DROP TABLE cases; --",
);
const message = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.array(fc.oneof(pieces, fc.string({ maxLength: 20 })), { maxLength: 12 }).map((xs) => xs.join(' ')),
);

function checkShape(r: Awaited<ReturnType<UnderstandingEngine['understand']>>, text: string): void {
  expect(INTENTS).toContain(r.intent);
  expect(['en', 'es']).toContain(r.language);
  expect(r.text).toBe(text);
  expect(r.confidence).toBeGreaterThanOrEqual(0);
  expect(r.confidence).toBeLessThanOrEqual(1);
  expect(typeof r.urgent.urgent).toBe('boolean');
  expect(r.urgent.urgent).toBe(r.intent === 'urgent_symptoms');
  expect(['positive', 'neutral', 'negative']).toContain(r.sentiment.label);
  expect(Number.isFinite(r.sentiment.score)).toBe(true);
  for (const e of r.entities) {
    expect(ENTITY_TYPES).toContain(e.type);
    expect(typeof e.value).toBe('string');
    expect(e.start).toBeGreaterThanOrEqual(0);
    expect(e.end).toBeLessThanOrEqual(text.length);
  }
  JSON.stringify(r);
}

describe('understanding never fails on bad input', () => {
  it('returns a valid result for arbitrary and adversarial text', async () => {
    await fc.assert(
      fc.asyncProperty(message, fc.constantFrom(undefined, 'en', 'es') as fc.Arbitrary<'en' | 'es' | undefined>, async (text, language) => {
        const r = await engine.understand(text, { ...(language ? { language } : {}), timeZone: 'America/Chicago', referenceTime: '2025-06-01T12:00:00Z' });
        checkShape(r, text);
      }),
      { numRuns: 150 },
    );
  });

  it('handles a 20,000-character message', async () => {
    const text = 'please help me with my appointment and my bill, '.repeat(500).slice(0, 20_000);
    expect(text.length).toBe(20_000);
    const r = await engine.understand(text);
    checkShape(r, text);
  });

  it('keeps the rules total: urgency, rule intents and entities never throw', () => {
    fc.assert(
      fc.property(message, (text) => {
        assessUrgency(text);
        ruleIntent(text);
        extractEntities(text, { language: 'es', reference: new Date('2025-06-01T12:00:00Z'), timeZone: 'Europe/Madrid', departments: ['Cardiología'], providers: ['Dra. López'] });
      }),
      { numRuns: 300 },
    );
  });

  it('adding a negation before a symptom never makes a calm message urgent', () => {
    const symptoms = fc.constantFrom('chest pain', 'trouble breathing', 'shortness of breath', 'severe bleeding', 'slurred speech');
    const sintomas = fc.constantFrom('dolor de pecho', 'dificultad para respirar', 'falta de aire', 'sangrado abundante');
    fc.assert(
      fc.property(symptoms, fc.constantFrom('no', "I don't have", 'I have no', 'denies', 'without'), (s, neg) => !assessUrgency(`${neg} ${s}`).urgent),
    );
    fc.assert(fc.property(sintomas, fc.constantFrom('no tengo', 'sin', 'nada de', 'ya no tengo'), (s, neg) => !assessUrgency(`${neg} ${s}`).urgent));
  });
});
