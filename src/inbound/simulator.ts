// The simulator and the in-app channel enter the same pipeline as a provider webhook.
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { InboundMessage } from '../channels/channel.ts';
import type { Actor } from '../crm/actor.ts';
import { getWorkspace } from '../crm/workspaces.ts';
import type { Db } from '../db/client.ts';
import { conversations, messages } from '../db/schema/index.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import { badRequest, forbidden } from '../lib/errors.ts';
import { normalizePhone } from '../lib/phone.ts';
import { builtinChannel } from '../channel-accounts/accounts.ts';
import { ingestEvents, type IngestDeps } from './ingest.ts';

export type SimDeps = IngestDeps & { now: () => Date };

/** A message "from" a phone to the workspace's simulator channel. */
export async function simulateInbound(
  deps: SimDeps,
  actor: Actor,
  input: { from: string; name?: string; text: string },
) {
  const ws = await getWorkspace(deps.db, actor.workspaceId);
  const phone = normalizePhone(input.from, ws.phoneRegion);
  if (!phone) throw badRequest('Invalid phone number', { from: `"${input.from}" is not a valid phone number` });
  const channel = await builtinChannel(deps.db, actor.workspaceId, deps.channels.get('simulator'));
  const ev: InboundMessage = {
    kind: 'message',
    channel: 'simulator',
    accountId: channel.accountId,
    providerMessageId: `sim-in.${randomUUID()}`,
    from: { phone, name: input.name },
    timestamp: deps.now(),
    type: 'text',
    text: input.text,
  };
  const result = await ingestEvents(deps, [ev], () => channel);
  const [msg] = await deps.db
    .select({ id: messages.id, conversationId: messages.conversationId })
    .from(messages)
    .where(eq(messages.id, result.stored[0]));
  return { messageId: msg.id, conversationId: msg.conversationId, phone };
}

/** Everything said in the simulator with one phone, oldest first. */
export async function simulatorMessages(db: Db, deps: { channels: ChannelRegistry }, actor: Actor, phoneInput: string) {
  const ws = await getWorkspace(db, actor.workspaceId);
  const phone = normalizePhone(phoneInput, ws.phoneRegion);
  if (!phone) throw badRequest('Invalid phone number', { phone: `"${phoneInput}" is not a valid phone number` });
  const channel = await builtinChannel(db, actor.workspaceId, deps.channels.get('simulator'));
  const [conv] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.channelId, channel.id), eq(conversations.externalId, phone)));
  if (!conv) return { conversation: null, messages: [] };
  const rows = await db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conv.id))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  return { conversation: conv, messages: rows };
}

/** A team member's command from the in-app channel; routed inline so the reply is in the response. */
export async function appInbound(
  deps: SimDeps,
  actor: Actor,
  text: string,
): Promise<{ messageId: string; conversationId: string }> {
  if (!actor.userId) throw forbidden('The app channel is for team members; log in as one');
  const channel = await builtinChannel(deps.db, actor.workspaceId, deps.channels.get('app'));
  await deps.db
    .insert(conversations)
    .values({
      workspaceId: actor.workspaceId,
      channelId: channel.id,
      channel: 'app',
      externalId: `member:${actor.userId}`,
      memberId: actor.userId,
    })
    .onConflictDoNothing();
  const ev: InboundMessage = {
    kind: 'message',
    channel: 'app',
    accountId: channel.accountId,
    providerMessageId: `app-in.${randomUUID()}`,
    from: { userId: `member:${actor.userId}` },
    timestamp: deps.now(),
    type: 'text',
    text,
  };
  const result = await ingestEvents(deps, [ev], () => channel, { route: 'inline' });
  const [msg] = await deps.db
    .select({ id: messages.id, conversationId: messages.conversationId })
    .from(messages)
    .where(eq(messages.id, result.stored[0]));
  return { messageId: msg.id, conversationId: msg.conversationId };
}
