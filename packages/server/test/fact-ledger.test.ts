import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './helpers/harness.ts';

/**
 * One understanding, one ledger: the pipeline reads what patients say with the assistant's
 * extractor on every channel (here SMS with nobody but people answering), and a fact keeps
 * every value it was given; the reason shown on the card is the original request.
 */

let h: Harness;
let seq = 0;
const T0 = Date.parse('2026-03-02T15:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function sms(from: string, text: string, minutes: number) {
  return h.post('/api/v1/channel-events', {
    idempotencyKey: `fact-ledger-${++seq}`,
    direction: 'inbound',
    kind: 'message',
    channel: 'sms',
    from: { kind: 'phone', value: from },
    conversationRef: `sms-${from}`,
    text,
    occurredAt: at(minutes),
  });
}

beforeAll(async () => {
  h = await createHarness({ patients: 5, now: T0 + 60 * 60_000 });
});
afterAll(async () => {
  await h?.close();
});

describe('the ledger reads with the assistant extractor on every channel', () => {
  it('records a date of birth said in words, a pharmacy inside a request and a preferred time', async () => {
    const first = await sms('+12025550187', 'I need a refill of my atorvastatin, please send it to the Walgreens on Oak Avenue', 0);
    expect(first.status).toBe(201);
    expect(first.body.facts).toEqual(expect.arrayContaining(['reason', 'medication', 'pharmacy']));
    const second = await sms('+12025550187', 'my date of birth is july second nineteen seventy four', 1);
    expect(second.body.caseId).toBe(first.body.caseId);
    expect(second.body.facts).toContain('birthDate');
    const third = await sms('+12025550187', 'if someone calls, thursday afternoons are best for me', 2);
    expect(third.body.facts).toContain('preferredTime');

    const card = await h.get(`/api/v1/cases/${first.body.caseId}/context`);
    expect(card.status).toBe(200);
    const value = (name: string) => card.body.facts.find((f: { name: string }) => f.name === name)?.value;
    expect(value('birthDate')).toBe('1974-07-02');
    expect(value('pharmacy')).toBe('Walgreens, Oak Avenue');
    expect(value('medication')).toBe('atorvastatin');
    expect(value('preferredTime')).toBe('Thursday 2026-03-05, afternoon');
  });
});

describe('a fact keeps its history', () => {
  it('shows the original reason beside what the patient said later', async () => {
    const first = await sms('+12025550191', 'I need to reschedule my appointment with the cardiologist', 0);
    const caseId = first.body.caseId as string;
    const later = await sms('+12025550191', 'Can I talk to a real person', 5);
    expect(later.body.caseId).toBe(caseId);
    expect(later.body.facts).toContain('reason');

    const card = await h.get(`/api/v1/cases/${caseId}/context`);
    const reason = card.body.facts.find((f: { name: string }) => f.name === 'reason');
    expect(reason.value).toBe('I need to reschedule my appointment with the cardiologist');
    expect(reason.history.map((v: { value: string }) => v.value)).toEqual(['I need to reschedule my appointment with the cardiologist', 'Can I talk to a real person']);
    expect(reason.history.map((v: { original: boolean }) => v.original)).toEqual([true, false]);
    expect(reason.history[1]).toMatchObject({ source: 'extractor', sourceChannel: 'sms' });
    expect(Date.parse(reason.history[1].observedAt)).toBe(Date.parse(at(5)));
  });

  it('adds a new value for a restated fact instead of overwriting the first', async () => {
    const first = await sms('+12025550193', 'please send my refill to the CVS on Elm Street', 0);
    await sms('+12025550193', 'actually send it to the Rite Aid on Pine Road instead', 3);
    const card = await h.get(`/api/v1/cases/${first.body.caseId}/context`);
    const pharmacy = card.body.facts.find((f: { name: string }) => f.name === 'pharmacy');
    expect(pharmacy.value).toBe('Rite Aid, Pine Road');
    expect(pharmacy.history.map((v: { value: string; observedAt: string }) => [v.value, new Date(v.observedAt).toISOString()])).toEqual([
      ['CVS, Elm Street', at(0)],
      ['Rite Aid, Pine Road', at(3)],
    ]);
  });
});
