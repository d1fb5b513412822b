// Job workers take the next job as soon as they finish one; they wait the polling interval only
// when the queue is empty. Found by bench/pipeline.ts: pg-boss's own workers waited 0.5 s after
// every job, so a process sent at most 16 messages a second (8 workers) whatever the rate limit.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.ts';
import { createJobQueue, defineJob } from '../src/jobs/queue.ts';
import { createTestApp } from './helpers/app.ts';

const { deps } = await createTestApp();

describe('job workers', () => {
  it('run a backlog back to back instead of one job per polling interval', async () => {
    const done: number[] = [];
    const tick = defineJob({
      id: 'test.tick',
      schema: z.object({ n: z.number() }),
      handler: async (p: { n: number }) => void done.push(p.n),
      concurrency: 1,
    });
    await deps.queue.work([tick], deps);
    const started = Date.now();
    for (let n = 0; n < 12; n++) await deps.queue.enqueue(tick, deps.db, { n });
    while (done.length < 12 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(done.sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    // One worker, 12 jobs: at one job per 0.5 s poll this took 5.5 s or more.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('retries a job that failed and stops with the queue', async () => {
    let calls = 0;
    const flaky = defineJob({
      id: 'test.flaky',
      schema: z.object({}),
      handler: async () => {
        if (++calls === 1) throw new Error('not yet');
      },
      queue: { retryLimit: 2, retryDelay: 1, retryBackoff: true, retryDelayMax: 1 },
      concurrency: 1,
    });
    await deps.queue.work([flaky], deps);
    await deps.queue.enqueue(flaky, deps.db, {});
    const started = Date.now();
    while (calls < 2 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(2);
  });
});

describe('job heartbeats', () => {
  // Found by the fault suite (npm run chaos, a 1,000-message delivery under load): a batch of
  // inbound.route jobs that ran longer than the heartbeat was never touched, so pg-boss's
  // supervisor failed every job of it while it still ran, and they ran again and again.
  it('touch every job of a batch while the batch runs', async () => {
    const batches: number[] = [];
    const slow = defineJob({
      id: 'test.slow-batch',
      schema: z.object({ n: z.number() }),
      handler: async () => {},
      handleBatch: async (payloads: { n: number }[]) => {
        batches.push(payloads.length);
        await new Promise((r) => setTimeout(r, 6500));
      },
      batchSize: 4,
      concurrency: 1,
      queue: { heartbeatSeconds: 10 }, // touched every 5 s
    });
    await deps.queue.install([slow]);
    for (let n = 0; n < 4; n++) await deps.queue.enqueue(slow, deps.db, { n });
    await deps.queue.work([slow], deps);
    const started = Date.now();
    while (!batches.length && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(batches).toEqual([4]);
    await new Promise((r) => setTimeout(r, 5800));
    const jobs = rowsOf<{ state: string; touched: boolean }>(
      await deps.db.execute(
        sql`select state, heartbeat_on > started_on as touched from pgboss.job where name = 'test.slow-batch'`,
      ),
    );
    expect(jobs).toHaveLength(4);
    for (const j of jobs) expect(j).toEqual({ state: 'active', touched: true });
  }, 30_000);
});

describe('job notifications', () => {
  it('wake an idle worker when a job is inserted, long before its next poll', async () => {
    // A queue of its own, whose slot has just gone idle (the poll is 0.5 s; a notification needs none).
    const seen: number[] = [];
    const ping = defineJob({
      id: 'test.ping',
      schema: z.object({ at: z.number() }),
      handler: async (p: { at: number }) => void seen.push(Date.now() - p.at),
      concurrency: 1,
    });
    await deps.queue.work([ping], deps);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 120)); // the slot is asleep
      await deps.queue.enqueue(ping, deps.db, { at: Date.now() });
      const started = Date.now();
      while (seen.length <= i && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 5));
    }
    expect(seen).toHaveLength(5);
    // By polling alone, jobs sent at random points of a 0.5 s sleep wait 0.25 s on average.
    const sorted = [...seen].sort((a, b) => a - b);
    expect(sorted[2]).toBeLessThan(150);
  });

  it('a job that becomes due later wakes its queue through the one look for due jobs, with no poll per queue', async () => {
    const queue = createJobQueue(deps.database, { log: deps.log, duePollMs: 300 });
    const ran: number[] = [];
    const later = defineJob({
      id: 'test.later',
      schema: z.object({ at: z.number() }),
      handler: async (p: { at: number }) => void ran.push(Date.now() - p.at),
      concurrency: 2,
    });
    await queue.work([later], deps);
    try {
      // Listening: the slots sleep without a timer; a delayed job sends no notification when it falls due.
      await new Promise((r) => setTimeout(r, 700));
      await queue.enqueue(later, deps.db, { at: Date.now() }, { startAfter: 1 });
      const started = Date.now();
      while (!ran.length && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
      expect(ran).toHaveLength(1);
      // Due after 1 s, found by the next look (every 0.3 s here), not a 30 s per-queue poll.
      expect(ran[0]).toBeGreaterThanOrEqual(900);
      expect(ran[0]).toBeLessThan(3000);
    } finally {
      await queue.stop();
    }
  });
});
