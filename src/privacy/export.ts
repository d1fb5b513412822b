// What Parley holds about one person in a workspace (GDPR access request), and the audit trail of
// who exported or erased personal data. The person is named by a phone in any format (or a
// channel user id when no phone is known); the trail keeps a one-way hash of it, never the number.
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Actor } from '../crm/actor.ts';
import { isAdmin } from '../crm/actor.ts';
import { clampLimit, decodeCursor, isIdCursor, toPage, type Page, type PageParams } from '../crm/pagination.ts';
import { getWorkspace } from '../crm/workspaces.ts';
import type { DbOrTx } from '../db/client.ts';
import {
  activities,
  auditLog,
  consents,
  conversations,
  deals,
  leads,
  messages,
  notes,
  profileFacts,
  tasks,
} from '../db/schema/index.ts';
import { badRequest, forbidden } from '../lib/errors.ts';
import { normalizePhone } from '../lib/phone.ts';

export type AuditEntry = typeof auditLog.$inferSelect;

/** sha256(workspace id + E.164): proves an export or erasure happened without keeping the number. */
export const subjectHash = (workspaceId: string, contact: string) =>
  createHash('sha256')
    .update(workspaceId + contact)
    .digest('hex');

export function assertMayHandlePersonalData(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins can export or erase personal data');
}

/** A phone in any format → E.164 (the workspace's region for national numbers); otherwise the raw id. */
export async function contactOf(db: DbOrTx, workspaceId: string, phone: string): Promise<string> {
  const raw = phone.trim();
  if (raw.length < 3) throw badRequest('Give a phone number', { phone: 'a phone number in any format' });
  const ws = await getWorkspace(db, workspaceId);
  return normalizePhone(raw, ws.phoneRegion) ?? raw;
}

/** The rows that are this person in the workspace. */
export type Subject = {
  workspaceId: string;
  contact: string;
  hash: string;
  leadIds: string[];
  conversationIds: string[];
  contactKeys: string[];
};

/**
 * The person's leads and conversations. A lead is theirs when it has their phone; a conversation
 * when its contact is them. Links add what has no phone of its own (a Messenger thread linked to
 * their lead, a phone-less lead linked to their chat) but never another number's lead or chat.
 */
export async function findSubject(db: DbOrTx, workspaceId: string, contact: string): Promise<Subject> {
  const ws = eq(conversations.workspaceId, workspaceId);
  const byPhone = await db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.workspaceId, workspaceId), eq(leads.phone, contact)));
  const convs = await db
    .select({
      id: conversations.id,
      leadId: conversations.leadId,
      phone: conversations.contactPhone,
      userId: conversations.contactUserId,
    })
    .from(conversations)
    .where(
      and(
        ws,
        or(
          eq(conversations.contactPhone, contact),
          eq(conversations.contactUserId, contact),
          eq(conversations.externalId, contact),
        ),
      ),
    );
  const linked = convs.map((c) => c.leadId).filter((id): id is string => !!id);
  const phoneless = linked.length
    ? await db
        .select({ id: leads.id })
        .from(leads)
        .where(and(eq(leads.workspaceId, workspaceId), inArray(leads.id, linked), isNull(leads.phone)))
    : [];
  const leadIds = [...new Set([...byPhone, ...phoneless].map((l) => l.id))];
  const threads = leadIds.length
    ? await db
        .select({ id: conversations.id, userId: conversations.contactUserId })
        .from(conversations)
        .where(and(ws, inArray(conversations.leadId, leadIds), isNull(conversations.contactPhone)))
    : [];
  const conversationIds = [...new Set([...convs, ...threads].map((c) => c.id))];
  const contactKeys = [
    ...new Set(
      [contact, ...convs.flatMap((c) => [c.phone, c.userId]), ...threads.map((t) => t.userId)].filter(
        (k): k is string => !!k,
      ),
    ),
  ];
  return { workspaceId, contact, hash: subjectHash(workspaceId, contact), leadIds, conversationIds, contactKeys };
}

export type ContactExport = {
  contact: string;
  subjectHash: string;
  exportedAt: Date;
  leads: {
    lead: typeof leads.$inferSelect;
    deals: (typeof deals.$inferSelect)[];
    tasks: (typeof tasks.$inferSelect)[];
    notes: (typeof notes.$inferSelect)[];
    activities: (typeof activities.$inferSelect)[];
  }[];
  conversations: { conversation: typeof conversations.$inferSelect; messages: (typeof messages.$inferSelect)[] }[];
  /** Every fact with its history (superseded values included), oldest first. */
  profileFacts: (typeof profileFacts.$inferSelect)[];
  consents: (typeof consents.$inferSelect)[];
};

const none = <T>(): Promise<T[]> => Promise.resolve([]);

/** Everything held about the person in the actor's workspace (owners and admins); audited. */
export async function exportContact(
  db: DbOrTx,
  actor: Actor,
  phone: string,
  opts: { now?: Date } = {},
): Promise<ContactExport> {
  assertMayHandlePersonalData(actor);
  const w = actor.workspaceId;
  const s = await findSubject(db, w, await contactOf(db, w, phone));
  const { leadIds: l, conversationIds: c } = s;
  const [leadRows, dealRows, taskRows, noteRows, activityRows, convRows, messageRows, factRows, consentRows] =
    await Promise.all([
      l.length
        ? db
            .select()
            .from(leads)
            .where(and(eq(leads.workspaceId, w), inArray(leads.id, l)))
            .orderBy(asc(leads.createdAt))
        : none<typeof leads.$inferSelect>(),
      l.length
        ? db
            .select()
            .from(deals)
            .where(and(eq(deals.workspaceId, w), inArray(deals.leadId, l)))
            .orderBy(asc(deals.createdAt))
        : none<typeof deals.$inferSelect>(),
      l.length
        ? db
            .select()
            .from(tasks)
            .where(and(eq(tasks.workspaceId, w), inArray(tasks.leadId, l)))
            .orderBy(asc(tasks.createdAt))
        : none<typeof tasks.$inferSelect>(),
      l.length
        ? db
            .select()
            .from(notes)
            .where(and(eq(notes.workspaceId, w), inArray(notes.leadId, l)))
            .orderBy(asc(notes.createdAt))
        : none<typeof notes.$inferSelect>(),
      l.length
        ? db
            .select()
            .from(activities)
            .where(and(eq(activities.workspaceId, w), inArray(activities.leadId, l)))
            .orderBy(asc(activities.id))
        : none<typeof activities.$inferSelect>(),
      c.length
        ? db
            .select()
            .from(conversations)
            .where(and(eq(conversations.workspaceId, w), inArray(conversations.id, c)))
            .orderBy(asc(conversations.createdAt))
        : none<typeof conversations.$inferSelect>(),
      c.length
        ? db
            .select()
            .from(messages)
            .where(and(eq(messages.workspaceId, w), inArray(messages.conversationId, c)))
            .orderBy(asc(messages.createdAt), asc(messages.id))
        : none<typeof messages.$inferSelect>(),
      db
        .select()
        .from(profileFacts)
        .where(
          and(
            eq(profileFacts.workspaceId, w),
            or(inArray(profileFacts.contact, s.contactKeys), l.length ? inArray(profileFacts.leadId, l) : undefined),
          ),
        )
        .orderBy(asc(profileFacts.createdAt), asc(profileFacts.id)),
      db
        .select()
        .from(consents)
        .where(
          and(
            eq(consents.workspaceId, w),
            or(inArray(consents.contact, s.contactKeys), l.length ? inArray(consents.leadId, l) : undefined),
          ),
        )
        .orderBy(asc(consents.createdAt), asc(consents.id)),
    ]);
  const of = <T extends { leadId: string | null }>(rows: T[], id: string) => rows.filter((r) => r.leadId === id);
  const result: ContactExport = {
    contact: s.contact,
    subjectHash: s.hash,
    exportedAt: opts.now ?? new Date(),
    leads: leadRows.map((lead) => ({
      lead,
      deals: of(dealRows, lead.id),
      tasks: of(taskRows, lead.id),
      notes: of(noteRows, lead.id),
      activities: of(activityRows, lead.id),
    })),
    conversations: convRows.map((conversation) => ({
      conversation,
      messages: messageRows.filter((m) => m.conversationId === conversation.id),
    })),
    profileFacts: factRows,
    consents: consentRows,
  };
  const counts = {
    leads: leadRows.length,
    conversations: convRows.length,
    messages: messageRows.length,
    profile_facts: factRows.length,
    consents: consentRows.length,
  };
  await recordAudit(db, {
    workspaceId: w,
    actorId: actor.userId,
    action: 'privacy.export',
    subjectHash: s.hash,
    details: { counts },
  });
  return result;
}

export async function recordAudit(
  db: DbOrTx,
  entry: {
    workspaceId: string;
    actorId: string | null;
    action: string;
    subjectHash: string | null;
    details: Record<string, unknown>;
  },
): Promise<AuditEntry> {
  const [row] = await db.insert(auditLog).values(entry).returning();
  return row;
}

/** The workspace's audit trail, newest first (owners and admins); `phone` narrows it to one person. */
export async function listAuditEntries(
  db: DbOrTx,
  actor: Actor,
  q: PageParams & { action?: string; phone?: string },
): Promise<Page<AuditEntry>> {
  assertMayHandlePersonalData(actor);
  const limit = clampLimit(q.limit);
  const before = decodeCursor(q.cursor, isIdCursor);
  const hash = q.phone ? subjectHash(actor.workspaceId, await contactOf(db, actor.workspaceId, q.phone)) : undefined;
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.workspaceId, actor.workspaceId),
        q.action ? eq(auditLog.action, q.action) : undefined,
        hash ? eq(auditLog.subjectHash, hash) : undefined,
        before ? lt(auditLog.id, before.id) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  return toPage(rows, limit, (r) => ({ id: r.id }));
}
