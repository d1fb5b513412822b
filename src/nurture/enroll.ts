// Enrolling a lead in the sequences of a trigger, and stopping them. Enrolling schedules one
// reminder row and one delayed job (`nurture.remind`) per step, in the caller's transaction: the
// reminders exist exactly when the command or request that made them committed.
import { and, asc, eq } from 'drizzle-orm';
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
import { remindJob } from './remind.ts';
import {
  businessHoursOf,
  DEFAULT_SEND_TIME,
  formatShort,
  reminderSettingsOf,
  stepDueAt,
  stepLabel,
} from './schedule.ts';

export { stepLabel } from './schedule.ts';

export type Enrollment = typeof nurtureEnrollments.$inferSelect;
import type { Reminder } from './remind.ts';

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
      await queue.enqueue(remindJob, tx, { reminderId: r.id, workspaceId: r.workspaceId }, { startAfter: r.dueAt });
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
