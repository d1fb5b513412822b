// DATABASE_LISTEN_URL: the one LISTEN connection of a process running workers connects there (so
// it can bypass a transaction-mode pooler that DATABASE_URL goes through), the pool does not; unset,
// the listener uses DATABASE_URL. A listener that hears nothing sent through the pool (here: on
// another database) is not trusted, and the workers keep polling. On PostgreSQL only: PGlite
// listens in-process.
import pg from 'pg';
import pino from 'pino';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openPostgres } from '../src/db/client.ts';
import { createDeps, type Deps } from '../src/deps.ts';
import { defineJob } from '../src/jobs/queue.ts';
import { openTestDatabase } from './helpers/db.ts';

const onPostgres = process.env.PARLEY_TEST_DB === 'postgres';
const run = `${process.pid}_${Date.now().toString(36)}`;

/** The test database's URL with `application_name` set, so its sessions can be told apart. */
const named = (url: string, name: string) => {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
};

describe('DATABASE_LISTEN_URL (config)', () => {
  it('is a postgres:// URL, and only beside DATABASE_URL', () => {
    expect(
      loadConfig({ DATABASE_URL: 'postgres://a/b', DATABASE_LISTEN_URL: 'postgres://c/b' }).DATABASE_LISTEN_URL,
    ).toBe('postgres://c/b');
    expect(loadConfig({ DATABASE_URL: 'postgres://a/b' }).DATABASE_LISTEN_URL).toBeUndefined();
    expect(() => loadConfig({ DATABASE_URL: 'postgres://a/b', DATABASE_LISTEN_URL: 'http://c/b' })).toThrow(
      /DATABASE_LISTEN_URL: must be a postgres:\/\/ URL/,
    );
    expect(() => loadConfig({ DATABASE_LISTEN_URL: 'postgres://c/b' })).toThrow(ConfigError);
  });
});

describe.runIf(onPostgres)('the job listener on PostgreSQL', async () => {
  if (!onPostgres) return; // the body is collected even when skipped
  const database = await openTestDatabase();
  const url = database.pool!.options.connectionString!;
  const dbName = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const opened: Deps[] = [];
  afterAll(async () => {
    for (const d of opened) await d.close();
    await admin.end();
    await database.close();
  });

  /** A process's deps whose pool is `poolName`, with the given listen URL, running one queue's workers. */
  const workers = async (poolName: string, listenUrl: string | undefined) => {
    const logged: { level: number; msg: string }[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const pooled = await openPostgres({ url: named(url, poolName), poolSize: 2 });
    const config = loadConfig({
      NODE_ENV: 'test',
      PARLEY_DEMO: 'false',
      PARLEY_SECRET_KEY: 'test-secret-key-0123456789',
      DATABASE_URL: named(url, poolName),
      ...(listenUrl ? { DATABASE_LISTEN_URL: listenUrl } : {}),
    });
    const deps = await createDeps(config, { database: pooled, log });
    opened.push(deps);
    const seen: number[] = [];
    const job = defineJob({
      id: `test.listen.${poolName}`,
      schema: z.object({ at: z.number() }),
      handler: async (p: { at: number }) => void seen.push(Date.now() - p.at),
      concurrency: 1,
    });
    await deps.queue.work([job], deps);
    return { deps, job, seen, logged };
  };

  /** Sessions on the server that LISTEN (their last statement), by application_name. */
  const listeners = async () =>
    (
      await admin.query<{ application_name: string; datname: string }>(
        `select application_name, datname from pg_stat_activity where query ilike 'listen %' and application_name like '%${run}'`,
      )
    ).rows;
  const until = async (ok: () => Promise<boolean> | boolean, ms = 10_000) => {
    const started = Date.now();
    while (!(await ok()) && Date.now() - started < ms) await new Promise((r) => setTimeout(r, 25));
  };

  it('connects the listener to DATABASE_LISTEN_URL, and the pool to DATABASE_URL', async () => {
    const { deps, job, seen, logged } = await workers(`pool_a_${run}`, named(url, `listen_a_${run}`));
    await until(async () => (await listeners()).some((l) => l.application_name === `listen_a_${run}`));
    const mine = (await listeners()).filter((l) => l.application_name.endsWith(`_a_${run}`));
    expect(mine).toEqual([{ application_name: `listen_a_${run}`, datname: dbName }]);
    // The pool's sessions are there too, and none of them listens.
    const pool = await admin.query(`select count(*)::int as n from pg_stat_activity where application_name = $1`, [
      `pool_a_${run}`,
    ]);
    expect(pool.rows[0].n).toBeGreaterThan(0);
    // Notifications arrive through it: a job enqueued while the worker sleeps runs long before a poll.
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 120));
      await deps.queue.enqueue(job, deps.db, { at: Date.now() });
      await until(() => seen.length > i, 5000);
    }
    expect(seen).toHaveLength(3);
    expect(Math.min(...seen)).toBeLessThan(150);
    expect(logged.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('uses DATABASE_URL for the listener when DATABASE_LISTEN_URL is unset', async () => {
    await workers(`pool_b_${run}`, undefined);
    await until(async () => (await listeners()).some((l) => l.application_name === `pool_b_${run}`));
    const mine = (await listeners()).filter((l) => l.application_name.endsWith(`_b_${run}`));
    expect(mine).toEqual([{ application_name: `pool_b_${run}`, datname: dbName }]);
  });

  it('does not trust a listener that hears nothing sent through the pool: workers poll, one warning', async () => {
    const elsewhere = new URL(named(url, `listen_c_${run}`));
    elsewhere.pathname = '/postgres'; // LISTEN works there, but pg-boss notifies on the test database
    const { deps, job, seen, logged } = await workers(`pool_c_${run}`, elsewhere.toString());
    await until(() => logged.some((l) => /got no notification/.test(l.msg)), 10_000);
    expect(logged.filter((l) => /got no notification/.test(l.msg))).toHaveLength(1);
    expect(logged[0].msg).toContain('DATABASE_LISTEN_URL');
    // Polling every 0.5 s, not every 15 s: a job runs within about a second.
    await deps.queue.enqueue(job, deps.db, { at: Date.now() });
    await until(() => seen.length > 0, 5000);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeLessThan(2000);
  });
});
