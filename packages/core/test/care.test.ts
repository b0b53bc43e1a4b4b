import { describe, expect, it } from 'vitest';
import {
  decideTaskTransition,
  explainBillingCode,
  explainStatementLine,
  parseAmount,
  parseBillingCsv,
  parseBillingJson,
  parseCsv,
  parseResultsImport,
  taskStatusMessage,
} from '../src/index.ts';

describe('CSV reading', () => {
  it('handles quotes, escaped quotes, line breaks inside quotes, CRLF and a byte-order mark', () => {
    const { rows, error } = parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\n\n');
    expect(error).toBeNull();
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'z'] },
    ]);
    expect(parseCsv('a\n"open').error).toContain('never closed');
  });

  it('reads amounts with two decimals at most, thousands separators and a dollar sign', () => {
    expect(parseAmount('1,234.5')).toBe(123450);
    expect(parseAmount('$12')).toBe(1200);
    expect(parseAmount('-3.10')).toBe(-310);
    expect(parseAmount(19.99)).toBe(1999);
    for (const bad of ['1.234', '12,34', 'abc', '', '1e3', 0.001]) expect(parseAmount(bad)).toBeNull();
  });

  it('reports the row and field of every problem and returns no statement when any row is bad', () => {
    const csv = 'statement_id,mrn,statement_date,code,description,charge,insurance_paid,adjustment,patient_responsibility\nS1,M1,2026-01-01,99213,Visit,100,80,0,20\nS1,M1,2026-01-01,99213,Visit,100,80,0,25\n';
    const parsed = parseBillingCsv(csv);
    expect(parsed.statements).toEqual([]);
    expect(parsed.errors).toEqual([{ row: 3, field: 'patient_responsibility', message: expect.stringContaining('charge') }]);
    const ok = parseBillingCsv(csv.replace(/,25\n$/, ',20\n'));
    expect(ok.errors).toEqual([]);
    expect(ok.statements).toHaveLength(1);
    expect(ok.statements[0]!.lines).toHaveLength(2);
  });

  it('names JSON fields by their path', () => {
    const parsed = parseBillingJson({ statements: [{ id: 'S1', memberId: 'X1', statementDate: '2026-01-01', lines: [{ code: '99213', description: 'Visit', charge: 'ten', insurancePaid: 0, adjustment: 0, patientResponsibility: 10, extra: 1 }] }] });
    expect(parsed.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['statements[0].lines[0].extra', 'statements[0].lines[0].charge']));
  });

  it('checks results against FHIR DiagnosticReport statuses', () => {
    const bad = parseResultsImport({ json: { results: [{ id: 'R1', mrn: 'M1', name: 'CBC', status: 'normal' }] } });
    expect(bad.errors[0]).toMatchObject({ row: 1, field: 'results[0].status' });
    const good = parseResultsImport({ csv: 'result_id,mrn,name,status\nR1,m-1,CBC,final\n' });
    expect(good.results[0]).toMatchObject({ resultId: 'R1', mrn: 'M-1', status: 'final' });
  });
});

describe('task rules', () => {
  it('moves refills forward only', () => {
    expect(decideTaskTransition('refill', 'requested', 'approved')).toEqual({ ok: true });
    expect(decideTaskTransition('refill', 'requested', 'sent_to_pharmacy')).toEqual({ ok: true });
    expect(decideTaskTransition('refill', 'approved', 'requested')).toMatchObject({ ok: false, reason: 'not_allowed' });
    expect(decideTaskTransition('refill', 'denied', 'approved')).toMatchObject({ ok: false, reason: 'final' });
    expect(decideTaskTransition('refill', 'approved', 'approved')).toMatchObject({ ok: false, reason: 'unchanged' });
    expect(decideTaskTransition('refill', 'requested', 'completed')).toMatchObject({ ok: false, reason: 'unknown_status' });
  });

  it('words status changes in English and Spanish without clinical reasons', () => {
    const en = taskStatusMessage('refill', 'sent_to_pharmacy', 'en', { medication: 'lisinopril', pharmacy: 'Main St Pharmacy', organizationName: 'Riverside' });
    expect(en).toContain('sent to Main St Pharmacy');
    const es = taskStatusMessage('refill', 'denied', 'es', { medication: 'lisinopril', organizationName: 'Riverside' });
    expect(es).toContain('no pudimos aprobar');
    expect(taskStatusMessage('callback', 'completed', 'en', { organizationName: 'Riverside' })).toBeNull();
  });
});

describe('billing words', () => {
  it('names code families in plain language', () => {
    expect(explainBillingCode('99214', 'en')).toEqual({ system: 'cpt', plain: 'an office visit with your provider' });
    expect(explainBillingCode('71046', 'es').plain).toContain('radiografía');
    expect(explainBillingCode('80061', 'en').plain).toContain('cholesterol');
    expect(explainBillingCode('J1100', 'en')).toEqual({ system: 'hcpcs', plain: 'a medicine given in the clinic' });
    expect(explainBillingCode('LAB-7', 'en')).toEqual({ system: 'other', plain: null });
  });

  it('explains a line that insurance did not cover and an unknown code by its description', () => {
    const line = {
      code: 'MISC1',
      description: 'Records copy fee',
      serviceDate: null,
      chargeCents: 2500,
      insurancePaidCents: 0,
      adjustmentCents: 0,
      patientOwesCents: 2500,
      copayCents: null,
      coinsuranceCents: null,
      deductibleCents: null,
    };
    const { text } = explainStatementLine(line, 'en');
    expect(text).toContain('"Records copy fee"');
    expect(text).toContain('Your insurance paid nothing');
    expect(text).toContain('You owe $25.00.');
  });
});
