// Conversations as the dashboard and the API see them (spec 001): the inbox, a conversation's
// messages, a human's reply, handoff to a human and back, linking (analytics.ts: the numbers).
//
// Visibility mirrors leads: managers, admins and owners see every conversation of the workspace.
// An agent sees the conversations linked to leads assigned to them, and unlinked conversations they
// are the member of (their own chats with the bot). Unlinked customer conversations are a
// manager's triage (link, capture, assign); once linked to an agent's lead the agent sees them.
// Anything else answers 404, as other workspaces' ids do.
import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { recordActivity } from '../crm/activities.ts';
import { seesAll, type Actor } from '../crm/actor.ts';
import { getLead, type Lead } from '../crm/leads.ts';
import { memberName } from '../crm/members.ts';
import { clampLimit, decodeCursor, toPage, type Page, type PageParams } from '../crm/pagination.ts';
import { getWorkspace } from '../crm/workspaces.ts';
import { inTransaction, rowsOf, type DbOrTx } from '../db/client.ts';
import { conversations, leads, messages } from '../db/schema/index.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { LeadCreatedDeps } from '../nurture/lead-created.ts';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors.ts';
import { normalizePhone } from '../lib/phone.ts';
import { queueReplies, type OutboxDeps } from '../outbound/queue.ts';
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

/** The conversations the actor may see. */
export const scope = (actor: Actor) => and(eq(conversations.workspaceId, actor.workspaceId), visibility(actor));

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
/** A search with at most this many candidate conversations orders them; more, and it walks the inbox order. */
export const SEARCH_CANDIDATES = 1000;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');
/** A timestamp as ISO-8601 UTC text with microseconds: exact in cursors, parseable by Date. */
/** A timestamp as ISO text with microseconds (cursors compare it exactly). */
export const isoText = (t: SQL) => sql<string>`to_char(${t} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

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
    const matches = or(
      sql`lower(${conversations.contactName}) like ${like}`,
      sql`lower(${leads.company}) like ${like}`,
      sql`lower(${leads.contactName}) like ${like}`,
      digits.length >= 4 ? sql`${conversations.contactPhone} like ${`%${digits}%`}` : undefined,
      phone ? eq(conversations.contactPhone, phone) : undefined,
    );
    // A rare term: its few conversations come from the trigram indexes (contact name, phone digits,
    // the lead's company and name), then are ordered. A common one (more than SEARCH_CANDIDATES):
    // the inbox order is walked with the same conditions, and matches are dense there.
    // Counted among the conversations the actor may see: an agent's matches are fewer. (The LIMITs
    // inside the laterals keep them nested loops over the few candidates, never hash joins of tables.)
    const ws = actor.workspaceId;
    const candidates = sql`(select id from conversations where workspace_id = ${ws} and lower(contact_name) like ${like})
        union all (select c.id from leads l cross join lateral (select id from conversations c where c.workspace_id = l.workspace_id and c.lead_id = l.id limit 100) c
          where l.workspace_id = ${ws} and (lower(l.company) like ${like} or lower(l.contact_name) like ${like}))
        ${digits.length >= 4 ? sql`union all (select id from conversations where workspace_id = ${ws} and contact_phone like ${`%${digits}%`})` : sql``}
        ${phone ? sql`union all (select id from conversations where workspace_id = ${ws} and contact_phone = ${phone})` : sql``}`;
    // (transaction-local, as in listLeads: the trigram candidates are few, so no table walks)
    const found = await inTransaction(db, async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = rowsOf<{ id: string }>(
        await tx.execute(
          seesAll(actor)
            ? sql`select id from (${candidates}) s limit ${SEARCH_CANDIDATES + 1}`
            : sql`select s.id from (${candidates}) s cross join lateral (select 1 from ${conversations}
                left join ${leads} on ${leads.id} = ${conversations.leadId} and ${leads.workspaceId} = ${conversations.workspaceId}
                where ${conversations.id} = s.id and ${scope(actor)} limit 1) v
              limit ${SEARCH_CANDIDATES + 1}`,
        ),
      );
      await tx.execute(sql`set local enable_seqscan = default`);
      return rows;
    });
    if (found.length <= SEARCH_CANDIDATES) {
      if (!found.length) return { data: [], nextCursor: null };
      where.push(inArray(conversations.id, [...new Set(found.map((r) => r.id))]), matches);
    } else where.push(matches);
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
  deps: OutboxDeps,
  actor: Actor,
  conversationId: string,
  text: string,
): Promise<Message> {
  return db.transaction(async (tx) => {
    const { conversation: conv } = await getVisibleConversation(tx, actor, conversationId);
    // The in-app channel answers inside its own HTTP request; there is nobody to deliver to later.
    if (deps.channels.surface(conv.channel)?.adapter.inline)
      throw badRequest('In-app conversations cannot be replied to', {
        conversation_id: 'an in-app command conversation',
      });
    // STOP is honoured for people too: nothing reaches the contact until they send START.
    if (conv.optedOutAt)
      throw conflict('This contact opted out (STOP): nothing is sent to them until they write START again', {
        conversation_id: 'the contact opted out',
      });
    const [id] = await queueReplies(
      tx,
      deps,
      { workspaceId: actor.workspaceId, key: null, conversation: conv, authorId: actor.userId },
      [{ to: 'contact', purpose: 'agent', text }],
    );
    const [row] = await tx.select().from(messages).where(eq(messages.id, id!));
    return row;
  });
}

type Channels = { channels: ChannelRegistry };

const describeConversation = (deps: Channels, c: Conversation) =>
  deps.channels.surface(c.channel)?.surface.label ?? `${c.channel} conversation`;

async function setHandoff(
  db: DbOrTx,
  deps: Channels,
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
          : {
              handedOffAt: null,
              handoffReason: null,
              // Back to the bot with a clean slate: the failure count and any open question reset.
              state: sql`${conversations.state} - 'failedBefore' - 'dialogue'`,
              updatedAt: new Date(),
            },
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
          ? `${describeConversation(deps, conv)} handed to a human by ${by}${row.handoffReason ? `: ${row.handoffReason}` : ''}`
          : `${describeConversation(deps, conv)} handed back to the bot by ${by}`,
        changes: {
          handedOffAt: { old: conv.handedOffAt?.toISOString() ?? null, new: row.handedOffAt?.toISOString() ?? null },
        },
      });
    }
    return row;
  });
}

/** A human takes over: the customer bot stays silent until release. Idempotent. */
export const handOff = (db: DbOrTx, deps: Channels, actor: Actor, conversationId: string, reason?: string) =>
  setHandoff(db, deps, actor, conversationId, true, reason);

/** The bot answers again. Idempotent. */
export const releaseHandoff = (db: DbOrTx, deps: Channels, actor: Actor, conversationId: string) =>
  setHandoff(db, deps, actor, conversationId, false);

/** Releases every handed-off conversation of a lead; returns how many there were. */
export async function releaseLeadConversations(
  db: DbOrTx,
  deps: Channels,
  actor: Actor,
  leadId: string,
): Promise<number> {
  const convs = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, actor.workspaceId),
        eq(conversations.leadId, leadId),
        isNotNull(conversations.handedOffAt),
      ),
    );
  for (const c of convs) await releaseHandoff(db, deps, actor, c.id);
  return convs.length;
}

/** Links a conversation the actor may see to a lead the actor may see. */
export async function linkConversationToLead(
  db: DbOrTx,
  deps: Channels,
  actor: Actor,
  conversationId: string,
  leadId: string,
): Promise<ConversationWithLead> {
  await getVisibleConversation(db, actor, conversationId);
  const conversation = await linkConversation(db, deps, actor, conversationId, leadId);
  return { conversation, lead: await getLead(db, actor, leadId) };
}

/** Creates a lead from a conversation the actor may see, or links it to the lead with its phone. */
export async function captureLeadFromConversation(
  db: DbOrTx,
  deps: Channels & LeadCreatedDeps,
  actor: Actor,
  conversationId: string,
  input: { company?: string; contactName?: string; assigneeId?: string | null },
) {
  await getVisibleConversation(db, actor, conversationId);
  return captureLead(db, deps, actor, conversationId, input);
}

/** Links every unlinked conversation whose phone matches a lead: workspace housekeeping, so managers and up. */
export async function autoLinkConversations(db: DbOrTx, deps: Channels, actor: Actor): Promise<number> {
  if (!seesAll(actor)) throw forbidden('Only managers, admins and owners auto-link the workspace’s conversations');
  return autoLink(db, deps, actor);
}
