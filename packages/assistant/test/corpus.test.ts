import { describe, expect, it } from 'vitest';
import { CorpusError, HELD_OUT_EVERY, INTENTS, loadBlind, loadChallenge, loadCorpora, loadCorpus, parseCorpus, splitCorpus } from '../src/index.ts';

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

  // The blind set is replaced every round (the old one is merged into the corpora), so it may
  // be absent; when present it must be well formed and share nothing with what is trained on.
  it('keep the blind set, when present, apart from the training data and the challenge set', () => {
    const blind = loadBlind();
    if (blind.length === 0) return;
    const known = new Set([...loadCorpora(), ...loadChallenge()].map((i) => i.text.trim().toLowerCase()));
    expect(blind.filter((c) => known.has(c.text.trim().toLowerCase()))).toEqual([]);
  });

  it('keep the challenge set apart from the training data', () => {
    const known = new Set(loadCorpora().map((i) => i.text.trim().toLowerCase()));
    const challenge = loadChallenge();
    expect(challenge.length).toBeGreaterThanOrEqual(100);
    expect(challenge.filter((c) => known.has(c.text.trim().toLowerCase()))).toEqual([]);
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
