import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Who holds an embedded database: written to `<dataDir>.lock` beside it. */
export interface LockHolder {
  pid: number;
  /** The command holding it: `carethread start`, `carethread demo`, … */
  command: string;
  /** Where `carethread start` serves, once it listens. */
  url?: string;
  since: string;
}

/**
 * A second process on one PGlite directory would write a database the first never sees (and
 * can corrupt it): the embedded database belongs to one process at a time.
 */
export class DatabaseInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const { pid, command, url } = holder;
    super(
      command === 'carethread start'
        ? `carethread start is running (pid ${pid})${url ? ` at ${url}` : ''} and holds the embedded database in ${dataDir}; stop it first or use its API`
        : `the embedded database in ${dataDir} is in use by ${command} (pid ${pid}); wait for it to finish or stop it first`,
    );
    this.name = 'DatabaseInUse';
  }
}

export interface EmbeddedLock {
  /** Records the URL this process serves at, for the message a second process gets. */
  noteUrl(url: string): void;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) && holder.pid > 0 ? holder : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of an embedded database directory, or throws DatabaseInUse naming the process
 * that has it. A lock whose process is gone (killed, crashed) is stale and taken over; so is one
 * naming this very pid (a container restarted under the same pid).
 */
export function lockEmbeddedDatabase(dataDir: string, command: string): EmbeddedLock {
  const file = `${dataDir}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  const mine: LockHolder = { pid: process.pid, command, since: new Date().toISOString() };
  // Written whole to a file of our own, then linked into place: a reader never sees half a lock,
  // and link() fails if the lock exists, so two starting processes cannot both take it.
  const write = (holder: LockHolder, into: (tmp: string) => void) => {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(holder), { mode: 0o600 });
    try {
      into(tmp);
    } finally {
      rmSync(tmp, { force: true });
    }
  };
  for (let attempt = 0; ; attempt++) {
    try {
      write(mine, (tmp) => linkSync(tmp, file));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw err;
      const holder = readHolder(file);
      if (holder && holder.pid !== process.pid && alive(holder.pid)) throw new DatabaseInUse(dataDir, holder);
      rmSync(file, { force: true });
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
  };
  // A process that ends without closing the database (an uncaught error) still lets go.
  process.on('exit', release);
  return {
    noteUrl(url) {
      if (held) write({ ...mine, url }, (tmp) => renameSync(tmp, file));
    },
    release,
  };
}
