import { useCallback, useEffect, useRef, useState } from 'react';
import { REFRESH_FRAMES, type AgentRow, type Me, type QueuesResponse, type RuleRow } from './model.ts';

/** A fetch wrapper that adds the bearer token, keeps `init` and throws on a non-2xx answer. */
export type ApiFunction = <T>(path: string, init?: RequestInit) => Promise<T>;

/** The shared workspace's client (packages/web/src/api.ts): accepted as well, so either host can mount the view. */
export interface ApiClient {
  readonly token?: string;
  get<T>(path: string): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  streamUrl?(): string;
}

export type Api = ApiFunction | ApiClient;

/** What the view needs from whichever client it was given. */
export interface Client {
  get<T>(path: string): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  /** The organisation stream's address with the token, or null when there is no token to open it with. */
  streamUrl: string | null;
}

export function clientOf(api: Api, token: string | undefined): Client {
  if (typeof api === 'function') {
    return {
      get: (path) => api(path),
      put: (path, body) => api(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      streamUrl: token ? streamUrl(token) : null,
    };
  }
  const fromClient = api.streamUrl ? api.streamUrl() : null;
  const key = token ?? api.token;
  return {
    get: (path) => api.get(path),
    put: (path, body) => api.put(path, body),
    streamUrl: token ? streamUrl(token) : (fromClient ?? (key ? streamUrl(key) : null)),
  };
}

export interface SupervisorData {
  queues: QueuesResponse;
  agents: AgentRow[];
  rules: RuleRow[];
  /** Client clock (ms) when the answer arrived: waits grow from here until the next fetch. */
  fetchedAt: number;
}

export interface SupervisorState {
  data: SupervisorData | null;
  me: Me | null;
  error: string | null;
  /** The organisation stream is open (false: only the fallback refresh keeps the view current). */
  live: boolean;
  refresh: () => void;
}

/** Frames arrive in bursts (one message touches several rows): one refetch per burst. */
const BURST_MS = 250;
const RECONNECT_MS = [1_000, 2_000, 5_000, 10_000, 15_000];

function streamUrl(token: string): string {
  const url = new URL('/api/v1/stream', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('access_token', token);
  return url.toString();
}

/**
 * Keeps queues, agents and rules current: refetch whenever the organisation stream says
 * something changed, and every `refreshSeconds` regardless, so the view is right even when
 * the socket is down or the server does not yet send a frame for some change.
 */
export function useSupervisorData(client: Client, refreshSeconds: number): SupervisorState {
  const [data, setData] = useState<SupervisorData | null>(null);
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const inFlight = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);
  // Hosts often pass a fresh wrapper on each render: keep the latest without re-subscribing.
  const apiRef = useRef(client);
  apiRef.current = client;

  const load = useCallback(async () => {
    // One fetch at a time; a request made meanwhile runs once more afterwards, so the last
    // change is never missed and a burst never piles up requests.
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      do {
        again.current = false;
        try {
          const [queues, agents, rules] = await Promise.all([
            apiRef.current.get<QueuesResponse>('/api/v1/queues'),
            apiRef.current.get<AgentRow[]>('/api/v1/agents'),
            apiRef.current.get<RuleRow[]>('/api/v1/routing/rules'),
          ]);
          if (!alive.current) return;
          setData({ queues, agents, rules, fetchedAt: Date.now() });
          setError(null);
        } catch (e) {
          if (alive.current) setError(e instanceof Error ? e.message : String(e));
        }
      } while (again.current && alive.current);
    } finally {
      inFlight.current = false;
    }
  }, []);

  useEffect(() => {
    alive.current = true;
    void load();
    apiRef.current.get<Me>('/api/v1/me').then(
      (who) => alive.current && setMe(who),
      () => alive.current && setMe({ role: 'unknown', staffId: null }),
    );
    const timer = window.setInterval(() => void load(), Math.max(1, refreshSeconds) * 1000);
    return () => {
      alive.current = false;
      window.clearInterval(timer);
    };
  }, [load, refreshSeconds]);

  const url = client.streamUrl;
  useEffect(() => {
    if (!url) return;
    let socket: WebSocket | null = null;
    let burst: number | undefined;
    let retry: number | undefined;
    let attempts = 0;
    let closed = false;

    const connect = () => {
      socket = new WebSocket(url);
      socket.onopen = () => {
        attempts = 0;
        socket?.send(JSON.stringify({ type: 'subscribe', scope: 'organization' }));
      };
      socket.onmessage = (event) => {
        let frame: { type?: unknown };
        try {
          frame = JSON.parse(String(event.data)) as { type?: unknown };
        } catch {
          return;
        }
        if (frame.type === 'subscribed') {
          setLive(true);
          // Whatever happened while the socket was down is fetched now.
          void load();
          return;
        }
        if (typeof frame.type === 'string' && REFRESH_FRAMES.has(frame.type) && burst === undefined) {
          burst = window.setTimeout(() => {
            burst = undefined;
            void load();
          }, BURST_MS);
        }
      };
      socket.onclose = () => {
        setLive(false);
        if (closed) return;
        retry = window.setTimeout(connect, RECONNECT_MS[Math.min(attempts++, RECONNECT_MS.length - 1)]);
      };
    };
    connect();
    return () => {
      closed = true;
      window.clearTimeout(burst);
      window.clearTimeout(retry);
      socket?.close();
      setLive(false);
    };
  }, [url, load]);

  return { data, me, error, live, refresh: () => void load() };
}
