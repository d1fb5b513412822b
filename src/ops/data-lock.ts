// One process per embedded-database folder. PGlite is a single-process database: a second process
// opening the same folder does not fail, it silently loses writes. So the folder holds a lock file
// (`parley.lock`: pid, command, and for a running server the local URL and a control token that
// lets `parley backup` ask it for a snapshot); a second opener whose lock holder is alive refuses
// with a message naming the folder. A lock left by a killed process (its pid is gone) is taken over.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'parley.lock';

export type DataLock = { pid: number; command: string; startedAt: string; url?: string; token?: string };

export class DataDirLockedError extends Error {
  readonly holder: DataLock;
  readonly dir: string;
  constructor(dir: string, holder: DataLock) {
    super(
      `The embedded database in ${dir} is in use by another Parley process (pid ${holder.pid}, parley ${holder.command}). ` +
        'Stop it first, or give this process its own PARLEY_DATA_DIR (or use PostgreSQL with DATABASE_URL to run several).',
    );
    this.holder = holder;
    this.dir = dir;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
};

/** The lock of a folder if a live process holds it. */
export function readDataLock(dir: string): DataLock | null {
  try {
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as DataLock;
    return typeof lock.pid === 'number' && alive(lock.pid) ? lock : null;
  } catch {
    return null;
  }
}

/** The command this process runs, for the message another process shows (never its options: they may hold a password). */
const ownCommand = () =>
  process.argv
    .slice(2, 4)
    .filter((a) => /^[a-z-]+$/.test(a))
    .join(' ') || 'serve';

/** Takes the folder's lock or throws DataDirLockedError; returns the function that gives it back. */
export function acquireDataLock(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  const mine: DataLock = { pid: process.pid, command: ownCommand(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const holder = readDataLock(dir);
      if (holder && holder.pid !== process.pid) throw new DataDirLockedError(resolve(dir), holder);
      rmSync(file, { force: true }); // left by a process that is gone
    }
  }
  const release = () => {
    try {
      const current = JSON.parse(readFileSync(file, 'utf8')) as DataLock;
      if (current.pid === process.pid) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  return () => {
    process.removeListener('exit', release);
    release();
  };
}

/** A running server publishes where it listens and a token for local control requests (backups). */
export function publishControl(dir: string, url: string): string {
  const file = join(dir, LOCK_FILE);
  const lock = JSON.parse(readFileSync(file, 'utf8')) as DataLock;
  if (lock.pid !== process.pid) throw new Error(`${file} is not this process's lock`);
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, JSON.stringify({ ...lock, url, token }), { mode: 0o600 });
  return token;
}
