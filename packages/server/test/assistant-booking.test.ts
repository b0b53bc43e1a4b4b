import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createUnderstanding } from '@carethread/assistant';
import { createAssistant } from '../src/assistant/index.ts';
import { book, seedScheduling } from '../src/scheduling/index.ts';
import { queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// Bookings that fit the request: whom and which specialty are worked out before any offer, the
// offers name both, and the day the patient states is the day searched. A fixed clock:
// Wednesday 2 December 2026, 9:00 in New York.
const T0 = Date.parse('2026-12-02T14:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
let h: Harness;
let seq = 0;
let timeZone: string;

const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(h.database, q);

async function register(p: { givenName: string; familyName: string; birthDate: string; phone: string; language?: string }): Promise<string> {
  const res = await h.post('/api/v1/patients', { givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, ...(p.language ? { language: p.language } : {}), identifiers: [{ kind: 'phone', value: p.phone }] });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Books the patient's earliest free slot with the provider in [from, to): their history, or an upcoming visit. */
async function visitWith(patientId: string, provider: string, from: string, to: string, when: 'morning' | 'any' = 'any'): Promise<string> {
  const free = await rows<{ id: string; start: string }>(sql`
    select s.id, s.start::text as start from slots s join schedules sc on sc.id = s.schedule_id join providers p on p.id = sc.provider_id
    where p.name = ${provider} and s.status = 'free' and s.start >= ${from} and s.start < ${to} order by s.start`);
  const slot = free.find((s) => when === 'any' || Number(new Date(s.start).toLocaleString('en-US', { timeZone, hour: 'numeric', hour12: false })) < 12)!;
  expect(slot).toBeDefined();
  const a = await book(h.services, h.organizationId, { patientId, slotId: slot.id, source: 'staff', at: new Date(Date.parse(slot.start) - 86_400_000 * 3).toISOString() });
  return a.id;
}

/** Talks until the assistant offers slots (answering its questions as the patient would), then returns the offer. */
async function converse(phone: string, first: string, who: { givenName: string; familyName: string; birthDate: string }, minute: number): Promise<{ caseId: string; offer: string; minute: number }> {
  const sms = (text: string) => h.post('/api/v1/channel-events', { idempotencyKey: `bk-${++seq}`, direction: 'inbound', kind: 'message', channel: 'sms', from: { kind: 'phone', value: phone }, text, occurredAt: at(minute++) });
  let res = await sms(first);
  const caseId = res.body.caseId as string;
  for (let i = 0; i < 6; i++) {
    const said = (res.body.assistant?.replies ?? []).join(' ') as string;
    if (/1\) |already passed|ya pas|kind of visit|tipo de consulta|couldn't find|No encontr/.test(said)) return { caseId, offer: said, minute };
    const answer = /visit for|motivo/.test(said)
      ? 'follow-up'
      : /first name|su nombre/.test(said)
        ? who.givenName
        : /last name|apellido/.test(said)
          ? who.familyName
          : /date of birth|fecha de nacimiento/.test(said)
            ? who.birthDate
            : /day and time|d[ií]a y hora/.test(said)
              ? 'next week'
              : null;
    if (!answer) throw new Error(`unexpected reply: ${said}`);
    res = await sms(answer);
  }
  throw new Error('no offer');
}

const sms = (phone: string, text: string, minute: number) =>
  h.post('/api/v1/channel-events', { idempotencyKey: `bk-${++seq}`, direction: 'inbound', kind: 'message', channel: 'sms', from: { kind: 'phone', value: phone }, text, occurredAt: at(minute) });

/** The offered options of an SMS offer: "1) … 2) …". */
const options = (offer: string) => offer.split(/\s\d\)\s/).slice(1);

beforeAll(async () => {
  h = await createHarness({ patients: 5, now: T0 });
  // Slots from six weeks back (the patients' history) to four weeks ahead.
  await h.database.db.transaction((tx) => seedScheduling(tx, h.organizationId, { days: 70, from: new Date(T0 - 42 * 86_400_000), seed: 7 }));
  timeZone = (await rows<{ time_zone: string }>(sql`select time_zone from organizations where id = ${h.organizationId}`))[0]!.time_zone;
  h.services.assistant = createAssistant(await createUnderstanding());
});
afterAll(async () => {
  await h?.close();
});

describe('the assistant books the visit the patient asked for', () => {
  it('"mi médico de cabecera": the usual primary-care provider from past visits, named with the specialty; never the dermatologist also seen', async () => {
    const who = { givenName: 'Inés', familyName: 'Quintero', birthDate: '1971-04-09' };
    const phone = '+12125550171';
    const patientId = await register({ ...who, phone, language: 'es' });
    await visitWith(patientId, 'Dr. Lucía Ferrando', at(-40 * 1440), at(-30 * 1440));
    await visitWith(patientId, 'Dr. Lucía Ferrando', at(-20 * 1440), at(-10 * 1440));
    await visitWith(patientId, 'Dr. Owen Castellanos', at(-9 * 1440), at(-2 * 1440));
    const { caseId, offer, minute } = await converse(phone, 'Hola, quiero una cita con mi médico de cabecera la próxima semana', { ...who, birthDate: '9 de abril de 1971' }, 0);
    expect(options(offer).length).toBeGreaterThanOrEqual(2);
    for (const o of options(offer)) expect(o).toMatch(/con Dr\. Lucía Ferrando \(Primary care\)/);
    expect(offer).not.toMatch(/Dermatology|Castellanos/);
    const pick = await sms(phone, '1', minute);
    expect(pick.body.assistant.replies.join(' ')).toMatch(/Su cita quedó reservada: .*Dr\. Lucía Ferrando \(Primary care\)/);
    const [appt] = await rows<{ provider: string; department: string }>(sql`
      select p.name as provider, d.name as department from appointments a join providers p on p.id = a.provider_id join departments d on d.id = p.department_id where a.case_id = ${caseId}`);
    expect(appt).toEqual({ provider: 'Dr. Lucía Ferrando', department: 'Primary care' });
  });

  it('"my family doctor" in English, with no past visits: primary care, never another specialty', async () => {
    const who = { givenName: 'Tobias', familyName: 'Wren', birthDate: '1966-02-11' };
    const phone = '+12125550172';
    await register({ ...who, phone });
    const { offer } = await converse(phone, 'I need to see my family doctor next week', { ...who, birthDate: '02/11/1966' }, 20);
    expect(options(offer).length).toBeGreaterThanOrEqual(2);
    for (const o of options(offer)) expect(o).toMatch(/with Dr\. [^()]+ \(Primary care\)/);
  });

  it('a named doctor: only that doctor, named with the specialty (English and Spanish)', async () => {
    const en = { givenName: 'Henry', familyName: 'Bennett', birthDate: '1958-10-03' };
    await register({ ...en, phone: '+12125550173' });
    const a = await converse('+12125550173', 'Can I book an appointment with Dr. Echeverri next week?', { ...en, birthDate: '10/03/1958' }, 40);
    expect(options(a.offer).length).toBeGreaterThanOrEqual(2);
    for (const o of options(a.offer)) expect(o).toMatch(/with Dr\. Tomás Echeverri \(Cardiology\)/);
    const es = { givenName: 'Marisol', familyName: 'Torres', birthDate: '1983-07-21' };
    await register({ ...es, phone: '+12125550174', language: 'es' });
    const b = await converse('+12125550174', 'Quisiera una cita con la doctora Rosa Villanueva la semana que viene', { ...es, birthDate: '21 de julio de 1983' }, 60);
    for (const o of options(b.offer)) expect(o).toMatch(/con Dr\. Rosa Villanueva \(Pediatrics\)/);
  });

  it('a department or specialty ("dermatólogo", "cardiology"): only that specialty, each offer named', async () => {
    const es = { givenName: 'Ramiro', familyName: 'Olmedo', birthDate: '1990-01-30' };
    await register({ ...es, phone: '+12125550175', language: 'es' });
    const a = await converse('+12125550175', 'Necesito una cita con el dermatólogo la próxima semana', { ...es, birthDate: '30 de enero de 1990' }, 80);
    expect(options(a.offer).length).toBeGreaterThanOrEqual(2);
    for (const o of options(a.offer)) expect(o).toMatch(/con Dr\. [^()]+ \(Dermatology\)/);
    expect((await sms('+12125550175', '1', a.minute)).body.assistant.replies.join(' ')).toMatch(/reservada: .*\(Dermatology\)/);
    // A reminder reply "R", then another day: still dermatology, never the default primary care.
    expect((await sms('+12125550175', 'R', a.minute + 1)).body.assistant.replies.join(' ')).toMatch(/1\) .*\(Dermatology\)/);
    const other = (await sms('+12125550175', 'mejor el jueves 10 por la mañana', a.minute + 2)).body.assistant.replies.join(' ');
    expect(options(other).length).toBeGreaterThanOrEqual(1);
    for (const o of options(other)) expect(o).toMatch(/^jue, 10 de dic, .* \(Dermatology\)/);
    const en = { givenName: 'Petra', familyName: 'Lindqvist', birthDate: '1977-05-05' };
    await register({ ...en, phone: '+12125550176' });
    const b = await converse('+12125550176', 'I need to book a cardiology appointment for next week', { ...en, birthDate: '05/05/1977' }, 100);
    for (const o of options(b.offer)) expect(o).toMatch(/with Dr\. [^()]+ \(Cardiology\)/);
  });

  it('a specialty the clinic does not have ("neurologist", "oftalmólogo"): asked which kind of visit, never booked in primary care', async () => {
    const en = { givenName: 'Edgar', familyName: 'Walker', birthDate: '1985-09-14' };
    await register({ ...en, phone: '+12125550182' });
    const a = await converse('+12125550182', 'I need to book an appointment with a neurologist next week', { ...en, birthDate: '09/14/1985' }, 190);
    expect(a.offer).toBe("Which kind of visit is it (Cardiology, Dermatology, Pediatrics or Primary care)? Or tell me your doctor's name.");
    const es = { givenName: 'Lidia', familyName: 'Morales', birthDate: '1992-02-27' };
    await register({ ...es, phone: '+12125550183', language: 'es' });
    const b = await converse('+12125550183', 'Necesito una cita con el oftalmólogo la semana que viene', { ...es, birthDate: '27 de febrero de 1992' }, 200);
    expect(b.offer).toBe('¿Qué tipo de consulta necesita (Cardiology, Dermatology, Pediatrics o Primary care)? O dígame el nombre de su médico.');
    const chosen = (await sms('+12125550183', 'cardiología', b.minute)).body.assistant.replies.join(' ');
    expect(options(chosen).length).toBeGreaterThanOrEqual(2);
    for (const o of options(chosen)) expect(o).toMatch(/con Dr\. [^()]+ \(Cardiology\)/);
  });

  it('"el martes 15 por la tarde" moves the visit to Tuesday the 15th, afternoon, with the same doctor, not the nearer Tuesday', async () => {
    const who = { givenName: 'Celia', familyName: 'Arambarri', birthDate: '1962-12-12' };
    const phone = '+12125550177';
    const patientId = await register({ ...who, phone, language: 'es' });
    // An upcoming visit on Tuesday 15 December in the morning.
    await visitWith(patientId, 'Dr. Ana Whitfield', '2026-12-15T13:00:00Z', '2026-12-15T17:00:00Z', 'morning');
    const { caseId, offer, minute } = await converse(phone, 'Quiero cambiar mi cita al martes 15 por la tarde', { ...who, birthDate: '12 de diciembre de 1962' }, 120);
    expect(options(offer).length).toBeGreaterThanOrEqual(1);
    for (const o of options(offer)) expect(o).toMatch(/^mar, 15 de dic, \d+:\d\d p\.\s?m\. con Dr\. Ana Whitfield \(Primary care\)/);
    const pick = await sms(phone, '1', minute);
    expect(pick.body.assistant.replies.join(' ')).toMatch(/su cita ahora es mar, 15 de dic, \d+:\d\d p\.\s?m\. con Dr\. Ana Whitfield \(Primary care\)/);
    const [moved] = await rows<{ start: string }>(sql`select start::text as start from appointments where patient_id = ${patientId} and status = 'booked'`);
    const local = new Date(moved!.start).toLocaleString('en-US', { timeZone, month: 'numeric', day: 'numeric', hour: 'numeric', hour12: false });
    expect(local).toMatch(/^12\/15, (1[2-6])$/);
    expect(caseId).toBeTruthy();
  });

  it('"move my Tuesday the 15th appointment to the afternoon": that appointment, not the sooner one in another specialty', async () => {
    const who = { givenName: 'Nora', familyName: 'Hughes', birthDate: '1974-11-19' };
    const phone = '+12125550181';
    const patientId = await register({ ...who, phone });
    const sooner = await visitWith(patientId, 'Dr. Grace Holbrook', '2026-12-09T13:00:00Z', '2026-12-09T17:00:00Z', 'morning');
    const meant = await visitWith(patientId, 'Dr. Marcus Oyelaran', '2026-12-15T13:00:00Z', '2026-12-15T17:00:00Z', 'morning');
    const { offer, minute } = await converse(phone, 'Can you move my Tuesday the 15th appointment to the afternoon?', { ...who, birthDate: '11/19/1974' }, 150);
    expect(offer).toMatch(/Your appointment is Tue, Dec 15, \d+:\d\d AM with Dr\. Marcus Oyelaran \(Primary care\)\./);
    expect(options(offer).length).toBeGreaterThanOrEqual(1);
    for (const o of options(offer)) expect(o).toMatch(/^Tue, Dec 15, (12|1|2|3|4):\d\d PM with Dr\. Marcus Oyelaran \(Primary care\)/);
    expect((await sms(phone, '1', minute)).body.assistant.replies.join(' ')).toMatch(/your appointment is now Tue, Dec 15, .* PM with Dr\. Marcus Oyelaran/);
    const after = await rows<{ id: string; status: string }>(sql`select id, status from appointments where id in (${sooner}, ${meant})`);
    expect(after.find((a) => a.id === sooner)!.status).toBe('booked');
  });

  it('"Tuesday the 15th in the afternoon" in English is the 15th, not next Tuesday the 8th', async () => {
    const who = { givenName: 'Gideon', familyName: 'Farrow', birthDate: '1979-08-08' };
    await register({ ...who, phone: '+12125550178' });
    const { offer } = await converse('+12125550178', 'I need an appointment on Tuesday the 15th in the afternoon', { ...who, birthDate: '08/08/1979' }, 140);
    expect(options(offer).length).toBeGreaterThanOrEqual(2);
    for (const o of options(offer)) expect(o).toMatch(/^Tue, Dec 15, (12|1|2|3):\d\d PM with Dr\. [^()]+ \(Primary care\)/);
  });

  it('a stated day that has already passed is questioned, not moved ("Tuesday the 1st", "el martes 1")', async () => {
    const en = { givenName: 'Wilma', familyName: 'Oakes', birthDate: '1950-03-03' };
    await register({ ...en, phone: '+12125550179' });
    const a = await converse('+12125550179', 'I want to book an appointment for Tuesday the 1st', { ...en, birthDate: '03/03/1950' }, 160);
    expect(a.offer).toMatch(/Tuesday, December 1 has already passed/);
    expect(a.offer).not.toMatch(/1\) /);
    const es = { givenName: 'Abel', familyName: 'Zubiri', birthDate: '1969-06-06' };
    await register({ ...es, phone: '+12125550180', language: 'es' });
    const b = await converse('+12125550180', 'Necesito una cita el martes 1 por la mañana', { ...es, birthDate: '6 de junio de 1969' }, 180);
    expect(b.offer).toMatch(/martes, 1 de diciembre ya pasó/);
    // The next message with a day goes on with the search.
    const next = await sms('+12125550180', 'el jueves 10 por la mañana', b.minute);
    const offer = next.body.assistant.replies.join(' ');
    for (const o of options(offer)) expect(o).toMatch(/^jue, 10 de dic, \d+:\d\d a\.\s?m\. con Dr\. [^()]+ \(Primary care\)/);
  });
});
