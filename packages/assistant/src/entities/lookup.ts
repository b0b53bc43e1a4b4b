import { editDistanceWithin, MEDICATION_TERMS, medicationGeneric } from '@carethread/core';
import { foldAligned, tokenize, type Token } from '../text.ts';

/**
 * Medication names (core's built-in list, typos within one or two letters) and the
 * organisation's own departments and providers, matched accent- and case-insensitively.
 */

export interface LookupHit {
  value: string;
  id?: string;
  text: string;
  start: number;
  end: number;
  confidence: number;
}

/** A department or provider as the organisation names it, with optional other spellings. */
export type NamedThing = string | { id?: string; name: string; aliases?: readonly string[] };

// Common words within two edits of a medicine name are never read as that medicine.
const NOT_MEDICATION = new Set(['insulting', 'cipher', 'lasik', 'lasso', 'allergy', 'coregistration', 'prozaic', 'cryptic']);

export function findMedications(original: string, folded: string = foldAligned(original)): LookupHit[] {
  const out: LookupHit[] = [];
  for (const t of tokenize(folded)) {
    let generic = medicationGeneric(t.text);
    let confidence = 0.9;
    if (!generic && t.text.length >= 6 && !NOT_MEDICATION.has(t.text) && /^\p{L}+$/u.test(t.text)) {
      const budget = t.text.length >= 9 ? 2 : 1;
      for (const term of MEDICATION_TERMS) {
        if (term.length < 6 || term[0] !== t.text[0]) continue;
        if (editDistanceWithin(t.text, term, budget)) {
          generic = medicationGeneric(term);
          confidence = 0.7;
          break;
        }
      }
    }
    if (generic && !out.some((o) => o.value === generic && o.start === t.start)) {
      out.push({ value: generic, text: original.slice(t.start, t.end), start: t.start, end: t.end, confidence });
    }
  }
  return out;
}

// --- departments and providers ------------------------------------------------------

const TITLES = new Set(['dr', 'dra', 'doctor', 'doctora', 'doc', 'md', 'do', 'np', 'pa', 'rn', 'prof', 'mr', 'mrs', 'ms', 'sr', 'sra', 'srta', 'nurse', 'enfermera', 'enfermero', 'lic', 'licenciada', 'licenciado']);
const NAME_STOP = new Set(['the', 'of', 'and', 'de', 'la', 'el', 'del', 'los', 'las', 'y', 'department', 'dept', 'departamento', 'clinic', 'clinica', 'service', 'services', 'servicio', 'servicios', 'unit', 'unidad', 'center', 'centre', 'centro', 'area', 'division', 'office', 'consultorio']);

/**
 * A rough cross-language stem for department words: cardiology / cardiología / cardiólogo
 * → "cardiolog", pediatrics / pediatría / pediatrician → "pediatr", orthopedics / ortopedia
 * → "ortoped". Spelling variants th/t, ph/f, y/i, k/c are merged first.
 */
export function departmentStem(word: string): string {
  let w = word.replace(/th/g, 't').replace(/ph/g, 'f').replace(/y/g, 'i').replace(/k/g, 'c').replace(/(\p{L})\1+/gu, '$1');
  w = w.replace(/(?:olog(?:ist|ists|ia|ias|i|o|a|os|as|ical|ico|ica))$/, 'olog');
  w = w.replace(/(?:ician|icians|ist|ists|ics|ic|ica|ico|ia|ias|ie|al|ia|es|s)$/, '');
  return w;
}

interface Pattern {
  id?: string;
  value: string;
  /** Folded key words, in order. */
  words: string[];
  stems: string[];
}

function patternsOf(things: readonly NamedThing[] | undefined): Pattern[] {
  const out: Pattern[] = [];
  for (const thing of things ?? []) {
    const name = typeof thing === 'string' ? thing : thing?.name;
    if (typeof name !== 'string' || name.trim() === '') continue;
    const id = typeof thing === 'string' ? undefined : thing.id;
    const spellings = [name, ...(typeof thing === 'string' ? [] : (thing.aliases ?? []))];
    for (const spelling of spellings) {
      if (typeof spelling !== 'string') continue;
      const words = tokenize(foldAligned(spelling))
        .map((t) => t.text.replace(/'/g, ''))
        .filter((w) => !TITLES.has(w) && !NAME_STOP.has(w) && w.length >= 2);
      if (words.length === 0 || words.length > 6) continue;
      out.push({ ...(id ? { id } : {}), value: name, words, stems: words.map(departmentStem) });
    }
  }
  return out;
}

function wordMatches(text: string, key: string, stemText: string, stemKey: string): number {
  if (text === key) return 1;
  if (key.length < 4 || text.length < 4) return 0;
  if (stemKey.length >= 4 && stemText === stemKey) return 0.95;
  const budget = Math.min(2, Math.floor(Math.max(text.length, key.length) / 5));
  if (budget > 0 && editDistanceWithin(text, key, budget)) return 0.85;
  if (stemKey.length >= 5 && editDistanceWithin(stemText, stemKey, 1)) return 0.8;
  return 0;
}

/** Departments named in the text: every key word of a name must appear, in order, close together. */
export function findDepartments(original: string, folded: string, things: readonly NamedThing[] | undefined): LookupHit[] {
  const patterns = patternsOf(things);
  if (patterns.length === 0) return [];
  const tokens = tokenize(folded);
  const stems = tokens.map((t) => departmentStem(t.text));
  const out: LookupHit[] = [];
  for (const p of patterns) {
    const hit = matchSequence(tokens, stems, p, 2);
    if (hit) pushBest(out, { ...(p.id ? { id: p.id } : {}), value: p.value, text: original.slice(hit.start, hit.end), start: hit.start, end: hit.end, confidence: hit.score });
  }
  return out;
}

function matchSequence(tokens: Token[], stems: string[], p: Pattern, maxGap: number): { start: number; end: number; score: number } | null {
  for (let i = 0; i < tokens.length; i++) {
    let score = wordMatches(tokens[i]!.text, p.words[0]!, stems[i]!, p.stems[0]!);
    if (score === 0) continue;
    let j = i;
    let ok = true;
    for (let k = 1; k < p.words.length && ok; k++) {
      let found = false;
      for (let g = 1; g <= maxGap + 1 && j + g < tokens.length; g++) {
        const s = wordMatches(tokens[j + g]!.text, p.words[k]!, stems[j + g]!, p.stems[k]!);
        if (s > 0) {
          score = Math.min(score, s);
          j += g;
          found = true;
          break;
        }
      }
      ok = found;
    }
    if (ok) return { start: tokens[i]!.start, end: tokens[j]!.end, score };
  }
  return null;
}

function pushBest(out: LookupHit[], hit: LookupHit): void {
  const overlapping = out.findIndex((o) => o.start < hit.end && hit.start < o.end);
  if (overlapping === -1) out.push(hit);
  else if (out[overlapping]!.confidence < hit.confidence || (out[overlapping]!.confidence === hit.confidence && out[overlapping]!.end - out[overlapping]!.start < hit.end - hit.start)) {
    out[overlapping] = hit;
  }
}

const TITLE_BEFORE = /\b(?:dr|dra|doctor|doctora|doc|nurse|enfermera|enfermero|prof|mr|mrs|ms|sr|sra|srta)\.?\s*$/;
/** Weaker than a title: the surname must then be written with a capital ("with Young", not "with young people"). */
const WITH_BEFORE = /\b(?:with|con|see|ver\s+a|ver\s+al|ver\s+a\s+la)\s*$/;

/**
 * Providers named in the text. The whole name matches anywhere; the family name alone only
 * after a title or "with"/"con" ("Dr. Núñez", "con la doctora Nunez"), because surnames are
 * often ordinary words (Young, Price, Rosa).
 */
export function findProviders(original: string, folded: string, things: readonly NamedThing[] | undefined): LookupHit[] {
  const patterns = patternsOf(things);
  if (patterns.length === 0) return [];
  const tokens = tokenize(folded);
  const out: LookupHit[] = [];
  for (const p of patterns) {
    const exactOrTypo = (text: string, key: string) => (text === key ? 1 : key.length >= 5 && editDistanceWithin(text, key, 1) ? 0.85 : 0);
    // Full name (given … family), adjacent words.
    if (p.words.length >= 2) {
      const seq = matchSequence(tokens, tokens.map((t) => t.text), { ...p, stems: p.words }, 1);
      if (seq) {
        pushBest(out, { ...(p.id ? { id: p.id } : {}), value: p.value, text: original.slice(seq.start, seq.end), start: seq.start, end: seq.end, confidence: Math.min(0.95, seq.score) });
        continue;
      }
    }
    const family = p.words[p.words.length - 1]!;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const score = exactOrTypo(t.text, family);
      if (score === 0) continue;
      let from = t.start;
      // "Dr. Ana Núñez" with a given name between the title and the surname.
      const givenBefore = i > 0 && p.words.length >= 2 && exactOrTypo(tokens[i - 1]!.text, p.words[0]!) > 0;
      if (givenBefore) from = tokens[i - 1]!.start;
      const lead = folded.slice(Math.max(0, from - 20), from);
      const capital = /^\p{Lu}/u.test(original.slice(from, from + 1));
      const titled = TITLE_BEFORE.test(lead) || (capital && WITH_BEFORE.test(lead));
      if (!titled && !givenBefore) continue;
      pushBest(out, { ...(p.id ? { id: p.id } : {}), value: p.value, text: original.slice(from, t.end), start: from, end: t.end, confidence: Math.min(0.9, score) });
      break;
    }
  }
  return out;
}
