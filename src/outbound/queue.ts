// The outbox. Bots, commands, nurture and people produce replies as plain data; queueReplies is the
// only writer of outbound message rows: it stores each reply in the caller's transaction and
// enqueues its send (outbound.send). Nothing here talks to a provider; outbound/send does.
//
// A reply goes to the contact of the conversation being answered, or to a team member: on the
// member's conversation with the workspace's first channel that reaches phones (registry order),
// created if needed; a member without a phone, or a workspace without such a channel, gets it on
// the simulator, where the dashboard shows it.
//
// One dedupe scheme: `<source>/<recipient>/<n>` — the source is what the replies answer or are
// about (`msg:<id>`, `reminder:<id>`, `task:<id>@<time>`, `digest:<date>`), the recipient `c` (the
// contact) or `m:<member id>`, n the reply's place among those to that recipient. The same source
// queued again (a job that runs twice) finds its rows and adds nothing.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { OutboundPayload } from '../channels/channel.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import { builtinChannel } from '../channel-accounts/accounts.ts';
import { teamTemplate } from '../channel-accounts/config.ts';
import { rowsOf, type DbOrTx } from '../db/client.ts';
import { channels, conversationLockOrder, conversations, messages, users } from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { uuidv7 } from '../lib/ids.ts';
import { sendJob } from './send.ts';

export type ReplyPayload = Exclude<OutboundPayload, { type: 'mark_read' }>;

export type Reply = {
  /** The contact of the conversation being answered, or a team member (by user id). */
  to: 'contact' | { member: string };
  /** reply | welcome | opt_out | notification | handoff | reminder | digest | agent … */
  purpose: string;
  text?: string;
  /** Anything but plain text (a template, a file); `text` is then ignored. */
  payload?: ReplyPayload;
  /** How a bot reply was made, for the status summary. */
  meta?: Record<string, unknown>;
};

export type ReplySource = {
  workspaceId: string;
  /** What the replies answer or are about; null: no dedupe (a person's message, sent once by its request). */
  key: string | null;
  /** The conversation whose contact `'contact'` replies go to. */
  conversation?: { id: string; channelId: string; channel: string };
  /** The message `'contact'` replies answer (marked as read when they go). */
  replyToId?: string | null;
  authorId?: string | null;
};

export type OutboxDeps = { queue: JobQueue; channels: ChannelRegistry };

const textOf = (p: ReplyPayload) =>
  p.type === 'text' ? p.text : p.type === 'media' ? (p.caption ?? null) : `[template ${p.name}]`;

/**
 * Stores the replies and enqueues their sends. Returns each reply's message id (the existing one
 * for a repeat), or null for a reply to a member who is not active.
 */
export async function queueReplies(
  tx: DbOrTx,
  deps: OutboxDeps,
  source: ReplySource,
  replies: Reply[],
): Promise<(string | null)[]> {
  const [ids] = await queueRepliesMany(tx, deps, [{ source, replies }]);
  return ids;
}

/**
 * queueReplies for many sources at once (the router's batch): one insert for every row, one
 * update of the conversations they went to and one statement for their send jobs, whatever the
 * number of replies. Rows are stored in the order given (a conversation's replies are sent in
 * that order). Returns the ids per source, as queueReplies does.
 */
export async function queueRepliesMany(
  tx: DbOrTx,
  deps: OutboxDeps,
  items: { source: ReplySource; replies: Reply[] }[],
  /** Kept by the caller across calls in one transaction (the router's batch): members' conversations. */
  memo: Map<string, Promise<unknown>> = new Map(),
): Promise<(string | null)[][]> {
  const members = memo as Map<string, Promise<Target | null>>;
  const rows: (OutboundRow & { id: string })[] = [];
  const out: (string | null)[][] = [];
  const slots: { item: number; reply: number; row: number }[] = [];
  for (const [i, { source, replies }] of items.entries()) {
    const counts = new Map<string, number>();
    out.push([]);
    for (const r of replies) {
      let target: Target | null | undefined;
      if (r.to === 'contact') target = source.conversation;
      else {
        const key = `member conversation:${source.workspaceId}/${r.to.member}`;
        if (!members.has(key)) members.set(key, memberConversation(tx, deps, source.workspaceId, r.to.member));
        target = await members.get(key)!;
      }
      if (!target) {
        if (r.to === 'contact') throw new Error('queueReplies: a reply to the contact needs the conversation');
        out[i].push(null);
        continue;
      }
      const recipient = r.to === 'contact' ? 'c' : `m:${r.to.member}`;
      const n = counts.get(recipient) ?? 0;
      counts.set(recipient, n + 1);
      slots.push({ item: i, reply: out[i].length, row: rows.length });
      out[i].push(null);
      rows.push({
        id: uuidv7(),
        workspaceId: source.workspaceId,
        conversation: target,
        payload: r.payload ?? { type: 'text', text: r.text ?? '' },
        purpose: r.purpose,
        dedupeKey: source.key === null ? null : `${source.key}/${recipient}/${n}`,
        authorId: source.authorId ?? null,
        replyToId: r.to === 'contact' ? (source.replyToId ?? null) : null,
        meta: r.meta ?? null,
      });
    }
  }
  if (!rows.length) return out;
  const ids = await insertOutbound(tx, deps, rows);
  for (const s of slots) out[s.item][s.reply] = ids[s.row];
  return out;
}

type Target = { id: string; channelId: string; channel: string };

type OutboundRow = {
  workspaceId: string;
  conversation: Target;
  payload: ReplyPayload;
  purpose: string;
  dedupeKey: string | null;
  authorId: string | null;
  replyToId: string | null;
  meta: Record<string, unknown> | null;
};

/** One insert for all rows; a row whose dedupe key is taken answers the existing row's id. */
async function insertOutbound(tx: DbOrTx, deps: OutboxDeps, rows: (OutboundRow & { id: string })[]): Promise<string[]> {
  // The in-app channel answers in the HTTP response of the message: its replies are delivered.
  const inline = (m: OutboundRow) => !!deps.channels.surface(m.conversation.channel)?.adapter.inline;
  const now = new Date();
  // The rows as one JSON parameter (jsonb_to_recordset): a batch's 30 rows × 15 columns built as
  // Drizzle values were most of the router's own CPU. created_at is the database's clock at the
  // insert (row by row, in order), not the transaction's start: outbound/send sends a
  // conversation's messages in this order, and a routing transaction that began earlier may have
  // waited for the conversation's lock behind the one that routed the earlier message.
  const values = rows.map((m) => ({
    id: m.id,
    workspace_id: m.workspaceId,
    conversation_id: m.conversation.id,
    channel_id: m.conversation.channelId,
    type: m.payload.type === 'media' ? m.payload.mediaType : m.payload.type,
    text: textOf(m.payload),
    payload: m.payload,
    status: inline(m) ? 'sent' : 'queued',
    sent_at: inline(m) ? now.toISOString() : null,
    purpose: m.purpose,
    dedupe_key: m.dedupeKey,
    author_id: m.authorId,
    reply_to_id: m.replyToId,
    meta: m.meta,
  }));
  const inserted = rowsOf<{ id: string }>(
    await tx.execute(sql`
      insert into messages (id, workspace_id, conversation_id, channel_id, direction, type, text, payload, status,
        sent_at, purpose, dedupe_key, author_id, reply_to_id, meta, created_at)
      select v.id, v.workspace_id, v.conversation_id, v.channel_id, 'out', v.type, v.text, v.payload, v.status,
        v.sent_at, v.purpose, v.dedupe_key, v.author_id, v.reply_to_id, v.meta, clock_timestamp()
      from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id uuid, workspace_id uuid, conversation_id uuid,
        channel_id uuid, type text, text text, payload jsonb, status text, sent_at timestamptz, purpose text,
        dedupe_key text, author_id uuid, reply_to_id uuid, meta jsonb)
      on conflict do nothing
      returning id`),
  );
  const stored = new Set(inserted.map((r) => r.id));
  const fresh = rows.filter((m) => stored.has(m.id));
  const repeats = rows.filter((m) => !stored.has(m.id));
  const existing = new Map<string, string>();
  if (repeats.length) {
    const byWorkspace = new Map<string, string[]>();
    for (const m of repeats) byWorkspace.set(m.workspaceId, [...(byWorkspace.get(m.workspaceId) ?? []), m.dedupeKey!]);
    for (const [workspaceId, keys] of byWorkspace)
      for (const r of await tx
        .select({ id: messages.id, key: messages.dedupeKey })
        .from(messages)
        .where(and(eq(messages.workspaceId, workspaceId), inArray(messages.dedupeKey, keys))))
        existing.set(`${workspaceId}/${r.key}`, r.id);
  }
  if (fresh.length) {
    // The conversations' rows in one order (conversationLockOrder), so that two transactions never take them in opposite orders.
    const convIds = [...new Set(fresh.map((m) => m.conversation.id))].sort();
    const inlineIds = [...new Set(fresh.filter(inline).map((m) => m.conversation.id))];
    await tx
      .update(conversations)
      .set({
        lastMessageAt: now,
        ...(inlineIds.length
          ? {
              lastOutboundAt: sql`case when ${conversations.id} in (${sql.join(
                inlineIds.map((id) => sql`${id}::uuid`),
                sql`, `,
              )}) then ${now.toISOString()}::timestamptz else ${conversations.lastOutboundAt} end`,
            }
          : {}),
      })
      .where(
        inArray(
          conversations.id,
          tx
            .select({ id: conversations.id })
            .from(conversations)
            .where(inArray(conversations.id, convIds))
            .orderBy(...conversationLockOrder)
            .for('update'),
        ),
      );
    const sends = fresh.filter((m) => !inline(m)).map((m) => ({ messageId: m.id }));
    await deps.queue.enqueueMany(sendJob, tx, sends);
  }
  return rows.map((m) => (stored.has(m.id) ? m.id : existing.get(`${m.workspaceId}/${m.dedupeKey}`)!));
}

/** The channel that reaches a member: the first one in registry order that reaches phones, else the simulator. */
async function memberChannel(tx: DbOrTx, deps: { channels: ChannelRegistry }, member: typeof users.$inferSelect) {
  const phoneKinds = deps.channels.all.filter((a) => a.reachesPhones).map((a) => a.kind);
  const available =
    member.phone && phoneKinds.length
      ? await tx
          .select()
          .from(channels)
          .where(
            and(
              eq(channels.workspaceId, member.workspaceId),
              eq(channels.active, true),
              inArray(channels.kind, phoneKinds),
            ),
          )
      : [];
  return (
    phoneKinds.map((k) => available.find((c) => c.kind === k)).find(Boolean) ??
    (await builtinChannel(tx, member.workspaceId, deps.channels.get('simulator')))
  );
}

/** The member's conversation on the channel that reaches them (made if needed), or null for an inactive member. */
async function memberConversation(tx: DbOrTx, deps: OutboxDeps, workspaceId: string, memberId: string) {
  const [member] = await tx
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.id, memberId)));
  if (!member || !member.active) return null;
  const channel = await memberChannel(tx, deps, member);
  const externalId = member.phone ?? `member:${member.id}`;
  await tx
    .insert(conversations)
    .values({
      workspaceId,
      channelId: channel.id,
      channel: channel.kind,
      externalId,
      contactPhone: member.phone,
      contactName: member.name,
      memberId: member.id,
    })
    .onConflictDoNothing();
  const [conv] = await tx
    .select({ id: conversations.id, channelId: conversations.channelId, channel: conversations.channel })
    .from(conversations)
    .where(and(eq(conversations.channelId, channel.id), eq(conversations.externalId, externalId)));
  return conv;
}

/**
 * Whether a notice queued for a member now will reach them: `sent` when their channel has no
 * reply window, their window is open (they wrote within it), or the channel has a team template;
 * `held` when it will wait for their next message (outbound/send holds it); null for a member who
 * is not active. What the sender is told follows from it.
 */
export async function memberReach(
  tx: DbOrTx,
  deps: { channels: ChannelRegistry },
  workspaceId: string,
  memberId: string,
  now: Date,
): Promise<'sent' | 'held' | null> {
  const [member] = await tx
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.id, memberId)));
  if (!member?.active) return null;
  const channel = await memberChannel(tx, deps, member);
  const window = deps.channels.surface(channel.kind)?.surface.replyWindow;
  if (!window) return 'sent';
  const [conv] = await tx
    .select({ lastInboundAt: conversations.lastInboundAt })
    .from(conversations)
    .where(and(eq(conversations.channelId, channel.id), eq(conversations.externalId, member.phone ?? '')));
  const since = conv?.lastInboundAt ? now.getTime() - conv.lastInboundAt.getTime() : Infinity;
  if (since < window.hours * 3600_000) return 'sent';
  return window.templates && teamTemplate(channel) ? 'sent' : 'held';
}

/**
 * Notices to a member (everything on their conversations but the answers to their own messages),
 * newest first; `held`: only those still waiting for their window to open.
 */
export async function memberNotices(
  tx: DbOrTx,
  workspaceId: string,
  memberId: string,
  o: { held?: boolean; limit?: number } = {},
) {
  return tx
    .select({
      id: messages.id,
      text: messages.text,
      purpose: messages.purpose,
      status: messages.status,
      failReason: messages.failReason,
      createdAt: messages.createdAt,
      sentAt: messages.sentAt,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(
      and(
        eq(messages.workspaceId, workspaceId),
        eq(conversations.memberId, memberId),
        eq(messages.direction, 'out'),
        sql`coalesce(${messages.purpose}, '') <> 'reply'`,
        o.held ? eq(messages.status, 'held') : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(o.limit ?? 50);
}

/**
 * The member wrote: their window is open again, so the notices held on this conversation go now,
 * before the answer to what they wrote (they are older). Returns how many were released.
 */
export async function releaseHeld(tx: DbOrTx, deps: { queue: JobQueue }, conversationId: string): Promise<number> {
  const rows = await tx
    .update(messages)
    .set({ status: 'queued', updatedAt: new Date() })
    .where(and(eq(messages.conversationId, conversationId), eq(messages.status, 'held')))
    .returning({ id: messages.id });
  for (const r of rows) await deps.queue.enqueue(sendJob, tx, { messageId: r.id });
  return rows.length;
}
