import { z } from 'zod';

/**
 * The web-chat socket protocol: JSON text frames, one object per frame, each with a `type`.
 * docs/channels/webchat.md is the reader's version of this file; keep the two in step.
 */

/** A patient's chat line; longer is refused with `text_too_long`, never cut. */
export const MAX_CHAT_TEXT = 4_000;
/** Frames above this are refused by the socket itself (close code 1009); see app.ts maxPayload. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Frames a socket may send per second (burst and steady rate): a person types far slower. */
export const FRAMES_PER_SECOND = 10;
/** Read receipts and typing signals: a separate, larger budget (a turn of replies is read at once). */
export const SIGNAL_FRAMES_PER_SECOND = 50;

const clientId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'clientId must be 1-64 letters, digits, "-" or "_"');

export const clientFrameSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('hello'),
      /** The token a previous `welcome` gave this browser; absent or unknown starts a new session. */
      resumeToken: z.string().min(16).max(128).optional(),
      language: z.enum(['en', 'es']).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('message'),
      clientId,
      text: z.string().max(MAX_CHAT_TEXT, `text is longer than ${MAX_CHAT_TEXT} characters`),
    })
    .strict(),
  z.object({ type: z.literal('typing'), on: z.boolean() }).strict(),
  z.object({ type: z.literal('read'), messageId: z.uuid() }).strict(),
  z.object({ type: z.literal('continue'), channel: z.enum(['voice', 'sms', 'email']) }).strict(),
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;

export interface HistoryEntry {
  id: string;
  text: string;
  actor: string;
  /** True for what this visitor wrote. */
  mine: boolean;
  at: string;
  /** The widget's own id for a message it sent, so it can match its pending copy. */
  clientId?: string;
  /** The other side has seen it (staff for the patient's lines, the patient for replies). */
  read: boolean;
}

export type ServerFrame =
  | {
      type: 'welcome';
      sessionId: string;
      resumeToken: string;
      resumed: boolean;
      organization: { name: string };
      language: 'en' | 'es' | null;
      /** Seconds without a staff reply after which `agent_unavailable` is sent. */
      agentWaitSeconds: number;
      history: HistoryEntry[];
    }
  | { type: 'ack'; clientId: string; messageId: string | null; at: string; duplicate: boolean }
  | { type: 'message'; id: string; text: string; actor: string; at: string }
  | { type: 'typing'; on: boolean }
  | { type: 'read'; messageId: string; clientId?: string; at: string }
  | {
      type: 'continuation';
      channel: 'voice' | 'sms' | 'email';
      code: string;
      instructions: string;
      expiresAt: string;
      /** The number to call, E.164, for `voice`. */
      phoneNumber?: string;
    }
  | { type: 'needs_address'; channel: 'sms' | 'email' }
  | { type: 'agent_unavailable'; waitedSeconds: number; options: Array<'sms' | 'email'> }
  | { type: 'error'; error: string; message: string; clientId?: string };

/**
 * Turns raw socket bytes into a frame, or into the error frame to send back. Never throws: a
 * bad frame from one browser must not end anybody's session.
 */
export function parseClientFrame(raw: string): { frame: ClientFrame } | { error: Extract<ServerFrame, { type: 'error' }> } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { error: { type: 'error', error: 'invalid_json', message: 'Each frame must be one JSON object.' } };
  }
  const parsed = clientFrameSchema.safeParse(json);
  if (parsed.success) return { frame: parsed.data };
  const echoedId =
    json && typeof json === 'object' && typeof (json as { clientId?: unknown }).clientId === 'string'
      ? ((json as { clientId: string }).clientId.slice(0, 64) as string)
      : undefined;
  const tooLong = parsed.error.issues.find((i) => i.code === 'too_big' && i.path[0] === 'text');
  if (tooLong) {
    return {
      error: {
        type: 'error',
        error: 'text_too_long',
        message: `A message can be at most ${MAX_CHAT_TEXT} characters.`,
        ...(echoedId ? { clientId: echoedId } : {}),
      },
    };
  }
  const detail = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'frame'}: ${i.message}`)
    .join('; ');
  return {
    error: {
      type: 'error',
      error: 'invalid_frame',
      message: `Unrecognised frame (${detail}). Expected one of hello, message, typing, read, continue.`,
      ...(echoedId ? { clientId: echoedId } : {}),
    },
  };
}

/** A token bucket: `rate` frames per second with bursts up to `rate`. */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.tokens = rate;
    this.last = clock();
  }

  take(): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
