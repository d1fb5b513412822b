// outbound.sweep (every minute, its cron; once at start): the sends a dead process left behind.
//
// - A row `sending` whose lease lapsed (outbound/send touches it every 10 s while it works; nobody
//   has for LEASE_MS) had no live owner: the process died between claiming it and recording the
//   result. It may or may not have left, so it is never sent again blindly. It becomes `failed /
//   delivery_unknown`, and the conversation's later messages go on at once.
// - On a channel whose provider echoes our reference (WhatsApp's biz_opaque_callback_data), such a
//   row also waits for its status: a status naming it settles it as sent (inbound/ingest). When none
//   has come STATUS_WAIT_MS later while the channel's webhook is healthy (something else arrived on
//   it since), the send never reached the provider and it is sent again. A webhook that stays
//   silent leaves it `delivery_unknown` for a person (POST /api/messages/{id}/retry) after
//   AWAIT_MAX_MS.
// - A conversation whose first queued message nobody has touched for a minute (its job was lost or
//   failed for good, or the row was settled while it waited) is handed over again.
import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ChannelRegistry } from '../channels/registry.ts';
import { rowsOf, type Db } from '../db/client.ts';
import { channels, messages } from '../db/schema/index.ts';
import { defineJob, type JobQueue } from '../jobs/queue.ts';
import { LEASE_MS, noEarlierPending, sendJob, sendNext } from './send.ts';

/** A queued head of a conversation untouched this long (and past its retry) is handed over again. */
export const IDLE_AFTER_MS = 60_000;
/** How long a send in doubt waits for the status that would settle it. */
export const STATUS_WAIT_MS = 2 * 60_000;
/** After this, a send in doubt whose status never came is left to a person. */
export const AWAIT_MAX_MS = 60 * 60_000;

type SweepDeps = { db: Db; queue: JobQueue; log: Logger; now: () => Date; channels: ChannelRegistry };

export type SweepResult = { inDoubt: number; resent: number; handedOver: number };

export async function sweepStuckSends(deps: SweepDeps): Promise<number> {
  return (await sweepOutbox(deps)).inDoubt;
}

export async function sweepOutbox(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.now();
  const lapsed = new Date(now.getTime() - LEASE_MS);
  const echoing = deps.channels.all.filter((a) => a.echoesReference).map((a) => a.kind);

  // Ownerless sends: in doubt. Those whose provider echoes our reference wait for their status.
  const rows = await deps.db
    .update(messages)
    .set({
      status: 'failed',
      failReason: 'delivery_unknown',
      failedAt: now,
      updatedAt: now,
      meta: sql`case when ${messages.channelId} in (select id from ${channels} where ${channels.kind} in ${echoing.length ? echoing : ['']})
        then coalesce(${messages.meta}, '{}'::jsonb) || ${JSON.stringify({ awaiting: { since: now.toISOString() } })}::jsonb
        else ${messages.meta} end`,
    })
    .where(and(eq(messages.status, 'sending'), lt(messages.updatedAt, lapsed)))
    .returning({ conversationId: messages.conversationId });
  if (rows.length) deps.log.warn({ count: rows.length }, 'outbox: sends without a live owner are in doubt');

  // In doubt with no status since: sent again when the channel's webhook has spoken since.
  const waitedFrom = new Date(now.getTime() - STATUS_WAIT_MS).toISOString();
  const since = sql`(${messages.meta}->'awaiting'->>'since')::timestamptz`;
  const awaiting = await deps.db
    .select({ id: messages.id, conversationId: messages.conversationId, since: sql<string>`${since}` })
    .from(messages)
    .where(
      and(
        eq(messages.status, 'failed'),
        eq(messages.failReason, 'delivery_unknown'),
        eq(messages.direction, 'out'),
        isNull(messages.providerMessageId),
        isNotNull(sql`${messages.meta}->'awaiting'`),
        lt(since, sql`${waitedFrom}::timestamptz`),
      ),
    )
    .limit(500);
  let resent = 0;
  for (const row of awaiting) {
    try {
      if (now.getTime() - new Date(row.since).getTime() > AWAIT_MAX_MS) {
        await deps.db
          .update(messages)
          .set({ meta: sql`${messages.meta} - 'awaiting'` })
          .where(eq(messages.id, row.id));
        continue;
      }
      if (!(await webhookSpokeSince(deps.db, row.id))) continue;
      const requeued = await deps.db.transaction(async (tx) => {
        const [done] = await tx
          .update(messages)
          .set({
            status: 'queued',
            failReason: null,
            failedAt: null,
            updatedAt: now,
            meta: sql`(${messages.meta} - 'awaiting') || ${JSON.stringify({ resent_unconfirmed: row.since })}::jsonb`,
          })
          .where(and(eq(messages.id, row.id), eq(messages.status, 'failed'), isNull(messages.providerMessageId)))
          .returning({ id: messages.id });
        if (done) await deps.queue.enqueue(sendJob, tx, { messageId: done.id }, { priority: 1 });
        return !!done;
      });
      if (requeued) resent++;
    } catch (err) {
      deps.log.warn({ err, messageId: row.id }, 'outbox sweep could not resend an unconfirmed message');
    }
  }

  const idleBefore = new Date(now.getTime() - IDLE_AFTER_MS);
  const idle = await deps.db
    .selectDistinct({ conversationId: messages.conversationId })
    .from(messages)
    .where(
      and(
        eq(messages.status, 'queued'),
        eq(messages.direction, 'out'),
        lt(messages.updatedAt, idleBefore),
        or(isNull(messages.nextAttemptAt), lt(messages.nextAttemptAt, now)),
        noEarlierPending,
      ),
    )
    .limit(1000);
  const handOver = new Set([...rows, ...idle].map((r) => r.conversationId));
  for (const conversationId of handOver) {
    try {
      await sendNext(deps, conversationId);
    } catch (err) {
      // One conversation failing never stops the sweep; the next sweep tries it again.
      deps.log.warn({ err, conversationId }, 'outbox sweep could not hand over');
    }
  }
  return { inDoubt: rows.length, resent, handedOver: handOver.size };
}

/**
 * The channel's webhook is healthy for a message in doubt when something arrived on that channel
 * after the doubt began: a customer's message, or a status of another of our sends.
 */
async function webhookSpokeSince(db: Db, id: string): Promise<boolean> {
  const result = await db.execute(sql`
    select exists (
      select 1 from messages m, messages d
      where d.id = ${id} and m.workspace_id = d.workspace_id and m.channel_id = d.channel_id and m.id <> d.id
        and (
          (m.direction = 'in' and greatest(m.created_at, m.routed_at) > (d.meta->'awaiting'->>'since')::timestamptz)
          or (m.direction = 'out' and m.updated_at > (d.meta->'awaiting'->>'since')::timestamptz
              and (m.delivered_at is not null or m.read_at is not null))
        )
    ) as spoke`);
  return !!rowsOf<{ spoke: boolean }>(result)[0]?.spoke;
}

export const sweepJob = defineJob({
  id: 'outbound.sweep',
  schema: z.object({}).loose(),
  handler: async (_p, deps: SweepDeps) => {
    await sweepOutbox(deps);
  },
  cron: '* * * * *',
  runOnStart: true,
  queue: { retryLimit: 1 },
});
