// outbound.sweep (every 5 minutes): a message left in `sending` means the process died between
// calling the provider and recording the result. It may or may not have left, and sending it
// again could deliver it twice, so it is failed as `delivery_unknown` for a person to check —
// unless a status webhook has since proven it was delivered.
import { and, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { messages } from '../db/schema/index.ts';
import { defineJob } from '../jobs/queue.ts';

export const STUCK_AFTER_MS = 10 * 60_000;

export async function sweepStuckSends(deps: { db: Db; now: () => Date }): Promise<number> {
  const before = new Date(deps.now().getTime() - STUCK_AFTER_MS);
  const rows = await deps.db
    .update(messages)
    .set({ status: 'failed', failReason: 'delivery_unknown', failedAt: deps.now(), updatedAt: deps.now() })
    .where(and(eq(messages.status, 'sending'), lt(messages.updatedAt, before)))
    .returning({ id: messages.id });
  return rows.length;
}

export const sweepJob = defineJob({
  id: 'outbound.sweep',
  schema: z.object({}).loose(),
  handler: async (_p, deps: { db: Db; now: () => Date }) => {
    await sweepStuckSends(deps);
  },
  queue: { retryLimit: 1 },
});
