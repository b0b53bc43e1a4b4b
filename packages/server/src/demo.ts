import { blockingKeys, syntheticPatients, type RequestType } from '@carethread/core';
import type { Executor } from './store/db.ts';
import { demographicsOf } from './store/patients.ts';
import { randomInt } from 'node:crypto';
import { addEndpoint } from './store/endpoints.ts';
import { blockingKeyIndex, identifierIndex, patientIndexes } from './store/blind-indexes.ts';
import { departments, identities, organizations, patientBlocks, patients, staff } from './store/schema.ts';
import { seedCannedResponses } from './workspace/canned.ts';

export const DEMO_SLUG = 'demo';
/** The demo organisation's fictional number for SMS and voice. */
export const DEMO_PHONE_NUMBER = '+15550100100';

const DEMO_DEPARTMENTS: Array<{ slug: string; name: string; requestTypes: RequestType[] }> = [
  { slug: 'scheduling', name: 'Scheduling and front desk', requestTypes: ['scheduling'] },
  { slug: 'pharmacy', name: 'Pharmacy and refills', requestTypes: ['prescription'] },
  { slug: 'nursing', name: 'Nurse line', requestTypes: ['clinical_question', 'results'] },
  { slug: 'billing', name: 'Billing and insurance', requestTypes: ['billing', 'insurance'] },
  { slug: 'records', name: 'Medical records', requestTypes: ['records'] },
  { slug: 'general', name: 'General enquiries', requestTypes: ['other'] },
];

const DEMO_STAFF = [
  { name: 'Alex Rivera', email: 'alex.rivera@example.org', role: 'agent' },
  { name: 'Jordan Lee', email: 'jordan.lee@example.org', role: 'agent' },
  { name: 'Sam Okafor', email: 'sam.okafor@example.org', role: 'supervisor' },
];

export interface SeedOptions {
  slug?: string;
  name?: string;
  patients?: number;
  seed?: number;
  /** The organisation's Twilio number (E.164); a fictional one is made up when omitted. */
  phoneNumber?: string;
  /** Called after each batch, for progress output. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * A synthetic organisation: departments, a few staff and synthetic patients (no real person).
 * Bulk inserts in batches: the demo and the benchmarks need hundreds of thousands of rows fast.
 */
export async function seedOrganization(tx: Executor, options: SeedOptions = {}): Promise<{ organizationId: string; patients: number }> {
  const slug = options.slug ?? DEMO_SLUG;
  const [org] = await tx
    .insert(organizations)
    .values({ slug, name: options.name ?? 'Riverside Health (demo)', settings: {} })
    .returning({ id: organizations.id });
  const organizationId = org!.id;
  await tx.insert(departments).values(DEMO_DEPARTMENTS.map((d) => ({ organizationId, ...d })));
  await tx.insert(staff).values(DEMO_STAFF.map((s) => ({ organizationId, ...s })));
  // How patients reach this organisation: one number for SMS and voice, a mail domain, a widget key.
  const phoneNumber = options.phoneNumber ?? (slug === DEMO_SLUG ? DEMO_PHONE_NUMBER : `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`);
  await addEndpoint(tx, organizationId, 'sms', phoneNumber, 'main number');
  await addEndpoint(tx, organizationId, 'voice', phoneNumber, 'main number');
  await addEndpoint(tx, organizationId, 'email', `${slug}.carethread.local`, 'inbound mail domain');
  await addEndpoint(tx, organizationId, 'webchat', slug, 'website widget');
  const count = options.patients ?? 300;
  const population = syntheticPatients(count, options.seed ?? 7);
  const at = new Date().toISOString();
  const BATCH = 500;
  for (let start = 0; start < population.length; start += BATCH) {
    const batch = population.slice(start, start + BATCH);
    const rows = await tx
      .insert(patients)
      .values(
        batch.map((p) => ({
          organizationId,
          givenName: p.givenName,
          familyName: p.familyName,
          birthDate: p.birthDate,
          sex: p.sex,
          addressLine: p.addressLine,
          city: p.city,
          postcode: p.postcode,
          language: p.language,
          ...patientIndexes(p),
          createdAt: at,
          updatedAt: at,
        })),
      )
      .returning();
    const ids = rows.flatMap((row, i) => {
      const p = batch[i]!;
      const common = { organizationId, patientId: row.id, verified: true, confidence: 1, source: 'demo registration', createdAt: at };
      return [
        { ...common, kind: 'phone', value: p.phone, valueIndex: identifierIndex('phone', p.phone) },
        { ...common, kind: 'email', value: p.email, valueIndex: identifierIndex('email', p.email) },
        { ...common, kind: 'mrn', value: p.mrn, valueIndex: identifierIndex('mrn', p.mrn) },
      ];
    });
    await tx.insert(identities).values(ids).onConflictDoNothing();
    const blocks = rows.flatMap((row) => [...new Set(blockingKeys(demographicsOf(row)).map(blockingKeyIndex))].map((key) => ({ organizationId, key, patientId: row.id })));
    for (let b = 0; b < blocks.length; b += 5000) await tx.insert(patientBlocks).values(blocks.slice(b, b + 5000)).onConflictDoNothing();
    options.onProgress?.(Math.min(start + BATCH, population.length), population.length);
  }
  // A starter set of canned responses (en + es) so the workspace has something useful on day one.
  await seedCannedResponses(tx, organizationId, at);
  return { organizationId, patients: population.length };
}
