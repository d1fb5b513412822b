// The append-only activity timeline: writing an activity (inside the transaction that made the
// change) and describing a change. Reading a lead's activities is lead-activities.ts.
import type { DbOrTx } from '../db/client.ts';
import { activities, type ActivityChanges } from '../db/schema/index.ts';

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
