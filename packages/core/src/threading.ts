import type { Channel, RequestType } from './types.ts';

/** How an interaction came to belong to its case. */
export type JoinReason = 'continuation' | 'reply_token' | 'open_case' | 'recontact' | 'new_case' | 'manual';

export interface CaseCandidate {
  id: string;
  requestType: RequestType;
  status: 'open' | 'resolved';
  /** Last activity on the case (ISO). */
  updatedAt: string;
  resolvedAt: string | null;
}

export interface ThreadingPolicy {
  /** An open case of the same patient and request type joins a new contact within this many days. */
  openCaseWindowDays: number;
  /** A contact about a resolved case within this many days is a recontact and reopens it. */
  recontactWindowDays: number;
}

export const DEFAULT_THREADING_POLICY: ThreadingPolicy = { openCaseWindowDays: 14, recontactWindowDays: 7 };

export type ThreadDecision =
  | { join: 'open_case'; caseId: string }
  | { join: 'recontact'; caseId: string }
  | { join: 'new_case'; requestType: RequestType };

const DAY_MS = 86_400_000;

/**
 * Which case a new interaction of a known patient belongs to, once continuation codes and reply
 * tokens (which always win) have been ruled out. An interaction whose request type is not yet
 * clear joins the patient's only recently active open case: a patient who writes "hi, it's me
 * again" is almost always continuing, and opening a second case would break the thread.
 */
export function decideThread(
  candidates: readonly CaseCandidate[],
  requestType: RequestType | null,
  now: Date,
  policy: ThreadingPolicy = DEFAULT_THREADING_POLICY,
): ThreadDecision {
  const openWindow = now.getTime() - policy.openCaseWindowDays * DAY_MS;
  const recontactWindow = now.getTime() - policy.recontactWindowDays * DAY_MS;
  const open = candidates
    .filter((c) => c.status === 'open' && Date.parse(c.updatedAt) >= openWindow)
    .sort(byNewest);

  if (requestType && requestType !== 'other') {
    const sameType = open.find((c) => c.requestType === requestType);
    if (sameType) return { join: 'open_case', caseId: sameType.id };
    const resolved = candidates
      .filter(
        (c) =>
          c.status === 'resolved' &&
          c.requestType === requestType &&
          c.resolvedAt !== null &&
          Date.parse(c.resolvedAt) >= recontactWindow,
      )
      .sort(byNewest)[0];
    if (resolved) return { join: 'recontact', caseId: resolved.id };
    // A case opened before its type was known takes the type from this contact.
    const untyped = open.find((c) => c.requestType === 'other');
    if (untyped) return { join: 'open_case', caseId: untyped.id };
    return { join: 'new_case', requestType };
  }
  if (open.length === 1) return { join: 'open_case', caseId: open[0]!.id };
  return { join: 'new_case', requestType: 'other' };
}

function byNewest(a: CaseCandidate, b: CaseCandidate): number {
  return Date.parse(b.updatedAt) - Date.parse(a.updatedAt);
}

/** Joins that happened without the patient having to explain who they are or what it was about. */
export function isAutomaticJoin(reason: JoinReason): boolean {
  return reason === 'continuation' || reason === 'reply_token' || reason === 'open_case' || reason === 'recontact';
}

/**
 * Interactions on one channel from one address belong together until they go quiet for this
 * long. Calls and chat sessions carry their own provider handle and end explicitly; messaging
 * channels have no session, so a quiet gap ends the exchange.
 */
export const INTERACTION_IDLE_MINUTES: Record<Channel, number> = {
  voice: 30,
  webchat: 30,
  sms: 240,
  email: 24 * 60,
  portal: 24 * 60,
  in_person: 8 * 60,
};
