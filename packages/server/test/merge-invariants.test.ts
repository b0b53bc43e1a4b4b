import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { and, eq, inArray } from 'drizzle-orm';
import { mergeRecords, registerPatient, schema, undoMerge } from '../src/index.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

let h: Harness;
let round = 0;

beforeAll(async () => {
  h = await createHarness({ patients: 0 });
});
afterAll(async () => {
  await h?.close();
});

async function identifiersByPatient(ids: string[]): Promise<Map<string, string[]>> {
  const rows = await h.database.db
    .select({ patientId: schema.identities.patientId, kind: schema.identities.kind, value: schema.identities.value })
    .from(schema.identities)
    .where(and(eq(schema.identities.organizationId, h.organizationId), inArray(schema.identities.patientId, ids)));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const r of rows) out.get(r.patientId)!.push(`${r.kind}:${r.value}`);
  for (const list of out.values()) list.sort();
  return out;
}

describe('merge and unmerge invariants (property)', () => {
  it('never loses an identifier, and undoing every merge restores every record exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Up to 5 patients; some share a phone or email (households, duplicates).
        fc.array(fc.record({ phoneLine: fc.integer({ min: 0, max: 3 }), emailBox: fc.integer({ min: 0, max: 3 }) }), { minLength: 2, maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 }),
        async (people, mergePlan) => {
          const r = ++round;
          const ids: string[] = [];
          for (const [i, p] of people.entries()) {
            const patient = await registerPatient(h.services, h.organizationId, {
              givenName: `Given${i}`,
              familyName: `Family${r}`,
              birthDate: '1980-01-01',
              identifiers: [
                { kind: 'phone', value: `+1212555${String(100 + r * 4 + p.phoneLine).slice(-4).padStart(4, '0')}` },
                { kind: 'email', value: `box${p.emailBox}.r${r}@example.org` },
                { kind: 'mrn', value: `MRN${r}-${i}` },
              ],
            });
            ids.push(patient.id);
          }
          const original = await identifiersByPatient(ids);
          const everything = [...original.values()].flat().sort();

          const done: string[] = [];
          const mergedAway = new Set<string>();
          for (const [a, b] of mergePlan) {
            const survivor = ids[a % ids.length]!;
            const merged = ids[b % ids.length]!;
            // Merging a record into itself, or with a record already merged away, is refused, and
            // only that: every other merge of the plan must happen.
            if (survivor === merged || mergedAway.has(survivor) || mergedAway.has(merged)) {
              await expect(mergeRecords(h.services, h.organizationId, survivor, merged, 'property')).rejects.toMatchObject({ code: 'merge_refused' });
            } else {
              done.push(await mergeRecords(h.services, h.organizationId, survivor, merged, 'property'));
              mergedAway.add(merged);
            }
            const now = await identifiersByPatient(ids);
            expect([...now.values()].flat().sort()).toEqual(everything);
          }
          for (const mergeId of done.reverse()) await undoMerge(h.services, h.organizationId, mergeId, 'property');
          const restored = await identifiersByPatient(ids);
          expect(restored).toEqual(original);
          const statuses = await h.database.db
            .select({ status: schema.patients.status })
            .from(schema.patients)
            .where(inArray(schema.patients.id, ids));
          expect(statuses.every((s) => s.status === 'active')).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  });
});
