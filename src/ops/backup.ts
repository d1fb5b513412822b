// Backups of the embedded database: `parley backup <file>` writes a consistent snapshot (a gzipped
// tar of the PGlite folder, taken after a checkpoint while no other transaction runs); `parley
// restore <file>` puts one back. While `parley serve` runs, the backup is taken by the server
// itself (it owns the folder: GET /internal/backup on loopback, with the token from the lock file);
// otherwise the command opens the folder. A restore needs the server stopped, checks the snapshot
// opens as a Parley database, and keeps the folder it replaces beside it. PostgreSQL: pg_dump.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Config } from '../config.ts';
import { openPglite, pgliteExtensions } from '../db/client.ts';
import { acquireDataLock, LOCK_FILE, readDataLock } from './data-lock.ts';
import { ensureDataDir, StartupError } from './startup.ts';

/** A consistent snapshot of a PGlite database, gzipped tar. */
export async function snapshotPglite(pglite: PGlite): Promise<Buffer> {
  // Inside a transaction of our own no other one is open; the checkpoint puts everything committed
  // into the data files, so a restore starts without replaying the log.
  const blob = await pglite.transaction(async (tx) => {
    await tx.query('checkpoint');
    return pglite.dumpDataDir('gzip');
  });
  return Buffer.from(await blob.arrayBuffer());
}

const forEmbeddedOnly = (config: Config, what: string) => {
  if (config.DATABASE_URL)
    throw new StartupError(
      `parley ${what} is for the embedded database; with DATABASE_URL use pg_dump / pg_restore (see README).`,
    );
};

export async function backupToFile(config: Config, file: string): Promise<{ bytes: number; via: string }> {
  forEmbeddedOnly(config, 'backup');
  const dir = resolve(config.PARLEY_DATA_DIR);
  const lock = readDataLock(dir);
  let bytes: Buffer;
  let via: string;
  if (lock) {
    if (!lock.url || !lock.token)
      throw new StartupError(
        `The embedded database in ${dir} is in use by parley ${lock.command} (pid ${lock.pid}), which cannot take backups: stop it, or back up while \`parley serve\` runs.`,
      );
    const res = await fetch(`${lock.url}/internal/backup`, { headers: { authorization: `Bearer ${lock.token}` } });
    if (!res.ok) throw new StartupError(`The running server (pid ${lock.pid}) refused the backup: HTTP ${res.status}.`);
    bytes = Buffer.from(await res.arrayBuffer());
    via = `the running server (pid ${lock.pid})`;
  } else {
    const database = await openPglite({ dataDir: dir });
    try {
      bytes = await snapshotPglite(database.pglite!);
    } finally {
      await database.close();
    }
    via = dir;
  }
  const tmp = `${file}.part-${process.pid}`;
  writeFileSync(tmp, bytes, { mode: 0o600 });
  renameSync(tmp, file);
  return { bytes: bytes.length, via };
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);

export async function restoreFromFile(config: Config, file: string): Promise<{ previous: string | null }> {
  forEmbeddedOnly(config, 'restore');
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new StartupError(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code}).`);
  }
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const tar = bytes.subarray(257, 262).toString('latin1') === 'ustar';
  if (!gzip && !tar) throw new StartupError(`${file} is not a Parley backup (expected the file parley backup wrote).`);
  const dir = resolve(config.PARLEY_DATA_DIR);
  ensureDataDir(dir);
  const release = acquireDataLock(dir); // refuses while a server runs on the folder
  const staging = `${dir}.restoring-${stamp()}`;
  try {
    const pg = await PGlite.create({
      dataDir: staging,
      loadDataDir: new Blob([new Uint8Array(bytes)]),
      extensions: pgliteExtensions,
    });
    try {
      await pg.query('select count(*) from parley_migrations');
    } catch {
      throw new StartupError(`${file} opens, but it is not a Parley database.`);
    } finally {
      await pg.close();
    }
    rmSync(join(staging, LOCK_FILE), { force: true }); // the lock of the process the backup came from
  } catch (err) {
    release();
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  // Swap the folders while holding the lock (it moves along with the old folder).
  const previous = readdirSync(dir).some((f) => f !== LOCK_FILE) ? `${dir}.before-restore-${stamp()}` : null;
  if (previous) renameSync(dir, previous);
  else {
    release();
    rmSync(dir, { recursive: true, force: true });
  }
  renameSync(staging, dir);
  if (previous) rmSync(join(previous, LOCK_FILE), { force: true });
  return { previous };
}
