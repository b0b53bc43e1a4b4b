import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { configFromEnv, loadTwilioWebhookSecret, DEMO_SLUG, ensureAdminToken, getOrganizationBySlug, openConfiguredDatabase, seedOrganization, seedScheduling, seedCare, startCarethread } from '@carethread/server';
import { matchEvalCommand } from './commands/match-eval.ts';
import { nluCommand } from './commands/nlu.ts';
import { careImportCommand } from './commands/care.ts';
import { auditCommand } from './commands/audit.ts';
import { keysCommand } from './commands/keys.ts';
import { loadScenarios, replay } from './replay.ts';
import { ScenarioError } from './scenario.ts';

const USAGE = `carethread — one patient, one thread across every channel

Usage:
  carethread start                      serve on PORT (default 3000); embedded database in ./.carethread
  carethread migrate                    apply database migrations and exit
  carethread demo [--patients N] [--slug S]
                                        create a synthetic demo organisation
  carethread match-eval <a.csv> [<b.csv>] [--json]
                                        score the patient matcher on Febrl files
  carethread replay <file-or-dir> [--json]
                                        play journey scenarios through the pipeline
  carethread nlu eval|classify [--json] score the assistant's understanding, or classify stdin lines
  carethread audit verify|purge [--org S] [--json] [--anchors FILE]
                                        check the audit log's hash chain (exit 1 on a break), or purge past retention
  carethread keys status|rotate [--json]
                                        show the data key versions, or rotate: a new version, every PHI value re-encrypted, online
  carethread billing|results import <file.csv|file.json> [--org SLUG] [--dry-run] [--json]
                                        load statements or report statuses (docs/billing-import.md)

Environment: PORT, HOST, DATABASE_URL (postgres://… for PostgreSQL), CARETHREAD_DATA_DIR,
CARETHREAD_ADMIN_TOKEN, CARETHREAD_DEMO_PATIENTS, CARETHREAD_LOG=1 for request logs.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

class UsageError extends Error {}

/** `command` is named to a second process that finds the embedded database held by this one. */
async function openConfigured(command: string) {
  const config = configFromEnv();
  const { database } = await openConfiguredDatabase(config, (line) => console.error(`carethread: ${line}`), command);
  return { config, database };
}

async function start(): Promise<number> {
  const config = configFromEnv();
  console.log(`carethread: opening ${config.databaseUrl ? 'PostgreSQL' : `the embedded database in ${config.dataDir}`}…`);
  const running = await startCarethread(config, (line) => console.log(`carethread: ${line}`));
  console.log(`carethread: ready at ${running.url}`);
  console.log(`carethread: API reference at ${running.url}/docs`);
  if (running.setupUrl) console.log(`carethread: set up the first administrator (one-time link, 24 hours; keep it secret): ${running.setupUrl}`);
  for (const d of running.demoSignIns) {
    console.log(`carethread: demo only — ${d.role} ${d.name} signs in at ${running.url}/app/ as ${d.email} with password ${d.password}`);
  }
  const stop = async () => {
    console.log('carethread: stopping…');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {});
}

async function migrate(): Promise<number> {
  const { database } = await openConfigured('carethread migrate');
  await database.close();
  console.log('carethread: database is up to date');
  return 0;
}

async function demo(args: string[]): Promise<number> {
  const patients = Number(option(args, '--patients') ?? 300);
  const slug = option(args, '--slug') ?? DEMO_SLUG;
  if (!Number.isInteger(patients) || patients < 0 || patients > 1_000_000) throw new UsageError('--patients must be a whole number up to 1000000');
  if (!/^[a-z0-9-]{1,40}$/.test(slug)) throw new UsageError('--slug must be lower-case letters, digits and dashes');
  const { database } = await openConfigured('carethread demo');
  try {
    if (await getOrganizationBySlug(database.db, slug)) {
      console.error(`carethread: an organisation with slug "${slug}" already exists; pick another with --slug`);
      return 2;
    }
    const { organizationId } = await database.db.transaction(async (tx) => {
      const seeded = await seedOrganization(tx, {
        slug,
        ...(slug === DEMO_SLUG ? {} : { name: `${slug} (synthetic)` }),
        patients,
        onProgress: (done, total) => process.stderr.write(`\rcarethread: ${done}/${total} synthetic patients`),
      });
      await seedScheduling(tx, seeded.organizationId, { days: 14 });
      await seedCare(tx, seeded.organizationId);
      return seeded;
    });
    process.stderr.write('\n');
    const { token } = await ensureAdminToken(database.db, organizationId);
    console.log(`carethread: organisation "${slug}" created (${organizationId})`);
    if (token) console.log(`carethread: admin token (keep it secret): ${token}`);
    return 0;
  } finally {
    await database.close();
  }
}

async function replayCommand(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const targets = args.filter((a) => !a.startsWith('--'));
  if (targets.length !== 1) throw new UsageError('replay takes one scenario file or directory');
  let scenarios;
  try {
    scenarios = loadScenarios(targets[0]!);
  } catch (err) {
    if (err instanceof ScenarioError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`carethread: ${(err as Error).message}`);
      return 2;
    }
    throw err;
  }
  const report = await replay(scenarios, {
    // Signed as a Twilio account would: with TWILIO_AUTH_TOKEN, else this install's own webhook secret.
    twilioAuthToken: loadTwilioWebhookSecret(configFromEnv().dataDir),
    onProgress: (done, total, name) => process.stderr.write(`carethread: [${done}/${total}] ${name}\n`),
  });
  if (json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    for (const s of report.scenarios) {
      const missed = s.expectations.filter((e) => !e.met).map((e) => `${e.key} expected ${e.expected}, saw ${e.observed}`);
      console.log(`${s.passed ? 'PASS' : 'FAIL'}  ${s.name}${s.error ? `  (${s.error})` : ''}${missed.length ? `  — ${missed.join('; ')}` : ''}`);
    }
    const t = report.total;
    console.log(`\n${t.passed} passed, ${t.failed} failed — ${t.cases} cases, ${t.interactions} interactions, ${t.channel_switches} switches (${t.seamless_switches} seamless), ${t.repeat_asks} repeat asks, ${t.recontacts} recontacts`);
  }
  return report.total.failed > 0 ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'start':
        return await start();
      case 'migrate':
        return await migrate();
      case 'demo':
        return await demo(args);
      case 'match-eval':
        return await matchEvalCommand(args);
      case 'replay':
        return await replayCommand(args);
      case 'nlu':
        return await nluCommand(args);
      case 'audit':
        return await auditCommand(args);
      case 'keys':
        return await keysCommand(args);
      case 'billing':
      case 'results':
        return await careImportCommand(command, args);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`carethread: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`carethread: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`carethread: ${(err as Error).message}`);
    return 1;
  }
}

// Run directly (`node --import tsx packages/cli/src/main.ts …`, as `npm start` does); the
// installed binary imports `main` and calls it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `start` never resolves: the server keeps the process alive until a signal stops it.
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
