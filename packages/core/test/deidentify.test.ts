import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  RESTRICTED_ZIP3,
  PATIENT_POLICY,
  ageInYears,
  applySafeHarbor,
  findIdentifiers,
  generalizeZip,
  newPseudonymKey,
  pseudonym,
  safeAge,
  safeBirthYear,
  safeYear,
  scrubText,
  yearOf,
  type ScrubContext,
} from '../src/deidentify/index.ts';
import { fold } from '../src/facts/text.ts';
import { createRng, syntheticPatients, syntheticTranscript, PLANTED_KINDS, type SyntheticTranscript } from '../src/synthetic.ts';
import { survivors } from './helpers/planted.ts';

function contextOf(t: SyntheticTranscript): ScrubContext {
  const p = t.patient;
  return {
    names: [p.givenName, p.familyName],
    phones: [p.phone],
    emails: [p.email],
    identifiers: [p.mrn],
    addresses: [p.addressLine],
    places: [p.city],
  };
}

function scrubTranscript(t: SyntheticTranscript, context: ScrubContext): string {
  return t.turns.map((turn) => scrubText(turn.text, context)).join('\n');
}

const population = syntheticPatients(400, 606);

describe('synthetic transcripts with planted identifiers', () => {
  it('plant every kind of identifier, in English and Spanish, in many surface forms', () => {
    const rng = createRng(1);
    const kinds = new Set<string>();
    const forms = new Map<string, Set<string>>();
    for (const language of ['en', 'es'] as const) {
      for (const patient of population.slice(0, 150)) {
        const t = syntheticTranscript(rng, patient, language);
        const text = t.turns.map((x) => x.text).join('\n');
        for (const p of t.planted) {
          kinds.add(p.kind);
          // Each planted surface really is in the text.
          expect(text).toContain(p.surface);
          // The shape of the surface (digits → 9, letters → a) counts distinct forms.
          const shape = p.surface.replace(/\d/g, '9').replace(/\p{L}+/gu, 'a');
          (forms.get(p.kind) ?? forms.set(p.kind, new Set()).get(p.kind)!).add(`${language}:${shape}`);
        }
      }
    }
    expect([...kinds].sort()).toEqual([...PLANTED_KINDS].sort());
    for (const kind of ['phone', 'birth_date', 'email', 'address', 'mrn', 'name']) expect(forms.get(kind)!.size, kind).toBeGreaterThanOrEqual(5);
  });

  it('are deterministic per seed', () => {
    expect(syntheticTranscript(createRng(5), population[0]!)).toEqual(syntheticTranscript(createRng(5), population[0]!));
  });
});

describe('scrubText: no planted identifier survives', () => {
  it('in 200 generated transcripts (en + es), scrubbed with the patient record as context', () => {
    const rng = createRng(2024);
    const misses: string[] = [];
    for (let i = 0; i < 200; i++) {
      const patient = population[i % population.length]!;
      const t = syntheticTranscript(rng, patient, i % 2 === 0 ? 'en' : 'es');
      const output = scrubTranscript(t, contextOf(t));
      for (const s of survivors(output, t.planted)) misses.push(`${s.planted.kind} ${JSON.stringify(s.planted.surface)} (${s.needle}) in: ${output.split('\n').find((l) => fold(l).includes(fold(s.needle))) ?? output}`);
    }
    expect(misses.slice(0, 20)).toEqual([]);
  });

  it('for any seed (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: population.length - 1 }), fc.constantFrom('en' as const, 'es' as const), (seed, index, language) => {
        const t = syntheticTranscript(createRng(seed), population[index]!, language);
        const output = scrubTranscript(t, contextOf(t));
        expect(survivors(output, t.planted).map((s) => `${s.planted.kind}: ${s.planted.surface}`)).toEqual([]);
      }),
      { numRuns: 100, seed: 77 },
    );
  });

  it('without the record, everything but the patient’s own plain names and city is still found', () => {
    // Heuristics alone: names come from the lexicon and cues, places from "I live in".
    const rng = createRng(99);
    const misses: string[] = [];
    let names = 0;
    let namesMissed = 0;
    for (let i = 0; i < 200; i++) {
      const t = syntheticTranscript(rng, population[i % population.length]!, i % 2 === 0 ? 'en' : 'es');
      const output = scrubTranscript(t, {});
      const found = survivors(output, t.planted);
      for (const p of t.planted.filter((x) => x.kind === 'name')) {
        names++;
        if (found.some((s) => s.planted === p)) namesMissed++;
      }
      for (const s of found.filter((x) => x.planted.kind !== 'name')) misses.push(`${s.planted.kind} ${s.planted.surface} (${s.needle})`);
    }
    expect(misses.slice(0, 20)).toEqual([]);
    // Recall on names from heuristics alone; the export always passes the record too.
    expect(namesMissed / names).toBeLessThan(0.03);
  });

  it('is idempotent', () => {
    const rng = createRng(3);
    for (let i = 0; i < 40; i++) {
      const t = syntheticTranscript(rng, population[i]!, i % 2 ? 'en' : 'es');
      for (const turn of t.turns) {
        const once = scrubText(turn.text, contextOf(t));
        expect(scrubText(once, contextOf(t))).toBe(once);
      }
    }
  });
});

describe('scrubText: ordinary clinical and service text survives', () => {
  const keep: Array<[string, string[]]> = [
    ['I have had chest pain since Monday', ['chest pain since Monday']],
    ['I need to refill my lisinopril 10 mg, I take 1/2 tablet twice a day', ['refill my lisinopril 10 mg', '1/2 tablet twice a day']],
    ['My pain is 8/10 and my fever was 101.5 this morning', ['8/10', '101.5', 'fever']],
    ['Blood pressure 120/80, sugar is 110 after breakfast', ['120/80', 'sugar is 110']],
    ['I was charged $1,250.00 twice for the same visit', ['$1,250.00', 'charged', 'twice']],
    ['Can I reschedule my appointment? May I come in next week?', ['reschedule my appointment', 'May I come in next week']],
    ['Will you call me back about my lab results?', ['Will you call me back about my lab results']],
    ['Are my MRI results back yet? I had blood work done last week', ['MRI results', 'blood work']],
    ['My insurance denied the claim, I need a prior authorization', ['insurance denied the claim', 'prior authorization']],
    ['I was born in 1961 and I am 45 years old', ['1961', '45 years old']],
    ['Tengo dolor de pecho desde el lunes y dolores de cabeza', ['dolor de pecho desde el lunes', 'dolores de cabeza']],
    ['Necesito renovar mi receta de metformina de 500 mg', ['renovar mi receta de metformina de 500 mg']],
    ['Quiero saber los resultados del laboratorio, por favor', ['resultados del laboratorio']],
    ['Mi seguro rechazó el reclamo, ¿qué hago?', ['seguro rechazó el reclamo']],
    ['Tengo una pregunta sobre mi factura de 250 dólares', ['pregunta sobre mi factura', '250 dólares']],
    ['I need to cancel my appointment for Tuesday at 3 pm', ['cancel my appointment for Tuesday at 3 pm']],
    ['Is it normal to have side effects from atorvastatin? I feel dizzy', ['side effects from atorvastatin', 'dizzy']],
    ['My A1c was 7.2 and I take 1000 mg of metformin', ['A1c was 7.2', '1000 mg']],
    ['The iris of my left eye is red', ['iris of my left eye']],
  ];
  for (const [text, kept] of keep) {
    it(JSON.stringify(text), () => {
      const out = scrubText(text);
      for (const k of kept) expect(out).toContain(k);
    });
  }

  it('keeps request-type words across the synthetic request corpus', () => {
    const words = /\b(?:appointment|refill|prescription|results|bill|insurance|records|cita|receta|resultados|factura|seguro|expediente)\b/gi;
    const rng = createRng(8);
    let before = 0;
    let after = 0;
    for (let i = 0; i < 300; i++) {
      const t = syntheticTranscript(rng, population[i % population.length]!, i % 2 ? 'en' : 'es');
      const first = t.turns[0]!.text;
      before += (first.match(words) ?? []).length;
      after += (scrubText(first, contextOf(t)).match(words) ?? []).length;
    }
    expect(before).toBeGreaterThan(100);
    expect(after).toBe(before);
  });
});

describe('scrubText: forms', () => {
  const cases: Array<[string, string]> = [
    ['Call me at (303) 555-0147', 'Call me at [PHONE]'],
    ['my number is five five five, oh one two three', 'my number is [PHONE]'],
    ['mi teléfono es cinco cinco cinco, cero uno, veintitrés', 'mi teléfono es [PHONE]'],
    ['email jen.obrien@example.org please', 'email [EMAIL] please'],
    ['write to maria dot lopez at example dot org', 'write to [EMAIL]'],
    ['Born March 14th, 1961', 'Born [DATE]'],
    ['nací el catorce de marzo de mil novecientos sesenta y uno', 'nací el [DATE]'],
    ['I live at 1234 Oak St Apt 5B', 'I live at [ADDRESS]'],
    ['Vivo en Calle Jardín 45', 'Vivo en [ADDRESS]'],
    ['SSN 900-12-3456', 'SSN [SSN]'],
    ['My MRN is MRN0012345', 'My MRN is [ID]'],
    ['see https://portal.example.org/x?id=3', 'see [URL]'],
    ['from 192.168.0.12', 'from [IP]'],
    ["I'm 93 years old", "I'm 90+ years old"],
    ['Mi madre tiene noventa y dos años', 'Mi madre tiene 90+ años'],
    ['Dr. Okonkwo said so', 'Dr. [NAME] said so'],
    ['Hola, me llamo José Luis García Pérez', 'Hola, me llamo [NAME]'],
    ['Please ask for my daughter Xiomara', 'Please ask for my daughter [NAME]'],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => expect(scrubText(input)).toBe(expected));

  it('reports what it found, in order', () => {
    expect(findIdentifiers('Maria, 555-0123').map((f) => f.category)).toEqual(['NAME', 'PHONE']);
  });

  it('never throws on arbitrary input and never grows an identifier back', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const out = scrubText(s);
        expect(typeof out).toBe('string');
        expect(scrubText(out)).toBe(out);
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Structured records

describe('Safe Harbor on structured records', () => {
  it('ZIP codes keep three digits, except the restricted 3-digit areas', () => {
    expect(generalizeZip('84012')).toBe('840');
    expect(generalizeZip('84012-1234')).toBe('840');
    for (const zip3 of ['036', '059', '063', '102', '203', '556', '692', '790', '821', '823', '830', '831', '878', '879', '884', '890', '893']) {
      expect(RESTRICTED_ZIP3.has(zip3)).toBe(true);
      expect(generalizeZip(`${zip3}45`)).toBe('000');
    }
    expect(RESTRICTED_ZIP3.size).toBe(17);
    expect(generalizeZip('K1A 0B1')).toBe('000');
    expect(generalizeZip(null)).toBeNull();
  });

  it('dates keep only the year; ages over 89 become 90+ and hide their years', () => {
    expect(yearOf('1961-03-14')).toBe(1961);
    expect(yearOf('2024-05-02T10:14:00Z')).toBe(2024);
    expect(ageInYears('1961-03-14', '2024-03-13T12:00:00Z')).toBe(62);
    expect(ageInYears('1961-03-14', '2024-03-14T00:00:00Z')).toBe(63);
    expect(safeAge(89)).toBe(89);
    expect(safeAge(90)).toBe('90+');
    expect(safeBirthYear('1961-03-14', '2024-01-01')).toBe(1961);
    expect(safeBirthYear('1930-03-14', '2024-01-01')).toBeNull();
    // An admission year that, with the birth date, says the patient was over 89: withheld.
    expect(safeYear('2024-02-01', '1930-01-01')).toBeNull();
    expect(safeYear('2024-02-01', '1961-03-14')).toBe(2024);
  });

  it('a patient record loses every identifier and keeps what analytics need', () => {
    const key = newPseudonymKey();
    const record = {
      id: '5b0c4f5e-3a1f-4c59-9a53-0a7b8f0e0a11',
      givenName: 'Maria',
      familyName: 'Lopez',
      birthDate: '1931-03-14',
      sex: 'female',
      addressLine: '1234 Oak St',
      city: 'Riverton',
      postcode: '89012',
      language: 'es',
      preferredChannel: 'sms',
      // Not in the policy: dropped, whatever it is.
      ssn: '900-12-3456',
      photoUrl: 'https://example.org/p.jpg',
    };
    const out = applySafeHarbor(record, PATIENT_POLICY, { key, at: '2024-06-01T00:00:00Z' });
    expect(out).toEqual({ id: pseudonym(key, 'patient', record.id), birthYear: null, age: '90+', sex: 'female', postcode: '000', language: 'es', preferredChannel: 'sms' });
    const json = JSON.stringify(out);
    for (const value of ['Maria', 'Lopez', '1931', '03-14', 'Oak', 'Riverton', '89012', '3456', 'example.org', record.id]) expect(json).not.toContain(value);
  });

  it('text fields are scrubbed with the record as context', () => {
    const out = applySafeHarbor({ note: 'Maria called from 555-0123' }, { note: 'text' }, { key: 'k'.repeat(32), scrub: { names: ['Maria'] } });
    expect(out.note).toBe('[NAME] called from [PHONE]');
  });

  it('pseudonyms are stable per key, differ across keys and kinds, and reveal nothing', () => {
    const a = newPseudonymKey();
    const b = newPseudonymKey();
    const id = '5b0c4f5e-3a1f-4c59-9a53-0a7b8f0e0a11';
    expect(pseudonym(a, 'patient', id)).toBe(pseudonym(a, 'patient', id));
    expect(pseudonym(a, 'patient', id)).not.toBe(pseudonym(b, 'patient', id));
    expect(pseudonym(a, 'patient', id)).not.toBe(pseudonym(a, 'case', id));
    expect(pseudonym(a, 'patient', id)).toMatch(/^p_[A-Za-z0-9_-]{20}$/);
    expect(() => pseudonym('short', 'patient', id)).toThrow(RangeError);
  });
});
