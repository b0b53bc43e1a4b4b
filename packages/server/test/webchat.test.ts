import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import WebSocket from 'ws';
import { DEMO_PHONE_NUMBER, schema, seedOrganization } from '../src/index.ts';
import { setAgentTyping } from '../src/channels/webchat/index.ts';
import { outboxRows, queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

/** A test client that keeps every frame, so a test can wait for one that may already have come. */
class ChatClient {
  readonly frames: any[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first unconsumed frame matching `match`, waiting for it if needed. */
  next(match: (f: any) => boolean, ms = 10_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame in time; got ${JSON.stringify(this.frames.map((f) => f.type))}`)), ms);
      const look = () => {
        const i = this.frames.findIndex(match);
        if (i >= 0) {
          clearTimeout(timer);
          resolve(this.frames.splice(i, 1)[0]);
        } else this.waiters.push(look);
      };
      look();
    });
  }

  type(type: string, ms?: number): Promise<any> {
    return this.next((f) => f.type === type, ms);
  }

  async hello(frame: Record<string, unknown> = {}): Promise<any> {
    this.send({ type: 'hello', ...frame });
    return this.type('welcome');
  }

  async say(clientId: string, text: string): Promise<any> {
    this.send({ type: 'message', clientId, text });
    return this.next((f) => (f.type === 'ack' || f.type === 'error') && f.clientId === clientId);
  }

  close(): void {
    this.ws.close();
  }
}

let h: Harness;
let wsBase: string;
/** The server's JSON log lines. */
const logLines: string[] = [];

async function connect(org = 'demo'): Promise<ChatClient> {
  const ws = new WebSocket(`${wsBase}/channels/webchat/socket?org=${encodeURIComponent(org)}`);
  const client = new ChatClient(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return client;
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}

async function sessionRow(sessionId: string) {
  const [row] = await h.database.db.select().from(schema.chatSessions).where(eq(schema.chatSessions.id, sessionId));
  return row!;
}

async function interactionOf(sessionId: string) {
  const session = await sessionRow(sessionId);
  const [row] = await h.database.db.select().from(schema.interactions).where(eq(schema.interactions.id, session.interactionId!));
  return row!;
}

let voiceSeq = 0;
function voiceDtmf(code: string, from = '+12125550147') {
  voiceSeq += 1;
  return h.post('/api/v1/channel-events', {
    channel: 'voice',
    kind: 'dtmf',
    idempotencyKey: `CA-webchat-${voiceSeq}-digits`,
    conversationRef: `CA-webchat-${voiceSeq}`,
    from: { kind: 'phone', value: from },
    dtmf: code,
  });
}

/** A chat of its own: a new session whose patient asked for a refill, closed again. */
async function startedChat(): Promise<{ sessionId: string; resumeToken: string; caseId: string; firstMessageId: string }> {
  const client = await connect();
  const welcome = await client.hello({ language: 'en' });
  const ack = await client.say('m1', 'I need a refill of my lisinopril please');
  expect(ack.type).toBe('ack');
  const { caseId } = await interactionOf(welcome.sessionId);
  client.close();
  await client.closed;
  return { sessionId: welcome.sessionId, resumeToken: welcome.resumeToken, caseId: caseId!, firstMessageId: ack.messageId };
}

beforeAll(async () => {
  h = await createHarness({ patients: 20, logLines });
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  wsBase = base.replace('http', 'ws');
});
afterAll(async () => {
  await h?.close();
});

describe('web chat socket: sessions', () => {
  it('closes a socket for an unknown widget key with a clear reason', async () => {
    const client = await connect('no-such-clinic');
    const closed = await client.closed;
    expect(closed.code).toBe(4404);
    expect(closed.reason).toMatch(/unknown widget key/i);
  });

  it('closes a socket without a widget key', async () => {
    const ws = new WebSocket(`${wsBase}/channels/webchat/socket`);
    const client = new ChatClient(ws);
    const closed = await client.closed;
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(/widget key/i);
  });

  it('answers a plain HTTP request on the socket path with 426', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/channels/webchat/socket?org=demo' });
    expect(res.statusCode).toBe(426);
  });

  it('starts a new session: visitor, interaction and a hashed resume token', async () => {
    const client = await connect();
    const welcome = await client.hello({ language: 'en' });
    expect(welcome.resumed).toBe(false);
    expect(welcome.history).toEqual([]);
    expect(welcome.organization.name).toBeTruthy();
    expect(welcome.resumeToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sessionId = welcome.sessionId;
    const resumeToken = welcome.resumeToken;

    const session = await sessionRow(sessionId);
    expect(session.organizationId).toBe(h.organizationId);
    expect(session.resumeTokenHash).toBe(createHash('sha256').update(resumeToken).digest('hex'));
    expect(JSON.stringify(session)).not.toContain(resumeToken);
    expect(session.visitorId).toMatch(/^v-/);
    const interaction = await interactionOf(sessionId);
    expect(interaction.channel).toBe('webchat');
    expect(interaction.conversationRef).toBe(`chat:${sessionId}`);
    expect(interaction.contactKind).toBe('chat_visitor');
    expect(interaction.contactValue).toBe(session.visitorId);

    const ack = await client.say('m1', 'I need a refill of my lisinopril please');
    expect(ack.type).toBe('ack');
    expect(ack.duplicate).toBe(false);
    expect(ack.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const after = await interactionOf(sessionId);
    expect(after.caseId).toBeTruthy();
    client.close();
  });

  it('a resend of the same clientId after a drop is not duplicated', async () => {
    const { sessionId, resumeToken, firstMessageId } = await startedChat();
    const client = await connect();
    const welcome = await client.hello({ resumeToken });
    expect(welcome.resumed).toBe(true);
    const ack = await client.say('m1', 'I need a refill of my lisinopril please');
    expect(ack.type).toBe('ack');
    expect(ack.duplicate).toBe(true);
    expect(ack.messageId).toBe(firstMessageId);
    const session = await sessionRow(sessionId);
    const count = await rows<{ n: number }>(sql`select count(*)::int as n from messages where interaction_id = ${session.interactionId}`);
    expect(count[0]!.n).toBe(1);
    client.close();
  });

  it('a resume token continues the same interaction and case and replays the history', async () => {
    const { sessionId, resumeToken, caseId, firstMessageId } = await startedChat();
    const client = await connect();
    const welcome = await client.hello({ resumeToken });
    expect(welcome.resumed).toBe(true);
    expect(welcome.sessionId).toBe(sessionId);
    expect(welcome.resumeToken).toBe(resumeToken);
    expect(welcome.history).toHaveLength(1);
    expect(welcome.history[0]).toMatchObject({ id: firstMessageId, mine: true, clientId: 'm1', actor: 'patient', text: 'I need a refill of my lisinopril please' });

    const before = await interactionOf(sessionId);
    const ack = await client.say('m2', 'It is for my blood pressure');
    expect(ack.type).toBe('ack');
    const after = await interactionOf(sessionId);
    expect(after.id).toBe(before.id);
    expect(after.caseId).toBe(caseId);
    const resumed = await rows<{ n: number }>(sql`select count(*)::int as n from events where kind = 'chat_session_resumed' and interaction_id = ${after.id}`);
    expect(resumed[0]!.n).toBe(1);
    client.close();
  });

  it('an unknown resume token starts a fresh session', async () => {
    const { sessionId } = await startedChat();
    const client = await connect();
    const welcome = await client.hello({ resumeToken: 'x'.repeat(43) });
    expect(welcome.resumed).toBe(false);
    expect(welcome.sessionId).not.toBe(sessionId);
    expect(welcome.history).toEqual([]);
    client.close();
  });

  it("another organisation's widget cannot resume this organisation's session", async () => {
    const { resumeToken } = await startedChat();
    const other = await h.database.db.transaction((tx) => seedOrganization(tx, { slug: 'northside', name: 'Northside Clinic', patients: 0 }));
    expect(other.organizationId).not.toBe(h.organizationId);
    const client = await connect('northside');
    const welcome = await client.hello({ resumeToken });
    expect(welcome.resumed).toBe(false);
    expect(welcome.history).toEqual([]);
    expect(welcome.organization.name).toBe('Northside Clinic');
    expect((await sessionRow(welcome.sessionId)).organizationId).toBe(other.organizationId);
    client.close();
  });
});

describe('web chat socket: bad input', () => {
  it('answers invalid JSON and unknown frames with an error frame and keeps the socket', async () => {
    const client = await connect();
    client.send('{not json');
    expect(await client.type('error')).toMatchObject({ error: 'invalid_json' });
    client.send({ type: 'shout', text: 'hi' });
    expect(await client.type('error')).toMatchObject({ error: 'invalid_frame' });
    client.send({ type: 'message', clientId: 'early', text: 'before hello' });
    expect(await client.type('error')).toMatchObject({ error: 'hello_first', clientId: 'early' });
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.type('error')).toMatchObject({ error: 'invalid_frame' });
    client.send(JSON.stringify([1, 2]));
    expect(await client.type('error')).toMatchObject({ error: 'invalid_frame' });
    await client.hello();
    expect(await client.say('fine', 'Hello, I have a question')).toMatchObject({ type: 'ack' });
    client.close();
  });

  // A socket of its own: each test stays under the 10-frames-per-second limit.
  it('refuses over-long, blank and malformed messages with an error naming the message', async () => {
    const client = await connect();
    await client.hello();
    client.send({ type: 'message', clientId: 'long', text: 'a'.repeat(4001) });
    expect(await client.type('error')).toMatchObject({ error: 'text_too_long', clientId: 'long' });
    client.send({ type: 'message', clientId: 'bad id!', text: 'hello' });
    expect(await client.type('error')).toMatchObject({ error: 'invalid_frame' });
    expect(await client.say('blank', '   ')).toMatchObject({ type: 'error', error: 'empty_text' });
    client.send({ type: 'read', messageId: '00000000-0000-4000-8000-000000000000' });
    expect(await client.type('error')).toMatchObject({ error: 'unknown_message' });
    client.send({ type: 'hello' });
    expect(await client.type('error')).toMatchObject({ error: 'already_started' });
    // Still a working chat after all that.
    expect(await client.say('ok', 'Hello, I have a question about my bill')).toMatchObject({ type: 'ack' });
    client.close();
  });

  it('a 4,000-character message is accepted', async () => {
    const client = await connect();
    await client.hello();
    expect(await client.say('max', 'b'.repeat(4000))).toMatchObject({ type: 'ack' });
    client.close();
  });

  it('closes a socket that sends a frame over 64 KB, and the server carries on', async () => {
    const logFrom = logLines.length;
    const client = await connect();
    client.send({ type: 'message', clientId: 'huge', text: 'x'.repeat(70 * 1024) });
    const closed = await client.closed;
    expect(closed.code).toBe(1009);
    // Handled, so no error-level line (pino: 50); noted at info without any of the frame.
    const lines = logLines.slice(logFrom).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.some((l) => l.level <= 30 && /size limit/.test(l.msg))).toBe(true);
    expect(logLines.slice(logFrom).join('\n')).not.toContain('xxxxxxxx');
    const again = await connect();
    expect((await again.hello()).type).toBe('welcome');
    again.close();
  });

  it('rate-limits a socket that floods frames', async () => {
    const client = await connect();
    await client.hello();
    for (let i = 0; i < 40; i++) client.send({ type: 'nonsense', n: i });
    expect(await client.next((f) => f.type === 'error' && f.error === 'rate_limited')).toMatchObject({ error: 'rate_limited' });
    client.close();
  });

  it('a burst of read receipts and typing signals never crowds out what the patient types', async () => {
    const client = await connect();
    await client.hello();
    // A turn of replies is read at once: one receipt each, plus typing blips, in one burst.
    for (let i = 0; i < 40; i++) client.send(i % 2 ? { type: 'typing', on: true } : { type: 'read', messageId: '00000000-0000-4000-8000-000000000000' });
    const ack = await client.say('burst-1', 'la primera');
    expect(ack.type).toBe('ack');
    client.close();
  });
});

describe('web chat socket: the staff side', () => {
  let client: ChatClient;
  let caseId: string;
  let sessionId: string;
  let patientLineId: string;
  let token: string;

  // A chat of its own for every test, open while the test runs.
  beforeEach(async () => {
    client = await connect();
    const welcome = await client.hello();
    sessionId = welcome.sessionId;
    token = welcome.resumeToken;
    const ack = await client.say('s1', 'Can I move my appointment to next week?');
    patientLineId = ack.messageId;
    caseId = (await interactionOf(sessionId)).caseId!;
  });
  afterEach(() => client.close());

  /** The staff side marks the patient's line read and announces it, as it does for every change. */
  async function staffReadsPatientLine(): Promise<void> {
    await h.database.db.update(schema.messages).set({ readAt: new Date().toISOString() }).where(eq(schema.messages.id, patientLineId));
    const payload = JSON.stringify({ o: h.organizationId, c: caseId, k: ['message_read'] });
    await h.database.db.execute(sql`select pg_notify('carethread_changes', ${payload})`);
  }

  it('pushes a staff reply to the widget, and the patient reading it sets read_at', async () => {
    // Not a question: the patient already said "next week", which the ledger now keeps as their
    // preferred time, so "Which day suits you?" would be held back as a repeat ask.
    const reply = await h.post(`/api/v1/cases/${caseId}/messages`, { text: 'Of course. Let me look at the calendar for you.' });
    expect(reply.status).toBe(201);
    const pushed = await client.next((f) => f.type === 'message' && f.id === reply.body.messageId);
    expect(pushed).toMatchObject({ text: 'Of course. Let me look at the calendar for you.', actor: 'agent' });

    client.send({ type: 'read', messageId: pushed.id });
    await expect
      .poll(async () => (await h.database.db.select({ readAt: schema.messages.readAt }).from(schema.messages).where(eq(schema.messages.id, pushed.id)))[0]!.readAt)
      .not.toBeNull();
  });

  it('sends a read receipt when the staff side marks the patient line read', async () => {
    await staffReadsPatientLine();
    expect(await client.type('read')).toMatchObject({ messageId: patientLineId, clientId: 's1' });
  });

  it('shows agent typing to the patient', async () => {
    expect(setAgentTyping(h.organizationId, caseId, true)).toBe(1);
    expect(await client.next((f) => f.type === 'typing' && f.on)).toEqual({ type: 'typing', on: true });
    setAgentTyping(h.organizationId, caseId, false);
    expect(await client.type('typing')).toEqual({ type: 'typing', on: false });
  });

  it('replays staff replies and read state on resume', async () => {
    const reply = await h.post(`/api/v1/cases/${caseId}/messages`, { text: 'Of course. Let me look at the calendar for you.' });
    expect(reply.status).toBe(201);
    const pushed = await client.next((f) => f.type === 'message' && f.id === reply.body.messageId);
    client.send({ type: 'read', messageId: pushed.id });
    await expect
      .poll(async () => (await h.database.db.select({ readAt: schema.messages.readAt }).from(schema.messages).where(eq(schema.messages.id, pushed.id)))[0]!.readAt)
      .not.toBeNull();
    await staffReadsPatientLine();
    await client.type('read');
    const again = await connect();
    const welcome = await again.hello({ resumeToken: token });
    const lines = welcome.history.map((e: any) => ({ mine: e.mine, actor: e.actor, read: e.read }));
    expect(lines).toEqual([
      { mine: true, actor: 'patient', read: true },
      { mine: false, actor: 'agent', read: true },
    ]);
    again.close();
  });
});


describe('web chat socket: continuing on another channel', () => {
  it('refuses to continue before the patient has said anything', async () => {
    const client = await connect();
    await client.hello();
    client.send({ type: 'continue', channel: 'voice' });
    expect(await client.type('error')).toMatchObject({ error: 'no_case' });
    client.close();
  });

  it('continue by phone gives an 8-digit code that a call redeems onto the same case', async () => {
    const client = await connect();
    const welcome = await client.hello({ language: 'en' });
    await client.say('c1', 'I would like the results of my blood test');
    const { caseId } = await interactionOf(welcome.sessionId);
    client.send({ type: 'continue', channel: 'voice' });
    const offer = await client.type('continuation');
    expect(offer.channel).toBe('voice');
    expect(offer.code).toMatch(/^\d{8}$/);
    expect(offer.phoneNumber).toBe(DEMO_PHONE_NUMBER);
    expect(offer.instructions).toContain(offer.code);
    expect(offer.instructions).toContain('555-010-0100');
    expect(Date.parse(offer.expiresAt)).toBeGreaterThan(Date.now());
    // The instructions are part of the chat, so a reload shows them again.
    expect(await client.type('message')).toMatchObject({ actor: 'system', text: offer.instructions });

    const call = await voiceDtmf(offer.code);
    expect(call.status).toBe(201);
    expect(call.body.caseId).toBe(caseId);
    expect(call.body.joinedBy).toBe('continuation');
    client.close();
  });

  it('asks for an address before continuing by text message when none is known', async () => {
    const client = await connect();
    await client.hello();
    await client.say('n1', 'I have a question about my insurance');
    client.send({ type: 'continue', channel: 'sms' });
    expect(await client.type('needs_address')).toEqual({ type: 'needs_address', channel: 'sms' });
    client.send({ type: 'continue', channel: 'email' });
    expect(await client.type('needs_address')).toEqual({ type: 'needs_address', channel: 'email' });
    // The widget then asks the patient and says the address in the chat: the ledger records it.
    await client.say('n2', 'My mobile number is +1 212 555 0188');
    const session = await rows<{ case_id: string }>(sql`select case_id from messages where provider_ref like ${'%:n2'}`);
    const stated = await h.database.db
      .select({ value: schema.facts.value })
      .from(schema.facts)
      .where(and(eq(schema.facts.caseId, session[0]!.case_id), eq(schema.facts.name, 'phone')));
    expect(stated.map((f) => f.value)).toEqual(['+12125550188']);
    client.close();
  });

  it('after the patient types their number, the retried continue-by-text-message succeeds', async () => {
    const client = await connect();
    await client.hello();
    await client.say('t1', 'I have a question about my bill');
    client.send({ type: 'continue', channel: 'sms' });
    expect(await client.type('needs_address')).toEqual({ type: 'needs_address', channel: 'sms' });
    await client.say('t2', 'My mobile number is +1 212 555 0177');
    client.send({ type: 'continue', channel: 'sms' });
    const offer = await client.type('continuation');
    expect(offer.channel).toBe('sms');
    const queued = await outboxRows(h.database, (o) => o.channel === 'sms' && o.to_address === '+12125550177');
    expect(queued).toHaveLength(1);
    client.close();
  });

  it('continues by text message to the number of a patient the chat identified', async () => {
    const patient = await h.post('/api/v1/patients', {
      givenName: 'Rosa',
      familyName: 'Delgado',
      birthDate: '1974-06-02',
      identifiers: [{ kind: 'phone', value: '+12125550171' }],
    });
    expect(patient.status).toBe(201);
    const client = await connect();
    const welcome = await client.hello();
    await client.say('k1', 'I need a refill of my metformin');
    await client.say('k2', 'My name is Rosa Delgado and my date of birth is 06/02/1974');
    const interaction = await interactionOf(welcome.sessionId);
    expect(interaction.patientId).toBe(patient.body.id);
    client.send({ type: 'continue', channel: 'sms' });
    const offer = await client.type('continuation');
    expect(offer).toMatchObject({ channel: 'sms' });
    const queued = await h.database.db
      .select()
      .from(schema.outbox)
      .where(and(eq(schema.outbox.caseId, interaction.caseId!), eq(schema.outbox.channel, 'sms')));
    expect(queued.map((o) => o.toAddress)).toContain('+12125550171');
    client.close();
  });
});

describe('web chat socket: nobody answers', () => {
  it('offers text message or email when no staff reply comes within the configured wait', async () => {
    const { organizationId } = await h.database.db.transaction((tx) => seedOrganization(tx, { slug: 'quiet', name: 'Quiet Clinic', patients: 0 }));
    await h.database.db.update(schema.organizations).set({ settings: { webchatAgentWaitSeconds: 1 } }).where(eq(schema.organizations.id, organizationId));
    const client = await connect('quiet');
    const welcome = await client.hello();
    expect(welcome.agentWaitSeconds).toBe(1);
    await client.say('q1', 'Is anyone there? I need to book an appointment');
    expect(await client.type('agent_unavailable')).toEqual({ type: 'agent_unavailable', waitedSeconds: 1, options: ['sms', 'email'] });
    client.close();

    // A reload after the wait hears the same verdict at once, from the stored times.
    const again = await connect('quiet');
    await again.hello({ resumeToken: welcome.resumeToken });
    expect(await again.type('agent_unavailable')).toMatchObject({ options: ['sms', 'email'] });
    again.close();
  });

  it('does not offer it once a person has replied', async () => {
    // Two chats under the default 120 s wait: a person answers one, nobody answers the other.
    const chat = async (clientId: string, answered: boolean) => {
      const client = await connect();
      const welcome = await client.hello();
      expect(welcome.agentWaitSeconds).toBe(120);
      await client.say(clientId, 'Hello, can I pay my bill here?');
      if (answered) {
        const { caseId } = await interactionOf(welcome.sessionId);
        await h.post(`/api/v1/cases/${caseId}/messages`, { text: 'Yes, I can help with that.' });
        await client.type('message');
      }
      client.close();
      await client.closed;
      return welcome.resumeToken as string;
    };
    const answered = await chat('r1', true);
    const unanswered = await chat('r2', false);
    // Two minutes and more pass (on the services' clock). A reload judges from the stored times
    // at once, so the unanswered chat is offered the other channels and the answered one is not.
    const realNow = h.services.now;
    h.services.now = () => new Date(Date.now() + 121_000);
    try {
      const reload = async (resumeToken: string) => {
        const client = await connect();
        await client.hello({ resumeToken });
        // Frames are handled in order: anything the reload had to say precedes this answer.
        client.send({ type: 'read', messageId: '00000000-0000-4000-8000-000000000000' });
        await client.next((f) => f.type === 'error' && f.error === 'unknown_message');
        client.close();
        return client.frames.filter((f) => f.type === 'agent_unavailable');
      };
      expect(await reload(unanswered)).toEqual([{ type: 'agent_unavailable', waitedSeconds: 120, options: ['sms', 'email'] }]);
      expect(await reload(answered)).toEqual([]);
    } finally {
      h.services.now = realNow;
    }
  });
});
