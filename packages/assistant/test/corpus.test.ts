import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { CorpusError, HELD_OUT_EVERY, INTENTS, loadBlind, loadCorpora, loadCorpus, loadUrgentBlind, loadUrgentSet, parseCorpus, splitCorpus } from '../src/index.ts';
import { findLeaks, leakKey } from '../src/leak.ts';

describe('the shipped corpora', () => {
  it('hold several hundred utterances per language for every intent', () => {
    for (const language of ['en', 'es'] as const) {
      const items = loadCorpus(language);
      expect(items.length).toBeGreaterThanOrEqual(300);
      for (const intent of INTENTS) expect(items.filter((i) => i.intent === intent).length).toBeGreaterThanOrEqual(20);
      // No utterance twice in a language, and none under two intents.
      const texts = items.map((i) => i.text.trim().toLowerCase());
      expect(new Set(texts).size).toBe(texts.length);
    }
  });

  it('include code-switched utterances', () => {
    const all = loadCorpora();
    expect(all.some((i) => i.language === 'es' && /\bappointment\b/.test(i.text))).toBe(true);
    expect(all.some((i) => i.language === 'en' && /\b(?:quiero|necesito)\b/.test(i.text))).toBe(true);
  });

});

describe('blind sets stay blind', () => {
  const known = [...loadCorpora().map((u) => u.text), ...loadUrgentSet().map((u) => u.text)];
  const sources = readdirSync(new URL('../src/', import.meta.url), { recursive: true })
    .filter((f) => String(f).endsWith('.ts'))
    .map((f) => leakKey(readFileSync(new URL(`../src/${String(f)}`, import.meta.url), 'utf8')))
    .join(' ');
  const sets = { intents: loadBlind().map((b) => b.text), urgent: loadUrgentBlind().map((b) => b.text) };

  it.each(Object.keys(sets))('%s: present, and no item equals or nearly equals training text', (name) => {
    const texts = sets[name as keyof typeof sets];
    expect(texts.length).toBeGreaterThanOrEqual(400);
    expect(findLeaks(texts, known)).toEqual([]);
  });

  it.each(Object.keys(sets))('%s: no item of four words or more is quoted in the rules or the code', (name) => {
    const quoted = sets[name as keyof typeof sets].filter((t) => leakKey(t).split(' ').length >= 4 && sources.includes(leakKey(t)));
    expect(quoted).toEqual([]);
  });
});

describe('the leak check', () => {
  it('sees through case, accents, punctuation, emoji and spacing', () => {
    expect(findLeaks(['Necesito  una CITA!! 🙏'], ['necesito una cita']).map((l) => l.kind)).toEqual(['same']);
    expect(findLeaks(['¿Cuándo es mi cita?'], ['cuando es mi cita']).map((l) => l.kind)).toEqual(['same']);
  });

  it('catches near-duplicates: a word changed in a long text, a typo in a short one', () => {
    expect(findLeaks(['I need to reschedule my appointment with Dr. Lee for next Tuesday'], ['i need to reschedule my appointment with dr lee for next thursday'])).toHaveLength(1);
    expect(findLeaks(['can i get a refil of my lisinopril'], ['can i get a refill of my lisinopril'])).toHaveLength(1);
  });

  it('leaves different texts alone', () => {
    expect(findLeaks(['I need to cancel my appointment'], ['I need to book an appointment for my son next week', 'cancel'])).toEqual([]);
  });
});

describe('splitCorpus', () => {
  it('holds out every 5th utterance per language and intent, deterministically', () => {
    const all = loadCorpora();
    const a = splitCorpus(all);
    const b = splitCorpus(all);
    expect(a).toEqual(b);
    expect(a.train.length + a.heldOut.length).toBe(all.length);
    const greetingsEn = all.filter((i) => i.language === 'en' && i.intent === 'greeting');
    expect(a.heldOut.filter((i) => i.language === 'en' && i.intent === 'greeting').map((i) => i.text)).toEqual(
      greetingsEn.filter((_, k) => (k + 1) % HELD_OUT_EVERY === 0).map((i) => i.text),
    );
  });

  it('never moves an existing utterance when one is appended', () => {
    const all = loadCorpora();
    const before = splitCorpus(all);
    const after = splitCorpus([...all, { language: 'en', intent: 'thanks', text: 'thanks a million' }]);
    expect(after.heldOut.slice(0, before.heldOut.length)).toEqual(before.heldOut);
  });
});

describe('parseCorpus', () => {
  it('rejects malformed documents with a clear message', () => {
    expect(() => parseCorpus(null)).toThrow(CorpusError);
    expect(() => parseCorpus({ language: 'fr', intents: {} })).toThrow(/language/);
    expect(() => parseCorpus({ language: 'en', intents: { book_flight: ['x'] } })).toThrow(/unknown intent "book_flight"/);
    expect(() => parseCorpus({ language: 'en', intents: { greeting: ['hi', ''] } })).toThrow(/empty/);
    expect(parseCorpus({ language: 'es', intents: { greeting: ['hola'] } })).toEqual([{ language: 'es', intent: 'greeting', text: 'hola' }]);
  });
});
