// Events of the sales-team commands that later stages hook into. The nurture sequence (the
// "Message Master") starts when a demo is marked done and stops on "stop follow-ups"; until it
// lands, these do nothing. They run inside the command's transaction: whatever they schedule
// commits (or rolls back) with the command. A returned line is added to the member's reply.
import type { Lead } from '../crm/leads.ts';
import type { Tx } from '../db/client.ts';
import type { CommandEnv } from './execute/context.ts';

/** A demo was marked done for this lead (once per "demo done" message). */
export async function onDemoDone(_tx: Tx, _env: CommandEnv, _lead: Lead): Promise<string | void> {}

/** The member asked to stop the follow-ups of this lead. */
export async function onStopFollowups(_tx: Tx, _env: CommandEnv, _lead: Lead): Promise<string | void> {}
