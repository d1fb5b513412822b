// The database: embedded PGlite (a folder on disk) by default, a PostgreSQL server (pooled `pg`)
// when DATABASE_URL is set. Both behind the same Drizzle schema and the same migrations.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { vector } from '@electric-sql/pglite-pgvector';
import { sql } from 'drizzle-orm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.ts';
import { nameStatement, statementName } from './errors.ts';
import { acquireDataLock } from '../ops/data-lock.ts';
import { ensureDataDir } from '../ops/startup.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Functions that can run inside a caller's transaction take this. */
export type DbOrTx = Db | Tx;

/**
 * A raw statement inside a raw transaction: parameters are bound (never spliced), and a `name`
 * makes it a prepared statement on PostgreSQL (parsed and planned once per connection). For the
 * few hot paths where Drizzle's query building costs more than the statement (webhook ingest).
 */
export type RawQuery = <T = Record<string, unknown>>(text: string, params?: unknown[], name?: string) => Promise<T[]>;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The underlying client, for the few libraries (pg-boss) that need one. */
  pglite?: PGlite;
  pool?: pg.Pool;
  /** Runs fn in a transaction on one connection, with raw statements; rolls back if fn throws. */
  rawTransaction<T>(fn: (q: RawQuery) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

/** Rows of a raw `db.execute(sql`…`)`; both drivers answer `{ rows }`. */
export const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

export const pgliteExtensions = { pg_trgm, unaccent, vector };

export async function openPglite(opts: { dataDir?: string; pglite?: PGlite }): Promise<Database> {
  // A folder is one process's (PGlite is single-process: a second opener would lose writes silently).
  let release = () => {};
  if (opts.dataDir && !opts.pglite) {
    ensureDataDir(opts.dataDir);
    release = acquireDataLock(opts.dataDir);
  }
  let client: PGlite;
  try {
    client = opts.pglite ?? (await PGlite.create({ dataDir: opts.dataDir, extensions: pgliteExtensions }));
  } catch (err) {
    release();
    throw err;
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    rawTransaction: (fn) =>
      client.transaction((tx) =>
        fn(async <T>(text: string, params?: unknown[], name?: string) => {
          try {
            return (await tx.query<T>(text, params)).rows;
          } catch (err) {
            throw nameStatement(err, name ?? statementName(text));
          }
        }),
      ),
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      if (!client.closed) await client.close();
      release();
    },
  };
}

export async function openPostgres(opts: { url: string; poolSize?: number }): Promise<Database> {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000 });
  // A client losing its connection emits 'error'; without a listener that kills the process. The
  // pool's own listener covers idle clients only, so every client gets one for its whole life: while
  // checked out (rawTransaction, Drizzle transactions) the caller's next query fails instead, and
  // the pool drops the broken client when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    pool,
    async rawTransaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const q = async <T>(text: string, params?: unknown[], name?: string) => {
          try {
            return (await client.query({ text, values: params, name })).rows as T[];
          } catch (err) {
            throw nameStatement(err, name ?? statementName(text));
          }
        };
        const out = await fn(q as RawQuery);
        await client.query('commit');
        return out;
      } catch (err) {
        // A connection that cannot even roll back is closed rather than returned to the pool.
        await client.query('rollback').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      if (!pool.ended) await pool.end();
    },
  };
}

export function openDatabase(opts: { url?: string; dataDir: string; poolSize?: number }): Promise<Database> {
  return opts.url ? openPostgres({ url: opts.url, poolSize: opts.poolSize }) : openPglite({ dataDir: opts.dataDir });
}
