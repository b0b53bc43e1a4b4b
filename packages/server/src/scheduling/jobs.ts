import type { Services } from '../pipeline/context.ts';
import { runDueReminders, type ReminderRun } from './reminders.ts';
import { expireWaitlist } from './waitlist.ts';

/** One pass of the scheduling jobs: lapsed waitlist offers move on, due reminders go out. */
export async function runSchedulingJobs(services: Services, now: Date = services.now()): Promise<{ reminders: ReminderRun; offersExpired: number; entriesExpired: number }> {
  const waitlist = await expireWaitlist(services, now);
  const reminders = await runDueReminders(services, now);
  return { reminders, ...waitlist };
}

export interface SchedulingJobs {
  stop(): Promise<void>;
}

/**
 * Runs the scheduling jobs every `intervalMs` (default a minute: reminders are planned to the
 * minute, and a late one is still sent until the visit starts). Safe in several processes: each
 * job claims its rows with SKIP LOCKED.
 */
export function startSchedulingJobs(services: Services, opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}): SchedulingJobs {
  const intervalMs = opts.intervalMs ?? 60_000;
  // Name and code only: a driver error can quote parameters (addresses, message text).
  const onError =
    opts.onError ??
    ((err: unknown) => {
      const e = err as { name?: unknown; code?: unknown };
      console.error(`[scheduling] job pass failed: ${String(e?.name ?? 'error')}${e?.code ? ` (${String(e.code)})` : ''}`);
    });
  let stopped = false;
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    timer = null;
    if (stopped) return;
    inFlight = runSchedulingJobs(services)
      .then(() => undefined, onError)
      .finally(() => {
        inFlight = null;
        if (!stopped) {
          timer = setTimeout(tick, intervalMs);
          timer.unref();
        }
      });
  };
  timer = setTimeout(tick, 0);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (inFlight) await inFlight;
    },
  };
}
