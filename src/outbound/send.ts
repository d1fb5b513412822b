// outbound.send: the only caller of adapter.send. Claims the row (queued → sending) so a job that
// runs twice never sends twice, and only once the conversation's earlier messages have left, so a
// contact gets them in the order they were written; applies the 24-hour window (template or
// `window_closed`), the per-number rate limit, and retries with exponential backoff and jitter
// (pg-boss) on rate limits and 5xx. Permanent errors fail the message with the provider's code,
// visible through the API.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ProviderError, type OutboundPayload, type Recipient, type Surface } from '../channels/channel.ts';
import { IN_DOUBT_CODES } from '../channels/http.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Config } from '../config.ts';
import { rowsOf, type Database, type Db } from '../db/client.ts';
import { sqlState } from '../db/errors.ts';
import { channels, conversationLockOrder, conversations, messages } from '../db/schema/index.ts';
import { getChannel, type ChannelRow } from '../channel-accounts/accounts.ts';
import { channelConfig, channelFetch, teamTemplate, windowTemplate } from '../channel-accounts/config.ts';
import { defineJob, type JobContext, type JobQueue } from '../jobs/queue.ts';
import type { Logger } from 'pino';
import type { SecretBox } from '../lib/secrets.ts';
import { splitText } from './split.ts';

export type SendDeps = {
  db: Db;
  /** PGlite's lanes: a run's statements go in the background one, after pending webhooks. */
  database?: Pick<Database, 'background'>;
  queue: JobQueue;
  config: Config;
  channels: ChannelRegistry;
  secrets: SecretBox;
  log: Logger;
  now: () => Date;
  fetch?: typeof fetch;
  rateLimit: (key: string) => Promise<void>;
};

const HOUR_MS = 3600_000;

/**
 * The lease of a claimed row: the sender touches `updated_at` every HEARTBEAT_MS while it works, so
 * a row `sending` untouched for LEASE_MS has no live owner (outbound/sweep takes it up). A send
 * has a bounded time: past SEND_MAX_MS no further provider call starts, and the heartbeat stops.
 */
export const LEASE_MS = 45_000;
export const HEARTBEAT_MS = 10_000;
export const SEND_MAX_MS = 120_000;
/** Read receipts are retried like replies: with the outbound.send queue's backoff. */
const RETRY = { retryLimit: 6, retryBackoff: true, retryDelay: 2, retryDelayMax: 300 } as const;

/** The latest a retried send's job may run (pg-boss: min(max, delay × 2^n) at most), plus slack. */
/** pg-boss's backoff before retry n (seconds, before its jitter): min(max, delay × 2^n). */
const backoffSeconds = (attempt: number) => Math.min(RETRY.retryDelayMax, RETRY.retryDelay * 2 ** attempt);
const retryDueBy = (attempt: number, now: Date) => new Date(now.getTime() + (backoffSeconds(attempt) + 10) * 1000);
/**
 * Purposes that answer the contact's own message directly; the only messages an opted-out contact
 * still gets (the bot's answer to the message that said STOP, the confirmation). A welcome is the
 * answer to a new customer's first message. A person's reply is not among them: the API refuses it
 * (409), and one queued before the STOP fails `opted_out`.
 */
const directPurposes = new Set(['reply', 'welcome', 'opt_out']);

type Conversation = typeof conversations.$inferSelect;
type Message = typeof messages.$inferSelect;

/** The surface of a conversation on a channel account: what it can do. */
function surfaceOf(deps: SendDeps, conv: Conversation, channel: ChannelRow): Surface {
  return deps.channels.surface(conv.channel)?.surface ?? deps.channels.get(channel.kind).surfaces[channel.kind];
}

/**
 * A threaded reply (a Page comment's) goes under the item it answers; the conversation's thread
 * only names the latest comment, which may have arrived after the one being answered.
 */
async function recipientOf(db: Db, surface: Surface, conv: Conversation, msg: Message): Promise<Recipient> {
  if (!surface.threaded) return { phone: conv.contactPhone ?? undefined, userId: conv.contactUserId ?? undefined };
  if (msg.replyToId) {
    const [answered] = await db
      .select({ payload: messages.payload })
      .from(messages)
      .where(eq(messages.id, msg.replyToId));
    const commentId = (answered?.payload as { thread?: { commentId?: string } } | undefined)?.thread?.commentId;
    if (commentId) return { commentId };
  }
  return { commentId: conv.thread?.commentId };
}

/** Fails a row this sender holds (still `sending`: a status webhook may have settled it meanwhile). */
async function fail(
  db: Db,
  id: string,
  reason: string,
  code?: string | null,
  title?: string | null,
  meta?: Record<string, unknown>,
) {
  await db
    .update(messages)
    .set({
      status: 'failed',
      failReason: reason,
      errorCode: code ?? null,
      errorTitle: title ?? null,
      failedAt: new Date(),
      updatedAt: new Date(),
      ...(meta ? { meta: mergeMeta(meta) } : {}),
    })
    .where(and(eq(messages.id, id), eq(messages.status, 'sending')));
}

/**
 * Text outside the window becomes the channel's template (the text as its one variable), if it has
 * one; a notice to a team member (their conversation names the member) takes the team template.
 * A template variable is one line of at most 1000 characters (Meta refuses new lines and tabs).
 */
function windowFallback(channel: ChannelRow, payload: OutboundPayload, team = false): OutboundPayload | null {
  const t = team ? teamTemplate(channel) : windowTemplate(channel);
  if (!t) return null;
  let text = payload.type === 'text' ? payload.text : payload.type === 'media' ? (payload.caption ?? '') : '';
  if (team) {
    text = text
      .replace(/\s*\n+\s*/g, ' · ')
      .replace(/[\t ]{2,}/g, ' ')
      .trim();
    if (text.length > 1000) text = `${text.slice(0, 999)}…`;
  }
  return { type: 'template', name: t.name, language: t.language, variables: text ? [text] : [] };
}

/**
 * A notice to a team member that cannot go now (their window closed and no template, or the
 * template failed) is held, not failed: outbound/queue releaseHeld sends it when they next write.
 */
async function hold(db: Db, id: string, reason: string, code?: string | null, title?: string | null) {
  await db
    .update(messages)
    .set({
      status: 'held',
      failReason: reason,
      errorCode: code ?? null,
      errorTitle: title ?? null,
      updatedAt: new Date(),
    })
    .where(eq(messages.id, id));
}

/**
 * An outbound message goes only when no earlier one of its conversation is still queued or being
 * sent. Outbound rows are ordered by (created_at, id): created_at is the database clock at insert
 * (outbound/queue), and replies are inserted under the conversation's lock, in routing order.
 */
export const noEarlierPending = sql`not exists (
  select 1 from messages e
  where e.conversation_id = messages.conversation_id and e.direction = 'out' and e.status in ('queued', 'sending')
    and (e.created_at, e.id) < (messages.created_at, messages.id))`;

/** A message to send and the job that asked (its attempt decides between a retry and a failure). */
export type SendItem = { messageId: string; ctx: JobContext };

/** A conversation's queue followed in one run: at most this many rounds, then jobs take over. */
const FOLLOW_ROUNDS = 8;

/**
 * Sends a set of messages (the jobs a worker took together) set-based: one statement claims every
 * message whose conversation has nothing earlier pending; the conversations, channels and answered
 * messages are read once; the provider calls go out side by side (each conversation has one
 * message in flight); the sent ones are recorded in one transaction. Then the next queued message
 * of each conversation that moved is sent in the same run (up to FOLLOW_ROUNDS), without a job
 * in between. Returns each item's outcome: null when its job is done, the error to retry it with.
 */
export async function sendMany(deps: SendDeps, items: SendItem[]): Promise<(unknown | null)[]> {
  const outcomes: (unknown | null)[] = items.map(() => null);
  const jobOf = new Map<string, number[]>();
  items.forEach((it, i) => jobOf.set(it.messageId, [...(jobOf.get(it.messageId) ?? []), i]));
  const deadline = Date.now() + SEND_MAX_MS;
  const bg = <T>(fn: () => Promise<T>): Promise<T> => (deps.database ? deps.database.background(fn) : fn());
  let ids = [...jobOf.keys()];
  for (let round = 0; ids.length; round++) {
    const moved = new Set<string>();
    const claimed = await bg(async () => {
      const rows = await deps.db
        .update(messages)
        .set({ status: 'sending', attempts: sql`${messages.attempts} + 1`, updatedAt: new Date() })
        .where(and(inArray(messages.id, ids), eq(messages.status, 'queued'), noEarlierPending))
        .returning();
      // Sent, sending or failed already: never twice. Or an earlier message of the conversation has
      // not left yet: when it has, its sender hands over to this one. One settled by a status
      // webhook while it waited to be sent again: the ones after it go on.
      const unclaimed = ids.filter((id) => !rows.some((m) => m.id === id));
      if (unclaimed.length)
        for (const row of await deps.db
          .select({ status: messages.status, conversationId: messages.conversationId })
          .from(messages)
          .where(inArray(messages.id, unclaimed)))
          if (row.status !== 'queued' && row.status !== 'sending') moved.add(row.conversationId);
      return rows;
    });
    if (claimed.length) {
      const stop = heartbeat(
        deps,
        claimed.map((m) => m.id),
      );
      try {
        const pre = await bg(() => prefetch(deps.db, claimed));
        const sent: Sent[] = [];
        const results = await Promise.allSettled(
          claimed.map((msg) => {
            const job = jobOf.get(msg.id)?.[0];
            // A message followed in this run has no job of its own here: its attempts decide.
            const ctx = job !== undefined ? items[job].ctx : { jobId: '', attempt: msg.attempts, lastAttempt: false };
            return sendClaimed(deps, msg, ctx, deadline, pre, sent);
          }),
        );
        let recordError: unknown = null;
        if (sent.length)
          await bg(() => recordAll(deps, sent)).catch(
            (err: unknown) => (recordError = err instanceof SendRecordError ? err.cause : err),
          );
        for (const [i, msg] of claimed.entries()) {
          const r = results[i];
          const error = r.status === 'rejected' ? r.reason : sent.some((x) => x.msg.id === msg.id) ? recordError : null;
          if (error === null) {
            // Left or failed for good (a retry keeps its place): the next one may go.
            moved.add(msg.conversationId);
            continue;
          }
          const jobs = jobOf.get(msg.id);
          if (jobs) for (const j of jobs) outcomes[j] = error;
          else if (r.status === 'rejected' && error instanceof ProviderError && error.retryable)
            // Followed without a job, back to queued by send(): a job of its own, after the backoff.
            await deps.queue.enqueue(
              sendJob,
              deps.db,
              { messageId: msg.id },
              { startAfter: backoffSeconds(msg.attempts - 1) },
            );
          else deps.log.warn({ err: error, messageId: msg.id }, 'a sent message could not be recorded');
        }
      } finally {
        stop();
      }
    }
    if (!moved.size) break;
    const next = await bg(() => nextQueued(deps.db, [...moved]));
    if (round + 1 >= FOLLOW_ROUNDS || Date.now() > deadline) {
      for (const id of next) await deps.queue.enqueue(sendJob, deps.db, { messageId: id }, { priority: 1 });
      break;
    }
    ids = next;
  }
  return outcomes;
}

/** One message (one job): sendMany of one; a retry throws so pg-boss backs off. */
export async function sendMessage(deps: SendDeps, messageId: string, ctx: JobContext): Promise<void> {
  const [outcome] = await sendMany(deps, [{ messageId, ctx }]);
  if (outcome !== null) throw outcome;
}

/** What the messages of a run need, read once: their conversations, channels and answered messages. */
type Prefetched = {
  conversations: Map<string, Conversation>;
  channels: Map<string, ChannelRow>;
  answered: Map<string, { providerMessageId: string | null; direction: string }>;
};

async function prefetch(db: Db, msgs: Message[]): Promise<Prefetched> {
  const convIds = [...new Set(msgs.map((m) => m.conversationId))];
  const channelIds = [...new Set(msgs.map((m) => m.channelId))];
  const replyIds = [...new Set(msgs.map((m) => m.replyToId).filter((x): x is string => !!x))];
  const convRows = await db.select().from(conversations).where(inArray(conversations.id, convIds));
  const channelRows = await db.select().from(channels).where(inArray(channels.id, channelIds));
  const answeredRows = replyIds.length
    ? await db
        .select({ id: messages.id, providerMessageId: messages.providerMessageId, direction: messages.direction })
        .from(messages)
        .where(inArray(messages.id, replyIds))
    : [];
  return {
    conversations: new Map(convRows.map((c) => [c.id, c])),
    channels: new Map(channelRows.map((c) => [c.id, c])),
    answered: new Map(answeredRows.map((a) => [a.id, a])),
  };
}

/** The earliest pending message of each conversation, where that one is still queued. */
async function nextQueued(db: Db, conversationIds: string[]): Promise<string[]> {
  const rows = rowsOf<{ id: string; status: string }>(
    await db.execute(sql`
      select distinct on (conversation_id) id, status from messages
      where conversation_id in (${sql.join(
        conversationIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}) and direction = 'out' and status in ('queued', 'sending')
      order by conversation_id, created_at, id`),
  );
  return rows.filter((r) => r.status === 'queued').map((r) => r.id);
}

/** A message the provider accepted, to record with the others of its run. */
type Sent = {
  msg: Message;
  conv: Conversation;
  result: { providerMessageId: string | null; parts?: PartsState };
  payload: OutboundPayload;
  sentAt: Date;
};

/**
 * Records a run's sent messages in one transaction, whatever it takes (never `failed` for a message
 * the provider accepted): the conversations' rows first, in conversationLockOrder, then the
 * messages', the order routing and ingest lock them in; a deadlock or serialization failure is
 * tried again. Should the database stay away, the rows stay `sending`: their lease lapses and the
 * provider's statuses settle them (outbound/sweep).
 */
async function recordAll(deps: SendDeps, sent: Sent[]): Promise<void> {
  const lastOut = new Map<string, Date>();
  for (const s of sent) if (!(lastOut.get(s.conv.id)! >= s.sentAt)) lastOut.set(s.conv.id, s.sentAt);
  const convJson = JSON.stringify([...lastOut].map(([id, at]) => ({ id, at })));
  const msgJson = JSON.stringify(
    sent.map((s) => ({
      id: s.msg.id,
      pid: s.result.providerMessageId,
      at: s.sentAt,
      // A template (the window's fallback) is what went: the row says so.
      payload: s.payload.type === 'template' ? s.payload : null,
      parts: s.result.parts ?? null,
    })),
  );
  await recordSent(() =>
    deps.db.transaction(async (tx) => {
      await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(inArray(conversations.id, [...lastOut.keys()]))
        .orderBy(...conversationLockOrder)
        .for('update');
      await tx.execute(sql`
        update conversations c set last_outbound_at = v.at
        from json_to_recordset(${convJson}::json) as v(id uuid, at timestamptz)
        where c.id = v.id`);
      // Earlier attempts' errors stay in meta.errors; the row itself says it went.
      await tx.execute(sql`
        update messages m set status = 'sent', provider_message_id = v.pid, sent_at = v.at, updated_at = v.at,
          error_code = null, error_title = null, fail_reason = null, failed_at = null, next_attempt_at = null,
          payload = coalesce(v.payload, m.payload),
          meta = case when v.parts is null then m.meta
                      else coalesce(m.meta, '{}'::jsonb) || jsonb_build_object('parts', v.parts) end
        from jsonb_to_recordset(${msgJson}::jsonb) as v(id uuid, pid text, at timestamptz, payload jsonb, parts jsonb)
        where m.id = v.id and m.status = 'sending'`);
    }),
  );
}

/** Keeps the claims' lease while this process works on the rows; stops at SEND_MAX_MS at the latest. */
function heartbeat(deps: SendDeps, ids: string[]): () => void {
  const started = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - started > SEND_MAX_MS) return clearInterval(timer);
    deps.db
      .update(messages)
      .set({ updatedAt: new Date() })
      .where(and(inArray(messages.id, ids), eq(messages.status, 'sending')))
      .catch(() => {}); // the database is away: the lease lapses, and the sweep takes the rows up
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Enqueues the send of the conversation's earliest queued message, ahead of other work (priority),
 * unless an earlier one is still being sent. Safe to repeat: the claim sends a message once.
 */
export async function sendNext(deps: { db: Db; queue: JobQueue }, conversationId: string): Promise<void> {
  const [next] = await nextQueued(deps.db, [conversationId]);
  if (next) await deps.queue.enqueue(sendJob, deps.db, { messageId: next }, { priority: 1 });
}

async function sendClaimed(
  deps: SendDeps,
  msg: Message,
  jobCtx: JobContext,
  deadline: number,
  pre: Prefetched,
  sent: Sent[],
): Promise<void> {
  const conv = pre.conversations.get(msg.conversationId);
  const channel = pre.channels.get(msg.channelId);
  if (!conv || !channel?.active) return fail(deps.db, msg.id, 'channel_inactive');
  // The row's attempts bound the retries too (a message followed without its job has only those).
  const ctx = { ...jobCtx, lastAttempt: jobCtx.lastAttempt || msg.attempts > RETRY.retryLimit };
  if (conv.optedOutAt && !directPurposes.has(msg.purpose ?? '')) return fail(deps.db, msg.id, 'opted_out');

  let payload = msg.payload as unknown as OutboundPayload;
  const surface = surfaceOf(deps, conv, channel);
  const window = surface.replyWindow;
  const now = deps.now();
  const sinceInbound = conv.lastInboundAt ? now.getTime() - conv.lastInboundAt.getTime() : Infinity;
  if (window && payload.type !== 'template' && sinceInbound >= window.hours * HOUR_MS) {
    const tag = window.humanAgentTag;
    if (
      tag &&
      msg.purpose === 'agent' &&
      sinceInbound < tag.hours * HOUR_MS &&
      (payload.type === 'text' || payload.type === 'media')
    ) {
      payload = { ...payload, tag: tag.tag };
    } else {
      const fallback = window.templates ? windowFallback(channel, payload, !!conv.memberId) : null;
      if (!fallback) return (conv.memberId ? hold : fail)(deps.db, msg.id, 'window_closed');
      payload = fallback;
    }
  }
  if (msg.attempts === 1) await markAnsweredRead(deps, msg, conv, channel, surface, { retry: true }, pre.answered);
  await send(deps, msg, conv, channel, surface, payload, ctx, true, deadline, sent);
}

/**
 * An answer marks the message it answers as read (WhatsApp's blue ticks, Messenger's "seen"),
 * once, before the answer goes out. A failure never holds the answer: a rate limit or 5xx is
 * retried by its own job (`outbound.read`, the reply's backoff); a permanent one is logged.
 */
async function markAnsweredRead(
  deps: SendDeps,
  msg: Message,
  conv: Conversation,
  channel: ChannelRow,
  surface: Surface,
  opts: { retry: boolean },
  known?: Prefetched['answered'],
): Promise<void> {
  if (!msg.replyToId || !surface.markRead) return;
  const [answered] = known
    ? [known.get(msg.replyToId)]
    : await deps.db
        .select({ providerMessageId: messages.providerMessageId, direction: messages.direction })
        .from(messages)
        .where(eq(messages.id, msg.replyToId));
  if (!answered?.providerMessageId || answered.direction !== 'in') return;
  try {
    // Not a message: it takes no token of the number's messages-per-second limit.
    await deps.channels
      .get(channel.kind)
      .send(
        channelConfig(deps, channel),
        await recipientOf(deps.db, surface, conv, msg),
        { type: 'mark_read', messageId: answered.providerMessageId },
        channelFetch(deps, channel),
      );
  } catch (err) {
    if (!opts.retry) throw err;
    if (err instanceof ProviderError && err.retryable) {
      await deps.queue.enqueue(readJob, deps.db, { messageId: msg.id }, { startAfter: RETRY.retryDelay });
      return;
    }
    deps.log.warn(
      { err: err instanceof Error ? err.message : String(err), messageId: msg.id },
      'could not mark the answered message as read',
    );
  }
}

/** outbound.read: marks the message a reply answered as read, again; throws so pg-boss backs off. */
export async function markReadAgain(deps: SendDeps, messageId: string, ctx: JobContext): Promise<void> {
  const [msg] = await deps.db.select().from(messages).where(eq(messages.id, messageId));
  if (!msg) return;
  const [conv] = await deps.db.select().from(conversations).where(eq(conversations.id, msg.conversationId));
  const channel = conv ? await getChannel(deps.db, msg.channelId) : null;
  if (!conv || !channel?.active) return;
  try {
    await markAnsweredRead(deps, msg, conv, channel, surfaceOf(deps, conv, channel), { retry: false });
  } catch (err) {
    if (err instanceof ProviderError && err.retryable && !ctx.lastAttempt) throw err;
    deps.log.warn(
      { err: err instanceof Error ? err.message : String(err), messageId },
      'could not mark the answered message as read',
    );
  }
}

type PartsState = { total: number; sent: (string | null)[] };

/**
 * Sends a payload; a text longer than the channel takes goes as several messages, in order. The
 * parts already sent are recorded on the row after each one, so a retry continues after them.
 * Returns the provider id of the last part (statuses of the whole answer follow it) and the parts.
 */
async function deliver(
  deps: SendDeps,
  msg: Message,
  conv: Conversation,
  channel: ChannelRow,
  surface: Surface,
  payload: OutboundPayload,
  deadline: number,
): Promise<{ providerMessageId: string | null; parts?: PartsState }> {
  const adapter = deps.channels.get(channel.kind);
  const config = channelConfig(deps, channel);
  const to = await recipientOf(deps.db, surface, conv, msg);
  // Our row's id travels with the (last) message, where the provider echoes it on statuses.
  const opts = adapter.echoesReference ? { reference: msg.id } : undefined;
  const beforeDeadline = () => {
    if (Date.now() > deadline)
      throw new ProviderError('the send took longer than its bound; retried later', {
        retryable: true,
        code: 'send_deadline',
      });
  };
  const texts = payload.type === 'text' ? splitText(payload.text, surface.textLimit) : [];
  if (texts.length <= 1) {
    await deps.rateLimit(channel.id);
    beforeDeadline();
    return adapter.send(config, to, payload, channelFetch(deps, channel), opts).catch(markReferenced(opts));
  }
  const previous = (msg.meta as { parts?: PartsState } | null)?.parts;
  const sent = previous?.total === texts.length ? [...previous.sent] : [];
  for (let i = sent.length; i < texts.length; i++) {
    await deps.rateLimit(channel.id);
    beforeDeadline();
    const result = await adapter
      .send(
        config,
        to,
        { ...(payload as Extract<OutboundPayload, { type: 'text' }>), text: texts[i] },
        channelFetch(deps, channel),
        i === texts.length - 1 ? opts : undefined,
      )
      .catch(markReferenced(i === texts.length - 1 ? opts : undefined));
    sent.push(result.providerMessageId);
    if (i < texts.length - 1)
      await deps.db
        .update(messages)
        .set({ meta: mergeMeta({ parts: { total: texts.length, sent } }) })
        .where(eq(messages.id, msg.id));
  }
  return { providerMessageId: sent.at(-1) ?? null, parts: { total: texts.length, sent } };
}

const markReferenced =
  (opts: { reference?: string } | undefined) =>
  (err: unknown): never => {
    if (opts?.reference && err instanceof Error) referenced.add(err);
    throw err;
  };

const mergeMeta = (patch: Record<string, unknown>) =>
  sql`coalesce(${messages.meta}, '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb`;

/** Timeouts of a call that carried our reference: its status webhook will tell whether it arrived. */
const referenced = new WeakSet<Error>();

/** An attempt's error, kept in the row's history (meta.errors) when a later attempt succeeds. */
const attemptError = (attempt: number, err: ProviderError, at: Date) =>
  sql`jsonb_set(coalesce(${messages.meta}, '{}'::jsonb), '{errors}', coalesce(${messages.meta}->'errors', '[]'::jsonb) || ${JSON.stringify([{ attempt, code: err.code ?? String(err.status ?? ''), title: err.message, at: at.toISOString() }])}::jsonb)`;

/** The send went out but could not be recorded: not a send failure (the job is retried, the row stays `sending`). */
class SendRecordError extends Error {}

async function recordSent(write: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (err) {
      const state = sqlState(err);
      if (attempt < 5 && (state === '40P01' || state === '40001')) {
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 30));
        continue;
      }
      throw new SendRecordError('the sent message could not be recorded', { cause: err });
    }
  }
}

async function send(
  deps: SendDeps,
  msg: Message,
  conv: Conversation,
  channel: ChannelRow,
  surface: Surface,
  payload: OutboundPayload,
  ctx: JobContext,
  mayFallBack: boolean,
  deadline: number,
  sent: Sent[],
): Promise<void> {
  try {
    const result = await deliver(deps, msg, conv, channel, surface, payload, deadline);
    // It left: recorded with the run's others (recordAll).
    sent.push({ msg, conv, result, payload, sentAt: deps.now() });
  } catch (err) {
    if (!(err instanceof ProviderError)) {
      // Our own bug, or a failure we cannot classify: the message may or may not have left.
      deps.log.error({ err, messageId: msg.id }, 'send failed unexpectedly');
      return fail(deps.db, msg.id, 'internal');
    }
    // A team notice whose window or template failed waits for the member's next message.
    const team = !!conv.memberId && (msg.payload as { type?: string }).type !== 'template';
    if (err.code && surface.replyWindow?.closedCodes.includes(err.code)) {
      const fallback =
        mayFallBack && payload.type !== 'template' && surface.replyWindow.templates
          ? windowFallback(channel, payload, team)
          : null;
      if (fallback) return send(deps, msg, conv, channel, surface, fallback, ctx, false, deadline, sent);
      return (team ? hold : fail)(deps.db, msg.id, 'window_closed', err.code, err.message);
    }
    if (team && payload.type === 'template' && !(err.retryable && !ctx.lastAttempt))
      return hold(
        deps.db,
        msg.id,
        'template_failed',
        err.code ?? (err.status ? String(err.status) : null),
        err.message,
      );
    if (err.code && IN_DOUBT_CODES.includes(err.code)) {
      // The request may have reached the provider: never sent again blindly. With a reference the
      // provider echoes, its status settles the row, or outbound/sweep sends it again when none
      // comes while the webhook is healthy; without one a person decides (POST …/retry).
      return fail(
        deps.db,
        msg.id,
        'delivery_unknown',
        err.code,
        'The provider did not answer; the message may or may not have been delivered.',
        referenced.has(err) ? { awaiting: { since: deps.now().toISOString() } } : undefined,
      );
    }
    if (err.retryable && !ctx.lastAttempt) {
      const now = new Date();
      await deps.db
        .update(messages)
        .set({
          status: 'queued',
          errorCode: err.code ?? String(err.status ?? ''),
          errorTitle: err.message,
          nextAttemptAt: retryDueBy(Math.max(ctx.attempt, msg.attempts), now),
          meta: attemptError(msg.attempts, err, now),
          updatedAt: now,
        })
        .where(and(eq(messages.id, msg.id), eq(messages.status, 'sending')));
      throw err; // pg-boss retries with exponential backoff and jitter
    }
    return fail(
      deps.db,
      msg.id,
      err.retryable ? 'retries_exhausted' : 'provider_error',
      err.code ?? (err.status ? String(err.status) : null),
      err.message,
    );
  }
}

/**
 * Sends a failed message again, as a person asked (POST /api/messages/{id}/retry): queued at the
 * end of its conversation's outbox. Only a message whose delivery is unknown or that ran out of
 * retries; the caller checks who may.
 */
export async function resendMessage(deps: { db: Db; queue: JobQueue }, id: string): Promise<Message | null> {
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(messages)
      .set({
        status: 'queued',
        failReason: null,
        failedAt: null,
        errorCode: null,
        errorTitle: null,
        nextAttemptAt: null,
        updatedAt: new Date(),
        meta: sql`(coalesce(${messages.meta}, '{}'::jsonb) - 'awaiting') || ${JSON.stringify({ resent_at: new Date().toISOString() })}::jsonb`,
      })
      .where(
        and(
          eq(messages.id, id),
          eq(messages.direction, 'out'),
          eq(messages.status, 'failed'),
          isNull(messages.providerMessageId),
          inArray(messages.failReason, RESENDABLE),
        ),
      )
      .returning();
    if (row) await deps.queue.enqueue(sendJob, tx, { messageId: row.id }, { priority: 1 });
    return row ?? null;
  });
}

/** Why a failed message may be sent again by hand. */
export const RESENDABLE = ['delivery_unknown', 'retries_exhausted', 'internal', 'channel_inactive'];

export const sendJob = defineJob({
  id: 'outbound.send',
  schema: z.object({ messageId: z.uuid() }),
  handler: (p, deps: SendDeps, ctx) => sendMessage(deps, p.messageId, ctx),
  // Waiting sends are taken together (up to 32): claimed, read, sent side by side and recorded as
  // a set (sendMany); each job settled by its own message's outcome.
  batchSize: 32,
  handleBatch: (payloads, deps: SendDeps, ctx) =>
    sendMany(
      deps,
      payloads.map((p, i) => ({ messageId: p.messageId, ctx: ctx[i] })),
    ),
  queue: { ...RETRY },
  concurrency: 8,
});

export const readJob = defineJob({
  id: 'outbound.read',
  schema: z.object({ messageId: z.uuid() }),
  handler: (p, deps: SendDeps, ctx) => markReadAgain(deps, p.messageId, ctx),
  queue: { ...RETRY },
  concurrency: 2,
});
