// The one place a lead comes into being with its consequences: every path that makes a lead — the
// API, a team member's command, "yes, create it", a customer's first message captured as a lead —
// calls addLead, so the `lead_created` sequences start for all of them, once per lead, in the
// same transaction as the lead.
import type { Actor } from '../crm/actor.ts';
import { createLead, type Lead, type LeadInput } from '../crm/leads.ts';
import { inTransaction, type DbOrTx } from '../db/client.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { enrollLead, type Enrolled } from './enroll.ts';

export type LeadCreatedDeps = { queue: JobQueue; now: () => Date };

/** Creates the lead (crm/) and raises "lead created". */
export async function addLead(
  db: DbOrTx,
  deps: LeadCreatedDeps,
  actor: Actor,
  input: LeadInput,
): Promise<{ lead: Lead; enrolled: Enrolled[] }> {
  return inTransaction(db, async (tx) => {
    const lead = await createLead(tx, actor, input);
    const enrolled = await enrollLead(tx, deps.queue, {
      workspaceId: actor.workspaceId,
      leadId: lead.id,
      assigneeId: lead.assigneeId,
      trigger: 'lead_created',
      triggerKey: `lead:${lead.id}`,
      at: deps.now(),
      actorId: actor.userId,
    });
    return { lead, enrolled };
  });
}
