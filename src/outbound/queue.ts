// The outbox: replies and notifications become outbound message rows, and a job `outbound.send`
// per row. Nothing here talks to a provider; outbound/send does.
import { eq, sql } from 'drizzle-orm';
import type { OutboundPayload } from '../channels/channel.ts';
import type { DbOrTx } from '../db/client.ts';
import { conversations, messages } from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/queue.ts';

export type QueueMessage = {
  workspaceId: string;
  conversationId: string;
  channelId: string;
  payload: Exclude<OutboundPayload, { type: 'mark_read' }>;
  /** reply | welcome | opt_out | notification | reminder | agent … */
  purpose: string;
  /** Same key, same message: lets a retried job queue its replies again without duplicates. */
  dedupeKey?: string;
  authorId?: string | null;
  replyToId?: string | null;
  /** Already delivered by the caller (the in-app channel answers in the HTTP response). */
  deliveredInline?: boolean;
  /** How a bot reply was made, for the status summary. */
  meta?: Record<string, unknown>;
};

const textOf = (p: QueueMessage['payload']) =>
  p.type === 'text' ? p.text : p.type === 'media' ? (p.caption ?? null) : `[template ${p.name}]`;

/** Stores an outbound message and enqueues its send in the caller's transaction. Returns its id (or the existing one). */
export async function queueMessage(tx: DbOrTx, queue: JobQueue, m: QueueMessage): Promise<string> {
  const [row] = await tx
    .insert(messages)
    .values({
      workspaceId: m.workspaceId,
      conversationId: m.conversationId,
      channelId: m.channelId,
      direction: 'out',
      type: m.payload.type === 'media' ? m.payload.mediaType : m.payload.type,
      text: textOf(m.payload),
      payload: m.payload as unknown as Record<string, unknown>,
      status: m.deliveredInline ? 'sent' : 'queued',
      sentAt: m.deliveredInline ? new Date() : null,
      purpose: m.purpose,
      dedupeKey: m.dedupeKey ?? null,
      authorId: m.authorId ?? null,
      replyToId: m.replyToId ?? null,
      meta: m.meta ?? null,
      // The database's clock at the insert, not the transaction's start: outbound/send sends a
      // conversation's messages in this order, and a routing transaction that began earlier may
      // have waited for the conversation's lock behind the one that routed the earlier message.
      createdAt: sql`clock_timestamp()`,
    })
    .onConflictDoNothing()
    .returning({ id: messages.id });
  if (!row) {
    const [existing] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(sql`${messages.workspaceId} = ${m.workspaceId} and ${messages.dedupeKey} = ${m.dedupeKey}`);
    return existing.id;
  }
  await tx
    .update(conversations)
    .set({ lastMessageAt: new Date(), ...(m.deliveredInline ? { lastOutboundAt: new Date() } : {}) })
    .where(eq(conversations.id, m.conversationId));
  if (!m.deliveredInline) await queue.send(tx, 'outbound.send', { messageId: row.id });
  return row.id;
}
