import { describe, expect, it } from 'vitest';
import { canEditRules, formatDuration, parseSeconds, parseSkills, queueNow, sortQueues, type QueueRow } from '../src/supervisor/model.ts';

function queue(over: Partial<QueueRow>): QueueRow {
  return {
    department: { id: 'd1', slug: 'pharmacy', name: 'Pharmacy' },
    waiting: 0,
    offered: 0,
    longestWaitSeconds: 0,
    oldestWaitingSince: null,
    breaching: [],
    agentsAvailable: 0,
    agentsBusy: 0,
    agentsAway: 0,
    waitTargetSeconds: 120,
    breachingCount: 0,
    agentsServing: 0,
    cases: [],
    ...over,
  };
}

describe('supervisor view helpers', () => {
  it('formats waits the same way in English and Spanish', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(59.9)).toBe('59 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatDuration(-3)).toBe('0 s');
  });

  it('lets waits grow between refreshes and flags a case crossing the target before the next fetch', () => {
    const q = queue({ waiting: 2, longestWaitSeconds: 100, cases: [
      { caseId: 'a', waitingSince: '', waitSeconds: 100, offeredTo: null, breaching: false },
      { caseId: 'b', waitingSince: '', waitSeconds: 10, offeredTo: null, breaching: false },
    ] });
    expect(queueNow(q, 0)).toEqual({ longestWaitSeconds: 100, breachingCount: 0 });
    expect(queueNow(q, 21)).toEqual({ longestWaitSeconds: 121, breachingCount: 1 });
    // The server's count covers cases beyond the 20 listed: it is a floor.
    expect(queueNow({ ...q, breachingCount: 5 }, 0).breachingCount).toBe(5);
    expect(queueNow(queue({}), 50)).toEqual({ longestWaitSeconds: 0, breachingCount: 0 });
  });

  it('puts the worst queue first and keeps the rest in a steady order', () => {
    const a = queue({ department: { id: 'a', slug: 'a', name: 'Alpha' } });
    const b = queue({ department: { id: 'b', slug: 'b', name: 'Beta' } });
    const c = queue({ department: null });
    const order = sortQueues([
      { q: c, breachingCount: 0, longestWaitSeconds: 0 },
      { q: b, breachingCount: 0, longestWaitSeconds: 0 },
      { q: a, breachingCount: 0, longestWaitSeconds: 30 },
      { q: b, breachingCount: 1, longestWaitSeconds: 10 },
    ]).map((r) => `${r.q.department?.name ?? '-'}${r.breachingCount}`);
    expect(order).toEqual(['Beta1', 'Alpha0', 'Beta0', '-0']);
  });

  it('checks rule values against the bounds the server enforces', () => {
    expect(parseSeconds('waitTargetSeconds', '90')).toBe(90);
    expect(parseSeconds('waitTargetSeconds', '9')).toBeNull();
    expect(parseSeconds('offerSeconds', '12.5')).toBeNull();
    expect(parseSeconds('reofferAfterSeconds', '0')).toBe(0);
    expect(parseSeconds('sameAgentOfferSeconds', '601')).toBeNull();
    expect(parseSkills(' pediatrics, spanish-medical ,pediatrics,')).toEqual(['pediatrics', 'spanish-medical']);
    expect(parseSkills('')).toEqual([]);
    expect(parseSkills('Pediatrics')).toBeNull();
  });

  it('lets only supervisors and administrators edit rules', () => {
    expect(canEditRules('supervisor')).toBe(true);
    expect(canEditRules('admin')).toBe(true);
    expect(canEditRules('agent')).toBe(false);
    expect(canEditRules(undefined)).toBe(false);
  });
});
