import { CHANNELS, type Channel } from '../types.ts';

// Routing policy: who is offered a waiting case. Pure: the caller gathers a snapshot (agents
// with their presence, skills and load; the cases waiting; the department rules) and applies
// the plan under row locks, re-checking what may have changed in between.

export const AGENT_PRESENCES = ['available', 'busy', 'away', 'offline'] as const;
/** Only `available` agents receive offers; the others keep what they already hold. */
export type AgentPresence = (typeof AGENT_PRESENCES)[number];

export function isAgentPresence(value: unknown): value is AgentPresence {
  return typeof value === 'string' && (AGENT_PRESENCES as readonly string[]).includes(value);
}

export type ChannelCapacity = Record<Channel, number>;

/**
 * How many contacts of each channel an agent holds at once. Chats and messages interleave;
 * a call or a visit takes the whole person.
 */
export const DEFAULT_AGENT_CAPACITY: ChannelCapacity = { webchat: 3, sms: 5, email: 5, voice: 1, portal: 5, in_person: 1 };

/** Why an offer went to this agent. */
export type OfferReason = 'same_agent' | 'transfer' | 'queue';

/** A department's queue settings. Any field left unset takes the default. */
export interface RoutingRule {
  /** Skill tags an agent must have all of to take this queue's cases (e.g. "pediatrics"). */
  requiredSkills: string[];
  /** The agent must speak the contact's language when it is known. */
  matchLanguage: boolean;
  /** The agent must take the case's request type (agents with no list take every type). */
  matchRequestType: boolean;
  /** How long the agent who last handled a returning case (or a transfer's target) has to accept before the queue gets it. */
  sameAgentOfferSeconds: number;
  /** How long a queue offer waits for an answer before the next agent is tried. */
  offerSeconds: number;
  /** A case waiting longer than this breaches the queue's target (supervisor view). */
  waitTargetSeconds: number;
  /** An agent who declined or missed an offer is not offered the same case again for this long. */
  reofferAfterSeconds: number;
}

export const DEFAULT_ROUTING_RULE: RoutingRule = {
  requiredSkills: [],
  matchLanguage: true,
  matchRequestType: true,
  sameAgentOfferSeconds: 30,
  offerSeconds: 30,
  waitTargetSeconds: 120,
  reofferAfterSeconds: 120,
};

/** Bounds that keep a rule meaningful: an offer nobody can answer in time, or one that holds a case for hours, is a mistake. */
export const ROUTING_RULE_LIMITS = {
  offerSeconds: { min: 5, max: 600 },
  waitTargetSeconds: { min: 10, max: 86_400 },
  reofferAfterSeconds: { min: 0, max: 86_400 },
  capacity: { min: 0, max: 50 },
} as const;

/** Problems with a (partial) rule, in words a supervisor can act on; empty when valid. */
export function invalidRoutingRule(rule: Partial<RoutingRule>): string[] {
  const problems: string[] = [];
  const within = (name: keyof RoutingRule, value: number | undefined, limits: { min: number; max: number }) => {
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < limits.min || value > limits.max) {
      problems.push(`${name} must be a whole number of seconds between ${limits.min} and ${limits.max}`);
    }
  };
  within('sameAgentOfferSeconds', rule.sameAgentOfferSeconds, ROUTING_RULE_LIMITS.offerSeconds);
  within('offerSeconds', rule.offerSeconds, ROUTING_RULE_LIMITS.offerSeconds);
  within('waitTargetSeconds', rule.waitTargetSeconds, ROUTING_RULE_LIMITS.waitTargetSeconds);
  within('reofferAfterSeconds', rule.reofferAfterSeconds, ROUTING_RULE_LIMITS.reofferAfterSeconds);
  if (rule.requiredSkills && rule.requiredSkills.some((s) => !isSkillTag(s))) {
    problems.push('requiredSkills must be short lower-case tags (letters, digits, - and _)');
  }
  return problems;
}

export function isSkillTag(value: string): boolean {
  return /^[a-z0-9][a-z0-9_-]{0,39}$/.test(value);
}

export function routingRuleOf(partial: Partial<RoutingRule> | null | undefined): RoutingRule {
  return { ...DEFAULT_ROUTING_RULE, ...Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined && v !== null)) };
}

/** A full capacity map from a partial one: channels left out take the default. */
export function capacityOf(partial: Partial<ChannelCapacity> | null | undefined): ChannelCapacity {
  const out = { ...DEFAULT_AGENT_CAPACITY };
  for (const channel of CHANNELS) {
    const v = partial?.[channel];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) out[channel] = v;
  }
  return out;
}

/** An agent as routing sees them at one moment. */
export interface RoutingAgent {
  id: string;
  presence: AgentPresence;
  /** ISO 639-1 codes the agent serves patients in. */
  languages: string[];
  /** Request types the agent takes; empty means every type. */
  requestTypes: string[];
  skills: string[];
  /** Department queues the agent serves; empty means every department. */
  departmentIds: string[];
  capacity: ChannelCapacity;
  /** Contacts in hand per channel: assigned work plus offers still open (an offer reserves its seat). */
  load: Partial<Record<Channel, number>>;
  /** When the agent was last offered anything: round robin turns on it. */
  lastOfferedAt: string | null;
}

/** A case waiting for a person. */
export interface QueuedCase {
  caseId: string;
  departmentId: string | null;
  /** The channel of the contact that is waiting. */
  channel: Channel;
  /** The contact's language when known. */
  language: string | null;
  requestType: string;
  /** When the case started waiting (ISO). Longest waiting is served first. */
  waitingSince: string;
  /** Who should be offered it first: the agent who last handled it, or a transfer's target. */
  preferredAgentId: string | null;
  preferredReason: Extract<OfferReason, 'same_agent' | 'transfer'> | null;
  /** Agents who declined or missed an offer of this case, and when. */
  refusals: Array<{ agentId: string; at: string }>;
  /** `urgent` (an open urgent-symptoms alert): offered before every other waiting case. */
  priority?: 'urgent' | 'normal';
}

export interface PlannedOffer {
  caseId: string;
  agentId: string;
  channel: Channel;
  reason: OfferReason;
  /** ISO time the offer lapses. */
  expiresAt: string;
}

export type RuleLookup = (departmentId: string | null) => RoutingRule;

export function loadOn(agent: RoutingAgent, channel: Channel): number {
  return agent.load[channel] ?? 0;
}

export function totalLoad(agent: RoutingAgent): number {
  let n = 0;
  for (const channel of CHANNELS) n += agent.load[channel] ?? 0;
  return n;
}

export function hasCapacity(agent: RoutingAgent, channel: Channel): boolean {
  return loadOn(agent, channel) < agent.capacity[channel];
}

/** Why an agent cannot take a queue's case: empty when they can (presence and capacity aside). */
export function skillGaps(agent: RoutingAgent, queued: QueuedCase, rule: RoutingRule): string[] {
  const gaps: string[] = [];
  if (!servesDepartment(agent, queued.departmentId)) gaps.push('department');
  if (rule.matchLanguage && queued.language && !agent.languages.includes(queued.language)) gaps.push(`language:${queued.language}`);
  if (rule.matchRequestType && queued.requestType !== 'other' && agent.requestTypes.length > 0 && !agent.requestTypes.includes(queued.requestType)) {
    gaps.push(`requestType:${queued.requestType}`);
  }
  for (const skill of rule.requiredSkills) if (!agent.skills.includes(skill)) gaps.push(`skill:${skill}`);
  return gaps;
}

function refusedRecently(queued: QueuedCase, agentId: string, rule: RoutingRule, now: Date): boolean {
  const since = now.getTime() - rule.reofferAfterSeconds * 1000;
  return queued.refusals.some((r) => r.agentId === agentId && Date.parse(r.at) > since);
}

/** Can this agent be offered this case from the department queue now? */
export function eligibleForQueue(agent: RoutingAgent, queued: QueuedCase, rule: RoutingRule, now: Date): boolean {
  return (
    agent.presence === 'available' &&
    hasCapacity(agent, queued.channel) &&
    !refusedRecently(queued, agent.id, rule, now) &&
    skillGaps(agent, queued, rule).length === 0
  );
}

/**
 * The preferred agent (who last handled the case, or the target of a transfer) gets the first
 * offer when they are available and have room on the waiting contact's channel. Skills are not
 * checked: they already know this patient and this request.
 */
export function preferredAgentFor(queued: QueuedCase, agents: readonly RoutingAgent[], rule: RoutingRule, now: Date): RoutingAgent | null {
  if (!queued.preferredAgentId) return null;
  const agent = agents.find((a) => a.id === queued.preferredAgentId);
  if (!agent || agent.presence !== 'available' || !hasCapacity(agent, queued.channel)) return null;
  if (refusedRecently(queued, agent.id, rule, now)) return null;
  return agent;
}

/**
 * Orders agents for a queue offer: the least loaded first, then round robin among equals (the
 * one offered least recently, never-offered first), then by id so the order is total.
 */
export function compareAgentsForOffer(a: RoutingAgent, b: RoutingAgent): number {
  const byLoad = totalLoad(a) - totalLoad(b);
  if (byLoad !== 0) return byLoad;
  const ta = a.lastOfferedAt === null ? -Infinity : Date.parse(a.lastOfferedAt);
  const tb = b.lastOfferedAt === null ? -Infinity : Date.parse(b.lastOfferedAt);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function compareByWait(a: QueuedCase, b: QueuedCase): number {
  const urgent = Number(b.priority === 'urgent') - Number(a.priority === 'urgent');
  if (urgent !== 0) return urgent;
  const d = Date.parse(a.waitingSince) - Date.parse(b.waitingSince);
  if (d !== 0) return d;
  return a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0;
}

/**
 * Decides the offers to make now for cases that wait without one.
 *
 * 1. Preferred offers first: a case that comes back is offered to the agent who last handled it
 *    (a transfer to its target) when that agent is available with room on the channel. Continuity
 *    comes before queue order because it is what spares the patient from repeating themselves,
 *    and it is short-lived (`sameAgentOfferSeconds`).
 * 2. Then the queues, longest-waiting case first; each takes the best eligible agent
 *    ({@link compareAgentsForOffer}). An offer holds a seat, so the next case sees the agent's
 *    load one higher and their turn taken.
 */
export function planRoutingOffers(queued: readonly QueuedCase[], agents: readonly RoutingAgent[], ruleFor: RuleLookup, now: Date): PlannedOffer[] {
  const pool = agents.map((a) => ({ ...a, load: { ...a.load } }));
  const offers: PlannedOffer[] = [];
  const ordered = [...queued].sort(compareByWait);
  const placed = new Set<string>();
  // Offers made in this pass are all "now": their order breaks the tie so the turn still rotates.
  const turn = new Map<string, number>();
  let sequence = 0;
  const rank = (a: RoutingAgent, b: RoutingAgent): number => {
    const byLoad = totalLoad(a) - totalLoad(b);
    if (byLoad !== 0) return byLoad;
    const ta = turn.get(a.id);
    const tb = turn.get(b.id);
    if (ta === undefined && tb === undefined) return compareAgentsForOffer(a, b);
    if (ta === undefined) return -1;
    if (tb === undefined) return 1;
    return ta - tb;
  };
  const take = (agent: RoutingAgent, c: QueuedCase, reason: OfferReason, seconds: number) => {
    agent.load[c.channel] = loadOn(agent, c.channel) + 1;
    turn.set(agent.id, sequence++);
    placed.add(c.caseId);
    offers.push({ caseId: c.caseId, agentId: agent.id, channel: c.channel, reason, expiresAt: new Date(now.getTime() + seconds * 1000).toISOString() });
  };

  // Urgent cases (an urgent-symptoms alert) are placed completely before any other case,
  // preferred offers included: an agent's continuity with a routine case never delays them.
  const groups = [ordered.filter((c) => c.priority === 'urgent'), ordered.filter((c) => c.priority !== 'urgent')];
  for (const group of groups) {
    for (const c of group) {
      const rule = ruleFor(c.departmentId);
      const agent = preferredAgentFor(c, pool, rule, now);
      if (agent) take(agent, c, c.preferredReason ?? 'same_agent', rule.sameAgentOfferSeconds);
    }
    for (const c of group) {
      if (placed.has(c.caseId)) continue;
      const rule = ruleFor(c.departmentId);
      let best: RoutingAgent | null = null;
      for (const agent of pool) {
        if (!eligibleForQueue(agent, c, rule, now)) continue;
        if (!best || rank(agent, best) < 0) best = agent;
      }
      if (best) take(best, c, 'queue', rule.offerSeconds);
    }
  }
  return offers;
}

/** The department that takes a request type: its own, else "general", else the first. */
export function departmentForRequestType<D extends { id: string; slug: string; requestTypes: readonly string[] }>(
  departments: readonly D[],
  requestType: string,
): D | null {
  return departments.find((d) => d.requestTypes.includes(requestType)) ?? departments.find((d) => d.slug === 'general') ?? departments[0] ?? null;
}

export function waitSeconds(waitingSince: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(waitingSince)) / 1000));
}

export interface QueueSummary {
  waiting: number;
  /** Cases with an offer out right now (still waiting: nobody has accepted). */
  offered: number;
  longestWaitSeconds: number;
  oldestWaitingSince: string | null;
  /** Waiting longer than the rule's target, longest first. */
  breaching: Array<{ caseId: string; waitSeconds: number }>;
  agentsAvailable: number;
  agentsBusy: number;
  agentsAway: number;
}

/**
 * One department queue for the supervisor: what waits, for how long, who could take it.
 * `agents` are the agents serving the queue, in any presence.
 */
export function summarizeQueue(
  waiting: ReadonlyArray<{ caseId: string; waitingSince: string; offered: boolean }>,
  agents: ReadonlyArray<{ presence: AgentPresence }>,
  rule: RoutingRule,
  now: Date,
): QueueSummary {
  const sorted = [...waiting].sort((a, b) => Date.parse(a.waitingSince) - Date.parse(b.waitingSince));
  const oldest = sorted[0]?.waitingSince ?? null;
  return {
    waiting: sorted.length,
    offered: sorted.filter((w) => w.offered).length,
    longestWaitSeconds: oldest ? waitSeconds(oldest, now) : 0,
    oldestWaitingSince: oldest,
    breaching: sorted
      .map((w) => ({ caseId: w.caseId, waitSeconds: waitSeconds(w.waitingSince, now) }))
      .filter((w) => w.waitSeconds > rule.waitTargetSeconds),
    agentsAvailable: agents.filter((a) => a.presence === 'available').length,
    agentsBusy: agents.filter((a) => a.presence === 'busy').length,
    agentsAway: agents.filter((a) => a.presence === 'away').length,
  };
}

/** Does this agent serve that department's queue? */
export function servesDepartment(agent: { departmentIds: readonly string[] }, departmentId: string | null): boolean {
  return agent.departmentIds.length === 0 || (departmentId !== null && agent.departmentIds.includes(departmentId));
}
