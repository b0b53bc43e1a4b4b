import { describe, expect, it } from 'vitest';
import { extractEntities } from '../src/index.ts';

// Days the patient states are the days they mean. A fixed clock: Wednesday 2 December 2026, 9:00 in New York.
const ctx = (language: 'en' | 'es') => ({ language, reference: new Date('2026-12-02T14:00:00Z'), timeZone: 'America/New_York' });
const dateOf = (text: string, language: 'en' | 'es') => extractEntities(text, ctx(language)).filter((e) => e.type === 'datetime');

describe('stated dates', () => {
  it('"el martes 15" is Tuesday the 15th, not the nearer Tuesday (the 8th)', () => {
    expect(dateOf('quiero cambiar mi cita al martes 15', 'es').map((e) => e.value)).toEqual(['2026-12-15']);
    expect(dateOf('el martes 15 por la tarde', 'es').map((e) => e.value)).toEqual(['2026-12-15T12:00:00-05:00/2026-12-15T16:00:00-05:00']);
    expect(dateOf('martes 15 a las 3', 'es').map((e) => e.value)).toEqual(['2026-12-15T15:00:00-05:00']);
    expect(dateOf('Tuesday 15', 'en').map((e) => e.value)).toEqual(['2026-12-15']);
  });

  it('a day of the month just gone stays that day (to be questioned), not a month or a year on', () => {
    expect(dateOf('Tuesday the 1st', 'en').map((e) => e.value)).toEqual(['2026-12-01']);
    expect(dateOf('el martes 1', 'es').map((e) => e.value)).toEqual(['2026-12-01']);
    expect(dateOf('December 1st', 'en').map((e) => e.value)).toEqual(['2026-12-01']);
    // Ahead is still ahead.
    expect(dateOf('on the 15th', 'en').map((e) => e.value)).toEqual(['2026-12-15']);
  });

  it('a weekday that does not fit the day of the month: the number wins, not a date months away', () => {
    expect(dateOf('Tuesday the 16th', 'en').map((e) => e.value)).toEqual(['2026-12-16']);
  });
});
