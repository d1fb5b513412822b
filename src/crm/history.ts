// A lead's unified history: activities, tasks, deals and notes (and messages, once channels
// land) in one chronological feed.
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { activities, deals, notes, tasks } from '../db/schema/index.ts';
import type { Actor } from './actor.ts';
import { getLead } from './leads.ts';
import { memberNames } from './members.ts';
import { clampLimit, decodeCursor, encodeCursor, type Page, type PageParams } from './pagination.ts';

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

/**
 * A page of a feed, newest first: at most `limit` items strictly before `before` in the order
 * (at, id) descending. `before.at` is ISO text with microseconds (what `atText` gives).
 */
export type HistoryWindow = { limit: number; before?: { at: string; id: string } };
export type SourceItem = Omit<HistoryItem, 'actorName'> & { atText?: string };
/** Without a window: every item. With one: the window's items, newest first, each with its `atText`. */
export type HistorySource = (db: DbOrTx, actor: Actor, leadId: string, window?: HistoryWindow) => Promise<SourceItem[]>;

/** A timestamp column as ISO-8601 UTC text with microseconds (exact in cursors). */
export const atText = (t: SQL | unknown) =>
  sql<string>`to_char(${t} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
/** The window's condition and order on a source's (at, id): one keyset walk of an index ending in them. */
export const windowOf = (at: SQL | unknown, id: unknown, w: HistoryWindow | undefined) => ({
  where: w?.before ? sql`(${at}, ${id}) < (${w.before.at}::timestamptz, ${w.before.id}::uuid)` : undefined,
  orderBy: [desc(at as SQL), desc(id as SQL)],
});

const coreSources: HistorySource[] = [
  async (db, actor, leadId, w) => {
    const win = windowOf(activities.createdAt, activities.id, w);
    const q = db
      .select({ a: activities, atText: atText(activities.createdAt) })
      .from(activities)
      .where(and(eq(activities.workspaceId, actor.workspaceId), eq(activities.leadId, leadId), win.where));
    return (await (w ? q.orderBy(...win.orderBy).limit(w.limit) : q)).map(({ a, atText }) => ({
      kind: 'activity' as const,
      id: a.id,
      at: a.createdAt,
      atText,
      type: a.type,
      text: a.text,
      actorId: a.actorId,
      data: { changes: a.changes, subject_type: a.subjectType, subject_id: a.subjectId },
    }));
  },
  async (db, actor, leadId, w) => {
    const at = sql`coalesce(${tasks.dueAt}, ${tasks.createdAt})`;
    const win = windowOf(at, tasks.id, w);
    const q = db
      .select({ t: tasks, atText: atText(at) })
      .from(tasks)
      .where(and(eq(tasks.workspaceId, actor.workspaceId), eq(tasks.leadId, leadId), win.where));
    return (await (w ? q.orderBy(...win.orderBy).limit(w.limit) : q)).map(({ t, atText }) => ({
      kind: 'task' as const,
      id: t.id,
      at: t.dueAt ?? t.createdAt,
      atText,
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
    }));
  },
  async (db, actor, leadId, w) => {
    const win = windowOf(deals.createdAt, deals.id, w);
    const q = db
      .select({ d: deals, atText: atText(deals.createdAt) })
      .from(deals)
      .where(and(eq(deals.workspaceId, actor.workspaceId), eq(deals.leadId, leadId), win.where));
    return (await (w ? q.orderBy(...win.orderBy).limit(w.limit) : q)).map(({ d, atText }) => ({
      kind: 'deal' as const,
      id: d.id,
      at: d.createdAt,
      atText,
      type: 'deal',
      text: d.title,
      actorId: d.createdById,
      data: { value: d.value, currency: d.currency, stage: d.stage, probability: d.probability },
    }));
  },
  async (db, actor, leadId, w) => {
    const win = windowOf(notes.createdAt, notes.id, w);
    const q = db
      .select({ n: notes, atText: atText(notes.createdAt) })
      .from(notes)
      .where(and(eq(notes.workspaceId, actor.workspaceId), eq(notes.leadId, leadId), win.where));
    return (await (w ? q.orderBy(...win.orderBy).limit(w.limit) : q)).map(({ n, atText }) => ({
      kind: 'note' as const,
      id: n.id,
      at: n.createdAt,
      atText,
      type: 'note',
      text: n.body,
      actorId: n.authorId,
      data: {},
    }));
  },
];

async function named(db: DbOrTx, actor: Actor, items: SourceItem[]): Promise<HistoryItem[]> {
  const names = await memberNames(
    db,
    actor.workspaceId,
    items.map((i) => i.actorId),
  );
  return items.map(({ atText: _, ...i }) => ({ ...i, actorName: i.actorId ? (names.get(i.actorId) ?? null) : null }));
}

type HistoryCursor = { at: string; id: string };
const isHistoryCursor = (v: unknown): v is HistoryCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as HistoryCursor).at === 'string' &&
  typeof (v as HistoryCursor).id === 'string' &&
  /^[0-9a-f-]{36}$/i.test((v as HistoryCursor).id) &&
  !Number.isNaN(Date.parse((v as HistoryCursor).at));

/**
 * One page of the unified history, newest first: each source gives at most a page before the
 * cursor (a keyset walk of its index), the pages are merged and cut. A lead with 10,000 entries
 * costs a page per source, not 10,000 rows.
 */
export async function getLeadHistoryPage(
  db: DbOrTx,
  actor: Actor,
  leadId: string,
  extraSources: HistorySource[] = [],
  page: PageParams = {},
): Promise<Page<HistoryItem>> {
  await getLead(db, actor, leadId);
  const limit = clampLimit(page.limit);
  const before = decodeCursor(page.cursor, isHistoryCursor);
  const window: HistoryWindow = { limit: limit + 1, before };
  const parts = await Promise.all([...coreSources, ...extraSources].map((source) => source(db, actor, leadId, window)));
  const items = parts
    .flat()
    .sort((a, b) => (a.atText! < b.atText! ? 1 : a.atText! > b.atText! ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit + 1);
  const more = items.length > limit;
  const data = items.slice(0, limit);
  const last = data.at(-1);
  return {
    data: await named(db, actor, data),
    nextCursor: more && last ? encodeCursor({ at: last.atText, id: last.id }) : null,
  };
}

/** Oldest first. `extraSources` lets later stages (messages) join the feed without crm/ knowing them. */
export async function getLeadHistory(
  db: DbOrTx,
  actor: Actor,
  leadId: string,
  extraSources: HistorySource[] = [],
): Promise<HistoryItem[]> {
  await getLead(db, actor, leadId);
  const parts = await Promise.all([...coreSources, ...extraSources].map((source) => source(db, actor, leadId)));
  return (await named(db, actor, parts.flat())).sort(
    (a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id),
  );
}
