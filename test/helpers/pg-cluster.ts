// A throwaway PostgreSQL cluster for fault tests: initdb in a temp folder, its own port and socket
// folder, started and killed by the test itself. Never the machine's shared server on 5432.
// Shared by test/db-outage.test.ts and bench/chaos.ts. fsync is off (a killed server loses nothing the
// OS already has); synchronous_commit stays on, or a kill -9 would lose acknowledged commits.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export type PgCluster = {
  url: string;
  port: number;
  dir: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast|immediate`. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** kill -9 of the postmaster; its backends follow. */
  kill(): Promise<void>;
  destroy(): Promise<void>;
};

/** A port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

// initdb and postgres refuse to run as root: run them as the `postgres` account then.
const asRoot = process.getuid?.() === 0;
const pg = (cmd: string, args: string[]) =>
  asRoot ? run('/usr/sbin/runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args]) : run(join(BIN, cmd), args);

export async function startCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=60',
    '-c shared_buffers=16MB',
  ].join(' ');
  const start = async () => {
    // After a kill -9 the old backends may hold shared memory for a moment: retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await pg('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '30', 'start']);
        return;
      } catch (err) {
        if (attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']).catch(() => {});
  };
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    start,
    stop,
    async restart(mode = 'fast') {
      await stop(mode);
      await start();
    },
    async kill() {
      const pidFile = join(data, 'postmaster.pid');
      if (!existsSync(pidFile)) return;
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return;
      }
      // Wait until the postmaster is gone (its children exit on their own when they notice).
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async destroy() {
      await stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await start();
  return cluster;
}
