import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { explainStatement, importBilling, resultsStatus, seedCare } from '../src/index.ts';
import { queryRows } from './helpers/sql.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

let h: Harness;

async function rows<T = Record<string, any>>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(h.database, query);
}
const statementCount = async () => (await rows<{ n: number }>(sql`select count(*)::int as n from billing_statements where organization_id = ${h.organizationId}`))[0]!.n;

async function postCsv(path: string, csv: string, token = h.token) {
  const res = await h.app.inject({ method: 'POST', url: path, headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, payload: csv });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

let ana: { id: string; mrn: string; member: string };
let luis: { id: string; mrn: string };

const HEADER = 'statement_id,mrn,member_id,statement_date,due_date,service_date,code,description,charge,insurance_paid,adjustment,patient_responsibility,copay,coinsurance,deductible';

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  const reg = async (given: string, mrn: string, member?: string, language?: string) => {
    const res = await h.post('/api/v1/patients', {
      givenName: given,
      familyName: 'Billington',
      birthDate: '1975-06-15',
      ...(language ? { language } : {}),
      identifiers: [{ kind: 'mrn', value: mrn }, ...(member ? [{ kind: 'member_id', value: member }] : [])],
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  ana = { id: await reg('Ana', 'BILL-001', 'MEM 555 01', 'es'), mrn: 'BILL-001', member: 'MEM55501' };
  luis = { id: await reg('Luis', 'BILL-002'), mrn: 'BILL-002' };
});
afterAll(async () => h?.close());

describe('billing import', () => {
  it('imports a CSV file: statements grouped by id, patients found by MRN or member id', async () => {
    const csv = [
      HEADER,
      `S-100,${ana.mrn},,2026-03-01,2026-03-31,2026-02-20,99213,"Office visit, established",180.00,110.00,45.00,25.00,25.00,,`,
      `S-100,${ana.mrn},,2026-03-01,2026-03-31,2026-02-20,85025,Complete blood count,45.00,28.00,12.00,5.00,,5.00,`,
      `S-100,${ana.mrn},,2026-03-01,2026-03-31,2026-02-20,36415,Venipuncture,15.00,0,5.00,10.00,,,10.00`,
      `S-200,,MEM 555.01,2026-01-10,,,99395,Preventive visit,"1,220.00",1170.00,50.00,0.00,,,`,
      `S-300,${luis.mrn},,2026-02-02,2026-03-02,2026-01-25,J1100,Dexamethasone injection,$30.00,20,5,5,5,,`,
    ].join('\r\n');
    const res = await postCsv('/api/v1/billing/import', csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statements: { created: 3, updated: 0 }, lines: 5, patients: 2 });
    const [s100] = await rows<{ patient_id: string; patient_balance_cents: number; total_charge_cents: number }>(
      sql`select patient_id, patient_balance_cents, total_charge_cents from billing_statements where external_id = 'S-100' and organization_id = ${h.organizationId}`,
    );
    expect(s100!.patient_id).toBe(ana.id);
    expect(Number(s100!.patient_balance_cents)).toBe(4000);
    expect(Number(s100!.total_charge_cents)).toBe(24000);
    const events = await rows(sql`select data from events where kind = 'billing_imported' and organization_id = ${h.organizationId}`);
    expect(events).toHaveLength(1);
  });

  it('rejects a file with bad rows, naming each row and field, and imports nothing', async () => {
    const before = await statementCount();
    const csv = [
      HEADER,
      `S-400,${luis.mrn},,2026-04-01,,,99214,Office visit,200.00,150.00,30.00,20.00,,,`,
      `S-400,${luis.mrn},,2026-04-01,,,80061,Lipid panel,abc,10.00,0,5.00,,,`,
      `S-401,UNKNOWN-9,,2026-04-01,,,80061,Lipid panel,40.00,30.00,0,10.00,,,`,
      `S-402,${luis.mrn},,2026-13-01,,,80061,Lipid panel,40.00,30.00,0,9.00,,,`,
      `S-403,,,2026-04-01,,,80061,,40.00,30.00,0,10.00,,,`,
    ].join('\n');
    const res = await postCsv('/api/v1/billing/import', csv);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('invalid_import');
    expect(res.body.message).toContain('nothing was imported');
    const found = res.body.errors.map((e: { row: number; field: string }) => `${e.row}:${e.field}`);
    expect(found).toEqual(expect.arrayContaining(['3:charge', '5:statement_date', '5:patient_responsibility', '6:mrn', '6:description']));
    expect(await statementCount()).toBe(before);

    // Every row valid, one patient unknown: still nothing.
    const unknown = await postCsv('/api/v1/billing/import', [HEADER, `S-500,${luis.mrn},,2026-04-01,,,99214,Visit,100,80,0,20,,,`, `S-501,NOBODY-1,,2026-04-01,,,99214,Visit,100,80,0,20,,,`].join('\n'));
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ row: 3, field: 'mrn', message: expect.stringContaining('no patient') }]);
    expect(await statementCount()).toBe(before);

    // Structural problems: an unknown column, an empty file, a statement whose rows disagree.
    expect((await postCsv('/api/v1/billing/import', 'statement_id,mrn,price\nS-1,X,1')).body.errors[0]).toMatchObject({ row: 1, field: 'price' });
    expect((await postCsv('/api/v1/billing/import', '')).status).toBe(422);
    const disagree = await postCsv(
      '/api/v1/billing/import',
      [HEADER, `S-600,${luis.mrn},,2026-04-01,,,99214,Visit,100,80,0,20,,,`, `S-600,${ana.mrn},,2026-04-01,,,99214,Visit,100,80,0,20,,,`].join('\n'),
    );
    expect(disagree.body.errors[0]).toMatchObject({ row: 3, field: 'mrn' });
    expect(await statementCount()).toBe(before);
  });

  it('imports JSON, replaces a statement imported again, supports a dry run, and is admin or supervisor only', async () => {
    const doc = {
      statements: [
        {
          id: 'S-300',
          mrn: luis.mrn,
          statementDate: '2026-02-02',
          dueDate: '2026-03-02',
          lines: [
            { code: 'J1100', description: 'Dexamethasone injection', charge: 30, insurancePaid: 20, adjustment: 5, patientResponsibility: 5, copay: 5 },
            { code: '96372', description: 'Therapeutic injection', charge: 40, insurancePaid: 20, adjustment: 10, patientResponsibility: 10 },
          ],
        },
      ],
    };
    const dry = await h.post('/api/v1/billing/import?dryRun=true', doc);
    expect(dry.body).toMatchObject({ statements: { created: 0, updated: 1 }, dryRun: true });
    const lines = async () => (await rows<{ n: number }>(sql`select count(*)::int as n from billing_lines l join billing_statements s on s.id = l.statement_id where s.external_id = 'S-300'`))[0]!.n;
    expect(await lines()).toBe(1);
    const res = await h.post('/api/v1/billing/import', doc);
    expect(res.body).toMatchObject({ statements: { created: 0, updated: 1 }, lines: 2 });
    expect(await lines()).toBe(2);

    const bad = await h.post('/api/v1/billing/import', { statements: [{ ...doc.statements[0], lines: [{ ...doc.statements[0]!.lines[0], charge: 31 }] }] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ row: 1, field: 'statements[0].lines[0].patientResponsibility' });

    const [agent] = await rows<{ id: string }>(sql`select id from staff where organization_id = ${h.organizationId} and role = 'agent' limit 1`);
    const issued = await h.post(`/api/v1/staff/${agent!.id}/tokens`, {});
    const asAgent = await h.app.inject({ method: 'POST', url: '/api/v1/billing/import', headers: { authorization: `Bearer ${issued.body.token}` }, payload: doc });
    expect(asAgent.statusCode).toBe(403);
  });
});

describe('statement explanation', () => {
  it('explains each line in plain English with the codes, the money columns and the balance', async () => {
    const e = await explainStatement(h.services, h.organizationId, ana.id, 'en');
    expect(e.found).toBe(true);
    expect(e.statementDate).toBe('2026-03-01');
    expect(e.lines.map((l) => l.code)).toEqual(['99213', '85025', '36415']);
    expect(e.lines[0]).toMatchObject({ amount: 180, insurancePaid: 110, patientOwes: 25 });
    expect(e.lines[0]!.text).toContain('office visit');
    expect(e.lines[0]!.text).toContain('$25.00 copay');
    expect(e.lines[0]!.text).toContain('adjustment');
    expect(e.lines[1]!.text).toContain('complete blood count');
    expect(e.lines[1]!.text).toContain('coinsurance');
    expect(e.lines[2]!.text).toContain('blood draw');
    expect(e.lines[2]!.text).toContain('deductible');
    expect(e.balanceText).toContain('$40.00');
    expect(e.balanceText).toContain('March 31, 2026');
    expect(e.terms.map((t) => t.term)).toEqual(expect.arrayContaining(['copay', 'coinsurance', 'deductible', 'adjustment']));
  });

  it('explains the same statement in Spanish', async () => {
    const e = await explainStatement(h.services, h.organizationId, ana.id, 'es');
    expect(e.lines[0]!.text).toContain('consulta');
    expect(e.lines[0]!.text).toContain('copago');
    expect(e.lines[1]!.text).toContain('coseguro');
    expect(e.lines[2]!.text).toContain('deducible');
    expect(e.lines[2]!.text).toContain('Su seguro no pagó nada');
    expect(e.balanceText).toContain('Su saldo es $40.00');
    expect(e.balanceText).toContain('31 de marzo de 2026');
    const http = await h.get(`/api/v1/patients/${ana.id}/statement-explanation?language=es&statementId=S-200`);
    expect(http.status).toBe(200);
    expect(http.body).toMatchObject({ found: true, statementId: 'S-200', balance: 0 });
    expect(http.body.lines[0].text).toContain('chequeo preventivo');
  });

  it('says so plainly when there is no statement, and refuses an unknown patient or language', async () => {
    const res = await h.post('/api/v1/patients', { givenName: 'Nadia', familyName: 'Nobill', identifiers: [{ kind: 'mrn', value: 'BILL-009' }] });
    const none = await explainStatement(h.services, h.organizationId, res.body.id, 'en');
    expect(none).toMatchObject({ found: false, statementDate: null, lines: [] });
    expect(none.balanceText).toContain('could not find a statement');
    await expect(explainStatement(h.services, h.organizationId, '00000000-0000-4000-8000-000000000000', 'en')).rejects.toMatchObject({ status: 404 });
    await expect(explainStatement(h.services, h.organizationId, ana.id, 'fr' as never)).rejects.toMatchObject({ status: 400 });
  });
});

describe('demo seed', () => {
  it('seeds synthetic statements and results once', async () => {
    const first = await h.database.db.transaction((tx) => seedCare(tx, h.organizationId, { from: new Date('2026-05-01T12:00:00Z') }));
    expect(first).toMatchObject({ statements: 3, results: 5, created: true });
    const again = await h.database.db.transaction((tx) => seedCare(tx, h.organizationId));
    expect(again.created).toBe(false);
    const [s] = await rows<{ patient_id: string }>(sql`select patient_id from billing_statements where external_id = 'DEMO-STMT-1001' and organization_id = ${h.organizationId}`);
    const e = await explainStatement(h.services, h.organizationId, s!.patient_id, 'en');
    expect(e.found).toBe(true);
    expect((await resultsStatus(h.services, h.organizationId, s!.patient_id)).available).toBeGreaterThanOrEqual(2);
    // The seeded amounts add up the way the import requires.
    const lines = await rows<any>(sql`select l.* from billing_lines l join billing_statements s on s.id = l.statement_id where s.external_id = 'DEMO-STMT-1001'`);
    expect(lines.every((l) => Number(l.charge_cents) - Number(l.insurance_paid_cents) - Number(l.adjustment_cents) === Number(l.patient_owes_cents))).toBe(true);
    await expect(importBilling(h.services, h.organizationId, { format: 'json', document: { statements: [] } })).rejects.toMatchObject({ status: 422 });
  });
});
