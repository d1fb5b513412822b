// Tasks: meetings, demos, follow-ups, calls. Scheduling, rescheduling and completion are activities.
import { and, asc, eq, gt, gte, lte, or, sql, type SQL } from 'drizzle-orm';
import { inTransaction, type DbOrTx } from '../db/client.ts';
import { leads, tasks, type TaskPriority, type TaskStatus, type TaskType } from '../db/schema/index.ts';
import { notFound } from '../lib/errors.ts';
import { formatDateTime } from '../lib/time.ts';
import { diff, recordActivity } from './activities.ts';
import { seesAll, type Actor } from './actor.ts';
import { getLead, type Lead } from './leads.ts';
import { memberNames, requireAssignee } from './members.ts';
import { clampLimit, decodeCursor, toPage, type Page, type PageParams } from './pagination.ts';
import { getWorkspace } from './workspaces.ts';

export type Task = typeof tasks.$inferSelect;
export type TaskWithCompany = Task & { company: string | null; contactName: string | null };

export type TaskInput = {
  leadId?: string | null;
  type?: TaskType;
  title?: string;
  description?: string | null;
  dueAt?: Date | null;
  status?: TaskStatus;
  priority?: TaskPriority;
  assigneeId?: string | null;
};

const typeName: Record<TaskType, string> = {
  meeting: 'Meeting',
  demo: 'Demo',
  follow_up: 'Follow-up',
  call: 'Call',
  other: 'Task',
};
const leadLabel = (lead: Lead | undefined) => lead?.company || lead?.contactName || 'the lead';

/**
 * Creates a task and its activity, in the caller's transaction when given one (no savepoint: an
 * error aborts the caller's transaction, as a command's own savepoint expects). `timeZone`: the
 * workspace's, when the caller has it (the activity's text names the due time in it).
 */
export async function createTask(
  db: DbOrTx,
  actor: Actor,
  input: TaskInput,
  known: { timeZone?: string } = {},
): Promise<Task> {
  return inTransaction(db, async (tx) => {
    const lead = input.leadId ? await getLead(tx, actor, input.leadId) : undefined;
    const type = input.type ?? 'follow_up';
    const assigneeId = input.assigneeId === undefined ? (lead?.assigneeId ?? actor.userId) : input.assigneeId;
    if (assigneeId) await requireAssignee(tx, actor.workspaceId, assigneeId);
    const title = input.title?.trim() || (lead ? `${typeName[type]} with ${leadLabel(lead)}` : typeName[type]);
    const [task] = await tx
      .insert(tasks)
      .values({ ...input, type, title, assigneeId, workspaceId: actor.workspaceId, createdById: actor.userId })
      .returning();
    const names = await memberNames(tx, actor.workspaceId, [actor.userId, assigneeId]);
    const tz = !task.dueAt ? '' : (known.timeZone ?? (await getWorkspace(tx, actor.workspaceId)).timeZone);
    const when = task.dueAt ? ` for ${formatDateTime(task.dueAt, tz)}` : '';
    const to = assigneeId ? `, assigned to ${names.get(assigneeId)}` : '';
    const by = actor.userId ? ` by ${names.get(actor.userId)}` : '';
    const verb = type === 'meeting' || type === 'demo' ? 'scheduled' : 'created';
    await recordActivity(tx, {
      workspaceId: actor.workspaceId,
      leadId: task.leadId,
      actorId: actor.userId,
      type: type === 'meeting' || type === 'demo' ? `${type}.scheduled` : 'task.created',
      text: `${typeName[type]}${lead && !input.title ? ` with ${leadLabel(lead)}` : `: ${task.title}`} ${verb}${when}${to}${by}`,
      changes: {
        dueAt: { old: null, new: task.dueAt?.toISOString() ?? null },
        assigneeId: { old: null, new: assigneeId ?? null },
      },
      subjectType: 'task',
      subjectId: task.id,
    });
    return task;
  });
}

const visibility = (actor: Actor): SQL | undefined =>
  seesAll(actor)
    ? undefined
    : or(
        eq(tasks.assigneeId, actor.userId ?? ''),
        sql`${tasks.leadId} in (select ${leads.id} from ${leads} where ${leads.workspaceId} = ${actor.workspaceId} and ${leads.assigneeId} = ${actor.userId})`,
      );

export async function getTask(db: DbOrTx, actor: Actor, id: string): Promise<Task> {
  const [row] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.workspaceId, actor.workspaceId), eq(tasks.id, id), visibility(actor)));
  if (!row) throw notFound('Task');
  return row;
}

export async function updateTask(
  db: DbOrTx,
  actor: Actor,
  id: string,
  patch: Omit<TaskInput, 'leadId'>,
  opts: { note?: string } = {},
): Promise<Task> {
  return db.transaction(async (tx) => {
    const before = await getTask(tx, actor, id);
    if (patch.assigneeId) await requireAssignee(tx, actor.workspaceId, patch.assigneeId);
    const changes = diff(before as unknown as Record<string, unknown>, patch as Record<string, unknown>, [
      'dueAt',
      'status',
      'assigneeId',
      'priority',
      'title',
      'description',
      'type',
    ]);
    if (!Object.keys(changes).length) return before;
    const completedAt = changes.status ? (patch.status === 'done' ? new Date() : null) : before.completedAt;
    const [task] = await tx
      .update(tasks)
      .set({ ...patch, completedAt })
      .where(and(eq(tasks.workspaceId, actor.workspaceId), eq(tasks.id, id)))
      .returning();
    const tz = (await getWorkspace(tx, actor.workspaceId)).timeZone;
    const names = await memberNames(tx, actor.workspaceId, [actor.userId, before.assigneeId, task.assigneeId]);
    const by = actor.userId ? ` by ${names.get(actor.userId)}` : '';
    const name = task.title;
    let type = 'task.updated';
    let text = `${name} updated${by}`;
    if (changes.status?.new === 'done') {
      type = task.type === 'meeting' || task.type === 'demo' ? `${task.type}.completed` : 'task.completed';
      text = `${name} marked done${by}`;
    } else if (changes.status?.new === 'cancelled') {
      type = task.type === 'meeting' || task.type === 'demo' ? `${task.type}.cancelled` : 'task.cancelled';
      text = `${name} cancelled${by}`;
    } else if (changes.dueAt) {
      type = task.type === 'meeting' || task.type === 'demo' ? `${task.type}.rescheduled` : 'task.rescheduled';
      const show = (v: unknown) => (v ? formatDateTime(new Date(v as string), tz) : 'no date');
      text = `${name} rescheduled from ${show(changes.dueAt.old)} to ${show(changes.dueAt.new)}${by}`;
    } else if (changes.assigneeId) {
      type = 'task.reassigned';
      text = `${name} reassigned from ${names.get(before.assigneeId ?? '') ?? 'nobody'} to ${names.get(task.assigneeId ?? '') ?? 'nobody'}${by}`;
    }
    await recordActivity(tx, {
      workspaceId: actor.workspaceId,
      leadId: task.leadId,
      actorId: actor.userId,
      type,
      text: opts.note ? `${text}. ${opts.note}` : text,
      changes,
      subjectType: 'task',
      subjectId: task.id,
    });
    return task;
  });
}

export type TaskFilters = {
  assigneeId?: string;
  leadId?: string;
  status?: TaskStatus;
  type?: TaskType;
  dueFrom?: Date;
  dueTo?: Date;
};

type DueCursor = { due: string | null; id: string };
const isDueCursor = (v: unknown): v is DueCursor =>
  typeof v === 'object' && v !== null && typeof (v as DueCursor).id === 'string';

/** Tasks by due time (soonest first; undated last), with the lead's company. */
export async function listTasks(
  db: DbOrTx,
  actor: Actor,
  filters: TaskFilters & PageParams = {},
): Promise<Page<TaskWithCompany>> {
  const limit = clampLimit(filters.limit);
  const where: (SQL | undefined)[] = [eq(tasks.workspaceId, actor.workspaceId), visibility(actor)];
  if (filters.assigneeId) where.push(eq(tasks.assigneeId, filters.assigneeId));
  if (filters.leadId) where.push(eq(tasks.leadId, filters.leadId));
  if (filters.status) where.push(eq(tasks.status, filters.status));
  if (filters.type) where.push(eq(tasks.type, filters.type));
  if (filters.dueFrom) where.push(gte(tasks.dueAt, filters.dueFrom));
  if (filters.dueTo) where.push(lte(tasks.dueAt, filters.dueTo));
  const after = decodeCursor(filters.cursor, isDueCursor);
  if (after) {
    where.push(
      after.due === null
        ? and(sql`${tasks.dueAt} is null`, gt(tasks.id, after.id))
        : or(
            gt(tasks.dueAt, new Date(after.due)),
            and(eq(tasks.dueAt, new Date(after.due)), gt(tasks.id, after.id)),
            sql`${tasks.dueAt} is null`,
          ),
    );
  }
  const rows = await db
    .select({ task: tasks, company: leads.company, contactName: leads.contactName })
    .from(tasks)
    .leftJoin(leads, eq(leads.id, tasks.leadId))
    .where(and(...where))
    .orderBy(sql`${tasks.dueAt} asc nulls last`, asc(tasks.id))
    .limit(limit + 1);
  const data = rows.map((r) => ({ ...r.task, company: r.company, contactName: r.contactName }));
  return toPage(data, limit, (t) => ({ due: t.dueAt?.toISOString() ?? null, id: t.id }));
}

/** Pending tasks due from now on (and overdue ones from the last day) for one member. */
export function listUpcomingTasks(
  db: DbOrTx,
  actor: Actor,
  assigneeId: string,
  now = new Date(),
  page: PageParams = {},
) {
  return listTasks(db, actor, {
    assigneeId,
    status: 'pending',
    dueFrom: new Date(now.getTime() - 24 * 3600_000),
    ...page,
  });
}
