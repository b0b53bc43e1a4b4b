import { normalizeIdentifier } from '../identity/normalize.ts';
import { isLocalDate } from '../scheduling/time.ts';

/**
 * The billing import format (docs/billing-import.md), read and checked without touching a
 * database: every problem is reported with its row and field, so a billing office can fix the
 * file in one pass. Finding the patients is the server's part.
 */

export interface BillingImportError {
  /** CSV: the line of the file (the header is row 1). JSON: the line's position in document order, from 1. */
  row: number;
  field: string;
  message: string;
}

export interface ImportedLine {
  row: number;
  lineNo: number;
  serviceDate: string | null;
  code: string;
  description: string;
  chargeCents: number;
  insurancePaidCents: number;
  adjustmentCents: number;
  patientOwesCents: number;
  copayCents: number | null;
  coinsuranceCents: number | null;
  deductibleCents: number | null;
}

export interface ImportedStatement {
  statementId: string;
  /** Normalised like identifiers are (upper case, no spaces or dots). */
  mrn: string | null;
  memberId: string | null;
  statementDate: string;
  dueDate: string | null;
  currency: string;
  /** The first row that names this statement: where a patient error is reported. */
  row: number;
  lines: ImportedLine[];
}

export interface ParsedBillingImport {
  statements: ImportedStatement[];
  errors: BillingImportError[];
}

export const BILLING_CSV_COLUMNS = [
  'statement_id',
  'mrn',
  'member_id',
  'statement_date',
  'due_date',
  'currency',
  'service_date',
  'code',
  'description',
  'charge',
  'insurance_paid',
  'adjustment',
  'patient_responsibility',
  'copay',
  'coinsurance',
  'deductible',
] as const;
type Column = (typeof BILLING_CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: Column[] = ['statement_id', 'statement_date', 'code', 'description', 'charge', 'insurance_paid', 'adjustment', 'patient_responsibility'];

export const MAX_BILLING_ROWS = 50_000;
const MAX_ERRORS = 200;

/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Returns rows of
 * fields with the file line each row starts on, so errors point where a person would look.
 */
export function parseCsv(text: string): { rows: Array<{ line: number; fields: string[] }>; error: string | null } {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let fieldStarted = false;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRow = () => {
    fields.push(field);
    // A blank line is not a row.
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      fieldStarted = true;
    } else if (ch === '\r') {
      // CRLF or a lone CR both end the row.
      if (src[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else if (ch === '\n') {
      endRow();
      line++;
      rowLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) return { rows, error: `row ${rowLine}: a quoted field is never closed` };
  if (field !== '' || fields.length > 0 || fieldStarted) endRow();
  return { rows, error: null };
}

/** "1,234.50", "$12", "-3.1" → cents; null when it is not an amount with at most two decimals. */
export function parseAmount(raw: unknown): number | null {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return null;
    const cents = Math.round(raw * 100);
    return Math.abs(raw * 100 - cents) < 1e-6 && Math.abs(cents) < 1e11 ? cents : null;
  }
  if (typeof raw !== 'string') return null;
  const s = raw.trim().replace(/^(-?)\$/, '$1');
  if (!/^-?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(s)) return null;
  const negative = s.startsWith('-');
  const [whole, frac = ''] = s.replace(/^-/, '').replaceAll(',', '').split('.');
  if (whole!.length > 9) return null;
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return negative ? -cents : cents;
}

interface RawLine {
  row: number;
  get: (field: Column) => unknown;
}

class Collector {
  readonly errors: BillingImportError[] = [];
  add(row: number, field: string, message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ row, field, message });
  }
}

const text = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'string' ? (v.trim() === '' ? null : v.trim()) : typeof v === 'number' ? String(v) : null);

function readLine(raw: RawLine, lineNo: number, errors: Collector): ImportedLine | null {
  const { row } = raw;
  let ok = true;
  const required = (field: Column, max: number): string => {
    const v = text(raw.get(field));
    if (v === null) {
      errors.add(row, field, 'is required');
      ok = false;
      return '';
    }
    if (v.length > max) {
      errors.add(row, field, `is longer than ${max} characters`);
      ok = false;
    }
    return v;
  };
  const amount = (field: Column, opts: { required: boolean; negative: boolean }): number | null => {
    const v = raw.get(field);
    if (text(v) === null) {
      if (opts.required) {
        errors.add(row, field, 'is required (write 0 for none)');
        ok = false;
      }
      return null;
    }
    const cents = parseAmount(v);
    if (cents === null) {
      errors.add(row, field, `must be an amount such as 125.00 (got "${String(v).slice(0, 40)}")`);
      ok = false;
      return null;
    }
    if (cents < 0 && !opts.negative) {
      errors.add(row, field, 'must not be negative');
      ok = false;
    }
    return cents;
  };
  const code = required('code', 20);
  if (code && !/^[A-Za-z0-9.-]{1,20}$/.test(code)) {
    errors.add(row, 'code', 'must be a billing code of letters, digits, dots or dashes (such as 99213 or J1100)');
    ok = false;
  }
  const description = required('description', 300);
  const serviceDate = text(raw.get('service_date'));
  if (serviceDate !== null && !isLocalDate(serviceDate)) {
    errors.add(row, 'service_date', 'must be a calendar date (YYYY-MM-DD)');
    ok = false;
  }
  const charge = amount('charge', { required: true, negative: false });
  const insurancePaid = amount('insurance_paid', { required: true, negative: false });
  // A reversed adjustment is written as a negative one.
  const adjustment = amount('adjustment', { required: true, negative: true });
  const owes = amount('patient_responsibility', { required: true, negative: false });
  const copay = amount('copay', { required: false, negative: false });
  const coinsurance = amount('coinsurance', { required: false, negative: false });
  const deductible = amount('deductible', { required: false, negative: false });
  if (ok && charge !== null && insurancePaid !== null && adjustment !== null && owes !== null) {
    if (charge - insurancePaid - adjustment !== owes) {
      errors.add(row, 'patient_responsibility', 'must equal charge − insurance_paid − adjustment');
      ok = false;
    }
    const parts = (copay ?? 0) + (coinsurance ?? 0) + (deductible ?? 0);
    if (parts > owes) {
      errors.add(row, 'copay', 'copay + coinsurance + deductible must not exceed patient_responsibility');
      ok = false;
    }
  }
  if (!ok) return null;
  return {
    row,
    lineNo,
    serviceDate,
    code: code.toUpperCase(),
    description,
    chargeCents: charge!,
    insurancePaidCents: insurancePaid!,
    adjustmentCents: adjustment!,
    patientOwesCents: owes!,
    copayCents: copay,
    coinsuranceCents: coinsurance,
    deductibleCents: deductible,
  };
}

interface StatementHeader {
  statementId: string;
  mrn: string | null;
  memberId: string | null;
  statementDate: string;
  dueDate: string | null;
  currency: string;
}

function readHeader(row: number, get: (field: Column) => unknown, errors: Collector): StatementHeader | null {
  let ok = true;
  const statementId = text(get('statement_id'));
  if (statementId === null) {
    errors.add(row, 'statement_id', 'is required');
    ok = false;
  } else if (statementId.length > 100) {
    errors.add(row, 'statement_id', 'is longer than 100 characters');
    ok = false;
  }
  const rawMrn = text(get('mrn'));
  const rawMember = text(get('member_id'));
  const mrn = rawMrn === null ? null : normalizeIdentifier('mrn', rawMrn);
  const memberId = rawMember === null ? null : normalizeIdentifier('member_id', rawMember);
  if (rawMrn === null && rawMember === null) {
    errors.add(row, 'mrn', 'the patient is required: give mrn or member_id');
    ok = false;
  }
  if (rawMrn !== null && mrn === null) {
    errors.add(row, 'mrn', 'is not a record number');
    ok = false;
  }
  if (rawMember !== null && memberId === null) {
    errors.add(row, 'member_id', 'is not a member id');
    ok = false;
  }
  const statementDate = text(get('statement_date'));
  if (statementDate === null || !isLocalDate(statementDate)) {
    errors.add(row, 'statement_date', statementDate === null ? 'is required' : 'must be a calendar date (YYYY-MM-DD)');
    ok = false;
  }
  const dueDate = text(get('due_date'));
  if (dueDate !== null && !isLocalDate(dueDate)) {
    errors.add(row, 'due_date', 'must be a calendar date (YYYY-MM-DD)');
    ok = false;
  } else if (dueDate !== null && statementDate !== null && dueDate < statementDate) {
    errors.add(row, 'due_date', 'must not be before statement_date');
    ok = false;
  }
  const currency = (text(get('currency')) ?? 'USD').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) {
    errors.add(row, 'currency', 'must be a three-letter ISO 4217 code such as USD');
    ok = false;
  }
  if (!ok) return null;
  return { statementId: statementId!, mrn, memberId, statementDate: statementDate!, dueDate, currency };
}

const sameHeader = (a: StatementHeader, b: StatementHeader): keyof StatementHeader | null =>
  (['mrn', 'memberId', 'statementDate', 'dueDate', 'currency'] as const).find((k) => a[k] !== b[k]) ?? null;

const FIELD_OF: Record<keyof StatementHeader, string> = {
  statementId: 'statement_id',
  mrn: 'mrn',
  memberId: 'member_id',
  statementDate: 'statement_date',
  dueDate: 'due_date',
  currency: 'currency',
};

/** CSV: one row per statement line; the statement's own columns repeat on each of its rows. */
export function parseBillingCsv(csv: string): ParsedBillingImport {
  const errors = new Collector();
  const parsed = parseCsv(csv);
  if (parsed.error) return { statements: [], errors: [{ row: 1, field: 'file', message: parsed.error }] };
  const [header, ...body] = parsed.rows;
  if (!header) return { statements: [], errors: [{ row: 1, field: 'file', message: 'the file is empty: it needs a header row and at least one line' }] };
  const columns = header.fields.map((f) => f.trim().toLowerCase().replace(/\s+/g, '_'));
  const index = new Map<string, number>();
  for (const [i, name] of columns.entries()) {
    if (!(BILLING_CSV_COLUMNS as readonly string[]).includes(name)) errors.add(header.line, name || `column ${i + 1}`, `is not a column of the billing format (expected some of: ${BILLING_CSV_COLUMNS.join(', ')})`);
    else if (index.has(name)) errors.add(header.line, name, 'appears twice in the header');
    else index.set(name, i);
  }
  for (const c of REQUIRED_COLUMNS) if (!index.has(c)) errors.add(header.line, c, 'column is missing from the header');
  if (!index.has('mrn') && !index.has('member_id')) errors.add(header.line, 'mrn', 'the header needs an mrn or a member_id column');
  if (errors.errors.length > 0) return { statements: [], errors: errors.errors };
  if (body.length === 0) return { statements: [], errors: [{ row: 2, field: 'file', message: 'the file has a header but no lines' }] };
  if (body.length > MAX_BILLING_ROWS) return { statements: [], errors: [{ row: 1, field: 'file', message: `one import holds at most ${MAX_BILLING_ROWS} lines; split the file` }] };
  const byId = new Map<string, { header: StatementHeader; statement: ImportedStatement }>();
  for (const r of body) {
    if (r.fields.length !== columns.length) {
      errors.add(r.line, 'row', `has ${r.fields.length} fields; the header has ${columns.length}`);
      continue;
    }
    const get = (field: Column) => {
      const i = index.get(field);
      return i === undefined ? undefined : r.fields[i];
    };
    const h = readHeader(r.line, get, errors);
    const known = h ? byId.get(h.statementId) : undefined;
    if (h && known) {
      const differs = sameHeader(known.header, h);
      if (differs) errors.add(r.line, FIELD_OF[differs], `differs from row ${known.statement.row}, which starts statement ${h.statementId}`);
    }
    const line = readLine({ row: r.line, get }, (known?.statement.lines.length ?? 0) + 1, errors);
    if (!h || !line) continue;
    if (known) known.statement.lines.push(line);
    else byId.set(h.statementId, { header: h, statement: { ...h, row: r.line, lines: [line] } });
  }
  return { statements: errors.errors.length > 0 ? [] : [...byId.values()].map((s) => s.statement), errors: errors.errors };
}

const LINE_KEYS: Record<string, Column> = {
  serviceDate: 'service_date',
  code: 'code',
  description: 'description',
  charge: 'charge',
  insurancePaid: 'insurance_paid',
  adjustment: 'adjustment',
  patientResponsibility: 'patient_responsibility',
  copay: 'copay',
  coinsurance: 'coinsurance',
  deductible: 'deductible',
};
const STATEMENT_KEYS: Record<string, Column> = {
  id: 'statement_id',
  mrn: 'mrn',
  memberId: 'member_id',
  statementDate: 'statement_date',
  dueDate: 'due_date',
  currency: 'currency',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON: `{ "statements": [{ id, mrn | memberId, statementDate, dueDate?, currency?, lines: [...] }] }`.
 * Rows are the lines in document order, from 1, and the field names the JSON path.
 */
export function parseBillingJson(doc: unknown): ParsedBillingImport {
  const errors = new Collector();
  if (!isObject(doc) || !Array.isArray(doc.statements)) return { statements: [], errors: [{ row: 0, field: 'statements', message: 'the document must be an object with a "statements" array' }] };
  const unknownTop = Object.keys(doc).filter((k) => k !== 'statements');
  for (const k of unknownTop) errors.add(0, k, 'is not a field of the billing format');
  if (doc.statements.length === 0) errors.add(0, 'statements', 'is empty: nothing to import');
  let row = 0;
  const seen = new Map<string, number>();
  const out: ImportedStatement[] = [];
  for (const [i, s] of (doc.statements as unknown[]).entries()) {
    const at = `statements[${i}]`;
    if (!isObject(s)) {
      errors.add(row + 1, at, 'must be an object');
      continue;
    }
    for (const k of Object.keys(s)) if (!(k in STATEMENT_KEYS) && k !== 'lines') errors.add(row + 1, `${at}.${k}`, 'is not a field of the billing format');
    const headerErrors = new Collector();
    const h = readHeader(row + 1, (f) => s[Object.keys(STATEMENT_KEYS).find((k) => STATEMENT_KEYS[k] === f)!], headerErrors);
    for (const e of headerErrors.errors) errors.add(e.row, `${at}.${camel(e.field, STATEMENT_KEYS)}`, e.message);
    if (h && seen.has(h.statementId)) errors.add(row + 1, `${at}.id`, `repeats statement ${h.statementId} (statements[${seen.get(h.statementId)}])`);
    if (h) seen.set(h.statementId, i);
    if (!Array.isArray(s.lines) || s.lines.length === 0) {
      errors.add(row + 1, `${at}.lines`, 'must be a non-empty array of lines');
      continue;
    }
    const lines: ImportedLine[] = [];
    const firstRow = row + 1;
    for (const [j, l] of (s.lines as unknown[]).entries()) {
      row++;
      const lat = `${at}.lines[${j}]`;
      if (!isObject(l)) {
        errors.add(row, lat, 'must be an object');
        continue;
      }
      for (const k of Object.keys(l)) if (!(k in LINE_KEYS)) errors.add(row, `${lat}.${k}`, 'is not a field of the billing format');
      const lineErrors = new Collector();
      const line = readLine({ row, get: (f) => l[Object.keys(LINE_KEYS).find((k) => LINE_KEYS[k] === f)!] }, j + 1, lineErrors);
      for (const e of lineErrors.errors) errors.add(e.row, `${lat}.${camel(e.field, LINE_KEYS)}`, e.message);
      if (line) lines.push(line);
    }
    if (row > MAX_BILLING_ROWS) return { statements: [], errors: [{ row, field: 'statements', message: `one import holds at most ${MAX_BILLING_ROWS} lines; split the file` }] };
    if (h) out.push({ ...h, row: firstRow, lines });
  }
  return { statements: errors.errors.length > 0 ? [] : out, errors: errors.errors };
}

function camel(field: string, keys: Record<string, Column>): string {
  return Object.keys(keys).find((k) => keys[k] === field) ?? field;
}
