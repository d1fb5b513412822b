// Conversations as the dashboard and the API see them (spec 001): the inbox, a conversation's
// messages, a human's reply, handoff to a human and back, linking, and the conversation analytics.
//
// Visibility mirrors leads: managers, admins and owners see every conversation of the workspace.
// An agent sees the conversations linked to leads assigned to them, and unlinked conversations they
// are the member of (their own chats with the bot). Unlinked customer conversations are a
// manager's triage (link, capture, assign); once linked to an agent's lead the agent sees them.
// Anything else answers 404, as other workspaces' ids do.
import { and, asc, desc, eq, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { recordActivity } from '../crm/activities.ts';
import { seesAll, type Actor } from '../crm/actor.ts';
import { getLead, type Lead } from '../crm/leads.ts';
import { memberName } from '../crm/members.ts';
import { clampLimit, decodeCursor, toPage, type Page, type PageParams } from '../crm/pagination.ts';
import { getWorkspace } from '../crm/workspaces.ts';
import { rowsOf, type DbOrTx } from '../db/client.ts';
import { conversations, leads, messages } from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { badRequest, forbidden, notFound } from '../lib/errors.ts';
import { normalizePhone } from '../lib/phone.ts';
import { queueMessage } from '../outbound/queue.ts';
import { autoLink, captureLead, linkConversation, type Conversation } from './linking.ts';

export type Message = typeof messages.$inferSelect;
export type ConversationWithLead = { conversation: Conversation; lead: Lead | null };
export type ConversationFilters = {
  channel?: string;
  linked?: boolean;
  assigneeId?: string;
  /** No lead, or a lead nobody is assigned to. */
  unassigned?: boolean;
  handedOff?: boolean;
  search?: string;
} & PageParams;

/** Rows of conversations left-joined to their lead; the lead must be in the same workspace. */
const withLead = (db: DbOrTx) =>
  db
    .select({ conversation: conversations, lead: leads })
    .from(conversations)
    .leftJoin(leads, and(eq(leads.id, conversations.leadId), eq(leads.workspaceId, conversations.workspaceId)));

function visibility(actor: Actor): SQL | undefined {
  if (seesAll(actor)) return undefined;
  if (!actor.userId) return sql`false`;
  return or(
    eq(leads.assigneeId, actor.userId),
    and(isNull(conversations.leadId), eq(conversations.memberId, actor.userId)),
  );
}

const scope = (actor: Actor) => and(eq(conversations.workspaceId, actor.workspaceId), visibility(actor));

/** A conversation the actor may see, with its lead; 404 otherwise. */
export async function getVisibleConversation(db: DbOrTx, actor: Actor, id: string): Promise<ConversationWithLead> {
  const [row] = await withLead(db).where(and(scope(actor), eq(conversations.id, id)));
  if (!row) throw notFound('Conversation');
  return row;
}

type TimeCursor = { at: string; id: string };
const isTimeCursor = (v: unknown): v is TimeCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as TimeCursor).at === 'string' &&
  typeof (v as TimeCursor).id === 'string' &&
  !Number.isNaN(Date.parse((v as TimeCursor).at));
const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');
/** A timestamp as ISO-8601 UTC text with microseconds: exact in cursors, parseable by Date. */
const isoText = (t: SQL) => sql<string>`to_char(${t} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Conversations the actor may see, latest activity first. `search` matches contact name or phone and the linked lead's company or contact. */
export async function listConversations(
  db: DbOrTx,
  actor: Actor,
  filters: ConversationFilters = {},
): Promise<Page<ConversationWithLead>> {
  const limit = clampLimit(filters.limit);
  const where = [scope(actor)];
  if (filters.channel) where.push(eq(conversations.channel, filters.channel));
  if (filters.linked !== undefined)
    where.push(filters.linked ? isNotNull(conversations.leadId) : isNull(conversations.leadId));
  if (filters.assigneeId) where.push(eq(leads.assigneeId, filters.assigneeId));
  if (filters.unassigned !== undefined)
    where.push(filters.unassigned ? isNull(leads.assigneeId) : isNotNull(leads.assigneeId));
  if (filters.handedOff !== undefined)
    where.push(filters.handedOff ? isNotNull(conversations.handedOffAt) : isNull(conversations.handedOffAt));
  const q = filters.search?.trim().toLowerCase();
  if (q) {
    const like = `%${escapeLike(q)}%`;
    const digits = q.replace(/\D/g, '');
    const phone = normalizePhone(q, (await getWorkspace(db, actor.workspaceId)).phoneRegion);
    where.push(
      or(
        sql`lower(${conversations.contactName}) like ${like}`,
        sql`lower(${leads.company}) like ${like}`,
        sql`lower(${leads.contactName}) like ${like}`,
        digits.length >= 4 ? sql`${conversations.contactPhone} like ${`%${digits}%`}` : undefined,
        phone ? eq(conversations.contactPhone, phone) : undefined,
      ),
    );
  }
  // Keyset on (activity, id); the cursor keeps the timestamp as text so microseconds survive.
  const activity = sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`;
  const after = decodeCursor(filters.cursor, isTimeCursor);
  if (after) where.push(sql`(${activity}, ${conversations.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  const rows = await db
    .select({ conversation: conversations, lead: leads, at: isoText(activity) })
    .from(conversations)
    .leftJoin(leads, and(eq(leads.id, conversations.leadId), eq(leads.workspaceId, conversations.workspaceId)))
    .where(and(...where))
    .orderBy(desc(activity), desc(conversations.id))
    .limit(limit + 1);
  const page = toPage(rows, limit, (r) => ({ at: r.at, id: r.conversation.id }));
  return { data: page.data.map(({ conversation, lead }) => ({ conversation, lead })), nextCursor: page.nextCursor };
}

/** A conversation's messages, oldest first. */
export async function listConversationMessages(
  db: DbOrTx,
  actor: Actor,
  conversationId: string,
  page: PageParams = {},
): Promise<Page<Message>> {
  await getVisibleConversation(db, actor, conversationId);
  const limit = clampLimit(page.limit, 100);
  const after = decodeCursor(page.cursor, isTimeCursor);
  const rows = await db
    .select({ message: messages, at: isoText(sql`${messages.createdAt}`) })
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, actor.workspaceId),
        eq(messages.conversationId, conversationId),
        after
          ? sql`(${messages.createdAt}, ${messages.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .limit(limit + 1);
  const result = toPage(rows, limit, (r) => ({ at: r.at, id: r.message.id }));
  return { data: result.data.map((r) => r.message), nextCursor: result.nextCursor };
}

/** A conversation with its lead and its latest messages (chronological), for the CRM view. */
export async function getConversationContext(
  db: DbOrTx,
  actor: Actor,
  id: string,
  maxMessages = 200,
): Promise<ConversationWithLead & { messages: Message[]; moreMessages: boolean }> {
  const found = await getVisibleConversation(db, actor, id);
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.workspaceId, actor.workspaceId), eq(messages.conversationId, id)))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(maxMessages + 1);
  return { ...found, messages: rows.slice(0, maxMessages).reverse(), moreMessages: rows.length > maxMessages };
}

/** A human's reply from the dashboard: an outbound row (purpose `agent`) that outbound.send delivers. */
export async function sendAgentMessage(
  db: DbOrTx,
  queue: JobQueue,
  actor: Actor,
  conversationId: string,
  text: string,
): Promise<Message> {
  return db.transaction(async (tx) => {
    const { conversation: conv } = await getVisibleConversation(tx, actor, conversationId);
    // The in-app channel answers inside its own HTTP request; there is nobody to deliver to later.
    if (conv.channel === 'app')
      throw badRequest('In-app conversations cannot be replied to', {
        conversation_id: 'an in-app command conversation',
      });
    const id = await queueMessage(tx, queue, {
      workspaceId: actor.workspaceId,
      conversationId: conv.id,
      channelId: conv.channelId,
      payload: { type: 'text', text },
      purpose: 'agent',
      authorId: actor.userId,
    });
    const [row] = await tx.select().from(messages).where(eq(messages.id, id));
    return row;
  });
}

const describeConversation = (c: Conversation) =>
  c.channel === 'facebook_comment'
    ? 'Facebook comment thread'
    : `${c.channel[0].toUpperCase()}${c.channel.slice(1)} conversation`;

async function setHandoff(
  db: DbOrTx,
  actor: Actor,
  conversationId: string,
  on: boolean,
  reason?: string,
): Promise<Conversation> {
  return db.transaction(async (tx) => {
    const { conversation: conv } = await getVisibleConversation(tx, actor, conversationId);
    if (!!conv.handedOffAt === on) return conv;
    const [row] = await tx
      .update(conversations)
      .set(
        on
          ? { handedOffAt: new Date(), handoffReason: reason?.trim() || null, updatedAt: new Date() }
          : { handedOffAt: null, handoffReason: null, updatedAt: new Date() },
      )
      .where(eq(conversations.id, conv.id))
      .returning();
    if (conv.leadId) {
      const by = await memberName(tx, actor.workspaceId, actor.userId);
      await recordActivity(tx, {
        workspaceId: actor.workspaceId,
        leadId: conv.leadId,
        actorId: actor.userId,
        type: on ? 'conversation.handed_off' : 'conversation.released',
        text: on
          ? `${describeConversation(conv)} handed to a human by ${by}${row.handoffReason ? `: ${row.handoffReason}` : ''}`
          : `${describeConversation(conv)} handed back to the bot by ${by}`,
        changes: {
          handedOffAt: { old: conv.handedOffAt?.toISOString() ?? null, new: row.handedOffAt?.toISOString() ?? null },
        },
      });
    }
    return row;
  });
}

/** A human takes over: the customer bot stays silent until release. Idempotent. */
export const handOff = (db: DbOrTx, actor: Actor, conversationId: string, reason?: string) =>
  setHandoff(db, actor, conversationId, true, reason);

/** The bot answers again. Idempotent. */
export const releaseHandoff = (db: DbOrTx, actor: Actor, conversationId: string) =>
  setHandoff(db, actor, conversationId, false);

/** Links a conversation the actor may see to a lead the actor may see. */
export async function linkConversationToLead(
  db: DbOrTx,
  actor: Actor,
  conversationId: string,
  leadId: string,
): Promise<ConversationWithLead> {
  await getVisibleConversation(db, actor, conversationId);
  const conversation = await linkConversation(db, actor, conversationId, leadId);
  return { conversation, lead: await getLead(db, actor, leadId) };
}

/** Creates a lead from a conversation the actor may see, or links it to the lead with its phone. */
export async function captureLeadFromConversation(
  db: DbOrTx,
  actor: Actor,
  conversationId: string,
  input: { company?: string; contactName?: string; assigneeId?: string | null },
) {
  await getVisibleConversation(db, actor, conversationId);
  return captureLead(db, actor, conversationId, input);
}

/** Links every unlinked conversation whose phone matches a lead: workspace housekeeping, so managers and up. */
export async function autoLinkConversations(db: DbOrTx, actor: Actor): Promise<number> {
  if (!seesAll(actor)) throw forbidden('Only managers, admins and owners auto-link the workspace’s conversations');
  return autoLink(db, actor);
}

export type ConversationAnalytics = {
  from: Date;
  to: Date;
  timeZone: string;
  conversations: {
    total: number;
    linked: number;
    unlinked: number;
    conversionRate: number | null;
    leadsCaptured: number;
  };
  messagesPerDay: { date: string; inbound: number; outbound: number }[];
  firstResponse: { medianSeconds: number | null; responded: number; unanswered: number };
  channels: { channel: string; conversations: number; linked: number }[];
};

const dayRe = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Analytics of customer conversations (team members' chats with the bot are not customers), over
 * [from, to). A bare date is a whole day in the workspace time zone (`to` inclusive); the default
 * is the last 30 days. Definitions:
 * - conversations: started (created) in the range; linked = has a lead; conversion rate =
 *   linked / total; leads captured = distinct leads created after their conversation started.
 * - messages per day: received, and sent (queued or delivered, not failed), reactions excluded,
 *   by day in the workspace time zone.
 * - first response: for conversations whose first inbound message falls in the range, seconds
 *   from it to the first outbound message (bot or human, not failed) at or after it; the median
 *   of those that got one.
 */
export async function conversationAnalytics(
  db: DbOrTx,
  actor: Actor,
  range: { from?: string; to?: string } = {},
): Promise<ConversationAnalytics> {
  const tz = (await getWorkspace(db, actor.workspaceId)).timeZone;
  const bound = (v: string | undefined, end: boolean) =>
    v === undefined
      ? null
      : dayRe.test(v)
        ? sql`((${v}::date + ${sql.raw(end ? '1' : '0')})::timestamp at time zone ${tz})`
        : sql`${v}::timestamptz`;
  const hiExpr = bound(range.to, true) ?? sql`now()`;
  const loExpr = bound(range.from, false) ?? sql`(${hiExpr} - interval '30 days')`;
  const [b] = rowsOf<{ lo: string; hi: string; lo_day: string; hi_day: string; days: number }>(
    await db.execute(
      sql`select ${isoText(sql`lo`)} as lo, ${isoText(sql`hi`)} as hi, to_char(lo at time zone ${tz}, 'YYYY-MM-DD') as lo_day, to_char((hi - interval '1 microsecond') at time zone ${tz}, 'YYYY-MM-DD') as hi_day, extract(epoch from hi - lo)::float8 / 86400 as days from (select ${loExpr} as lo, ${hiExpr} as hi) r`,
    ),
  );
  if (!(Number(b.days) > 0)) throw badRequest('`from` must be before `to`', { from: 'after to' });
  if (Number(b.days) > 366)
    throw badRequest('The range may span at most 366 days', { from: 'more than 366 days before to' });
  const lo = sql`${b.lo}::timestamptz`;
  const hi = sql`${b.hi}::timestamptz`;
  const customer = and(scope(actor), isNull(conversations.memberId));
  const counted = sql`${messages.type} <> 'reaction' and (${messages.direction} = 'in' or ${messages.status} <> 'failed')`;

  const totals = rowsOf<{ channel: string | null; total: number; linked: number; captured: number }>(
    await db.execute(sql`
      select ${conversations.channel} as channel, count(*)::int as total, count(${conversations.leadId})::int as linked,
             count(distinct ${conversations.leadId}) filter (where ${leads.createdAt} >= ${conversations.createdAt})::int as captured
      from ${conversations} left join ${leads} on ${leads.id} = ${conversations.leadId} and ${leads.workspaceId} = ${conversations.workspaceId}
      where ${customer} and ${conversations.createdAt} >= ${lo} and ${conversations.createdAt} < ${hi}
      group by grouping sets ((${conversations.channel}), ())
      order by 1`),
  );
  const daily = rowsOf<{ day: string; inbound: number; outbound: number }>(
    await db.execute(sql`
      select to_char(${messages.createdAt} at time zone ${tz}, 'YYYY-MM-DD') as day,
             count(*) filter (where ${messages.direction} = 'in')::int as inbound, count(*) filter (where ${messages.direction} = 'out')::int as outbound
      from ${messages} join ${conversations} on ${conversations.id} = ${messages.conversationId}
        left join ${leads} on ${leads.id} = ${conversations.leadId} and ${leads.workspaceId} = ${conversations.workspaceId}
      where ${customer} and ${messages.workspaceId} = ${actor.workspaceId} and ${messages.createdAt} >= ${lo} and ${messages.createdAt} < ${hi} and ${counted}
      group by 1`),
  );
  const [fr] = rowsOf<{ median: number | null; responded: number; total: number }>(
    await db.execute(sql`
      with firsts as (
        select ${conversations.id} as id, min(${messages.createdAt}) as first_in
        from ${conversations} join ${messages} on ${messages.conversationId} = ${conversations.id} and ${messages.direction} = 'in' and ${counted}
          left join ${leads} on ${leads.id} = ${conversations.leadId} and ${leads.workspaceId} = ${conversations.workspaceId}
        where ${customer} and ${conversations.lastInboundAt} >= ${lo}
        group by ${conversations.id}
      ), responses as (
        select extract(epoch from (select min(o.created_at) from messages o where o.conversation_id = f.id and o.direction = 'out' and o.status <> 'failed' and o.created_at >= f.first_in) - f.first_in)::float8 as secs
        from firsts f where f.first_in >= ${lo} and f.first_in < ${hi}
      )
      select percentile_cont(0.5) within group (order by secs) as median, count(secs)::int as responded, count(*)::int as total from responses`),
  );

  const all = totals.find((t) => t.channel === null) ?? { total: 0, linked: 0, captured: 0 };
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const messagesPerDay: ConversationAnalytics['messagesPerDay'] = [];
  for (
    let d = new Date(`${b.lo_day}T00:00:00Z`);
    d.toISOString().slice(0, 10) <= b.hi_day;
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    const date = d.toISOString().slice(0, 10);
    messagesPerDay.push({
      date,
      inbound: Number(byDay.get(date)?.inbound ?? 0),
      outbound: Number(byDay.get(date)?.outbound ?? 0),
    });
  }
  const total = Number(all.total);
  const linked = Number(all.linked);
  return {
    from: new Date(b.lo),
    to: new Date(b.hi),
    timeZone: tz,
    conversations: {
      total,
      linked,
      unlinked: total - linked,
      conversionRate: total ? linked / total : null,
      leadsCaptured: Number(all.captured),
    },
    messagesPerDay,
    firstResponse: {
      medianSeconds: fr?.median === null || fr?.median === undefined ? null : Number(fr.median),
      responded: Number(fr?.responded ?? 0),
      unanswered: Number(fr?.total ?? 0) - Number(fr?.responded ?? 0),
    },
    channels: totals
      .filter((t) => t.channel !== null)
      .map((t) => ({ channel: t.channel!, conversations: Number(t.total), linked: Number(t.linked) })),
  };
}
