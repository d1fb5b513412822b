// Ingest: insert-or-ignore each message on (channel, provider message id), upsert its
// conversation, enqueue `inbound.route`; statuses move outbound messages forward only. The webhook
// answers 200 only after this commits. Deliveries that arrive while a transaction runs are stored
// together in the next one (group commit, set-based statements); if that transaction fails, each
// of its deliveries is retried on its own, so one bad delivery cannot fail the others.
import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { InboundEvent, InboundMessage, InboundStatus } from '../channels/channel.ts';
import type { Database, Db, DbOrTx } from '../db/client.ts';
import { conversations, messages } from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { normalizePhone } from '../lib/phone.ts';
import { routeJob } from './route.ts';
import { uuidv7 } from '../lib/ids.ts';
import type { ChannelRow } from '../channel-accounts/accounts.ts';
import { workspaceRegions } from '../channel-accounts/cache.ts';
import type { ChannelRegistry } from '../channels/registry.ts';

export type IngestResult = { stored: string[]; duplicates: number; statuses: number; ignored: number };

export type IngestDeps = { db: Db; database: Database; queue: JobQueue; channels: ChannelRegistry };

/** Where a contact lives on a channel: the adapter's conversation key (a comment thread), their phone or user id. */
function contactOf(ev: InboundMessage, region: string) {
  const phone = ev.from.phone ? normalizePhone(ev.from.phone, region) : null;
  const externalId = ev.conversationKey ?? phone ?? ev.from.userId ?? ev.from.phone ?? 'unknown';
  return { externalId, phone, userId: ev.from.userId ?? null };
}

function payloadOf(ev: InboundMessage): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const k of [
    'media',
    'location',
    'contacts',
    'reply',
    'reaction',
    'contextMessageId',
    'thread',
    'errors',
    'referral',
  ] as const)
    if (ev[k] !== undefined) p[k] = ev[k];
  return p;
}

const rank = sql`(case ${messages.status} when 'queued' then 0 when 'sending' then 1 when 'sent' then 2 when 'delivered' then 3 when 'read' then 4 else 5 end)`;
const rankOf: Record<InboundStatus['status'], number> = { sent: 2, delivered: 3, read: 4, failed: 3 };

/** Moves outbound messages forward only: a late `delivered` never replaces `read`; `failed` keeps the error. */
export async function applyStatus(
  tx: DbOrTx,
  channel: ChannelRow,
  ev: InboundStatus,
  windowClosedCodes: ReadonlySet<string>,
): Promise<number> {
  const err = ev.errors?.[0];
  const set = {
    status: ev.status,
    updatedAt: new Date(),
    ...(ev.status === 'sent'
      ? { sentAt: sql`coalesce(${messages.sentAt}, ${ev.timestamp.toISOString()}::timestamptz)` }
      : {}),
    ...(ev.status === 'delivered' ? { deliveredAt: ev.timestamp } : {}),
    ...(ev.status === 'read'
      ? {
          readAt: ev.timestamp,
          deliveredAt: sql`coalesce(${messages.deliveredAt}, ${ev.timestamp.toISOString()}::timestamptz)`,
        }
      : {}),
    // WhatsApp's 131047 and Twilio's 63016 usually arrive here, after the send was accepted.
    ...(ev.status === 'failed'
      ? {
          failedAt: ev.timestamp,
          errorCode: err?.code ?? null,
          errorTitle: err?.title ?? err?.message ?? null,
          failReason: err?.code && windowClosedCodes.has(err.code) ? 'window_closed' : 'provider_error',
        }
      : {}),
  };
  // 'failed' may follow 'sent' but never 'delivered' or 'read'.
  const forward = ev.status === 'failed' ? sql`${rank} < 3` : sql`${rank} < ${rankOf[ev.status]}`;
  let where;
  if (ev.providerMessageId) {
    where = and(
      eq(messages.channelId, channel.id),
      eq(messages.providerMessageId, ev.providerMessageId),
      eq(messages.direction, 'out'),
      forward,
    );
  } else if (ev.watermark && ev.recipient?.userId) {
    const convs = tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.channelId, channel.id), eq(conversations.externalId, ev.recipient.userId)));
    where = and(
      eq(messages.channelId, channel.id),
      inArray(messages.conversationId, convs),
      eq(messages.direction, 'out'),
      lte(messages.sentAt, ev.watermark),
      forward,
    );
  } else return 0;
  const rows = await tx.update(messages).set(set).where(where).returning({ id: messages.id });
  if (ev.status === 'failed' && rows.length)
    await holdTeamNotices(
      tx,
      rows.map((r) => r.id),
    );
  if (rows.length || !ev.reference || !ev.providerMessageId || !UUID.test(ev.reference)) return rows.length;
  return settleByReference(tx, channel, ev, set);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A status naming our reference (the outbound row's id) for a send whose answer we never got: the
 * process died while it waited, or the call timed out. The row learns its provider id and its
 * state, so it is never sent again; a failure the status reports is kept.
 */
async function settleByReference(
  tx: DbOrTx,
  channel: ChannelRow,
  ev: InboundStatus,
  set: Record<string, unknown>,
): Promise<number> {
  const settled =
    ev.status === 'failed'
      ? set
      : {
          ...set,
          sentAt: sql`coalesce(${messages.sentAt}, ${ev.timestamp.toISOString()}::timestamptz)`,
          failReason: null,
          failedAt: null,
          errorCode: null,
          errorTitle: null,
        };
  const rows = await tx
    .update(messages)
    .set({
      ...settled,
      providerMessageId: ev.providerMessageId,
      meta: sql`coalesce(${messages.meta}, '{}'::jsonb) - 'awaiting'`,
    })
    .where(
      and(
        eq(messages.id, ev.reference!),
        eq(messages.channelId, channel.id),
        eq(messages.direction, 'out'),
        isNull(messages.providerMessageId),
        or(
          inArray(messages.status, ['queued', 'sending']),
          and(eq(messages.status, 'failed'), eq(messages.failReason, 'delivery_unknown')),
        ),
      ),
    )
    .returning({ id: messages.id });
  if (ev.status === 'failed' && rows.length)
    await holdTeamNotices(
      tx,
      rows.map((r) => r.id),
    );
  return rows.length;
}

/**
 * A notice to a team member that failed after the provider accepted it (window closed, template
 * refused) is held as its text again, like outbound/send holds it: it goes when the member writes.
 */
async function holdTeamNotices(tx: DbOrTx, ids: string[]): Promise<void> {
  await tx.execute(sql`
    update messages m set status = 'held', failed_at = null,
      payload = case when m.payload->>'type' = 'template' then jsonb_build_object('type', 'text', 'text', m.text) else m.payload end
    from conversations c
    where m.id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )}) and c.id = m.conversation_id and c.member_id is not null
      and m.text is not null and m.text not like '[template %'
      and coalesce(m.purpose, '') <> 'reply'`);
}

export type Delivery = {
  events: InboundEvent[];
  /** Maps an event's account id to its channel; events of unknown accounts are acknowledged and ignored. */
  channelFor: (accountId: string) => ChannelRow | undefined;
  route?: 'job' | 'inline';
};

type ConversationInput = {
  id: string;
  workspace_id: string;
  channel_id: string;
  channel: string;
  external_id: string;
  contact_phone: string | null;
  contact_user_id: string | null;
  contact_name: string | null;
  thread: { postId?: string; commentId?: string } | null;
  last_at: Date;
};

// One statement stores a batch: the conversations are upserted (one row each, merged in Node) and
// the messages inserted or ignored on (channel, provider id), joined to their conversation by
// (channel, external id). The rows arrive as two JSON documents, so the text never changes: on
// PostgreSQL it is a prepared statement, parsed and planned once per connection.
const INGEST_SQL = `
with c as (
  insert into conversations as t (id, workspace_id, channel_id, channel, external_id, contact_phone, contact_user_id, contact_name, thread, last_inbound_at, last_message_at)
  select id, workspace_id, channel_id, channel, external_id, contact_phone, contact_user_id, contact_name, thread, last_at, last_at
  from json_to_recordset($1::json) as x(id uuid, workspace_id uuid, channel_id uuid, channel text, external_id text, contact_phone text, contact_user_id text, contact_name text, thread jsonb, last_at timestamptz)
  on conflict (channel_id, external_id) do update set
    contact_name = coalesce(excluded.contact_name, t.contact_name),
    contact_phone = coalesce(t.contact_phone, excluded.contact_phone),
    contact_user_id = coalesce(t.contact_user_id, excluded.contact_user_id),
    thread = coalesce(excluded.thread, t.thread),
    last_inbound_at = greatest(t.last_inbound_at, excluded.last_inbound_at),
    last_message_at = greatest(t.last_message_at, excluded.last_message_at),
    updated_at = now()
  returning t.id, t.channel_id, t.external_id
), m as (
  insert into messages (id, workspace_id, conversation_id, channel_id, direction, provider_message_id, type, text, payload, status, created_at)
  select x.id, x.workspace_id, c.id, x.channel_id, 'in', x.provider_message_id, x.type, x.text, x.payload, 'received', x.created_at
  from json_to_recordset($2::json) as x(ord int, id uuid, workspace_id uuid, channel_id uuid, external_id text, provider_message_id text, type text, text text, payload jsonb, created_at timestamptz)
  join c on c.channel_id = x.channel_id and c.external_id = x.external_id
  order by x.ord
  on conflict (channel_id, provider_message_id) do nothing
  returning id
)
select id from m`;

/**
 * Stores several deliveries' messages in one transaction (one statement, plus one `inbound.route`
 * job naming every stored message) and their statuses in another, and returns each delivery's
 * result. Throws if either fails; a delivery is acknowledged only when both have committed.
 */
export async function ingestBatch(deps: IngestDeps, deliveries: Delivery[]): Promise<IngestResult[]> {
  const results: IngestResult[] = deliveries.map(() => ({ stored: [], duplicates: 0, statuses: 0, ignored: 0 }));
  const msgs: {
    d: number;
    ev: InboundMessage;
    channel: ChannelRow;
    route: 'job' | 'inline';
    key: string;
    id?: string;
  }[] = [];
  const statuses: { d: number; ev: InboundStatus; channel: ChannelRow }[] = [];
  deliveries.forEach((delivery, d) => {
    for (const ev of delivery.events) {
      const channel = ev.kind === 'message' || ev.kind === 'status' ? delivery.channelFor(ev.accountId) : undefined;
      if (!channel) results[d].ignored++;
      else if (ev.kind === 'message') msgs.push({ d, ev, channel, route: delivery.route ?? 'job', key: '' });
      else if (ev.kind === 'status') statuses.push({ d, ev, channel });
    }
  });

  if (msgs.length) {
    const regions = await workspaceRegions(
      deps.db,
      msgs.map((m) => m.channel.workspaceId),
    );
    // One row per conversation, merged in arrival order as one upsert per message would leave it:
    // the latest name and thread, the first phone and user id, the latest timestamp.
    const convs = new Map<string, ConversationInput>();
    for (const m of msgs) {
      const { ev, channel } = m;
      const c = contactOf(ev, regions.get(channel.workspaceId) ?? 'IN');
      m.key = `${channel.id}\u0000${c.externalId}`;
      const thread = ev.thread ? { postId: ev.thread.postId, commentId: ev.thread.commentId } : null;
      const prev = convs.get(m.key);
      if (!prev) {
        convs.set(m.key, {
          id: uuidv7(),
          workspace_id: channel.workspaceId,
          channel_id: channel.id,
          channel: ev.channel,
          external_id: c.externalId,
          contact_phone: c.phone,
          contact_user_id: c.userId,
          contact_name: ev.from.name ?? null,
          thread,
          last_at: ev.timestamp,
        });
      } else {
        prev.contact_name = ev.from.name ?? prev.contact_name;
        prev.contact_phone = prev.contact_phone ?? c.phone;
        prev.contact_user_id = prev.contact_user_id ?? c.userId;
        prev.thread = thread ?? prev.thread;
        if (ev.timestamp > prev.last_at) prev.last_at = ev.timestamp;
      }
    }
    // Rows are locked in the same order by every batch (conversations by key, messages by provider
    // id), so that batches running side by side wait for each other instead of deadlocking. The key
    // order is conversationLockOrder (db/schema), the one routing and the outbox lock in too.
    const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const convRows = [...convs.keys()].sort(byKey).map((k) => convs.get(k)!);
    // Ids are chosen here, so the rows the insert returns name the events that were stored. The
    // same provider id twice in this batch: the first is inserted, the others are duplicates.
    const seen = new Set<string>();
    type MessageInput = {
      ord: number;
      id: string;
      workspace_id: string;
      channel_id: string;
      external_id: string;
      provider_message_id: string | null;
      type: string;
      text: string | null;
      payload: Record<string, unknown>;
      created_at: Date;
    };
    const keyed: { sort: string; row: MessageInput }[] = [];
    for (const m of msgs) {
      const pid = m.ev.providerMessageId ?? null;
      const sort = `${m.channel.id}\u0000${pid ?? ''}`;
      if (pid != null) {
        if (seen.has(sort)) continue;
        seen.add(sort);
      }
      m.id = uuidv7();
      keyed.push({
        sort,
        row: {
          ord: 0,
          id: m.id,
          workspace_id: m.channel.workspaceId,
          channel_id: m.channel.id,
          external_id: convs.get(m.key)!.external_id,
          provider_message_id: pid,
          type: m.ev.type,
          text: m.ev.text ?? null,
          payload: payloadOf(m.ev),
          created_at: m.ev.timestamp,
        },
      });
    }
    keyed.sort((a, b) => byKey(a.sort, b.sort));
    keyed.forEach((k, i) => (k.row.ord = i));
    const msgRows = keyed.map((k) => k.row);

    const inserted = await deps.database.rawTransaction(async (q) => {
      const got = new Set(
        (
          await q<{ id: string }>(INGEST_SQL, [JSON.stringify(convRows), JSON.stringify(msgRows)], 'parley_ingest_v1')
        ).map((r) => r.id),
      );
      const route = msgs.filter((m) => m.id && m.route === 'job' && got.has(m.id)).map((m) => m.id!);
      // One job hands the whole batch over to routing (routing takes each message in its own
      // transaction, in order per conversation); a job per message would cost more than the rest.
      if (route.length) await deps.queue.enqueueMany(routeJob, q, [{ messageIds: route }]);
      return got;
    });
    for (const m of msgs) {
      if (m.id && inserted.has(m.id)) results[m.d].stored.push(m.id);
      else results[m.d].duplicates++;
    }
  }

  if (statuses.length) {
    await deps.db.transaction(async (tx) => {
      for (const s of statuses)
        results[s.d].statuses += await applyStatus(tx, s.channel, s.ev, deps.channels.windowClosedCodes);
    });
  }
  return results;
}

/** Stores one delivery's events in a transaction of its own. */
export async function ingestEvents(
  deps: IngestDeps,
  events: InboundEvent[],
  channelFor: Delivery['channelFor'],
  opts: { route?: 'job' | 'inline' } = {},
): Promise<IngestResult> {
  const [result] = await ingestBatch(deps, [{ events, channelFor, route: opts.route }]);
  return result;
}

/** The most deliveries stored in one transaction. */
const MAX_BATCH = 500;

type Pending = Delivery & { resolve: (r: IngestResult) => void; reject: (err: unknown) => void };
type Batcher = { pending: Pending[]; running: number; limit: number };
const batchers = new WeakMap<object, WeakMap<object, Batcher>>();

async function store(deps: IngestDeps, batch: Pending[]): Promise<void> {
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

/** Starts batches while fewer than `limit` are running; each takes every delivery waiting. */
function pump(deps: IngestDeps, b: Batcher): void {
  while (b.running < b.limit && b.pending.length) {
    const batch = b.pending.splice(0, MAX_BATCH);
    b.running++;
    void store(deps, batch).finally(() => {
      b.running--;
      pump(deps, b);
    });
  }
}

/**
 * Stores a delivery with the others waiting (group commit): while fewer than two transactions are
 * running (one on PGlite, which has one connection) it starts one at once; deliveries arriving
 * meanwhile queue and are stored together in the next. Two in flight let one batch fill and run
 * its statement while the other waits for its commit to reach the disk. Resolves only after the
 * delivery's rows and route job are committed.
 */
export function ingestQueued(deps: IngestDeps, delivery: Delivery): Promise<IngestResult> {
  let byQueue = batchers.get(deps.db);
  if (!byQueue) batchers.set(deps.db, (byQueue = new WeakMap()));
  let b = byQueue.get(deps.queue);
  if (!b) byQueue.set(deps.queue, (b = { pending: [], running: 0, limit: deps.database.kind === 'pglite' ? 1 : 2 }));
  const batcher = b;
  return new Promise<IngestResult>((resolve, reject) => {
    batcher.pending.push({ ...delivery, resolve, reject });
    pump(deps, batcher);
  });
}
