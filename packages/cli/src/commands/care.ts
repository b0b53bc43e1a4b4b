// `carethread billing import <file>` and `carethread results import <file>`: load the
// organisation's statements or report statuses from a CSV or JSON file, all or nothing.

import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { configFromEnv, createServices, DEMO_SLUG, getOrganizationBySlug, importBilling, importResults, openConfiguredDatabase } from '@carethread/server';

interface RowError {
  row: number;
  field: string;
  message: string;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}

const USAGE = 'usage: carethread billing|results import <file.csv|file.json> [--org SLUG] [--dry-run] [--json]';

export async function careImportCommand(what: 'billing' | 'results', argv: string[]): Promise<number> {
  const args = [...argv];
  const json = args.includes('--json');
  const dryRun = args.includes('--dry-run');
  const slug = flag(args, '--org') ?? DEMO_SLUG;
  const rest = args.filter((a) => !a.startsWith('--'));
  if (rest[0] !== 'import' || rest.length !== 2) {
    console.error(`carethread: ${USAGE}`);
    return 2;
  }
  const file = rest[1]!;
  const ext = extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') {
    console.error('carethread: the file must end in .csv or .json');
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    console.error(`carethread: cannot read ${file}`);
    return 2;
  }
  let document: unknown = null;
  if (ext === '.json') {
    try {
      document = JSON.parse(text);
    } catch (err) {
      console.error(`carethread: ${file} is not valid JSON (${(err as Error).message})`);
      return 2;
    }
  }
  const config = configFromEnv();
  const { database, secret } = await openConfiguredDatabase(config, (line) => console.error(`carethread: ${line}`), `carethread ${what} import`);
  try {
    const org = await getOrganizationBySlug(database.db, slug);
    if (!org) {
      console.error(`carethread: no organisation with slug "${slug}"`);
      return 2;
    }
    const services = createServices(database, secret);
    try {
      const result =
        what === 'billing'
          ? await importBilling(services, org.id, ext === '.csv' ? { format: 'csv', csv: text } : { format: 'json', document }, { dryRun })
          : await importResults(services, org.id, ext === '.csv' ? { csv: text } : { json: document }, { dryRun });
      if (json) console.log(JSON.stringify(result));
      else console.log(`carethread: ${dryRun ? 'checked (dry run, nothing written)' : 'imported'}: ${JSON.stringify(result)}`);
      return 0;
    } catch (err) {
      const errors = (err as { errors?: RowError[] }).errors;
      if (!errors) throw err;
      if (json) console.log(JSON.stringify({ error: 'invalid_import', errors }));
      else {
        console.error(`carethread: ${file} was rejected; nothing was imported.`);
        for (const e of errors) console.error(`  row ${e.row}, ${e.field}: ${e.message}`);
      }
      return 1;
    }
  } finally {
    await database.close();
  }
}
