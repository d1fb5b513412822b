// Linking conversations to leads (spec 001): by phone automatically, by hand, or by capturing a
// new lead from the conversation.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { recordActivity } from '../crm/activities.ts';
import type { Actor } from '../crm/actor.ts';
import type { HistorySource, HistoryWindow } from '../crm/history.ts';
import { systemActor } from '../crm/actor.ts';
import { getLead, leadCreatedActivity, type Lead } from '../crm/leads.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import { addLead, type LeadCreatedDeps } from '../nurture/lead-created.ts';
import { memberName } from '../crm/members.ts';
import { inTransaction, rowsOf, type DbOrTx, type Tx } from '../db/client.ts';
import { conversations, leads, messageMaster, messages } from '../db/schema/index.ts';
import { uuidv7 } from '../lib/ids.ts';
import { normalizePhone } from '../lib/phone.ts';
import { enrollLead } from '../nurture/enroll.ts';
import { notFound } from '../lib/errors.ts';

export type Conversation = typeof conversations.$inferSelect;

export async function getConversation(db: DbOrTx, actor: Actor, id: string): Promise<Conversation> {
  const [c] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.workspaceId, actor.workspaceId), eq(conversations.id, id)));
  if (!c) throw notFound('Conversation');
  if (c.leadId)
    await getLead(db, actor, c.leadId).catch(() => {
      throw notFound('Conversation');
    });
  return c;
}

type Channels = { channels: ChannelRegistry };

async function setLead(db: DbOrTx, deps: Channels, actor: Actor, conv: Conversation, lead: Lead, how: string) {
  if (conv.leadId === lead.id) return;
  await db.update(conversations).set({ leadId: lead.id, updatedAt: new Date() }).where(eq(conversations.id, conv.id));
  const by = actor.userId ? ` by ${await memberName(db, actor.workspaceId, actor.userId)}` : '';
  await recordActivity(db, linkedActivity(deps, actor, conv, lead, `${how}${by}`));
}

/** The timeline's "conversation.linked": "WhatsApp conversation linked by hand". */
function linkedActivity(deps: Channels, actor: Actor, conv: Conversation, lead: Pick<Lead, 'id'>, how: string) {
  const label = deps.channels.surface(conv.channel)?.surface.label ?? `${conv.channel} conversation`;
  return {
    workspaceId: actor.workspaceId,
    leadId: lead.id,
    actorId: actor.userId,
    type: 'conversation.linked',
    text: `${label} linked ${how}`,
    changes: { conversationId: { old: conv.leadId, new: conv.id } },
  };
}

/** Links a conversation to a lead the actor can see. */
export async function linkConversation(
  db: DbOrTx,
  deps: Channels,
  actor: Actor,
  conversationId: string,
  leadId: string,
): Promise<Conversation> {
  return db.transaction(async (tx) => {
    const conv = await getConversation(tx, actor, conversationId);
    const lead = await getLead(tx, actor, leadId);
    await setLead(tx, deps, actor, conv, lead, 'by hand');
    return { ...conv, leadId: lead.id };
  });
}

/** Links to the lead with the conversation's phone, or creates one (source: the channel). */
export async function captureLead(
  db: DbOrTx,
  deps: LeadCreatedDeps & Channels,
  actor: Actor,
  conversationId: string,
  input: { company?: string; contactName?: string; assigneeId?: string | null } = {},
): Promise<{ lead: Lead; created: boolean }> {
  return inTransaction(db, async (tx) => {
    const conv = await getConversation(tx, actor, conversationId);
    if (conv.leadId) return { lead: await getLead(tx, actor, conv.leadId), created: false };
    const existing = conv.contactPhone
      ? (
          await tx
            .select()
            .from(leads)
            .where(and(eq(leads.workspaceId, actor.workspaceId), eq(leads.phone, conv.contactPhone)))
        )[0]
      : undefined;
    if (existing) {
      await setLead(tx, deps, actor, conv, existing, 'to the lead with the same phone');
      return { lead: existing, created: false };
    }
    const { lead } = await addLead(tx, deps, actor, {
      company: input.company ?? null,
      contactName: input.contactName ?? conv.contactName ?? (conv.contactPhone ? null : 'Unknown contact'),
      phone: conv.contactPhone,
      source: deps.channels.surface(conv.channel)?.surface.leadSource ?? conv.channel,
      assigneeId: input.assigneeId,
      customFields: conv.contactUserId ? { [`${conv.channel}_user_id`]: conv.contactUserId } : {},
    });
    await setLead(tx, deps, actor, conv, lead, 'when the lead was captured');
    return { lead, created: true };
  });
}

/**
 * captureLead by the system for many unlinked conversations of one workspace (the router's batch),
 * set-based: one lookup of the leads with their phones, one insert of the new leads, one insert
 * of the activities and one update of the conversations, whatever their number — the same rows
 * captureLead makes one by one. `create: false` (the workspace turned capture off) only links to
 * existing leads. Returns what it did by conversation id; the conversations it leaves out are
 * captureLead's: no phone, a phone not stored as its E.164 form, two conversations with one
 * phone, a phone another transaction took meanwhile.
 */
type CapturedLead = Pick<Lead, 'id' | 'phone' | 'status' | 'assigneeId'>;

export async function captureLeadsByPhone(
  tx: Tx,
  deps: LeadCreatedDeps & Channels,
  workspace: { id: string; phoneRegion: string },
  convs: Conversation[],
  opts: { create: boolean },
): Promise<Map<string, { lead: CapturedLead; created: boolean }>> {
  const out = new Map<string, { lead: CapturedLead; created: boolean }>();
  const actor = systemActor(workspace.id);
  const byPhone = new Map<string, Conversation>();
  const seen = new Set<string>();
  for (const c of convs) {
    const p = c.contactPhone;
    if (c.leadId || c.workspaceId !== workspace.id || !p || normalizePhone(p, workspace.phoneRegion) !== p) continue;
    if (seen.has(p)) byPhone.delete(p);
    else byPhone.set(p, c);
    seen.add(p);
  }
  if (!byPhone.size) return out;
  const existing = await tx
    .select({ id: leads.id, phone: leads.phone, status: leads.status, assigneeId: leads.assigneeId })
    .from(leads)
    .where(and(eq(leads.workspaceId, workspace.id), inArray(leads.phone, [...byPhone.keys()])));
  const linked: { conv: Conversation; lead: CapturedLead; created: boolean }[] = existing.map((lead) => ({
    conv: byPhone.get(lead.phone!)!,
    lead,
    created: false,
  }));
  const fresh = opts.create
    ? [...byPhone.values()].filter((c) => !existing.some((l) => l.phone === c.contactPhone))
    : [];
  if (fresh.length) {
    // The rows as one JSON parameter; the columns not named take their defaults (status new, score 0…).
    const values = fresh.map((c) => ({
      id: uuidv7(),
      contact_name: c.contactName ?? null,
      phone: c.contactPhone,
      source: deps.channels.surface(c.channel)?.surface.leadSource ?? c.channel,
      custom_fields: c.contactUserId ? { [`${c.channel}_user_id`]: c.contactUserId } : {},
    }));
    const inserted = rowsOf<{ id: string; phone: string; status: Lead['status'] }>(
      await tx.execute(sql`
        insert into leads (id, workspace_id, company, contact_name, phone, source, assignee_id, created_by_id, custom_fields)
        select v.id, ${workspace.id}::uuid, null, v.contact_name, v.phone, v.source, null, null, v.custom_fields
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
          as v(id uuid, contact_name text, phone text, source text, custom_fields jsonb)
        on conflict do nothing
        returning id, phone, status`),
    );
    for (const lead of inserted)
      linked.push({ conv: byPhone.get(lead.phone)!, lead: { ...lead, assigneeId: null }, created: true });
  }
  if (!linked.length) return out;
  const activityRows = linked.flatMap(({ conv, lead, created }) => [
    ...(created ? [leadCreatedActivity(actor, lead, 'the system')] : []),
    linkedActivity(deps, actor, conv, lead, created ? 'when the lead was captured' : 'to the lead with the same phone'),
  ]);
  const activityValues = activityRows.map((a) => ({
    id: uuidv7(),
    lead_id: a.leadId,
    type: a.type,
    text: a.text,
    changes: a.changes,
  }));
  await tx.execute(sql`
    insert into activities (id, workspace_id, lead_id, actor_id, type, text, changes)
    select v.id, ${workspace.id}::uuid, v.lead_id, null, v.type, v.text, v.changes
    from jsonb_to_recordset(${JSON.stringify(activityValues)}::jsonb)
      as v(id uuid, lead_id uuid, type text, text text, changes jsonb)`);
  const pairs = linked.map(({ conv, lead }) => ({ id: conv.id, lead_id: lead.id }));
  await tx.execute(sql`
    update conversations c set lead_id = v.lead_id, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as v(id uuid, lead_id uuid)
    where c.id = v.id`);
  // "Lead created": its sequences start, as addLead does (one look for the workspace's first).
  const created = linked.filter((l) => l.created);
  if (created.length && (await hasLeadCreatedSequences(tx, workspace.id)))
    for (const { lead } of created)
      await enrollLead(tx, deps.queue, {
        workspaceId: workspace.id,
        leadId: lead.id,
        assigneeId: lead.assigneeId,
        trigger: 'lead_created',
        triggerKey: `lead:${lead.id}`,
        at: deps.now(),
        actorId: null,
      });
  for (const { conv, lead, created } of linked) out.set(conv.id, { lead, created });
  return out;
}

async function hasLeadCreatedSequences(tx: Tx, workspaceId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: messageMaster.id })
    .from(messageMaster)
    .where(
      and(
        eq(messageMaster.workspaceId, workspaceId),
        eq(messageMaster.active, true),
        eq(messageMaster.trigger, 'lead_created'),
      ),
    )
    .limit(1);
  return !!row;
}

/** Links every unlinked conversation whose phone matches a lead. Returns how many it linked. */
export async function autoLink(db: DbOrTx, deps: Channels, actor: Actor): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ conv: conversations, lead: leads })
      .from(conversations)
      .innerJoin(
        leads,
        and(eq(leads.workspaceId, conversations.workspaceId), eq(leads.phone, conversations.contactPhone)),
      )
      .where(and(eq(conversations.workspaceId, actor.workspaceId), isNull(conversations.leadId)));
    for (const r of rows) await setLead(tx, deps, actor, r.conv, r.lead, 'automatically by phone number');
    return rows.length;
  });
}

/** Messages of a lead's linked conversations, for its unified history. */
export const messageHistory: HistorySource = async (db, actor, leadId, w) => {
  if (w) return messagePage(db, actor, leadId, w);
  const convs = db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, actor.workspaceId), eq(conversations.leadId, leadId)));
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, actor.workspaceId),
        inArray(messages.conversationId, convs),
        sql`${messages.type} <> 'reaction'`,
      ),
    )
    .orderBy(asc(messages.createdAt))
    .limit(2000);
  return rows.map((m) => messageItem(m));
};

const messageItem = (m: typeof messages.$inferSelect, atText?: string) => ({
  kind: 'message' as const,
  id: m.id,
  at: m.createdAt,
  atText,
  type: m.direction === 'in' ? 'message.received' : 'message.sent',
  text: m.text ?? `[${m.type}]`,
  actorId: m.authorId,
  data: {
    direction: m.direction,
    message_type: m.type,
    status: m.status,
    conversation_id: m.conversationId,
    fail_reason: m.failReason,
    error_code: m.errorCode,
  },
});

/** A window of the lead's messages: per conversation a backward walk of (conversation, created_at, id), LIMIT each (lateral). */
async function messagePage(db: DbOrTx, actor: Actor, leadId: string, w: HistoryWindow) {
  const before = w.before ? sql`and (m.created_at, m.id) < (${w.before.at}::timestamptz, ${w.before.id}::uuid)` : sql``;
  const rows = rowsOf<{ m: typeof messages.$inferSelect & Record<string, unknown>; at_text: string }>(
    await db.execute(sql`
      select row_to_json(m) as m, to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text
      from conversations c cross join lateral (
        select * from messages m
        where m.conversation_id = c.id and m.workspace_id = ${actor.workspaceId} and m.type <> 'reaction' ${before}
        order by m.created_at desc, m.id desc limit ${w.limit}) m
      where c.workspace_id = ${actor.workspaceId} and c.lead_id = ${leadId}
      order by m.created_at desc, m.id desc limit ${w.limit}`),
  );
  return rows.map(({ m, at_text }) =>
    messageItem(
      {
        ...m,
        conversationId: m.conversation_id as string,
        failReason: (m.fail_reason as string) ?? null,
        errorCode: (m.error_code as string) ?? null,
        authorId: (m.author_id as string) ?? null,
        createdAt: new Date(m.created_at as unknown as string),
      } as typeof messages.$inferSelect,
      at_text,
    ),
  );
}
