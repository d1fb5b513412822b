// The test database for one test file: PGlite loaded from the run's migrated template, or on
// PostgreSQL a database of its own cloned from the run's migrated template database (CREATE
// DATABASE … TEMPLATE), so files never see each other's rows or jobs. Tests isolate themselves
// further by creating their own workspaces.
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { openPglite, openPostgres, pgliteExtensions, type Database } from '../../src/db/client.ts';

let counter = 0;

async function admin<T>(url: URL, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const base = new URL(url);
  base.pathname = '/postgres';
  const c = new pg.Client({ connectionString: base.toString() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function openTestDatabase(): Promise<Database> {
  if (process.env.PARLEY_TEST_DB === 'postgres') {
    const template = new URL(inject('postgresUrl'));
    const templateName = template.pathname.slice(1);
    const name = `${templateName}_f${process.pid}_${counter++}`;
    for (let attempt = 0; ; attempt++) {
      try {
        await admin(template, (c) => c.query(`create database ${name} template ${templateName}`));
        break;
      } catch (err) {
        // Two files cloning at the same instant: the template is briefly "being accessed".
        if (attempt > 20 || !/being accessed/.test(String((err as Error).message))) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    const url = new URL(template);
    url.pathname = `/${name}`;
    const database = await openPostgres({ url: url.toString(), poolSize: 5 });
    const close = database.close;
    let dropped = false;
    return {
      ...database,
      close: async () => {
        await close();
        if (dropped) return;
        dropped = true;
        await admin(template, (c) => c.query(`drop database if exists ${name} with (force)`));
      },
    };
  }
  const blob = new Blob([readFileSync(inject('pgliteTemplate'))]);
  const pglite = await PGlite.create({ loadDataDir: blob, extensions: pgliteExtensions });
  return openPglite({ pglite });
}
