/**
 * The virtual assistant's numbers, beside the friction metrics: how much it completes without a
 * person (containment), how often and why it hands over, how long its conversations are, and
 * how often it asked for something the patient had already said (must be zero: its asks go
 * through the facts ledger, which refuses known facts).
 */
export interface AssistantCaseSummary {
  caseId: string;
  /** Assistant turns on the case (messages it answered). */
  turns: number;
  /** Requests it finished itself (booked, refill requested, results told…). */
  completed: number;
  /** Hand-off reasons, in order. */
  handoffs: string[];
  /** Replies by a person on the case. */
  agentReplies: number;
  /** Asks by the assistant that repeated a known fact or an earlier ask of the same fact. */
  repeatAsks: number;
}

export interface AssistantMetrics {
  /** Cases the assistant answered at least once. */
  conversations: number;
  turns: number;
  averageTurns: number;
  /** Requests the assistant completed. */
  requestsCompleted: number;
  /** Cases the assistant completed a request on, with no hand-off and no reply by a person. */
  contained: number;
  /** contained / conversations. */
  containmentRate: number;
  handoffs: number;
  /** Cases handed off / conversations. */
  handoffRate: number;
  handoffReasons: Record<string, number>;
  /** Must be zero. */
  repeatAsksByAssistant: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function assistantMetrics(cases: readonly AssistantCaseSummary[]): AssistantMetrics {
  const engaged = cases.filter((c) => c.turns > 0);
  const handoffReasons: Record<string, number> = {};
  let turns = 0;
  let completed = 0;
  let contained = 0;
  let handedOff = 0;
  let handoffs = 0;
  let repeats = 0;
  for (const c of engaged) {
    turns += c.turns;
    completed += c.completed;
    repeats += c.repeatAsks;
    handoffs += c.handoffs.length;
    if (c.handoffs.length > 0) handedOff += 1;
    for (const r of c.handoffs) handoffReasons[r] = (handoffReasons[r] ?? 0) + 1;
    if (c.completed > 0 && c.handoffs.length === 0 && c.agentReplies === 0) contained += 1;
  }
  const n = engaged.length;
  return {
    conversations: n,
    turns,
    averageTurns: n ? round(turns / n) : 0,
    requestsCompleted: completed,
    contained,
    containmentRate: n ? round(contained / n) : 0,
    handoffs,
    handoffRate: n ? round(handedOff / n) : 0,
    handoffReasons,
    repeatAsksByAssistant: repeats,
  };
}
