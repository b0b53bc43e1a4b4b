import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { API_PREFIX } from '../app.ts';
import type { Services } from '../pipeline/context.ts';
import { caseContextCard } from '../read/context-card.ts';
import type { RealtimeHub } from '../realtime.ts';
import type { ChangeNotice } from '../store/events.ts';
import { caseLineOf, workspaceFrame, type CaseLineFrame } from './stream-workspace.ts';

const clientFrame = z.union([
  z.object({ type: z.literal('subscribe'), caseId: z.uuid() }).strict(),
  z.object({ type: z.literal('subscribe'), scope: z.literal('organization') }).strict(),
  z.object({ type: z.literal('unsubscribe'), caseId: z.uuid() }).strict(),
]);

/** One read per notice, however many organisation sockets this process holds: the hub hands each the same notice object. */
const caseLines = new WeakMap<ChangeNotice, Promise<CaseLineFrame | null>>();
function sharedCaseLine(services: Services, notice: ChangeNotice): Promise<CaseLineFrame | null> {
  let line = caseLines.get(notice);
  if (!line) caseLines.set(notice, (line = caseLineOf(services.database.db, notice.organizationId, notice.caseId)));
  return line;
}

/**
 * Live case updates. A client subscribes to cases (or to the whole organisation) and receives
 * `case_updated` frames; case subscribers get the fresh context card with each one. A `resync`
 * frame means changes may have been missed (the database restarted): refetch everything shown.
 */
export function registerStream(app: FastifyInstance, services: Services, hub: RealtimeHub): void {
  app.get(`${API_PREFIX}/stream`, { websocket: true, schema: { hide: true } }, (socket, request) => {
    const organizationId = request.principal!.organizationId;
    const subscriptions = new Map<string, () => void>();
    const send = (frame: unknown) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };

    socket.on('message', (raw: Buffer) => {
      let frame: z.infer<typeof clientFrame>;
      try {
        frame = clientFrame.parse(JSON.parse(raw.toString('utf8')));
      } catch {
        send({ type: 'error', error: 'invalid_frame', message: 'Expected {"type":"subscribe","caseId":"<uuid>"} or {"type":"subscribe","scope":"organization"}.' });
        return;
      }
      if (frame.type === 'unsubscribe') {
        subscriptions.get(frame.caseId)?.();
        subscriptions.delete(frame.caseId);
        send({ type: 'unsubscribed', caseId: frame.caseId });
        return;
      }
      const caseId = 'caseId' in frame ? frame.caseId : null;
      const key = caseId ?? '*';
      if (subscriptions.has(key)) return;
      // Once per socket: after the hub's LISTEN connection came back from a database restart,
      // notices sent meanwhile are lost, so the client refetches what it shows.
      if (!subscriptions.has('resync')) subscriptions.set('resync', hub.onResync(() => send({ type: 'resync' })));
      subscriptions.set(
        key,
        hub.subscribe(organizationId, caseId, (notice) => {
          if (!caseId) {
            // The workspace's inbox and queue lists update from the case line, read here (never from the notice).
            sharedCaseLine(services, notice).then(
              (line) => send({ type: 'case_updated', caseId: notice.caseId, kinds: notice.kinds, ...(line ? { case: line } : {}) }),
              () => send({ type: 'case_updated', caseId: notice.caseId, kinds: notice.kinds }),
            );
            return;
          }
          caseContextCard(services.database.db, organizationId, notice.caseId, services.now()).then(
            (card) => send({ type: 'case_updated', caseId: notice.caseId, kinds: notice.kinds, card }),
            () => send({ type: 'case_updated', caseId: notice.caseId, kinds: notice.kinds }),
          );
        }),
      );
      // Organisation subscribers are the workspace and supervisor views: they also hear presence, offers and queues.
      if (!caseId) subscriptions.set('workspace', hub.subscribeWorkspace(organizationId, (notice) => send(workspaceFrame(notice))));
      send({ type: 'subscribed', ...(caseId ? { caseId } : { scope: 'organization' }) });
    });
    socket.on('close', () => {
      for (const stop of subscriptions.values()) stop();
      subscriptions.clear();
    });
  });
}
