// "release Orbit Textiles" / "resume bot for +91 98765 43210" / "Orbit ke liye bot chalu karo":
// a team member hands a conversation back to the customer bot after a handoff.
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Actor } from '../crm/actor.ts';
import { findLeadByPhone, findLeadsByName } from '../crm/leads.ts';
import type { Tx } from '../db/client.ts';
import { conversations } from '../db/schema/index.ts';
import { releaseHandoff } from './conversations.ts';

const patterns = [
  /^\s*(?:please\s+)?(?:release|resume|unpause|un-pause|reactivate)\s+(?:the\s+)?(?:bot\s+)?(?:for|with|of)?\s*(.+?)\s*[.!]?\s*$/i,
  /^\s*(?:bot\s+(?:on|back on|resume))\s+(?:for\s+)?(.+?)\s*[.!]?\s*$/i,
  /^\s*(.+?)\s+(?:ke liye|ka|ki)\s+bot\s+(?:chalu|on|shuru|wapas chalu)\s+(?:karo|kar do|kijiye)\s*[.!]?\s*$/i,
];

export function releaseTarget(text: string | null | undefined): string | null {
  for (const re of patterns) {
    const m = re.exec(text ?? '');
    if (m && m[1] && !/^(bot|it)$/i.test(m[1])) return m[1].trim();
  }
  return null;
}

/** Releases every handed-off conversation of the lead named (or with that phone). Null when it is not a release command. */
export async function releaseCommand(tx: Tx, actor: Actor, text: string | null | undefined): Promise<string | null> {
  const target = releaseTarget(text);
  if (!target) return null;
  const lead = (await findLeadByPhone(tx, actor, target)) ?? (await findLeadsByName(tx, actor, target, 1))[0];
  if (!lead) return `I couldn't find a lead called "${target}".`;
  const convs = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, actor.workspaceId),
        eq(conversations.leadId, lead.id),
        isNotNull(conversations.handedOffAt),
      ),
    );
  for (const c of convs) await releaseHandoff(tx, actor, c.id);
  const label = lead.company ?? lead.contactName ?? lead.phone;
  return convs.length ? `The bot is answering ${label} again.` : `The bot was not paused for ${label}.`;
}
