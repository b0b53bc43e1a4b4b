import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizePhone } from '../src/identity/normalize.ts';
import { createRng, syntheticMessage, syntheticPatients, type SyntheticPatient } from '../src/synthetic.ts';
import { REQUEST_TYPES } from '../src/types.ts';

describe('createRng', () => {
  it('is deterministic per seed and stays in [0, 1)', () => {
    const a = createRng(123);
    const b = createRng(123);
    const c = createRng(124);
    const xs = Array.from({ length: 1000 }, () => a());
    const ys = Array.from({ length: 1000 }, () => b());
    const zs = Array.from({ length: 1000 }, () => c());
    expect(xs).toEqual(ys);
    expect(xs).not.toEqual(zs);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('is roughly uniform', () => {
    const rng = createRng(7);
    const buckets = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) buckets[Math.floor(rng() * 10)]!++;
    for (const b of buckets) expect(Math.abs(b - n / 10)).toBeLessThan(n / 100);
  });

  it('accepts any number as a seed', () => {
    for (const seed of [0, -1, 2 ** 40, 1.5, Number.MAX_SAFE_INTEGER]) expect(typeof createRng(seed)()).toBe('number');
  });
});

describe('syntheticPatients', () => {
  const population = syntheticPatients(20_000, 2024);

  it('is deterministic per seed', () => {
    expect(syntheticPatients(200, 5)).toEqual(syntheticPatients(200, 5));
    expect(syntheticPatients(200, 5)).not.toEqual(syntheticPatients(200, 6));
    expect(syntheticPatients(50)).toEqual(syntheticPatients(50, 1));
  });

  it('a smaller population is a prefix of a larger one with the same seed', () => {
    expect(syntheticPatients(100, 8)).toEqual(syntheticPatients(1000, 8).slice(0, 100));
  });

  it('handles zero and rejects nonsense counts', () => {
    expect(syntheticPatients(0)).toEqual([]);
    expect(() => syntheticPatients(-1)).toThrow(RangeError);
    expect(() => syntheticPatients(1.5)).toThrow(RangeError);
  });

  it('every patient is well-formed and fictional', () => {
    // One assertion over all patients: per-field expects on 20k patients cost seconds.
    const problems: string[] = [];
    const check = (ok: boolean, what: string, p: SyntheticPatient) => {
      if (!ok && problems.length < 10) problems.push(`${what}: ${JSON.stringify(p)}`);
    };
    for (const p of population) {
      check(p.givenName.length > 0 && p.familyName.length > 0, 'name', p);
      check(/^(19[3-9]\d|20[01]\d)-\d{2}-\d{2}$/.test(p.birthDate), 'birthDate shape', p);
      check(new Date(p.birthDate + 'T00:00:00Z').toISOString().slice(0, 10) === p.birthDate, 'birthDate calendar', p);
      check(p.sex === 'female' || p.sex === 'male', 'sex', p);
      check(/^\+1[2-9]\d{2}55501\d{2}$/.test(p.phone), 'fictional phone', p);
      check(/^[a-z0-9.]+@example\.(org|com|net)$/.test(p.email), 'example email', p);
      check(/^MRN\d{7}$/.test(p.mrn), 'mrn', p);
      check(p.language === 'en' || p.language === 'es', 'language', p);
      check(/^\d{5}$/.test(p.postcode), 'postcode', p);
      check(p.city.length > 0 && /^\d+ \S/.test(p.addressLine), 'address', p);
    }
    expect(problems).toEqual([]);
  });

  it('phones and emails survive normalisation unchanged', () => {
    for (const p of population.slice(0, 3000)) {
      expect(normalizePhone(p.phone)).toBe(p.phone);
      expect(normalizeEmail(p.email)).toBe(p.email);
    }
  });

  it('MRNs and emails are unique', () => {
    expect(new Set(population.map((p) => p.mrn)).size).toBe(population.length);
    expect(new Set(population.map((p) => p.email)).size).toBe(population.length);
  });

  it('phones are unique except inside a household, across many area codes', () => {
    const heads = population.filter((p) => p.householdOf === undefined);
    expect(new Set(heads.map((p) => p.phone)).size).toBe(heads.length);
    expect(new Set(population.map((p) => p.phone.slice(2, 5))).size).toBeGreaterThan(500);
  });

  it('about 3% of patients share a household with an earlier patient', () => {
    const members = population.filter((p) => p.householdOf !== undefined);
    expect(members.length / population.length).toBeGreaterThan(0.02);
    expect(members.length / population.length).toBeLessThan(0.04);
    population.forEach((p, i) => {
      if (p.householdOf === undefined) return;
      expect(p.householdOf).toBeLessThan(i);
      const head: SyntheticPatient = population[p.householdOf]!;
      expect(head.householdOf).toBeUndefined();
      expect(p.familyName).toBe(head.familyName);
      expect(p.phone).toBe(head.phone);
      expect(p.addressLine).toBe(head.addressLine);
      expect(p.postcode).toBe(head.postcode);
      expect(p.city).toBe(head.city);
      expect(p.givenName).not.toBe(head.givenName);
      expect(p.birthDate).not.toBe(head.birthDate);
      expect(p.mrn).not.toBe(head.mrn);
    });
  });

  it('mixes English and Spanish names, about 30% Spanish', () => {
    const spanishNames = new Set(['María', 'José', 'Juan', 'Luis', 'Carmen', 'Lucía', 'Sofía', 'Jesús', 'Guadalupe', 'Ana', 'Carlos', 'Miguel']);
    const spanishFamilies = /(?:ez|García|Cruz|Flores|Rivera|Torres|Reyes|Morales|Castillo|Romero|Herrera|Medina|Vargas|Castro|Ramos|Peña|Vega|Soto|Luna|Rojas)\b/;
    const es = population.filter((p) => spanishFamilies.test(p.familyName) || spanishNames.has(p.givenName));
    expect(es.length / population.length).toBeGreaterThan(0.2);
    expect(es.length / population.length).toBeLessThan(0.4);
    const speakers = population.filter((p) => p.language === 'es').length / population.length;
    expect(speakers).toBeGreaterThan(0.2);
    expect(speakers).toBeLessThan(0.32);
  });

  it('includes namesakes and phonetic neighbours that identity matching must tell apart', () => {
    const key = (p: SyntheticPatient) => `${p.givenName} ${p.familyName}`;
    const counts = new Map<string, number>();
    for (const p of population) counts.set(key(p), (counts.get(key(p)) ?? 0) + 1);
    expect([...counts.values()].some((n) => n > 1)).toBe(true);
    const given = new Set(population.map((p) => p.givenName));
    expect(given.has('Catherine') && given.has('Kathryn')).toBe(true);
  });

  // Its speed is measured by the benchmarks (the open-case and context-card loads), not here.
  it('generates 100,000 patients with unique record numbers', () => {
    const many = syntheticPatients(100_000, 77);
    expect(many).toHaveLength(100_000);
    expect(new Set(many.map((p) => p.mrn)).size).toBe(100_000);
  });
});

describe('syntheticMessage', () => {
  it('is deterministic for a given generator state', () => {
    const a = createRng(3);
    const b = createRng(3);
    for (const type of REQUEST_TYPES) expect(syntheticMessage(a, type, 'es')).toBe(syntheticMessage(b, type, 'es'));
  });

  it('writes varied, non-empty messages for every type and language', () => {
    const rng = createRng(4);
    for (const type of REQUEST_TYPES) {
      for (const language of ['en', 'es'] as const) {
        const seen = new Set<string>();
        for (let i = 0; i < 60; i++) {
          const m = syntheticMessage(rng, type, language);
          expect(m.trim().length).toBeGreaterThan(5);
          seen.add(m);
        }
        expect(seen.size).toBeGreaterThan(2);
      }
    }
  });

  it('puts no real-looking contact details in messages', () => {
    const rng = createRng(5);
    for (let i = 0; i < 200; i++) {
      for (const type of REQUEST_TYPES) {
        const m = syntheticMessage(rng, type, i % 2 ? 'en' : 'es');
        expect(m).not.toMatch(/@|\d{3}[-. ]\d{4}/);
      }
    }
  });
});
