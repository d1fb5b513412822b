// A lead's activities as its readers see them: the timeline page and the latest status change.
import { and, asc, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { activities } from '../db/schema/index.ts';
import type { Actor } from './actor.ts';
import { getLead } from './leads.ts';
import { clampLimit, decodeCursor, isIdCursor, toPage, type PageParams } from './pagination.ts';

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
