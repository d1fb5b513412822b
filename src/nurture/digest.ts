// nurture.digest: each team member's morning summary for one local day — today's tasks, overdue
// follow-ups and the follow-up messages due today. Members with nothing on get nothing. The
// dedupe key (member, day) makes a retried or repeated job queue each digest once.
import { and, asc, count, eq, gte, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db/client.ts';
import { leads, messageMasterSteps, reminders, tasks, users, workspaces } from '../db/schema/index.ts';
import { defineJob } from '../jobs/queue.ts';
import { memberNotices, queueReplies } from '../outbound/queue.ts';
import type { NurtureDeps } from './remind.ts';
import { formatDay, formatTime, localDayBounds, stepLabel } from './schedule.ts';

const MAX_LINES = 10;
const typeName: Record<string, string> = {
  meeting: 'Meeting',
  demo: 'Demo',
  follow_up: 'Follow-up',
  call: 'Call',
  other: 'Task',
};

type Line = { at: Date | null; text: string };

const oneLine = (t: string) => {
  const s = t.replace(/\s+/g, ' ').trim();
  return s.length > 160 ? `${s.slice(0, 159)}…` : s;
};

async function memberDay(tx: DbOrTx, workspaceId: string, memberId: string, start: Date, end: Date) {
  const taskCols = {
    type: tasks.type,
    title: tasks.title,
    dueAt: tasks.dueAt,
    company: leads.company,
    contactName: leads.contactName,
  };
  const mine = and(eq(tasks.workspaceId, workspaceId), eq(tasks.assigneeId, memberId), eq(tasks.status, 'pending'));
  const today = await tx
    .select(taskCols)
    .from(tasks)
    .leftJoin(leads, eq(leads.id, tasks.leadId))
    .where(and(mine, gte(tasks.dueAt, start), lt(tasks.dueAt, end)))
    .orderBy(asc(tasks.dueAt))
    .limit(MAX_LINES);
  const overdue = await tx
    .select(taskCols)
    .from(tasks)
    .leftJoin(leads, eq(leads.id, tasks.leadId))
    .where(and(mine, lt(tasks.dueAt, start)))
    .orderBy(asc(tasks.dueAt))
    .limit(MAX_LINES);
  const [{ n: overdueCount }] = await tx
    .select({ n: count() })
    .from(tasks)
    .where(and(mine, lt(tasks.dueAt, start)));
  const due = await tx
    .select({
      dueAt: reminders.dueAt,
      title: messageMasterSteps.title,
      delayDays: messageMasterSteps.delayDays,
      delayHours: messageMasterSteps.delayHours,
      company: leads.company,
      contactName: leads.contactName,
    })
    .from(reminders)
    .innerJoin(messageMasterSteps, eq(messageMasterSteps.id, reminders.stepId))
    .innerJoin(leads, eq(leads.id, reminders.leadId))
    .where(
      and(
        eq(reminders.workspaceId, workspaceId),
        eq(reminders.status, 'scheduled'),
        eq(leads.assigneeId, memberId),
        gte(reminders.dueAt, start),
        lt(reminders.dueAt, end),
      ),
    )
    .orderBy(asc(reminders.dueAt))
    .limit(MAX_LINES);
  return { today, overdue, overdueCount: Number(overdueCount), due };
}

/** The digest text, or null when the member has nothing today. */
export async function buildDigest(
  tx: DbOrTx,
  o: { workspaceId: string; member: { id: string; name: string }; date: string; timeZone: string },
): Promise<string | null> {
  const [y, m, d] = o.date.split('-').map(Number);
  const { start, end } = localDayBounds({ year: y, month: m, day: d }, o.timeZone);
  const day = await memberDay(tx, o.workspaceId, o.member.id, start, end);
  // Notices that could not reach the member (their window was closed) open the digest.
  const held = (await memberNotices(tx, o.workspaceId, o.member.id, { held: true, limit: 200 })).reverse();
  if (!held.length && !day.today.length && !day.overdue.length && !day.due.length) return null;
  const tz = o.timeZone;
  const who = (r: { company: string | null; contactName: string | null }) => r.company || r.contactName;
  const taskLine = (t: (typeof day.today)[number]): string =>
    t.title || `${typeName[t.type]}${who(t) ? ` with ${who(t)}` : ''}`;
  const section = (title: string, lines: Line[], more = 0) =>
    lines.length
      ? [title, ...lines.map((l) => `• ${l.text}`), ...(more > 0 ? [`• …and ${more} more`] : [])].join('\n')
      : null;
  const weekday = new Intl.DateTimeFormat('en-IN', {
    timeZone: tz,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(start);
  const parts = [
    `☀️ ${o.member.name.split(/\s+/)[0]}, your day (${weekday}):`,
    section(
      '📭 Not delivered yet',
      held.slice(0, MAX_LINES).map((n) => ({ at: n.createdAt, text: oneLine(n.text ?? '') })),
      held.length - MAX_LINES,
    ),
    section(
      '📅 Today',
      day.today.map((t) => ({ at: t.dueAt, text: `${t.dueAt ? formatTime(t.dueAt, tz) + ' ' : ''}${taskLine(t)}` })),
    ),
    section(
      '⚠️ Overdue',
      day.overdue.map((t) => ({ at: t.dueAt, text: `${taskLine(t)} (due ${t.dueAt ? formatDay(t.dueAt, tz) : '?'})` })),
      day.overdueCount - day.overdue.length,
    ),
    section(
      '📬 Follow-up messages due today',
      day.due.map((r) => ({
        at: r.dueAt,
        text: `${formatTime(r.dueAt, tz)} ${stepLabel(r)} for ${who(r) ?? 'a lead'}`,
      })),
    ),
  ];
  return parts.filter(Boolean).join('\n\n');
}

export async function sendDigests(deps: NurtureDeps, workspaceId: string, date: string): Promise<number> {
  const [ws] = await deps.db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!ws) return 0;
  const members = await deps.db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.active, true)));
  let sent = 0;
  let failed: unknown = null;
  for (const member of members) {
    try {
      await deps.db.transaction(async (tx) => {
        const text = await buildDigest(tx, { workspaceId, member, date, timeZone: ws.timeZone });
        if (!text) return;
        const [id] = await queueReplies(tx, deps, { workspaceId, key: `digest:${date}` }, [
          { to: { member: member.id }, purpose: 'digest', text },
        ]);
        if (id) sent++;
      });
    } catch (err) {
      deps.log.error({ err, memberId: member.id }, 'digest failed');
      failed = err;
    }
  }
  // The others are queued (and deduplicated): a retry only redoes the ones that failed.
  if (failed) throw failed;
  return sent;
}

export const digestJob = defineJob({
  id: 'nurture.digest',
  schema: z.object({ workspaceId: z.uuid(), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  handler: async (p, deps: NurtureDeps) => {
    await sendDigests(deps, p.workspaceId, p.date);
  },
  queue: { retryLimit: 3, retryBackoff: true, retryDelay: 30 },
});
