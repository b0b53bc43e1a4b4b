import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL cluster of a test's own, for tests that stop or restart the database: the shared
 * server on 54329 serves every other test file in parallel and must never go down.
 */
export interface PrivateCluster {
  url: string;
  port: number;
  /**
   * `pg_ctl restart -m fast`: every connection is terminated (57P01), then the server comes back.
   * Asynchronous, so a server in this process keeps serving (and failing) while it happens.
   */
  restart(): Promise<void>;
  stop(): void;
}

/** The newest PostgreSQL's bin directory under /usr/lib/postgresql, or null when none is installed. */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? join(root, versions.at(-1)!, 'bin') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: as root, run it (and pg_ctl) as the postgres user, like .ci/run. */
function asPostgres(command: string): [string, string[]] {
  return process.getuid?.() === 0 ? ['su', ['postgres', '-s', '/bin/sh', '-c', command]] : ['/bin/sh', ['-c', command]];
}
function runAsPostgres(command: string): void {
  execFileSync(...asPostgres(command), { stdio: 'pipe' });
}
const execFileAsync = promisify(execFile);

function postgresUid(): { uid: number; gid: number } {
  const out = execFileSync('id', ['postgres'], { encoding: 'utf8' });
  return { uid: Number(/uid=(\d+)/.exec(out)![1]), gid: Number(/gid=(\d+)/.exec(out)![1]) };
}

export async function startPrivateCluster(bin: string): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ct-private-pg-'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUid();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  runAsPostgres(`${bin}/initdb -D ${data} -A trust -U postgres --no-instructions >/dev/null`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const ctl = (verb: string) => `${bin}/pg_ctl -D ${data} -o '${options}' -l ${dir}/log -w -t 60 ${verb}`;
  runAsPostgres(ctl('start'));
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: async () => {
      await execFileAsync(...asPostgres(ctl('-m fast restart')));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        runAsPostgres(ctl('-m fast stop'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
