// Stopping a lead's follow-ups: on request, or because the lead was won, lost or opted out; and
// closing an enrollment once nothing of it is waiting.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordActivity } from '../crm/activities.ts';
import type { DbOrTx } from '../db/client.ts';
import { nurtureEnrollments, reminders } from '../db/schema/index.ts';

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
