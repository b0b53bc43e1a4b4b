import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ensureAdminToken, seedOrganization } from '../src/index.ts';
import { adoptQueuedCases, runRoutingJobs, startRoutingJobs } from '../src/routing/index.ts';
import { staff } from '../src/store/schema.ts';
import { routingOffers } from '../src/store/schema-routing.ts';
import { queryRows } from './helpers/sql.ts';
import { createHarness, usingPostgres, type Harness } from './helpers/harness.ts';

// Routing through the real API and pipeline, on PGlite or PostgreSQL (DATABASE_URL). Every test
// gets an organisation of its own, so agents and queues of one never leak into another.

let h: Harness;
let clock = Date.parse('2026-11-02T14:00:00Z');
const tick = (seconds: number) => {
  clock += seconds * 1000;
};
let seq = 0;

beforeAll(async () => {
  h = await createHarness({ patients: 0 });
  h.services.now = () => new Date(clock);
});
afterAll(async () => {
  await h?.close();
});

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}

type Res = { status: number; body: any };

interface Org {
  id: string;
  authorization: string;
  alex: string;
  jordan: string;
  sam: string;
  dept(slug: string): Promise<string>;
  call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Res>;
  chat(visitor: string, text: string): Promise<{ caseId: string; interactionId: string; patientId: string | null }>;
  sms(phone: string, text: string): Promise<{ caseId: string; interactionId: string; joinedBy: string }>;
  presence(staffId: string, presence: string): Promise<Res>;
  profile(staffId: string, body: unknown): Promise<Res>;
  offers(staffId: string): Promise<any[]>;
  accept(offerId: string, staffId?: string): Promise<Res>;
  decline(offerId: string, body?: unknown): Promise<Res>;
  events(caseId: string, kind: string): Promise<Array<{ data: Record<string, any>; interaction_id: string | null }>>;
  count(kind: string): Promise<number>;
  caseRow(caseId: string): Promise<{ owner_id: string | null; queue_state: string; department_id: string | null; status: string }>;
}

async function newOrg(): Promise<Org> {
  const slug = `routing-${randomBytes(4).toString('hex')}`;
  const { organizationId } = await h.database.db.transaction((tx) => seedOrganization(tx, { slug, patients: 0 }));
  const { token } = await ensureAdminToken(h.database.db, organizationId);
  const people = await h.database.db.select({ id: staff.id, name: staff.name }).from(staff).where(sql`${staff.organizationId} = ${organizationId}`);
  const id = (name: string) => people.find((p) => p.name.startsWith(name))!.id;
  const call = async (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Res> => {
    const res = await h.app.inject({ method, url: path, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
  };
  const event = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/api/v1/channel-events', { idempotencyKey: `rt-${++seq}`, direction: 'inbound', kind: 'message', ...body });
    expect(res.status).toBe(201);
    return res.body;
  };
  const org: Org = {
    id: organizationId,
    authorization: `Bearer ${token}`,
    alex: id('Alex'),
    jordan: id('Jordan'),
    sam: id('Sam'),
    async dept(s) {
      const [d] = await rows<{ id: string }>(sql`select id from departments where organization_id = ${organizationId} and slug = ${s}`);
      return d!.id;
    },
    call,
    chat: (visitor, text) => event({ channel: 'webchat', from: { kind: 'chat_visitor', value: visitor }, conversationRef: `chat-${visitor}`, text }),
    sms: (phone, text) => event({ channel: 'sms', from: { kind: 'phone', value: phone }, text }),
    presence: (staffId, presence) => call('PUT', `/api/v1/agents/${staffId}/presence`, { presence }),
    profile: (staffId, body) => call('PUT', `/api/v1/agents/${staffId}/profile`, body),
    async offers(staffId) {
      const res = await call('GET', `/api/v1/agents/${staffId}/offers`);
      expect(res.status).toBe(200);
      return res.body;
    },
    accept: (offerId, staffId) => call('POST', `/api/v1/offers/${offerId}/accept`, staffId ? { staffId } : {}),
    decline: (offerId, body = {}) => call('POST', `/api/v1/offers/${offerId}/decline`, body),
    events: (caseId, kind) => rows(sql`select data, interaction_id from events where organization_id = ${organizationId} and case_id = ${caseId} and kind = ${kind} order by id`),
    async count(kind) {
      const [r] = await rows<{ n: number }>(sql`select count(*)::int as n from events where organization_id = ${organizationId} and kind = ${kind}`);
      return r!.n;
    },
    async caseRow(caseId) {
      const [r] = await rows<{ owner_id: string | null; queue_state: string; department_id: string | null; status: string }>(
        sql`select owner_id, queue_state, department_id, status from cases where id = ${caseId}`,
      );
      return r!;
    },
  };
  return org;
}

/** The one open offer of a case, if any. */
async function openOffer(caseId: string): Promise<{ id: string; staff_id: string; reason: string; expires_at: string } | null> {
  const [r] = await rows<{ id: string; staff_id: string; reason: string; expires_at: string }>(
    sql`select id, staff_id, reason, expires_at from routing_offers where case_id = ${caseId} and status = 'offered'`,
  );
  return r ?? null;
}

const refill = 'I need a refill of my lisinopril please';

describe('offers and accepting', () => {
  it('offers a new chat to an available agent; accepting makes them its holder', async () => {
    const o = await newOrg();
    expect((await o.presence(o.alex, 'available')).body).toMatchObject({ staffId: o.alex, presence: 'available', configured: true });
    const chat = await o.chat('v-1', refill);
    const [offer] = await o.offers(o.alex);
    expect(offer).toMatchObject({ caseId: chat.caseId, channel: 'webchat', reason: 'queue', status: 'offered', secondsLeft: 30 });
    expect(offer.case).toMatchObject({ requestType: 'prescription', channel: 'webchat', queueState: 'queued', waitSeconds: 0 });
    expect(offer.case.lastMessage).toMatchObject({ channel: 'webchat', direction: 'inbound', body: refill });
    expect(offer.case.department.id).toBe(await o.dept('pharmacy'));

    tick(5);
    const accepted = await o.accept(offer.id, o.alex);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ caseId: chat.caseId, interactionId: chat.interactionId, channel: 'webchat', waitSeconds: 5, offer: { status: 'accepted' } });
    expect(await o.caseRow(chat.caseId)).toMatchObject({ owner_id: o.alex, queue_state: 'assigned' });
    const [interaction] = await rows<{ agent_id: string }>(sql`select agent_id from interactions where id = ${chat.interactionId}`);
    expect(interaction!.agent_id).toBe(o.alex);
    expect((await o.events(chat.caseId, 'offer_made'))[0]!.data).toMatchObject({ agentId: o.alex, reason: 'queue', channel: 'webchat' });
    expect((await o.events(chat.caseId, 'offer_accepted'))[0]!.data).toMatchObject({ agentId: o.alex, waitSeconds: 5 });

    const inbox = await o.call('GET', `/api/v1/agents/${o.alex}/inbox`);
    expect(inbox.status).toBe(200);
    expect(inbox.body.assigned.map((c: { caseId: string }) => c.caseId)).toEqual([chat.caseId]);
    expect(inbox.body.assigned[0].lastMessage.body).toBe(refill);
    expect(inbox.body.offers).toEqual([]);
    expect(inbox.body.agent.held).toEqual({ webchat: 1 });
    expect(inbox.body.queues.map((q: { department: { slug: string } }) => q.department.slug)).toContain('pharmacy');

    // Further messages of the same chat stay with the holder: no new offer.
    await o.chat('v-1', 'It is the 10 mg tablets');
    expect(await o.count('offer_made')).toBe(1);
    expect(await o.caseRow(chat.caseId)).toMatchObject({ owner_id: o.alex, queue_state: 'assigned' });
  });

  it('leaves a case waiting when nobody is available, and offers it when someone becomes available', async () => {
    const o = await newOrg();
    const chat = await o.chat('v-2', refill);
    expect(await o.caseRow(chat.caseId)).toMatchObject({ queue_state: 'queued', owner_id: null });
    expect(await openOffer(chat.caseId)).toBeNull();
    tick(40);
    await o.presence(o.jordan, 'available');
    expect((await openOffer(chat.caseId))?.staff_id).toBe(o.jordan);
    expect((await o.events(chat.caseId, 'case_routed'))[0]!.data).toMatchObject({ queueState: 'queued', departmentId: await o.dept('pharmacy') });
  });

  it('passes a declined offer to the next agent at once, and not back to the one who declined', async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    await o.presence(o.jordan, 'available');
    const chat = await o.chat('v-3', refill);
    const first = (await openOffer(chat.caseId))!;
    const other = first.staff_id === o.alex ? o.jordan : o.alex;
    const declined = await o.decline(first.id, { staffId: first.staff_id, reason: 'busy' });
    expect(declined.status).toBe(200);
    expect(declined.body.offer).toMatchObject({ status: 'declined', outcomeReason: 'busy' });
    expect(declined.body.next).toMatchObject({ staffId: other, caseId: chat.caseId, reason: 'queue' });
    expect((await o.events(chat.caseId, 'offer_declined'))[0]!.data).toMatchObject({ agentId: first.staff_id, why: 'busy' });

    // The second agent passes too: with nobody left who has not just declined, the case waits.
    expect((await o.decline(declined.body.next.id)).body.next).toBeNull();
    const queues = await o.call('GET', '/api/v1/queues');
    const pharmacy = queues.body.queues.find((q: any) => q.department?.slug === 'pharmacy');
    expect(pharmacy).toMatchObject({ waiting: 1, offered: 0 });
    // …until the re-offer time has passed.
    tick(121);
    await runRoutingJobs(h.services);
    expect(await openOffer(chat.caseId)).not.toBeNull();
  });

  it('withdraws open offers when the agent steps away, and offers them to the next agent', async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    const chat = await o.chat('v-4', refill);
    const offer = (await openOffer(chat.caseId))!;
    await o.presence(o.jordan, 'available');
    const away = await o.presence(o.alex, 'away');
    expect(away.body).toMatchObject({ presence: 'away', offered: {} });
    expect((await o.events(chat.caseId, 'offer_cancelled'))[0]!.data).toMatchObject({ offerId: offer.id, why: 'agent_away' });
    expect((await openOffer(chat.caseId))?.staff_id).toBe(o.jordan);
    expect(await o.count('presence_changed')).toBe(3);
  });

  it('cancels the open offer when a person assigns the case by hand', async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    const chat = await o.chat('v-5', refill);
    const offer = (await openOffer(chat.caseId))!;
    const assigned = await o.call('POST', `/api/v1/cases/${chat.caseId}/assign`, { staffId: o.jordan });
    expect(assigned.status).toBe(200);
    expect(await o.caseRow(chat.caseId)).toMatchObject({ owner_id: o.jordan, queue_state: 'assigned' });
    const [interaction] = await rows<{ agent_id: string }>(sql`select agent_id from interactions where id = ${chat.interactionId}`);
    expect(interaction!.agent_id).toBe(o.jordan);
    expect((await o.events(chat.caseId, 'offer_cancelled'))[0]!.data).toMatchObject({ offerId: offer.id, why: 'taken' });
    const late = await o.accept(offer.id);
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('offer_cancelled');
    expect((await o.call('GET', `/api/v1/agents/${o.jordan}`)).body.held).toEqual({ webchat: 1 });
  });
});

describe('the same agent first', () => {
  /** A registered patient chats, Alex takes it and resolves it. */
  async function handledByAlex(o: Org, phone: string, visitor: string) {
    const patient = await o.call('POST', '/api/v1/patients', {
      givenName: 'Maria',
      familyName: 'Lopez',
      birthDate: '1961-03-14',
      identifiers: [{ kind: 'phone', value: phone }],
    });
    expect(patient.status).toBe(201);
    await o.presence(o.alex, 'available');
    const chat = await o.chat(visitor, `Hi, this is Maria Lopez, date of birth 03/14/1961. ${refill}`);
    expect(chat.patientId).toBe(patient.body.id);
    const offer = (await openOffer(chat.caseId))!;
    expect(offer.staff_id).toBe(o.alex);
    expect((await o.accept(offer.id)).status).toBe(200);
    return { caseId: chat.caseId, patientId: patient.body.id as string };
  }

  it('offers a recontact by SMS to the agent who resolved the chat, before anyone else', async () => {
    const o = await newOrg();
    const { caseId } = await handledByAlex(o, '+12125550141', 'v-maria-1');
    tick(60);
    expect((await o.call('POST', `/api/v1/cases/${caseId}/resolve`, { staffId: o.alex, resolution: 'refill_sent' })).status).toBe(200);
    // Jordan is free and has never been offered anything: the queue alone would pick Jordan.
    await o.presence(o.jordan, 'available');
    tick(86_400);
    const back = await o.sms('+12125550141', 'My lisinopril refill is still not at the pharmacy');
    expect(back.caseId).toBe(caseId);
    expect(back.joinedBy).toBe('recontact');
    const [offer] = await o.offers(o.alex);
    expect(offer).toMatchObject({ caseId, reason: 'same_agent', channel: 'sms', secondsLeft: 30 });
    expect(offer.case.lastMessage).toMatchObject({ channel: 'sms' });
    expect(await o.offers(o.jordan)).toEqual([]);
    expect((await o.accept(offer.id, o.alex)).status).toBe(200);
    expect(await o.caseRow(caseId)).toMatchObject({ owner_id: o.alex, queue_state: 'assigned', status: 'open' });
    const [sms] = await rows<{ agent_id: string }>(sql`select agent_id from interactions where id = ${back.interactionId}`);
    expect(sms!.agent_id).toBe(o.alex);
    expect((await o.call('GET', `/api/v1/agents/${o.alex}`)).body.held).toEqual({ sms: 1 });

    // The conversation: both channels in order, the note in between, the SMS as the channel to answer on.
    tick(10);
    await o.call('POST', `/api/v1/cases/${caseId}/notes`, { body: 'Called the pharmacy, refill is on its way', staffId: o.alex });
    tick(10);
    expect((await o.call('POST', `/api/v1/cases/${caseId}/messages`, { text: 'Your refill is on its way.', staffId: o.alex })).status).toBe(201);
    const conversation = await o.call('GET', `/api/v1/cases/${caseId}/conversation`);
    expect(conversation.status).toBe(200);
    expect(conversation.body).toMatchObject({ currentChannel: 'sms', currentInteractionId: back.interactionId, hasMore: false });
    expect(conversation.body.contacts.map((c: { channel: string }) => c.channel)).toEqual(['webchat', 'sms']);
    expect(conversation.body.items.map((i: any) => `${i.type}:${i.type === 'message' ? `${i.channel}:${i.actor}` : i.kind}`)).toEqual([
      'message:webchat:patient',
      'message:sms:patient',
      'note:note',
      'message:sms:agent',
    ]);
    const older = await o.call('GET', `/api/v1/cases/${caseId}/conversation?limit=1`);
    expect(older.body.hasMore).toBe(true);
    expect(older.body.items.map((i: { type: string }) => i.type)).toEqual(['message']);
    const before = await o.call('GET', `/api/v1/cases/${caseId}/conversation?limit=10&before=${encodeURIComponent(older.body.items[0].occurredAt)}`);
    expect(before.body.items.map((i: { type: string }) => i.type)).toEqual(['message', 'message', 'note']);
    expect((await o.call('GET', `/api/v1/cases/00000000-0000-4000-8000-000000000000/conversation`)).status).toBe(404);
  });

  it('offers the holder first when the patient comes back on another channel while the case is open', async () => {
    const o = await newOrg();
    const { caseId } = await handledByAlex(o, '+12125550142', 'v-maria-2');
    await o.presence(o.jordan, 'available');
    tick(5 * 3600);
    const back = await o.sms('+12125550142', 'Any news on my lisinopril refill?');
    expect(back.caseId).toBe(caseId);
    expect(await o.caseRow(caseId)).toMatchObject({ queue_state: 'queued', owner_id: null });
    expect(await openOffer(caseId)).toMatchObject({ staff_id: o.alex, reason: 'same_agent' });
  });

  it('offers the call to the chat agent when the patient continues by phone with a code', async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    const chat = await o.chat('v-continue', `${refill}, my date of birth is 03/14/1961`);
    expect((await o.accept((await openOffer(chat.caseId))!.id)).status).toBe(200);
    await o.presence(o.jordan, 'available');
    const continuation = await o.call('POST', `/api/v1/interactions/${chat.interactionId}/continuations`, { channel: 'voice' });
    expect(continuation.status).toBe(201);
    tick(120);
    const call = await o.call('POST', '/api/v1/channel-events', {
      idempotencyKey: `rt-${++seq}`,
      channel: 'voice',
      kind: 'dtmf',
      conversationRef: 'CA-continue',
      from: { kind: 'phone', value: '+13125550123' },
      dtmf: continuation.body.code,
    });
    expect(call.body).toMatchObject({ caseId: chat.caseId, joinedBy: 'continuation' });
    const [offer] = await o.offers(o.alex);
    expect(offer).toMatchObject({ caseId: chat.caseId, channel: 'voice', reason: 'same_agent' });
    // The call's offer line shows the last words of the chat it continues (the keyed code has none):
    // the instructions the patient was given there.
    expect(offer.case.lastMessage).toMatchObject({ channel: 'webchat', actor: 'system' });
    expect(offer.case.lastMessage.body).toContain(continuation.body.code);
    expect((await o.call('GET', `/api/v1/cases/${chat.caseId}/context`)).body.facts.map((f: { name: string }) => f.name)).toContain('birthDate');
    expect((await o.accept(offer.id)).status).toBe(200);
    expect((await o.call('GET', `/api/v1/agents/${o.alex}`)).body.held).toEqual({ voice: 1 });
  });

  it('falls back to the queue when the same-agent offer times out (configurable seconds)', async () => {
    const o = await newOrg();
    const pharmacy = await o.dept('pharmacy');
    expect((await o.call('PUT', `/api/v1/routing/rules/${pharmacy}`, { sameAgentOfferSeconds: 20 })).status).toBe(200);
    const { caseId } = await handledByAlex(o, '+12125550143', 'v-maria-3');
    await o.call('POST', `/api/v1/cases/${caseId}/resolve`, { staffId: o.alex });
    await o.presence(o.jordan, 'available');
    tick(3600);
    await o.sms('+12125550143', 'My lisinopril refill never arrived');
    const same = (await openOffer(caseId))!;
    expect(same).toMatchObject({ staff_id: o.alex, reason: 'same_agent' });
    expect(Date.parse(same.expires_at) - clock).toBe(20_000);

    tick(19);
    await runRoutingJobs(h.services);
    expect(await o.events(caseId, 'offer_timed_out')).toHaveLength(0);
    tick(2);
    await runRoutingJobs(h.services);
    expect((await o.events(caseId, 'offer_timed_out'))[0]!.data).toMatchObject({ offerId: same.id, agentId: o.alex, reason: 'same_agent' });
    expect(await openOffer(caseId)).toMatchObject({ staff_id: o.jordan, reason: 'queue' });
    const stale = await o.accept(same.id, o.alex);
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('offer_timed_out');
  });

  it.each([
    ['away', async (o: Org) => void (await o.presence(o.alex, 'away'))],
    ['busy', async (o: Org) => void (await o.presence(o.alex, 'busy'))],
    ['at capacity', async (o: Org) => void (await o.profile(o.alex, { capacity: { sms: 0 } }))],
  ])('goes straight to the queue when that agent is %s', async (_why, make) => {
    const o = await newOrg();
    const phone = `+1212555${String(150 + ++seq).padStart(4, '0')}`;
    const { caseId } = await handledByAlex(o, phone, `v-maria-${seq}`);
    await o.call('POST', `/api/v1/cases/${caseId}/resolve`, { staffId: o.alex });
    await make(o);
    await o.presence(o.jordan, 'available');
    tick(3600);
    await o.sms(phone, 'My lisinopril refill never arrived');
    expect(await openOffer(caseId)).toMatchObject({ staff_id: o.jordan, reason: 'queue' });
  });
});

describe('skills and queue order', () => {
  it('gives a Spanish-speaking patient an agent who speaks Spanish', async () => {
    const o = await newOrg();
    await o.profile(o.jordan, { languages: ['en', 'es'] });
    await o.presence(o.jordan, 'available');
    const english = await o.chat('v-en', refill);
    expect((await openOffer(english.caseId))!.staff_id).toBe(o.jordan);
    // Alex is now the less loaded agent, but does not speak Spanish.
    await o.presence(o.alex, 'available');
    const es = await o.chat('v-es', 'Hola, necesito renovar mi receta de lisinopril');
    expect(await openOffer(es.caseId)).toMatchObject({ staff_id: o.jordan });
    const line = (await o.offers(o.jordan)).find((x) => x.caseId === es.caseId);
    expect(line.case.language).toBe('es');
  });

  it('takes the longest-waiting case first when an agent frees up', async () => {
    const o = await newOrg();
    const first = await o.chat('v-q1', refill);
    tick(10);
    const second = await o.chat('v-q2', refill);
    tick(10);
    const third = await o.chat('v-q3', refill);
    await o.profile(o.alex, { capacity: { webchat: 1 } });
    await o.presence(o.alex, 'available');
    expect((await openOffer(first.caseId))?.staff_id).toBe(o.alex);
    expect(await openOffer(second.caseId)).toBeNull();
    await o.profile(o.jordan, { capacity: { webchat: 1 } });
    await o.presence(o.jordan, 'available');
    expect((await openOffer(second.caseId))?.staff_id).toBe(o.jordan);
    expect(await openOffer(third.caseId)).toBeNull();
    // Jordan's inbox shows the queue with every case still waiting for an accept, longest first.
    const inbox = await o.call('GET', `/api/v1/agents/${o.jordan}/inbox`);
    const pharmacy = inbox.body.queues.find((q: any) => q.department?.slug === 'pharmacy');
    expect(pharmacy.waitingCases.map((c: { caseId: string }) => c.caseId)).toEqual([first.caseId, second.caseId, third.caseId]);
    expect(pharmacy.waitingCases[2]).toMatchObject({ channel: 'webchat', waitSeconds: 0, lastMessage: { body: refill, channel: 'webchat' } });
    expect(pharmacy.waitingCases[0].waitSeconds).toBe(20);
    expect(inbox.body.offers.map((x: { caseId: string }) => x.caseId)).toEqual([second.caseId]);
  });

  it('goes round robin among equally idle agents', async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    await o.presence(o.jordan, 'available');
    await o.presence(o.sam, 'available');
    const takers: string[] = [];
    for (let i = 0; i < 6; i++) {
      tick(1);
      const chat = await o.chat(`v-rr-${i}`, refill);
      const offer = (await openOffer(chat.caseId))!;
      takers.push(offer.staff_id);
      // Each takes and finishes the case, so everyone is equally idle again.
      expect((await o.accept(offer.id)).status).toBe(200);
      expect((await o.call('POST', `/api/v1/cases/${chat.caseId}/resolve`, { staffId: offer.staff_id })).status).toBe(200);
    }
    expect(new Set(takers.slice(0, 3)).size).toBe(3);
    expect(takers.slice(3)).toEqual(takers.slice(0, 3));
  });

  it('counts a call against the voice capacity of one', async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    const call1 = await o.call('POST', '/api/v1/channel-events', {
      idempotencyKey: `rt-${++seq}`,
      channel: 'voice',
      conversationRef: 'CA-r1',
      from: { kind: 'phone', value: '+13125550101' },
      text: 'I need a refill of my metformin',
    });
    const call2 = await o.call('POST', '/api/v1/channel-events', {
      idempotencyKey: `rt-${++seq}`,
      channel: 'voice',
      conversationRef: 'CA-r2',
      from: { kind: 'phone', value: '+13125550102' },
      text: 'I need a refill of my atorvastatin',
    });
    expect((await openOffer(call1.body.caseId))?.staff_id).toBe(o.alex);
    expect(await openOffer(call2.body.caseId)).toBeNull();
    const agents = await o.call('GET', '/api/v1/agents');
    expect(agents.body.find((a: any) => a.staffId === o.alex)).toMatchObject({ offered: { voice: 1 }, free: { voice: 0, webchat: 3 } });
  });
});

// PGlite runs one query at a time, so simultaneous requests there are served one after another and
// never race: these tests would pass even without the locks they exist to check. They run on
// PostgreSQL only (CI runs the whole suite on PostgreSQL as well as on PGlite).
const racesOnlyOnPostgres = usingPostgres ? '' : ' (skipped: PGlite runs one query at a time, so nothing races; runs on PostgreSQL)';

describe('the database refuses what a race could leave behind', () => {
  it('refuses a second open offer for one case', async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    await o.chat('v-c3', refill);
    const waiting = (await rows<{ case_id: string; staff_id: string }>(sql`select case_id, staff_id from routing_offers where organization_id = ${o.id} and status = 'offered'`))[0]!;
    await expect(
      h.database.db.insert(routingOffers).values({
        organizationId: o.id,
        caseId: waiting.case_id,
        staffId: o.sam,
        channel: 'webchat',
        reason: 'queue',
        offeredAt: new Date(clock).toISOString(),
        expiresAt: new Date(clock + 30_000).toISOString(),
      }),
    ).rejects.toThrow();
  });
});

describe.skipIf(!usingPostgres)(`concurrency${racesOnlyOnPostgres}`, () => {
  it('lets exactly one of several simultaneous accepts of an offer through', async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    const chat = await o.chat('v-c1', refill);
    const offer = (await openOffer(chat.caseId))!;
    const results = await Promise.all(Array.from({ length: 6 }, () => o.accept(offer.id)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.error)).toEqual(Array(5).fill('offer_accepted'));
    expect(await o.count('offer_accepted')).toBe(1);
    const [n] = await rows<{ n: number }>(sql`select count(*)::int as n from routing_assignments where case_id = ${chat.caseId}`);
    expect(n!.n).toBe(1);
  });

  it('never lets two agents hold the same case', async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    const chat = await o.chat('v-c2', refill);
    const alexOffer = (await openOffer(chat.caseId))!;
    await o.presence(o.jordan, 'available');
    tick(31);
    await runRoutingJobs(h.services);
    const jordanOffer = (await openOffer(chat.caseId))!;
    expect(jordanOffer.staff_id).toBe(o.jordan);
    const [late, onTime] = await Promise.all([o.accept(alexOffer.id), o.accept(jordanOffer.id)]);
    expect(late.status).toBe(409);
    expect(onTime.status).toBe(200);
    expect(await o.caseRow(chat.caseId)).toMatchObject({ owner_id: o.jordan });
  });

  it('keeps an accept that races with the patient writing on the same chat', async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    for (let i = 0; i < 5; i++) {
      const visitor = `v-race-msg-${i}`;
      const chat = await o.chat(visitor, refill);
      const offer = (await openOffer(chat.caseId))!;
      const [accepted, message] = await Promise.all([
        o.accept(offer.id),
        o.call('POST', '/api/v1/channel-events', {
          idempotencyKey: `rt-${++seq}`,
          channel: 'webchat',
          conversationRef: `chat-${visitor}`,
          from: { kind: 'chat_visitor', value: visitor },
          text: 'Are you there?',
        }),
      ]);
      expect([accepted.status, message.status]).toEqual([200, 201]);
      expect(await o.caseRow(chat.caseId)).toMatchObject({ owner_id: o.alex, queue_state: 'assigned' });
      const [interaction] = await rows<{ agent_id: string }>(sql`select agent_id from interactions where id = ${chat.interactionId}`);
      expect(interaction!.agent_id).toBe(o.alex);
      expect(await openOffer(chat.caseId)).toBeNull();
      expect((await o.call('POST', `/api/v1/cases/${chat.caseId}/resolve`, { staffId: o.alex })).status).toBe(200);
    }
    expect(await o.count('offer_made')).toBe(5);
  });

  it('never lets an agent go over capacity, even with simultaneous accepts', async () => {
    const o = await newOrg();
    await o.profile(o.alex, { capacity: { webchat: 2 } });
    await o.presence(o.alex, 'available');
    const a = await o.chat('v-cap-a', refill);
    const b = await o.chat('v-cap-b', refill);
    const offers = await o.offers(o.alex);
    expect(offers.map((x) => x.caseId).sort()).toEqual([a.caseId, b.caseId].sort());
    // The supervisor lowers Alex's capacity while both offers are out.
    await o.profile(o.alex, { capacity: { webchat: 1 } });
    const results = await Promise.all(offers.map((x) => o.accept(x.id)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error).toBe('over_capacity');
    expect((await o.call('GET', `/api/v1/agents/${o.alex}`)).body.held).toEqual({ webchat: 1 });
    expect(await o.count('offer_accepted')).toBe(1);
  });
});

describe('transfers and notes', () => {
  async function heldCase(o: Org) {
    await o.presence(o.alex, 'available');
    const visitor = `v-t-${++seq}`;
    const chat = await o.chat(visitor, `${refill}, my date of birth is 07/21/1970`);
    const offer = (await openOffer(chat.caseId))!;
    expect((await o.accept(offer.id)).status).toBe(200);
    return { ...chat, visitor };
  }

  it('transfers to an agent with a handover note; the receiver sees it and the facts stay', async () => {
    const o = await newOrg();
    const chat = await heldCase(o);
    const factsBefore = (await o.call('GET', `/api/v1/cases/${chat.caseId}/context`)).body.facts;
    expect(factsBefore.map((f: { name: string }) => f.name)).toContain('birthDate');
    await o.presence(o.jordan, 'available');
    await o.presence(o.sam, 'available');
    const res = await o.call('POST', `/api/v1/cases/${chat.caseId}/transfer`, { toStaffId: o.jordan, note: 'Needs the 10 mg dose checked with the pharmacist', staffId: o.alex });
    expect(res.status).toBe(200);
    expect(res.body.offer).toMatchObject({ staffId: o.jordan, reason: 'transfer' });
    expect(res.body.note).toMatchObject({ kind: 'handover', staffId: o.alex, toStaffId: o.jordan });
    const [offer] = await o.offers(o.jordan);
    expect(offer.case.handover).toMatchObject({ body: 'Needs the 10 mg dose checked with the pharmacist', staffId: o.alex });
    expect((await o.accept(offer.id, o.jordan)).status).toBe(200);
    expect(await o.caseRow(chat.caseId)).toMatchObject({ owner_id: o.jordan, queue_state: 'assigned' });
    expect((await o.call('GET', `/api/v1/cases/${chat.caseId}/context`)).body.facts).toEqual(factsBefore);
    expect((await o.events(chat.caseId, 'case_transferred'))[0]!.data).toMatchObject({ fromAgentId: o.alex, toAgentId: o.jordan, noteId: res.body.note.id });
    expect((await o.events(chat.caseId, 'transfer'))[0]!.data).toMatchObject({ to: 'agent', channel: 'webchat' });
    expect((await o.call('GET', `/api/v1/agents/${o.alex}`)).body.held).toEqual({});
    const inbox = await o.call('GET', `/api/v1/agents/${o.jordan}/inbox`);
    expect(inbox.body.assigned[0]).toMatchObject({ caseId: chat.caseId, handover: { body: 'Needs the 10 mg dose checked with the pharmacist' } });
  });

  it('transfers to a department queue, which keeps the case even when the next message names another type', async () => {
    const o = await newOrg();
    const chat = await heldCase(o);
    const billing = await o.dept('billing');
    // Alex serves every department but handed the case over: the queue offers it to someone else.
    await o.presence(o.jordan, 'available');
    const res = await o.call('POST', `/api/v1/cases/${chat.caseId}/transfer`, { toDepartmentId: billing, note: 'Copay question, not a refill' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ departmentId: billing, offer: { staffId: o.jordan, reason: 'queue' } });
    expect(await o.caseRow(chat.caseId)).toMatchObject({ department_id: billing, queue_state: 'queued', owner_id: null });
    expect((await o.events(chat.caseId, 'transfer'))[0]!.data).toMatchObject({ to: 'department', fromAgentId: o.alex });
    await o.chat(chat.visitor, 'Also I still need the lisinopril refill');
    expect((await o.caseRow(chat.caseId)).department_id).toBe(billing);
  });

  it('refuses a transfer that cannot happen, and changes nothing', async () => {
    const o = await newOrg();
    const chat = await heldCase(o);
    const before = await o.count('case_transferred');
    const away = await o.call('POST', `/api/v1/cases/${chat.caseId}/transfer`, { toStaffId: o.jordan, note: 'over to you' });
    expect(away.status).toBe(409);
    expect(away.body.error).toBe('agent_unavailable');
    const self = await o.call('POST', `/api/v1/cases/${chat.caseId}/transfer`, { toStaffId: o.alex, note: 'over to you' });
    expect(self.body.error).toBe('already_holds_case');
    const both = await o.call('POST', `/api/v1/cases/${chat.caseId}/transfer`, { toStaffId: o.jordan, toDepartmentId: await o.dept('billing'), note: 'x' });
    expect(both.status).toBe(400);
    const noNote = await o.call('POST', `/api/v1/cases/${chat.caseId}/transfer`, { toDepartmentId: await o.dept('billing'), note: '   ' });
    expect(noNote.status).toBe(400);
    const elsewhere = await newOrg();
    const foreign = await o.call('POST', `/api/v1/cases/${chat.caseId}/transfer`, { toDepartmentId: await elsewhere.dept('billing'), note: 'x' });
    expect(foreign.status).toBe(404);
    const notMine = await elsewhere.call('POST', `/api/v1/cases/${chat.caseId}/transfer`, { toDepartmentId: await elsewhere.dept('billing'), note: 'x' });
    expect(notMine.status).toBe(404);
    await o.call('POST', `/api/v1/cases/${chat.caseId}/resolve`, {});
    const resolved = await o.call('POST', `/api/v1/cases/${chat.caseId}/transfer`, { toDepartmentId: await o.dept('billing'), note: 'x' });
    expect(resolved.status).toBe(409);
    expect(await o.count('case_transferred')).toBe(before);
    expect(await o.count('case_note_added')).toBe(0);
  });

  it('keeps internal notes on the case, away from the patient thread', async () => {
    const o = await newOrg();
    const chat = await heldCase(o);
    const [before] = await rows<{ n: number }>(sql`select count(*)::int as n from messages where case_id = ${chat.caseId}`);
    const note = await o.call('POST', `/api/v1/cases/${chat.caseId}/notes`, { body: 'Patient prefers a call after 5 pm', staffId: o.alex });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ kind: 'note', staffId: o.alex, body: 'Patient prefers a call after 5 pm' });
    const list = await o.call('GET', `/api/v1/cases/${chat.caseId}/notes`);
    expect(list.body.map((n: { body: string }) => n.body)).toEqual(['Patient prefers a call after 5 pm']);
    const [after] = await rows<{ n: number }>(sql`select count(*)::int as n from messages where case_id = ${chat.caseId}`);
    expect(after!.n).toBe(before!.n);
    const [logged] = await o.events(chat.caseId, 'case_note_added');
    expect(logged!.data).toEqual({ noteId: note.body.id, kind: 'note', staffId: o.alex, length: 33 });
    expect((await o.call('POST', `/api/v1/cases/${chat.caseId}/notes`, { body: '' })).status).toBe(400);
    expect((await o.call('POST', `/api/v1/cases/00000000-0000-4000-8000-000000000000/notes`, { body: 'x' })).status).toBe(404);
    expect((await o.call('GET', `/api/v1/cases/00000000-0000-4000-8000-000000000000/notes`)).status).toBe(404);
  });
});

describe('supervisor view and rules', () => {
  it('shows per queue what waits, the longest wait, agents available and cases breaching the target', async () => {
    const o = await newOrg();
    const pharmacy = await o.dept('pharmacy');
    await o.call('PUT', `/api/v1/routing/rules/${pharmacy}`, { waitTargetSeconds: 100 });
    const first = await o.chat('v-s1', refill);
    tick(60);
    const second = await o.chat('v-s2', refill);
    tick(140);
    await o.chat('v-s3', refill);
    tick(50);
    await o.presence(o.jordan, 'away');
    const view = await o.call('GET', '/api/v1/queues');
    expect(view.status).toBe(200);
    const q = view.body.queues.find((x: any) => x.department?.id === pharmacy);
    expect(q).toMatchObject({
      waiting: 3,
      offered: 0,
      longestWaitSeconds: 250,
      waitTargetSeconds: 100,
      breachingCount: 2,
      breaching: [
        { caseId: first.caseId, waitSeconds: 250 },
        { caseId: second.caseId, waitSeconds: 190 },
      ],
      agentsAvailable: 0,
      agentsAway: 1,
      agentsServing: 3,
    });
    expect(view.body.queues.find((x: any) => x.department?.slug === 'billing')).toMatchObject({ waiting: 0, longestWaitSeconds: 0 });

    await o.presence(o.alex, 'available');
    const after = (await o.call('GET', '/api/v1/queues')).body.queues.find((x: any) => x.department?.id === pharmacy);
    expect(after).toMatchObject({ waiting: 3, offered: 3, agentsAvailable: 1 });
    expect(after.cases[0]).toMatchObject({ caseId: first.caseId, offeredTo: o.alex, breaching: true });
    const agents = (await o.call('GET', '/api/v1/agents')).body;
    expect(agents.map((a: any) => a.name)).toEqual(['Alex Rivera', 'Jordan Lee', 'Sam Okafor']);
    expect(agents[0]).toMatchObject({ presence: 'available', offered: { webchat: 3 }, held: {}, free: { webchat: 0 } });
    expect(agents[1]).toMatchObject({ presence: 'away' });
    expect(agents[2]).toMatchObject({ presence: 'offline', configured: false });
  });

  it('reads and changes routing rules, recording the change', async () => {
    const o = await newOrg();
    const billing = await o.dept('billing');
    const before = await o.call('GET', `/api/v1/routing/rules/${billing}`);
    expect(before.body).toMatchObject({ departmentId: billing, isDefault: true, sameAgentOfferSeconds: 30, offerSeconds: 30, waitTargetSeconds: 120, matchLanguage: true });
    const put = await o.call('PUT', `/api/v1/routing/rules/${billing}`, { sameAgentOfferSeconds: 45, requiredSkills: ['billing-certified'] });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ isDefault: false, sameAgentOfferSeconds: 45, offerSeconds: 30, requiredSkills: ['billing-certified'] });
    const all = await o.call('GET', '/api/v1/routing/rules');
    expect(all.body).toHaveLength(6);
    const [changed] = await rows<{ data: any }>(sql`select data from events where organization_id = ${o.id} and kind = 'routing_rule_changed'`);
    expect(changed!.data).toEqual({
      departmentId: billing,
      changed: ['requiredSkills', 'sameAgentOfferSeconds'],
      before: { requiredSkills: [], sameAgentOfferSeconds: 30 },
      after: { requiredSkills: ['billing-certified'], sameAgentOfferSeconds: 45 },
    });

    // A billing case now needs the skill.
    await o.presence(o.alex, 'available');
    const bill = await o.chat('v-bill', 'I have a question about my bill');
    expect(await openOffer(bill.caseId)).toBeNull();
    await o.profile(o.alex, { skills: ['billing-certified'] });
    expect((await openOffer(bill.caseId))?.staff_id).toBe(o.alex);
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  it('refuses bad presence, profile, rule, offer and agent requests', async () => {
    const o = await newOrg();
    const other = await newOrg();
    const pharmacy = await o.dept('pharmacy');
    const events = async () => (await rows<{ n: number }>(sql`select count(*)::int as n from events where organization_id = ${o.id}`))[0]!.n;
    const before = await events();
    const expectError = (res: Res, status: number, error?: string) => {
      expect(res.status).toBe(status);
      expect(typeof res.body.message).toBe('string');
      if (error) expect(res.body.error).toBe(error);
    };
    expectError(await o.presence(o.alex, 'sleeping'), 400, 'invalid_request');
    expectError(await o.call('PUT', `/api/v1/agents/${o.alex}/presence`, { presence: 'available', extra: 1 }), 400);
    expectError(await o.presence('not-a-uuid', 'available'), 400);
    expectError(await o.presence(other.alex, 'available'), 404, 'unknown_staff');
    expectError(await o.profile(o.alex, { capacity: { webchat: -1 } }), 400);
    expectError(await o.profile(o.alex, { capacity: { fax: 2 } }), 400);
    expectError(await o.profile(o.alex, { languages: ['spanish'] }), 400);
    expectError(await o.profile(o.alex, { skills: ['Not A Tag'] }), 400);
    expectError(await o.profile(o.alex, { departmentIds: [await other.dept('billing')] }), 422, 'unknown_department');
    expectError(await o.call('PUT', `/api/v1/routing/rules/${pharmacy}`, { offerSeconds: 1 }), 400);
    expectError(await o.call('PUT', `/api/v1/routing/rules/${pharmacy}`, { priority: 5 }), 400);
    expectError(await o.call('PUT', `/api/v1/routing/rules/${await other.dept('pharmacy')}`, { offerSeconds: 60 }), 404, 'unknown_department');
    expectError(await o.call('GET', `/api/v1/routing/rules/00000000-0000-4000-8000-000000000000`), 404);
    expectError(await o.accept('00000000-0000-4000-8000-000000000000'), 404, 'unknown_offer');
    expectError(await o.call('GET', `/api/v1/agents/${other.alex}/offers`), 404);
    expectError(await o.call('GET', `/api/v1/agents/${other.alex}/inbox`), 404);
    expectError(await o.call('GET', `/api/v1/agents/${o.alex}/offers?status=maybe`), 400);
    expect(await events()).toBe(before);

    // An offer answered by the wrong agent, declined with a free-text reason, or from another organisation.
    await o.presence(o.alex, 'available');
    const chat = await o.chat('v-bad', refill);
    const offer = (await openOffer(chat.caseId))!;
    const withOffer = await events();
    expectError(await o.accept(offer.id, o.jordan), 403, 'not_your_offer');
    expectError(await o.decline(offer.id, { reason: 'I do not like this patient' }), 400);
    expectError(await other.accept(offer.id), 404, 'unknown_offer');
    expect(await events()).toBe(withOffer);
    expect(await openOffer(chat.caseId)).toMatchObject({ id: offer.id });
    const unauthenticated = await h.app.inject({ method: 'GET', url: '/api/v1/queues' });
    expect(unauthenticated.statusCode).toBe(401);
  });
});

describe('the timer', () => {
  it('times out lapsed offers and re-offers; a resolve elsewhere frees the seat for the next waiting case', async () => {
    const o = await newOrg();
    await o.profile(o.alex, { capacity: { webchat: 1 } });
    await o.presence(o.alex, 'available');
    const a = await o.chat('v-j1', refill);
    const b = await o.chat('v-j2', refill);
    const offer = (await openOffer(a.caseId))!;
    expect((await o.accept(offer.id)).status).toBe(200);
    expect(await openOffer(b.caseId)).toBeNull();

    const errors: unknown[] = [];
    const jobs = startRoutingJobs(h.services, { intervalMs: 20, sweepEveryMs: 60_000, onError: (err) => errors.push(err) });
    try {
      // The existing resolve endpoint knows nothing of routing: the NOTIFY of its commit does.
      expect((await o.call('POST', `/api/v1/cases/${a.caseId}/resolve`, { staffId: o.alex })).status).toBe(200);
      const deadline = Date.now() + 10_000;
      while (!(await openOffer(b.caseId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect((await openOffer(b.caseId))?.staff_id).toBe(o.alex);
    } finally {
      await jobs.stop();
    }
    expect(errors).toEqual([]);
    // runOnce uses the clock it is given.
    const again = startRoutingJobs(h.services, { intervalMs: 60_000, listen: false });
    await again.stop();
    tick(31);
    expect((await again.runOnce()).offersTimedOut).toBeGreaterThanOrEqual(1);
    expect((await o.events(b.caseId, 'offer_timed_out'))).toHaveLength(1);
  });

  it('adopts cases queued before routing kept its own state', async () => {
    const o = await newOrg();
    const chat = await o.chat('v-legacy', refill);
    // What routing v1 left behind: a queued case and nothing else.
    await h.database.db.execute(sql`delete from case_routing where case_id = ${chat.caseId}`);
    const pharmacy = async () => (await o.call('GET', '/api/v1/queues')).body.queues.find((q: any) => q.department?.slug === 'pharmacy');
    expect((await pharmacy()).waiting).toBe(0);
    expect(await adoptQueuedCases(h.services)).toBeGreaterThanOrEqual(1);
    expect(await adoptQueuedCases(h.services)).toBe(0);
    expect((await pharmacy()).waiting).toBe(1);
    await o.presence(o.alex, 'available');
    const offer = (await openOffer(chat.caseId))!;
    expect(offer.staff_id).toBe(o.alex);
    // An accept needs no body.
    const bare = await h.app.inject({ method: 'POST', url: `/api/v1/offers/${offer.id}/accept`, headers: { authorization: o.authorization } });
    expect(bare.statusCode).toBe(200);
  });

  it.skipIf(!usingPostgres)(`is safe with two timers racing${racesOnlyOnPostgres}`, async () => {
    const o = await newOrg();
    await o.presence(o.alex, 'available');
    await o.presence(o.jordan, 'available');
    const chats = [];
    for (let i = 0; i < 4; i++) chats.push(await o.chat(`v-race-${i}`, refill));
    tick(31);
    await Promise.all([runRoutingJobs(h.services), runRoutingJobs(h.services)]);
    expect(await o.count('offer_timed_out')).toBe(4);
    // Each case went on to exactly one other agent.
    const open = await rows<{ case_id: string }>(sql`select case_id from routing_offers where organization_id = ${o.id} and status = 'offered'`);
    expect(open.map((r) => r.case_id).sort()).toEqual(chats.map((c) => c.caseId).sort());
  });
});
