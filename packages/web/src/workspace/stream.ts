import { useEffect, useRef } from 'react';
import type { Api } from '../api.ts';

export interface CaseUpdatedFrame {
  type: 'case_updated';
  caseId: string;
  kinds: string[];
  card?: unknown;
}

/** The server's LISTEN connection came back after a database restart: changes may have been missed. */
export interface ResyncFrame {
  type: 'resync';
}

export type StreamFrame = CaseUpdatedFrame | ResyncFrame;

type Target = { scope: 'organization' } | { caseId: string };

/**
 * Subscribes to the live stream while mounted and calls `onFrame` for every `case_updated` and
 * `resync` frame (on `resync`, refetch everything shown). Reconnects with a growing delay when
 * the socket drops, so a restart of the server does not leave the agent looking at a stale inbox.
 */
export function useStream(api: Api, target: Target | null, onFrame: (frame: StreamFrame) => void): void {
  const handler = useRef(onFrame);
  handler.current = onFrame;
  const key = target ? ('caseId' in target ? target.caseId : '*') : null;

  useEffect(() => {
    if (!key) return;
    let socket: WebSocket | null = null;
    let closed = false;
    let delay = 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      socket = new WebSocket(api.streamUrl());
      socket.onopen = () => {
        delay = 1000;
        socket?.send(JSON.stringify(key === '*' ? { type: 'subscribe', scope: 'organization' } : { type: 'subscribe', caseId: key }));
      };
      socket.onmessage = (event) => {
        try {
          const frame = JSON.parse(String(event.data)) as { type?: string };
          if (frame.type === 'case_updated' || frame.type === 'resync') handler.current(frame as StreamFrame);
        } catch {
          /* a malformed frame is ignored; the next one refreshes anyway */
        }
      };
      socket.onclose = () => {
        if (closed) return;
        timer = setTimeout(open, delay);
        delay = Math.min(delay * 2, 30_000);
      };
    };
    open();
    return () => {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [api, key]);
}
