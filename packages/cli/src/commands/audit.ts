// `carethread audit verify [--org SLUG] [--json]`: recomputes each organisation's hash chain
// and names the first broken link; exit 1 on a break, so a scheduled job can alert on it.
// `carethread audit purge [--org SLUG] [--json]`: removes entries older than the retention
// (settings.auditRetentionYears, default 6), leaving a checkpoint the chain verifies from.
// `--anchors FILE` (verify): the anchors `carethread start` wrote (JSON lines, a log with them
// in it is fine); every organisation's chain must still pass through each of its anchors.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { auditLog, configFromEnv, migrateDatabase, openDatabase, parseAuditAnchors, purgeExpiredAudit, schema, verifyChain, type ChainReport, type Database } from '@carethread/server';

const USAGE = 'usage: carethread audit verify|purge [--org SLUG] [--json] [--anchor SEQ:HASH (verify, with --org)] [--anchors FILE (verify)]';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}

export interface AuditCommandOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The command on an open database (the tests run it in-process on PGlite and PostgreSQL). */
export async function runAudit(database: Database, argv: string[], io: AuditCommandOutput): Promise<number> {
  const args = [...argv];
  const json = args.includes('--json');
  const orgGiven = args.includes('--org');
  const slug = flag(args, '--org');
  const anchorGiven = args.includes('--anchor');
  const anchorText = flag(args, '--anchor');
  const anchor = anchorText ? /^(\d{1,18}):([0-9a-f]{64})$/.exec(anchorText) : null;
  if (anchorGiven && (!anchor || !slug)) {
    io.err(`carethread: --anchor takes SEQ:HASH as printed by an earlier verify (a seq and 64 hex digits), with --org; ${USAGE}`);
    return 2;
  }
  const anchorsGiven = args.includes('--anchors');
  const anchorsFile = flag(args, '--anchors');
  let fileAnchors: ReturnType<typeof parseAuditAnchors> = [];
  if (anchorsGiven) {
    try {
      if (!anchorsFile || anchorsFile.startsWith('--')) throw new Error('no file');
      fileAnchors = parseAuditAnchors(readFileSync(anchorsFile, 'utf8'));
    } catch {
      io.err(`carethread: --anchors takes a readable file of anchors written by carethread start; ${USAGE}`);
      return 2;
    }
  }
  const rest = args.filter((a) => !a.startsWith('--'));
  if ((rest[0] !== 'verify' && rest[0] !== 'purge') || rest.length !== 1 || (orgGiven && (!slug || slug.startsWith('--')))) {
    io.err(`carethread: ${USAGE}`);
    return 2;
  }
  const orgs = await database.db
    .select({ id: schema.organizations.id, slug: schema.organizations.slug })
    .from(schema.organizations)
    .where(slug ? eq(schema.organizations.slug, slug) : undefined)
    .orderBy(asc(schema.organizations.slug));
  if (slug && orgs.length === 0) {
    io.err(`carethread: no organisation with slug "${slug}"`);
    return 2;
  }
  if (rest[0] === 'purge') {
    const results = [];
    for (const org of orgs) results.push({ organization: org.slug, ...(await purgeExpiredAudit(database.db, org.id)) });
    if (json) io.out(JSON.stringify({ organizations: results }, null, 2));
    else for (const r of results) io.out(`${r.organization}: ${r.purged} entries older than ${r.cutoff} purged${r.checkpointSeq ? ` (checkpoint at seq ${r.checkpointSeq})` : ''}`);
    return 0;
  }
  const reports: ChainReport[] = [];
  for (const org of orgs) reports.push({ ...(await verifyChain(database.db, org.id)), slug: org.slug });
  // Heads recorded outside the database earlier: the chain must still pass through each one
  // unchanged, which catches a rewritten tail and deleted newest rows, both of which would
  // otherwise leave a chain that verifies on its own.
  for (const [i, org] of orgs.entries()) {
    const report = reports[i]!;
    const expected = fileAnchors.filter((a) => a.organization === org.slug).map((a) => ({ seq: a.headSeq, hash: a.headHash }));
    if (anchor && i === 0) expected.push({ seq: Number(anchor[1]), hash: anchor[2]! });
    if (!report.ok || expected.length === 0) continue;
    // Seq 0 is an empty chain's anchor: every chain starts there.
    const wanted = expected.filter((a) => a.seq > 0 && (report.startsAfterPurgeThrough === null || a.seq > report.startsAfterPurgeThrough)).sort((a, b) => a.seq - b.seq);
    const stored = new Map<number, string>();
    for (let at = 0; at < wanted.length; at += 1000) {
      const seqs = [...new Set(wanted.slice(at, at + 1000).map((a) => a.seq))];
      const rows = await database.db
        .select({ seq: auditLog.seq, hash: auditLog.hash })
        .from(auditLog)
        .where(and(eq(auditLog.organizationId, org.id), inArray(auditLog.seq, seqs)));
      for (const r of rows) stored.set(Number(r.seq), r.hash);
    }
    const broken = wanted.find((a) => stored.get(a.seq) !== a.hash);
    if (broken) {
      report.ok = false;
      const found = stored.get(broken.seq);
      report.firstBreak = { seq: broken.seq, kind: found ? 'hash' : 'missing', expected: broken.hash, found: found ?? 'no row (the chain ends before this anchor)' };
    }
    (report as ChainReport & { anchorsChecked?: number }).anchorsChecked = wanted.length;
  }
  const ok = reports.every((r) => r.ok);
  if (json) {
    io.out(JSON.stringify({ ok, organizations: reports }, null, 2));
  } else {
    for (const r of reports) {
      if (r.ok) {
        io.out(`OK      ${r.slug}: ${r.rows} entries, seq ${r.firstSeq ?? '-'}…${r.headSeq ?? '-'}${r.startsAfterPurgeThrough ? ` (after a purge through seq ${r.startsAfterPurgeThrough})` : ''}, head ${r.headHash ?? '-'}`);
      } else {
        const b = r.firstBreak!;
        io.out(`BROKEN  ${r.slug}: first broken link at seq ${b.seq} (${b.kind}): expected ${b.expected}, found ${b.found}`);
      }
    }
  }
  return ok ? 0 : 1;
}

export async function auditCommand(argv: string[]): Promise<number> {
  const config = configFromEnv();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : join(config.dataDir, 'pgdata'), command: 'carethread audit' });
  try {
    await migrateDatabase(database);
    return await runAudit(database, argv, { out: (l) => console.log(l), err: (l) => console.error(l) });
  } finally {
    await database.close();
  }
}
