import { readdirSync, readFileSync } from 'node:fs';
import type { Language } from '@carethread/core';
import { isIntent, type Intent } from './intents.ts';

/**
 * Training data lives in `packages/assistant/corpus/<language>.json` as
 * `{ "language": "en", "intents": { "<intent>": ["utterance", …] } }`. It is read at start-up
 * so that adding an utterance is a data change, not a code change.
 */

export const CORPUS_LANGUAGES: readonly Language[] = ['en', 'es'];

export interface LabelledUtterance {
  text: string;
  intent: Intent;
  language: Language;
}

export class CorpusError extends Error {}

/** Validates a corpus document and flattens it, keeping the order within each intent. */
export function parseCorpus(document: unknown, source = 'corpus'): LabelledUtterance[] {
  if (typeof document !== 'object' || document === null) throw new CorpusError(`${source}: expected a JSON object`);
  const { language, intents } = document as { language?: unknown; intents?: unknown };
  if (language !== 'en' && language !== 'es') throw new CorpusError(`${source}: "language" must be "en" or "es"`);
  if (typeof intents !== 'object' || intents === null || Array.isArray(intents)) {
    throw new CorpusError(`${source}: "intents" must map intent names to lists of utterances`);
  }
  const out: LabelledUtterance[] = [];
  for (const [intent, list] of Object.entries(intents)) {
    if (!isIntent(intent)) throw new CorpusError(`${source}: unknown intent "${intent}"`);
    if (!Array.isArray(list)) throw new CorpusError(`${source}: intent "${intent}" must list utterances`);
    for (const text of list) {
      if (typeof text !== 'string' || text.trim() === '') throw new CorpusError(`${source}: intent "${intent}" has an empty or non-text utterance`);
      out.push({ text, intent, language });
    }
  }
  return out;
}

const corpusCache = new Map<Language, LabelledUtterance[]>();

/** The shipped corpus of one language (read once per process). */
export function loadCorpus(language: Language): LabelledUtterance[] {
  let cached = corpusCache.get(language);
  if (!cached) {
    const url = new URL(`../corpus/${language}.json`, import.meta.url);
    cached = parseCorpus(JSON.parse(readFileSync(url, 'utf8')), `corpus/${language}.json`);
    corpusCache.set(language, cached);
  }
  return cached;
}

/** Reads a never-trained check set (`{ "items": [{ "language", "intent", "text" }] }`); [] when absent. */
function loadCheckSet(file: string): LabelledUtterance[] {
  const url = new URL(`../corpus/${file}`, import.meta.url);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(url, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const items = (document as { items?: unknown }).items;
  if (!Array.isArray(items)) throw new CorpusError(`corpus/${file}: "items" must be a list`);
  return items.map((raw, i) => {
    const { language, intent, text } = (raw ?? {}) as { language?: unknown; intent?: unknown; text?: unknown };
    if ((language !== 'en' && language !== 'es') || !isIntent(intent) || typeof text !== 'string' || !text.trim()) {
      throw new CorpusError(`corpus/${file}: item ${i} needs language (en|es), a known intent and text`);
    }
    return { language, intent, text };
  });
}

/**
 * The current intent blind set (`corpus/blind/intents-<date>.json`, the newest): written by
 * someone who had not seen the rules, the corpora or the model, after the last training
 * round. Never trained on, never tuned against: read only its totals. Each round retires it
 * (merges it into the corpora) and a fresh one takes its place.
 */
export function loadBlind(): LabelledUtterance[] {
  const file = newestBlind('intents');
  return file ? loadCheckSet(`blind/${file}`) : [];
}

/** An urgent-triage blind item: an emergency (`urgent`) or an alarming-looking routine message. */
export interface UrgentBlindItem {
  language: Language;
  label: 'urgent' | 'routine';
  /** Urgent: the catalogue category the author meant; routine: the kind of look-alike. */
  category: string;
  voice?: string;
  text: string;
}

/** The current urgent-triage blind set (`corpus/blind/urgent-<date>.json`, the newest), same rules as loadBlind. */
export function loadUrgentBlind(): UrgentBlindItem[] {
  const file = newestBlind('urgent');
  if (!file) return [];
  const document = JSON.parse(readFileSync(new URL(`../corpus/blind/${file}`, import.meta.url), 'utf8')) as { items?: unknown };
  if (!Array.isArray(document.items)) throw new CorpusError(`corpus/blind/${file}: "items" must be a list`);
  return document.items.map((raw, i) => {
    const { language, label, category, voice, text } = (raw ?? {}) as Record<string, unknown>;
    if ((language !== 'en' && language !== 'es') || (label !== 'urgent' && label !== 'routine') || typeof category !== 'string' || typeof text !== 'string' || !text.trim()) {
      throw new CorpusError(`corpus/blind/${file}: item ${i} needs language, label (urgent|routine), category and text`);
    }
    return { language, label, category, text, ...(typeof voice === 'string' ? { voice } : {}) };
  });
}

/** The newest `<kind>-<date>.json` in corpus/blind (dates sort as text), or null. */
function newestBlind(kind: string): string | null {
  let names: string[];
  try {
    names = readdirSync(new URL('../corpus/blind/', import.meta.url));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const mine = names.filter((n) => n.startsWith(`${kind}-`) && n.endsWith('.json')).sort();
  return mine.at(-1) ?? null;
}

/**
 * The urgent-symptoms set (`corpus/urgent.json`): emergencies in every catalogue category
 * and language (positives) and alarming-looking routine messages (negatives). The rules'
 * tests require every positive flagged and no negative; the urgent detector trains on it
 * together with the corpora. Never a measure of either: the blind sets are.
 */
export interface UrgentSetItem {
  language: Language;
  text: string;
  urgent: boolean;
  /** Positives: the catalogue category. */
  category?: string;
  /** Negatives: why it is not urgent (negated, historical, treatment, idiom, routine). */
  why?: string;
}

export function loadUrgentSet(): UrgentSetItem[] {
  const url = new URL('../corpus/urgent.json', import.meta.url);
  const document = JSON.parse(readFileSync(url, 'utf8')) as { positives?: unknown; negatives?: unknown };
  if (!Array.isArray(document.positives) || !Array.isArray(document.negatives)) throw new CorpusError('corpus/urgent.json: "positives" and "negatives" must be lists');
  const read = (raw: unknown, urgent: boolean, i: number): UrgentSetItem => {
    const { language, text, category, why } = (raw ?? {}) as Record<string, unknown>;
    if ((language !== 'en' && language !== 'es') || typeof text !== 'string' || !text.trim()) {
      throw new CorpusError(`corpus/urgent.json: ${urgent ? 'positive' : 'negative'} ${i} needs language (en|es) and text`);
    }
    return { language, text, urgent, ...(typeof category === 'string' ? { category } : {}), ...(typeof why === 'string' ? { why } : {}) };
  };
  return [...document.positives.map((r, i) => read(r, true, i)), ...document.negatives.map((r, i) => read(r, false, i))];
}

/** Every shipped utterance in every language. */
export function loadCorpora(): LabelledUtterance[] {
  return CORPUS_LANGUAGES.flatMap((l) => loadCorpus(l));
}

/** Every HELD_OUT_EVERY-th utterance of each intent (the 5th, 10th, …) is held out. */
export const HELD_OUT_EVERY = 5;

/**
 * Deterministic split: within each language and intent, utterance number k (1-based) is
 * held out when k is a multiple of HELD_OUT_EVERY. Appending utterances never moves an
 * existing one from one side to the other.
 */
export function splitCorpus(items: readonly LabelledUtterance[], every = HELD_OUT_EVERY): { train: LabelledUtterance[]; heldOut: LabelledUtterance[] } {
  const seen = new Map<string, number>();
  const train: LabelledUtterance[] = [];
  const heldOut: LabelledUtterance[] = [];
  for (const item of items) {
    const key = `${item.language}:${item.intent}`;
    const k = (seen.get(key) ?? 0) + 1;
    seen.set(key, k);
    (k % every === 0 ? heldOut : train).push(item);
  }
  return { train, heldOut };
}

/**
 * The urgent set split the same way as the corpora: within each language and label
 * (urgent/routine), item number k (1-based) is held out when k is a multiple of `every`.
 * The detector's nurse-line threshold is chosen on the held-out part, never on a blind set.
 */
export function splitUrgentSet(items: readonly UrgentSetItem[], every = HELD_OUT_EVERY): { train: UrgentSetItem[]; heldOut: UrgentSetItem[] } {
  const seen = new Map<string, number>();
  const train: UrgentSetItem[] = [];
  const heldOut: UrgentSetItem[] = [];
  for (const item of items) {
    const key = `${item.language}:${item.urgent}`;
    const k = (seen.get(key) ?? 0) + 1;
    seen.set(key, k);
    (k % every === 0 ? heldOut : train).push(item);
  }
  return { train, heldOut };
}
