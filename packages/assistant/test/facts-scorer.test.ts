import { describe, expect, it } from 'vitest';
import { scoreFactsBlind, wilsonLower, type BlindItem } from '../src/facts/eval.ts';

// The scorer itself, on synthetic items of my own (never the blind sets): values compared by
// meaning, wrong values counted, aggregates only.
const items: BlindItem[] = [
  { language: 'en', fact: 'birthDate', text: 'DOB march fourteenth nineteen sixty one', expected: { birthDate: '1961-03-14' }, absent: [] },
  { language: 'en', fact: 'birthDate', text: 'DOB 3/15/1961', expected: { birthDate: '1961-03-14' }, absent: [] },
  { language: 'en', fact: 'pharmacy', text: 'send it to the CVS on Main St', expected: { pharmacy: 'CVS Pharmacy on Main Street' }, absent: ['birthDate'] },
  { language: 'en', fact: 'name', text: 'my name is Ana Ruiz', expected: { givenName: 'Ana', familyName: 'Ruiz' }, absent: [] },
  { language: 'en', fact: 'name', text: 'my name is Ana Ruiz', expected: { name: 'Ana Ruiz' }, absent: [] },
  { language: 'en', fact: 'preferredTime', text: 'tomorrow afternoon works best', expected: { preferredTime: '2026-03-03 afternoon' }, absent: [] },
  { language: 'en', fact: 'preferredTime', text: 'any time after 3pm', expected: { preferredTime: 'after 3 pm' }, absent: [] },
  { language: 'en', fact: 'medication', text: 'refill my Lipitor', expected: { medication: 'Lipitor 20 mg' }, absent: [] },
  { language: 'en', fact: 'callbackNumber', text: 'call me back at 212-555-0143', expected: { callbackNumber: '(212) 555-0143' }, absent: [] },
  { language: 'en', fact: 'memberId', text: 'member id XYZ 123 456', expected: { memberId: 'XYZ-123-456' }, absent: [] },
  { language: 'en', fact: 'birthDate', text: 'my son was born on 3/14/2015', expected: {}, absent: ['birthDate'] },
  { language: 'en', fact: 'birthDate', text: 'born 3/14/1961 and I need a refill of Crestor', expected: { birthDate: '1961-03-14' }, absent: ['medication'] },
];

describe('facts blind-set scorer', () => {
  it('compares by meaning and counts wrong values', () => {
    const report = scoreFactsBlind(['en'], () => items);
    const en = report.languages.en!;
    expect(en.birthDate).toMatchObject({ n: 4, right: 3, wrong: 2 });
    expect(en.pharmacy).toMatchObject({ n: 1, right: 1, wrong: 0 });
    expect(en.name).toMatchObject({ n: 2, right: 2, wrong: 0 });
    expect(en.preferredTime).toMatchObject({ n: 2, right: 2, wrong: 0 });
    expect(en.medication).toMatchObject({ n: 1, right: 1 });
    expect(en.callbackNumber).toMatchObject({ n: 1, right: 1 });
    expect(en.memberId).toMatchObject({ n: 1, right: 1 });
    expect(en.all!.n).toBe(items.length);
  });
  it('gives the Wilson lower bound', () => {
    expect(wilsonLower(97, 100)).toBeCloseTo(0.9154, 3);
    expect(wilsonLower(0, 0)).toBe(0);
  });
});
