// Ingest: insert-or-ignore each message on (channel, provider message id), upsert its
// conversation, enqueue `inbound.route`; statuses move outbound messages forward only. The webhook
// answers 200 only after this commits. Deliveries that arrive while a transaction runs are stored
// together in the next one (group commit, set-based statements); if that transaction fails, each
// of its deliveries is retried on its own, so one bad delivery cannot fail the others.
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { InboundEvent, InboundMessage, InboundStatus } from '../channels/channel.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { conversations, messages } from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { normalizePhone } from '../lib/phone.ts';
import { windowClosedCodes } from '../outbound/send.ts';
import { uuidv7 } from '../lib/ids.ts';
import { workspaceRegions, type ChannelRow } from './channel-accounts.ts';

export type IngestResult = { stored: string[]; duplicates: number; statuses: number; ignored: number };

export type IngestDeps = { db: Db; queue: JobQueue };

/** Where a contact lives on a channel: their phone, their provider user id, or a comment thread. */
function contactOf(ev: InboundMessage, region: string) {
  const phone = ev.from.phone ? normalizePhone(ev.from.phone, region) : null;
  if (ev.channel === 'facebook_comment') {
    return { externalId: `comment:${ev.from.userId ?? 'unknown'}:${ev.thread?.postId ?? ''}`, phone, userId: ev.from.userId ?? null };
  }
  return { externalId: phone ?? ev.from.userId ?? ev.from.phone ?? 'unknown', phone, userId: ev.from.userId ?? null };
}

function payloadOf(ev: InboundMessage): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const k of ['media', 'location', 'contacts', 'reply', 'reaction', 'contextMessageId', 'thread', 'errors', 'referral'] as const) if (ev[k] !== undefined) p[k] = ev[k];
  return p;
}

const rank = sql`(case ${messages.status} when 'queued' then 0 when 'sending' then 1 when 'sent' then 2 when 'delivered' then 3 when 'read' then 4 else 5 end)`;
const rankOf: Record<InboundStatus['status'], number> = { sent: 2, delivered: 3, read: 4, failed: 3 };

/** Moves outbound messages forward only: a late `delivered` never replaces `read`; `failed` keeps the error. */
export async function applyStatus(tx: DbOrTx, channel: ChannelRow, ev: InboundStatus): Promise<number> {
  const err = ev.errors?.[0];
  const set = {
    status: ev.status,
    updatedAt: new Date(),
    ...(ev.status === 'sent' ? { sentAt: sql`coalesce(${messages.sentAt}, ${ev.timestamp.toISOString()}::timestamptz)` } : {}),
    ...(ev.status === 'delivered' ? { deliveredAt: ev.timestamp } : {}),
    ...(ev.status === 'read' ? { readAt: ev.timestamp, deliveredAt: sql`coalesce(${messages.deliveredAt}, ${ev.timestamp.toISOString()}::timestamptz)` } : {}),
    // WhatsApp's 131047 and Twilio's 63016 usually arrive here, after the send was accepted.
    ...(ev.status === 'failed' ? { failedAt: ev.timestamp, errorCode: err?.code ?? null, errorTitle: err?.title ?? err?.message ?? null, failReason: err?.code && windowClosedCodes.has(err.code) ? 'window_closed' : 'provider_error' } : {}),
  };
  // 'failed' may follow 'sent' but never 'delivered' or 'read'.
  const forward = ev.status === 'failed' ? sql`${rank} < 3` : sql`${rank} < ${rankOf[ev.status]}`;
  let where;
  if (ev.providerMessageId) {
    where = and(eq(messages.channelId, channel.id), eq(messages.providerMessageId, ev.providerMessageId), eq(messages.direction, 'out'), forward);
  } else if (ev.watermark && ev.recipient?.userId) {
    const convs = tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.channelId, channel.id), eq(conversations.externalId, ev.recipient.userId)));
    where = and(eq(messages.channelId, channel.id), inArray(messages.conversationId, convs), eq(messages.direction, 'out'), lte(messages.sentAt, ev.watermark), forward);
  } else return 0;
  const rows = await tx.update(messages).set(set).where(where).returning({ id: messages.id });
  return rows.length;
}

export type Delivery = {
  events: InboundEvent[];
  /** Maps an event's account id to its channel; events of unknown accounts are acknowledged and ignored. */
  channelFor: (accountId: string) => ChannelRow | undefined;
  route?: 'job' | 'inline';
};

/** Rows per multi-row statement (PostgreSQL takes at most 65,535 parameters per statement). */
const CHUNK = 1000;
const chunks = <T>(rows: T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
};

type ConversationRow = typeof conversations.$inferInsert;

/**
 * Stores several deliveries in one transaction, with one statement per table, and returns each
 * delivery's result. Throws if the transaction fails (then nothing of any delivery is stored).
 */
export async function ingestBatch(deps: IngestDeps, deliveries: Delivery[]): Promise<IngestResult[]> {
  const results: IngestResult[] = deliveries.map(() => ({ stored: [], duplicates: 0, statuses: 0, ignored: 0 }));
  const msgs: { d: number; ev: InboundMessage; channel: ChannelRow; route: 'job' | 'inline'; id?: string }[] = [];
  const statuses: { d: number; ev: InboundStatus; channel: ChannelRow }[] = [];
  deliveries.forEach((delivery, d) => {
    for (const ev of delivery.events) {
      const channel = ev.kind === 'message' || ev.kind === 'status' ? delivery.channelFor(ev.accountId) : undefined;
      if (!channel) results[d].ignored++;
      else if (ev.kind === 'message') msgs.push({ d, ev, channel, route: delivery.route ?? 'job' });
      else if (ev.kind === 'status') statuses.push({ d, ev, channel });
    }
  });
  if (!msgs.length && !statuses.length) return results;
  const regions = msgs.length ? await workspaceRegions(deps.db, msgs.map((m) => m.channel.workspaceId)) : new Map<string, string>();

  // One row per conversation, merged in arrival order as one upsert per message would leave it: the
  // latest name and thread, the first phone and user id, the latest timestamps.
  const convs = new Map<string, ConversationRow>();
  const convKey = (channelId: string, externalId: string) => `${channelId}\u0000${externalId}`;
  const msgConv: string[] = [];
  for (const { ev, channel } of msgs) {
    const c = contactOf(ev, regions.get(channel.workspaceId) ?? 'IN');
    const key = convKey(channel.id, c.externalId);
    msgConv.push(key);
    const thread = ev.thread ? { postId: ev.thread.postId, commentId: ev.thread.commentId } : null;
    const prev = convs.get(key);
    if (!prev) {
      convs.set(key, { workspaceId: channel.workspaceId, channelId: channel.id, channel: ev.channel, externalId: c.externalId, contactPhone: c.phone, contactUserId: c.userId, contactName: ev.from.name ?? null, thread, lastInboundAt: ev.timestamp, lastMessageAt: ev.timestamp });
    } else {
      prev.contactName = ev.from.name ?? prev.contactName;
      prev.contactPhone = prev.contactPhone ?? c.phone;
      prev.contactUserId = prev.contactUserId ?? c.userId;
      prev.thread = thread ?? prev.thread;
      if (ev.timestamp > prev.lastInboundAt!) prev.lastInboundAt = prev.lastMessageAt = ev.timestamp;
    }
  }
  // The same order in every transaction, so that concurrent batches lock rows in the same order.
  const convRows = [...convs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);

  await deps.db.transaction(async (tx) => {
    if (msgs.length) {
      const convIds = new Map<string, string>();
      for (const rows of chunks(convRows)) {
        const upserted = await tx
          .insert(conversations)
          .values(rows)
          .onConflictDoUpdate({
            target: [conversations.channelId, conversations.externalId],
            set: {
              contactName: sql`coalesce(excluded.contact_name, ${conversations.contactName})`,
              contactPhone: sql`coalesce(${conversations.contactPhone}, excluded.contact_phone)`,
              contactUserId: sql`coalesce(${conversations.contactUserId}, excluded.contact_user_id)`,
              thread: sql`coalesce(excluded.thread, ${conversations.thread})`,
              lastInboundAt: sql`greatest(${conversations.lastInboundAt}, excluded.last_inbound_at)`,
              lastMessageAt: sql`greatest(${conversations.lastMessageAt}, excluded.last_message_at)`,
              updatedAt: sql`now()`,
            },
          })
          .returning({ id: conversations.id, channelId: conversations.channelId, externalId: conversations.externalId });
        for (const r of upserted) convIds.set(convKey(r.channelId, r.externalId), r.id);
      }

      // Ids are chosen here, so the rows the insert returns name the events that were stored. The
      // same provider id twice in this batch: the first is inserted, the others are duplicates.
      const seen = new Set<string>();
      const rows: (typeof messages.$inferInsert)[] = [];
      msgs.forEach((m, i) => {
        if (m.ev.providerMessageId != null) {
          const key = `${m.channel.id}\u0000${m.ev.providerMessageId}`;
          if (seen.has(key)) return;
          seen.add(key);
        }
        m.id = uuidv7();
        rows.push({ id: m.id, workspaceId: m.channel.workspaceId, conversationId: convIds.get(msgConv[i])!, channelId: m.channel.id, direction: 'in', providerMessageId: m.ev.providerMessageId, type: m.ev.type, text: m.ev.text ?? null, payload: payloadOf(m.ev), status: 'received', createdAt: m.ev.timestamp });
      });
      const inserted = new Set<string>();
      for (const part of chunks(rows)) {
        const got = await tx.insert(messages).values(part).onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] }).returning({ id: messages.id });
        for (const r of got) inserted.add(r.id);
      }
      const jobs: { messageId: string }[] = [];
      for (const m of msgs) {
        if (m.id && inserted.has(m.id)) {
          results[m.d].stored.push(m.id);
          if (m.route === 'job') jobs.push({ messageId: m.id });
        } else results[m.d].duplicates++;
      }
      for (const part of chunks(jobs)) await deps.queue.insertMany(tx, 'inbound.route', part);
    }
    for (const s of statuses) results[s.d].statuses += await applyStatus(tx, s.channel, s.ev);
  });
  return results;
}

/** Stores one delivery's events in a transaction of its own. */
export async function ingestEvents(deps: IngestDeps, events: InboundEvent[], channelFor: Delivery['channelFor'], opts: { route?: 'job' | 'inline' } = {}): Promise<IngestResult> {
  const [result] = await ingestBatch(deps, [{ events, channelFor, route: opts.route }]);
  return result;
}

/** The most deliveries stored in one transaction. */
const MAX_BATCH = 500;

type Pending = Delivery & { resolve: (r: IngestResult) => void; reject: (err: unknown) => void };
type Batcher = { pending: Pending[]; running: boolean };
const batchers = new WeakMap<object, WeakMap<object, Batcher>>();

async function flush(deps: IngestDeps, b: Batcher): Promise<void> {
  b.running = true;
  try {
    while (b.pending.length) {
      const batch = b.pending.splice(0, MAX_BATCH);
      let results: IngestResult[] | null = null;
      let error: unknown;
      try {
        results = await ingestBatch(deps, batch);
      } catch (err) {
        error = err;
      }
      if (results) batch.forEach((p, i) => p.resolve(results[i]));
      else if (batch.length === 1) batch[0].reject(error);
      else {
        // Nothing of the batch was stored: each delivery on its own, with its own result or error.
        for (const p of batch) {
          try {
            p.resolve((await ingestBatch(deps, [p]))[0]);
          } catch (err) {
            p.reject(err);
          }
        }
      }
    }
  } finally {
    b.running = false;
  }
}

/**
 * Stores a delivery with the others waiting (group commit): when no transaction is running it
 * starts one at once; deliveries arriving meanwhile queue and are stored together in the next.
 * Resolves only after the delivery's rows and jobs are committed.
 */
export function ingestQueued(deps: IngestDeps, delivery: Delivery): Promise<IngestResult> {
  let byQueue = batchers.get(deps.db);
  if (!byQueue) batchers.set(deps.db, (byQueue = new WeakMap()));
  let b = byQueue.get(deps.queue);
  if (!b) byQueue.set(deps.queue, (b = { pending: [], running: false }));
  const batcher = b;
  return new Promise<IngestResult>((resolve, reject) => {
    batcher.pending.push({ ...delivery, resolve, reject });
    if (!batcher.running) void flush(deps, batcher);
  });
}
