// The socket protocol as the widget sees it. The frame types are the server's own
// (packages/server/src/channels/webchat/protocol.ts, which also validates every frame), so the
// two sides cannot drift; `export type` keeps the server's code out of the bundle.
// docs/channels/webchat.md describes both sides.
export type { ClientFrame, HistoryEntry, ServerFrame } from '../../server/src/channels/webchat/protocol.ts';

export type Lang = 'en' | 'es';
export type ContinueChannel = 'voice' | 'sms' | 'email';

export const MAX_TEXT = 4000;
