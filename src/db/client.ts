// The database: embedded PGlite (a folder on disk) by default, a PostgreSQL server (pooled `pg`)
// when DATABASE_URL is set. Both behind the same Drizzle schema and the same migrations.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { vector } from '@electric-sql/pglite-pgvector';
import { sql } from 'drizzle-orm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { PgTransaction, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
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
 * Runs fn in a transaction: the caller's when db is one already, else a new one. Unlike
 * `db.transaction` inside a transaction this opens no savepoint (two round trips saved per call,
 * six for a captured lead): an error then aborts the caller's transaction, which is what it does
 * anyway unless the caller made its own savepoint to catch it (commands do, in runStep).
 */
export function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db instanceof PgTransaction ? fn(db as Tx) : db.transaction(fn);
}

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
  /**
   * Runs fn in a transaction on one connection, with raw statements; rolls back if fn throws.
   * Foreground work (webhook ingest): on PGlite, background work waits while one is pending.
   */
  rawTransaction<T>(fn: (q: RawQuery) => Promise<T>): Promise<T>;
  /**
   * Background work (routing): on PGlite, one at a time and only while no foreground transaction
   * waits (or after BACKGROUND_MAX_WAIT_MS, so a steady stream of webhooks cannot starve it), so
   * a webhook waits at most for one bounded background transaction. On PostgreSQL fn just runs.
   */
  background<T>(fn: () => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

/** Rows of a raw `db.execute(sql`…`)`; both drivers answer `{ rows }`. */
export const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

export const pgliteExtensions = { pg_trgm, unaccent, vector };

/** The longest a background transaction waits for foreground ones on PGlite. */
export const BACKGROUND_MAX_WAIT_MS = 500;

/**
 * The two lanes of PGlite's one connection: foreground transactions count themselves from the
 * moment they ask for it; a background one starts after a turn of the event loop, when none is
 * pending (or it waited long enough), one at a time.
 */
function lanes() {
  let foreground = 0;
  let waiters: (() => void)[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  const clear = () =>
    new Promise<void>((resolve) => {
      if (!foreground) return resolve();
      const timer = setTimeout(done, BACKGROUND_MAX_WAIT_MS);
      function done() {
        clearTimeout(timer);
        waiters = waiters.filter((w) => w !== done);
        resolve();
      }
      waiters.push(done);
    });
  return {
    async foreground<T>(fn: () => Promise<T>): Promise<T> {
      foreground++;
      try {
        return await fn();
      } finally {
        if (!--foreground) for (const w of waiters.splice(0)) w();
      }
    },
    background<T>(fn: () => Promise<T>): Promise<T> {
      // PGlite answers in the same thread without I/O, so back-to-back transactions would run as
      // one chain of microtasks and starve the event loop: no webhook would even be read. A
      // macrotask turn first lets pending requests in (and count themselves as foreground).
      const run = chain
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(clear)
        .then(fn);
      chain = run.catch(() => {});
      return run;
    },
  };
}

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
  const lane = lanes();
  return {
    db,
    kind: 'pglite',
    pglite: client,
    rawTransaction: (fn) =>
      lane.foreground(() =>
        client.transaction((tx) =>
          fn(async <T>(text: string, params?: unknown[], name?: string) => {
            try {
              return (await tx.query<T>(text, params)).rows;
            } catch (err) {
              throw nameStatement(err, name ?? statementName(text));
            }
          }),
        ),
      ),
    background: (fn) => lane.background(fn),
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
    background: (fn) => fn(),
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
