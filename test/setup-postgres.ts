// Gives this test run a database of its own on TEST_DATABASE_URL's server, migrated once.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { allJobs } from '../src/jobs/index.ts';
import { createJobQueue } from '../src/jobs/queue.ts';
import pino from 'pino';

export default async function setup(project: TestProject) {
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const name = `parley_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openPostgres({ url: url.toString(), poolSize: 2 });
  await migrate(database.db);
  const queue = createJobQueue(database, { log: pino({ level: 'silent' }) });
  await queue.install(allJobs);
  await queue.stop();
  await database.close();
  project.provide('postgresUrl', url.toString());
  return async () => {
    const c = new pg.Client({ connectionString: base.toString() });
    await c.connect();
    // The per-file clones (name_f…) are dropped by their files; drop any left behind too.
    const left = await c.query(`select datname from pg_database where datname like '${name}_f%'`);
    for (const r of left.rows) await c.query(`drop database if exists ${r.datname} with (force)`);
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
}
