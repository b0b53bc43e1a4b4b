import { eq, sql } from 'drizzle-orm';
import type { Database } from './db.ts';
import {
  CIPHERTEXT_PREFIX,
  activeKeyId,
  configureFieldEncryption,
  decryptField,
  encryptField,
  INITIAL_KEY_ID,
  keyCheck,
  newKeyId,
} from './field-crypto.ts';
import { blockingKeyIndex, consentAddressIndex, continuationSourceIndex, continuationTargetIndex, identifierIndex, patientIndexes, portalCodeAddressIndex } from './blind-indexes.ts';
import { dataKeys } from './schema-crypto.ts';

/** NOTIFY channel on which a rotation tells running processes to pick up the new active key. */
export const KEYS_CHANNEL = 'carethread_keys';

/**
 * Every encrypted column, by table. `pk` is the primary key the sweep pages by. Keep in step
 * with the encryptedText/encryptedJson declarations (a test compares the two).
 */
export const ENCRYPTED_COLUMNS: ReadonlyArray<{ table: string; pk: string; columns: readonly string[] }> = [
  { table: 'patients', pk: 'id', columns: ['given_name', 'family_name', 'birth_date', 'address_line', 'city', 'postcode'] },
  { table: 'identities', pk: 'id', columns: ['value'] },
  { table: 'interactions', pk: 'id', columns: ['contact_value'] },
  { table: 'messages', pk: 'id', columns: ['body', 'subject'] },
  { table: 'facts', pk: 'id', columns: ['value'] },
  { table: 'outbox', pk: 'id', columns: ['to_address', 'payload'] },
  { table: 'case_notes', pk: 'id', columns: ['body'] },
  { table: 'assistant_dialogues', pk: 'case_id', columns: ['state'] },
  { table: 'care_tasks', pk: 'id', columns: ['details'] },
  { table: 'appointments', pk: 'id', columns: ['reason'] },
];

export class KeyMismatch extends Error {}

type Row = Record<string, unknown>;

async function query(database: Database, statement: ReturnType<typeof sql>): Promise<Row[]> {
  const result = await database.db.execute(statement);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

/**
 * Reads the database's key versions, proves this process holds the master secret they were
 * made from, and installs the active one. A process started with another CARETHREAD_SECRET
 * stops here, before it writes a value nobody could open.
 */
export async function syncDataKeys(database: Database, master: string, options: { recordChecks?: boolean } = {}): Promise<string> {
  let keys = await database.db.select().from(dataKeys);
  if (keys.length === 0) {
    await database.db.insert(dataKeys).values({ id: INITIAL_KEY_ID, status: 'active', activatedAt: new Date().toISOString() }).onConflictDoNothing();
    keys = await database.db.select().from(dataKeys);
  }
  for (const k of keys) {
    const expected = keyCheck(master, k.id);
    if (k.check === null) {
      if (options.recordChecks !== false) await database.db.update(dataKeys).set({ check: expected }).where(eq(dataKeys.id, k.id));
    }
    else if (k.check !== expected) {
      throw new KeyMismatch(
        'The master secret (CARETHREAD_SECRET, or the secret file in the data directory) is not the one this database was encrypted with; refusing to start rather than write values nobody could read.',
      );
    }
  }
  const active = keys.find((k) => k.status === 'active') ?? keys[0]!;
  configureFieldEncryption(master, active.id);
  return active.id;
}

/**
 * True until a start has sealed what was stored before encryption and recorded the key checks
 * (openConfiguredDatabase records them only after its sweep, so an interrupted sweep runs again).
 * Every later start skips the sweep: it would scan every encrypted table for nothing.
 */
export async function sealingPending(database: Database): Promise<boolean> {
  const keys = await database.db.select({ check: dataKeys.check }).from(dataKeys);
  return keys.length === 0 || keys.some((k) => k.check === null);
}

/** Re-reads the active key whenever a rotation (in any process) announces one. */
export async function followKeyRotations(database: Database, master: string): Promise<() => Promise<void>> {
  const sync = () => {
    syncDataKeys(database, master).catch(() => {
      // The next notification or restart retries; reads keep working under any version.
    });
  };
  // After a dropped connection comes back, a rotation announced meanwhile is read now.
  return database.listen(KEYS_CHANNEL, sync, sync);
}

export interface SweepProgress {
  table: string;
  done: number;
}

export interface SweepResult {
  /** Values sealed again (under the active key) per table. */
  resealed: Record<string, number>;
  /** Blind indexes computed for rows that had none, and plaintext lookup columns replaced. */
  indexed: Record<string, number>;
}

const BATCH = 500;

/**
 * Seals every value that is not under the active key: plaintext written before encryption was
 * switched on, and values under an older version. Also fills blind indexes rows lack, and
 * turns plaintext in index-only columns into indexes. Pages by primary key in batches of 500,
 * each batch its own short transaction, so the database stays in service while it runs.
 */
export async function resealAll(database: Database, onProgress: (p: SweepProgress) => void = () => {}): Promise<SweepResult> {
  const out: SweepResult = { resealed: {}, indexed: {} };
  const current = `${CIPHERTEXT_PREFIX}${activeKeyId()}$%`;
  for (const { table, pk, columns } of ENCRYPTED_COLUMNS) {
    const stale = sql.join(
      columns.map((c) => sql`(${sql.identifier(c)} is not null and ${sql.identifier(c)} not like ${current})`),
      sql` or `,
    );
    let after: string | null = null;
    let done = 0;
    for (;;) {
      const rows: Row[] = await query(
        database,
        sql`select ${sql.identifier(pk)}::text as pk, ${sql.join(
          columns.map((c) => sql.identifier(c)),
          sql`, `,
        )} from ${sql.identifier(table)} where (${stale}) ${after === null ? sql`` : sql`and ${sql.identifier(pk)}::text > ${after}`} order by ${sql.identifier(pk)}::text limit ${BATCH}`,
      );
      if (rows.length === 0) break;
      await database.db.transaction(async (tx) => {
        for (const row of rows) {
          const sets = columns
            .filter((c) => row[c] !== null && row[c] !== undefined)
            .map((c) => {
              const purpose = `${table}.${c}`;
              const stored = typeof row[c] === 'string' ? (row[c] as string) : JSON.stringify(row[c]);
              return sql`${sql.identifier(c)} = ${encryptField(purpose, decryptField(purpose, stored))}`;
            });
          if (sets.length > 0) await tx.execute(sql`update ${sql.identifier(table)} set ${sql.join(sets, sql`, `)} where ${sql.identifier(pk)}::text = ${row.pk}`);
        }
      });
      done += rows.length;
      after = String(rows[rows.length - 1]!.pk);
      onProgress({ table, done });
    }
    if (done > 0) out.resealed[table] = done;
  }
  await fillIndexes(database, out);
  return out;
}

/** Blind indexes for rows written before they existed (the indexed values are opened first). */
async function fillIndexes(database: Database, out: SweepResult): Promise<void> {
  const count = (name: string, n: number) => {
    if (n > 0) out.indexed[name] = (out.indexed[name] ?? 0) + n;
  };
  // Plaintext markers: a phone (+), an email (@) or a blocking key (kind:value) never appear in
  // an index, which is base64url.
  const plain = (column: string) => sql`(${sql.identifier(column)} like '%@%' or ${sql.identifier(column)} like '+%' or ${sql.identifier(column)} like '%:%')`;
  /** Until `select` finds nothing: each row it finds is rewritten by `update`, so it is not found again. */
  const rekey = async (name: string, select: ReturnType<typeof sql>, update: (r: Row) => ReturnType<typeof sql>) => {
    for (;;) {
      const rows = await query(database, select);
      if (rows.length === 0) break;
      for (const r of rows) await database.db.execute(update(r));
      count(name, rows.length);
    }
  };
  await rekey(
    'identities',
    sql`select id::text as id, kind, value from identities where value_index is null limit ${BATCH}`,
    (r) => sql`update identities set value_index = ${identifierIndex(String(r.kind), decryptField('identities.value', String(r.value)))} where id = ${r.id}::uuid`,
  );
  await rekey(
    'interactions',
    sql`select id::text as id, contact_kind, contact_value from interactions where contact_index is null and contact_value is not null and contact_kind is not null limit ${BATCH}`,
    (r) =>
      sql`update interactions set contact_index = ${identifierIndex(String(r.contact_kind), decryptField('interactions.contact_value', String(r.contact_value)))} where id = ${r.id}::uuid`,
  );
  await rekey(
    'patients',
    sql`select id::text as id, given_name, family_name, birth_date from patients
        where (birth_date is not null and birth_date_index is null) or ((given_name is not null or family_name is not null) and name_index is null) limit ${BATCH}`,
    (r) => {
      const open = (c: string) => (r[c] === null ? null : decryptField(`patients.${c}`, String(r[c])));
      const idx = patientIndexes({ givenName: open('given_name'), familyName: open('family_name'), birthDate: open('birth_date') });
      // An empty array, never null, for a name without letters: the row must not be found again.
      const names = idx.nameIndex ?? [];
      return sql`update patients set birth_date_index = ${idx.birthDateIndex}, name_index = ${sql.raw('ARRAY[')}${names.length ? sql.join(names.map((t) => sql`${t}`), sql`, `) : sql``}${sql.raw(']::text[]')} where id = ${r.id}::uuid`;
    },
  );
  await rekey(
    'patient_blocks',
    sql`select organization_id::text as org, key, patient_id::text as patient from patient_blocks where key like '%:%' limit ${BATCH}`,
    (r) => sql`with gone as (delete from patient_blocks where organization_id = ${r.org}::uuid and key = ${r.key} and patient_id = ${r.patient}::uuid)
      insert into patient_blocks (organization_id, key, patient_id) values (${r.org}::uuid, ${blockingKeyIndex(String(r.key))}, ${r.patient}::uuid) on conflict do nothing`,
  );
  await rekey(
    'consents',
    sql`select organization_id::text as org, channel, address from consents where ${plain('address')} limit ${BATCH}`,
    (r) => sql`update consents set address = ${consentAddressIndex(String(r.channel), String(r.address))} where organization_id = ${r.org}::uuid and channel = ${r.channel} and address = ${r.address}`,
  );
  await rekey(
    'portal_codes',
    sql`select id::text as id, channel, address from portal_codes where ${plain('address')} limit ${BATCH}`,
    (r) => sql`update portal_codes set address = ${portalCodeAddressIndex(String(r.address).includes('@') ? 'email' : 'phone', String(r.address))} where id = ${r.id}::uuid`,
  );
  await rekey(
    'continuations',
    sql`select id::text as id, target_channel, target_address from continuations where target_address is not null and ${plain('target_address')} limit ${BATCH}`,
    (r) => sql`update continuations set target_address = ${continuationTargetIndex(String(r.target_channel), String(r.target_address))} where id = ${r.id}::uuid`,
  );
  await rekey(
    'continuation_failures',
    sql`select id, source from continuation_failures where ${plain('source')} limit ${BATCH}`,
    (r) => sql`update continuation_failures set source = ${continuationSourceIndex(String(r.source))} where id = ${r.id}`,
  );
}

/** How many stored values are sealed under each key version (and how many are still plaintext). */
export async function valuesPerKey(database: Database): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const { table, columns } of ENCRYPTED_COLUMNS) {
    for (const c of columns) {
      const rows = await query(
        database,
        sql`select case when ${sql.identifier(c)} like ${`${CIPHERTEXT_PREFIX}%`} then split_part(${sql.identifier(c)}, '$', 2) else 'plaintext' end as k, count(*)::int as n
            from ${sql.identifier(table)} where ${sql.identifier(c)} is not null group by 1`,
      );
      for (const r of rows) totals[String(r.k)] = (totals[String(r.k)] ?? 0) + Number(r.n);
    }
  }
  return totals;
}

export interface RotationResult {
  from: string;
  to: string;
  sweep: SweepResult;
  retired: string[];
  remaining: Record<string, number>;
}

/**
 * `carethread keys rotate`: a new key version becomes active at once (running processes are
 * told over NOTIFY, and until they hear it their writes stay readable because every version
 * still opens), every value is sealed again under it, and the versions no value uses any more
 * are retired. Safe to run again after an interruption: the sweep picks up where values are
 * still under an old version.
 */
export async function rotateDataKey(database: Database, master: string, onProgress: (p: SweepProgress) => void = () => {}): Promise<RotationResult> {
  const from = await syncDataKeys(database, master);
  const to = newKeyId();
  const now = new Date().toISOString();
  await database.db.transaction(async (tx) => {
    await tx.update(dataKeys).set({ status: 'previous' }).where(eq(dataKeys.status, 'active'));
    await tx.insert(dataKeys).values({ id: to, status: 'active', check: keyCheck(master, to), createdAt: now, activatedAt: now });
  });
  configureFieldEncryption(master, to);
  await database.db.execute(sql`select pg_notify(${KEYS_CHANNEL}, ${to})`);
  const sweep = await resealAll(database, onProgress);
  const remaining = await valuesPerKey(database);
  const retired: string[] = [];
  for (const k of await database.db.select().from(dataKeys)) {
    if (k.status === 'previous' && !remaining[k.id]) {
      await database.db.update(dataKeys).set({ status: 'retired', retiredAt: new Date().toISOString() }).where(eq(dataKeys.id, k.id));
      retired.push(k.id);
    }
  }
  return { from, to, sweep, retired, remaining };
}
