import { fold } from '../../src/facts/text.ts';
import type { PlantedIdentifier } from '../../src/synthetic.ts';

// ---------------------------------------------------------------------------------------
// Survival checks: a planted identifier survives if its value, or any normalised variant of
// it, can still be found in the scrubbed text.

const MONTHS = /\b(?:january|february|march|april|june|july|august|september|october|november|december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|ene|abr|ago|dic)\b/;

/** Digits with their separators removed, so "555 - 01 23" reads 5550123. */
function digitStream(s: string): string {
  return s.replace(/(?<=\d)[\s().\-+/]+(?=\d)/g, '');
}
const alnum = (s: string) => fold(s).replace(/[^a-z0-9]/g, '');
const word = (w: string) => new RegExp(`(?<![\\p{L}\\p{N}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u');

export function survivors(output: string, planted: readonly PlantedIdentifier[]): Array<{ planted: PlantedIdentifier; needle: string }> {
  const out = fold(output);
  const digits = digitStream(output);
  const packed = alnum(output);
  const found: Array<{ planted: PlantedIdentifier; needle: string }> = [];
  const check = (p: PlantedIdentifier, hit: boolean, needle: string) => {
    if (hit) found.push({ planted: p, needle });
  };
  for (const p of planted) {
    const surface = fold(p.surface);
    if (surface.length >= 4 && !['name'].includes(p.kind)) check(p, out.includes(surface), surface);
    switch (p.kind) {
      case 'name':
        for (const part of fold(p.value).split(/[\s'-]+/).filter((x) => x.length >= 3 && !['del', 'las', 'los'].includes(x))) check(p, word(part).test(out), part);
        break;
      case 'phone':
      case 'fax': {
        const national = p.value.replace(/^\+1/, '');
        check(p, digits.includes(national.slice(-7)), national.slice(-7));
        break;
      }
      case 'email': {
        const [local, domain] = fold(p.value).split('@') as [string, string];
        check(p, out.includes(fold(p.value)), p.value);
        check(p, alnum(output).includes(alnum(local)), local);
        void domain;
        break;
      }
      case 'address': {
        const m = /^(\d+)\s+(\S+)/.exec(fold(p.value));
        if (m) check(p, new RegExp(`\\b${m[1]}\\s+${m[2]}`).test(out), `${m[1]} ${m[2]}`);
        if (m) check(p, word(m[1]!).test(digits), m[1]!);
        break;
      }
      case 'city':
        check(p, word(fold(p.value)).test(out), p.value);
        break;
      case 'zip':
        check(p, digits.includes(p.value), p.value);
        break;
      case 'birth_date':
      case 'date': {
        const [, m, d] = p.value.split('-').map(Number) as [number, number, number];
        check(p, MONTHS.test(out), 'a month name');
        check(p, new RegExp(`(?<!\\d)0?${m}\\s*[/.-]\\s*0?${d}(?!\\d)|(?<!\\d)0?${d}\\s*[/.-]\\s*0?${m}(?!\\d)`).test(output), `${m}/${d}`);
        check(p, /\b\d{4}-\d{2}-\d{2}\b/.test(output), 'an ISO date');
        break;
      }
      case 'age':
        // The scrubber writes "90+" in place of the age; that is the one 90 allowed.
        check(p, word(p.value).test(output.replace(/\b90\+/g, '')), p.value);
        check(p, /\b(?:ninety|noventa|hundred|cien)/.test(out), 'a spelled age');
        break;
      case 'mrn':
      case 'member_id':
      case 'account':
      case 'ssn':
      case 'license': {
        const core = p.value.replace(/\D/g, '');
        check(p, digits.includes(core.replace(/^0+/, '')), core);
        check(p, packed.includes(alnum(p.value)), p.value);
        break;
      }
      case 'vehicle':
      case 'device':
        check(p, packed.includes(alnum(p.value)), p.value);
        check(p, digits.includes(p.value.replace(/\D/g, '')), p.value.replace(/\D/g, ''));
        break;
      case 'url':
        check(p, out.includes('example.'), 'the host');
        break;
      case 'ip':
        check(p, out.includes(fold(p.value)), p.value);
        break;
    }
  }
  return found;
}

