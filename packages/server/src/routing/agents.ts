import { and, eq, inArray } from 'drizzle-orm';
import {
  capacityOf,
  CHANNELS,
  DEFAULT_AGENT_CAPACITY,
  invalidRoutingRule,
  isAgentPresence,
  isSkillTag,
  type AgentPresence,
  type Channel,
  type ChannelCapacity,
  type RequestType,
  type RoutingRule,
} from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import type { Executor } from '../store/db.ts';
import { ChangeSet } from '../store/events.ts';
import { departments, staff } from '../store/schema.ts';
import { agentProfiles, routingRules } from '../store/schema-routing.ts';
import { dispatch } from './engine.ts';
import { withdrawOffersOf } from './offers.ts';
import { heldLoads, iso, offeredLoads, ruleFromRow, type AgentProfileRow } from './state.ts';

export interface AgentView {
  staffId: string;
  name: string;
  role: string;
  presence: AgentPresence;
  presenceSince: string | null;
  languages: string[];
  requestTypes: string[];
  skills: string[];
  departmentIds: string[];
  capacity: ChannelCapacity;
  /** Contacts held per channel (assigned and still open). */
  held: Partial<Record<Channel, number>>;
  /** Offers waiting for this agent's answer, per channel. */
  offered: Partial<Record<Channel, number>>;
  /** Seats left per channel (capacity minus held and offered). */
  free: ChannelCapacity;
  lastOfferedAt: string | null;
  /** false until the agent's presence or profile was first set: defaults shown. */
  configured: boolean;
}

function viewOf(s: { id: string; name: string; role: string }, p: AgentProfileRow | null, held: Map<string, Partial<Record<Channel, number>>>, offered: Map<string, Partial<Record<Channel, number>>>): AgentView {
  const capacity = capacityOf(p?.capacity);
  const h = held.get(s.id) ?? {};
  const o = offered.get(s.id) ?? {};
  const free = Object.fromEntries(CHANNELS.map((c) => [c, Math.max(0, capacity[c] - (h[c] ?? 0) - (o[c] ?? 0))])) as ChannelCapacity;
  return {
    staffId: s.id,
    name: s.name,
    role: s.role,
    presence: p && isAgentPresence(p.presence) ? p.presence : 'offline',
    presenceSince: iso(p?.presenceSince),
    languages: p?.languages ?? ['en'],
    requestTypes: p?.requestTypes ?? [],
    skills: p?.skills ?? [],
    departmentIds: p?.departmentIds ?? [],
    capacity,
    held: h,
    offered: o,
    free,
    lastOfferedAt: iso(p?.lastOfferedAt),
    configured: !!p,
  };
}

/** Every staff member with their routing state and load (the supervisor's agent board). */
export async function listAgents(tx: Executor, organizationId: string, staffIds?: readonly string[]): Promise<AgentView[]> {
  const people = await tx
    .select({ id: staff.id, name: staff.name, role: staff.role })
    .from(staff)
    .where(and(eq(staff.organizationId, organizationId), ...(staffIds ? [inArray(staff.id, [...staffIds])] : [])))
    .orderBy(staff.name);
  if (people.length === 0) return [];
  const ids = people.map((p) => p.id);
  const profiles = await tx.select().from(agentProfiles).where(and(eq(agentProfiles.organizationId, organizationId), inArray(agentProfiles.staffId, ids)));
  const byId = new Map(profiles.map((p) => [p.staffId, p]));
  const [held, offered] = [await heldLoads(tx, organizationId, ids), await offeredLoads(tx, organizationId, ids)];
  return people.map((s) => viewOf(s, byId.get(s.id) ?? null, held, offered));
}

export async function getAgent(tx: Executor, organizationId: string, staffId: string): Promise<AgentView> {
  const [view] = await listAgents(tx, organizationId, [staffId]);
  if (!view) throw new BadInput('unknown_staff', 'No such staff member in this organization.', 404);
  return view;
}

/** The profile row of a staff member, created with the defaults on first use, locked for this transaction. */
async function lockProfile(changes: ChangeSet, staffId: string, at: string): Promise<AgentProfileRow> {
  const [person] = await changes.tx.select({ id: staff.id }).from(staff).where(changes.owned(staff, staffId));
  if (!person) throw new BadInput('unknown_staff', 'No such staff member in this organization.', 404);
  await changes.tx
    .insert(agentProfiles)
    .values({ staffId, organizationId: changes.organizationId, capacity: { ...DEFAULT_AGENT_CAPACITY }, presence: 'offline', presenceSince: at, updatedAt: at })
    .onConflictDoNothing();
  const [row] = await changes.tx
    .select()
    .from(agentProfiles)
    .where(and(eq(agentProfiles.organizationId, changes.organizationId), eq(agentProfiles.staffId, staffId)))
    .for('update');
  return row!;
}

/**
 * An agent's presence. Becoming available offers them waiting work at once; leaving withdraws
 * the offers they have not answered, which go to the next agent.
 */
export async function setPresence(services: Services, organizationId: string, staffId: string, presence: AgentPresence, at?: string): Promise<AgentView> {
  const when = at ?? services.now().toISOString();
  const changed = await services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const profile = await lockProfile(changes, staffId, when);
    if (profile.presence === presence) return false;
    await tx
      .update(agentProfiles)
      .set({ presence, presenceSince: when, updatedAt: when })
      .where(and(eq(agentProfiles.organizationId, organizationId), eq(agentProfiles.staffId, staffId)));
    await changes.append({ kind: 'presence_changed', occurredAt: when, data: { agentId: staffId, from: profile.presence, to: presence } });
    await changes.commit();
    return true;
  });
  // Separate transactions: offers lock their case before the agent, never the other way round.
  if (changed) {
    if (presence === 'available') await dispatchNow(services, organizationId, when);
    else await withdrawOffersOf(services, organizationId, staffId, `agent_${presence}`, when);
  }
  return getAgent(services.database.db, organizationId, staffId);
}

export interface ProfileInput {
  languages?: string[];
  requestTypes?: RequestType[];
  skills?: string[];
  departmentIds?: string[];
  capacity?: Partial<ChannelCapacity>;
}

/** Sets the given parts of an agent's routing profile; the parts left out keep their values. */
export async function updateProfile(services: Services, organizationId: string, staffId: string, input: ProfileInput, at?: string): Promise<AgentView> {
  const when = at ?? services.now().toISOString();
  if (input.skills?.some((s) => !isSkillTag(s))) throw new BadInput('invalid_skill', 'Skills are short lower-case tags (letters, digits, - and _).');
  await services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const profile = await lockProfile(changes, staffId, when);
    if (input.departmentIds?.length) {
      const found = await tx
        .select({ id: departments.id })
        .from(departments)
        .where(and(eq(departments.organizationId, organizationId), inArray(departments.id, input.departmentIds)));
      if (found.length !== new Set(input.departmentIds).size) throw new BadInput('unknown_department', 'departmentIds names a department this organization does not have.', 422);
    }
    const next = {
      ...(input.languages ? { languages: [...new Set(input.languages)] } : {}),
      ...(input.requestTypes ? { requestTypes: [...new Set(input.requestTypes)] } : {}),
      ...(input.skills ? { skills: [...new Set(input.skills)] } : {}),
      ...(input.departmentIds ? { departmentIds: [...new Set(input.departmentIds)] } : {}),
      ...(input.capacity ? { capacity: { ...capacityOf(profile.capacity), ...input.capacity } } : {}),
    };
    await tx
      .update(agentProfiles)
      .set({ ...next, updatedAt: when })
      .where(and(eq(agentProfiles.organizationId, organizationId), eq(agentProfiles.staffId, staffId)));
    await changes.append({ kind: 'agent_profile_changed', occurredAt: when, data: { agentId: staffId, fields: Object.keys(next), ...next } });
    await changes.commit();
  });
  // More capacity or a new skill can make waiting cases offerable.
  await dispatchNow(services, organizationId, when);
  return getAgent(services.database.db, organizationId, staffId);
}

/** Offers whatever can be offered now in this organisation, in a transaction of its own. */
export async function dispatchNow(services: Services, organizationId: string, at?: string): Promise<number> {
  return services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const made = await dispatch(changes, at ?? services.now().toISOString());
    await changes.commit();
    return made.length;
  });
}

export interface RuleView extends RoutingRule {
  departmentId: string;
  department: { id: string; slug: string; name: string };
  /** true while the department has no rule of its own (the defaults apply). */
  isDefault: boolean;
  updatedAt: string | null;
}

export async function listRules(tx: Executor, organizationId: string, departmentId?: string): Promise<RuleView[]> {
  const rows = await tx
    .select({ d: departments, r: routingRules })
    .from(departments)
    .leftJoin(routingRules, eq(routingRules.departmentId, departments.id))
    .where(and(eq(departments.organizationId, organizationId), ...(departmentId ? [eq(departments.id, departmentId)] : [])))
    .orderBy(departments.slug);
  return rows.map(({ d, r }) => ({
    departmentId: d.id,
    department: { id: d.id, slug: d.slug, name: d.name },
    ...ruleFromRow(r),
    isDefault: !r,
    updatedAt: iso(r?.updatedAt),
  }));
}

export async function getRule(tx: Executor, organizationId: string, departmentId: string): Promise<RuleView> {
  const [rule] = await listRules(tx, organizationId, departmentId);
  if (!rule) throw new BadInput('unknown_department', 'No such department in this organization.', 404);
  return rule;
}

/** A supervisor changes a queue's rule; the parts left out keep their values. */
export async function updateRule(services: Services, organizationId: string, departmentId: string, input: Partial<RoutingRule>, at?: string): Promise<RuleView> {
  const when = at ?? services.now().toISOString();
  const problems = invalidRoutingRule(input);
  if (problems.length > 0) throw new BadInput('invalid_rule', problems.join('; '));
  await services.database.db.transaction(async (tx) => {
    const changes = new ChangeSet(tx, organizationId);
    const before = await getRule(tx, organizationId, departmentId);
    const { department: _d, departmentId: _id, isDefault: _def, updatedAt: _u, ...current } = before;
    const after: RoutingRule = { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
    if (after.requiredSkills) after.requiredSkills = [...new Set(after.requiredSkills)];
    await tx
      .insert(routingRules)
      .values({ departmentId, organizationId, ...after, updatedAt: when })
      .onConflictDoUpdate({ target: routingRules.departmentId, set: { ...after, updatedAt: when }, setWhere: eq(routingRules.organizationId, organizationId) });
    const changed = (Object.keys(after) as Array<keyof RoutingRule>).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(current[k]));
    await changes.append({
      kind: 'routing_rule_changed',
      occurredAt: when,
      data: {
        departmentId,
        changed,
        before: Object.fromEntries(changed.map((k) => [k, current[k]])),
        after: Object.fromEntries(changed.map((k) => [k, after[k]])),
      },
    });
    await changes.commit();
  });
  await dispatchNow(services, organizationId, when);
  return getRule(services.database.db, organizationId, departmentId);
}
