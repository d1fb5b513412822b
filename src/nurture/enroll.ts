// Enrolling a lead in the sequences of a trigger, and stopping them. Enrolling schedules one
// reminder row and one delayed job (`nurture.remind`) per step, in the caller's transaction: the
// reminders exist exactly when the command or request that made them committed.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import {
  messageMaster,
  messageMasterSteps,
  nurtureEnrollments,
  reminders,
  workspaces,
  type NurtureTrigger,
} from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { recordActivity } from '../crm/activities.ts';
import { businessHoursOf, DEFAULT_SEND_TIME, formatShort, reminderSettingsOf, stepDueAt } from './schedule.ts';

export type Enrollment = typeof nurtureEnrollments.$inferSelect;
export type Reminder = typeof reminders.$inferSelect;
export const REMIND_JOB = 'nurture.remind';

export type EnrollInput = {
  workspaceId: string;
  leadId: string;
  assigneeId: string | null;
  trigger: NurtureTrigger;
  /** The event: the same key never enrolls twice (a retried job, a repeated request). */
  triggerKey: string;
  at: Date;
  actorId: string | null;
  /** Only this sequence (manual enrolment); otherwise every active sequence of the trigger. */
  sequenceId?: string;
};

export type Enrolled = { enrollment: Enrollment; sequenceName: string; reminders: (Reminder & { label: string })[] };

/** Enrolls the lead in each matching active sequence it is not already running. */
export async function enrollLead(tx: DbOrTx, queue: JobQueue, input: EnrollInput): Promise<Enrolled[]> {
  const sequences = await tx
    .select()
    .from(messageMaster)
    .where(
      and(
        eq(messageMaster.workspaceId, input.workspaceId),
        eq(messageMaster.active, true),
        input.sequenceId ? eq(messageMaster.id, input.sequenceId) : eq(messageMaster.trigger, input.trigger),
      ),
    )
    .orderBy(asc(messageMaster.id));
  if (!sequences.length) return [];
  const [ws] = await tx.select().from(workspaces).where(eq(workspaces.id, input.workspaceId));
  const timing = {
    timeZone: ws.timeZone,
    defaultSendTime: reminderSettingsOf(ws.settings).send_time ?? DEFAULT_SEND_TIME,
    businessHours: businessHoursOf(ws.settings),
  };
  const out: Enrolled[] = [];
  for (const seq of sequences) {
    const steps = await tx
      .select()
      .from(messageMasterSteps)
      .where(eq(messageMasterSteps.sequenceId, seq.id))
      .orderBy(asc(messageMasterSteps.position), asc(messageMasterSteps.id));
    if (!steps.length) continue;
    // Both unique keys (this event; one active run per lead) make a repeat a no-op.
    const [enrollment] = await tx
      .insert(nurtureEnrollments)
      .values({
        workspaceId: input.workspaceId,
        sequenceId: seq.id,
        leadId: input.leadId,
        trigger: input.trigger,
        triggerKey: input.triggerKey,
        triggeredAt: input.at,
        createdById: input.actorId,
      })
      .onConflictDoNothing()
      .returning();
    if (!enrollment) continue;
    const rows = await tx
      .insert(reminders)
      .values(
        steps.map((s) => ({
          workspaceId: input.workspaceId,
          leadId: input.leadId,
          kind: 'sequence' as const,
          enrollmentId: enrollment.id,
          stepId: s.id,
          assigneeId: input.assigneeId,
          dueAt: stepDueAt(input.at, s, timing),
          enqueuedAt: input.at,
        })),
      )
      .returning();
    rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    const labelled = rows.map((r) => ({ ...r, label: stepLabel(steps.find((s) => s.id === r.stepId)!) }));
    for (const r of rows)
      await queue.send(tx, REMIND_JOB, { reminderId: r.id, workspaceId: r.workspaceId }, { startAfter: r.dueAt });
    await recordActivity(tx, {
      workspaceId: input.workspaceId,
      leadId: input.leadId,
      actorId: input.actorId,
      type: 'nurture.started',
      text: `Follow-up sequence "${seq.name}" started: ${rows.length} reminder${rows.length === 1 ? '' : 's'} scheduled`,
    });
    out.push({ enrollment, sequenceName: seq.name, reminders: labelled });
  }
  return out;
}

/** "Day 3 follow-up" from the step's title or delay. */
export function stepLabel(step: { title: string | null; delayDays: number; delayHours: number }): string {
  if (step.title) return step.title;
  if (step.delayDays > 0) return `Day ${step.delayDays} follow-up`;
  return `${step.delayHours}-hour follow-up`;
}

/** One line for the member who triggered it: what was scheduled, for whom, when. */
export function describeEnrolled(done: Enrolled[], timeZone: string, assigneeName: string): string | undefined {
  if (!done.length) return undefined;
  return done
    .map(
      (e) =>
        `📬 Follow-up sequence "${e.sequenceName}" started — reminders to ${assigneeName}: ${e.reminders.map((r) => `${r.label.replace(/ follow-up$/, '')} (${formatShort(r.dueAt, timeZone)})`).join(', ')}.`,
    )
    .join('\n');
}

/** Why a lead's follow-ups stop without anyone asking, or null while they should go on. */
export function stopReasonOf(lead: {
  status: string;
  optedOutAt: Date | null;
}): 'lead_won' | 'lead_lost' | 'opted_out' | null {
  if (lead.optedOutAt) return 'opted_out';
  if (lead.status === 'won' || lead.status === 'customer') return 'lead_won';
  if (lead.status === 'lost') return 'lead_lost';
  return null;
}

const reasonText: Record<string, string> = {
  lead_won: 'the lead was won',
  lead_lost: 'the lead was lost',
  opted_out: 'the contact opted out',
  stopped: 'follow-ups were stopped',
};

/**
 * Stops the lead's active sequences (all, or one enrollment): pending reminders are cancelled.
 * Returns how many reminders were cancelled.
 */
export async function stopFollowups(
  tx: DbOrTx,
  input: {
    workspaceId: string;
    leadId: string;
    reason: string;
    now: Date;
    actorId: string | null;
    enrollmentId?: string;
    activity?: boolean;
  },
): Promise<number> {
  const stopped = await tx
    .update(nurtureEnrollments)
    .set({ status: 'stopped', stopReason: input.reason })
    .where(
      and(
        eq(nurtureEnrollments.workspaceId, input.workspaceId),
        eq(nurtureEnrollments.leadId, input.leadId),
        eq(nurtureEnrollments.status, 'active'),
        input.enrollmentId ? eq(nurtureEnrollments.id, input.enrollmentId) : undefined,
      ),
    )
    .returning({ id: nurtureEnrollments.id });
  if (!stopped.length) return 0;
  const cancelled = await tx
    .update(reminders)
    .set({ status: 'cancelled', cancelledAt: input.now, reason: input.reason })
    .where(
      and(
        eq(reminders.workspaceId, input.workspaceId),
        inArray(
          reminders.enrollmentId,
          stopped.map((e) => e.id),
        ),
        eq(reminders.status, 'scheduled'),
      ),
    )
    .returning({ id: reminders.id });
  if (input.activity !== false) {
    await recordActivity(tx, {
      workspaceId: input.workspaceId,
      leadId: input.leadId,
      actorId: input.actorId,
      type: 'nurture.stopped',
      text: `Follow-up sequence stopped (${reasonText[input.reason] ?? input.reason}): ${cancelled.length} pending reminder${cancelled.length === 1 ? '' : 's'} cancelled`,
    });
  }
  return cancelled.length;
}

/** Marks enrollments done once none of their reminders is waiting any more. */
export async function completeEnrollment(tx: DbOrTx, enrollmentId: string): Promise<void> {
  await tx
    .update(nurtureEnrollments)
    .set({ status: 'completed' })
    .where(
      and(
        eq(nurtureEnrollments.id, enrollmentId),
        eq(nurtureEnrollments.status, 'active'),
        sql`not exists (select 1 from ${reminders} where ${reminders.enrollmentId} = ${enrollmentId} and ${reminders.status} = 'scheduled')`,
      ),
    );
}
