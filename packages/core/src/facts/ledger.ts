import type { Actor, FactName } from '../types.ts';

/** A fact as the ledger holds it, in a case or about a patient. */
export interface KnownFact {
  name: FactName;
  value: string;
  /** Interaction the fact came from; null when it came from the patient record. */
  sourceInteractionId: string | null;
  observedAt: string;
  verified: boolean;
  scope: 'case' | 'patient';
}

/**
 * How long a fact stays fresh enough that asking again is a repeat. Identity facts never go
 * stale; preferences and reasons do, because patients legitimately change them.
 */
export const FACT_FRESHNESS_DAYS: Record<FactName, number> = {
  givenName: Infinity,
  familyName: Infinity,
  birthDate: Infinity,
  mrn: Infinity,
  memberId: 365,
  phone: 180,
  email: 180,
  callbackNumber: 30,
  pharmacy: 90,
  medication: 30,
  reason: 14,
  preferredTime: 7,
};

const DAY_MS = 86_400_000;

export function isFresh(fact: Pick<KnownFact, 'name' | 'observedAt'>, now: Date): boolean {
  const ageDays = (now.getTime() - Date.parse(fact.observedAt)) / DAY_MS;
  return ageDays <= FACT_FRESHNESS_DAYS[fact.name];
}

/**
 * Facts whose first statement stays the one to trust. The reason a patient got in touch is
 * what the request is about; what they say later ("can I talk to a real person") is added to
 * its history, never put in its place.
 */
export const KEEPS_ORIGINAL: ReadonlySet<FactName> = new Set<FactName>(['reason']);

/**
 * The value the next handler should trust for a fact: case facts beat patient facts (they are
 * about this request), verified beats unverified, newer beats older, except for facts that
 * keep their original value (KEEPS_ORIGINAL), where older beats newer.
 */
export function currentFact(facts: readonly KnownFact[], name: FactName, now: Date): KnownFact | null {
  let best: KnownFact | null = null;
  const original = KEEPS_ORIGINAL.has(name);
  for (const fact of facts) {
    if (fact.name !== name || !isFresh(fact, now)) continue;
    const tieWins = best !== null && rank(fact) === rank(best) && (original ? fact.observedAt < best.observedAt : fact.observedAt > best.observedAt);
    if (!best || rank(fact) > rank(best) || tieWins) best = fact;
  }
  return best;
}

/**
 * Every value a fact has had (fresh or not), oldest first: each statement added a value with
 * its source and time, and none replaced another.
 */
export function factHistory<T extends Pick<KnownFact, 'name' | 'observedAt'>>(facts: readonly T[], name: FactName): T[] {
  return facts.filter((f) => f.name === name).sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt));
}

function rank(fact: KnownFact): number {
  return (fact.scope === 'case' ? 2 : 0) + (fact.verified ? 1 : 0);
}

/** Latest fresh value of every fact, one per name. */
export function currentFacts(facts: readonly KnownFact[], now: Date): KnownFact[] {
  const names = new Set(facts.map((f) => f.name));
  const out: KnownFact[] = [];
  for (const name of names) {
    const fact = currentFact(facts, name, now);
    if (fact) out.push(fact);
  }
  return out;
}

export type AskDecision =
  /** Not known: go ahead and ask. */
  | { outcome: 'ask' }
  /** Known: the assistant never asks, the known value is handed back instead. */
  | { outcome: 'refused'; known: KnownFact }
  /** Known, and a person chose to ask anyway: allowed, and it is a repeat ask. */
  | { outcome: 'repeat_ask'; known: KnownFact }
  /** Known: shown to the person first; nothing is recorded unless they insist. */
  | { outcome: 'known'; known: KnownFact };

/**
 * The single rule behind "no repeated questions": every ask names the fact wanted and comes
 * through here, so asking for something known is impossible for the assistant and counted
 * for a person.
 */
export function decideAsk(
  facts: readonly KnownFact[],
  name: FactName,
  actor: Actor,
  insist: boolean,
  now: Date,
): AskDecision {
  const known = currentFact(facts, name, now);
  if (!known) return { outcome: 'ask' };
  if (actor === 'assistant' || actor === 'system') return { outcome: 'refused', known };
  return insist ? { outcome: 'repeat_ask', known } : { outcome: 'known', known };
}
