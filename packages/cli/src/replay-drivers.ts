import { randomBytes, randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import twilio from 'twilio';
import WebSocket from 'ws';
import type { Channel } from '@carethread/core';

/**
 * How replay reaches carethread: as each provider would. SMS and voice are signed Twilio
 * webhooks, web chat is the widget's websocket, email is SMTP, the portal is its sign-in and
 * forms, the front desk is its staff API. Nothing here calls the pipeline directly.
 */
export interface Endpoints {
  baseUrl: string;
  smtpPort: number;
  twilioAuthToken: string;
  twilioAccountSid: string;
  staffToken: string;
  orgNumber: string;
  mailDomain: string;
  widgetKey: string;
}

export class ReplayError extends Error {}

async function check(res: Response, what: string): Promise<Response> {
  if (res.status >= 400) throw new ReplayError(`${what} → ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res;
}

/** The staff REST API (agent steps, front desk, continuations issued for the patient). */
export async function staffCall(ep: Endpoints, method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${ep.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ep.staffToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await check(res, `${method} ${path}`);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** A form post signed the way Twilio signs it: over the public URL and the posted fields. */
async function twilioPost(ep: Endpoints, url: string, form: Record<string, string>): Promise<string> {
  const signature = twilio.getExpectedTwilioSignature(ep.twilioAuthToken, url, form);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(form).toString(),
  });
  await check(res, `Twilio webhook ${new URL(url).pathname}`);
  return res.text();
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

export async function sendSms(ep: Endpoints, from: string, body: string): Promise<void> {
  await twilioPost(ep, `${ep.baseUrl}/channels/twilio/sms`, {
    MessageSid: sid('SM'),
    AccountSid: ep.twilioAccountSid,
    From: from,
    To: ep.orgNumber,
    Body: body,
    NumMedia: '0',
  });
}

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/**
 * One phone call, driven through the IVR by following the TwiML carethread answers with: the
 * next keypad entry or utterance goes to the action of the <Gather> it is waiting on.
 */
export class VoiceCall {
  private readonly callSid = sid('CA');
  private gather: string | null = null;

  constructor(
    private readonly ep: Endpoints,
    private readonly from: string,
  ) {}

  private form(extra: Record<string, string> = {}): Record<string, string> {
    return { CallSid: this.callSid, AccountSid: this.ep.twilioAccountSid, From: this.from, To: this.ep.orgNumber, ...extra };
  }

  private follow(twiml: string): void {
    const action = /<Gather\b[^>]*\baction="([^"]+)"/.exec(twiml)?.[1];
    this.gather = action ? decode(action) : null;
  }

  async dial(): Promise<void> {
    this.follow(await twilioPost(this.ep, `${this.ep.baseUrl}/channels/twilio/voice`, this.form({ CallStatus: 'ringing', Direction: 'inbound' })));
  }

  async keypad(digits: string): Promise<void> {
    if (!this.gather) throw new ReplayError('the call is not waiting for keypad input');
    this.follow(await twilioPost(this.ep, this.gather, this.form({ Digits: digits })));
  }

  async speak(text: string): Promise<void> {
    // At the code prompt, a caller with no code presses pound and then says why they call.
    if (this.gather && new URL(this.gather).pathname.endsWith('/code')) this.follow(await twilioPost(this.ep, this.gather, this.form({ Digits: '' })));
    if (!this.gather) throw new ReplayError('the call is no longer listening (the caller is waiting for an agent)');
    this.follow(await twilioPost(this.ep, this.gather, this.form({ SpeechResult: text, Confidence: '0.92' })));
  }

  async hangUp(): Promise<void> {
    await twilioPost(this.ep, `${this.ep.baseUrl}/channels/twilio/voice/status`, this.form({ CallStatus: 'completed', CallDuration: '120' }));
  }
}

/** One web chat session over the widget's socket protocol. */
export class ChatSession {
  private socket!: WebSocket;
  private readonly frames: any[] = [];
  private waiters: Array<() => void> = [];
  private seq = 0;

  constructor(private readonly ep: Endpoints) {}

  async open(language?: 'en' | 'es'): Promise<void> {
    const url = `${this.ep.baseUrl.replace(/^http/, 'ws')}/channels/webchat/socket?org=${encodeURIComponent(this.ep.widgetKey)}`;
    this.socket = new WebSocket(url);
    this.socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.send(JSON.stringify({ type: 'hello', ...(language ? { language } : {}) }));
    await this.next((f) => f.type === 'welcome');
  }

  private async next(match: (f: any) => boolean, ms = 15_000): Promise<any> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex(match);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      const error = this.frames.find((f) => f.type === 'error' || f.type === 'needs_address');
      if (error) throw new ReplayError(`web chat answered ${error.type}${error.error ? ` ${error.error}: ${error.message}` : ` (${error.channel})`}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new ReplayError('web chat did not answer in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async say(text: string): Promise<void> {
    const clientId = `r${++this.seq}`;
    this.socket.send(JSON.stringify({ type: 'message', clientId, text }));
    await this.next((f) => f.type === 'ack' && f.clientId === clientId);
  }

  /** The patient asks to carry on elsewhere; for a call, the answer holds the code. */
  async continueOn(channel: 'voice' | 'sms' | 'email'): Promise<string | null> {
    this.socket.send(JSON.stringify({ type: 'continue', channel }));
    const offer = await this.next((f) => f.type === 'continuation');
    return offer.code ?? null;
  }

  close(): void {
    this.socket?.close();
  }
}

export async function sendEmail(ep: Endpoints, from: string, subject: string, text: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: ep.smtpPort, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({
      from,
      to: `care@${ep.mailDomain}`,
      subject,
      text,
      messageId: `<${randomUUID()}@replay.example.org>`,
    });
  } finally {
    transport.close();
  }
}

/** A browser's worth of cookies, enough for the portal's forms. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/**
 * The patient portal, used the way a patient does: ask for a code, read it where it was sent
 * (replay reads the outbox, standing in for the patient's phone), sign in, write.
 */
export class PortalVisit {
  private readonly jar = new CookieJar();

  constructor(
    private readonly ep: Endpoints,
    private readonly readCode: () => Promise<string>,
  ) {}

  private url(path: string): string {
    return `${this.ep.baseUrl}${path}${path.includes('?') ? '&' : '?'}org=${encodeURIComponent(this.ep.widgetKey)}`;
  }

  private async get(path: string): Promise<string> {
    const res = await fetch(this.url(path), { headers: { cookie: this.jar.header() }, redirect: 'manual' });
    this.jar.take(res);
    await check(res, `GET ${path}`);
    return res.text();
  }

  private async post(path: string, form: Record<string, string>): Promise<void> {
    const res = await fetch(this.url(path), {
      method: 'POST',
      headers: { cookie: this.jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    this.jar.take(res);
    await check(res, `POST ${path}`);
  }

  private static csrf(html: string): string {
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new ReplayError('the portal page has no form token');
    return decode(token);
  }

  async signIn(address: string): Promise<void> {
    await this.post('/portal/sign-in', { csrf: PortalVisit.csrf(await this.get('/portal')), address });
    const verify = await this.get('/portal/verify');
    await this.post('/portal/verify', { csrf: PortalVisit.csrf(verify), code: await this.readCode() });
  }

  async write(text: string): Promise<void> {
    const inbox = await this.get('/portal');
    if (!/sign-out/.test(inbox)) throw new ReplayError('portal sign-in did not succeed');
    await this.post('/portal/messages', { csrf: PortalVisit.csrf(inbox), text, clientId: randomUUID() });
  }
}

/** The front desk finds the patient and logs the visit, as the check-in screen does. */
export async function checkIn(ep: Endpoints, lookup: string, note: string): Promise<void> {
  const found = await staffCall(ep, 'GET', `/api/v1/front-desk/patients?q=${encodeURIComponent(lookup)}`);
  const patient = found.patients?.[0];
  if (!patient) throw new ReplayError('the front desk could not find the patient');
  await staffCall(ep, 'POST', '/api/v1/front-desk/check-ins', { patientId: patient.id, note, clientId: randomUUID() });
}

export type { Channel };
