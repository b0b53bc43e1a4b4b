import type { ClientFrame, Lang, ServerFrame } from './protocol.ts';

export interface ConnectionEvents {
  frame(frame: ServerFrame): void;
  /** `connecting` on the first attempt, `reconnecting` after a drop, `closed` for good (unknown site). */
  state(state: 'connecting' | 'open' | 'reconnecting' | 'closed'): void;
}

/** Close codes the server uses for "this will never work": do not retry them. */
const FATAL_CLOSE = new Set([4400, 4404]);

/**
 * The socket, kept alive: it reconnects with exponential backoff (1 s doubling to 30 s, with
 * jitter so a clinic's visitors do not all return at once after an outage) and resumes the
 * session with the stored token, which replays the history.
 */
export class Connection {
  private ws: WebSocket | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private ready = false;

  constructor(
    private readonly url: string,
    private readonly hello: () => { resumeToken?: string; language: Lang },
    private readonly events: ConnectionEvents,
  ) {
    window.addEventListener('online', () => {
      if (!this.ws && !this.stopped) this.connectNow();
    });
  }

  get isReady(): boolean {
    return this.ready;
  }

  start(): void {
    if (this.ws || this.timer || this.stopped) return;
    this.events.state('connecting');
    this.connectNow();
  }

  /** Sends when the session is ready; returns false when the frame has to wait for a reconnect. */
  send(frame: ClientFrame): boolean {
    if (!this.ws || !this.ready || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private connectNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'hello', ...this.hello() } satisfies ClientFrame));
    };
    ws.onmessage = (event) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'welcome') {
        this.ready = true;
        this.attempts = 0;
        this.events.state('open');
      }
      this.events.frame(frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      if (FATAL_CLOSE.has(event.code)) {
        this.stopped = true;
        this.events.state('closed');
        return;
      }
      this.events.state('reconnecting');
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped || this.timer) return;
    const base = Math.min(30_000, 1000 * 2 ** this.attempts);
    this.attempts += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connectNow();
    }, base / 2 + Math.random() * (base / 2));
  }
}
