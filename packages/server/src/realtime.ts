import type { Database } from './store/db.ts';
import { NOTIFY_CHANNEL } from './store/db.ts';
import { parseChangeNotice, type ChangeNotice } from './store/events.ts';

type Listener = (notice: ChangeNotice) => void;

/**
 * Fans committed changes out to this process's subscribers. Every process listens on the same
 * PostgreSQL channel, so a change made through any node reaches sockets held by every node.
 */
export class RealtimeHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private stop: (() => Promise<void>) | null = null;

  async start(database: Database): Promise<void> {
    this.stop = await database.listen(NOTIFY_CHANNEL, (payload) => {
      const notice = parseChangeNotice(payload);
      if (notice) this.dispatch(notice);
    });
  }

  async close(): Promise<void> {
    await this.stop?.();
    this.stop = null;
    this.listeners.clear();
  }

  /** `caseId` null subscribes to every case of the organisation. */
  subscribe(organizationId: string, caseId: string | null, listener: Listener): () => void {
    const key = `${organizationId}:${caseId ?? '*'}`;
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  private dispatch(notice: ChangeNotice): void {
    for (const key of [`${notice.organizationId}:${notice.caseId}`, `${notice.organizationId}:*`]) {
      for (const listener of this.listeners.get(key) ?? []) {
        try {
          listener(notice);
        } catch {
          /* one broken subscriber must not starve the others */
        }
      }
    }
  }
}
