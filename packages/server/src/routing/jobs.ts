import { and, eq, isNotNull, ne, or, sql } from 'drizzle-orm';
import type { Services } from '../pipeline/context.ts';
import { logJobFailure, repeatEvery } from '../jobs.ts';
import { NOTIFY_CHANNEL } from '../store/db.ts';
import { ChangeSet, parseChangeNotice } from '../store/events.ts';
import { cases } from '../store/schema.ts';
import { caseRouting } from '../store/schema-routing.ts';
import { dispatchNow } from './agents.ts';
import { cancelOpenOffers } from './engine.ts';
import { expireDueOffers } from './offers.ts';
import { rowsOf } from './state.ts';

/**
 * Cases that stopped waiting outside routing (resolved, merged, assigned by hand while queued)
 * leave the queue, and an offer still open on them is withdrawn.
 */
async function dropStale(services: Services, at: string, organizationId?: string): Promise<number> {
  const stale = await services.database.db
    .select({ caseId: caseRouting.caseId, organizationId: caseRouting.organizationId })
    .from(caseRouting)
    .innerJoin(cases, eq(cases.id, caseRouting.caseId))
    .where(
      and(
        isNotNull(caseRouting.waitingSince),
        ...(organizationId ? [eq(caseRouting.organizationId, organizationId)] : []),
        or(ne(cases.status, 'open'), ne(cases.queueState, 'queued')),
      ),
    )
    .limit(500);
  let dropped = 0;
  for (const row of stale) {
    const done = await services.database.db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, row.organizationId);
      const [c] = await tx.select().from(cases).where(changes.owned(cases, row.caseId)).for('update', { skipLocked: true });
      if (!c || (c.status === 'open' && c.queueState === 'queued')) return false;
      await tx
        .update(caseRouting)
        .set({ waitingSince: null, updatedAt: at })
        .where(and(eq(caseRouting.organizationId, row.organizationId), eq(caseRouting.caseId, row.caseId)));
      await cancelOpenOffers(changes, row.caseId, c.status === 'open' ? 'taken' : 'case_closed', at);
      await changes.commit();
      return true;
    });
    if (done) dropped++;
  }
  return dropped;
}

/** Offers what can be offered in every organisation with waiting cases (or just the ones named). */
export async function sweepQueues(services: Services, now: Date = services.now(), organizationIds?: readonly string[]): Promise<{ dropped: number; offersMade: number }> {
  const at = now.toISOString();
  let dropped = 0;
  if (organizationIds) for (const org of organizationIds) dropped += await dropStale(services, at, org);
  else dropped = await dropStale(services, at);
  const orgs = organizationIds
    ? [...organizationIds]
    : (
        await services.database.db
          .selectDistinct({ organizationId: caseRouting.organizationId })
          .from(caseRouting)
          .where(sql`${caseRouting.waitingSince} is not null`)
      ).map((r) => r.organizationId);
  let offersMade = 0;
  for (const org of orgs) offersMade += await dispatchNow(services, org, at);
  return { dropped, offersMade };
}

/**
 * Cases left queued before routing kept its own state (routing v1 only set cases.queue_state)
 * join the queue as waiting since their last activity. Runs once when the timer starts.
 */
export async function adoptQueuedCases(services: Services, now: Date = services.now()): Promise<number> {
  const result = await services.database.db.execute(sql`
    insert into ${caseRouting} (case_id, organization_id, department_id, waiting_since, channel, updated_at)
    select c.id, c.organization_id, c.department_id, c.updated_at, c.last_channel, ${now.toISOString()}
    from ${cases} c
    where c.status = 'open' and c.queue_state = 'queued'
      and not exists (select 1 from ${caseRouting} r where r.case_id = c.id)
    on conflict (case_id) do nothing
    returning case_id`);
  return rowsOf(result).length;
}

export interface RoutingRun {
  offersTimedOut: number;
  dropped: number;
  offersMade: number;
}

/** One pass: lapsed offers time out (their cases go to the next agent), then the queues are swept. */
export async function runRoutingJobs(services: Services, now: Date = services.now()): Promise<RoutingRun> {
  const offersTimedOut = await expireDueOffers(services, now);
  const swept = await sweepQueues(services, now);
  return { offersTimedOut, ...swept };
}

export interface RoutingJobs {
  /** One pass at `now` (default services.now()), for tests and manual runs. */
  runOnce(now?: Date): Promise<RoutingRun>;
  stop(): Promise<void>;
}

/** Changes made outside routing that free an agent's seat: the organisation's queues are swept at once. */
const FREES_CAPACITY = new Set(['case_resolved', 'interaction_ended', 'case_folded']);

/**
 * Runs the routing timer: every `intervalMs` (default one second, the grain of an offer's
 * timeout) lapsed offers time out and move on; every `sweepEveryMs` (default five seconds) the
 * queues are swept so waiting cases meet agents who freed a seat. A resolve or a contact ending
 * anywhere (heard through LISTEN/NOTIFY) sweeps that organisation on the next tick instead of
 * waiting for the sweep. Safe in several processes: rows are claimed with SKIP LOCKED.
 */
export function startRoutingJobs(
  services: Services,
  opts: { intervalMs?: number; sweepEveryMs?: number; listen?: boolean; onError?: (err: unknown) => void } = {},
): RoutingJobs {
  const intervalMs = opts.intervalMs ?? 1000;
  const sweepEveryMs = opts.sweepEveryMs ?? 5000;
  const onError = opts.onError ?? logJobFailure('routing');
  const dirty = new Set<string>();
  let lastSweep = 0;
  let stopped = false;
  let unlisten: (() => Promise<void>) | null = null;
  const listening =
    opts.listen === false
      ? Promise.resolve()
      : services.database
          .listen(NOTIFY_CHANNEL, (payload) => {
            const notice = parseChangeNotice(payload);
            if (notice && notice.kinds.some((k) => FREES_CAPACITY.has(k))) dirty.add(notice.organizationId);
          }, () => {
            // Seats freed while the connection was down sent notices nobody heard: sweep everything next tick.
            lastSweep = 0;
          })
          .then(
            (stop) => {
              if (stopped) return stop();
              unlisten = stop;
            },
            onError,
          );

  let adopted = false;
  const pass = async () => {
    const now = services.now();
    if (!adopted) {
      await adoptQueuedCases(services, now);
      adopted = true;
    }
    await expireDueOffers(services, now);
    if (Date.now() - lastSweep >= sweepEveryMs) {
      lastSweep = Date.now();
      dirty.clear();
      await sweepQueues(services, now);
    } else if (dirty.size > 0) {
      const orgs = [...dirty];
      dirty.clear();
      await sweepQueues(services, now, orgs);
    }
  };
  const job = repeatEvery(intervalMs, pass, onError);
  return {
    runOnce: (now?: Date) => runRoutingJobs(services, now ?? services.now()),
    async stop() {
      stopped = true;
      await job.stop();
      await listening;
      const stop = unlisten as (() => Promise<void>) | null;
      if (stop) await stop();
    },
  };
}
