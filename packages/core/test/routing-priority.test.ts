import { describe, expect, it } from 'vitest';
import { capacityOf, DEFAULT_ROUTING_RULE, planRoutingOffers, type QueuedCase, type RoutingAgent } from '../src/index.ts';

// Urgent cases (the assistant raised an urgent-symptoms alert) are offered before everything
// else, including another case's same-agent offer.
const now = new Date('2026-11-02T15:00:00Z');
const agent = (id: string): RoutingAgent => ({
  id,
  presence: 'available',
  languages: ['en', 'es'],
  requestTypes: [],
  skills: [],
  departmentIds: [],
  capacity: capacityOf({ webchat: 1, sms: 1, voice: 1 }),
  load: {},
  lastOfferedAt: null,
});
const queued = (caseId: string, waitingSince: string, extra: Partial<QueuedCase> = {}): QueuedCase => ({
  caseId,
  departmentId: null,
  channel: 'webchat',
  language: 'en',
  requestType: 'other',
  waitingSince,
  preferredAgentId: null,
  preferredReason: null,
  refusals: [],
  ...extra,
});

describe('urgent priority in routing', () => {
  it('offers the urgent case first even when a routine case waited longer', () => {
    const plan = planRoutingOffers(
      [queued('routine', '2026-11-02T14:00:00Z'), queued('urgent', '2026-11-02T14:59:00Z', { priority: 'urgent' })],
      [agent('a1')],
      () => DEFAULT_ROUTING_RULE,
      now,
    );
    expect(plan.map((p) => p.caseId)).toEqual(['urgent']);
  });

  it('an urgent case beats another case’s same-agent offer', () => {
    const plan = planRoutingOffers(
      [queued('routine', '2026-11-02T14:00:00Z', { preferredAgentId: 'a1', preferredReason: 'same_agent' }), queued('urgent', '2026-11-02T14:59:00Z', { priority: 'urgent' })],
      [agent('a1')],
      () => DEFAULT_ROUTING_RULE,
      now,
    );
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ caseId: 'urgent', agentId: 'a1', reason: 'queue' });
  });

  it('without urgent cases the order is unchanged: longest waiting first', () => {
    const plan = planRoutingOffers([queued('b', '2026-11-02T14:30:00Z'), queued('a', '2026-11-02T14:00:00Z')], [agent('a1')], () => DEFAULT_ROUTING_RULE, now);
    expect(plan.map((p) => p.caseId)).toEqual(['a']);
  });
});
