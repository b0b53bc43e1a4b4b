// The socket protocol as the widget sees it. The server validates every frame
// (packages/server/src/channels/webchat/protocol.ts); docs/channels/webchat.md describes both sides.

export type Lang = 'en' | 'es';
export type ContinueChannel = 'voice' | 'sms' | 'email';

export type ClientFrame =
  | { type: 'hello'; resumeToken?: string; language?: Lang }
  | { type: 'message'; clientId: string; text: string }
  | { type: 'typing'; on: boolean }
  | { type: 'read'; messageId: string }
  | { type: 'continue'; channel: ContinueChannel };

export interface HistoryEntry {
  id: string;
  text: string;
  actor: string;
  mine: boolean;
  at: string;
  clientId?: string;
  read: boolean;
}

export type ServerFrame =
  | {
      type: 'welcome';
      sessionId: string;
      resumeToken: string;
      resumed: boolean;
      organization: { name: string };
      language: Lang | null;
      agentWaitSeconds: number;
      history: HistoryEntry[];
    }
  | { type: 'ack'; clientId: string; messageId: string | null; at: string; duplicate: boolean }
  | { type: 'message'; id: string; text: string; actor: string; at: string }
  | { type: 'typing'; on: boolean }
  | { type: 'read'; messageId: string; clientId?: string; at: string }
  | { type: 'continuation'; channel: ContinueChannel; code: string; instructions: string; expiresAt: string; phoneNumber?: string }
  | { type: 'needs_address'; channel: 'sms' | 'email' }
  | { type: 'agent_unavailable'; waitedSeconds: number; options: Array<'sms' | 'email'> }
  | { type: 'error'; error: string; message: string; clientId?: string };

export const MAX_TEXT = 4000;
