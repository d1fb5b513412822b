// Events of the sales-team commands that later stages hook into: a demo (or meeting) marked done
// starts the lead's follow-up sequences (the "Message Master"), "stop follow-ups" stops them.
// They run inside the command's transaction: whatever they schedule commits (or rolls back) with
// the command. A returned line is added to the member's reply.
import type { Lead } from '../crm/leads.ts';
import { memberName } from '../crm/members.ts';
import type { Tx } from '../db/client.ts';
import type { NurtureTrigger } from '../db/schema/index.ts';
import { describeEnrolled, enrollLead } from '../nurture/enroll.ts';
import { stopFollowups } from '../nurture/stop.ts';
import type { CommandEnv } from './execute/context.ts';

async function startSequences(tx: Tx, env: CommandEnv, lead: Lead, trigger: NurtureTrigger): Promise<string | void> {
  const done = await enrollLead(tx, env.queue, {
    workspaceId: env.workspace.id,
    leadId: lead.id,
    assigneeId: lead.assigneeId,
    trigger,
    // Once per message: the same "demo done" routed again schedules nothing new.
    triggerKey: `message:${env.message.id}`,
    at: env.now,
    actorId: env.member.id,
  });
  if (!done.length) return;
  const who = !lead.assigneeId
    ? 'the assignee'
    : lead.assigneeId === env.member.id
      ? 'you'
      : await memberName(tx, env.workspace.id, lead.assigneeId);
  return describeEnrolled(done, env.workspace.timeZone, who);
}

/** A demo was marked done for this lead (once per "demo done" message). */
export async function onDemoDone(tx: Tx, env: CommandEnv, lead: Lead): Promise<string | void> {
  return startSequences(tx, env, lead, 'demo_done');
}

/** A meeting was marked done for this lead (once per "meeting done" message). */
export async function onMeetingDone(tx: Tx, env: CommandEnv, lead: Lead): Promise<string | void> {
  return startSequences(tx, env, lead, 'meeting_done');
}

/** The member asked to stop the follow-ups of this lead (the command records the activity). */
export async function onStopFollowups(tx: Tx, env: CommandEnv, lead: Lead): Promise<string | void> {
  const n = await stopFollowups(tx, {
    workspaceId: env.workspace.id,
    leadId: lead.id,
    reason: 'stopped',
    now: env.now,
    actorId: env.member.id,
    activity: false,
  });
  if (n) return `${n} pending follow-up reminder${n === 1 ? '' : 's'} cancelled.`;
}
