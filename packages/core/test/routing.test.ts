import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CHANNELS,
  DEFAULT_AGENT_CAPACITY,
  DEFAULT_ROUTING_RULE,
  capacityOf,
  departmentForRequestType,
  eligibleForQueue,
  invalidRoutingRule,
  planRoutingOffers,
  skillGaps,
  summarizeQueue,
  type QueuedCase,
  type RoutingAgent,
  type RoutingRule,
} from '../src/index.ts';

const now = new Date('2026-11-02T14:00:00Z');
const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
const rules = (rule: Partial<RoutingRule> = {}) => () => ({ ...DEFAULT_ROUTING_RULE, ...rule });

function agent(id: string, over: Partial<RoutingAgent> = {}): RoutingAgent {
  return {
    id,
    presence: 'available',
    languages: ['en'],
    requestTypes: [],
    skills: [],
    departmentIds: [],
    capacity: { ...DEFAULT_AGENT_CAPACITY },
    load: {},
    lastOfferedAt: null,
    ...over,
  };
}

function waiting(caseId: string, over: Partial<QueuedCase> = {}): QueuedCase {
  return {
    caseId,
    departmentId: 'pharmacy',
    channel: 'webchat',
    language: 'en',
    requestType: 'prescription',
    waitingSince: secondsAgo(10),
    preferredAgentId: null,
    preferredReason: null,
    refusals: [],
    ...over,
  };
}

describe('same agent first', () => {
  it('offers a returning case to the agent who last handled it, for the same-agent time', () => {
    const c = waiting('c1', { preferredAgentId: 'alex', preferredReason: 'same_agent', channel: 'sms' });
    const plan = planRoutingOffers([c], [agent('jordan'), agent('alex', { load: { webchat: 2 } })], rules({ sameAgentOfferSeconds: 45 }), now);
    expect(plan).toEqual([{ caseId: 'c1', agentId: 'alex', channel: 'sms', reason: 'same_agent', expiresAt: '2026-11-02T14:00:45.000Z' }]);
  });

  it.each([
    ['away', { presence: 'away' as const }],
    ['busy', { presence: 'busy' as const }],
    ['offline', { presence: 'offline' as const }],
    ['at capacity on the channel', { load: { sms: 5 } }],
  ])('falls back to the queue when that agent is %s', (_why, over) => {
    const c = waiting('c1', { preferredAgentId: 'alex', preferredReason: 'same_agent', channel: 'sms' });
    const plan = planRoutingOffers([c], [agent('alex', over), agent('jordan')], rules({ offerSeconds: 20 }), now);
    expect(plan).toEqual([{ caseId: 'c1', agentId: 'jordan', channel: 'sms', reason: 'queue', expiresAt: '2026-11-02T14:00:20.000Z' }]);
  });

  it('does not offer it straight back after a decline or timeout, but does once the re-offer time has passed', () => {
    const refused = waiting('c1', { preferredAgentId: 'alex', preferredReason: 'same_agent', refusals: [{ agentId: 'alex', at: secondsAgo(30) }] });
    const agents = [agent('alex'), agent('jordan')];
    expect(planRoutingOffers([refused], agents, rules({ reofferAfterSeconds: 120 }), now)[0]).toMatchObject({ agentId: 'jordan', reason: 'queue' });
    expect(planRoutingOffers([refused], [agent('alex')], rules({ reofferAfterSeconds: 120 }), now)).toEqual([]);
    expect(planRoutingOffers([refused], agents, rules({ reofferAfterSeconds: 20 }), now)[0]).toMatchObject({ agentId: 'alex', reason: 'same_agent' });
  });

  it('keeps a transfer target ahead of the queue, named as a transfer', () => {
    const c = waiting('c1', { preferredAgentId: 'sam', preferredReason: 'transfer' });
    expect(planRoutingOffers([c], [agent('alex'), agent('sam', { load: { webchat: 1 } })], rules(), now)[0]).toMatchObject({ agentId: 'sam', reason: 'transfer' });
  });

  it('prefers the returning agent even over an older case in the queue', () => {
    const older = waiting('old', { waitingSince: secondsAgo(300) });
    const back = waiting('back', { preferredAgentId: 'alex', preferredReason: 'same_agent', waitingSince: secondsAgo(5) });
    const plan = planRoutingOffers([older, back], [agent('alex', { capacity: { ...DEFAULT_AGENT_CAPACITY, webchat: 1 } })], rules(), now);
    expect(plan).toEqual([expect.objectContaining({ caseId: 'back', agentId: 'alex', reason: 'same_agent' })]);
  });
});

describe('skills', () => {
  it('gives a Spanish-speaking patient an agent who speaks Spanish', () => {
    const c = waiting('c1', { language: 'es' });
    const plan = planRoutingOffers([c], [agent('alex'), agent('jordan', { languages: ['en', 'es'], load: { webchat: 2 } })], rules(), now);
    expect(plan[0]).toMatchObject({ agentId: 'jordan' });
    expect(skillGaps(agent('alex'), c, DEFAULT_ROUTING_RULE)).toEqual(['language:es']);
  });

  it('waits rather than offer a language nobody available speaks, unless the queue does not match languages', () => {
    const c = waiting('c1', { language: 'es' });
    expect(planRoutingOffers([c], [agent('alex')], rules(), now)).toEqual([]);
    expect(planRoutingOffers([c], [agent('alex')], rules({ matchLanguage: false }), now)).toHaveLength(1);
    // An unknown language needs no particular agent.
    expect(planRoutingOffers([waiting('c2', { language: null })], [agent('alex')], rules(), now)).toHaveLength(1);
  });

  it('matches request types (an agent without a list takes every type, an "other" case goes to anyone)', () => {
    const billingOnly = agent('bea', { requestTypes: ['billing', 'insurance'] });
    expect(eligibleForQueue(billingOnly, waiting('c1'), DEFAULT_ROUTING_RULE, now)).toBe(false);
    expect(eligibleForQueue(billingOnly, waiting('c1', { requestType: 'billing' }), DEFAULT_ROUTING_RULE, now)).toBe(true);
    expect(eligibleForQueue(billingOnly, waiting('c1', { requestType: 'other' }), DEFAULT_ROUTING_RULE, now)).toBe(true);
    expect(eligibleForQueue(billingOnly, waiting('c1'), { ...DEFAULT_ROUTING_RULE, matchRequestType: false }, now)).toBe(true);
    expect(eligibleForQueue(agent('any'), waiting('c1'), DEFAULT_ROUTING_RULE, now)).toBe(true);
  });

  it("requires the queue's skill tags and department membership", () => {
    const rule = { ...DEFAULT_ROUTING_RULE, requiredSkills: ['pediatrics'] };
    expect(skillGaps(agent('a'), waiting('c'), rule)).toEqual(['skill:pediatrics']);
    expect(skillGaps(agent('a', { skills: ['pediatrics'] }), waiting('c'), rule)).toEqual([]);
    expect(skillGaps(agent('a', { departmentIds: ['billing'] }), waiting('c'), DEFAULT_ROUTING_RULE)).toEqual(['department']);
    expect(skillGaps(agent('a', { departmentIds: ['billing', 'pharmacy'] }), waiting('c'), DEFAULT_ROUTING_RULE)).toEqual([]);
    expect(skillGaps(agent('a', { departmentIds: ['billing'] }), waiting('c', { departmentId: null }), DEFAULT_ROUTING_RULE)).toEqual(['department']);
  });
});

describe('queue order', () => {
  it('serves the longest-waiting case first', () => {
    const one = agent('alex', { capacity: { ...DEFAULT_AGENT_CAPACITY, webchat: 1 } });
    const plan = planRoutingOffers([waiting('new', { waitingSince: secondsAgo(5) }), waiting('old', { waitingSince: secondsAgo(90) })], [one], rules(), now);
    expect(plan.map((p) => p.caseId)).toEqual(['old']);
  });

  it('goes round robin among equally loaded agents: least recently offered first, never-offered before all', () => {
    const cases = ['c1', 'c2', 'c3', 'c4'].map((id, i) => waiting(id, { waitingSince: secondsAgo(100 - i) }));
    const agents = [agent('b', { lastOfferedAt: secondsAgo(60) }), agent('a', { lastOfferedAt: secondsAgo(120) }), agent('c')];
    const plan = planRoutingOffers(cases, agents, rules(), now);
    expect(plan.map((p) => `${p.caseId}:${p.agentId}`)).toEqual(['c1:c', 'c2:a', 'c3:b', 'c4:c']);
  });

  it('offers the least loaded agent before round robin', () => {
    const plan = planRoutingOffers([waiting('c1')], [agent('busy', { load: { sms: 3 } }), agent('idle', { lastOfferedAt: secondsAgo(1) })], rules(), now);
    expect(plan[0]!.agentId).toBe('idle');
  });

  it('never plans more than an agent has room for: an offer holds a seat', () => {
    const cases = ['c1', 'c2', 'c3', 'c4', 'c5'].map((id, i) => waiting(id, { waitingSince: secondsAgo(50 - i) }));
    const plan = planRoutingOffers(cases, [agent('alex', { load: { webchat: 1 } })], rules(), now);
    expect(plan.map((p) => p.caseId)).toEqual(['c1', 'c2']);
  });

  it('respects capacity per channel', () => {
    const calls = [waiting('v1', { channel: 'voice' }), waiting('v2', { channel: 'voice', waitingSince: secondsAgo(1) })];
    const plan = planRoutingOffers(calls, [agent('alex')], rules(), now);
    expect(plan.map((p) => p.caseId)).toEqual(['v1']);
    expect(planRoutingOffers(calls, [agent('zero', { capacity: { ...DEFAULT_AGENT_CAPACITY, voice: 0 } })], rules(), now)).toEqual([]);
  });

  it('holds these properties for any snapshot: one offer per case, only available agents with room and skills', () => {
    const agentArb = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd'),
      presence: fc.constantFrom('available', 'busy', 'away', 'offline'),
      languages: fc.subarray(['en', 'es']),
      requestTypes: fc.subarray(['prescription', 'billing']),
      skills: fc.subarray(['peds']),
      departmentIds: fc.subarray(['pharmacy', 'billing']),
      capacity: fc.record(Object.fromEntries(CHANNELS.map((c) => [c, fc.integer({ min: 0, max: 3 })])) as Record<(typeof CHANNELS)[number], fc.Arbitrary<number>>),
      load: fc.record(Object.fromEntries(CHANNELS.map((c) => [c, fc.integer({ min: 0, max: 3 })])) as Record<(typeof CHANNELS)[number], fc.Arbitrary<number>>),
      lastOfferedAt: fc.option(fc.integer({ min: 0, max: 600 }).map(secondsAgo), { nil: null }),
    });
    const caseArb = fc.record({
      caseId: fc.uuid(),
      departmentId: fc.constantFrom('pharmacy', 'billing', null),
      channel: fc.constantFrom(...CHANNELS),
      language: fc.constantFrom('en', 'es', null),
      requestType: fc.constantFrom('prescription', 'billing', 'other'),
      waitingSince: fc.integer({ min: 0, max: 600 }).map(secondsAgo),
      preferredAgentId: fc.constantFrom('a', 'b', null),
      preferredReason: fc.constantFrom('same_agent' as const, 'transfer' as const, null),
      refusals: fc.array(fc.record({ agentId: fc.constantFrom('a', 'b', 'c', 'd'), at: fc.integer({ min: 0, max: 600 }).map(secondsAgo) }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(agentArb, { selector: (a) => a.id }), fc.uniqueArray(caseArb, { selector: (c) => c.caseId, maxLength: 12 }), fc.boolean(), (agents, cases, peds) => {
        const rule = { ...DEFAULT_ROUTING_RULE, requiredSkills: peds ? ['peds'] : [] };
        const plan = planRoutingOffers(cases, agents as RoutingAgent[], () => rule, now);
        expect(new Set(plan.map((p) => p.caseId)).size).toBe(plan.length);
        for (const a of agents) {
          for (const ch of CHANNELS) {
            const added = plan.filter((p) => p.agentId === a.id && p.channel === ch).length;
            if (added > 0) expect(a.load[ch] + added).toBeLessThanOrEqual(a.capacity[ch]);
          }
        }
        for (const p of plan) {
          const a = agents.find((x) => x.id === p.agentId)!;
          const c = cases.find((x) => x.caseId === p.caseId)!;
          expect(a.presence).toBe('available');
          if (p.reason === 'queue') expect(skillGaps(a as RoutingAgent, c, rule)).toEqual([]);
          else expect(c.preferredAgentId).toBe(a.id);
        }
      }),
    );
  });
});

describe('supervisor summary', () => {
  it('counts waiting, offered, the longest wait, breaches and agents by presence', () => {
    const summary = summarizeQueue(
      [
        { caseId: 'a', waitingSince: secondsAgo(30), offered: true },
        { caseId: 'b', waitingSince: secondsAgo(400), offered: false },
        { caseId: 'c', waitingSince: secondsAgo(200), offered: false },
      ],
      [{ presence: 'available' }, { presence: 'busy' }, { presence: 'away' }, { presence: 'offline' }, { presence: 'available' }],
      { ...DEFAULT_ROUTING_RULE, waitTargetSeconds: 120 },
      now,
    );
    expect(summary).toEqual({
      waiting: 3,
      offered: 1,
      longestWaitSeconds: 400,
      oldestWaitingSince: secondsAgo(400),
      breaching: [
        { caseId: 'b', waitSeconds: 400 },
        { caseId: 'c', waitSeconds: 200 },
      ],
      agentsAvailable: 2,
      agentsBusy: 1,
      agentsAway: 1,
    });
    expect(summarizeQueue([], [], DEFAULT_ROUTING_RULE, now)).toMatchObject({ waiting: 0, longestWaitSeconds: 0, oldestWaitingSince: null, breaching: [] });
  });
});

describe('configuration', () => {
  it('explains a bad rule and accepts a good one', () => {
    expect(invalidRoutingRule({ offerSeconds: 2, waitTargetSeconds: 1.5, requiredSkills: ['Spanish Billing'] })).toHaveLength(3);
    expect(invalidRoutingRule({ sameAgentOfferSeconds: 45, requiredSkills: ['spanish-billing'] })).toEqual([]);
  });

  it('fills capacity from the defaults and ignores nonsense', () => {
    expect(capacityOf({ webchat: 2, voice: -1 } as never)).toEqual({ ...DEFAULT_AGENT_CAPACITY, webchat: 2 });
    expect(capacityOf(null)).toEqual(DEFAULT_AGENT_CAPACITY);
  });

  it('sends a request type to its department, else general, else the first', () => {
    const depts = [
      { id: '1', slug: 'billing', requestTypes: ['billing'] },
      { id: '2', slug: 'general', requestTypes: ['other'] },
    ];
    expect(departmentForRequestType(depts, 'billing')?.id).toBe('1');
    expect(departmentForRequestType(depts, 'records')?.id).toBe('2');
    expect(departmentForRequestType([depts[0]!], 'records')?.id).toBe('1');
    expect(departmentForRequestType([], 'records')).toBeNull();
  });
});
