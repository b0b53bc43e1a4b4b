import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findEmailSpans,
  findEmails,
  findPhoneNumberSpans,
  findPhoneNumbers,
  normalizeEmail,
  normalizeIdentifier,
  normalizePhone,
  stripAccents,
} from '../src/identity/normalize.ts';
import { IDENTIFIER_KINDS } from '../src/types.ts';

// Arbitrary strings including astral characters and lone surrogates.
const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', maxLength: 80 }));

/** A fictional US number: any NANP-shaped area code, line 555-0100..555-0199. */
const fictionalUsNumber = fc
  .record({ area: fc.integer({ min: 200, max: 999 }), line: fc.integer({ min: 100, max: 199 }) })
  .map(({ area, line }) => ({ area: String(area), line: String(line).padStart(4, '0') }));

describe('normalizePhone', () => {
  it.each([
    ['(555) 010-0123', '+15550100123'],
    ['555.010.0123', '+15550100123'],
    ['555-010-0123', '+15550100123'],
    ['5550100123', '+15550100123'],
    ['+1 555 010 0123', '+15550100123'],
    ['1 (555) 010-0123', '+15550100123'],
    ['+1 555 555 0123', '+15555550123'],
    ['  +15555550123  ', '+15555550123'],
    ['tel:+1-617-555-0142', '+16175550142'],
    ['617-555-0142 ext. 45', '+16175550142'],
    ['(617) 555-0142 x12', '+16175550142'],
    ['+44 20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
  ])('%s → %s', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  it.each(['12', 'abc', '', '   ', '555-0123', '0123456789', '1234567890', '+1 000 000 0000', 'call 555 010 0123', '555 010 0123 please', '1'.repeat(40), '+'])(
    'rejects %j',
    (raw) => {
      expect(normalizePhone(raw)).toBeNull();
    },
  );

  it('reads national numbers in the given region', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('91 123 45 67', 'ES')).toBe('+34911234567');
    expect(normalizePhone('555 010 0123', 'us')).toBe('+15550100123');
  });

  it('falls back to US for an unknown region instead of throwing', () => {
    expect(normalizePhone('(555) 010-0123', 'ZZ')).toBe('+15550100123');
    expect(normalizePhone('(555) 010-0123', '')).toBe('+15550100123');
  });

  it('returns null for non-strings', () => {
    expect(normalizePhone(undefined as unknown as string)).toBeNull();
    expect(normalizePhone(15550100123 as unknown as string)).toBeNull();
  });

  it('property: normalising an E.164 result returns it unchanged', () => {
    fc.assert(
      fc.property(fc.oneof(fictionalUsNumber.map(({ area, line }) => `(${area}) 555-${line}`), fc.string({ unit: 'binary-ascii' })), (raw) => {
        const once = normalizePhone(raw);
        if (once !== null) expect(normalizePhone(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('property: formatting variants of one number agree', () => {
    fc.assert(
      fc.property(
        fictionalUsNumber.filter(({ area }) => !area.startsWith('0') && !area.startsWith('1')),
        ({ area, line }) => {
          const variants = [
            `(${area}) 555-${line}`,
            `${area}.555.${line}`,
            `${area}-555-${line}`,
            `${area} 555 ${line}`,
            `${area}555${line}`,
            `+1 ${area} 555 ${line}`,
            `1-${area}-555-${line}`,
            `+1 (${area}) 555-${line}`,
          ];
          const expected = `+1${area}555${line}`;
          for (const v of variants) expect(normalizePhone(v)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: never throws', () => {
    fc.assert(
      fc.property(anyString, fc.option(fc.string({ maxLength: 4 }), { nil: undefined }), (raw, region) => {
        const r = normalizePhone(raw, region);
        expect(r === null || /^\+[1-9]\d{5,14}$/.test(r)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('findPhoneNumbers', () => {
  it('finds numbers in order, deduplicated, including fictional 555 numbers', () => {
    const text = 'Call me at (555) 010-0123 or on my cell 617-555-0199; again, (555) 010-0123. Born 03/14/1961.';
    expect(findPhoneNumbers(text)).toEqual(['+15550100123', '+16175550199']);
  });

  it('finds numbers in Spanish text', () => {
    expect(findPhoneNumbers('llámenme al 555 010 0123 por favor')).toEqual(['+15550100123']);
  });

  it('ignores dates, short numbers and plain words', () => {
    expect(findPhoneNumbers('DOB 03/14/1961, zip 02139, code 482913, on 1961-03-14')).toEqual([]);
    expect(findPhoneNumbers('')).toEqual([]);
    expect(findPhoneNumbers('no numbers here')).toEqual([]);
  });

  it('uses the default region for national numbers', () => {
    expect(findPhoneNumbers('ring 020 7946 0958 please', 'GB')).toEqual(['+442079460958']);
  });

  it('reports spans that cover the written number', () => {
    const text = 'cell: (555) 010-0123 thanks';
    const [span] = findPhoneNumberSpans(text);
    expect(span).toBeDefined();
    expect(text.slice(span!.start, span!.end)).toBe('(555) 010-0123');
  });

  it('property: every number found normalises to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 60 }), (text) => {
        for (const n of findPhoneNumbers(text)) expect(normalizePhone(n)).toBe(n);
      }),
      { numRuns: 300 },
    );
  });
});

describe('normalizeEmail', () => {
  it.each([
    ['Maria@Example.org', 'maria@example.org'],
    ['  maria.lopez@example.com ', 'maria.lopez@example.com'],
    ['MARIA+portal@EXAMPLE.NET', 'maria+portal@example.net'],
    ['mailto:ana@example.org', 'ana@example.org'],
    ['<ana@example.org>', 'ana@example.org'],
    ["o'brien_j@mail.example.org", "o'brien_j@mail.example.org"],
    ['user@xn--bcher-kva.example', 'user@xn--bcher-kva.example'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeEmail(raw)).toBe(expected);
  });

  it('keeps dots and +tags: they may be different people', () => {
    expect(normalizeEmail('m.lopez@example.org')).not.toBe(normalizeEmail('mlopez@example.org'));
    expect(normalizeEmail('maria+mom@example.org')).not.toBe(normalizeEmail('maria@example.org'));
  });

  it.each([
    '',
    'maria',
    'maria@',
    '@example.org',
    'maria@example',
    'maria@@example.org',
    'ma ria@example.org',
    '.maria@example.org',
    'maria.@example.org',
    'ma..ria@example.org',
    'maria@-example.org',
    'maria@example..org',
    'maria@example.o',
    'maria@example.123',
    `${'a'.repeat(65)}@example.org`,
    `a@${'b'.repeat(250)}.org`,
    'maría@example.org',
  ])('rejects %j', (raw) => {
    expect(normalizeEmail(raw)).toBeNull();
  });

  it('property: idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), anyString), (raw) => {
        const once = normalizeEmail(raw);
        if (once !== null) expect(normalizeEmail(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('property: case-insensitive', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (raw) => {
        expect(normalizeEmail(raw.toUpperCase())).toBe(normalizeEmail(raw));
        expect(normalizeEmail(raw.toLowerCase())).toBe(normalizeEmail(raw));
      }),
      { numRuns: 300 },
    );
  });

  it('property: accepts generated addresses within length limits', () => {
    fc.assert(
      fc.property(fc.emailAddress({ size: 'small' }), (raw) => {
        const [local] = raw.split('@');
        if (raw.length <= 254 && local!.length <= 64) expect(normalizeEmail(raw)).toBe(raw.toLowerCase());
      }),
      { numRuns: 300 },
    );
  });
});

describe('findEmails', () => {
  it('finds addresses in prose, in order, normalised and deduplicated', () => {
    const text = 'Write to Maria.Lopez@Example.org. Or (jose@example.com), or maria.lopez@example.org again.';
    expect(findEmails(text)).toEqual(['maria.lopez@example.org', 'jose@example.com']);
  });

  it('ignores things that only look like addresses', () => {
    expect(findEmails('meet @ noon, a@b, user@localhost')).toEqual([]);
  });

  it('reports spans', () => {
    const text = 'email: ana+1@example.net, thanks';
    const [span] = findEmailSpans(text);
    expect(text.slice(span!.start, span!.end)).toBe('ana+1@example.net');
  });
});

describe('stripAccents', () => {
  it('removes diacritics and keeps the letters', () => {
    expect(stripAccents('María José Peña Núñez')).toBe('Maria Jose Pena Nunez');
    expect(stripAccents('Ángel Gómez-Díaz')).toBe('Angel Gomez-Diaz');
    expect(stripAccents('Zoë Françoise')).toBe('Zoe Francoise');
    expect(stripAccents('plain')).toBe('plain');
  });

  it('handles decomposed input', () => {
    expect(stripAccents('Mari\u0301a')).toBe('Maria');
  });
});

describe('normalizeIdentifier', () => {
  it('normalises phones and emails like their own functions', () => {
    expect(normalizeIdentifier('phone', '(555) 010-0123')).toBe('+15550100123');
    expect(normalizeIdentifier('phone', '020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizeIdentifier('email', ' Ana@Example.ORG ')).toBe('ana@example.org');
    expect(normalizeIdentifier('phone', 'abc')).toBeNull();
  });

  it('upper-cases MRNs and member ids, keeping only letters, digits and dashes', () => {
    expect(normalizeIdentifier('mrn', ' mrn 123.4567 ')).toBe('MRN1234567');
    expect(normalizeIdentifier('member_id', 'xyz-123 456')).toBe('XYZ-123456');
    expect(normalizeIdentifier('member_id', '--abc--12--')).toBe('ABC-12');
    expect(normalizeIdentifier('member_id', 'ñandú-9')).toBe('NANDU-9');
    expect(normalizeIdentifier('mrn', '   ')).toBeNull();
    expect(normalizeIdentifier('mrn', '***')).toBeNull();
    expect(normalizeIdentifier('mrn', '1'.repeat(65))).toBeNull();
  });

  it('trims and limits portal and chat visitor ids', () => {
    expect(normalizeIdentifier('portal', '  user-42  ')).toBe('user-42');
    expect(normalizeIdentifier('chat_visitor', 'Visitor ABC')).toBe('Visitor ABC');
    expect(normalizeIdentifier('portal', '')).toBeNull();
    expect(normalizeIdentifier('chat_visitor', ' \t ')).toBeNull();
    expect(normalizeIdentifier('portal', 'x'.repeat(500))).toHaveLength(200);
    // A surrogate pair straddling the limit is not cut in half.
    const id = normalizeIdentifier('portal', 'x'.repeat(199) + '😀');
    expect(id).toBe('x'.repeat(199));
  });

  it('property: never throws, and is idempotent', () => {
    fc.assert(
      fc.property(fc.constantFrom(...IDENTIFIER_KINDS), anyString, (kind, raw) => {
        const once = normalizeIdentifier(kind, raw);
        if (once !== null) {
          expect(once.length).toBeGreaterThan(0);
          expect(once.length).toBeLessThanOrEqual(200);
          expect(normalizeIdentifier(kind, once)).toBe(once);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('returns null for an unknown kind or a non-string', () => {
    expect(normalizeIdentifier('fax' as never, '123')).toBeNull();
    expect(normalizeIdentifier('mrn', null as unknown as string)).toBeNull();
  });
});
