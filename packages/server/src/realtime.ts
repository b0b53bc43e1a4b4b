import type { Database } from './store/db.ts';
import { NOTIFY_CHANNEL } from './store/db.ts';
import { parseChangeNotice, type ChangeNotice } from './store/events.ts';
import { parseWorkspaceNotice, type WorkspaceNotice } from './store/workspace-notices.ts';

type Listener = (notice: ChangeNotice) => void;
type WorkspaceListener = (notice: WorkspaceNotice) => void;
type ResyncListener = () => void;

/**
 * Fans committed changes out to this process's subscribers. Every process listens on the same
 * PostgreSQL channel, so a change made through any node reaches sockets held by every node.
 */
export class RealtimeHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly workspaceListeners = new Map<string, Set<WorkspaceListener>>();
  private readonly resyncListeners = new Set<ResyncListener>();
  private stop: (() => Promise<void>) | null = null;

  async start(database: Database): Promise<void> {
    this.stop = await database.listen(NOTIFY_CHANNEL, (payload) => {
      const notice = parseChangeNotice(payload);
      if (notice) this.dispatch(notice);
      else this.dispatchWorkspace(parseWorkspaceNotice(payload));
    }, () => this.resync());
  }

  async close(): Promise<void> {
    await this.stop?.();
    this.stop = null;
    this.listeners.clear();
    this.workspaceListeners.clear();
    this.resyncListeners.clear();
  }

  /**
   * Called when the LISTEN connection came back after a drop (a database restart or failover):
   * notices sent meanwhile are lost, so whoever shows live data reads it again.
   */
  onResync(listener: ResyncListener): () => void {
    this.resyncListeners.add(listener);
    return () => {
      this.resyncListeners.delete(listener);
    };
  }

  /** Tells every subscriber to read again; called when the LISTEN connection came back. */
  resync(): void {
    for (const listener of this.resyncListeners) {
      try {
        listener();
      } catch {
        /* one broken subscriber must not starve the others */
      }
    }
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

  /** Presence, offer and queue notices of one organisation (see store/workspace-notices.ts). */
  subscribeWorkspace(organizationId: string, listener: WorkspaceListener): () => void {
    let set = this.workspaceListeners.get(organizationId);
    if (!set) this.workspaceListeners.set(organizationId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.workspaceListeners.delete(organizationId);
    };
  }

  private dispatchWorkspace(notice: WorkspaceNotice | null): void {
    if (!notice) return;
    for (const listener of this.workspaceListeners.get(notice.organizationId) ?? []) {
      try {
        listener(notice);
      } catch {
        /* one broken subscriber must not starve the others */
      }
    }
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
