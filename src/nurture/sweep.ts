// nurture.sweep (every minute, and once at start) finds work and fans out; one item failing never stops the rest:
//  - meetings and demos starting within the workspace's lead time remind their assignee (the
//    reminder row, unique per task and time, is the claim; a rescheduled task gets a new one);
//  - sequence reminders whose job was lost (overdue, not queued lately) are queued again;
//  - leads won, lost or opted out stop their sequences; reassigned leads move pending reminders;
//  - each workspace's morning digest is claimed once per local day and queued (nurture.digest).
import { and, eq, inArray, isNull, lt, or, sql, type SQLWrapper } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf } from '../db/client.ts';
import { digestRuns, leads, nurtureEnrollments, reminders, workspaces } from '../db/schema/index.ts';
import { defineJob } from '../jobs/queue.ts';
import { formatPhone } from '../lib/phone.ts';
import { queueReplies } from '../outbound/queue.ts';
import { digestJob } from './digest.ts';
import { remindJob, type NurtureDeps } from './remind.ts';
import { stopFollowups, stopReasonOf } from './stop.ts';
import { formatTime, localNow, minutesOf, reminderSettingsOf } from './schedule.ts';

/** pg-boss runs a due job within seconds; one still waiting after this was lost. */
const REQUEUE_AFTER_MS = 5 * 60_000;
/** A digest not sent within this long after its time (the server was down) is skipped that day. */
const DIGEST_WINDOW_MIN = 6 * 60;
const BATCH = 200;

/** Only these workspaces (tests on a shared database); every workspace when absent. */
type Scope = string[] | undefined;
type Part = (deps: NurtureDeps, now: Date, scope: Scope) => Promise<number>;
const within = (column: SQLWrapper, scope: Scope) =>
  scope ? (scope.length ? inArray(column as never, scope) : sql`false`) : undefined;

/** Runs fn for each item, logging failures; returns how many did something (fn returned true). */
async function each<T>(
  deps: NurtureDeps,
  what: string,
  items: T[],
  fn: (item: T) => Promise<boolean>,
): Promise<number> {
  let done = 0;
  for (const item of items) {
    try {
      if (await fn(item)) done++;
    } catch (err) {
      deps.log.error({ err, what }, 'nurture sweep item failed');
    }
  }
  return done;
}

type DueTask = {
  id: string;
  workspace_id: string;
  lead_id: string | null;
  type: 'meeting' | 'demo';
  title: string;
  due_at: Date | string;
  assignee_id: string;
  remind_at: Date | string;
  time_zone: string;
  company: string | null;
  contact_name: string | null;
  phone: string | null;
};

/** Meetings and demos whose reminder time has come and that have not been reminded for this time. */
export const remindTasks: Part = async (deps, now, scope) => {
  const lead = sql`case when (w.settings #>> '{reminders,meeting_lead_minutes}') ~ '^[0-9]{1,4}$' then (w.settings #>> '{reminders,meeting_lead_minutes}')::int else ${deps.config.REMINDER_LEAD_MINUTES}::int end`;
  const due = rowsOf<DueTask>(
    await deps.db.execute(sql`
      select t.id, t.workspace_id, t.lead_id, t.type, t.title, t.due_at, t.assignee_id, x.remind_at, w.time_zone, l.company, l.contact_name, l.phone
      from tasks t
      join ${workspaces} w on w.id = t.workspace_id
      left join ${leads} l on l.id = t.lead_id
      cross join lateral (select t.due_at - make_interval(mins => ${lead}) as remind_at) x
      where t.status = 'pending' and t.type in ('meeting', 'demo') and t.assignee_id is not null
        and t.due_at > ${now.toISOString()}::timestamptz and x.remind_at <= ${now.toISOString()}::timestamptz
        and not exists (select 1 from ${reminders} r where r.task_id = t.id and r.due_at = x.remind_at)
        ${
          scope
            ? sql`and t.workspace_id in (${sql.join(
                scope.map((id) => sql`${id}::uuid`),
                sql`, `,
              )})`
            : sql``
        }
      order by t.due_at
      limit ${BATCH}`),
  );
  return each(deps, 'task reminder', due, (t) =>
    deps.db.transaction(async (tx) => {
      const dueAt = new Date(t.due_at);
      const [row] = await tx
        .insert(reminders)
        .values({
          workspaceId: t.workspace_id,
          leadId: t.lead_id,
          kind: 'task',
          taskId: t.id,
          assigneeId: t.assignee_id,
          dueAt: new Date(t.remind_at),
          status: 'sent',
          sentAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) return false;
      const minutes = Math.max(1, Math.round((dueAt.getTime() - now.getTime()) / 60_000));
      const who = [t.contact_name, t.phone ? formatPhone(t.phone) : null].filter(Boolean).join(', ');
      const text = `⏰ ${t.type === 'demo' ? 'Demo' : 'Meeting'} in ${minutes} min (${formatTime(dueAt, t.time_zone)}): ${t.title}${who ? ` — ${who}` : ''}`;
      const [id] = await queueReplies(
        tx,
        deps,
        { workspaceId: t.workspace_id, key: `task:${t.id}@${dueAt.toISOString()}` },
        [{ to: { member: t.assignee_id }, purpose: 'reminder', text }],
      );
      if (id)
        await tx
          .update(reminders)
          .set({ messageIds: [id] })
          .where(eq(reminders.id, row.id));
      else
        await tx
          .update(reminders)
          .set({ status: 'failed', reason: 'assignee_inactive' })
          .where(eq(reminders.id, row.id));
      return true;
    }),
  );
};

/** Sequence reminders past due whose job never ran (lost with a wiped queue, failed, expired). */
export const requeueOverdue: Part = async (deps, now, scope) => {
  const overdue = new Date(now.getTime() - REQUEUE_AFTER_MS);
  const rows = await deps.db
    .select({ id: reminders.id, workspaceId: reminders.workspaceId })
    .from(reminders)
    .where(
      and(
        eq(reminders.status, 'scheduled'),
        eq(reminders.kind, 'sequence'),
        lt(reminders.dueAt, overdue),
        or(isNull(reminders.enqueuedAt), lt(reminders.enqueuedAt, overdue)),
        within(reminders.workspaceId, scope),
      ),
    )
    .limit(BATCH);
  return each(deps, 'requeue reminder', rows, (r) =>
    deps.db.transaction(async (tx) => {
      await tx.update(reminders).set({ enqueuedAt: now }).where(eq(reminders.id, r.id));
      await deps.queue.enqueue(remindJob, tx, { reminderId: r.id, workspaceId: r.workspaceId });
      return true;
    }),
  );
};

/** Won, lost or opted-out leads stop their sequences; pending reminders follow a reassigned lead. */
export const syncLeadChanges: Part = async (deps, now, scope) => {
  const ended = await deps.db
    .select({
      workspaceId: nurtureEnrollments.workspaceId,
      leadId: leads.id,
      status: leads.status,
      optedOutAt: leads.optedOutAt,
    })
    .from(nurtureEnrollments)
    .innerJoin(leads, eq(leads.id, nurtureEnrollments.leadId))
    .where(
      and(
        eq(nurtureEnrollments.status, 'active'),
        or(inArray(leads.status, ['won', 'lost', 'customer']), sql`${leads.optedOutAt} is not null`),
        within(nurtureEnrollments.workspaceId, scope),
      ),
    )
    .limit(BATCH);
  const stopped = await each(deps, 'stop sequence', ended, (e) =>
    deps.db.transaction(
      async (tx) =>
        (await stopFollowups(tx, {
          workspaceId: e.workspaceId,
          leadId: e.leadId,
          reason: stopReasonOf(e)!,
          now,
          actorId: null,
        })) >= 0,
    ),
  );
  await deps.db.execute(sql`
    update ${reminders} r set assignee_id = l.assignee_id, updated_at = now()
    from ${leads} l
    where r.lead_id = l.id and r.workspace_id = l.workspace_id and r.status = 'scheduled' and r.kind = 'sequence'
      and l.assignee_id is not null and r.assignee_id is distinct from l.assignee_id
      ${
        scope
          ? sql`and r.workspace_id in (${sql.join(
              scope.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})`
          : sql``
      }`);
  return stopped;
};

/** Claims today's digest of each workspace whose digest time has come and queues it. */
export const queueDigests: Part = async (deps, now, scope) => {
  const all = await deps.db
    .select({ id: workspaces.id, timeZone: workspaces.timeZone, settings: workspaces.settings })
    .from(workspaces)
    .where(within(workspaces.id, scope));
  const due = all.flatMap((w) => {
    const at = reminderSettingsOf(w.settings).digest_time ?? deps.config.DIGEST_TIME;
    if (at === 'off') return [];
    const local = localNow(now, w.timeZone);
    const since = local.minutes - minutesOf(at);
    return since >= 0 && since < DIGEST_WINDOW_MIN ? [{ workspaceId: w.id, date: local.date }] : [];
  });
  return each(deps, 'queue digest', due, (d) =>
    deps.db.transaction(async (tx) => {
      const [claimed] = await tx
        .insert(digestRuns)
        .values({ workspaceId: d.workspaceId, localDate: d.date })
        .onConflictDoNothing()
        .returning();
      if (claimed) await deps.queue.enqueue(digestJob, tx, d);
      return !!claimed;
    }),
  );
};

export async function sweepNurture(
  deps: NurtureDeps,
  opts: { workspaceIds?: string[] } = {},
): Promise<Record<string, number>> {
  const now = deps.now();
  const out: Record<string, number> = {};
  const parts: [string, Part][] = [
    ['taskReminders', remindTasks],
    ['requeued', requeueOverdue],
    ['stopped', syncLeadChanges],
    ['digests', queueDigests],
  ];
  for (const [name, part] of parts) {
    try {
      out[name] = await part(deps, now, opts.workspaceIds);
    } catch (err) {
      deps.log.error({ err, part: name }, 'nurture sweep failed');
      out[name] = -1;
    }
  }
  return out;
}

export const nurtureSweepJob = defineJob({
  id: 'nurture.sweep',
  schema: z.object({}).loose(),
  handler: async (_p, deps: NurtureDeps) => {
    await sweepNurture(deps);
  },
  cron: '* * * * *',
  runOnStart: true,
  queue: { retryLimit: 0 },
});
