import { describe, expect, it } from 'vitest';
import { cannedValues, cannedVariablesIn, checkIdentityClaim, factsAskedIn, renderCanned } from '../src/index.ts';

describe('canned response variables', () => {
  it('fills known variables and leaves the rest visible, reported once', () => {
    const r = renderCanned('Hi {{patient.givenName}}, {{ agent.name }} here. {{patient.nickname}} {{appointment.start}} {{patient.nickname}}', {
      'patient.givenName': 'Maria',
      'agent.name': 'Alex',
    });
    expect(r.text).toBe('Hi Maria, Alex here. {{patient.nickname}} {{appointment.start}} {{patient.nickname}}');
    expect(r.missing).toEqual(['patient.nickname', 'appointment.start']);
  });

  it('never invents a value: empty strings count as missing', () => {
    expect(renderCanned('Hello {{patient.givenName}}', { 'patient.givenName': '  ' })).toEqual({ text: 'Hello {{patient.givenName}}', missing: ['patient.givenName'] });
  });

  it('formats request types and appointment times in the response language and the organisation zone', () => {
    const v = cannedValues({ language: 'es', timeZone: 'America/New_York', case: { requestType: 'prescription' }, appointment: { start: '2026-03-03T14:30:00Z' } });
    expect(v['case.requestType']).toBe('receta');
    expect(v['appointment.start']).toMatch(/martes.*3.*marzo.*9:30/);
    const en = cannedValues({ language: 'en', timeZone: 'America/New_York', appointment: { start: '2026-03-03T14:30:00Z' } });
    expect(en['appointment.start']).toMatch(/Tuesday, March 3.*9:30/);
  });

  it('lists the variables a body uses', () => {
    expect(cannedVariablesIn('{{a.b}} {{ c }} {{a.b}}')).toEqual(['a.b', 'c']);
  });
});

describe('facts asked in typed text', () => {
  const asks: Array<[string, 'en' | 'es', string[]]> = [
    ['Can you confirm your date of birth?', 'en', ['birthDate']],
    ["what's your DOB", 'en', ['birthDate']],
    ["What's the best number to reach you?", 'en', ['callbackNumber']],
    ['What medication do you need refilled?', 'en', ['medication']],
    ['Why are you calling today?', 'en', ['reason']],
    ['Could you give me your full name please', 'en', ['givenName', 'familyName']],
    ['Please confirm your last name and your email address.', 'en', ['familyName', 'email']],
    ['Which pharmacy should we send it to?', 'en', ['pharmacy']],
    ['What day works best for you?', 'en', ['preferredTime']],
    ['May I have your member ID?', 'en', ['memberId']],
    ['¿Cuál es su fecha de nacimiento?', 'es', ['birthDate']],
    ['¿Me puede dar su número de teléfono?', 'es', ['phone']],
    ['Por favor confirme su nombre completo', 'es', ['givenName', 'familyName']],
    ['¿Qué medicamento necesita?', 'es', ['medication']],
    ['¿Cuál es el motivo de su llamada?', 'es', ['reason']],
    ['¿A qué hora le conviene?', 'es', ['preferredTime']],
    ['I can see your date of birth on file, can you confirm your phone number?', 'en', ['phone']],
    // an agent switching language mid-conversation is still checked
    ['¿Cuál es su fecha de nacimiento?', 'en', ['birthDate']],
  ];
  it.each(asks)('%s → %j', (text, language, expected) => {
    expect(factsAskedIn(text, language)).toEqual(expected);
  });

  const statements: Array<[string, 'en' | 'es']> = [
    'We have your date of birth on file.',
    'Thanks, I have your date of birth.',
    'Your prescription was sent to your pharmacy.',
    'Do you also need a refill of your inhaler?',
    'How can I help you today?',
    'Your refill is on its way.',
    'Ya tenemos su fecha de nacimiento.',
    '¿En qué puedo ayudarle hoy?',
    'Le enviamos la receta a su farmacia.',
  ].map((t) => [t, /[¿áéíóúñ]|enviamos|tenemos/.test(t) ? 'es' : 'en']);
  it.each(statements)('not an ask: %s', (text, language) => {
    expect(factsAskedIn(text, language)).toEqual([]);
  });
});

describe('identity check', () => {
  const record = { givenName: 'José', familyName: 'García López', birthDate: '1961-03-14' };
  it('accepts the same person said differently', () => {
    expect(checkIdentityClaim(record, { givenName: 'jose', familyName: 'GARCIA LOPEZ', birthDate: '1961-03-14' })).toEqual({ verified: true });
    expect(checkIdentityClaim(record, { givenName: 'José', familyName: 'Garcia', birthDate: '1961-03-14' })).toEqual({ verified: true });
    expect(checkIdentityClaim({ ...record, familyName: "O'Neil" }, { givenName: 'Jose', familyName: 'Oneil', birthDate: '1961-03-14' })).toEqual({ verified: true });
  });
  it('refuses a different date of birth or name', () => {
    expect(checkIdentityClaim(record, { givenName: 'Jose', familyName: 'Garcia', birthDate: '1961-03-15' })).toEqual({ verified: false, reason: 'mismatch' });
    expect(checkIdentityClaim(record, { givenName: 'Josefa', familyName: 'Garcia', birthDate: '1961-03-14' })).toEqual({ verified: false, reason: 'mismatch' });
    expect(checkIdentityClaim(record, { givenName: 'Jose', familyName: 'Martinez', birthDate: '1961-03-14' })).toEqual({ verified: false, reason: 'mismatch' });
  });
  it('cannot verify against an incomplete record', () => {
    expect(checkIdentityClaim({ ...record, birthDate: null }, { givenName: 'Jose', familyName: 'Garcia', birthDate: '1961-03-14' })).toEqual({ verified: false, reason: 'record_incomplete' });
  });
});
