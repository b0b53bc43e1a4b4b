import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  continuationCodeFrom,
  codeEntryState,
  CONTINUATION_CODE_LENGTH,
  CONTINUATION_ORG_PAUSE_AFTER,
  CONTINUATION_ORG_WINDOW_MINUTES,
  continuationExpiry,
  currentFact,
  decideAsk,
  factHistory,
  decideThread,
  frictionMetrics,
  isAutomaticJoin,
  parseContinuationCode,
  signContinuationToken,
  verifyContinuationToken,
  type CaseCandidate,
  type KnownFact,
} from '../src/index.ts';

const now = new Date('2026-06-10T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

describe('decideThread', () => {
  const open = (id: string, requestType: CaseCandidate['requestType'], age: number): CaseCandidate => ({
    id,
    requestType,
    status: 'open',
    updatedAt: daysAgo(age),
    resolvedAt: null,
  });

  it('joins the open case of the same request type', () => {
    expect(decideThread([open('a', 'billing', 1), open('b', 'prescription', 1)], 'prescription', now)).toEqual({ join: 'open_case', caseId: 'b' });
  });

  it('opens a new case when the open case is outside the window', () => {
    expect(decideThread([open('a', 'billing', 30)], 'billing', now)).toEqual({ join: 'new_case', requestType: 'billing' });
  });

  it('treats a contact within 7 days of resolution as a recontact', () => {
    const resolved: CaseCandidate = { id: 'r', requestType: 'results', status: 'resolved', updatedAt: daysAgo(2), resolvedAt: daysAgo(2) };
    expect(decideThread([resolved], 'results', now)).toEqual({ join: 'recontact', caseId: 'r' });
    const old: CaseCandidate = { ...resolved, resolvedAt: daysAgo(8), updatedAt: daysAgo(8) };
    expect(decideThread([old], 'results', now)).toEqual({ join: 'new_case', requestType: 'results' });
  });

  it('lets an untyped contact continue the only open case, but not guess between several', () => {
    expect(decideThread([open('a', 'billing', 1)], null, now)).toEqual({ join: 'open_case', caseId: 'a' });
    expect(decideThread([open('a', 'billing', 1), open('b', 'records', 1)], null, now)).toEqual({ join: 'new_case', requestType: 'other' });
  });

  it('gives a typed contact the case that was opened before its type was known', () => {
    expect(decideThread([open('u', 'other', 0)], 'scheduling', now)).toEqual({ join: 'open_case', caseId: 'u' });
  });

  it('honours a configured window', () => {
    expect(decideThread([open('a', 'billing', 3)], 'billing', now, { openCaseWindowDays: 2, recontactWindowDays: 7 })).toEqual({
      join: 'new_case',
      requestType: 'billing',
    });
  });

  it('counts only automatic joins as seamless candidates', () => {
    expect(isAutomaticJoin('continuation')).toBe(true);
    expect(isAutomaticJoin('open_case')).toBe(true);
    expect(isAutomaticJoin('manual')).toBe(false);
    expect(isAutomaticJoin('new_case')).toBe(false);
  });
});

describe('facts ledger and asks', () => {
  const fact = (name: KnownFact['name'], value: string, age: number, extra: Partial<KnownFact> = {}): KnownFact => ({
    name,
    value,
    sourceInteractionId: 'i1',
    observedAt: daysAgo(age),
    verified: false,
    scope: 'case',
    ...extra,
  });

  it('refuses the assistant, shows a person, and counts a person who insists', () => {
    const facts = [fact('birthDate', '1961-03-14', 0)];
    expect(decideAsk(facts, 'birthDate', 'assistant', false, now)).toMatchObject({ outcome: 'refused' });
    expect(decideAsk(facts, 'birthDate', 'assistant', true, now)).toMatchObject({ outcome: 'refused' });
    expect(decideAsk(facts, 'birthDate', 'agent', false, now)).toMatchObject({ outcome: 'known' });
    expect(decideAsk(facts, 'birthDate', 'agent', true, now)).toMatchObject({ outcome: 'repeat_ask' });
    expect(decideAsk(facts, 'pharmacy', 'agent', true, now)).toEqual({ outcome: 'ask' });
  });

  it('lets stale facts be asked again', () => {
    expect(decideAsk([fact('preferredTime', 'mornings', 10)], 'preferredTime', 'assistant', false, now)).toEqual({ outcome: 'ask' });
    expect(decideAsk([fact('birthDate', '1961-03-14', 4000)], 'birthDate', 'assistant', false, now)).toMatchObject({ outcome: 'refused' });
  });

  it('prefers case facts, then verified, then newer', () => {
    const facts = [
      fact('pharmacy', 'Old Town', 1, { scope: 'patient' }),
      fact('pharmacy', 'Main Street', 2, { scope: 'case' }),
      fact('pharmacy', 'Harbor', 3, { scope: 'case', verified: true }),
    ];
    expect(currentFact(facts, 'pharmacy', now)?.value).toBe('Harbor');
  });

  it('keeps the original reason and adds later ones to its history', () => {
    const facts = [
      fact('reason', 'Can I talk to a real person', 1),
      fact('reason', 'I need to reschedule my appointment', 3),
      fact('pharmacy', 'Main Street', 3),
      fact('pharmacy', 'Harbor', 1),
    ];
    expect(currentFact(facts, 'reason', now)?.value).toBe('I need to reschedule my appointment');
    expect(factHistory(facts, 'reason').map((f) => f.value)).toEqual(['I need to reschedule my appointment', 'Can I talk to a real person']);
    // Other facts still take the newest statement.
    expect(currentFact(facts, 'pharmacy', now)?.value).toBe('Harbor');
  });

  it('never lets the assistant ask for a fresh known fact (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('givenName', 'familyName', 'birthDate', 'medication', 'pharmacy', 'reason') as fc.Arbitrary<KnownFact['name']>,
        fc.string({ minLength: 1 }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        (name, value, age, insist) => decideAsk([fact(name, value, age)], name, 'assistant', insist, now).outcome === 'refused',
      ),
    );
  });
});

describe('continuations', () => {
  it('makes 8-digit codes from random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => /^\d{8}$/.test(continuationCodeFrom(bytes))),
    );
  });

  it('bounds guessing per organisation: 10,000 guesses an hour from any caller IDs check at most 200 codes', () => {
    // One attempt every 0.36 s for three hours; a refusal for pace counts as a failure, a refusal while paused does not.
    const failures: number[] = [];
    const checkedPerHour = [0, 0, 0];
    for (let t = 0; t < 3 * 3600_000; t += 360) {
      const inWindow = failures.filter((f) => f > t - CONTINUATION_ORG_WINDOW_MINUTES * 60_000).length;
      const inLastMinute = failures.filter((f) => f > t - 60_000).length;
      const { refuse } = codeEntryState({ inWindow, inLastMinute });
      if (refuse === 'paused') continue;
      if (refuse === null) checkedPerHour[Math.floor(t / 3600_000)]! += 1;
      failures.push(t);
    }
    for (const checked of checkedPerHour) expect(checked).toBeLessThanOrEqual(CONTINUATION_ORG_PAUSE_AFTER);
    // With 20 live codes (docs/security.md), the chance of reaching any case in an hour:
    const worst = Math.max(...checkedPerHour);
    expect((worst * 20) / 10 ** CONTINUATION_CODE_LENGTH).toBeLessThan(1 / 10_000);
    // And the bound does not rest on the attacker's pace: 200 checked wrong codes fill the window.
    expect((CONTINUATION_ORG_PAUSE_AFTER * 20) / 10 ** CONTINUATION_CODE_LENGTH).toBeLessThan(1 / 10_000);
    expect(codeEntryState({ inWindow: 200, inLastMinute: 0 }).refuse).toBe('paused');
    expect(codeEntryState({ inWindow: 49, inLastMinute: 49 }).refuse).toBeNull();
    expect(codeEntryState({ inWindow: 50, inLastMinute: 10 }).refuse).toBe('busy');
  });

  it('reads codes from keypad and speech', () => {
    expect(parseContinuationCode('48291375#')).toBe('48291375');
    expect(parseContinuationCode('my code is 4829 1375')).toBe('48291375');
    expect(parseContinuationCode('482913')).toBeNull();
    expect(parseContinuationCode('12345')).toBeNull();
    expect(parseContinuationCode('call 5550100123')).toBeNull();
  });

  it('signs links and rejects tampering', () => {
    const token = signContinuationToken('abc-123', 's3cret');
    expect(verifyContinuationToken(token, 's3cret')).toBe('abc-123');
    expect(verifyContinuationToken(token, 'other')).toBeNull();
    expect(verifyContinuationToken(token.replace('abc', 'abd'), 's3cret')).toBeNull();
    expect(verifyContinuationToken('garbage', 's3cret')).toBeNull();
  });

  it('expires after 30 minutes', () => {
    expect(continuationExpiry(new Date('2026-01-01T10:00:00Z')).toISOString()).toBe('2026-01-01T10:30:00.000Z');
  });
});

describe('friction metrics', () => {
  it('computes rates and first-contact resolution', () => {
    const m = frictionMetrics(
      [
        { caseId: 'a', interactions: 2, channelSwitches: 1, seamlessSwitches: 1, repeatAsks: 0, recontacts: 0, resolvedAt: daysAgo(10) },
        { caseId: 'b', interactions: 3, channelSwitches: 2, seamlessSwitches: 0, repeatAsks: 2, recontacts: 1, resolvedAt: daysAgo(9) },
        { caseId: 'c', interactions: 1, channelSwitches: 0, seamlessSwitches: 0, repeatAsks: 0, recontacts: 0, resolvedAt: daysAgo(1) },
        { caseId: 'd', interactions: 1, channelSwitches: 0, seamlessSwitches: 0, repeatAsks: 0, recontacts: 0, resolvedAt: null },
      ],
      now,
    );
    expect(m).toMatchObject({
      cases: 4,
      contacts: 7,
      contactsPerCase: 1.75,
      channelSwitches: 3,
      seamlessSwitches: 1,
      channelSwitchRate: 0.5,
      seamlessSwitchRate: 0.3333,
      repeatAsks: 2,
      repeatAskRate: 0.25,
      recontacts: 1,
      resolved: 3,
      firstContactResolution: 0.5,
      firstContactResolutionPending: 1,
    });
  });

  it('is all zeros, not NaN, for no cases', () => {
    const m = frictionMetrics([], now);
    expect(Object.values(m).every((v) => v === 0)).toBe(true);
  });
});
