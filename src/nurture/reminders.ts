// A lead's reminders as people see and manage them (the API): list, cancel one, stop the
// sequences, enroll by hand. Whoever may see the lead may do these.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Actor } from '../crm/actor.ts';
import { recordActivity } from '../crm/activities.ts';
import { getLead } from '../crm/leads.ts';
import type { Db } from '../db/client.ts';
import { messageMaster, messageMasterSteps, messages, nurtureEnrollments, reminders } from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { badRequest, conflict, notFound } from '../lib/errors.ts';
import { enrollLead, type Enrolled } from './enroll.ts';
import type { Reminder } from './remind.ts';
import { stepLabel } from './schedule.ts';
import { completeEnrollment, stopFollowups } from './stop.ts';

export type ReminderView = Reminder & {
  label: string;
  sequenceId: string | null;
  sequenceName: string | null;
  /** The outbox rows it produced, with their delivery status. */
  deliveries: { id: string; status: string; failReason: string | null }[];
};

export async function listLeadReminders(db: Db, actor: Actor, leadId: string): Promise<ReminderView[]> {
  const lead = await getLead(db, actor, leadId);
  const rows = await db
    .select({ r: reminders, step: messageMasterSteps, sequenceId: messageMaster.id, sequenceName: messageMaster.name })
    .from(reminders)
    .leftJoin(messageMasterSteps, eq(messageMasterSteps.id, reminders.stepId))
    .leftJoin(nurtureEnrollments, eq(nurtureEnrollments.id, reminders.enrollmentId))
    .leftJoin(messageMaster, eq(messageMaster.id, nurtureEnrollments.sequenceId))
    .where(and(eq(reminders.workspaceId, actor.workspaceId), eq(reminders.leadId, leadId)))
    .orderBy(asc(reminders.dueAt), asc(reminders.id));
  const ids = rows.flatMap((x) => x.r.messageIds);
  const sent = ids.length
    ? await db
        .select({ id: messages.id, status: messages.status, failReason: messages.failReason })
        .from(messages)
        .where(and(eq(messages.workspaceId, actor.workspaceId), inArray(messages.id, ids)))
    : [];
  return rows.map(({ r, step, sequenceId, sequenceName }) => ({
    ...r,
    // Pending reminders go to whoever has the lead when they fire.
    assigneeId: r.status === 'scheduled' ? lead.assigneeId : r.assigneeId,
    label: step ? stepLabel(step) : r.kind === 'task' ? 'Meeting reminder' : 'Follow-up',
    sequenceId,
    sequenceName,
    deliveries: r.messageIds.map((id) => sent.find((m) => m.id === id)).filter((m) => m !== undefined),
  }));
}

export async function cancelReminder(db: Db, actor: Actor, reminderId: string, now: Date): Promise<void> {
  const [r] = await db
    .select()
    .from(reminders)
    .where(and(eq(reminders.workspaceId, actor.workspaceId), eq(reminders.id, reminderId)));
  if (!r || !r.leadId) throw notFound('Reminder');
  await getLead(db, actor, r.leadId);
  if (r.status !== 'scheduled') throw conflict(`This reminder is already ${r.status}`);
  await db.transaction(async (tx) => {
    const [done] = await tx
      .update(reminders)
      .set({ status: 'cancelled', cancelledAt: now, reason: 'cancelled' })
      .where(and(eq(reminders.id, r.id), eq(reminders.status, 'scheduled')))
      .returning();
    if (!done) throw conflict('This reminder was just sent or cancelled');
    if (r.enrollmentId) await completeEnrollment(tx, r.enrollmentId);
    await recordActivity(tx, {
      workspaceId: actor.workspaceId,
      leadId: r.leadId,
      actorId: actor.userId,
      type: 'reminder.cancelled',
      text: 'A follow-up reminder was cancelled',
    });
  });
}

/** Stops the lead's sequences (or one); returns how many pending reminders were cancelled. */
export async function stopLeadFollowups(
  db: Db,
  actor: Actor,
  leadId: string,
  now: Date,
  enrollmentId?: string,
): Promise<number> {
  await getLead(db, actor, leadId);
  return db.transaction((tx) =>
    stopFollowups(tx, {
      workspaceId: actor.workspaceId,
      leadId,
      reason: 'stopped',
      now,
      actorId: actor.userId,
      enrollmentId,
    }),
  );
}

/** Starts a sequence for a lead by hand (any trigger's sequence; it must be active). */
export async function enrollManually(
  db: Db,
  queue: JobQueue,
  actor: Actor,
  leadId: string,
  sequenceId: string,
  now: Date,
  requestKey: string,
): Promise<Enrolled> {
  const lead = await getLead(db, actor, leadId);
  // STOP is honoured: no follow-ups about a contact who asked for none, until they write START.
  if (lead.optedOutAt)
    throw conflict('This lead opted out (STOP): no follow-ups until they write START again', {
      lead_id: 'the contact opted out',
    });
  const [seq] = await db
    .select()
    .from(messageMaster)
    .where(and(eq(messageMaster.workspaceId, actor.workspaceId), eq(messageMaster.id, sequenceId)));
  if (!seq) throw badRequest('Unknown sequence', { sequence_id: 'no such sequence in this workspace' });
  if (!seq.active) throw badRequest('That sequence is switched off', { sequence_id: 'inactive sequence' });
  const [done] = await db.transaction((tx) =>
    enrollLead(tx, queue, {
      workspaceId: actor.workspaceId,
      leadId,
      assigneeId: lead.assigneeId,
      trigger: 'manual',
      triggerKey: `manual:${requestKey}`,
      at: now,
      actorId: actor.userId,
      sequenceId,
    }),
  );
  if (!done) throw conflict('The lead is already in this sequence (or it has no steps)');
  return done;
}
