// `carethread keys status [--json]`: the data key versions and how many stored values each seals.
// `carethread keys rotate [--json]`: makes a new version active (running servers are told over
// NOTIFY), re-encrypts every PHI value under it in batches with progress, and retires the
// versions no value uses any more. The service stays up throughout: every version still opens.

import { configFromEnv, openConfiguredDatabase, dataKeys, rotateDataKey, valuesPerKey, type Database } from '@carethread/server';

const USAGE = 'usage: carethread keys status|rotate [--json]';

export interface KeysCommandOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The command on an open database (the tests run it in-process on PGlite and PostgreSQL). */
export async function runKeys(database: Database, secret: string, argv: string[], io: KeysCommandOutput): Promise<number> {
  const json = argv.includes('--json');
  const rest = argv.filter((a) => !a.startsWith('--'));
  if (rest.length !== 1 || (rest[0] !== 'status' && rest[0] !== 'rotate') || argv.some((a) => a.startsWith('--') && a !== '--json')) {
    io.err(`carethread: ${USAGE}`);
    return 2;
  }
  if (rest[0] === 'status') {
    const keys = await database.db.select().from(dataKeys);
    const counts = await valuesPerKey(database);
    const versions = keys.map((k) => ({ id: k.id, status: k.status, createdAt: k.createdAt, activatedAt: k.activatedAt, retiredAt: k.retiredAt, values: counts[k.id] ?? 0 }));
    if (json) io.out(JSON.stringify({ versions, plaintext: counts.plaintext ?? 0 }, null, 2));
    else {
      for (const v of versions) io.out(`${v.id.padEnd(14)} ${v.status.padEnd(9)} ${String(v.values).padStart(9)} values${v.activatedAt ? `  active since ${v.activatedAt}` : ''}`);
      io.out(`plaintext      ${String(counts.plaintext ?? 0).padStart(19)} values`);
    }
    return 0;
  }
  const result = await rotateDataKey(database, secret, ({ table, done }) => {
    if (!json) io.err(`carethread: re-encrypting ${table}: ${done} rows`);
  });
  const left = Object.entries(result.remaining).filter(([k]) => k !== result.to);
  if (json) io.out(JSON.stringify(result, null, 2));
  else {
    const total = Object.values(result.sweep.resealed).reduce((a, b) => a + b, 0);
    io.out(`carethread: data key ${result.from} → ${result.to}; ${total} rows re-encrypted (${Object.entries(result.sweep.resealed).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'})`);
    io.out(result.retired.length ? `carethread: retired ${result.retired.join(', ')}` : 'carethread: no version retired');
    if (left.length) io.out(`carethread: still under older versions: ${left.map(([k, n]) => `${k} ${n}`).join(', ')} (a process wrote before it heard of the rotation; run rotate again)`);
  }
  return left.length ? 1 : 0;
}

export async function keysCommand(argv: string[]): Promise<number> {
  const { database, secret } = await openConfiguredDatabase(configFromEnv(), (line) => console.error(`carethread: ${line}`), 'carethread keys');
  try {
    return await runKeys(database, secret, argv, { out: (l) => console.log(l), err: (l) => console.error(l) });
  } finally {
    await database.close();
  }
}
