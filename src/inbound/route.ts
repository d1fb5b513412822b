// inbound.route: who is speaking and who answers. A team member → the command interpreter; a
// conversation handed to a human → nobody; everyone else → the customer bot. STOP/START are
// handled here for everyone who is not on the team. Replies become outbound rows (never sent here).
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { systemActor } from '../crm/actor.ts';
import { getWorkspace, type Workspace } from '../crm/workspaces.ts';
import type { Db, Tx } from '../db/client.ts';
import { conversations, leads, messages, users } from '../db/schema/index.ts';
import { defineJob, type JobQueue } from '../jobs/queue.ts';
import { rulesInterpreter, type Interpretation, type Interpreter } from '../commands/interpret/index.ts';
import { prepareCustomerReply, type PreparedReply } from '../bot/respond.ts';
import { detectLanguage, say } from '../bot/language.ts';
import { ERASE_CONFIRMATION, eraseContact } from '../privacy/erase.ts';
import type { LlmOptions } from '../bot/reply-llm.ts';
import { queueMessage } from '../outbound/queue.ts';
import { captureLead, type Conversation } from './linking.ts';
import { optOutIntent, optOutReply, optInReply } from './opt-out.ts';
import { customerReplies, teamReplies, type Reply, type ReplyContext } from './replies.ts';

export type RouteDeps = {
  db: Db;
  queue: JobQueue;
  config: Config;
  log: Logger;
  now: () => Date;
  interpret?: Interpreter;
  botLlm?: LlmOptions | null;
  fetch?: typeof fetch;
};

type Member = typeof users.$inferSelect;
type Message = typeof messages.$inferSelect;

/**
 * Routes a message, and first any earlier unrouted message of its conversation: the conversation
 * row is locked, so one conversation is handled in order and by one worker at a time, and a
 * message already routed (a job that runs twice) is never handled again.
 */
export async function routeInbound(deps: RouteDeps, messageId: string): Promise<{ replies: string[] }> {
  const [target] = await deps.db.select().from(messages).where(eq(messages.id, messageId));
  if (!target || target.direction !== 'in' || target.routedAt) return { replies: [] };
  const ws = await getWorkspace(deps.db, target.workspaceId);
  const ahead = await prepareAhead(deps, ws, target);

  return deps.db.transaction(async (tx) => {
    await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(eq(conversations.id, target.conversationId))
      .for('update');
    const pending = await tx
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, target.conversationId),
          eq(messages.direction, 'in'),
          isNull(messages.routedAt),
          sql`(${messages.createdAt}, ${messages.id}) <= (${target.createdAt.toISOString()}::timestamptz, ${target.id}::uuid)`,
        ),
      )
      .orderBy(asc(messages.createdAt), asc(messages.id));
    let replies: string[] = [];
    for (const msg of pending) {
      const ids = await routeOne(deps, tx, ws, msg, ahead.get(msg.id));
      if (msg.id === messageId) replies = ids;
    }
    return { replies };
  });
}

type Ahead = { interpreted?: Interpretation; prepared?: PreparedReply };

/**
 * Work that may be slow happens before the transaction opens, so no lock is held for seconds:
 * team members' messages are interpreted, and with an LLM responder customers' replies are
 * prepared. (Both are pure; a message routed by another run meanwhile just wastes the call.)
 */
async function prepareAhead(deps: RouteDeps, ws: Workspace, target: Message): Promise<Map<string, Ahead>> {
  const out = new Map<string, Ahead>();
  const [conv] = await deps.db.select().from(conversations).where(eq(conversations.id, target.conversationId));
  const member = await teamMemberOf(deps.db, conv);
  if (!member && (!deps.botLlm || conv.handedOffAt)) return out;
  const pending = await deps.db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, target.conversationId),
        eq(messages.direction, 'in'),
        isNull(messages.routedAt),
        sql`(${messages.createdAt}, ${messages.id}) <= (${target.createdAt.toISOString()}::timestamptz, ${target.id}::uuid)`,
      ),
    );
  for (const m of pending) {
    if (!m.text) continue;
    if (member)
      out.set(m.id, {
        interpreted: await (deps.interpret ?? rulesInterpreter)(m.text, { now: deps.now(), timeZone: ws.timeZone }),
      });
    else if (!optOutIntent(m.text))
      out.set(m.id, {
        prepared: await prepareCustomerReply(
          { db: deps.db, log: deps.log, now: deps.now, fetch: deps.fetch, llm: deps.botLlm, config: deps.config },
          ws,
          conv,
          m,
        ),
      });
  }
  return out;
}

async function routeOne(deps: RouteDeps, tx: Tx, ws: Workspace, msg: Message, ahead: Ahead = {}): Promise<string[]> {
  const [conv] = await tx.select().from(conversations).where(eq(conversations.id, msg.conversationId));
  const member = await teamMemberOf(tx, conv);
  const ctx: ReplyContext = {
    workspace: ws,
    conversation: conv,
    message: msg,
    member,
    now: deps.now(),
    queue: deps.queue,
    interpreted: ahead.interpreted,
    prepared: ahead.prepared,
    log: deps.log,
  };
  const replies = msg.type === 'reaction' ? [] : await decide(tx, ctx);
  const ids: string[] = [];
  for (const [i, r] of replies.entries()) {
    ids.push(
      await queueMessage(tx, deps.queue, {
        workspaceId: conv.workspaceId,
        conversationId: conv.id,
        channelId: conv.channelId,
        payload: r.payload ?? { type: 'text', text: r.text },
        purpose: r.purpose ?? 'reply',
        dedupeKey: `${r.dedupe ?? `reply:${msg.id}`}:${i}`,
        replyToId: msg.id,
        deliveredInline: conv.channel === 'app',
        meta: r.meta,
      }),
    );
  }
  await tx.update(messages).set({ routedAt: ctx.now }).where(eq(messages.id, msg.id));
  return ids;
}

async function decide(tx: Tx, ctx: ReplyContext): Promise<Reply[]> {
  const { conversation: conv, message: msg, member } = ctx;
  if (member) {
    if (conv.memberId !== member.id)
      await tx.update(conversations).set({ memberId: member.id }).where(eq(conversations.id, conv.id));
    return teamReplies(tx, ctx);
  }
  if (conv.contactPhone && (msg.text ?? '').trim().toUpperCase() === ERASE_CONFIRMATION) return eraseOnRequest(tx, ctx);
  const intent = optOutIntent(msg.text);
  if (intent === 'stop') {
    // Confirm once: a second STOP while opted out changes nothing and says nothing.
    const changed = await tx
      .update(conversations)
      .set({ optedOutAt: ctx.now })
      .where(and(eq(conversations.id, conv.id), isNull(conversations.optedOutAt)))
      .returning({ id: conversations.id });
    if (conv.leadId) await tx.update(leads).set({ optedOutAt: ctx.now }).where(eq(leads.id, conv.leadId));
    return changed.length ? [{ text: optOutReply(msg.text), purpose: 'opt_out' }] : [];
  }
  if (intent === 'start') {
    const changed = await tx
      .update(conversations)
      .set({ optedOutAt: null })
      .where(and(eq(conversations.id, conv.id), sql`${conversations.optedOutAt} is not null`))
      .returning({ id: conversations.id });
    if (conv.leadId) await tx.update(leads).set({ optedOutAt: null }).where(eq(leads.id, conv.leadId));
    return changed.length ? [{ text: optInReply(msg.text), purpose: 'opt_out' }] : [];
  }
  const { conversation: linked, captured } = await linkOrCapture(tx, ctx.workspace.settings, conv);
  if (conv.handedOffAt) return [];
  return customerReplies(tx, { ...ctx, conversation: linked, newCustomer: captured || !linked.leadId });
}

/**
 * The customer confirmed "DELETE MY DATA": everything about them is erased (audited), and a bare
 * conversation with the same id is kept only to deliver the confirmation.
 */
async function eraseOnRequest(tx: Tx, ctx: ReplyContext): Promise<Reply[]> {
  const conv = ctx.conversation;
  await eraseContact(tx, systemActor(conv.workspaceId), conv.contactPhone!, { source: 'customer' });
  await tx
    .insert(conversations)
    .values({
      id: conv.id,
      workspaceId: conv.workspaceId,
      channelId: conv.channelId,
      channel: conv.channel,
      externalId: conv.externalId,
      contactPhone: conv.contactPhone,
      welcomedAt: ctx.now,
      lastInboundAt: conv.lastInboundAt,
      lastMessageAt: ctx.now,
      state: { erasedAt: ctx.now.toISOString() },
    })
    .onConflictDoNothing();
  const lang = detectLanguage(ctx.message.text);
  return [
    {
      text: say(lang, {
        en: 'Done: your details and messages have been deleted from our records.',
        hi: 'हो गया: आपकी जानकारी और संदेश हमारे रिकॉर्ड से मिटा दिए गए हैं।',
        hinglish: 'Ho gaya: aapki details aur messages hamare records se mita diye gaye hain.',
      }),
      purpose: 'reply',
      dedupe: `erased:${ctx.message.id}`,
    },
  ];
}

async function teamMemberOf(db: Db | Tx, conv: Conversation): Promise<Member | undefined> {
  if (conv.channel === 'app' && conv.memberId) {
    const [m] = await db
      .select()
      .from(users)
      .where(and(eq(users.id, conv.memberId), eq(users.active, true)));
    return m;
  }
  if (!conv.contactPhone) return undefined;
  const [m] = await db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, conv.workspaceId), eq(users.phone, conv.contactPhone), eq(users.active, true)));
  return m;
}

/** Auto-links by phone; captures a new lead unless the workspace turned capture off. */
async function linkOrCapture(
  tx: Tx,
  settings: Record<string, unknown>,
  conv: Conversation,
): Promise<{ conversation: Conversation; captured: boolean }> {
  if (conv.leadId) return { conversation: conv, captured: false };
  if (settings.lead_capture === false && !conv.contactPhone) return { conversation: conv, captured: false };
  const actor = systemActor(conv.workspaceId);
  if (settings.lead_capture === false) {
    const [lead] = await tx
      .select()
      .from(leads)
      .where(and(eq(leads.workspaceId, conv.workspaceId), eq(leads.phone, conv.contactPhone!)));
    if (!lead) return { conversation: conv, captured: false };
  }
  const { lead, created } = await captureLead(tx, actor, conv.id);
  return { conversation: { ...conv, leadId: lead.id }, captured: created };
}

/**
 * Routes a batch handed over by ingest, a few conversations at a time. A message that fails does
 * not hold up the others; the job then fails and its retry routes only what is still unrouted.
 */
export async function routeMany(deps: RouteDeps, messageIds: string[], concurrency = 4): Promise<void> {
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < messageIds.length) {
      const id = messageIds[next++];
      try {
        await routeInbound(deps, id);
      } catch (err) {
        failures.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, messageIds.length) }, worker));
  if (failures.length === 1) throw failures[0];
  if (failures.length)
    throw new AggregateError(failures, `${failures.length} of ${messageIds.length} messages could not be routed`);
}

export const routeJob = defineJob({
  id: 'inbound.route',
  // Ingest enqueues one job per stored batch; `messageId` is the one-message form of earlier versions.
  schema: z.union([z.object({ messageIds: z.array(z.uuid()).min(1) }), z.object({ messageId: z.uuid() })]),
  handler: async (p, deps: RouteDeps) => {
    await routeMany(deps, 'messageIds' in p ? p.messageIds : [p.messageId]);
  },
  queue: { retryLimit: 5, retryBackoff: true, retryDelay: 1, retryDelayMax: 120 },
  concurrency: 4,
});
