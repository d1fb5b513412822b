// inbound.route: who is speaking and who answers. A team member → the command interpreter; a
// conversation handed to a human → nobody; everyone else → the customer bot. STOP/START are
// handled here for everyone who is not on the team. Replies become outbound rows (never sent here).
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Logger } from 'pino';
import { getCustomerContexts, type CustomerContext } from '../bot/context.ts';
import { customerReplies, type CustomerTurn } from '../bot/customer.ts';
import type { LlmOptions } from '../bot/reply-llm.ts';
import {
  applyConversationPatches,
  prepareCustomerReply,
  type ConversationPatch,
  type PreparedReply,
  type SurfaceInfo,
} from '../bot/respond.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import { executeCommand } from '../commands/execute.ts';
import { rulesInterpreter, type Interpretation, type Interpreter } from '../commands/interpret/index.ts';
import type { Config } from '../config.ts';
import { captureLead, captureLeadsByPhone, type Conversation } from '../conversations/linking.ts';
import { systemActor } from '../crm/actor.ts';
import { getWorkspace, type Workspace } from '../crm/workspaces.ts';
import type { Database, Db, Tx } from '../db/client.ts';
import { conversationLockOrder, conversations, leads, messages, users } from '../db/schema/index.ts';
import { defineJob, type JobQueue } from '../jobs/queue.ts';
import { workspaceHasKnowledge } from '../knowledge/answer.ts';
import { detectLanguage, say } from '../lib/language.ts';
import { queueReplies, queueRepliesMany, releaseHeld, type Reply, type ReplySource } from '../outbound/queue.ts';
import { ERASE_CONFIRMATION, eraseContact } from '../privacy/erase.ts';
import { watchHandoff } from './handoff-watch.ts';
import { optInReply, optOutIntent, optOutReply } from './opt-out.ts';

export type RouteDeps = {
  db: Db;
  /** PGlite's lanes: routing transactions run in the background one, after pending webhooks. */
  database?: Pick<Database, 'kind' | 'background'>;
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

  return inBackground(deps, () =>
    deps.db.transaction(async (tx) => {
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
    }),
  );
}

/** A routing transaction, in PGlite's background lane (behind pending webhooks). */
const inBackground = <T>(deps: RouteDeps, fn: () => Promise<T>): Promise<T> =>
  deps.database ? deps.database.background(fn) : fn();

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
  const before = await beforeBot(deps, tx, t);
  if (Array.isArray(before)) return before;
  if (conv.handedOffAt) return [];
  return botReplies(deps, tx, t, before, t.ahead.prepared);
}

/**
 * A customer's message up to the bot: an erasure confirmation or STOP/START answers here (their
 * replies); otherwise the conversation is linked to its lead (captured when new).
 */
async function beforeBot(deps: RouteDeps, tx: Tx, t: Turn): Promise<Reply[] | Linked> {
  const answered = await optOutOrErase(tx, t);
  if (answered) return answered;
  const { conversation: linked, captured } = await linkOrCapture(deps, tx, t.workspace.settings, t.conversation);
  return { linked, captured };
}

/** An erasure confirmation or STOP/START: their replies; anything else null (on to linking and the bot). */
async function optOutOrErase(tx: Tx, t: Turn): Promise<Reply[] | null> {
  const { conversation: conv, message: msg } = t;
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
  return null;
}

/**
 * linkOrCapture for a round of the batch: the conversations of one workspace with a phone are
 * linked or captured together (captureLeadsByPhone), the rest one by one.
 */
async function linkOrCaptureMany(
  deps: RouteDeps,
  tx: Tx,
  ws: Workspace,
  convs: Conversation[],
): Promise<Map<string, Linked>> {
  const out = new Map<string, Linked>();
  const unlinked = convs.filter((c) => !c.leadId && c.contactPhone);
  const done = unlinked.length
    ? await captureLeadsByPhone(tx, deps, ws, unlinked, { create: ws.settings.lead_capture !== false })
    : new Map<string, { lead: { id: string }; created: boolean }>();
  for (const c of convs) {
    const d = done.get(c.id);
    if (d) out.set(c.id, { linked: { ...c, leadId: d.lead.id }, captured: d.created });
    else {
      const { conversation: linked, captured } = await linkOrCapture(deps, tx, ws.settings, c);
      out.set(c.id, { linked, captured });
    }
  }
  return out;
}

/** The customer's message, after STOP/START and linking: the bot's answer. */
async function botReplies(
  deps: RouteDeps,
  tx: Tx,
  t: Turn,
  { linked, captured }: Linked,
  prepared: PreparedReply | undefined,
  batch: Pick<CustomerTurn, 'defer' | 'memo'> = {},
): Promise<Reply[]> {
  const replies = await customerReplies(tx, {
    ...batch,
    workspace: t.workspace,
    surface: surfaceInfo(deps, t.conversation),
    config: deps.config,
    conversation: linked,
    message: t.message,
    now: t.now,
    prepared,
    newCustomer: captured || !linked.leadId,
    log: deps.log,
  });
  // Handed to a person just now: if nobody answers in time, the customer is told and the team reminded.
  if (replies.some((r) => r.to === 'contact' && (r.meta?.bot as { handoff?: unknown } | undefined)?.handoff))
    await watchHandoff(tx, deps, t.workspace, t.conversation.id, t.now);
  return replies;
}

type Linked = { linked: Conversation; captured: boolean };

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
 * The most messages one routing transaction handles. Bounded work per transaction: on PGlite (one
 * connection, where a webhook waits for the running transaction) fewer.
 */
export const ROUTE_BATCH = { postgres: 32, pglite: 4 };

/**
 * Routes a batch handed over by ingest. Customers' messages in rules mode are routed together, up
 * to ROUTE_BATCH in one transaction (routeBatch); team members' messages, in-app conversations and
 * LLM replies one by one (routeInbound). A batch that fails is routed again message by message, so
 * a message that fails does not hold up the others; the job then fails and its retry routes only
 * what is still unrouted.
 */
export async function routeMany(deps: RouteDeps, messageIds: string[], concurrency = 4): Promise<void> {
  const failures: unknown[] = [];
  const oneByOne = async (ids: string[]) => {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        try {
          await routeInbound(deps, id);
        } catch (err) {
          failures.push(err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  };
  if (deps.botLlm) await oneByOne(messageIds);
  else
    for (let i = 0, n = ROUTE_BATCH[deps.database?.kind ?? 'postgres']; i < messageIds.length; i += n) {
      const chunk = messageIds.slice(i, i + n);
      let rest: string[];
      try {
        rest = await routeBatch(deps, chunk);
      } catch (err) {
        deps.log.warn({ err, messages: chunk.length }, 'routing batch failed; routing its messages one by one');
        rest = chunk;
      }
      await oneByOne(rest);
    }
  if (failures.length === 1) throw failures[0];
  if (failures.length)
    throw new AggregateError(failures, `${failures.length} of ${messageIds.length} messages could not be routed`);
}

const before = (a: Message, b: Message) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Customers' messages of many conversations in one transaction, with the same steps and the same
 * guarantees as routeInbound: the conversations' rows are locked (in conversationLockOrder, as
 * ingest and the outbox lock them, so two transactions never wait for each other in a circle), each conversation's unrouted messages up to the latest
 * one asked for are routed in order, and only those still unrouted once the lock is held. The
 * work is set-based where it pays: one lookup of the team members among the contacts, the
 * customer contexts of a round (the n-th message of every conversation) in one statement, the
 * round's replies in one insert and its messages marked routed in one update. Returns the ids
 * left for routeInbound: team members' conversations and in-app ones.
 */
async function routeBatch(deps: RouteDeps, ids: string[]): Promise<string[]> {
  const targets = await deps.db
    .select({ id: messages.id, conversationId: messages.conversationId, createdAt: messages.createdAt })
    .from(messages)
    .where(and(inArray(messages.id, ids), eq(messages.direction, 'in'), isNull(messages.routedAt)));
  if (!targets.length) return [];
  const latest = new Map<string, Pick<Message, 'id' | 'createdAt'>>();
  for (const t of targets) {
    const l = latest.get(t.conversationId);
    if (!l || before(t as Message, l as Message) > 0) latest.set(t.conversationId, t);
  }
  return inBackground(deps, () =>
    deps.db.transaction(async (tx) => {
      const locked = await tx
        .select()
        .from(conversations)
        .where(inArray(conversations.id, [...latest.keys()]))
        .orderBy(...conversationLockOrder)
        .for('update');
      const members = await teamMembersAmong(tx, locked);
      const oneByOne = locked.filter((c) => members.has(c.id) || deps.channels.surface(c.channel)?.adapter.inline);
      const rest = targets.filter((t) => oneByOne.some((c) => c.id === t.conversationId)).map((t) => t.id);
      const convs = new Map(locked.filter((c) => !oneByOne.includes(c)).map((c) => [c.id, c]));
      if (!convs.size) return rest;
      const pending = await tx
        .select()
        .from(messages)
        .where(
          and(
            inArray(messages.conversationId, [...convs.keys()]),
            eq(messages.direction, 'in'),
            isNull(messages.routedAt),
          ),
        )
        .orderBy(asc(messages.createdAt), asc(messages.id));
      const queues = new Map<string, Message[]>();
      for (const m of pending) {
        if (before(m, latest.get(m.conversationId) as Message) > 0) continue;
        queues.set(m.conversationId, [...(queues.get(m.conversationId) ?? []), m]);
      }
      const workspaces = new Map<string, Workspace>();
      // Looked up once per batch: whether a workspace has knowledge sources; the team's notice recipients.
      const knowledge = new Map<string, Promise<boolean>>();
      const memo = new Map<string, Promise<unknown>>();
      for (let round = 0; queues.size; round++) {
        if (round > 0) {
          // The conversations as the previous round left them (welcomed, linked, opted out, handed off…).
          const fresh = await tx
            .select()
            .from(conversations)
            .where(inArray(conversations.id, [...queues.keys()]));
          for (const c of fresh) convs.set(c.id, c);
        }
        const turns: Turn[] = [];
        for (const [convId, queue] of queues) {
          const msg = queue.shift()!;
          if (!queue.length) queues.delete(convId);
          const conv = convs.get(convId)!;
          let ws = workspaces.get(conv.workspaceId);
          if (!ws) workspaces.set(conv.workspaceId, (ws = await getWorkspace(tx, conv.workspaceId)));
          turns.push({
            workspace: ws,
            conversation: conv,
            message: msg,
            member: undefined,
            now: deps.now(),
            ahead: {},
          });
        }
        // STOP/START and erasure first, message by message; linking (capturing new leads) per
        // workspace; then the contexts of those the bot answers, in one statement per workspace
        // (after the leads just captured). (One at a time: a transaction's statements go in sequence.)
        const steps: (Reply[] | Linked | null)[] = [];
        for (const t of turns) steps.push(t.message.type === 'reaction' ? [] : await optOutOrErase(tx, t));
        for (const ws of new Set(turns.map((t) => t.workspace))) {
          const toLink = turns.filter((t, i) => t.workspace === ws && steps[i] === null);
          if (!toLink.length) continue;
          const linked = await linkOrCaptureMany(
            deps,
            tx,
            ws,
            toLink.map((t) => t.conversation),
          );
          for (const t of toLink) steps[turns.indexOf(t)] = linked.get(t.conversation.id)!;
        }
        const asking = turns.filter((t, i) => !Array.isArray(steps[i]) && !t.conversation.handedOffAt);
        const contexts = new Map<string, Map<string, CustomerContext | null>>();
        for (const wsId of new Set(asking.map((t) => t.workspace.id)))
          contexts.set(
            wsId,
            await getCustomerContexts(
              tx,
              wsId,
              asking
                .filter((t) => t.workspace.id === wsId)
                .map((t) => contactOf((steps[turns.indexOf(t)] as Linked).linked)),
            ),
          );
        const items: { source: ReplySource; replies: Reply[] }[] = [];
        const patches: ConversationPatch[] = [];
        for (const [i, t] of turns.entries()) {
          const step = steps[i]!;
          let replies: Reply[];
          if (Array.isArray(step)) replies = step;
          else if (t.conversation.handedOffAt) replies = [];
          else {
            const context = contexts.get(t.workspace.id)?.get(contactOf(step.linked)) ?? null;
            let knowledgeSources = knowledge.get(t.workspace.id);
            if (!knowledgeSources)
              knowledge.set(t.workspace.id, (knowledgeSources = workspaceHasKnowledge(tx, t.workspace.id)));
            const prepared = await prepareCustomerReply(
              {
                db: tx,
                log: deps.log,
                now: () => t.now,
                config: deps.config,
                context,
                knowledgeSources: await knowledgeSources,
              },
              t.workspace,
              step.linked,
              t.message,
              surfaceInfo(deps, t.conversation),
            );
            replies = await botReplies(deps, tx, t, step, prepared, { defer: (p) => patches.push(p), memo });
          }
          const conv = t.conversation;
          items.push({
            source: {
              workspaceId: conv.workspaceId,
              key: `msg:${t.message.id}`,
              conversation: conv,
              replyToId: t.message.id,
            },
            replies,
          });
        }
        await applyConversationPatches(tx, patches);
        await queueRepliesMany(tx, deps, items, memo);
        await tx
          .update(messages)
          .set({ routedAt: turns[0].now })
          .where(
            inArray(
              messages.id,
              turns.map((t) => t.message.id),
            ),
          );
      }
      return rest;
    }),
  );
}

const contactOf = (c: Conversation) => c.contactPhone ?? c.contactUserId ?? c.externalId;

/** The active team members speaking in these conversations (by phone), by conversation id. */
async function teamMembersAmong(tx: Tx, convs: Conversation[]): Promise<Map<string, Member>> {
  const out = new Map<string, Member>();
  const withPhone = convs.filter((c) => c.contactPhone);
  if (!withPhone.length) return out;
  const rows = await tx
    .select()
    .from(users)
    .where(
      and(
        inArray(users.workspaceId, [...new Set(withPhone.map((c) => c.workspaceId))]),
        inArray(users.phone, [...new Set(withPhone.map((c) => c.contactPhone!))]),
        eq(users.active, true),
      ),
    );
  for (const c of withPhone) {
    const m = rows.find((u) => u.workspaceId === c.workspaceId && u.phone === c.contactPhone);
    if (m) out.set(c.id, m);
  }
  return out;
}

export const routeJob = defineJob({
  id: 'inbound.route',
  // Ingest enqueues one job per stored batch; `messageId` is the one-message form of earlier versions.
  schema: z.union([z.object({ messageIds: z.array(z.uuid()).min(1) }), z.object({ messageId: z.uuid() })]),
  handler: async (p, deps: RouteDeps) => {
    await routeMany(deps, 'messageIds' in p ? p.messageIds : [p.messageId]);
  },
  // Waiting batches are taken together (up to 32 jobs, routed ROUTE_BATCH messages a transaction):
  // a backlog is routed in fewer, larger transactions.
  batchSize: 32,
  handleBatch: async (payloads, deps: RouteDeps) => {
    await routeMany(
      deps,
      payloads.flatMap((p) => ('messageIds' in p ? p.messageIds : [p.messageId])),
    );
  },
  queue: { retryLimit: 5, retryBackoff: true, retryDelay: 1, retryDelayMax: 120 },
  concurrency: 4,
});
