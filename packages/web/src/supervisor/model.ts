// The shapes the supervisor view reads from the workspace API (routes/workspace.ts), and the
// small pure helpers that turn them into what is shown. Kept free of React so they stay easy
// to reason about.

export const CHANNELS = ['voice', 'sms', 'webchat', 'email', 'portal', 'in_person'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRESENCES = ['available', 'busy', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

/**
 * The bounds the server enforces on a rule (ROUTING_RULE_LIMITS in @carethread/core). Repeated
 * here so the form can say what is allowed before the round trip; the server stays the judge.
 */
export const RULE_LIMITS = {
  sameAgentOfferSeconds: { min: 5, max: 600 },
  offerSeconds: { min: 5, max: 600 },
  waitTargetSeconds: { min: 10, max: 86_400 },
  reofferAfterSeconds: { min: 0, max: 86_400 },
} as const;
export type SecondsField = keyof typeof RULE_LIMITS;
export const SECONDS_FIELDS = Object.keys(RULE_LIMITS) as SecondsField[];

export interface DepartmentRef {
  id: string;
  slug: string;
  name: string;
}

export interface QueueRow {
  department: DepartmentRef | null;
  waiting: number;
  offered: number;
  longestWaitSeconds: number;
  oldestWaitingSince: string | null;
  breaching: Array<{ caseId: string; waitSeconds: number }>;
  agentsAvailable: number;
  agentsBusy: number;
  agentsAway: number;
  waitTargetSeconds: number;
  breachingCount: number;
  agentsServing: number;
  cases: Array<{ caseId: string; waitingSince: string; waitSeconds: number; offeredTo: string | null; breaching: boolean }>;
}

export interface QueuesResponse {
  at: string;
  queues: QueueRow[];
  /** Continuation code entry for the whole organisation; absent from older servers. */
  codeEntry?: { state: 'open' | 'slowed' | 'paused'; failuresInWindow: number; windowMinutes: number; pauseAfter: number; pausedUntil: string | null };
}

export interface AgentRow {
  staffId: string;
  name: string;
  role: string;
  presence: Presence;
  presenceSince: string | null;
  languages: string[];
  departmentIds: string[];
  capacity: Partial<Record<Channel, number>>;
  held: Partial<Record<Channel, number>>;
  offered: Partial<Record<Channel, number>>;
  configured: boolean;
}

export interface RuleRow {
  departmentId: string;
  department: DepartmentRef;
  requiredSkills: string[];
  matchLanguage: boolean;
  matchRequestType: boolean;
  sameAgentOfferSeconds: number;
  offerSeconds: number;
  waitTargetSeconds: number;
  reofferAfterSeconds: number;
  isDefault: boolean;
  updatedAt: string | null;
}

export interface Me {
  role: string;
  staffId: string | null;
}

/** Who may change routing rules. */
export function canEditRules(role: string | null | undefined): boolean {
  return role === 'admin' || role === 'supervisor';
}

export function queueKey(q: QueueRow): string {
  return q.department?.id ?? 'none';
}

/**
 * A queue as it stands `elapsed` seconds after the server answered: waits keep growing between
 * refreshes, so the longest wait ticks and a case crossing the target is flagged without
 * waiting for the next fetch. The server's own count is a floor (it sees every case, the list
 * only the longest-waiting 20).
 */
export function queueNow(q: QueueRow, elapsed: number): { longestWaitSeconds: number; breachingCount: number } {
  const e = Math.max(0, Math.floor(elapsed));
  const local = q.cases.filter((c) => c.waitSeconds + e > q.waitTargetSeconds).length;
  return {
    longestWaitSeconds: q.waiting > 0 ? q.longestWaitSeconds + e : 0,
    breachingCount: Math.max(q.breachingCount, local),
  };
}

/** Worst first: most cases over target, then the longest wait; names break ties so rows stay put. */
export function sortQueues(rows: Array<{ q: QueueRow; breachingCount: number; longestWaitSeconds: number }>) {
  return [...rows].sort(
    (a, b) =>
      b.breachingCount - a.breachingCount ||
      b.longestWaitSeconds - a.longestWaitSeconds ||
      (a.q.department?.name ?? '\uffff').localeCompare(b.q.department?.name ?? '\uffff'),
  );
}

/** "45 s", "2 min 05 s", "1 h 02 min": the same units read in English and Spanish. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** ISO 8601 duration for <time dateTime>. */
export function isoDuration(totalSeconds: number): string {
  return `PT${Math.max(0, Math.floor(totalSeconds))}S`;
}

const SKILL = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export function parseSkills(text: string): string[] | null {
  const tags = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return tags.every((t) => SKILL.test(t)) ? [...new Set(tags)] : null;
}

/** A whole number of seconds within the field's bounds, or null. */
export function parseSeconds(field: SecondsField, text: string): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  const { min, max } = RULE_LIMITS[field];
  return n >= min && n <= max ? n : null;
}

/** Frames on the organisation stream after which what the supervisor sees may have changed. */
export const REFRESH_FRAMES = new Set(['queue_changed', 'presence_changed', 'offer_created', 'offer_closed', 'case_updated', 'resync', 'code_entry_paused']);
