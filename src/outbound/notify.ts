// Notifications to team members (assignments, reminders, handoffs): an outbound message on the
// member's conversation with the workspace's WhatsApp channel, created if needed. Members without
// a phone, or workspaces without a messaging channel, get it on the simulator channel, where the
// dashboard shows it.
import { and, eq, inArray } from 'drizzle-orm';
import type { OutboundPayload } from '../channels/channel.ts';
import type { DbOrTx } from '../db/client.ts';
import { channels, conversations, users } from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { builtinChannel } from '../inbound/channel-accounts.ts';
import { queueMessage } from './queue.ts';

const preference = ['whatsapp', 'maytapi', 'twilio'] as const;

export type Notification = {
  workspaceId: string;
  memberId: string;
  text?: string;
  payload?: Exclude<OutboundPayload, { type: 'mark_read' }>;
  purpose?: string;
  /** Same key, same notification: makes notifying from a retried job safe. */
  dedupeKey: string;
};

/** Queues a notification to a team member; returns the message id, or null for an inactive member. */
export async function notifyMember(tx: DbOrTx, queue: JobQueue, n: Notification): Promise<string | null> {
  const [member] = await tx
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, n.workspaceId), eq(users.id, n.memberId)));
  if (!member || !member.active) return null;
  const available = await tx
    .select()
    .from(channels)
    .where(
      and(eq(channels.workspaceId, n.workspaceId), eq(channels.active, true), inArray(channels.kind, [...preference])),
    );
  const channel = member.phone ? preference.map((k) => available.find((c) => c.kind === k)).find(Boolean) : undefined;
  const target = channel ?? (await builtinChannel(tx, n.workspaceId, 'simulator'));
  const externalId = member.phone ?? `member:${member.id}`;
  await tx
    .insert(conversations)
    .values({
      workspaceId: n.workspaceId,
      channelId: target.id,
      channel: target.kind,
      externalId,
      contactPhone: member.phone,
      contactName: member.name,
      memberId: member.id,
    })
    .onConflictDoNothing();
  const [conv] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.channelId, target.id), eq(conversations.externalId, externalId)));
  return queueMessage(tx, queue, {
    workspaceId: n.workspaceId,
    conversationId: conv.id,
    channelId: target.id,
    payload: n.payload ?? { type: 'text', text: n.text ?? '' },
    purpose: n.purpose ?? 'notification',
    dedupeKey: n.dedupeKey,
  });
}
