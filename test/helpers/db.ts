// The test database for one test file: PGlite loaded from the run's migrated template, or the
// run's own PostgreSQL database. Tests isolate themselves by creating their own workspaces.
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { openPglite, openPostgres, pgliteExtensions, type Database } from '../../src/db/client.ts';

export async function openTestDatabase(): Promise<Database> {
  if (process.env.PARLEY_TEST_DB === 'postgres') return openPostgres({ url: inject('postgresUrl'), poolSize: 5 });
  const blob = new Blob([readFileSync(inject('pgliteTemplate'))]);
  const pglite = await PGlite.create({ loadDataDir: blob, extensions: pgliteExtensions });
  return openPglite({ pglite });
}
