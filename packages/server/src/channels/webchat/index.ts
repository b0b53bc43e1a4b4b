import type { FastifyInstance } from 'fastify';
import type { Services } from '../../pipeline/context.ts';
import type { RealtimeHub } from '../../realtime.ts';
import { widgetBundle } from './bundle.ts';
import { demoChatPage } from './demo-page.ts';
import { handleWebchatSocket, type WebchatSocketOptions } from './socket.ts';

export { setAgentTyping, onPatientTyping } from './live.ts';
export { widgetBundle } from './bundle.ts';
export { hashResumeToken } from './sessions.ts';
export { MAX_CHAT_TEXT, FRAMES_PER_SECOND, type ClientFrame, type ServerFrame } from './protocol.ts';

export const WEBCHAT_SOCKET_PATH = '/channels/webchat/socket';
/** The no-agent rule's default wait; see docs/channels/webchat.md. */
export const DEFAULT_AGENT_WAIT_SECONDS = 120;

export function agentWaitSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.CARETHREAD_WEBCHAT_AGENT_WAIT_SECONDS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_AGENT_WAIT_SECONDS;
}

/**
 * The web-chat channel: the visitor's socket, the widget bundle any site embeds with one
 * script tag, and a demo page of a fictional clinic that embeds it.
 */
export async function registerWebchat(
  app: FastifyInstance,
  services: Services,
  hub: RealtimeHub,
  options: Partial<WebchatSocketOptions> = {},
): Promise<void> {
  const socketOptions: WebchatSocketOptions = { agentWaitSeconds: options.agentWaitSeconds ?? agentWaitSecondsFromEnv(), pingMs: options.pingMs };

  app.route({
    method: 'GET',
    url: WEBCHAT_SOCKET_PATH,
    schema: { hide: true },
    handler: async (_request, reply) =>
      reply.code(426).header('upgrade', 'websocket').send({ error: 'upgrade_required', message: 'This is a websocket endpoint: connect with ws(s)://…?org=<widget key>.' }),
    wsHandler: (socket, request) => {
      handleWebchatSocket(socket, (request.query as Record<string, unknown>).org, services, hub, socketOptions);
    },
  });

  app.get('/widget.js', { schema: { hide: true } }, async (request, reply) => {
    const bundle = await widgetBundle();
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      // Short cache: sites embed the same URL forever and should pick up fixes within minutes.
      .header('cache-control', 'public, max-age=300')
      .header('etag', bundle.etag)
      .header('access-control-allow-origin', '*')
      .header('x-content-type-options', 'nosniff');
    if (request.headers['if-none-match'] === bundle.etag) return reply.code(304).send();
    return reply.send(bundle.code);
  });

  // pageFiles: the page loads /widget.js as any customer's site does (a file, not a nonce).
  app.get('/demo/chat', { schema: { hide: true }, config: { pageFiles: true } }, async (request, reply) => {
    const lang = (request.query as Record<string, unknown>).lang === 'es' ? 'es' : 'en';
    return reply.type('text/html; charset=utf-8').send(demoChatPage(lang, request.cspNonce));
  });
}
