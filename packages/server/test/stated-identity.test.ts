// Identity from what a caller says: a contact from an address nobody has used before, who
// states a name and date of birth, is matched to their own record (at `claimed`, never more),
// or sent to the match review queue when that cannot be told for sure.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createHarness, type Harness } from './helpers/harness.ts';
import { queryRows } from './helpers/sql.ts';
import { contactRouteFor } from '../src/scheduling/contact.ts';
import { getPatient } from '../src/store/patients.ts';

let h: Harness;
let seq = 0;
const T0 = Date.parse('2026-11-02T14:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function event(body: Record<string, unknown>) {
  return h.post('/api/v1/channel-events', { idempotencyKey: `stated-${++seq}`, direction: 'inbound', kind: 'message', ...body });
}
const phone = (value: string) => ({ kind: 'phone', value });

async function register(p: { givenName: string; familyName: string; birthDate: string; phone?: string }): Promise<string> {
  const res = await h.post('/api/v1/patients', {
    givenName: p.givenName,
    familyName: p.familyName,
    birthDate: p.birthDate,
    identifiers: p.phone ? [{ kind: 'phone', value: p.phone }] : [],
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function activePatients(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(h.database, sql`select count(*)::int as n from patients where organization_id = ${h.organizationId} and status = 'active'`);
  return row!.n;
}

interface Identity {
  patientId: string;
  kind: string;
  value: string;
  assurance: string;
  verified: boolean;
}
async function identitiesOf(patientId: string): Promise<Identity[]> {
  return (await h.get(`/api/v1/patients/${patientId}`)).body.identifiers as Identity[];
}

async function reviewsFor(patientId: string): Promise<Array<{ candidateId: string; status: string; detail: { reason: string } }>> {
  const queue = await h.get('/api/v1/match-reviews');
  return queue.body.filter((r: { patientId: string }) => r.patientId === patientId);
}

async function auditRows(interactionId: string) {
  return queryRows<{ resource_type: string; patient_id: string; detail: Record<string, unknown> }>(
    h.database,
    sql`select resource_type, patient_id, detail from audit_log where organization_id = ${h.organizationId} and resource_id = ${interactionId} order by seq`,
  );
}

beforeAll(async () => {
  h = await createHarness({ patients: 0 });
});
afterAll(async () => {
  await h?.close();
});

describe('a caller from a new number names themselves', () => {
  let maria: string;
  let namesake: string;

  beforeAll(async () => {
    maria = await register({ givenName: 'Maria', familyName: 'Lopez', birthDate: '1961-03-14', phone: '+12125550123' });
    // Same name, another birth date: must never be chosen.
    namesake = await register({ givenName: 'Maria', familyName: 'Lopez', birthDate: '1975-08-02', phone: '+12125550124' });
  });

  it('on a call, across two utterances, links the number to her record at claimed and creates nobody', async () => {
    const before = await activePatients();
    const call = { channel: 'voice', from: phone('+13475550101'), conversationRef: 'CA-stated-1' };
    // The date of birth said in words is read (the assistant's extractor, on every channel):
    // name and date of birth in one utterance link the number to her record at once.
    const named = await event({ ...call, text: 'Hi, this is Maria Lopez, born March fourteenth nineteen sixty one, I need a refill', occurredAt: at(0) });
    expect(named.status).toBe(201);
    expect(named.body.facts).toEqual(expect.arrayContaining(['givenName', 'familyName', 'birthDate']));
    expect(named.body.patientId).toBe(maria);
    expect(named.body.assurance).toBe('claimed');

    const dob = await event({ ...call, text: 'My date of birth is 03/14/1961', occurredAt: at(1) });
    expect(dob.body.patientId).toBe(maria);
    expect(dob.body.assurance).toBe('claimed');
    // Nobody was created for the bare number: no provisional record to fold in.
    expect(await activePatients()).toBe(before);

    const link = (await identitiesOf(maria)).find((i) => i.value === '+13475550101');
    expect(link).toMatchObject({ kind: 'phone', assurance: 'claimed', verified: false });
    expect((await identitiesOf(namesake)).map((i) => i.value)).toEqual(['+12125550124']);
    const card = await h.get(`/api/v1/cases/${dob.body.caseId}/context`);
    expect(card.body.patient.id).toBe(maria);

    // Saying it again adds nothing a stranger could not say: still claimed.
    const again = await event({ ...call, text: 'Maria Lopez, March 14, 1961', occurredAt: at(2) });
    expect(again.body.assurance).toBe('claimed');

    const audit = await auditRows(dob.body.interactionId);
    const linked = audit.find((r) => r.resource_type === 'identity_link');
    expect(linked).toMatchObject({ patient_id: maria, detail: { outcome: 'linked', assurance: 'claimed', basis: 'stated_name_and_birth_date' } });
    const logged = JSON.stringify(audit);
    for (const phi of ['Maria', 'Lopez', '1961', '3475550101']) expect(logged).not.toContain(phi);
  });

  it('a later text from that number is recognised at claimed, never matched', async () => {
    const res = await event({ channel: 'sms', from: phone('+13475550101'), text: 'Is my refill ready?', occurredAt: at(24 * 60) });
    expect(res.body.patientId).toBe(maria);
    expect(res.body.assurance).toBe('claimed');
    const incoming = await h.get(`/api/v1/context?kind=phone&address=${encodeURIComponent('+13475550101')}`);
    expect(incoming.body).toMatchObject({ patient: { id: maria }, assurance: 'claimed' });
  });

  it('by SMS in Spanish, in one message, links the new number to her and not to the namesake', async () => {
    const before = await activePatients();
    // "del sesenta y uno" in words is not read yet either; the numeric date is.
    const res = await event({ channel: 'sms', from: phone('+13475550102'), text: 'Hola, habla María López, nací el 14 de marzo de 1961', occurredAt: at(30) });
    expect(res.body.patientId).toBe(maria);
    expect(res.body.assurance).toBe('claimed');
    expect(await activePatients()).toBe(before);
    expect((await identitiesOf(maria)).find((i) => i.value === '+13475550102')).toMatchObject({ assurance: 'claimed', verified: false });
    expect(await reviewsFor(res.body.patientId)).toEqual([]);
  });

  it('from a new chat visitor, links the visitor at claimed', async () => {
    const visitor = { kind: 'chat_visitor', value: 'visitor-stated-1' };
    const res = await event({ channel: 'webchat', from: visitor, conversationRef: 'chat-stated-1', text: 'I am Maria Lopez, born 03/14/1961, about my bill', occurredAt: at(40) });
    expect(res.body.patientId).toBe(maria);
    expect(res.body.assurance).toBe('claimed');
    expect((await identitiesOf(maria)).find((i) => i.value === 'visitor-stated-1')).toMatchObject({ kind: 'chat_visitor', assurance: 'claimed' });
  });
});

describe('unprompted messages', () => {
  it('never go to an address linked only by a claim', async () => {
    const nadia = await register({ givenName: 'Nadia', familyName: 'Rahman', birthDate: '1966-12-05' });
    const res = await event({ channel: 'sms', from: phone('+13475550177'), text: 'This is Nadia Rahman, born 12/05/1966', occurredAt: at(50) });
    expect(res.body.patientId).toBe(nadia);
    const row = (await getPatient(h.database.db, h.organizationId, nadia))!;
    expect(await contactRouteFor(h.database.db, h.organizationId, row, { hasCase: false })).toBeNull();
  });
});

describe('near-namesakes', () => {
  it('tells Catherine from Kathryn with the same birth date by the name said', async () => {
    const catherine = await register({ givenName: 'Catherine', familyName: 'Whitfield', birthDate: '1980-02-09', phone: '+16175550130' });
    const kathryn = await register({ givenName: 'Kathryn', familyName: 'Whitfield', birthDate: '1980-02-09', phone: '+16175550131' });
    await register({ givenName: 'Catherine', familyName: 'Whitfield', birthDate: '1992-11-23', phone: '+16175550132' });
    const res = await event({ channel: 'sms', from: phone('+16175550139'), text: 'This is Catherine Whitfield, born 02/09/1980', occurredAt: at(100) });
    expect(res.body.patientId).toBe(catherine);
    expect(res.body.assurance).toBe('claimed');
    expect((await identitiesOf(kathryn)).map((i) => i.value)).toEqual(['+16175550131']);
  });
});

describe('when the caller cannot be told apart', () => {
  it('two patients who fit exactly: nothing is linked, both go to the review queue', async () => {
    const first = await register({ givenName: 'Jordan', familyName: 'Ellis', birthDate: '1985-06-01', phone: '+17185550141' });
    const second = await register({ givenName: 'Jordan', familyName: 'Ellis', birthDate: '1985-06-01', phone: '+17185550142' });
    const before = await activePatients();
    const res = await event({ channel: 'voice', from: phone('+17185550149'), conversationRef: 'CA-stated-2', text: 'This is Jordan Ellis, born June 1, 1985', occurredAt: at(200) });
    const own = res.body.patientId as string;
    expect([first, second]).not.toContain(own);
    expect(res.body.assurance).toBe('claimed');
    // The contact keeps the record made from its number: no further patient is created.
    expect(await activePatients()).toBe(before + 1);
    for (const p of [first, second]) expect((await identitiesOf(p)).map((i) => i.value)).not.toContain('+17185550149');
    const reviews = await reviewsFor(own);
    expect(reviews.map((r) => r.candidateId).sort()).toEqual([first, second].sort());
    for (const r of reviews) expect(r).toMatchObject({ status: 'open', detail: { reason: 'several_fit' } });
    const audit = await auditRows(res.body.interactionId);
    expect(audit.find((r) => r.resource_type === 'match_review')).toMatchObject({ patient_id: own, detail: { outcome: 'review', candidates: 2 } });
  });

  it('a weak fit (a birth date one digit off): nothing is linked, the candidate goes to review', async () => {
    const samuel = await register({ givenName: 'Samuel', familyName: 'Okafor', birthDate: '1972-10-20', phone: '+13125550151' });
    const res = await event({ channel: 'sms', from: phone('+13125550159'), text: 'This is Samuel Okafor, born 10/21/1972', occurredAt: at(300) });
    expect(res.body.patientId).not.toBe(samuel);
    expect(res.body.assurance).toBe('claimed');
    expect((await identitiesOf(samuel)).map((i) => i.value)).toEqual(['+13125550151']);
    const reviews = await reviewsFor(res.body.patientId);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ candidateId: samuel, detail: { reason: 'weak_fit' } });
  });

  it('only the name, no birth date: nothing is decided yet', async () => {
    await register({ givenName: 'Imani', familyName: 'Carter', birthDate: '1969-04-12' });
    const res = await event({ channel: 'sms', from: phone('+13125550169'), text: 'This is Imani Carter', occurredAt: at(400) });
    expect(await reviewsFor(res.body.patientId)).toEqual([]);
    const p = await h.get(`/api/v1/patients/${res.body.patientId}`);
    expect(p.body).toMatchObject({ givenName: null, birthDate: null });
  });
});
