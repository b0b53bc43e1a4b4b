import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { assessUrgency, calibrateUrgent, createUnderstanding, DETECTOR_NURSE, loadUrgentSet, splitUrgentSet, URGENT_CATALOGUE, URGENT_CATEGORIES, URGENT_GUIDANCE, UrgentDetector, type UnderstandingEngine, type UrgentCategory } from '../src/index.ts';

interface UrgentSet {
  positives: Array<{ language: string; category: UrgentCategory; text: string }>;
  negatives: Array<{ language: string; why: string; text: string }>;
}

const set = JSON.parse(readFileSync(new URL('../corpus/urgent.json', import.meta.url), 'utf8')) as UrgentSet;

describe('the urgent-symptoms set', () => {
  it('is big enough and covers both languages and every category', () => {
    expect(set.positives.length + set.negatives.length).toBeGreaterThanOrEqual(80);
    for (const language of ['en', 'es']) {
      expect(set.positives.filter((p) => p.language === language).length).toBeGreaterThanOrEqual(30);
      expect(set.negatives.filter((n) => n.language === language).length).toBeGreaterThanOrEqual(15);
    }
    // Every catalogue category in both languages.
    for (const category of URGENT_CATEGORIES) {
      for (const language of ['en', 'es']) expect(set.positives.some((p) => p.category === category && p.language === language), `${category} ${language}`).toBe(true);
      expect(URGENT_CATALOGUE[category].source.length).toBeGreaterThan(0);
    }
  });

  // One failing positive is a failed test: a missed emergency is the error that matters.
  it('flags every positive with its category', () => {
    const misses = set.positives
      .map((p) => ({ p, r: assessUrgency(p.text) }))
      .filter(({ p, r }) => !r.urgent || !r.categories?.includes(p.category))
      .map(({ p, r }) => `${p.language} ${p.category}: "${p.text}" → ${JSON.stringify(r)}`);
    expect(misses).toEqual([]);
  });

  it('flags no negative (negation, history, treatments, idioms)', () => {
    const falseAlarms = set.negatives
      .map((n) => ({ n, r: assessUrgency(n.text) }))
      .filter(({ r }) => r.urgent)
      .map(({ n, r }) => `${n.language} (${n.why}): "${n.text}" → ${r.category} "${r.matched}"`);
    expect(falseAlarms).toEqual([]);
  });
});

describe('assessUrgency', () => {
  it('reports the words, the category and the guidance kind', () => {
    const r = assessUrgency('Since this morning I have had crushing chest pain');
    expect(r).toMatchObject({ urgent: true, category: 'cardiac', guidance: 'emergency' });
    expect(r.matched?.toLowerCase()).toContain('chest pain');
    expect(assessUrgency('quiero quitarme la vida')).toMatchObject({ urgent: true, category: 'mental_health', guidance: 'crisis_line' });
    expect(assessUrgency('my son swallowed a button battery')).toMatchObject({ urgent: true, category: 'poisoning', guidance: 'poison_control' });
    expect(URGENT_GUIDANCE.mental_health).toBe('crisis_line');
  });

  it('orders several categories by severity and keeps the negated ones for audit', () => {
    const r = assessUrgency("I don't have chest pain but I can't breathe and I want to die");
    expect(r.urgent).toBe(true);
    expect(r.category).toBe('respiratory');
    expect(r.categories).toEqual(['respiratory', 'mental_health']);
    expect(r.suppressed?.map((s) => [s.category, s.suppressed])).toEqual([['cardiac', 'negated']]);
  });

  it('ends a negation at a clause boundary in either language', () => {
    expect(assessUrgency('no fever, but my chest hurts').urgent).toBe(true);
    expect(assessUrgency('no tengo fiebre pero me falta el aire').urgent).toBe(true);
    expect(assessUrgency('No. Chest pain.').urgent).toBe(true);
    expect(assessUrgency('no chest pain and no trouble breathing').urgent).toBe(false);
    expect(assessUrgency('ni dolor de pecho ni falta de aire').urgent).toBe(false);
  });

  it('does not let a pseudo-negation hide a symptom', () => {
    expect(assessUrgency("I'm not sure if this is chest pain").urgent).toBe(true);
    expect(assessUrgency('no sé si es dolor de pecho o acidez').urgent).toBe(true);
  });

  it('reads inability as a symptom, not a negation ("no puede", "sin poder")', () => {
    expect(assessUrgency('mi abuelito no puede hablar y tiene la cara chueca')).toMatchObject({ urgent: true, category: 'stroke' });
    expect(assessUrgency('amaneció sin poder hablar y con el brazo flojo')).toMatchObject({ urgent: true, category: 'stroke' });
    expect(assessUrgency('no se ha desmayado ni está confundido').urgent).toBe(false);
  });

  it('records treatments, services and idioms as not a symptom, so the models stay quiet too', () => {
    for (const text of ['I need the forms for my seizure clinic', 'I almost had a heart attack when I saw the price', 'me estoy ahogando en deudas']) {
      const r = assessUrgency(text);
      expect(r.urgent, text).toBe(false);
      expect(r.suppressed?.map((s) => s.suppressed), text).toContain('not_a_symptom');
    }
  });

  it('reads accents, capitals and curly apostrophes alike', () => {
    expect(assessUrgency('TENGO DOLOR DE PÉCHO').urgent).toBe(true);
    expect(assessUrgency('I can’t breathe').urgent).toBe(true);
    expect(assessUrgency('I don’t have chest pain').urgent).toBe(false);
  });

  it('never throws and stays quiet on empty or odd input', () => {
    for (const input of ['', '   ', '🙂🙂🙂', '1234567890', 'x'.repeat(20_000), null as unknown as string, 42 as unknown as string]) {
      expect(assessUrgency(input).urgent).toBe(false);
    }
  });
});

describe('urgent symptoms through understand()', () => {
  let engine: UnderstandingEngine;
  beforeAll(async () => {
    engine = await createUnderstanding();
  });

  it('makes every positive an urgent_symptoms intent decided by the rules', async () => {
    const misses: string[] = [];
    for (const p of set.positives) {
      const r = await engine.classify(p.text);
      if (r.intent !== 'urgent_symptoms' || !r.urgent.urgent || r.source !== 'urgent_rules') misses.push(`${p.text} → ${r.intent}`);
    }
    expect(misses).toEqual([]);
  });

  it('keeps negatives out of the urgent path, even when the model thinks "symptom"', async () => {
    const alarms: string[] = [];
    for (const n of set.negatives) {
      const r = await engine.classify(n.text);
      if (r.urgent.urgent || r.intent === 'urgent_symptoms') alarms.push(`${n.text} → ${r.intent} (${r.urgent.source})`);
    }
    expect(alarms).toEqual([]);
  });

  it('puts urgency before any other rule: "agent, I have chest pain" is urgent', async () => {
    const r = await engine.classify('agent please, I have chest pain');
    expect(r.intent).toBe('urgent_symptoms');
    expect(r.requestType).toBe('clinical_question');
  });
});

describe('the second detector', () => {
  // A word no rule knows, taught as urgent to the detector alone: only the detector can see it.
  let taught: UnderstandingEngine;
  beforeAll(async () => {
    const routine = ['I need to book a check-up', 'can I get a refill', 'what are my lab results', 'quiero una cita', 'tengo una pregunta de mi factura'];
    const urgentExamples = [
      ...['my zorblax is glowing', 'the zorblax glows again', 'zorblax glowing bad', 'mi zorblax brilla mucho'].map((text) => ({ text, language: 'en' as const, urgent: true })),
      ...routine.map((text) => ({ text, language: 'en' as const, urgent: false })),
    ];
    taught = await createUnderstanding({ urgentExamples, warm: false });
  });

  it('raises the nurse line for what no rule names, never emergency guidance on its own', async () => {
    const r = await taught.classify('help, my zorblax is glowing');
    expect(assessUrgency('help, my zorblax is glowing').urgent).toBe(false);
    expect(r.urgent).toMatchObject({ urgent: false, nurseReview: true, guidance: 'nurse_line' });
    expect(r.urgent.detector).toBeGreaterThanOrEqual(DETECTOR_NURSE);
    expect((await taught.classify('I need to book a check-up')).urgent.nurseReview).toBeUndefined();
  });

  it('stays quiet when the rules read the symptom as denied or past', async () => {
    const r = await taught.classify('no chest pain, my zorblax is glowing');
    expect(r.urgent.urgent).toBe(false);
    expect(r.urgent.nurseReview).toBeUndefined();
  });

  it('is deterministic: the same examples give the same probabilities', () => {
    const examples = [
      { text: 'chest hurts', language: 'en' as const, urgent: true },
      { text: 'book a visit', language: 'en' as const, urgent: false },
    ];
    const a = new UrgentDetector();
    const b = new UrgentDetector();
    a.train(examples);
    b.train(examples);
    expect(a.probability('my chest hurts')).toBe(b.probability('my chest hurts'));
    expect(a.probability('my chest hurts')).toBeGreaterThan(a.probability('book a visit please'));
  });
});

describe('the nurse-line threshold, calibrated on our own held-out material (never a blind set)', () => {
  it('holds out every fifth item of each language and label, the same way every time', () => {
    const items = loadUrgentSet();
    const { train, heldOut } = splitUrgentSet(items);
    expect(train.length + heldOut.length).toBe(items.length);
    for (const language of ['en', 'es'] as const) {
      for (const urgent of [true, false]) {
        const all = items.filter((i) => i.language === language && i.urgent === urgent);
        expect(heldOut.filter((i) => i.language === language && i.urgent === urgent)).toEqual(all.filter((_, k) => (k + 1) % 5 === 0));
      }
    }
  });

  it('raises every held-out emergency and at most 1 in 10 held-out routine look-alikes, per language', async () => {
    const r = await calibrateUrgent([DETECTOR_NURSE]);
    for (const language of ['en', 'es'] as const) {
      const report = r.held_out[language]!;
      console.log(`urgent held-out dev ${language}: ${(report.recall * 100).toFixed(1)} % of ${report.urgent_n} emergencies raised, detector alone ${((r.thresholds[0]![language]?.detector_recall ?? 0) * 100).toFixed(1)} %; ${(report.routine_flagged * 100).toFixed(1)} % of ${report.routine_n} look-alikes raised`);
      expect(report.recall, language).toBe(1);
      expect(report.routine_flagged, language).toBeLessThanOrEqual(0.1);
    }
  }, 300_000);
});
