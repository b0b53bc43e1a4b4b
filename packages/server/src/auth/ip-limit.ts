/**
 * Failed sign-ins per client address, in memory: a guessing run from one address is slowed down
 * even when it spreads over many accounts (the per-account lockout covers one account). Many
 * staff share one clinic address, so the limit is high and slow: one account's failures count
 * at most until that account locks (attempts on a locked account are not counted), which keeps
 * a single account from ever blocking its colleagues; only a run over several accounts does.
 * Each server process counts its own; behind N processes the effective limit is N times
 * higher, which the per-account lockout (kept in the database) still bounds.
 */
export const IP_MAX_FAILURES = 100;
export const IP_WINDOW_MS = 60 * 60_000;
const MAX_TRACKED = 10_000;

export class IpLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly max = IP_MAX_FAILURES,
    readonly windowMs = IP_WINDOW_MS,
  ) {}

  private recent(ip: string, now: number): number[] {
    const list = (this.failures.get(ip) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length === 0) this.failures.delete(ip);
    else this.failures.set(ip, list);
    return list;
  }

  blocked(ip: string, now: Date): boolean {
    return this.recent(ip, now.getTime()).length >= this.max;
  }

  fail(ip: string, now: Date): void {
    const list = this.recent(ip, now.getTime());
    list.push(now.getTime());
    this.failures.set(ip, list);
    // Bounded memory under a spray of addresses: forget the oldest entries first.
    while (this.failures.size > MAX_TRACKED) this.failures.delete(this.failures.keys().next().value!);
  }
}

const limiters = new WeakMap<object, IpLimiter>();

/** One limiter per running app (keyed by its services object), so tests stay independent. */
export function ipLimiterFor(owner: object): IpLimiter {
  let limiter = limiters.get(owner);
  if (!limiter) limiters.set(owner, (limiter = new IpLimiter()));
  return limiter;
}
