// A lead's unified history: activities, tasks, deals and notes (and messages, once channels
// land) in one chronological feed.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { activities, deals, notes, tasks } from '../db/schema/index.ts';
import type { Actor } from './actor.ts';
import { getLead } from './leads.ts';
import { memberNames } from './members.ts';

export type HistoryItem = {
  kind: 'activity' | 'task' | 'deal' | 'note' | 'message';
  id: string;
  at: Date;
  type: string;
  text: string;
  actorId: string | null;
  actorName: string | null;
  data: Record<string, unknown>;
};

export type HistorySource = (db: DbOrTx, actor: Actor, leadId: string) => Promise<Omit<HistoryItem, 'actorName'>[]>;

const coreSources: HistorySource[] = [
  async (db, actor, leadId) =>
    (
      await db
        .select()
        .from(activities)
        .where(and(eq(activities.workspaceId, actor.workspaceId), eq(activities.leadId, leadId)))
    ).map((a) => ({
      kind: 'activity' as const,
      id: a.id,
      at: a.createdAt,
      type: a.type,
      text: a.text,
      actorId: a.actorId,
      data: { changes: a.changes, subject_type: a.subjectType, subject_id: a.subjectId },
    })),
  async (db, actor, leadId) =>
    (
      await db
        .select()
        .from(tasks)
        .where(and(eq(tasks.workspaceId, actor.workspaceId), eq(tasks.leadId, leadId)))
    ).map((t) => ({
      kind: 'task' as const,
      id: t.id,
      at: t.dueAt ?? t.createdAt,
      type: t.type,
      text: t.title,
      actorId: t.createdById,
      data: {
        status: t.status,
        priority: t.priority,
        due_at: t.dueAt,
        assignee_id: t.assigneeId,
        description: t.description,
      },
    })),
  async (db, actor, leadId) =>
    (
      await db
        .select()
        .from(deals)
        .where(and(eq(deals.workspaceId, actor.workspaceId), eq(deals.leadId, leadId)))
    ).map((d) => ({
      kind: 'deal' as const,
      id: d.id,
      at: d.createdAt,
      type: 'deal',
      text: d.title,
      actorId: d.createdById,
      data: { value: d.value, currency: d.currency, stage: d.stage, probability: d.probability },
    })),
  async (db, actor, leadId) =>
    (
      await db
        .select()
        .from(notes)
        .where(and(eq(notes.workspaceId, actor.workspaceId), eq(notes.leadId, leadId)))
    ).map((n) => ({
      kind: 'note' as const,
      id: n.id,
      at: n.createdAt,
      type: 'note',
      text: n.body,
      actorId: n.authorId,
      data: {},
    })),
];

/** Oldest first. `extraSources` lets later stages (messages) join the feed without crm/ knowing them. */
export async function getLeadHistory(
  db: DbOrTx,
  actor: Actor,
  leadId: string,
  extraSources: HistorySource[] = [],
): Promise<HistoryItem[]> {
  await getLead(db, actor, leadId);
  const parts = await Promise.all([...coreSources, ...extraSources].map((source) => source(db, actor, leadId)));
  const items = parts.flat();
  const names = await memberNames(
    db,
    actor.workspaceId,
    items.map((i) => i.actorId),
  );
  return items
    .map((i) => ({ ...i, actorName: i.actorId ? (names.get(i.actorId) ?? null) : null }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
}
