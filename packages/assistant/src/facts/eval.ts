import { readdirSync, readFileSync } from 'node:fs';
import { FACT_NAMES, type FactName, type Language } from '@carethread/core';
import { extractPatientFacts } from './index.ts';
import { genericOf } from './medications.ts';

/**
 * Scores the fact extractor on the blind sets (`corpus/blind/facts-<language>-<date>.json`,
 * the newest of each language): `{ items: [{ language, fact, text, expected: {…}, absent: […] }] }`.
 * Only aggregates come out (per fact kind and language: n, the share captured with the right
 * value, the number of wrong values); never an item, so the sets stay blind.
 *
 * An item is captured right when every expected value is among what the extractor found for
 * that fact. A wrong value is a value found for an expected fact that is not the expected one,
 * or any value found for a fact the item lists as absent. Values are compared by meaning, not
 * spelling: dates as ISO dates, phones by their digits, ids without spaces or dashes,
 * medicines by generic name, names and pharmacies by their words (accents, case, punctuation
 * and words like "pharmacy" or "on" aside), preferred times by their parts (day, date,
 * weekday, part of the day, hour, before/after).
 */

/** Reference time of the sets: Monday 2026-03-02 10:00. */
export const FACTS_BLIND_REFERENCE = new Date('2026-03-02T10:00:00Z');
const TIME_ZONE = 'UTC';

export interface FactKindScore {
  n: number;
  right: number;
  /** right / n */
  captured: number;
  wrong: number;
}

export interface FactsBlindReport {
  /** language → fact kind → score; `all` sums the kinds of a language. */
  languages: Partial<Record<Language, Record<string, FactKindScore>>>;
  /** Items whose expected keys name no fact this scorer knows (counted, never shown). */
  unscored: number;
}

export interface BlindItem {
  language: Language;
  fact: string;
  text: string;
  expected: Record<string, unknown>;
  absent: string[];
  awaiting?: string;
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

const ALIASES: Record<string, FactName | 'name'> = {
  givenname: 'givenName', firstname: 'givenName', given: 'givenName', first: 'givenName', nombre: 'givenName',
  familyname: 'familyName', lastname: 'familyName', surname: 'familyName', family: 'familyName', last: 'familyName', apellido: 'familyName', apellidos: 'familyName',
  name: 'name', fullname: 'name', names: 'name',
  birthdate: 'birthDate', dateofbirth: 'birthDate', dob: 'birthDate', birthday: 'birthDate', fechadenacimiento: 'birthDate',
  phone: 'phone', phonenumber: 'phone',
  callbacknumber: 'callbackNumber', callback: 'callbackNumber', callbackphone: 'callbackNumber',
  email: 'email',
  reason: 'reason',
  preferredtime: 'preferredTime', time: 'preferredTime', preferredtimes: 'preferredTime',
  medication: 'medication', medications: 'medication', medicine: 'medication', drug: 'medication',
  pharmacy: 'pharmacy',
  memberid: 'memberId', member: 'memberId', membernumber: 'memberId',
  mrn: 'mrn',
};

function factKey(key: string): FactName | 'name' | null {
  if ((FACT_NAMES as readonly string[]).includes(key)) return key as FactName;
  return ALIASES[fold(key).replace(/[^a-z]/g, '')] ?? null;
}

function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(asText).filter((v) => v !== null).join(', ');
  if (value && typeof value === 'object') return Object.values(value as Record<string, unknown>).map(asText).filter((v) => v !== null).join(', ');
  return null;
}

// --- comparisons ---------------------------------------------------------------------

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  enero: 1, febrero: 2, marzo: 3, abril: 4, mayo: 5, junio: 6, julio: 7, agosto: 8, septiembre: 9, octubre: 10, noviembre: 11, diciembre: 12,
};

function isoOf(value: string): string | null {
  const v = fold(value).trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(v);
  if (m) return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (m) return `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;
  m = /^([a-z]+)\s+(\d{1,2}),?\s+(\d{4})$/.exec(v);
  if (m && MONTHS[m[1]!]) return `${m[3]}-${String(MONTHS[m[1]!]).padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;
  return null;
}

function words(value: string): string[] {
  return fold(value).replace(/['’]s\b/g, '').split(/[^a-z0-9ñ]+/).filter(Boolean);
}

const PHARMACY_FILLER = new Set(['the', 'a', 'pharmacy', 'pharmacies', 'farmacia', 'farmacias', 'drugstore', 'on', 'at', 'in', 'near', 'by', 'of', 'de', 'del', 'la', 'el', 'las', 'los', 'en', 'y', 'and', 'que', 'esta', 'queda', 'store', 'location', 'branch', 'sucursal']);
const ABBREVIATIONS: Record<string, string> = {
  st: 'street', str: 'street', ave: 'avenue', av: 'avenida', avda: 'avenida', rd: 'road', blvd: 'boulevard', dr: 'drive', ln: 'lane', hwy: 'highway', pkwy: 'parkway', ct: 'court', pl: 'place',
  n: 'north', s: 'south', e: 'east', w: 'west', c: 'calle', col: 'colonia', first: '1st', second: '2nd', third: '3rd', fourth: '4th', fifth: '5th',
};

function pharmacyWords(value: string): Set<string> {
  const out = new Set<string>();
  for (const w of words(value)) {
    if (PHARMACY_FILLER.has(w)) continue;
    const expanded = ABBREVIATIONS[w] ?? w;
    out.add(expanded.length > 3 && expanded.endsWith('s') ? expanded.slice(0, -1) : expanded);
  }
  return out;
}

const WEEKDAY: Record<string, number> = {
  sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6,
  domingo: 0, lunes: 1, martes: 2, miercoles: 3, jueves: 4, viernes: 5, sabado: 6,
};

/** The parts of a preferred time: dates, weekdays, parts of the day, hours with before/after. */
function timeParts(value: string): Set<string> {
  const v = fold(value);
  const out = new Set<string>();
  for (const m of v.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) {
    out.add(`date:${m[0]}`);
    out.add(`weekday:${new Date(`${m[0]}T12:00:00Z`).getUTCDay()}`);
  }
  for (const m of v.matchAll(/\b(sunday|monday|tuesday|wednesday|thursday|friday|saturday|domingo|lunes|martes|miercoles|jueves|viernes|sabado)s?\b/g)) out.add(`weekday:${WEEKDAY[m[1]!]}`);
  if (/\b(?:weekdays?|entre semana|dias de semana|lunes a viernes)\b/.test(v)) out.add('days:weekdays');
  if (/\bweekends?\b|fin(?:es)? de semana/.test(v)) out.add('days:weekend');
  if (/\bmornings?\b|\b(?:la|las|por la|en la|de la) mananas?\b|\bam\b(?!\s*\d)|temprano/.test(v)) out.add('part:morning');
  if (/\bafternoons?\b|\btardes?\b/.test(v)) out.add('part:afternoon');
  if (/\bevenings?\b|\bnights?\b|\bnoches?\b/.test(v)) out.add('part:evening');
  if (/\b(?:today|hoy)\b/.test(v)) out.add(`date:${isoDay(0)}`);
  if (/\b(?:tomorrow)\b/.test(v) || /\bmanana\b(?!\s*$)/.test(v.replace(/\b(?:la|las|por la|en la|de la) mananas?\b/g, ''))) out.add(`date:${isoDay(1)}`);
  for (const m of v.matchAll(/\b(after|before|around|from|until|by|despues de(?: las?)?|antes de(?: las?)?|a partir de(?: las?)?|desde(?: las?)?|hasta(?: las?)?)?\s*(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|h\b|hrs\b)?/g)) {
    if (/^\d{4}$/.test(m[2]! + (m[3] ?? '')) && !m[3]) continue;
    const raw = Number(m[2]);
    if (raw > 23 || (m[0].trim() === m[2] && !m[1] && !m[3] && !m[4])) continue;
    let h = raw;
    if (m[4]?.startsWith('p') && h < 12) h += 12;
    if (m[4]?.startsWith('a') && h === 12) h = 0;
    if (!m[4] && !m[3] && h >= 1 && h <= 6) h += 12;
    if (!m[4] && m[3] && h >= 1 && h <= 6) h += 12;
    const q = m[1] ? (/after|despues|a partir|desde|from/.test(m[1]) ? 'after' : /before|antes|until|hasta|by/.test(m[1]) ? 'before' : '') : '';
    out.add(`hour:${q}${String(h).padStart(2, '0')}:${m[3] ?? '00'}`);
  }
  if (/\b(?:noon|midday|mediodia)\b/.test(v) && ![...out].some((p) => p.startsWith('hour:'))) out.add('hour:12:00');
  return out;
}

function isoDay(offset: number): string {
  const d = new Date(FACTS_BLIND_REFERENCE);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

function digits(value: string): string {
  const d = value.replace(/\D/g, '');
  return d.length > 10 && d.startsWith('1') ? d.slice(-10) : d;
}

function same(name: FactName, expected: string, found: string): boolean {
  switch (name) {
    case 'birthDate': {
      const e = isoOf(expected);
      return e !== null && e === isoOf(found);
    }
    case 'phone':
    case 'callbackNumber': {
      const e = digits(expected);
      return e.length >= 7 && e === digits(found);
    }
    case 'memberId':
    case 'mrn':
      return fold(expected).replace(/[^a-z0-9]/g, '') === fold(found).replace(/[^a-z0-9]/g, '');
    case 'email':
      return fold(expected).trim() === fold(found).trim();
    case 'medication': {
      const first = words(expected).find((w) => !/^\d/.test(w)) ?? '';
      const e = genericOf(first) ?? first;
      const f = genericOf(found) ?? fold(found).trim();
      return e !== '' && e === f;
    }
    case 'pharmacy': {
      const e = pharmacyWords(expected);
      const f = pharmacyWords(found);
      return e.size > 0 && e.size === f.size && [...e].every((w) => f.has(w));
    }
    case 'preferredTime': {
      const e = timeParts(expected);
      const f = timeParts(found);
      if (e.size === 0) return words(expected).join(' ') === words(found).join(' ');
      return [...e].every((p) => f.has(p));
    }
    default:
      return words(expected).join(' ') === words(found).join(' ');
  }
}

// --- loading and scoring ------------------------------------------------------------

function newestFile(language: Language): string | null {
  let names: string[];
  try {
    names = readdirSync(new URL('../../corpus/blind/', import.meta.url));
  } catch {
    return null;
  }
  return names.filter((n) => n.startsWith(`facts-${language}-`) && n.endsWith('.json')).sort().at(-1) ?? null;
}

export function loadFactsBlind(language: Language): BlindItem[] {
  const file = newestFile(language);
  if (!file) return [];
  const document = JSON.parse(readFileSync(new URL(`../../corpus/blind/${file}`, import.meta.url), 'utf8')) as { items?: unknown };
  if (!Array.isArray(document.items)) throw new Error(`corpus/blind/${file}: "items" must be a list`);
  return document.items
    .filter((raw): raw is Record<string, unknown> => !!raw && typeof raw === 'object')
    .map((raw) => ({
      language: raw.language === 'es' ? 'es' : raw.language === 'en' ? 'en' : language,
      fact: typeof raw.fact === 'string' ? raw.fact : 'unknown',
      text: typeof raw.text === 'string' ? raw.text : '',
      expected: raw.expected && typeof raw.expected === 'object' && !Array.isArray(raw.expected) ? (raw.expected as Record<string, unknown>) : {},
      absent: Array.isArray(raw.absent) ? raw.absent.filter((a): a is string => typeof a === 'string') : [],
      ...(typeof raw.awaiting === 'string' ? { awaiting: raw.awaiting } : {}),
    }));
}

export function scoreFactsBlind(languages: readonly Language[] = ['en', 'es'], load: (language: Language) => BlindItem[] = loadFactsBlind): FactsBlindReport {
  const report: FactsBlindReport = { languages: {}, unscored: 0 };
  for (const language of languages) {
    const table: Record<string, FactKindScore> = {};
    const bump = (kind: string, right: boolean, wrong: number) => {
      for (const k of [kind, 'all']) {
        const s = (table[k] ??= { n: 0, right: 0, captured: 0, wrong: 0 });
        s.n += 1;
        if (right) s.right += 1;
        s.wrong += wrong;
      }
    };
    for (const item of load(language)) {
      const awaiting = item.awaiting ? factKey(item.awaiting) : null;
      const found = extractPatientFacts(item.text, {
        language: item.language,
        reference: FACTS_BLIND_REFERENCE,
        timeZone: TIME_ZONE,
        defaultRegion: 'US',
        ...(awaiting && awaiting !== 'name' ? { awaiting } : {}),
      });
      const valuesOf = (name: FactName) => found.filter((f) => f.name === name).map((f) => f.value);
      const kindKey = factKey(item.fact);
      const kind = kindKey === 'givenName' || kindKey === 'familyName' ? 'name' : (kindKey ?? item.fact);
      let right = true;
      let wrong = 0;
      let scored = 0;
      for (const [key, raw] of Object.entries(item.expected)) {
        const name = factKey(key);
        const expected = asText(raw);
        if (!name || expected === null || expected.trim() === '') continue;
        scored++;
        if (name === 'name') {
          const given = valuesOf('givenName')[0];
          const family = valuesOf('familyName')[0];
          const full = [given, family].filter(Boolean).join(' ');
          const ok = full !== '' && same('givenName', expected, full);
          if (!ok) {
            right = false;
            if (full) wrong++;
          }
          continue;
        }
        const values = valuesOf(name);
        if (values.some((v) => same(name, expected, v))) continue;
        right = false;
        if (values.length > 0) wrong++;
      }
      for (const key of item.absent) {
        const name = factKey(key);
        if (!name) continue;
        const names: FactName[] = name === 'name' ? ['givenName', 'familyName'] : [name];
        if (names.some((n) => valuesOf(n).length > 0)) wrong++;
      }
      if (scored === 0 && item.absent.length === 0) {
        report.unscored++;
        continue;
      }
      // An item with nothing expected is right when nothing absent was found.
      bump(kind, scored > 0 ? right : wrong === 0, wrong);
    }
    for (const s of Object.values(table)) s.captured = s.n === 0 ? 0 : s.right / s.n;
    if (Object.keys(table).length) report.languages[language] = table;
  }
  return report;
}

/** Lower end of the 95 % Wilson score interval for `right` successes out of `n`. */
export function wilsonLower(right: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = right / n;
  const denominator = 1 + (z * z) / n;
  const centre = p + (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return (centre - spread) / denominator;
}

/** One line per language and fact kind: aggregates only. */
export function formatFactsBlind(report: FactsBlindReport): string {
  const lines: string[] = [];
  for (const [language, table] of Object.entries(report.languages)) {
    for (const [kind, s] of Object.entries(table!).sort(([a], [b]) => (a === 'all' ? 1 : b === 'all' ? -1 : a.localeCompare(b)))) {
      lines.push(`${language} ${kind.padEnd(15)} captured right ${(s.captured * 100).toFixed(1).padStart(5)} %  (Wilson 95 % lower ${(wilsonLower(s.right, s.n) * 100).toFixed(1)} %)  wrong values ${String(s.wrong).padStart(3)}  n ${s.n}`);
    }
  }
  if (report.unscored) lines.push(`unscored items: ${report.unscored}`);
  return lines.join('\n');
}
