import { describe, expect, it } from 'vitest';
import { nluCommand, type NluIo } from '../src/commands/nlu.ts';

function captureIo(lines?: string[]): NluIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    ...(lines
      ? {
          input: (async function* () {
            yield* lines;
          })(),
        }
      : {}),
    stdout: () => out,
    stderr: () => err,
  };
}

describe('carethread nlu classify', () => {
  it('prints one JSON object per input line, in order', async () => {
    const io = captureIo([
      'I need to cancel my appointment next Tuesday',
      'quiero una cita mañana por la tarde',
      '',
      'I have chest pain',
      '🙂',
    ]);
    const code = await nluCommand(['classify', '--json', '--time-zone', 'America/New_York', '--reference', '2025-03-12T15:00:00Z'], io);
    expect(code).toBe(0);
    const rows = io.stdout().trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(Object.keys(r)).toEqual(expect.arrayContaining(['text', 'language', 'intent', 'confidence', 'entities']));
    expect(rows[0]).toMatchObject({ text: 'I need to cancel my appointment next Tuesday', language: 'en', intent: 'cancel_appointment' });
    expect(rows[0].entities[0]).toMatchObject({ type: 'datetime', value: '2025-03-18' });
    expect(rows[1]).toMatchObject({ language: 'es', intent: 'schedule_appointment' });
    expect(rows[2]).toMatchObject({ text: '', intent: 'other', entities: [] });
    expect(rows[3]).toMatchObject({ intent: 'urgent_symptoms', urgent: { urgent: true, category: 'cardiac' } });
    expect(rows[4].intent).toBe('other');
    expect(io.stderr()).toBe('');
  });

  it('prints a readable line per message without --json', async () => {
    const io = captureIo(['refill my lisinopril please']);
    expect(await nluCommand(['classify'], io)).toBe(0);
    expect(io.stdout()).toMatch(/^prescription_refill \d\.\d\d \[en\]\s+medication=lisinopril\n$/);
  });

  it('recognises the departments and providers given on the command line', async () => {
    const io = captureIo(['cita con la doctora Nunez en cardiologia']);
    expect(await nluCommand(['classify', '--json', '--department', 'Cardiology', '--provider', 'Dr. Ana Núñez'], io)).toBe(0);
    const [row] = io.stdout().trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(row.entities.map((e: { type: string; value: string }) => [e.type, e.value])).toEqual([
      ['provider', 'Dr. Ana Núñez'],
      ['department', 'Cardiology'],
    ]);
  });

  it('rejects bad options with exit code 2 and the usage', async () => {
    for (const args of [['classify', '--language', 'fr'], ['classify', '--time-zone', 'Mars/Base'], ['classify', '--reference', 'soon'], ['classify', '--wat'], ['nope'], []]) {
      const io = captureIo([]);
      expect(await nluCommand(args, io)).toBe(2);
      expect(io.stderr() + io.stdout()).toContain('usage: carethread nlu');
    }
  });
});

describe('carethread nlu eval', () => {
  it('reports accuracy and macro-F1 per language on the held-out split', async () => {
    const io = captureIo();
    expect(await nluCommand(['eval', '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout());
    for (const language of ['en', 'es']) {
      const r = report.languages[language];
      expect(r.n).toBeGreaterThan(100);
      expect(r.accuracy).toBeGreaterThan(0.9);
      expect(r.macro_f1).toBeGreaterThan(0.9);
      expect(r.per_intent.cancel_appointment).toMatchObject({ f1: expect.any(Number), support: expect.any(Number) });
      expect(Array.isArray(r.confusions)).toBe(true);
    }
    expect(report.held_out_every).toBe(5);
    expect(report.blind.es.n).toBeGreaterThan(200);
    expect(report.urgent_blind.en).toMatchObject({ urgent_n: expect.any(Number), recall: expect.any(Number), routine_flagged: expect.any(Number) });
  });

  it('prints a readable summary without --json', async () => {
    const io = captureIo();
    expect(await nluCommand(['eval'], io)).toBe(0);
    expect(io.stdout()).toMatch(/held-out en: accuracy \d+\.\d%, macro-F1 0\.\d{3}/);
    expect(io.stdout()).toMatch(/held-out es: accuracy/);
    expect(io.stdout()).toContain('cancel_appointment');
    expect(io.stdout()).toMatch(/blind es: accuracy \d+\.\d%/);
    expect(io.stdout()).toMatch(/urgent blind en: \d+\.\d% of \d+ emergencies raised/);
  });
});
