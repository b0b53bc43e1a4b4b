import type { Services } from '../pipeline/context.ts';
import { logJobFailure, repeatEvery } from '../jobs.ts';
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
  return repeatEvery(opts.intervalMs ?? 60_000, () => runSchedulingJobs(services), opts.onError ?? logJobFailure('scheduling'));
}
