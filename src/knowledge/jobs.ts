// The knowledge jobs. `knowledge.sweep` (every 5 minutes) finds the api links whose next fetch is
// due — each link's own schedule: its interval, or the Retry-After / backoff of its last failure —
// and fans out one `knowledge.refresh` per link. The refresh queue holds one queued and one active
// job per link (pg-boss `stately` with the link id as key), and the link's claim in the database
// keeps two fetches of one link apart even across processes.
import { and, eq, gt, inArray, isNotNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db/client.ts';
import { knowledgeLinks } from '../db/schema/index.ts';
import { defineJob, type JobQueue } from '../jobs/queue.ts';
import { refreshLink, type KnowledgeDeps, type SyncTrigger } from './sync.ts';

const SWEEP_BATCH = 200;

/** Queues a refresh of one link (at most one waits per link). */
export const queueRefresh = (db: DbOrTx, queue: JobQueue, linkId: string, trigger: SyncTrigger = 'manual') =>
  queue.enqueue(refreshJob, db, { linkId, trigger }, { singletonKey: linkId });

/** Queues the links that are due; returns how many. `workspaceIds` limits the sweep (tests on a shared database). */
export async function sweepKnowledge(deps: KnowledgeDeps, opts: { workspaceIds?: string[] } = {}): Promise<number> {
  const now = deps.now();
  const due = await deps.db
    .select({ id: knowledgeLinks.id })
    .from(knowledgeLinks)
    .where(
      and(
        eq(knowledgeLinks.type, 'api'),
        ne(knowledgeLinks.status, 'failed'),
        isNotNull(knowledgeLinks.nextFetchAt),
        lte(knowledgeLinks.nextFetchAt, now),
        gt(sql`cardinality(${knowledgeLinks.activeChannels})`, 0),
        or(
          ne(knowledgeLinks.status, 'syncing'),
          lt(knowledgeLinks.syncStartedAt, new Date(now.getTime() - 10 * 60_000)),
        ),
        opts.workspaceIds ? inArray(knowledgeLinks.workspaceId, opts.workspaceIds) : undefined,
      ),
    )
    .orderBy(knowledgeLinks.nextFetchAt)
    .limit(SWEEP_BATCH);
  for (const l of due) {
    try {
      await queueRefresh(deps.db, deps.queue, l.id, 'schedule');
    } catch (err) {
      deps.log.error({ err, link: l.id }, 'knowledge sweep could not queue a refresh');
    }
  }
  return due.length;
}

export const refreshJob = defineJob({
  id: 'knowledge.refresh',
  schema: z.object({
    linkId: z.uuid(),
    trigger: z.enum(['schedule', 'manual', 'created', 'edited', 'push', 'upload']).default('schedule'),
  }),
  handler: async (p, deps: KnowledgeDeps) => {
    await refreshLink(deps, p.linkId, p.trigger);
  },
  // The sync does its own retries (Retry-After, backoff): pg-boss retries only a crash of ours.
  queue: { policy: 'stately', retryLimit: 1, retryDelay: 30 },
  concurrency: 2,
});

export const knowledgeSweepJob = defineJob({
  id: 'knowledge.sweep',
  schema: z.object({}).loose(),
  handler: async (_p, deps: KnowledgeDeps) => {
    await sweepKnowledge(deps);
  },
  // Links refresh hourly or daily and a new link is fetched at once: a look every 5 minutes is
  // enough, and an idle server runs a fifth of the statements.
  cron: '*/5 * * * *',
  queue: { retryLimit: 0 },
  concurrency: 1,
});
