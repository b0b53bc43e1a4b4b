import { and, asc, eq, like } from 'drizzle-orm';
import { addLocalDays, type ImportedLine, type ImportedStatement } from '@carethread/core';
import type { Executor } from '../store/db.ts';
import { identities, patients } from '../store/schema.ts';
import { billingStatements, labResults } from '../store/schema-care.ts';
import { writeStatements } from './billing.ts';

/**
 * Synthetic statements and results for the demo (made-up amounts and tests on synthetic
 * patients), so the assistant can explain a bill and report results from the first minute.
 */

type DemoLine = [code: string, description: string, charge: number, insurancePaid: number, adjustment: number, parts: { copay?: number; coinsurance?: number; deductible?: number }];

const DEMO_STATEMENTS: Array<{ id: string; daysAgo: number; lines: DemoLine[] }> = [
  {
    id: 'DEMO-STMT-1001',
    daysAgo: 10,
    lines: [
      ['99213', 'Office visit, established patient', 180_00, 110_00, 45_00, { copay: 25_00 }],
      ['85025', 'Complete blood count', 45_00, 28_00, 12_00, { coinsurance: 5_00 }],
      ['36415', 'Venipuncture', 15_00, 0, 5_00, { deductible: 10_00 }],
    ],
  },
  {
    id: 'DEMO-STMT-1002',
    daysAgo: 6,
    lines: [
      ['99203', 'Office visit, new patient', 250_00, 150_00, 60_00, { coinsurance: 40_00 }],
      ['71046', 'Chest X-ray, 2 views', 120_00, 80_00, 30_00, { copay: 10_00 }],
    ],
  },
  {
    id: 'DEMO-STMT-1003',
    daysAgo: 3,
    lines: [
      ['99395', 'Preventive visit, 18-39 years', 220_00, 170_00, 50_00, {}],
      ['96372', 'Therapeutic injection', 40_00, 20_00, 10_00, { copay: 10_00 }],
    ],
  },
];

const DEMO_RESULTS: Array<{ patient: number; id: string; code: string; name: string; status: string; daysAgo: number }> = [
  { patient: 0, id: 'DEMO-DR-2001', code: '57698-3', name: 'Lipid panel', status: 'final', daysAgo: 9 },
  { patient: 0, id: 'DEMO-DR-2002', code: '58410-2', name: 'Complete blood count', status: 'final', daysAgo: 9 },
  { patient: 0, id: 'DEMO-DR-2003', code: '4548-4', name: 'Hemoglobin A1c', status: 'preliminary', daysAgo: 1 },
  { patient: 1, id: 'DEMO-DR-2004', code: '36643-5', name: 'Chest X-ray, 2 views', status: 'final', daysAgo: 5 },
  { patient: 2, id: 'DEMO-DR-2005', code: '24357-6', name: 'Urinalysis', status: 'registered', daysAgo: 0 },
];

export interface CareSeedResult {
  statements: number;
  results: number;
  created: boolean;
}

export async function seedCare(tx: Executor, organizationId: string, options: { from?: Date } = {}): Promise<CareSeedResult> {
  const seeded = await tx
    .select({ id: billingStatements.id })
    .from(billingStatements)
    .where(and(eq(billingStatements.organizationId, organizationId), like(billingStatements.externalId, 'DEMO-%')))
    .limit(1);
  if (seeded.length > 0) return { statements: 0, results: 0, created: false };
  // The first registered patients with a record number, in a stable order.
  const people = await tx
    .select({ id: patients.id })
    .from(patients)
    .innerJoin(identities, and(eq(identities.patientId, patients.id), eq(identities.kind, 'mrn')))
    .where(and(eq(patients.organizationId, organizationId), eq(patients.status, 'active')))
    .orderBy(asc(patients.createdAt), asc(patients.id))
    .limit(DEMO_STATEMENTS.length);
  if (people.length < DEMO_STATEMENTS.length) return { statements: 0, results: 0, created: false };
  const from = options.from ?? new Date();
  const at = from.toISOString();
  const today = at.slice(0, 10);
  const items = DEMO_STATEMENTS.map((s, i) => {
    const statementDate = addLocalDays(today, -s.daysAgo);
    const lines: ImportedLine[] = s.lines.map(([code, description, charge, paid, adjustment, parts], j) => ({
      row: j + 1,
      lineNo: j + 1,
      serviceDate: addLocalDays(statementDate, -7),
      code,
      description,
      chargeCents: charge,
      insurancePaidCents: paid,
      adjustmentCents: adjustment,
      patientOwesCents: charge - paid - adjustment,
      copayCents: parts.copay ?? null,
      coinsuranceCents: parts.coinsurance ?? null,
      deductibleCents: parts.deductible ?? null,
    }));
    const statement: ImportedStatement = { statementId: s.id, mrn: null, memberId: null, statementDate, dueDate: addLocalDays(statementDate, 30), currency: 'USD', row: 1, lines };
    return { statement, patientId: people[i]!.id };
  });
  await writeStatements(tx, organizationId, items, at);
  await tx.insert(labResults).values(
    DEMO_RESULTS.map((r) => {
      const effective = addLocalDays(today, -r.daysAgo);
      return {
        organizationId,
        externalId: r.id,
        patientId: people[r.patient]!.id,
        code: r.code,
        name: r.name,
        status: r.status,
        effectiveDate: effective,
        issuedAt: r.status === 'registered' ? null : new Date(Date.parse(`${effective}T15:00:00Z`)).toISOString(),
        createdAt: at,
        updatedAt: at,
      };
    }),
  );
  return { statements: items.length, results: DEMO_RESULTS.length, created: true };
}
