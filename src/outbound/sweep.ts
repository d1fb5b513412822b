// outbound.sweep (every 5 minutes, its cron): a message left in `sending` means the process died between
// calling the provider and recording the result. It may or may not have left, and sending it
// again could deliver it twice, so it is failed as `delivery_unknown` for a person to check —
// unless a status webhook has since proven it was delivered. A conversation's later messages wait
// for it (outbound/send keeps them in order): they go on now. So does a conversation whose first
// queued message nobody has touched for as long (its job failed for good).
import { and, eq, lt } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { messages } from '../db/schema/index.ts';
import { defineJob, type JobQueue } from '../jobs/queue.ts';
import { noEarlierPending, sendNext } from './send.ts';

export const STUCK_AFTER_MS = 10 * 60_000;

type SweepDeps = { db: Db; queue: JobQueue; log: Logger; now: () => Date };

export async function sweepStuckSends(deps: SweepDeps): Promise<number> {
  const before = new Date(deps.now().getTime() - STUCK_AFTER_MS);
  const rows = await deps.db
    .update(messages)
    .set({ status: 'failed', failReason: 'delivery_unknown', failedAt: deps.now(), updatedAt: deps.now() })
    .where(and(eq(messages.status, 'sending'), lt(messages.updatedAt, before)))
    .returning({ conversationId: messages.conversationId });
  const idle = await deps.db
    .selectDistinct({ conversationId: messages.conversationId })
    .from(messages)
    .where(
      and(
        eq(messages.status, 'queued'),
        eq(messages.direction, 'out'),
        lt(messages.updatedAt, before),
        noEarlierPending,
      ),
    )
    .limit(1000);
  for (const conversationId of new Set([...rows, ...idle].map((r) => r.conversationId))) {
    try {
      await sendNext(deps, conversationId);
    } catch (err) {
      // One conversation failing never stops the sweep; the next sweep tries it again.
      deps.log.warn({ err, conversationId }, 'outbox sweep could not hand over');
    }
  }
  return rows.length;
}

export const sweepJob = defineJob({
  id: 'outbound.sweep',
  schema: z.object({}).loose(),
  handler: async (_p, deps: SweepDeps) => {
    await sweepStuckSends(deps);
  },
  cron: '*/5 * * * *',
  queue: { retryLimit: 1 },
});
