// Several processes starting together on an empty PostgreSQL database all come up: pg-boss's
// install (its schema and tables) and the creation of our queues happen once, one process at a
// time. Found by bench/multi.ts: of four processes started at once, one died with a duplicate key
// on pg_namespace. On PostgreSQL only (PGlite is one process).
import pg from 'pg';
import pino from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { allJobs } from '../src/jobs/index.ts';
import { createJobQueue } from '../src/jobs/queue.ts';

const onPostgres = process.env.PARLEY_TEST_DB === 'postgres';

async function query<T extends pg.QueryResultRow>(url: URL | string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

describe.runIf(onPostgres)('job queues of processes starting together', () => {
  it('install pg-boss and the queues once, every process up', async () => {
    const base = new URL(inject('postgresUrl'));
    const name = `${base.pathname.slice(1)}_qs${process.pid}`;
    await query(base, `create database ${name}`); // empty: no pgboss schema yet
    const url = new URL(base);
    url.pathname = `/${name}`;
    const databases = await Promise.all(
      Array.from({ length: 4 }, () => openPostgres({ url: url.toString(), poolSize: 3 })),
    );
    const queues = databases.map((d) => createJobQueue(d, { log: pino({ level: 'silent' }) }));
    try {
      // As `parley serve` and `parley worker` start: migrations (under their own lock), then the queue.
      const results = await Promise.allSettled(
        queues.map(async (q, i) => {
          await migrate(databases[i].db);
          await q.install(allJobs);
        }),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const rows = await query<{ name: string }>(url, `select name from pgboss.queue`);
      expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(allJobs.map((j) => j.id)));
    } finally {
      for (const q of queues) await q.stop().catch(() => {});
      for (const d of databases) await d.close();
      await query(base, `drop database if exists ${name} with (force)`);
    }
  });
});
