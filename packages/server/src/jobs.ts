import { outsideTenantScope } from './store/tenant-scope.ts';

/** A background job that runs one pass at a time until stopped. */
export interface RepeatingJob {
  /** Stops the timer and waits for a pass in flight. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` now (or after `firstDelayMs`) and again `intervalMs` after each pass ends, so passes
 * never overlap; a failed pass goes to `onError` and the next one still runs. The timer never
 * keeps the process alive.
 */
export function repeatEvery(intervalMs: number, pass: () => Promise<unknown>, onError: (err: unknown) => void, opts: { firstDelayMs?: number } = {}): RepeatingJob {
  let stopped = false;
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const schedule = (ms: number) => {
    // A job serves every organisation: it never inherits the tenant scope of whoever started it.
    timer = outsideTenantScope(() => setTimeout(tick, ms));
    timer.unref();
  };
  const tick = () => {
    timer = null;
    if (stopped) return;
    inFlight = pass()
      .then(() => undefined, onError)
      .finally(() => {
        inFlight = null;
        if (!stopped) schedule(intervalMs);
      });
  };
  schedule(opts.firstDelayMs ?? 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (inFlight) await inFlight;
    },
  };
}

/** Logs a failed pass by error name and code only: a driver error can quote parameters (PHI). */
export function logJobFailure(area: string): (err: unknown) => void {
  return (err) => {
    const e = err as { name?: unknown; code?: unknown };
    console.error(`[${area}] job pass failed: ${String(e?.name ?? 'error')}${e?.code ? ` (${String(e.code)})` : ''}`);
  };
}
