// Ingest: one transaction per webhook delivery. Insert-or-ignore each message on (channel,
// provider message id), upsert its conversation, enqueue `inbound.route`; statuses move outbound
// messages forward only. The webhook answers 200 only after this commits.
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { InboundEvent, InboundMessage, InboundStatus } from '../channels/channel.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { conversations, messages, workspaces } from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { normalizePhone } from '../lib/phone.ts';
import { windowClosedCodes } from '../outbound/send.ts';
import type { ChannelRow } from './channel-accounts.ts';

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

async function storeMessage(tx: DbOrTx, queue: JobQueue, channel: ChannelRow, region: string, ev: InboundMessage, route: 'job' | 'inline'): Promise<string | null> {
  const c = contactOf(ev, region);
  const thread = ev.thread ? { postId: ev.thread.postId, commentId: ev.thread.commentId } : null;
  const [conv] = await tx
    .insert(conversations)
    .values({
      workspaceId: channel.workspaceId,
      channelId: channel.id,
      channel: ev.channel,
      externalId: c.externalId,
      contactPhone: c.phone,
      contactUserId: c.userId,
      contactName: ev.from.name ?? null,
      thread,
      lastInboundAt: ev.timestamp,
      lastMessageAt: ev.timestamp,
    })
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
    .returning({ id: conversations.id });
  const [msg] = await tx
    .insert(messages)
    .values({
      workspaceId: channel.workspaceId,
      conversationId: conv.id,
      channelId: channel.id,
      direction: 'in',
      providerMessageId: ev.providerMessageId,
      type: ev.type,
      text: ev.text ?? null,
      payload: payloadOf(ev),
      status: 'received',
      createdAt: ev.timestamp,
    })
    .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
    .returning({ id: messages.id });
  if (!msg) return null;
  if (route === 'job') await queue.send(tx, 'inbound.route', { messageId: msg.id });
  return msg.id;
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

/**
 * Stores a webhook's events for the channels they belong to. `channelFor` maps an event's
 * account id to its channel; events of unknown accounts are acknowledged and ignored.
 */
export async function ingestEvents(deps: IngestDeps, events: InboundEvent[], channelFor: (accountId: string) => ChannelRow | undefined, opts: { route?: 'job' | 'inline' } = {}): Promise<IngestResult> {
  const result: IngestResult = { stored: [], duplicates: 0, statuses: 0, ignored: 0 };
  const relevant = events.filter((e) => (e.kind === 'message' || e.kind === 'status') && channelFor(e.accountId));
  result.ignored = events.length - relevant.length;
  if (!relevant.length) return result;
  await deps.db.transaction(async (tx) => {
    const regions = new Map<string, string>();
    for (const ev of relevant) {
      const channel = channelFor(ev.accountId)!;
      if (ev.kind === 'message') {
        if (!regions.has(channel.workspaceId)) {
          const [ws] = await tx.select({ region: workspaces.phoneRegion }).from(workspaces).where(eq(workspaces.id, channel.workspaceId));
          regions.set(channel.workspaceId, ws?.region ?? 'IN');
        }
        const id = await storeMessage(tx, deps.queue, channel, regions.get(channel.workspaceId)!, ev, opts.route ?? 'job');
        if (id) result.stored.push(id);
        else result.duplicates++;
      } else if (ev.kind === 'status') {
        result.statuses += await applyStatus(tx, channel, ev);
      }
    }
  });
  return result;
}
