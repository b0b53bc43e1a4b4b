import { normalizeIdentifier } from '../identity/normalize.ts';
import { isLocalDate } from '../scheduling/time.ts';
import { parseCsv, type BillingImportError } from './billing-import.ts';

/**
 * Test results as the assistant may speak of them: whether a report exists and whether it is
 * released, never what it says. Statuses are FHIR R4 DiagnosticReport.status; values and
 * interpretations are not stored at all, so they cannot leak into a conversation.
 */
export const RESULT_STATUSES = ['registered', 'partial', 'preliminary', 'final', 'amended', 'corrected', 'appended', 'cancelled', 'entered-in-error'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** Released to the patient: readable in the portal. */
export function isResultAvailable(status: string): boolean {
  return status === 'final' || status === 'amended' || status === 'corrected' || status === 'appended';
}

/** Ordered or in progress: the patient should hear it is not ready yet. */
export function isResultPending(status: string): boolean {
  return status === 'registered' || status === 'partial' || status === 'preliminary';
}

export interface ImportedResult {
  row: number;
  resultId: string;
  mrn: string | null;
  memberId: string | null;
  code: string | null;
  name: string;
  status: ResultStatus;
  effectiveDate: string | null;
  issuedAt: string | null;
}

export type ResultImportError = BillingImportError;

const FIELDS = { id: 'result_id', mrn: 'mrn', memberId: 'member_id', code: 'code', name: 'name', status: 'status', effectiveDate: 'effective_date', issuedAt: 'issued_at' } as const;
type Key = keyof typeof FIELDS;
const CSV_TO_KEY = new Map(Object.entries(FIELDS).map(([k, v]) => [v as string, k as Key]));

function readResult(row: number, get: (k: Key) => unknown, fieldName: (k: Key) => string, errors: ResultImportError[]): ImportedResult | null {
  const before = errors.length;
  const str = (k: Key) => {
    const v = get(k);
    return v === undefined || v === null ? null : typeof v === 'string' || typeof v === 'number' ? String(v).trim() || null : null;
  };
  const add = (k: Key, message: string) => errors.push({ row, field: fieldName(k), message });
  const id = str('id');
  if (!id) add('id', 'is required');
  else if (id.length > 100) add('id', 'is longer than 100 characters');
  const rawMrn = str('mrn');
  const rawMember = str('memberId');
  const mrn = rawMrn ? normalizeIdentifier('mrn', rawMrn) : null;
  const memberId = rawMember ? normalizeIdentifier('member_id', rawMember) : null;
  if (!rawMrn && !rawMember) add('mrn', 'the patient is required: give mrn or member_id');
  if (rawMrn && !mrn) add('mrn', 'is not a record number');
  if (rawMember && !memberId) add('memberId', 'is not a member id');
  const name = str('name');
  if (!name) add('name', 'is required (the test name, such as "Lipid panel")');
  else if (name.length > 200) add('name', 'is longer than 200 characters');
  const code = str('code');
  if (code && code.length > 40) add('code', 'is longer than 40 characters');
  const status = str('status');
  if (!status) add('status', 'is required');
  else if (!(RESULT_STATUSES as readonly string[]).includes(status)) add('status', `must be a FHIR DiagnosticReport status: ${RESULT_STATUSES.join(', ')}`);
  const effectiveDate = str('effectiveDate');
  if (effectiveDate && !isLocalDate(effectiveDate)) add('effectiveDate', 'must be a calendar date (YYYY-MM-DD)');
  const issuedAt = str('issuedAt');
  if (issuedAt && Number.isNaN(Date.parse(issuedAt))) add('issuedAt', 'must be an ISO 8601 time such as 2026-03-02T15:00:00Z');
  if (errors.length > before) return null;
  return {
    row,
    resultId: id!,
    mrn,
    memberId,
    code,
    name: name!,
    status: status as ResultStatus,
    effectiveDate,
    issuedAt: issuedAt ? new Date(issuedAt).toISOString() : null,
  };
}

/** `{ "results": [{ id, mrn | memberId, code?, name, status, effectiveDate?, issuedAt? }] }`, or CSV with the snake_case columns. */
export function parseResultsImport(input: { json?: unknown; csv?: string }): { results: ImportedResult[]; errors: ResultImportError[] } {
  const errors: ResultImportError[] = [];
  const results: ImportedResult[] = [];
  if (input.csv !== undefined) {
    const parsed = parseCsv(input.csv);
    if (parsed.error) return { results: [], errors: [{ row: 1, field: 'file', message: parsed.error }] };
    const [header, ...body] = parsed.rows;
    if (!header || body.length === 0) return { results: [], errors: [{ row: 1, field: 'file', message: 'the file needs a header row and at least one result' }] };
    const cols = header.fields.map((f) => f.trim().toLowerCase());
    for (const c of cols) if (!CSV_TO_KEY.has(c)) errors.push({ row: 1, field: c, message: `is not a column of the results format (expected some of: ${Object.values(FIELDS).join(', ')})` });
    if (errors.length > 0) return { results: [], errors };
    for (const r of body) {
      if (r.fields.length !== cols.length) {
        errors.push({ row: r.line, field: 'row', message: `has ${r.fields.length} fields; the header has ${cols.length}` });
        continue;
      }
      const get = (k: Key) => r.fields[cols.indexOf(FIELDS[k])];
      const res = readResult(r.line, get, (k) => FIELDS[k], errors);
      if (res) results.push(res);
    }
  } else {
    const doc = input.json as { results?: unknown } | null;
    if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.results) || doc.results.length === 0) {
      return { results: [], errors: [{ row: 0, field: 'results', message: 'the document must be an object with a non-empty "results" array' }] };
    }
    for (const [i, item] of doc.results.entries()) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        errors.push({ row: i + 1, field: `results[${i}]`, message: 'must be an object' });
        continue;
      }
      const obj = item as Record<string, unknown>;
      for (const k of Object.keys(obj)) if (!(k in FIELDS)) errors.push({ row: i + 1, field: `results[${i}].${k}`, message: 'is not a field of the results format' });
      const res = readResult(i + 1, (k) => obj[k], (k) => `results[${i}].${k}`, errors);
      if (res) results.push(res);
    }
  }
  const seen = new Map<string, number>();
  for (const r of results) {
    const first = seen.get(r.resultId);
    if (first !== undefined) errors.push({ row: r.row, field: 'id', message: `repeats result ${r.resultId} (row ${first})` });
    else seen.set(r.resultId, r.row);
  }
  return { results: errors.length > 0 ? [] : results, errors: errors.slice(0, 200) };
}
