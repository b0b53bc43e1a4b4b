import type { WebSocket } from 'ws';
import type { Services } from '../../pipeline/context.ts';
import { BadInput } from '../../pipeline/errors.ts';
import { ingestEvent } from '../../pipeline/ingest.ts';
import { offerContinuation } from '../../pipeline/actions.ts';
import type { RealtimeHub } from '../../realtime.ts';
import { endpointsOf, organizationForEndpoint } from '../../store/endpoints.ts';
import { getOrganization } from '../../store/orgs.ts';
import { addTypingSink, patientTyping } from './live.ts';
import { FRAMES_PER_SECOND, parseClientFrame, RateLimiter, SIGNAL_FRAMES_PER_SECOND, type ClientFrame, type HistoryEntry, type ServerFrame } from './protocol.ts';
import {
  caseOfInteraction,
  chatLines,
  conversationRefOf,
  findResumableSession,
  idempotencyKeyOf,
  lineForClientId,
  markReplyRead,
  markResumed,
  startChatSession,
  touchSession,
  type ChatLine,
  type ChatSession,
} from './sessions.ts';

/** Close codes in the private range (4000-4999) so the widget can tell them from network drops. */
export const CLOSE_UNKNOWN_ORG = 4404;
export const CLOSE_BAD_REQUEST = 4400;

export interface WebchatSocketOptions {
  /** Default for the no-agent rule; an organisation's `webchatAgentWaitSeconds` setting overrides it. */
  agentWaitSeconds: number;
  /** Keep-alive ping so idle proxies do not cut a quiet chat. */
  pingMs?: number;
}

interface Organization {
  id: string;
  name: string;
  agentWaitSeconds: number;
  voiceNumber: string | null;
}

/**
 * One visitor's chat socket. Frames are handled strictly one after another (a promise chain),
 * so a `message` sent right after `hello` always finds its session, and acks keep their order.
 */
export function handleWebchatSocket(socket: WebSocket, widgetKey: unknown, services: Services, hub: RealtimeHub, options: WebchatSocketOptions): void {
  const connection = new WebchatConnection(socket, services, hub, options);
  connection.start(widgetKey);
}

class WebchatConnection {
  private org: Organization | null = null;
  private session: ChatSession | null = null;
  private caseId: string | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopTyping: (() => void) | null = null;
  /** Replies already on the visitor's screen (history or pushed). */
  private readonly delivered = new Set<string>();
  /** The visitor's own lines whose read receipt was already sent. */
  private readonly receipted = new Set<string>();
  /** The unanswered patient line for which `agent_unavailable` was already sent. */
  private offeredFor: string | null = null;
  private agentTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly limiter = new RateLimiter(FRAMES_PER_SECOND);
  private readonly signalLimiter = new RateLimiter(SIGNAL_FRAMES_PER_SECOND);

  constructor(
    private readonly socket: WebSocket,
    private readonly services: Services,
    private readonly hub: RealtimeHub,
    private readonly options: WebchatSocketOptions,
  ) {}

  start(widgetKey: unknown): void {
    // Listeners first: frames that arrive while the organisation is looked up wait in the queue.
    this.socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    this.socket.on('close', () => this.onClose());
    this.socket.on('error', () => this.onClose());
    if (typeof widgetKey !== 'string' || widgetKey.length === 0 || widgetKey.length > 200) {
      this.closeWith(CLOSE_BAD_REQUEST, 'Missing widget key: connect with ?org=<widget key>.');
      return;
    }
    this.enqueue(async () => {
      this.org = await this.lookUpOrganization(widgetKey);
      if (!this.org) this.closeWith(CLOSE_UNKNOWN_ORG, 'Unknown widget key: chat is not set up for this site.');
    });
    const pingMs = this.options.pingMs ?? 25_000;
    this.pingTimer = setInterval(() => {
      if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
    }, pingMs);
    this.pingTimer.unref();
  }

  private async lookUpOrganization(widgetKey: string): Promise<Organization | null> {
    const db = this.services.database.db;
    const organizationId = await organizationForEndpoint(db, 'webchat', widgetKey);
    if (!organizationId) return null;
    const [org, voice] = await Promise.all([getOrganization(db, organizationId), endpointsOf(db, organizationId, 'voice')]);
    if (!org) return null;
    const configured = Number((org.settings as Record<string, unknown>).webchatAgentWaitSeconds);
    return {
      id: org.id,
      name: org.name,
      agentWaitSeconds: Number.isFinite(configured) && configured > 0 ? configured : this.options.agentWaitSeconds,
      voiceNumber: voice[0]?.address ?? null,
    };
  }

  private send(frame: ServerFrame): void {
    if (!this.closed && this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private closeWith(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(code, reason);
    this.onClose();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      try {
        await work();
      } catch (err) {
        this.sendFailure(err);
      }
    });
  }

  private sendFailure(err: unknown, clientId?: string): void {
    if (err instanceof BadInput) {
      this.send({ type: 'error', error: err.code, message: err.message, ...(clientId ? { clientId } : {}) });
      return;
    }
    // Nothing about the patient goes to the log: the error's name only.
    console.error(`webchat: unexpected ${err instanceof Error ? err.name : 'error'} while handling a frame`);
    this.send({ type: 'error', error: 'internal', message: 'Something went wrong on our side; please try again.', ...(clientId ? { clientId } : {}) });
  }

  private onFrame(data: unknown, isBinary: boolean): void {
    if (this.closed) return;
    const text = isBinary
      ? null
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = text === null ? null : parseClientFrame(text);
    const frame = parsed && !('error' in parsed) ? parsed.frame : null;
    // Read receipts and typing signals come in bursts (one receipt per reply the widget shows):
    // they spend a budget of their own, so they can never crowd out a line the patient typed.
    const signal = frame?.type === 'read' || frame?.type === 'typing';
    if (!(signal ? this.signalLimiter : this.limiter).take()) {
      if (signal) return; // a dropped receipt or typing blip loses nothing the patient said
      // Naming the line lets the widget mark it failed (the patient can resend) instead of "sending" forever.
      this.send({ type: 'error', error: 'rate_limited', message: `Too many frames: at most ${FRAMES_PER_SECOND} per second.`, ...(frame?.type === 'message' ? { clientId: frame.clientId } : {}) });
      return;
    }
    if (parsed === null) {
      this.send({ type: 'error', error: 'invalid_frame', message: 'Frames must be JSON text, not binary.' });
      return;
    }
    if ('error' in parsed) {
      this.send(parsed.error);
      return;
    }
    this.enqueue(() => this.handle(parsed.frame));
  }

  private async handle(frame: ClientFrame): Promise<void> {
    if (!this.org) return;
    if (frame.type === 'hello') return this.hello(frame);
    if (!this.session) {
      this.send({ type: 'error', error: 'hello_first', message: 'Send {"type":"hello"} first.', ...(frame.type === 'message' ? { clientId: frame.clientId } : {}) });
      return;
    }
    switch (frame.type) {
      case 'message':
        return this.message(this.session, frame.clientId, frame.text);
      case 'typing':
        if (this.caseId) patientTyping(this.org.id, this.caseId, frame.on);
        return;
      case 'read': {
        const outcome = await markReplyRead(this.services, this.session, frame.messageId);
        if (outcome === 'unknown') this.send({ type: 'error', error: 'unknown_message', message: 'No such reply in this chat.' });
        return;
      }
      case 'continue':
        return this.continueOn(this.session, frame.channel);
    }
  }

  private async hello(frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    const org = this.org!;
    if (this.session) {
      this.send({ type: 'error', error: 'already_started', message: 'This socket already has a session.' });
      return;
    }
    let session: ChatSession | null = null;
    let resumeToken = frame.resumeToken ?? null;
    let visitorId: string | null = null;
    if (resumeToken) {
      const found = await findResumableSession(this.services, org.id, resumeToken);
      session = found.session;
      visitorId = found.expiredVisitorId;
    }
    const resumed = !!session;
    if (session) {
      await markResumed(this.services, session, frame.language);
    } else {
      const started = await startChatSession(this.services, org.id, { visitorId, language: frame.language });
      session = started.session;
      resumeToken = started.resumeToken;
    }
    this.session = session;
    const lines = await chatLines(this.services, session);
    const history: HistoryEntry[] = lines
      .filter((l) => l.body)
      .map((l) => {
        const mine = l.direction === 'inbound';
        if (!mine) this.delivered.add(l.id);
        else if (l.readAt) this.receipted.add(l.id);
        const clientId = mine ? clientIdOf(session, l.providerRef) : undefined;
        return { id: l.id, text: l.body!, actor: l.actor, mine, at: l.occurredAt, read: !!l.readAt, ...(clientId ? { clientId } : {}) };
      });
    this.send({
      type: 'welcome',
      sessionId: session.id,
      resumeToken: resumeToken!,
      resumed,
      organization: { name: org.name },
      language: frame.language ?? session.language,
      agentWaitSeconds: org.agentWaitSeconds,
      history,
    });
    this.follow(await caseOfInteraction(this.services, session));
    this.checkAgent(lines);
  }

  private async message(session: ChatSession, clientId: string, text: string): Promise<void> {
    if (text.trim().length === 0) {
      this.send({ type: 'error', error: 'empty_text', message: 'The message is empty.', clientId });
      return;
    }
    let result;
    try {
      result = await ingestEvent(this.services, session.organizationId, {
        channel: 'webchat',
        direction: 'inbound',
        kind: 'message',
        idempotencyKey: idempotencyKeyOf(session.id, clientId),
        occurredAt: this.services.now().toISOString(),
        conversationRef: conversationRefOf(session.id),
        from: { kind: 'chat_visitor', value: session.visitorId },
        actor: 'patient',
        text,
      });
    } catch (err) {
      this.sendFailure(err, clientId);
      return;
    }
    const line = await lineForClientId(this.services, session, clientId);
    this.send({ type: 'ack', clientId, messageId: line?.id ?? null, at: line?.occurredAt ?? this.services.now().toISOString(), duplicate: result.duplicate });
    await touchSession(this.services, session);
    // A resend returns the first answer, whose case may since have been folded elsewhere: re-read.
    this.follow(result.duplicate ? await caseOfInteraction(this.services, session) : result.caseId);
    // The assistant answers inside ingestEvent, before this socket followed a new case: push
    // those replies now instead of waiting for the next change on the case.
    await this.sync();
  }

  private async continueOn(session: ChatSession, channel: 'voice' | 'sms' | 'email'): Promise<void> {
    const org = this.org!;
    if (channel === 'voice' && !org.voiceNumber) {
      this.send({ type: 'error', error: 'no_voice_number', message: 'This organisation has no phone line set up for continuing a chat.' });
      return;
    }
    try {
      const offer = await offerContinuation(this.services, org.id, session.interactionId, {
        channel,
        ...(channel === 'voice' ? { phoneNumber: displayPhone(org.voiceNumber!) } : {}),
      });
      this.send({
        type: 'continuation',
        channel,
        code: offer.code,
        instructions: offer.instructions,
        expiresAt: offer.expiresAt,
        ...(channel === 'voice' ? { phoneNumber: org.voiceNumber! } : {}),
      });
    } catch (err) {
      if (err instanceof BadInput && err.code === 'no_address' && channel !== 'voice') {
        this.send({ type: 'needs_address', channel });
        return;
      }
      throw err;
    }
  }

  /** Follows the session's case on the realtime hub; a case that changed (a fold) is followed anew. */
  private follow(caseId: string | null): void {
    if (!caseId || caseId === this.caseId || this.closed) return;
    this.unsubscribe?.();
    this.stopTyping?.();
    this.caseId = caseId;
    const org = this.org!;
    const changed = () => this.enqueue(() => this.sync());
    const stopCase = this.hub.subscribe(org.id, caseId, changed);
    // A reply that landed while the database was restarting sent no notice this hub heard: look again.
    const stopResync = this.hub.onResync(changed);
    this.unsubscribe = () => {
      stopCase();
      stopResync();
    };
    this.stopTyping = addTypingSink(org.id, caseId, (on) => this.send({ type: 'typing', on }));
  }

  /** Something changed on the case: push replies the visitor has not seen and new read receipts. */
  private async sync(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.follow(await caseOfInteraction(this.services, session));
    const lines = await chatLines(this.services, session);
    for (const line of lines) {
      if (line.direction === 'outbound' && line.body && !this.delivered.has(line.id)) {
        this.delivered.add(line.id);
        if (line.actor === 'agent') this.send({ type: 'typing', on: false });
        this.send({ type: 'message', id: line.id, text: line.body, actor: line.actor, at: line.occurredAt });
      } else if (line.direction === 'inbound' && line.readAt && !this.receipted.has(line.id)) {
        this.receipted.add(line.id);
        const clientId = clientIdOf(session, line.providerRef);
        this.send({ type: 'read', messageId: line.id, at: line.readAt, ...(clientId ? { clientId } : {}) });
      }
    }
    this.checkAgent(lines);
  }

  /**
   * The no-agent rule: when the patient's oldest line since the last reply (staff or assistant)
   * has waited `agentWaitSeconds` unanswered, offer to continue by text message or email.
   * Computed from stored times, so a reload or a second tab reaches the same verdict.
   */
  private checkAgent(lines: ChatLine[]): void {
    if (this.agentTimer) clearTimeout(this.agentTimer);
    this.agentTimer = null;
    if (this.closed) return;
    let waitingSince: ChatLine | null = null;
    for (const line of lines) {
      // The assistant's reply is an answer too: while it talks, nobody is left waiting.
      if (line.direction === 'outbound' && (line.actor === 'agent' || line.actor === 'assistant')) waitingSince = null;
      else if (line.direction === 'inbound' && line.actor === 'patient' && !waitingSince) waitingSince = line;
    }
    if (!waitingSince || this.offeredFor === waitingSince.id) return;
    const waitMs = this.org!.agentWaitSeconds * 1000;
    const dueIn = Date.parse(waitingSince.occurredAt) + waitMs - this.services.now().getTime();
    if (dueIn <= 0) {
      this.offeredFor = waitingSince.id;
      this.send({ type: 'agent_unavailable', waitedSeconds: this.org!.agentWaitSeconds, options: ['sms', 'email'] });
      return;
    }
    this.agentTimer = setTimeout(() => {
      this.enqueue(async () => {
        if (this.session) this.checkAgent(await chatLines(this.services, this.session));
      });
    }, Math.min(dueIn + 50, 2 ** 31 - 1));
    this.agentTimer.unref();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.stopTyping?.();
    if (this.agentTimer) clearTimeout(this.agentTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.org && this.caseId) patientTyping(this.org.id, this.caseId, false);
  }
}

function clientIdOf(session: ChatSession, providerRef: string | null): string | undefined {
  const prefix = `${session.id}:`;
  return providerRef?.startsWith(prefix) ? providerRef.slice(prefix.length) : undefined;
}

/** "+15550100100" → "+1 555-010-0100" for North American numbers; others as stored. */
export function displayPhone(e164: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return nanp ? `+1 ${nanp[1]}-${nanp[2]}-${nanp[3]}` : e164;
}
