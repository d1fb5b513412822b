// The job queue: pg-boss on the same database (PGlite or PostgreSQL). The only pg-boss import.
// Jobs are data — an id, a zod payload schema, a handler and, for recurring work, a cron — made
// with defineJob beside their handler and listed in jobs/index.ts. They are enqueued by value
// (`queue.enqueue(sendJob, tx, { messageId })`), so a payload that does not fit its job does not
// compile, and is checked again against the schema. Handlers must be idempotent: every job may
// run twice.
import { randomUUID } from 'node:crypto';
import { fromDrizzle, fromPglite, PgBoss, type Clock, type JobWithMetadata, type Queue } from 'pg-boss';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { rowsOf, type Database, type DbOrTx, type RawQuery } from '../db/client.ts';
import { createOutageLog, isDatabaseUnavailable } from '../db/errors.ts';

export type JobContext = { jobId: string; attempt: number; lastAttempt: boolean };

export type JobDef<P = unknown, D = unknown> = {
  id: string;
  schema: z.ZodType<P>;
  handler: (payload: P, deps: D, ctx: JobContext) => Promise<void>;
  /** Recurring: a cron expression (pg-boss keeps one schedule per job however many processes set it). */
  cron?: string;
  /** With cron: also run once when the workers start (work that fell due while they were down). */
  runOnStart?: boolean;
  queue?: Omit<Queue, 'name'>;
  /** Jobs of this queue run this many at a time per process. */
  concurrency?: number;
  /**
   * A worker takes up to this many waiting jobs at once and runs them together through
   * handleBatch: one run, completed or failed together (handlers are idempotent, so a retry of
   * the whole set is safe), or, when it returns an outcome per job, each settled by its own (null:
   * done; an error: failed and retried). For jobs whose work batches well (routing, sending).
   */
  batchSize?: number;
  handleBatch?: (payloads: P[], deps: D, ctx: JobContext[]) => Promise<void | (unknown | null)[]>;
};

/** A job of any payload whose handler takes deps D (the job list). */
export type AnyJob<D> = JobDef<any, D>;

/** What enqueue needs of a job: its id and payload schema. */
export type JobRef<P> = { id: string; schema: z.ZodType<P> };

export function defineJob<P, D>(def: JobDef<P, D>): JobDef<P, D> {
  return def;
}

export type SendOptions = { startAfter?: Date | number; singletonKey?: string; priority?: number };

export type QueueCounts = { queued: number; active: number; failed: number };

export type JobQueue = {
  /** Installs pg-boss's schema and creates the queues (no workers). */
  install(defs: AnyJob<never>[]): Promise<void>;
  /** Starts workers for these jobs. */
  work<D>(defs: AnyJob<D>[], deps: D): Promise<void>;
  /** Sets the schedules of the jobs that have a cron (the server and workers do, tests don't). */
  schedule(defs: AnyJob<never>[]): Promise<void>;
  /** Enqueues a job inside the caller's transaction (or on its own when given the db). */
  enqueue<P>(job: JobRef<P>, db: DbOrTx, payload: P, opts?: SendOptions): Promise<void>;
  /** Enqueues many jobs of one queue in one statement, inside the caller's (Drizzle or raw) transaction. */
  enqueueMany<P>(job: JobRef<P>, db: DbOrTx | RawQuery, payloads: P[]): Promise<void>;
  /** Jobs waiting, running and failed (retained), per job id, from pg-boss's queue statistics. */
  counts(ids: string[]): Promise<Record<string, QueueCounts>>;
  /** Tests: runs every job that is due, until none is left. Returns how many ran. */
  drain<D>(defs: AnyJob<D>[], deps: D, opts?: { maxRounds?: number }): Promise<number>;
  stop(): Promise<void>;
};

// pg-boss's insert is one long generic statement; named, PostgreSQL parses and plans it once per
// connection instead of on every batch. Its text is fixed per queue, so the names stay few.
const statementNames = new Map<string, string>();
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < 50) statementNames.set(text, (name = `pgboss_${statementNames.size + 1}`));
  return name;
}

/** How long an idle worker waits before it looks for a job again (without notifications). */
const POLL_MS = 500;
/**
 * With notifications (a NOTIFY wakes the workers when a job can run at once), the slots sleep
 * until woken, and one statement for all the process's queues looks this often for jobs that
 * became due later (retries, delays) or whose notification was lost while the listener
 * reconnected, and wakes those queues: an idle server costs two queries a minute for its ten
 * queues, not twenty. A queue whose job just failed polls every 0.5 s for a while, so its retry
 * is not late.
 */
const POLL_LISTENING_MS = 30_000;
/** How long the listener waits for its own test notification before the workers give up on notifications. */
const LISTEN_CHECK_MS = 5000;
/** After a job of a queue failed (its retry is due in seconds), that queue polls as without notifications for this long. */
const RETRY_WATCH_MS = 120_000;

/**
 * Every job has a heartbeat: a running job is touched every HEARTBEAT_SECONDS / 2, and pg-boss's
 * supervisor (every SUPERVISE_SECONDS) fails one untouched for HEARTBEAT_SECONDS, so it is retried.
 * The jobs of a process that died are picked up within a minute, not at the 15-minute expiry.
 */
export const HEARTBEAT_SECONDS = 20;
const SUPERVISE_SECONDS = 30;

/**
 * `listenUrl` (DATABASE_LISTEN_URL): where the one LISTEN connection of a process running workers
 * connects, when the pool's URL goes through a transaction-mode pooler; unset, the pool's own.
 */
export function createJobQueue(
  database: Database,
  opts: { log: Logger; clock?: Clock; listenUrl?: string; /** tests */ duePollMs?: number },
): JobQueue {
  const boss = new PgBoss({
    ...(database.kind === 'pglite'
      ? { db: fromPglite(database.pglite!), backend: 'pglite' as const }
      : { db: { executeSql: (text: string, values?: unknown[]) => database.pool!.query(text, values) } }),
    clock: opts.clock,
    supervise: true,
    superviseIntervalSeconds: SUPERVISE_SECONDS,
    // pg-boss's cron worker takes the jobs its schedules produce; ours run once a minute at most.
    // (At 30 s a send in doubt after a crash waited up to a minute longer: two sweeps, each later.)
    cronWorkerIntervalSeconds: 15,
    // Its resolver of job dependencies (flows) polls every 5 s by default; Parley's jobs have none.
    flowIntervalSeconds: 60,
    schedule: true,
    migrate: true,
  });
  const outage = createOutageLog(opts.log, 'job workers');
  boss.on('error', (err) =>
    isDatabaseUnavailable(err) ? outage.failed(err) : opts.log.error({ err }, 'job queue error'),
  );
  let started: Promise<unknown> | null = null;
  // Processes starting together on an empty database: pg-boss's install (schema, tables) and the
  // creation of our queues run one process at a time. pg-boss's own advisory lock is not enough:
  // a process that looked for the schema before waiting for it still believes it missing after
  // (a cached negative lookup) and fails with a duplicate key on pg_namespace (found by
  // bench/multi.ts: one of four processes started together died).
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (database.kind !== 'postgres') return fn();
    // A connection of its own (the pool may have one), a transaction lock (safe through a pooler).
    const c = new pg.Client(database.pool!.options);
    c.on('error', () => {});
    await c.connect();
    try {
      await c.query('begin');
      await c.query('select pg_advisory_xact_lock(72737002)');
      return await fn();
    } finally {
      await c.query('commit').catch(() => {});
      await c.end().catch(() => {});
    }
  };
  const ensureStarted = () => (started ??= exclusive(() => boss.start()));

  // The heartbeat says this process still works on its jobs (every job of a batch: one untouched
  // for its heartbeat is failed by the supervisor and run again while it still runs here); a failed
  // touch waits for the next one.
  const heartbeat = (name: string, jobs: JobWithMetadata<unknown>[]) => {
    const beat = setInterval(
      () =>
        void boss
          .touch(
            name,
            jobs.map((j) => j.id),
          )
          .catch(() => {}),
      ((jobs[0].heartbeatSeconds ?? HEARTBEAT_SECONDS) * 1000) / 2,
    );
    beat.unref();
    return beat;
  };

  const contextOf = (job: JobWithMetadata<unknown>): JobContext => ({
    jobId: job.id,
    attempt: job.retryCount + 1,
    lastAttempt: job.retryCount >= job.retryLimit,
  });
  const run = async <D>(def: AnyJob<D>, deps: D, job: JobWithMetadata<unknown>) => {
    const payload = def.schema.parse(job.data) as never;
    const beat = heartbeat(def.id, [job]);
    try {
      await def.handler(payload, deps, contextOf(job));
    } finally {
      clearInterval(beat);
    }
  };

  // Workers: each slot fetches a job, runs it and fetches the next at once; it waits the polling
  // interval only when the queue is empty. (pg-boss's own workers wait the interval after every
  // fetch, which held a queue to concurrency ÷ 0.5 s jobs a second: 16 sends a second at 8.)
  let stopping = false;
  const slots: Promise<void>[] = [];
  // Idle slots by queue. A NOTIFY from pg-boss's insert (our queues are created with `notify`) wakes
  // the queue's slots at once; the poll remains for jobs that become due later (retries, delays)
  // and for a notification lost while the listener reconnects.
  const sleepers = new Map<string, Set<() => void>>();
  let listening = false;
  const failedAt = new Map<string, number>();
  /** A slot with nothing to do sleeps until woken, or ms at most (null: until woken). */
  const idle = (queue: string, ms: number | null) =>
    new Promise<void>((resolve) => {
      const set = sleepers.get(queue) ?? new Set();
      sleepers.set(queue, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = ms !== null ? setTimeout(done, ms) : undefined;
      set.add(done);
    });
  // While listening: one look for due jobs across the queues worked here, waking those that have one.
  let duePoll: ReturnType<typeof setInterval> | undefined;
  const worked = new Set<string>();
  const wakeDue = async () => {
    if (!listening || stopping || !worked.size) return;
    try {
      const rows = rowsOf<{ name: string }>(
        await database.db.execute(
          sql`select distinct name from pgboss.job where name in (${sql.join(
            [...worked].map((n) => sql`${n}`),
            sql`, `,
          )}) and state < 'active' and start_after <= now()`,
        ),
      );
      for (const r of rows) wake(r.name);
    } catch {
      wake(null); // the database is away, or pg-boss changed: every slot looks for itself
    }
  };
  const wake = (queue: string | null) => {
    for (const [name, set] of sleepers) if (queue === null || name === queue) for (const done of [...set]) done();
  };
  let unlisten: (() => Promise<void>) | null = null;
  // While the database is away every slot fails: one line for the outage (not one per poll), and
  // each slot backs off (1 s doubling to 10 s) until a fetch works again.
  const slot = async <D>(def: AnyJob<D>, deps: D) => {
    let backoff = 0;
    while (!stopping) {
      let jobs: JobWithMetadata<unknown>[] = [];
      try {
        jobs = await boss.fetch<unknown>(def.id, {
          batchSize: def.handleBatch ? (def.batchSize ?? 1) : 1,
          includeMetadata: true,
        });
        backoff = 0;
        outage.ok();
      } catch (err) {
        backoff = Math.min(Math.max(backoff * 2, 1000), 10_000);
        if (stopping) break;
        if (isDatabaseUnavailable(err)) outage.failed(err);
        else opts.log.error({ err, job: def.id }, 'job fetch failed');
      }
      if (!jobs.length) {
        // Backing off, or polling without notifications: every slot on its timer. Listening: the
        // slots wait for a notification, for the process's look for due jobs (wakeDue) or for
        // another slot of the queue that found work.
        const watchRetry = Date.now() - (failedAt.get(def.id) ?? -Infinity) < RETRY_WATCH_MS;
        if (!stopping) await idle(def.id, backoff || (listening && !watchRetry ? null : POLL_MS));
        continue;
      }
      // There may be more: the queue's sleeping slots look too.
      if (listening) wake(def.id);
      const failures = await runJobs(def, deps, jobs);
      const failed = jobs.filter((_, i) => failures[i] !== null);
      if (failed.length) {
        const err = failures.find((f) => f !== null);
        failedAt.set(def.id, Date.now());
        if (isDatabaseUnavailable(err)) outage.failed(err);
        else
          opts.log.warn(
            { err, job: def.id, jobId: failed[0].id, jobs: failed.length, attempt: failed[0].retryCount + 1 },
            'job failed',
          );
      }
      await settle(def.id, jobs, failures);
    }
  };

  /** Completes the jobs that are done and fails the others (pg-boss retries them with backoff). */
  const settle = async (name: string, jobs: JobWithMetadata<unknown>[], failures: unknown[]) => {
    try {
      // A job whose completion is lost runs again when it expires: handlers are idempotent.
      const done = jobs.filter((_, i) => failures[i] === null).map((j) => j.id);
      if (done.length) await boss.complete(name, done);
      const byError = new Map<unknown, string[]>();
      jobs.forEach(
        (j, i) => failures[i] !== null && byError.set(failures[i], [...(byError.get(failures[i]) ?? []), j.id]),
      );
      for (const [failure, ids] of byError)
        await boss.fail(
          name,
          ids,
          failure instanceof Error ? { message: failure.message, stack: failure.stack } : { message: String(failure) },
        );
    } catch (err) {
      if (isDatabaseUnavailable(err)) outage.failed(err);
      else opts.log.error({ err, job: name, jobId: jobs[0].id }, 'could not record a job result');
    }
  };

  /**
   * Jobs taken together: through handleBatch when the job has one (each job's outcome, or one for
   * all), else the one job through its handler. Returns each job's failure, null when done.
   */
  const runJobs = async <D>(def: AnyJob<D>, deps: D, jobs: JobWithMetadata<unknown>[]): Promise<unknown[]> => {
    const failedAll = (err: unknown) => jobs.map(() => err ?? new Error('job failed'));
    if (jobs.length > 1 && def.handleBatch) {
      const beat = heartbeat(def.id, jobs);
      try {
        const out = await def.handleBatch(
          jobs.map((j) => def.schema.parse(j.data)),
          deps,
          jobs.map(contextOf),
        );
        return Array.isArray(out) ? out.map((f) => (f === undefined ? null : f)) : jobs.map(() => null);
      } catch (err) {
        return failedAll(err);
      } finally {
        clearInterval(beat);
      }
    }
    try {
      await run(def, deps, jobs[0]);
      return [null];
    } catch (err) {
      return failedAll(err);
    }
  };

  const createQueues = async (defs: AnyJob<never>[]) => {
    const existing = new Map((await boss.getQueues()).map((q) => [q.name, q]));
    for (const def of defs) {
      const queue = existing.get(def.id);
      // `notify`: pg-boss's insert then wakes listening workers when the job can run at once.
      const heartbeatSeconds = def.queue?.heartbeatSeconds ?? HEARTBEAT_SECONDS;
      if (!queue)
        await boss.createQueue(def.id, {
          retryLimit: 5,
          retryBackoff: true,
          retryDelay: 2,
          retryDelayMax: 600,
          ...def.queue,
          heartbeatSeconds,
          notify: true,
        });
      else if (!queue.notify || queue.heartbeatSeconds !== heartbeatSeconds)
        await boss.updateQueue(def.id, { notify: true, heartbeatSeconds });
    }
    // pg-boss caches the queue list at start. A send inside a transaction that finds a queue missing
    // from the cache looks it up on a second connection, which on PGlite (one connection, held by
    // that transaction) never comes. Warm the cache now, outside any transaction, with a no-op
    // command that loads each queue (cancelling a job id that cannot exist).
    for (const def of defs) await boss.cancel(def.id, '00000000-0000-4000-8000-000000000000');
  };

  return {
    async install(defs) {
      await ensureStarted();
      await exclusive(() => createQueues(defs));
    },
    async work(defs, deps) {
      await ensureStarted();
      await exclusive(() => createQueues(defs as AnyJob<never>[]));
      stopping = false;
      unlisten ??= await listenForJobs(database, opts.listenUrl, wake, opts.log, (up) => {
        listening = up;
        if (!up) wake(null); // every slot back on its own timer
      });
      for (const def of defs) worked.add(def.id);
      duePoll ??= setInterval(() => void wakeDue(), opts.duePollMs ?? POLL_LISTENING_MS);
      duePoll.unref();
      for (const def of defs) for (let i = 0; i < (def.concurrency ?? 2); i++) slots.push(slot(def, deps));
    },
    async schedule(defs) {
      await ensureStarted();
      for (const def of defs) {
        if (!def.cron) continue;
        await boss.schedule(def.id, def.cron, {});
        // Once now as well: what fell due while no worker ran goes out on start, not a cron tick later.
        if (def.runOnStart) await boss.send(def.id, {});
      }
    },
    async enqueue(job, db, payload, o = {}) {
      // Starting here would deadlock inside a PGlite transaction (one connection): start first.
      if (!started) throw new Error('job queue not started: call install() or work() at boot');
      await started;
      const options: Record<string, unknown> = {};
      if (o.startAfter !== undefined) options.startAfter = o.startAfter;
      if (o.singletonKey !== undefined) options.singletonKey = o.singletonKey;
      if (o.priority !== undefined) options.priority = o.priority;
      const data = job.schema.parse(payload) as object;
      await boss.send(job.id, data, { ...options, db: fromDrizzle(db as never, sql as never) });
    },
    async enqueueMany(job, db, payloads) {
      if (!payloads.length) return;
      if (!started) throw new Error('job queue not started: call install() or work() at boot');
      await started;
      const executor =
        typeof db === 'function'
          ? {
              executeSql: async (text: string, values?: unknown[]) => ({
                rows: await db(text, values, statementName(text)),
              }),
            }
          : fromDrizzle(db as never, sql as never);
      const jobs = payloads.map((p) => ({ data: job.schema.parse(p) as object }));
      await boss.insert(job.id, jobs, { db: executor as never });
    },
    async counts(ids) {
      await ensureStarted();
      const out: Record<string, QueueCounts> = {};
      for (const id of ids) {
        const q = await boss.getQueue(id);
        out[id] = { queued: q?.queuedCount ?? 0, active: q?.activeCount ?? 0, failed: q?.failedCount ?? 0 };
      }
      return out;
    },
    async drain(defs, deps, o = {}) {
      await ensureStarted();
      let ran = 0;
      for (let round = 0; round < (o.maxRounds ?? 50); round++) {
        let found = 0;
        for (const def of defs) {
          const jobs = await boss.fetch<unknown>(def.id, { batchSize: 20, includeMetadata: true });
          found += jobs.length;
          // As the workers take them: a batch job's waiting jobs together, any other one by one.
          if (def.handleBatch && jobs.length > 1) await settle(def.id, jobs, await runJobs(def, deps, jobs));
          else for (const job of jobs) await settle(def.id, [job], await runJobs(def, deps, [job]));
        }
        ran += found;
        if (!found) break;
      }
      return ran;
    },
    async stop() {
      if (!started) return;
      // Let running jobs finish (up to 10 s), then stop pg-boss.
      stopping = true;
      clearInterval(duePoll);
      duePoll = undefined;
      worked.clear();
      await unlisten?.();
      unlisten = null;
      wake(null);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.allSettled(slots.splice(0)), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
      await boss.stop({ graceful: true, timeout: 10_000 });
      started = null;
    },
  };
}

/**
 * Listens on pg-boss's notification channel and calls `onQueue` with the queue a job was inserted
 * into (null after a reconnect: notifications may have been missed). PostgreSQL: a dedicated
 * connection outside the pool (to `listenUrl` when given, else with the pool's options), reconnected
 * after a failure; PGlite: its own listen(). Returns a function that stops listening. A listener
 * that cannot start leaves the workers polling.
 */
async function listenForJobs(
  database: Database,
  listenUrl: string | undefined,
  onQueue: (queue: string | null) => void,
  log: Logger,
  onState: (listening: boolean) => void,
): Promise<() => Promise<void>> {
  // pg-boss's channel for the schema "pgboss" (plans.notifyChannelSql).
  const channelSql = `select 'pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24) as channel`;
  try {
    if (database.kind === 'pglite') {
      const { rows } = await database.pglite!.query<{ channel: string }>(channelSql);
      const unsubscribe = await database.pglite!.listen(rows[0].channel, (payload) => onQueue(payload || null));
      onState(true);
      return async () => {
        onState(false);
        await unsubscribe();
      };
    }
    const { rows } = await database.pool!.query<{ channel: string }>(channelSql);
    const channel = rows[0].channel;
    let client: pg.Client | null = null;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = async (): Promise<void> => {
      const c = new pg.Client(
        listenUrl ? { connectionString: listenUrl, connectionTimeoutMillis: 5000 } : database.pool!.options,
      );
      client = c;
      c.on('notification', (n) => {
        const check = n.payload ? checks.get(n.payload) : undefined;
        if (check) check();
        else onQueue(n.payload || null);
      });
      c.on('error', () => {}); // 'end' follows and reconnects
      c.on('end', () => {
        if (closed || client !== c) return;
        client = null;
        onState(false);
        retry = setTimeout(() => void connect().catch(reconnectLater), 1000);
      });
      try {
        await c.connect();
        await c.query(`listen "${channel}"`);
      } catch (err) {
        if (client === c) client = null;
        void c.end().catch(() => {});
        throw err;
      }
      onQueue(null);
      void confirm(c);
    };
    // The workers count on notifications only once one sent through the pool has arrived: a
    // listener behind a transaction-mode pooler, or on another database, LISTENs without error and
    // hears nothing, and the workers would wait for their 30 s poll. Until then (and if it never
    // arrives) they poll every 0.5 s.
    const checks = new Map<string, () => void>();
    const confirm = async (c: pg.Client) => {
      while (!closed && client === c) {
        const token = `parley.listen-check.${randomUUID()}`;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const arrived = new Promise<boolean>((resolve) => {
          checks.set(token, () => resolve(true));
          timer = setTimeout(() => resolve(false), LISTEN_CHECK_MS);
          timer.unref();
        });
        let sent = true;
        try {
          await database.pool!.query('select pg_notify($1, $2)', [channel, token]);
        } catch {
          sent = false; // the pool cannot reach the database now: try again in a moment
        }
        const ok = sent && (await arrived);
        clearTimeout(timer);
        checks.delete(token);
        if (closed || client !== c) return;
        if (ok) return onState(true);
        if (sent)
          return log.warn(
            `job notifications: the listener (${listenUrl ? 'DATABASE_LISTEN_URL' : 'DATABASE_URL'}) got no notification sent through the pool within ${LISTEN_CHECK_MS / 1000} s (a transaction-mode pooler, or another database?): workers poll every ${POLL_MS / 1000} s`,
          );
        await new Promise((r) => setTimeout(r, LISTEN_CHECK_MS).unref());
      }
    };
    const reconnectLater = (err: unknown) => {
      log.warn({ err }, 'job notifications: listener down, workers poll until it is back');
      if (!closed) retry = setTimeout(() => void connect().catch(reconnectLater), 5000);
    };
    await connect().catch(reconnectLater);
    return async () => {
      closed = true;
      onState(false);
      clearTimeout(retry);
      await (client as pg.Client | null)?.end().catch(() => {});
    };
  } catch (err) {
    log.warn({ err }, 'job notifications unavailable: workers poll');
    return async () => {};
  }
}
