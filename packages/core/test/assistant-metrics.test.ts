import { describe, expect, it } from 'vitest';
import { assistantMetrics } from '../src/index.ts';

describe('assistant metrics', () => {
  it('counts containment, hand-offs by reason and average turns over the cases it answered', () => {
    const m = assistantMetrics([
      { caseId: 'a', turns: 4, completed: 1, handoffs: [], agentReplies: 0, repeatAsks: 0 },
      { caseId: 'b', turns: 2, completed: 0, handoffs: ['frustration'], agentReplies: 1, repeatAsks: 0 },
      { caseId: 'c', turns: 3, completed: 1, handoffs: [], agentReplies: 2, repeatAsks: 0 },
      { caseId: 'd', turns: 0, completed: 0, handoffs: [], agentReplies: 3, repeatAsks: 0 },
    ]);
    expect(m).toEqual({
      conversations: 3,
      turns: 9,
      averageTurns: 3,
      requestsCompleted: 2,
      contained: 1,
      containmentRate: 0.333,
      handoffs: 1,
      handoffRate: 0.333,
      handoffReasons: { frustration: 1 },
      repeatAsksByAssistant: 0,
    });
    expect(assistantMetrics([]).containmentRate).toBe(0);
  });
});
