import { sql, type SQL } from 'drizzle-orm';
import { decryptField, ENCRYPTED_COLUMNS, isCiphertext, type Database } from '../../src/index.ts';

// Raw SQL in tests: rows of any engine's result, with sealed PHI opened. Raw queries bypass
// Drizzle's column mappers, and an alias hides which column a value came from, so each sealed
// value is tried against every encrypted column (the column name is bound into the seal, so
// exactly one opens it). JSON columns come back as objects, as jsonb did before encryption.

const PURPOSES = ENCRYPTED_COLUMNS.flatMap((t) => t.columns.map((c) => `${t.table}.${c}`));
const JSON_COLUMNS = new Set(['outbox.payload', 'assistant_dialogues.state', 'care_tasks.details']);

export function openSealed(value: string): unknown {
  for (const purpose of PURPOSES) {
    let plain: string;
    try {
      plain = decryptField(purpose, value);
    } catch {
      continue;
    }
    return JSON_COLUMNS.has(purpose) ? JSON.parse(plain) : plain;
  }
  throw new Error('a sealed value that no encrypted column opens');
}

function openRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'string' && isCiphertext(v) ? openSealed(v) : v;
  return out;
}

export async function queryRows<T>(database: Database, query: SQL): Promise<T[]> {
  const r = await database.db.execute(query);
  const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
  return rows.map(openRow) as T[];
}

export interface OutboxTestRow {
  id: number;
  case_id: string | null;
  channel: string;
  to_address: string;
  payload: Record<string, any>;
  status: string;
  next_attempt_at: string;
  created_at: string;
}

/**
 * Outbox rows, oldest first, opened; `filter` runs on the plaintext (the payload and the
 * recipient are sealed, so SQL cannot filter on them any more).
 */
export async function outboxRows(database: Database, filter: (row: OutboxTestRow) => boolean = () => true): Promise<OutboxTestRow[]> {
  const rows = await queryRows<OutboxTestRow>(
    database,
    sql`select * from outbox order by id`,
  );
  return rows.filter(filter);
}

/** Messages whose (sealed) body is exactly `text`. */
export async function messagesWithBody<T = { id: string; case_id: string; channel: string; interaction_id: string }>(database: Database, text: string): Promise<T[]> {
  const rows = await queryRows<{ body: string | null }>(database, sql`select id, case_id, channel, interaction_id, body from messages order by occurred_at, id`);
  return rows.filter((r) => r.body === text) as T[];
}
