import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  blockingKeys,
  compareBirthDates,
  compareDemographics,
  compareNames,
  defaultMatchModel,
  findMatchingPairs,
  type Demographics,
  type MatchModel,
} from '../src/identity/match.ts';
import { isNeighbourSwap, withinOneEdit } from '../src/identity/match-strings.ts';
import { createRng } from '../src/synthetic.ts';

// ---------------------------------------------------------------------------------------
// fixtures

const lopezHome: Demographics = {
  familyName: 'Lopez',
  phone: '+15555550123',
  email: 'lopez.family@example.org',
  streetNumber: '12',
  addressLine: 'Elm Street',
  city: 'Springfield',
  postcode: '62704',
  state: 'IL',
};
const maria: Demographics = { ...lopezHome, givenName: 'María', birthDate: '1961-03-14', sex: 'F' };


// ---------------------------------------------------------------------------------------
// field comparisons

describe('compareNames', () => {
  it('agrees on equal names, ignoring case, accents and stray spaces', () => {
    expect(compareNames('José', 'jose')).toBe('agree');
    expect(compareNames('Zoë', 'ZOE')).toBe('agree');
    expect(compareNames('Mary Ann', 'maryann')).toBe('agree');
    expect(compareNames('jac ob', 'Jacob')).toBe('agree');
  });

  it('gives partial credit to typos, dropped second names and names that sound alike', () => {
    expect(compareNames('Jonathan', 'Jonahtan')).toBe('partial'); // swapped letters
    expect(compareNames('Christopher', 'Christoper')).toBe('partial'); // dropped letter
    expect(compareNames('Mary Ann', 'Mary')).toBe('partial');
    expect(compareNames('Catherine', 'Kathryn')).toBe('partial'); // double metaphone K0RN
    expect(compareNames('Smith', 'Schmidt')).toBe('partial');
  });

  it('disagrees on different names and reports missing when either side is empty', () => {
    expect(compareNames('Smith', 'Jones')).toBe('disagree');
    expect(compareNames('Maria', 'Carlos')).toBe('disagree');
    expect(compareNames('Maria', undefined)).toBe('missing');
    expect(compareNames('  ', 'Maria')).toBe('missing');
  });

  it('scores a phonetic-only likeness below a typo', () => {
    const base: Demographics = { familyName: 'Smith', birthDate: '1980-03-04' };
    const typo = compareDemographics({ ...base, givenName: 'Catherine' }, { ...base, givenName: 'Cathreine' });
    const sounds = compareDemographics({ ...base, givenName: 'Catherine' }, { ...base, givenName: 'Kathryn' });
    const other = compareDemographics({ ...base, givenName: 'Catherine' }, { ...base, givenName: 'Deborah' });
    expect(typo.weight).toBeGreaterThan(sounds.weight);
    expect(sounds.weight).toBeGreaterThan(other.weight);
  });
});

describe('compareBirthDates', () => {
  it('agrees on the same date', () => {
    expect(compareBirthDates('1980-03-04', '1980-03-04')).toBe('agree');
  });

  it('treats the usual slips as partial agreement', () => {
    expect(compareBirthDates('1980-03-04', '1980-04-03')).toBe('partial'); // day and month swapped
    expect(compareBirthDates('1980-03-04', '1980-03-24')).toBe('partial'); // one digit
    expect(compareBirthDates('1980-03-04', '1908-03-04')).toBe('partial'); // neighbouring digits swapped
    expect(compareBirthDates('1980-03-04', '1980-03-29')).toBe('partial'); // same year and month
  });

  it('disagrees on unrelated dates and ignores malformed ones', () => {
    expect(compareBirthDates('1980-03-04', '1975-11-20')).toBe('disagree');
    expect(compareBirthDates('1980-03-04', '1980-13-45')).toBe('missing');
    expect(compareBirthDates('1980-03-04', 'last tuesday')).toBe('missing');
    expect(compareBirthDates(undefined, '1980-03-04')).toBe('missing');
  });

  it('weighs a slip above a same-month coincidence and below an exact match', () => {
    const w = (d: string) => compareDemographics({ birthDate: '1980-03-04' }, { birthDate: d }).weight;
    expect(w('1980-03-04')).toBeGreaterThan(w('1980-04-03'));
    expect(w('1980-04-03')).toBeGreaterThan(w('1980-03-29'));
    expect(w('1980-03-29')).toBeGreaterThan(w('1975-11-20'));
  });
});

describe('string helpers', () => {
  it('recognise one keying slip', () => {
    expect(withinOneEdit('hathaway', 'hathaay')).toBe(true);
    expect(withinOneEdit('snell', 'snlel')).toBe(true);
    expect(withinOneEdit('snell', 'sndl')).toBe(false);
    expect(isNeighbourSwap('6243938', '6249338')).toBe(true);
    expect(isNeighbourSwap('2753223', '2753253')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// whole-record decisions

describe('compareDemographics', () => {
  it('links a record with itself', () => {
    const s = compareDemographics(maria, maria);
    expect(s.decision).toBe('link');
    expect(s.fields.find((f) => f.field === 'givenName')?.outcome).toBe('agree');
  });

  it('reports every field with weights that add up to the total', () => {
    const s = compareDemographics(maria, { ...maria, givenName: 'Mario', phone: undefined });
    const sum = s.fields.reduce((t, f) => t + f.weight, 0) + s.addressFloored - s.householdCapped;
    expect(Math.abs(sum - s.weight)).toBeLessThan(0.01);
    expect(s.fields.find((f) => f.field === 'phone')?.outcome).toBe('missing');
    expect(s.fields.find((f) => f.field === 'phone')?.weight).toBe(0);
  });

  it('links despite given and family name entered in each other\'s boxes', () => {
    const a: Demographics = { givenName: 'Sophie', familyName: 'Snell', birthDate: '1923-11-14', postcode: '2372' };
    const b: Demographics = { givenName: 'Snell', familyName: 'Sophie', birthDate: '1923-11-14', postcode: '2372' };
    const s = compareDemographics(a, b);
    expect(s.namesSwapped).toBe(true);
    expect(s.decision).toBe('link');
  });

  it('links a typo in the name plus day and month swapped when the rest agrees', () => {
    const swapped: Demographics = { ...maria, givenName: 'Mraia', birthDate: '1961-14-03' };
    expect(compareDemographics(maria, swapped).fields.find((f) => f.field === 'birthDate')?.outcome).toBe('partial');
    expect(compareDemographics(maria, swapped).decision).toBe('link');
    const early: Demographics = { ...maria, birthDate: '1961-03-04' };
    expect(compareDemographics(early, { ...early, givenName: 'Mraia', birthDate: '1961-04-03' }).decision).toBe('link');
  });

  it('weighs an impossible birth date as unknown', () => {
    const { birthDate: _b, ...noDate } = maria;
    const bad = compareDemographics(maria, { ...maria, birthDate: '1961-31-31' });
    expect(bad.fields.find((f) => f.field === 'birthDate')?.outcome).toBe('missing');
    expect(bad.weight).toBe(compareDemographics(maria, noDate).weight);
  });

  it('links a patient who moved when name, birth date and national id agree', () => {
    const before: Demographics = { ...maria, nationalId: '123-45-6789' };
    const after: Demographics = {
      givenName: 'Maria',
      familyName: 'Lopez',
      birthDate: '1961-03-14',
      nationalId: '123456789',
      streetNumber: '9',
      addressLine: 'Oak Avenue',
      city: 'Chicago',
      postcode: '60601',
      phone: '+13125550100',
    };
    expect(compareDemographics(before, after).decision).toBe('link');
    // without the id the move leaves it to a person, but it is still put in front of one
    const { nationalId: _a, ...afterNoId } = after;
    expect(compareDemographics(maria, afterNoId).decision).toBe('review');
  });

  it('keeps strangers distinct', () => {
    const s = compareDemographics(maria, {
      givenName: 'Wei',
      familyName: 'Chen',
      birthDate: '1990-07-02',
      sex: 'M',
      phone: '+15555550999',
      streetNumber: '3',
      addressLine: 'Pine Road',
      city: 'Portland',
      postcode: '97201',
      state: 'OR',
    });
    expect(s.decision).toBe('distinct');
  });
});

describe('the shared family phone rule', () => {
  // A mother, her son and her daughter: one phone, one e-mail, one address, one surname.
  const carlos: Demographics = { ...lopezHome, givenName: 'Carlos', birthDate: '1990-07-02', sex: 'M' };
  const ana: Demographics = { ...lopezHome, givenName: 'Ana', birthDate: '1991-03-14', sex: 'F' };

  it('never links relatives who share phone, address and surname', () => {
    expect(compareDemographics(maria, carlos).decision).not.toBe('link');
    expect(compareDemographics(maria, ana).decision).not.toBe('link');
    expect(compareDemographics(carlos, ana).decision).not.toBe('link');
    // the same with sex unknown, so that no sex disagreement helps
    const strip = ({ sex: _s, ...d }: Demographics) => d;
    expect(compareDemographics(strip(maria), strip(carlos)).decision).not.toBe('link');
    expect(compareDemographics(strip(maria), strip(ana)).weight).toBeLessThan(defaultMatchModel.linkThreshold);
  });

  it('never links on the caller phone alone, nor phone plus name without a birth date', () => {
    expect(compareDemographics(maria, { phone: lopezHome.phone }).decision).not.toBe('link');
    expect(
      compareDemographics(maria, { phone: lopezHome.phone, givenName: 'Maria', familyName: 'Lopez', sex: 'F' }).decision,
    ).not.toBe('link');
    // …and links once the caller gives a matching birth date
    expect(
      compareDemographics(maria, { phone: lopezHome.phone, givenName: 'Maria', familyName: 'Lopez', birthDate: '1961-03-14' })
        .decision,
    ).toBe('link');
  });

  it('does not link on phone and birth date without a given name, as twins share both', () => {
    const s = compareDemographics(maria, { phone: lopezHome.phone, birthDate: '1961-03-14' });
    expect(s.decision).toBe('review');
    expect(s.heldBack).toMatch(/no given name/);
  });

  it('does not link a father and son of the same name under one roof', () => {
    const senior: Demographics = { ...lopezHome, givenName: 'Carlos', birthDate: '1960-01-01', sex: 'M' };
    const junior: Demographics = { ...lopezHome, givenName: 'Carlos', birthDate: '1990-07-02', sex: 'M' };
    expect(compareDemographics(senior, junior).decision).not.toBe('link');
  });

  it('holds twins back for review unless the national id settles it', () => {
    const ella: Demographics = { ...lopezHome, givenName: 'Ella', birthDate: '2001-05-05', sex: 'F' };
    const sofia: Demographics = { ...ella, givenName: 'Sofia' };
    const ollie: Demographics = { ...ella, givenName: 'Ollie', sex: 'M' }; // sounds like Ella
    const john: Demographics = { ...ella, givenName: 'John', sex: 'M' };
    const joan: Demographics = { ...ella, givenName: 'Joan', sex: 'F' }; // one letter from John
    for (const [x, y] of [
      [ella, sofia],
      [ella, ollie],
      [john, joan],
    ] as const) {
      const s = compareDemographics(x, y);
      expect(s.decision).toBe('review');
      expect(s.heldBack).toBeDefined();
    }
    // consecutive ids, as twins often get, do not settle it either
    expect(
      compareDemographics({ ...ella, nationalId: '5600052' }, { ...sofia, nationalId: '5600053' }).decision,
    ).toBe('review');
    // the same id does: a changed given name on one record of one person
    expect(compareDemographics({ ...ella, nationalId: '5600052' }, { ...sofia, nationalId: '5600052' }).decision).toBe(
      'link',
    );
  });
});

// ---------------------------------------------------------------------------------------
// properties

const letters = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: min, maxLength: max });
const isoDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });

const demographicsArb: fc.Arbitrary<Demographics> = fc.record(
  {
    givenName: letters(2, 10),
    familyName: letters(2, 12),
    birthDate: isoDate,
    sex: fc.constantFrom('M', 'F', 'U'),
    streetNumber: digits(2),
    addressLine: fc.constantFrom('Elm Street', 'Oak Avenue', 'Pine Road', 'Main St'),
    addressLine2: fc.constantFrom('Apt 1', 'Unit 4', 'Rear'),
    city: fc.constantFrom('Springfield', 'Portland', 'Austin'),
    postcode: digits(5),
    state: fc.constantFrom('IL', 'OR', 'TX'),
    phone: digits(10).map((d) => `+1${d}`),
    email: letters(3, 8).map((l) => `${l}@example.org`),
    nationalId: digits(9),
  },
  { requiredKeys: [] },
);

const householdArb = fc.record({
  familyName: letters(2, 12),
  phone: digits(10).map((d) => `+1${d}`),
  email: letters(3, 8).map((l) => `${l}@example.org`),
  streetNumber: digits(2),
  addressLine: fc.constantFrom('Elm Street', 'Oak Avenue', 'Pine Road'),
  addressLine2: fc.constantFrom('Apt 1', 'Unit 4'),
  city: fc.constantFrom('Springfield', 'Portland'),
  postcode: digits(5),
  state: fc.constantFrom('IL', 'OR'),
});
const sexArb = fc.option(fc.constantFrom('M', 'F'), { nil: undefined });

describe('properties', () => {
  it('compareDemographics is symmetric', () => {
    fc.assert(
      fc.property(demographicsArb, demographicsArb, (a, b) => {
        const ab = compareDemographics(a, b);
        const ba = compareDemographics(b, a);
        expect(ba.weight).toBe(ab.weight);
        expect(ba.decision).toBe(ab.decision);
        expect(ba.fields).toEqual(ab.fields);
      }),
      { numRuns: 500 },
    );
  });

  it('a record with name and birth date always links with itself', () => {
    fc.assert(
      fc.property(demographicsArb, letters(1, 10), letters(1, 12), isoDate, (d, given, family, birthDate) => {
        const r = { ...d, givenName: given, familyName: family, birthDate };
        expect(compareDemographics(r, r).decision).toBe('link');
      }),
      { numRuns: 300 },
    );
  });

  it('adding the same value to both records never lowers the weight', () => {
    const fieldValue = fc.oneof(
      fc.tuple(fc.constant('givenName' as const), letters(2, 10)),
      fc.tuple(fc.constant('familyName' as const), letters(2, 12)),
      fc.tuple(fc.constant('birthDate' as const), isoDate),
      fc.tuple(fc.constant('sex' as const), fc.constantFrom('M', 'F')),
      fc.tuple(fc.constant('nationalId' as const), digits(9)),
      fc.tuple(fc.constant('phone' as const), digits(10).map((x) => `+1${x}`)),
      fc.tuple(fc.constant('email' as const), letters(3, 8).map((l) => `${l}@example.org`)),
      fc.tuple(fc.constant('streetNumber' as const), digits(2)),
      fc.tuple(fc.constant('addressLine' as const), fc.constantFrom('Elm Street', 'Oak Avenue', 'Birch Lane')),
      fc.tuple(fc.constant('addressLine2' as const), fc.constantFrom('Apt 1', 'Unit 4', 'Elm Street')),
      fc.tuple(fc.constant('city' as const), fc.constantFrom('Springfield', 'Portland')),
      fc.tuple(fc.constant('postcode' as const), digits(5)),
      fc.tuple(fc.constant('state' as const), fc.constantFrom('IL', 'OR')),
    );
    fc.assert(
      fc.property(demographicsArb, demographicsArb, fieldValue, (a, b, [field, value]) => {
        const a0 = { ...a };
        const b0 = { ...b };
        delete a0[field];
        delete b0[field];
        const before = compareDemographics(a0, b0).weight;
        const after = compareDemographics({ ...a0, [field]: value }, { ...b0, [field]: value }).weight;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 1000 },
    );
  });

  it('household members whose given name and birth date differ are never linked', () => {
    fc.assert(
      fc.property(
        householdArb,
        letters(2, 10),
        letters(2, 10),
        isoDate,
        isoDate,
        sexArb,
        sexArb,
        (home, g1, g2, d1, d2, s1, s2) => {
          fc.pre(compareNames(g1, g2) === 'disagree' && compareBirthDates(d1, d2) === 'disagree');
          const a: Demographics = { ...home, givenName: g1, birthDate: d1, sex: s1 };
          const b: Demographics = { ...home, givenName: g2, birthDate: d2, sex: s2 };
          const s = compareDemographics(a, b);
          expect(s.decision).not.toBe('link');
          expect(s.weight).toBeLessThan(defaultMatchModel.linkThreshold);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('without birth date or national id, what a household shares never makes a link', () => {
    fc.assert(
      fc.property(householdArb, fc.option(letters(2, 10), { nil: undefined }), sexArb, (home, given, sex) => {
        const r: Demographics = { ...home, givenName: given, sex };
        expect(compareDemographics(r, r).decision).not.toBe('link');
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// blocking and pair finding

describe('blockingKeys', () => {
  it('gives a record several keys from different fields', () => {
    const keys = blockingKeys({ ...maria, nationalId: '123456789' });
    expect(keys.length).toBeGreaterThanOrEqual(5);
    expect(new Set(keys.map((k) => k.split(':')[0])).size).toBeGreaterThanOrEqual(5);
  });

  it('leaves a shared key when any one field has a typo', () => {
    const base: Demographics = { givenName: 'Jonathan', familyName: 'Hathaway', birthDate: '1939-03-05', postcode: '6011' };
    const variants: Demographics[] = [
      { ...base, givenName: 'Jonahtan' },
      { ...base, familyName: 'Hathaay' },
      { ...base, birthDate: '1939-05-03' },
      { ...base, postcode: '6101' },
      { ...base, givenName: 'Hathaway', familyName: 'Jonathan' },
    ];
    const mine = new Set(blockingKeys(base));
    for (const v of variants) expect(blockingKeys(v).some((k) => mine.has(k))).toBe(true);
  });

  it('gives an empty record no keys', () => {
    expect(blockingKeys({})).toEqual([]);
  });
});

describe('findMatchingPairs', () => {
  const people = [
    { id: 'p1', demographics: maria },
    { id: 'p2', demographics: { ...maria, givenName: 'Maira' } },
    { id: 'p3', demographics: { ...lopezHome, givenName: 'Carlos', birthDate: '1990-07-02', sex: 'M' } },
    { id: 'p4', demographics: { ...lopezHome, givenName: 'Carlos', birthDate: '1990-07-02', sex: 'M', city: undefined } },
    { id: 'p5', demographics: { ...lopezHome, givenName: 'Ana', birthDate: '1991-03-14', sex: 'F' } },
  ];

  it('deduplicates one list', () => {
    const pairs = findMatchingPairs(people).map((p) => `${p.a}-${p.b}`);
    expect(pairs.sort()).toEqual(['p1-p2', 'p3-p4']);
  });

  it('links two lists, left against right only', () => {
    const left = people.slice(0, 3);
    const right = people.slice(1);
    const pairs = findMatchingPairs(left, right).map((p) => `${p.a}-${p.b}`);
    // p2 and p3 sit on both sides; a record always links to itself across the lists
    expect(pairs.sort()).toEqual(['p1-p2', 'p2-p2', 'p3-p3', 'p3-p4']);
  });

  it('can include review pairs', () => {
    const all = findMatchingPairs(people, undefined, defaultMatchModel, { includeReview: true });
    expect(all.some((p) => p.score.decision === 'review')).toBe(true);
    expect(all.length).toBeGreaterThan(findMatchingPairs(people).length);
  });

  it('skips oversized blocks, as a placeholder value would make', () => {
    const model: MatchModel = defaultMatchModel;
    const clones = Array.from({ length: 6 }, (_, i) => ({ id: `c${i}`, demographics: { phone: '+15550000000', givenName: 'X' } }));
    expect(findMatchingPairs(clones, undefined, model, { includeReview: true, maxBlockSize: 3 })).toEqual([]);
    expect(findMatchingPairs(clones, undefined, model, { includeReview: true }).length).toBe(15);
  });
});

describe('synthetic population with typos', () => {
  const syllables = ['ka', 'ri', 'lo', 'me', 'sa', 'tin', 'ber', 'an', 'dor', 'el', 'vi', 'mon', 'ra', 'gus', 'ne', 'tha'];
  const streets = ['Elm Street', 'Oak Avenue', 'Pine Road', 'Maple Drive', 'Cedar Lane', 'Birch Court'];
  const cities = ['Springfield', 'Riverside', 'Fairview', 'Franklin', 'Greenville'];

  function build(seed: number) {
    const rnd = createRng(seed);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const word = (n: number) => Array.from({ length: n }, () => pick(syllables)).join('');
    const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
    const pad = (n: number, w: number) => String(n).padStart(w, '0');

    const originals: Demographics[] = [];
    // Households of one to four people: shared surname, address, phone and e-mail, own given
    // name and birth date. They are the hard negatives.
    while (originals.length < 400) {
      const family = cap(word(2 + Math.floor(rnd() * 2)));
      const home: Demographics = {
        familyName: family,
        phone: `+1555${pad(Math.floor(rnd() * 1e7), 7)}`,
        email: `${family.toLowerCase()}${Math.floor(rnd() * 100)}@example.org`,
        streetNumber: String(1 + Math.floor(rnd() * 300)),
        addressLine: pick(streets),
        city: pick(cities),
        postcode: pad(10000 + Math.floor(rnd() * 89999), 5),
        state: pick(['IL', 'OR', 'TX', 'NY']),
      };
      const size = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < size; k++) {
        originals.push({
          ...home,
          givenName: cap(word(2 + Math.floor(rnd() * 2))),
          birthDate: `${1930 + Math.floor(rnd() * 90)}-${pad(1 + Math.floor(rnd() * 12), 2)}-${pad(1 + Math.floor(rnd() * 28), 2)}`,
          sex: pick(['F', 'M']),
        });
      }
    }

    const swapLetters = (s: string) => {
      if (s.length < 3) return s;
      const i = 1 + Math.floor(rnd() * (s.length - 2));
      return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    };
    const dropChar = (s: string) => {
      const i = 1 + Math.floor(rnd() * (s.length - 1));
      return s.slice(0, i) + s.slice(i + 1);
    };
    const transposeDayMonth = (iso: string) => {
      const [y, m, d] = iso.split('-');
      // where the day is above 12 the swapped date is not a date at all and reads as unknown
      return `${y}-${d}-${m}`;
    };
    // Grouped by field: a duplicate gets slips in two different fields. Two slips in one
    // short given name make a different name (Karime/Karem), which is rightly left to review.
    const corruptions: Array<Array<(d: Demographics) => Demographics>> = [
      [(d) => ({ ...d, givenName: swapLetters(d.givenName!) }), (d) => ({ ...d, givenName: dropChar(d.givenName!) })],
      [(d) => ({ ...d, familyName: dropChar(d.familyName!) }), (d) => ({ ...d, familyName: swapLetters(d.familyName!) })],
      [(d) => ({ ...d, birthDate: transposeDayMonth(d.birthDate!) })],
      [(d) => ({ ...d, givenName: d.familyName, familyName: d.givenName })],
      [(d) => ({ ...d, phone: undefined, email: undefined })],
      [(d) => ({ ...d, postcode: swapLetters(d.postcode!) })],
    ];

    const records = originals.map((d, i) => ({ id: `o${i}`, demographics: d }));
    const truth = new Set<string>();
    originals.forEach((d, i) => {
      if (i % 2 !== 0) return;
      const first = Math.floor(rnd() * corruptions.length);
      const second = (first + 1 + Math.floor(rnd() * (corruptions.length - 1))) % corruptions.length;
      const dup = pick(corruptions[second]!)(pick(corruptions[first]!)(d));
      records.push({ id: `d${i}`, demographics: dup });
      truth.add(`o${i}|d${i}`);
    });
    return { records, truth };
  }

  it('links typo-ridden duplicates and never links household members', () => {
    for (const seed of [1, 2, 3]) {
      const { records, truth } = build(seed);
      const found = findMatchingPairs(records).map((p) => [p.a, p.b].sort().reverse().join('|'));
      const correct = found.filter((k) => truth.has(k)).length;
      // every wrong link would join two members of one household or two strangers
      expect(found.length - correct).toBe(0);
      expect(correct / truth.size).toBeGreaterThanOrEqual(0.98);
    }
  });
});
