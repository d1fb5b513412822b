import { and, asc, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { activities, type ActivityChanges } from '../db/schema/index.ts';
import type { Actor } from './actor.ts';
import { getLead } from './leads.ts';
import { clampLimit, decodeCursor, isIdCursor, toPage, type PageParams } from './pagination.ts';

export type Activity = typeof activities.$inferSelect;

export type RecordActivity = {
  workspaceId: string;
  leadId?: string | null;
  actorId: string | null;
  type: string;
  text: string;
  changes?: ActivityChanges;
  subjectType?: 'task' | 'deal' | 'note' | 'message' | 'user';
  subjectId?: string;
};

/** Appends one activity; call it inside the transaction that made the change. */
export async function recordActivity(db: DbOrTx, input: RecordActivity): Promise<Activity> {
  const [row] = await db
    .insert(activities)
    .values({ ...input, leadId: input.leadId ?? null, changes: input.changes ?? {} })
    .returning();
  return row;
}

/** A lead's activities, oldest first. */
export async function listLeadActivities(db: DbOrTx, actor: Actor, leadId: string, page: PageParams = {}) {
  await getLead(db, actor, leadId); // 404 unless the actor may see the lead
  const limit = clampLimit(page.limit, 100);
  const after = decodeCursor(page.cursor, isIdCursor);
  const rows = await db
    .select()
    .from(activities)
    .where(
      and(
        eq(activities.workspaceId, actor.workspaceId),
        eq(activities.leadId, leadId),
        after ? gt(activities.id, after.id) : undefined,
      ),
    )
    .orderBy(asc(activities.id))
    .limit(limit + 1);
  return toPage(rows, limit, (r) => ({ id: r.id }));
}

/** The lead's latest status change, old → new (not a task's); undefined when it never changed. */
export async function lastStatusChange(
  db: DbOrTx,
  actor: Actor,
  leadId: string,
): Promise<{ old: unknown; new: unknown } | undefined> {
  await getLead(db, actor, leadId);
  const [row] = await db
    .select({ changes: activities.changes })
    .from(activities)
    .where(
      and(
        eq(activities.workspaceId, actor.workspaceId),
        eq(activities.leadId, leadId),
        isNull(activities.subjectType),
        sql`${activities.changes} -> 'status' is not null`,
      ),
    )
    .orderBy(desc(activities.id))
    .limit(1);
  return row?.changes.status;
}

/** Old → new for each listed field whose value differs. */
export function diff<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
  fields: (keyof T)[],
): ActivityChanges {
  const changes: ActivityChanges = {};
  for (const f of fields) {
    if (!(f in after)) continue;
    const a = normalize(before[f]);
    const b = normalize(after[f]);
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[f as string] = { old: a, new: b };
  }
  return changes;
}

const normalize = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));
