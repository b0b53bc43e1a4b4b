import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptField, openDatabase, useMasterSecret } from '@carethread/server';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ct-care-cli-'));
// Always the embedded database in a directory of its own: the import is what is under test.
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', CARETHREAD_DATA_DIR: dir },
    timeout: 240_000,
  });

let mrn: string;

beforeAll(async () => {
  const demo = cli(['demo', '--patients', '4']);
  expect(demo.status, demo.stderr).toBe(0);
  const database = await openDatabase({ dataDir: join(dir, 'pgdata') });
  const r = await database.db.execute(sql`select value from identities where kind = 'mrn' limit 1`);
  // Identifiers are sealed under keys from the data directory's secret.
  useMasterSecret(readFileSync(join(dir, 'secret'), 'utf8').trim());
  const sealed = ((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ value: string }>)[0]!.value;
  mrn = decryptField('identities.value', sealed);
  await database.close();
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('carethread billing import', () => {
  it('imports a valid CSV file and rejects a bad one with row and field, importing nothing', () => {
    const good = join(dir, 'good.csv');
    writeFileSync(good, `statement_id,mrn,statement_date,code,description,charge,insurance_paid,adjustment,patient_responsibility\nCLI-1,${mrn},2026-03-01,99213,Office visit,100.00,70.00,10.00,20.00\n`);
    const ok = cli(['billing', 'import', good, '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ statements: { created: 1, updated: 0 }, lines: 1 });

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `statement_id,mrn,statement_date,code,description,charge,insurance_paid,adjustment,patient_responsibility\nCLI-2,${mrn},2026-03-01,99213,Office visit,100.00,70.00,10.00,20.00\nCLI-3,${mrn},2026-03-01,99213,Office visit,lots,70.00,10.00,20.00\n`);
    const rejected = cli(['billing', 'import', bad]);
    expect(rejected.status).toBe(1);
    expect(rejected.stderr).toContain('row 3, charge');
    expect(rejected.stderr).toContain('nothing was imported');
    // CLI-2 was valid but must not have gone in: a dry run of it alone still counts it as new.
    writeFileSync(join(dir, 'only2.csv'), `statement_id,mrn,statement_date,code,description,charge,insurance_paid,adjustment,patient_responsibility\nCLI-2,${mrn},2026-03-01,99213,Office visit,100.00,70.00,10.00,20.00\n`);
    expect(JSON.parse(cli(['billing', 'import', join(dir, 'only2.csv'), '--dry-run', '--json']).stdout)).toMatchObject({ statements: { created: 1, updated: 0 } });
  }, 240_000);

  it('imports results from JSON', () => {
    const file = join(dir, 'results.json');
    writeFileSync(file, JSON.stringify({ results: [{ id: 'CLI-R1', mrn, name: 'Lipid panel', status: 'final' }] }));
    const run = cli(['results', 'import', file, '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ created: 1 });
    expect(cli(['billing', 'import', join(dir, 'nope.txt')]).status).toBe(2);
  }, 240_000);
});
