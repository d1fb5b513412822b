// nurture.remind: at a step's due time, the lead's current assignee gets on WhatsApp a short
// header (whom to forward it to), the step's exact text as its own message, then each attachment.
//
// Exactly once: one transaction locks the reminder row, checks it is still `scheduled`, queues the
// parts (replies to the assignee, in order: the outbox sends a conversation's messages in the
// order they were written) and marks the reminder `sent`. A job that runs twice, a second job from
// the sweep, or a retry after a crash finds it sent (or finds nothing committed and starts over).
import { and, desc, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { recordActivity } from '../crm/activities.ts';
import { getMember } from '../crm/members.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { leads, messageMasterSteps, nurtureEnrollments, reminders, tasks, workspaces } from '../db/schema/index.ts';
import { defineJob, type JobQueue } from '../jobs/queue.ts';
import { formatPhone } from '../lib/phone.ts';
import { queueReplies, type Reply } from '../outbound/queue.ts';
import type { OutboxDeps } from '../outbound/queue.ts';
import { formatDay, formatShort, stepLabel } from './schedule.ts';
import { completeEnrollment, stopFollowups, stopReasonOf } from './stop.ts';

export type Reminder = typeof reminders.$inferSelect;

export type NurtureDeps = {
  db: Db;
  queue: JobQueue;
  channels: OutboxDeps['channels'];
  config: Config;
  log: Logger;
  now: () => Date;
};

/** A reminder sent this long after its time says so in its header. */
export const LATE_AFTER_MS = 15 * 60_000;

type Lead = typeof leads.$inferSelect;

export type TemplateVars = { company: string; contact_name: string; assignee: string; demo_date: string };

/** Fills {company} {contact_name} {assignee} {demo_date}; unknown names stay as written. */
export function renderText(text: string, vars: TemplateVars): string {
  return text.replace(/\{(company|contact_name|assignee|demo_date)\}/g, (_, k: keyof TemplateVars) => vars[k]);
}

export function headerText(o: {
  label: string;
  lead: Pick<Lead, 'company' | 'contactName' | 'phone'>;
  attachments: number;
  late?: { dueAt: Date; timeZone: string };
}): string {
  const who = o.lead.company || o.lead.contactName || 'your lead';
  const to =
    [o.lead.contactName, o.lead.phone ? formatPhone(o.lead.phone) : null].filter(Boolean).join(', ') || 'the client';
  const files = o.attachments
    ? ` (${o.attachments} attachment${o.attachments === 1 ? '' : 's'} follow${o.attachments === 1 ? 's' : ''})`
    : '';
  const late = o.late ? `\n⏰ Sent late: this was due ${formatShort(o.late.dueAt, o.late.timeZone)}.` : '';
  return `📌 ${o.label} for ${who} — forward the next message to ${to}${files}.${late}`;
}

async function demoDate(tx: DbOrTx, lead: Lead, fallback: Date): Promise<Date> {
  const [demo] = await tx
    .select({ dueAt: tasks.dueAt })
    .from(tasks)
    .where(
      and(
        eq(tasks.workspaceId, lead.workspaceId),
        eq(tasks.leadId, lead.id),
        eq(tasks.type, 'demo'),
        eq(tasks.status, 'done'),
      ),
    )
    .orderBy(desc(tasks.dueAt))
    .limit(1);
  return demo?.dueAt ?? fallback;
}

type Outcome = 'sent' | 'cancelled' | 'failed' | 'skipped';

/** Delivers one sequence reminder if it is still due to be sent. */
export async function deliverReminder(deps: NurtureDeps, reminderId: string): Promise<Outcome> {
  return deps.db.transaction(async (tx) => {
    const [r] = await tx.select().from(reminders).where(eq(reminders.id, reminderId)).for('update');
    if (!r || r.status !== 'scheduled' || r.kind !== 'sequence' || !r.leadId || !r.enrollmentId) return 'skipped';
    const now = deps.now();
    const close = async (status: 'cancelled' | 'failed', reason: string): Promise<Outcome> => {
      await tx
        .update(reminders)
        .set({ status, reason, ...(status === 'cancelled' ? { cancelledAt: now } : {}) })
        .where(eq(reminders.id, r.id));
      await completeEnrollment(tx, r.enrollmentId!);
      return status;
    };
    const [lead] = await tx
      .select()
      .from(leads)
      .where(and(eq(leads.workspaceId, r.workspaceId), eq(leads.id, r.leadId)));
    const [enrollment] = await tx.select().from(nurtureEnrollments).where(eq(nurtureEnrollments.id, r.enrollmentId));
    if (!lead || !enrollment) return close('cancelled', 'lead_deleted');
    if (enrollment.status !== 'active') return close('cancelled', enrollment.stopReason ?? 'stopped');
    const stop = stopReasonOf(lead);
    if (stop) {
      // Won, lost or opted out since: the rest of the sequence goes too.
      await stopFollowups(tx, { workspaceId: r.workspaceId, leadId: lead.id, reason: stop, now, actorId: null });
      return 'cancelled';
    }
    if (!lead.assigneeId) return close('cancelled', 'unassigned');
    const [step] = r.stepId
      ? await tx.select().from(messageMasterSteps).where(eq(messageMasterSteps.id, r.stepId))
      : [];
    if (!step) return close('cancelled', 'step_deleted');
    const [ws] = await tx.select().from(workspaces).where(eq(workspaces.id, r.workspaceId));
    // The lead's assignee now, not at enrollment: a reassigned lead's reminders follow it.
    const assignee = await getMember(tx, r.workspaceId, lead.assigneeId);
    if (!assignee?.active) return close('failed', 'assignee_inactive');

    const late = now.getTime() - r.dueAt.getTime() > LATE_AFTER_MS;
    const label = stepLabel(step);
    const vars: TemplateVars = {
      company: lead.company || lead.contactName || 'your company',
      contact_name: lead.contactName || 'there',
      assignee: assignee.name,
      demo_date: formatDay(await demoDate(tx, lead, enrollment.triggeredAt), ws.timeZone),
    };
    const parts: Reply['payload'][] = [
      {
        type: 'text',
        text: headerText({
          label,
          lead,
          attachments: step.attachments.length,
          late: late ? { dueAt: r.dueAt, timeZone: ws.timeZone } : undefined,
        }),
      },
      { type: 'text', text: renderText(step.text, vars) },
      ...step.attachments.map((a): Reply['payload'] => ({
        type: 'media',
        mediaType: a.mediaType,
        url: a.url,
        ...(a.caption ? { caption: renderText(a.caption, vars) } : {}),
        ...(a.filename ? { filename: a.filename } : {}),
      })),
    ];
    const replies = parts.map((payload): Reply => ({ to: { member: assignee.id }, purpose: 'reminder', payload }));
    const ids = await queueReplies(tx, deps, { workspaceId: r.workspaceId, key: `reminder:${r.id}` }, replies);
    if (ids.some((id) => !id)) return close('failed', 'assignee_inactive');
    await tx
      .update(reminders)
      .set({ status: 'sent', sentAt: now, late, assigneeId: assignee.id, messageIds: ids as string[] })
      .where(eq(reminders.id, r.id));
    const moved = r.assigneeId && r.assigneeId !== assignee.id ? ' (reassigned since it was scheduled)' : '';
    await recordActivity(tx, {
      workspaceId: r.workspaceId,
      leadId: lead.id,
      actorId: null,
      type: 'reminder.sent',
      text: `${label} reminder sent to ${assignee.name}${moved}${late ? ', late' : ''}`,
      subjectType: 'user',
      subjectId: assignee.id,
    });
    await completeEnrollment(tx, r.enrollmentId!);
    return 'sent';
  });
}

async function markFailed(db: Db, reminderId: string, reason: string) {
  await db
    .update(reminders)
    .set({ status: 'failed', reason })
    .where(and(eq(reminders.id, reminderId), eq(reminders.status, 'scheduled')));
}

export const remindJob = defineJob({
  id: 'nurture.remind',
  schema: z.object({ reminderId: z.uuid(), workspaceId: z.uuid().optional() }),
  handler: async (p, deps: NurtureDeps, ctx) => {
    try {
      await deliverReminder(deps, p.reminderId);
    } catch (err) {
      // Nothing was committed; pg-boss retries. After the last attempt the reminder shows why.
      if (ctx.lastAttempt) await markFailed(deps.db, p.reminderId, 'error');
      throw err;
    }
  },
  // Queued jobs wait for their start time however far ahead (retention counts from it).
  queue: { retryLimit: 5, retryBackoff: true, retryDelay: 30, retryDelayMax: 900 },
  concurrency: 4,
});
