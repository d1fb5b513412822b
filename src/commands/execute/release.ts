// release_bot: every handed-off conversation of the lead named (or with that phone) goes back to
// the customer bot.
import type { ReleaseBotCommand } from '../command.ts';
import { findLeadByPhone, findLeadsByName } from '../../crm/leads.ts';
import { releaseLeadConversations } from '../../conversations/inbox.ts';
import type { Tx } from '../../db/client.ts';
import { actorOf, type CommandEnv, type Outcome } from './context.ts';

export async function releaseBotCommand(tx: Tx, env: CommandEnv, cmd: ReleaseBotCommand): Promise<Outcome> {
  const actor = actorOf(env);
  const lead = (await findLeadByPhone(tx, actor, cmd.company)) ?? (await findLeadsByName(tx, actor, cmd.company, 1))[0];
  if (!lead) return { text: `I couldn't find a lead called "${cmd.company}".` };
  const released = await releaseLeadConversations(tx, env, actor, lead.id);
  const label = lead.company ?? lead.contactName ?? lead.phone;
  return { text: released ? `The bot is answering ${label} again.` : `The bot was not paused for ${label}.` };
}
