import { beforeAll, describe, expect, it } from 'vitest';
import {
  createUnderstanding,
  decide,
  DEFAULT_CRISIS_GUIDANCE,
  DEFAULT_EMERGENCY_GUIDANCE,
  DEFAULT_POISON_GUIDANCE,
  initialDialogueState,
  isPrimaryCareDepartment,
  preferencesFrom,
  visitCuesFrom,
  type DialogueInput,
  type MessageUnderstanding,
  type UnderstandingEngine,
} from '../src/index.ts';

// Bookings that fit the request. A fixed clock: Wednesday 2 December 2026, 9:00 in New York.
const REF = { referenceTime: '2026-12-02T14:00:00Z', timeZone: 'America/New_York' };
const TODAY = '2026-12-02';
const settings = { orgName: 'Demo Clinic', emergencyGuidance: DEFAULT_EMERGENCY_GUIDANCE, crisisGuidance: DEFAULT_CRISIS_GUIDANCE, poisonGuidance: DEFAULT_POISON_GUIDANCE };
const directory = {
  providers: [
    { id: 'p-ferrando', name: 'Dr. Lucía Ferrando' },
    { id: 'p-castellanos', name: 'Dr. Owen Castellanos' },
  ],
  departments: [
    { id: 'd-primary', name: 'Primary care' },
    { id: 'd-derm', name: 'Dermatology' },
    { id: 'd-cardio', name: 'Cardiology' },
  ],
};

let engine: UnderstandingEngine;
beforeAll(async () => {
  engine = await createUnderstanding();
});

async function turn(text: string, over: Partial<DialogueInput> = {}) {
  const message = await engine.understand(text, { ...REF, ...directory });
  return decide({ message, state: initialDialogueState(), facts: { reason: 'follow-up' }, assurance: 'verified', channel: 'sms', settings, today: TODAY, ...over });
}

describe('stated days are the days searched', () => {
  it('"Tuesday the 15th to the afternoon" keeps the day and the part of the day', async () => {
    const en = await engine.understand('Can you move me to Tuesday the 15th, in the afternoon?', REF);
    expect(preferencesFrom(en.entities, en.text)).toMatchObject({ earliestDate: '2026-12-15', latestDate: '2026-12-15', partsOfDay: ['afternoon'] });
    const moved = await engine.understand('move Tuesday the 15th to the afternoon', REF);
    expect(preferencesFrom(moved.entities, moved.text)).toMatchObject({ earliestDate: '2026-12-15', latestDate: '2026-12-15', partsOfDay: ['afternoon'] });
    const es = await engine.understand('¿Me la pueden pasar al martes 15 por la tarde?', { ...REF, language: 'es' });
    expect(preferencesFrom(es.entities, es.text)).toMatchObject({ earliestDate: '2026-12-15', latestDate: '2026-12-15', partsOfDay: ['afternoon'] });
  });



  it('a past day is questioned in the patient\'s language, and no slots are looked for', async () => {
    const en = await turn('I want to book an appointment for Tuesday the 1st');
    expect(en.actions.some((a) => a.kind === 'effect')).toBe(false);
    expect(en.actions.map((a) => (a as { text?: string }).text).join(' ')).toMatch(/Tuesday, December 1 has already passed\. Which day would you like instead\?/);
    expect(en.state.preferences.earliestDate).toBeUndefined();
    const es = await turn('Necesito una cita el martes 1 por la mañana', { patientLanguage: 'es' });
    expect(es.actions.some((a) => a.kind === 'effect')).toBe(false);
    expect(es.actions.map((a) => (a as { text?: string }).text).join(' ')).toMatch(/martes, 1 de diciembre ya pasó/);
    // The next day said is searched.
    const again = await turn('el jueves 10', { state: es.state, patientLanguage: 'es' });
    expect(again.actions).toEqual([{ kind: 'effect', effect: { kind: 'find_slots', preferences: expect.objectContaining({ earliestDate: '2026-12-10', latestDate: '2026-12-10' }), excludeIds: [] } }]);
  });

  it('today is not past', async () => {
    const d = await turn('I want to book an appointment for today');
    expect(d.actions[0]).toMatchObject({ kind: 'effect', effect: { kind: 'find_slots', preferences: { earliestDate: TODAY } } });
  });
});

describe('the provider and the kind of visit are worked out before any offer', () => {
  it('"my family doctor", "mi médico de cabecera": the usual provider, in primary care', () => {
    expect(visitCuesFrom('I need to see my family doctor')).toEqual({ usual: true, primaryCare: true });
    expect(visitCuesFrom('Quiero una cita con mi médico de cabecera')).toEqual({ usual: true, primaryCare: true });
    expect(visitCuesFrom('cita con mi doctora de siempre')).toEqual({ usual: true, primaryCare: false });
    expect(visitCuesFrom('can I see a GP this week')).toEqual({ usual: false, primaryCare: true });
    expect(visitCuesFrom('necesito un médico de familia')).toEqual({ usual: false, primaryCare: true });
    expect(visitCuesFrom('I need an appointment next week')).toBeNull();
  });

  it('a specialty the organisation has no department for is flagged, never left to the primary-care default', async () => {
    expect(visitCuesFrom('I need to see a neurologist')).toMatchObject({ specialty: true });
    expect(visitCuesFrom('necesito cita con el oftalmólogo')).toMatchObject({ specialty: true });
    const other = await engine.understand('I need to book an appointment with a neurologist next week', { ...REF, ...directory });
    expect(preferencesFrom(other.entities, other.text)).toMatchObject({ otherSpecialty: true });
    const listed = await engine.understand('I need to book an appointment with a dermatologist next week', { ...REF, ...directory });
    expect(preferencesFrom(listed.entities, listed.text)).toMatchObject({ departmentId: 'd-derm' });
    expect(preferencesFrom(listed.entities, listed.text)?.otherSpecialty).toBeUndefined();
  });

  it('primary care in an organisation\'s own words', () => {
    for (const name of ['Primary care', 'Family Medicine', 'Medicina familiar', 'Atención primaria', 'Internal Medicine', 'General Practice']) expect(isPrimaryCareDepartment(name)).toBe(true);
    for (const name of ['Dermatology', 'Cardiología', 'Pediatrics', 'Nursing']) expect(isPrimaryCareDepartment(name)).toBe(false);
  });

  it('a named doctor, a specialty, the family doctor: each reaches the search (English and Spanish)', async () => {
    const named = await turn('Can I book with Dr. Castellanos next week?');
    expect(named.actions[0]).toMatchObject({ kind: 'effect', effect: { kind: 'find_slots', preferences: { providerId: 'p-castellanos' } } });
    const specialty = await turn('Necesito una cita con el dermatólogo la semana que viene', { patientLanguage: 'es' });
    expect(specialty.actions[0]).toMatchObject({ kind: 'effect', effect: { kind: 'find_slots', preferences: { departmentId: 'd-derm' } } });
    const family = await turn('Quiero una cita con mi médico de cabecera el martes 15', { patientLanguage: 'es' });
    expect(family.actions[0]).toMatchObject({ kind: 'effect', effect: { kind: 'find_slots', preferences: { usual: true, primaryCare: true, earliestDate: '2026-12-15' } } });
  });

  it('whom to see, once worked out, stays for "another day"; a new doctor or specialty replaces it as a whole', async () => {
    const d = await turn('I need to book a dermatology appointment next week');
    const offer = decide({
      message: {} as MessageUnderstanding,
      state: d.state,
      facts: { reason: 'rash' },
      assurance: 'verified',
      channel: 'sms',
      settings,
      today: TODAY,
      observation: { kind: 'slots', slots: [{ id: 's1', start: '2026-12-07T15:00:00Z', label: 'Mon, Dec 7, 10:00 AM with Dr. Owen Castellanos (Dermatology)' }], visit: { departmentId: 'd-derm', label: 'Dermatology' } },
    });
    expect((offer.actions[0] as { text: string }).text).toContain('1) Mon, Dec 7, 10:00 AM with Dr. Owen Castellanos (Dermatology)');
    const later = await turn('do you have anything on Thursday the 10th?', { state: offer.state });
    expect(later.actions[0]).toMatchObject({ kind: 'effect', effect: { kind: 'find_slots', preferences: { departmentId: 'd-derm', earliestDate: '2026-12-10' } } });
    const other = await turn('actually I would rather see Dr. Lucía Ferrando', { state: offer.state });
    const prefs = (other.actions[0] as unknown as { effect: { preferences: Record<string, unknown> } }).effect.preferences;
    expect(prefs.providerId).toBe('p-ferrando');
    expect(prefs.departmentId).toBeUndefined();
  });

  it('when whom to see cannot be worked out, the patient is asked, with the specialties named; the answer is searched', async () => {
    const d = await turn('I need an appointment next week');
    const asked = decide({
      message: {} as MessageUnderstanding,
      state: d.state,
      facts: { reason: 'follow-up' },
      assurance: 'verified',
      channel: 'sms',
      settings,
      today: TODAY,
      observation: { kind: 'slots', slots: [], visitOptions: ['Cardiology', 'Dermatology'] },
    });
    expect(asked.actions).toEqual([{ kind: 'say', text: "Which kind of visit is it (Cardiology or Dermatology)? Or tell me your doctor's name." }]);
    expect(asked.state.awaiting).toEqual({ kind: 'visit', options: ['Cardiology', 'Dermatology'] });
    const answer = await turn('cardiology', { state: asked.state });
    expect(answer.actions[0]).toMatchObject({ kind: 'effect', effect: { kind: 'find_slots', preferences: { departmentId: 'd-cardio' } } });
    const unclear = await turn('hmm not sure', { state: asked.state });
    expect(unclear.actions.map((a) => (a as { text?: string }).text).join(' ')).toMatch(/Which kind of visit is it \(Cardiology or Dermatology\)/);
    const es = decide({ ...asked, message: {} as MessageUnderstanding, state: { ...d.state, language: 'es' }, facts: {}, assurance: 'verified', channel: 'sms', settings, observation: { kind: 'slots', slots: [], visitOptions: ['Cardiología', 'Dermatología', 'Pediatría'] } });
    expect((es.actions[0] as { text: string }).text).toBe('¿Qué tipo de consulta necesita (Cardiología, Dermatología o Pediatría)? O dígame el nombre de su médico.');
  });

  it('a move stays with the doctor of the visit being moved', async () => {
    const d = await turn('I need to reschedule my appointment to Tuesday the 15th in the afternoon');
    expect(d.actions[0]).toMatchObject({ kind: 'effect', effect: { kind: 'find_appointment', days: ['2026-12-15'] } });
    const found = decide({
      message: {} as MessageUnderstanding,
      state: d.state,
      facts: {},
      assurance: 'verified',
      channel: 'sms',
      settings,
      today: TODAY,
      observation: { kind: 'appointment', appointment: { id: 'a1', label: 'Tue, Dec 15, 9:00 AM with Dr. Lucía Ferrando (Primary care)', providerId: 'p-ferrando', departmentId: 'd-primary' } },
    });
    expect(found.actions).toMatchObject([
      { kind: 'say', text: 'Your appointment is Tue, Dec 15, 9:00 AM with Dr. Lucía Ferrando (Primary care).' },
      { kind: 'effect', effect: { kind: 'find_slots', preferences: { providerId: 'p-ferrando', earliestDate: '2026-12-15', partsOfDay: ['afternoon'] } } },
    ]);
  });
});
