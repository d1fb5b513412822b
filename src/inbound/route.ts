// inbound.route: who is speaking and who answers. A team member → the command interpreter; a
// conversation handed to a human → nobody; everyone else → the customer bot. STOP/START are
// handled here for everyone who is not on the team. Replies become outbound rows (never sent here).
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Logger } from 'pino';
import { customerReplies } from '../bot/customer.ts';
import type { LlmOptions } from '../bot/reply-llm.ts';
import { prepareCustomerReply, type PreparedReply, type SurfaceInfo } from '../bot/respond.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import { executeCommand } from '../commands/execute.ts';
import { rulesInterpreter, type Interpretation, type Interpreter } from '../commands/interpret/index.ts';
import type { Config } from '../config.ts';
import { captureLead, type Conversation } from '../conversations/linking.ts';
import { systemActor } from '../crm/actor.ts';
import { getWorkspace, type Workspace } from '../crm/workspaces.ts';
import type { Db, Tx } from '../db/client.ts';
import { conversations, leads, messages, users } from '../db/schema/index.ts';
import { defineJob, type JobQueue } from '../jobs/queue.ts';
import { detectLanguage, say } from '../lib/language.ts';
import { queueReplies, releaseHeld, type Reply } from '../outbound/queue.ts';
import { ERASE_CONFIRMATION, eraseContact } from '../privacy/erase.ts';
import { watchHandoff } from './handoff-watch.ts';
import { optInReply, optOutIntent, optOutReply } from './opt-out.ts';

export type RouteDeps = {
  db: Db;
  queue: JobQueue;
  channels: ChannelRegistry;
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
  const member = await teamMemberOf(deps, deps.db, conv);
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
          surfaceInfo(deps, conv),
        ),
      });
  }
  return out;
}

/**
 * One message, as the flow reads: a team member's is a command; a customer's may be an erasure
 * confirmation or STOP/START; otherwise the conversation is linked to its lead (captured when
 * new), and the bot answers unless a person has taken over. Every answer is data, queued here.
 */
async function routeOne(deps: RouteDeps, tx: Tx, ws: Workspace, msg: Message, ahead: Ahead = {}): Promise<string[]> {
  const [conv] = await tx.select().from(conversations).where(eq(conversations.id, msg.conversationId));
  const member = await teamMemberOf(deps, tx, conv);
  const turn: Turn = { workspace: ws, conversation: conv, message: msg, member, now: deps.now(), ahead };
  const replies = msg.type === 'reaction' ? [] : await decide(deps, tx, turn);
  const ids = await queueReplies(
    tx,
    deps,
    { workspaceId: conv.workspaceId, key: `msg:${msg.id}`, conversation: conv, replyToId: msg.id },
    replies,
  );
  await tx.update(messages).set({ routedAt: turn.now }).where(eq(messages.id, msg.id));
  // The answers in this conversation (the in-app channel hands them back in its response).
  return ids.filter((id, i): id is string => !!id && replies[i].to === 'contact');
}

type Turn = {
  workspace: Workspace;
  conversation: Conversation;
  message: Message;
  member: Member | undefined;
  now: Date;
  ahead: Ahead;
};

async function decide(deps: RouteDeps, tx: Tx, t: Turn): Promise<Reply[]> {
  const { conversation: conv, message: msg, member } = t;
  if (member) {
    if (conv.memberId !== member.id)
      await tx.update(conversations).set({ memberId: member.id }).where(eq(conversations.id, conv.id));
    // They wrote: their window is open, and the notices held for it go first.
    await releaseHeld(tx, deps, conv.id);
    const interpreted =
      t.ahead.interpreted ?? (await rulesInterpreter(msg.text ?? '', { now: t.now, timeZone: t.workspace.timeZone }));
    const env = {
      workspace: t.workspace,
      member,
      conversation: conv,
      message: msg,
      queue: deps.queue,
      channels: deps.channels,
      now: t.now,
      notices: [],
    };
    return executeCommand(tx, env, interpreted.command, interpreted.confidence);
  }
  if (conv.contactPhone && (msg.text ?? '').trim().toUpperCase() === ERASE_CONFIRMATION) return eraseOnRequest(tx, t);
  const intent = optOutIntent(msg.text);
  if (intent === 'stop') {
    // Confirm once: a second STOP while opted out changes nothing and says nothing.
    const changed = await tx
      .update(conversations)
      .set({ optedOutAt: t.now })
      .where(and(eq(conversations.id, conv.id), isNull(conversations.optedOutAt)))
      .returning({ id: conversations.id });
    if (conv.leadId) await tx.update(leads).set({ optedOutAt: t.now }).where(eq(leads.id, conv.leadId));
    return changed.length ? [{ to: 'contact', text: optOutReply(msg.text), purpose: 'opt_out' }] : [];
  }
  if (intent === 'start') {
    const changed = await tx
      .update(conversations)
      .set({ optedOutAt: null })
      .where(and(eq(conversations.id, conv.id), sql`${conversations.optedOutAt} is not null`))
      .returning({ id: conversations.id });
    if (conv.leadId) await tx.update(leads).set({ optedOutAt: null }).where(eq(leads.id, conv.leadId));
    return changed.length ? [{ to: 'contact', text: optInReply(msg.text), purpose: 'opt_out' }] : [];
  }
  const { conversation: linked, captured } = await linkOrCapture(deps, tx, t.workspace.settings, conv);
  if (conv.handedOffAt) return [];
  const replies = await customerReplies(tx, {
    workspace: t.workspace,
    surface: surfaceInfo(deps, conv),
    config: deps.config,
    conversation: linked,
    message: msg,
    now: t.now,
    prepared: t.ahead.prepared,
    newCustomer: captured || !linked.leadId,
    log: deps.log,
  });
  // Handed to a person just now: if nobody answers in time, the customer is told and the team reminded.
  if (replies.some((r) => r.to === 'contact' && (r.meta?.bot as { handoff?: unknown } | undefined)?.handoff))
    await watchHandoff(tx, deps, t.workspace, conv.id, t.now);
  return replies;
}

/**
 * The customer confirmed "DELETE MY DATA": everything about them is erased (audited), and a bare
 * conversation with the same id is kept only to deliver the confirmation.
 */
async function eraseOnRequest(tx: Tx, ctx: Turn): Promise<Reply[]> {
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
      to: 'contact',
      text: say(
        lang,
        'Done: your details and messages have been deleted from our records.',
        'Ho gaya: aapki details aur messages hamare records se mita diye gaye hain.',
        'हो गया: आपकी जानकारी और संदेश हमारे रिकॉर्ड से मिटा दिए गए हैं।',
      ),
      purpose: 'reply',
    },
  ];
}

/** The bot's view of the conversation's channel: its family and whether the account is built in. */
function surfaceInfo(deps: RouteDeps, conv: Conversation): SurfaceInfo {
  const found = deps.channels.surface(conv.channel);
  return { family: found?.surface.leadSource ?? conv.channel, builtin: !!found?.adapter.builtin };
}

/** The team member speaking: by phone, or on the in-app channel the member the conversation is theirs. */
async function teamMemberOf(deps: RouteDeps, db: Db | Tx, conv: Conversation): Promise<Member | undefined> {
  if (deps.channels.surface(conv.channel)?.adapter.inline && conv.memberId) {
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
  deps: RouteDeps,
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
  const { lead, created } = await captureLead(tx, deps, actor, conv.id);
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
