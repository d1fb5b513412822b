// bot.handoff-watch: a handed-off customer is never left in silence. Enqueued by the router when
// the bot hands a conversation to a person, to run N minutes of business hours later
// (bot/handoff answerDeadline). If the same handoff still stands and nobody has written to the
// customer since, the customer is told and the team reminded — once (the dedupe key names the
// handoff). A release or a person's reply in between makes it do nothing.
import { and, desc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Logger } from 'pino';
import { stillWaitingText } from '../bot/handoff.ts';
import { recipients } from '../bot/respond.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import { getWorkspace } from '../crm/workspaces.ts';
import { memberName } from '../crm/members.ts';
import type { Db, Tx } from '../db/client.ts';
import { conversations, leads, messages } from '../db/schema/index.ts';
import { defineJob, type JobQueue } from '../jobs/queue.ts';
import { detectLanguage, firstName } from '../lib/language.ts';
import { queueReplies } from '../outbound/queue.ts';
import { answerDeadline } from '../bot/handoff.ts';

export type HandoffWatchDeps = { db: Db; queue: JobQueue; channels: ChannelRegistry; log: Logger; now: () => Date };

type Payload = { conversationId: string; handedOffAt: string };

/** Enqueues the check of a handoff the bot just made (inside the routing transaction). */
export async function watchHandoff(
  tx: Tx,
  deps: { queue: JobQueue },
  ws: { settings: Record<string, unknown>; timeZone: string },
  conversationId: string,
  handedOffAt: Date,
): Promise<void> {
  await deps.queue.enqueue(
    handoffWatchJob,
    tx,
    { conversationId, handedOffAt: handedOffAt.toISOString() },
    { startAfter: answerDeadline(ws, handedOffAt) },
  );
}

export async function checkHandoff(deps: HandoffWatchDeps, p: Payload): Promise<'answered' | 'reminded' | 'later'> {
  return deps.db.transaction(async (tx) => {
    const [conv] = await tx.select().from(conversations).where(eq(conversations.id, p.conversationId)).for('update');
    const since = new Date(p.handedOffAt);
    // Released, or handed off again since (that handoff has its own check).
    if (!conv?.handedOffAt || conv.handedOffAt.getTime() !== since.getTime()) return 'answered';
    const [spoke] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conv.id),
          eq(messages.direction, 'out'),
          eq(messages.purpose, 'agent'),
          gt(messages.createdAt, since),
        ),
      )
      .limit(1);
    if (spoke) return 'answered';
    const ws = await getWorkspace(tx, conv.workspaceId);
    const now = deps.now();
    // Run early (a clock ahead, or the business hours changed): look again at the deadline.
    const due = answerDeadline(ws, since);
    if (due.getTime() > now.getTime() + 60_000) {
      await deps.queue.enqueue(handoffWatchJob, tx, p, { startAfter: due });
      return 'later';
    }
    const [lastIn] = await tx
      .select({ text: messages.text })
      .from(messages)
      .where(and(eq(messages.conversationId, conv.id), eq(messages.direction, 'in')))
      .orderBy(desc(messages.createdAt))
      .limit(1);
    const lang = detectLanguage(lastIn?.text);
    const [lead] = conv.leadId ? await tx.select().from(leads).where(eq(leads.id, conv.leadId)) : [];
    const assigneeId = lead?.assigneeId ?? null;
    const to = await recipients(tx, ws.id, assigneeId);
    const who = assigneeId ? firstName(await memberName(tx, ws.id, assigneeId)) : null;
    const customer = lead?.contactName ?? conv.contactName ?? conv.contactPhone ?? 'A customer';
    const minutes = Math.round((now.getTime() - since.getTime()) / 60_000);
    const reminder = `⏰ ${customer}${lead?.company ? ` (${lead.company})` : ''} is still waiting for a person: handed over ${minutes} minutes ago and nobody has replied. Please answer them in the conversation.`;
    await queueReplies(
      tx,
      deps,
      { workspaceId: ws.id, key: `handoff:${conv.id}@${p.handedOffAt}`, conversation: conv },
      [
        { to: 'contact', purpose: 'reply', text: stillWaitingText(lang, who), meta: { handoff_wait: true } },
        ...to.map((m) => ({ to: { member: m.id }, purpose: 'reminder', text: reminder })),
      ],
    );
    return 'reminded';
  });
}

export const handoffWatchJob = defineJob({
  id: 'bot.handoff-watch',
  schema: z.object({ conversationId: z.uuid(), handedOffAt: z.string().datetime({ offset: true }) }),
  handler: async (p, deps: HandoffWatchDeps) => {
    await checkHandoff(deps, p);
  },
  queue: { retryLimit: 3, retryBackoff: true, retryDelay: 10 },
});
