// What Parley answers, until the command interpreter (team) and the customer bot land: team
// members get the command help text; a new customer conversation gets the workspace's welcome
// message once, with the customer's name when known.
import { and, eq, isNull } from 'drizzle-orm';
import type { OutboundPayload } from '../channels/channel.ts';
import type { Workspace } from '../crm/workspaces.ts';
import type { Tx } from '../db/client.ts';
import { conversations, messages, users } from '../db/schema/index.ts';
import type { Conversation } from './linking.ts';
import { releaseCommand } from './release-command.ts';
import pino, { type Logger } from 'pino';
import { applyCustomerReply, prepareCustomerReply, type PreparedReply } from '../bot/respond.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { executeCommand } from '../commands/execute.ts';
import { rulesInterpreter, type Interpretation } from '../commands/interpret/index.ts';

export type Reply = {
  text: string;
  payload?: Exclude<OutboundPayload, { type: 'mark_read' }>;
  purpose?: string;
  dedupe?: string;
  meta?: Record<string, unknown>;
};

export type ReplyContext = {
  workspace: Workspace;
  conversation: Conversation;
  message: typeof messages.$inferSelect;
  member?: typeof users.$inferSelect;
  now: Date;
  /** For notifications to other team members (outbound/notify). */
  queue: JobQueue;
  /** A team member's message, already interpreted (outside the transaction: an LLM may be slow). */
  interpreted?: Interpretation;
  /** A customer's reply, already prepared outside the transaction (context, LLM). */
  prepared?: PreparedReply;
  log?: Logger;
  /** The customer has no CRM record from before this message (they get the welcome). */
  newCustomer?: boolean;
};

export const DEFAULT_WELCOME = 'Hi{name}! Thanks for messaging {business}. How can we help you today?';

export function helpText(name?: string): string {
  return [
    `Hi${name ? ` ${name.split(' ')[0]}` : ''}! Tell me what to do, in English, Hindi or Hinglish. For example:`,
    '• New lead: Orbit Textiles, Kavita Rao, 98450 12345, Trade fair, Sunil',
    '• Lead qualified for Orbit Textiles',
    '• Schedule meeting with Orbit Textiles tomorrow 3pm assigned to Amit',
    '• Schedule demo for Nimbus Labs on 14/3 at 11am',
    '• Meeting done for Orbit Textiles. They were very interested.',
    '• Add activity for Orbit Textiles, called the client',
    '• Reassign Orbit Textiles to Rekha',
    '• My leads · Aaj ke tasks · History of Orbit Textiles',
  ].join('\n');
}

/** A team member's message: the command (interpreted before the transaction, or by the rules now) runs as them. */
export async function teamReplies(tx: Tx, ctx: ReplyContext): Promise<Reply[]> {
  if (!ctx.member) return [{ text: helpText() }];
  const released = await releaseCommand(
    tx,
    { workspaceId: ctx.workspace.id, userId: ctx.member.id, role: ctx.member.role },
    ctx.message.text,
  );
  if (released) return [{ text: released }];
  const interpreted =
    ctx.interpreted ??
    (await rulesInterpreter(ctx.message.text ?? '', { now: ctx.now, timeZone: ctx.workspace.timeZone }));
  const env = {
    workspace: ctx.workspace,
    member: ctx.member,
    conversation: ctx.conversation,
    message: ctx.message,
    queue: ctx.queue,
    now: ctx.now,
  };
  return executeCommand(tx, env, interpreted.command);
}

export function welcomeText(workspace: Workspace, name: string | null): string {
  const s = workspace.settings as Record<string, unknown>;
  const template =
    typeof s.welcome_message === 'string' && s.welcome_message.trim() ? s.welcome_message : DEFAULT_WELCOME;
  const business = typeof s.business_name === 'string' && s.business_name ? s.business_name : workspace.name;
  const first = name?.trim().split(/\s+/)[0];
  return template
    .replace('{name}', first ? ` ${first}` : '')
    .replace('{business}', business)
    .replace(/\s+!/, '!');
}

export async function customerReplies(tx: Tx, ctx: ReplyContext): Promise<Reply[]> {
  // Welcome once per new conversation: the conditional update is the guard, also against a job
  // that runs twice. A known customer gets a personal reply instead of the generic welcome.
  const isNewConversation = !ctx.conversation.welcomedAt;
  if (isNewConversation)
    await tx
      .update(conversations)
      .set({ welcomedAt: ctx.now })
      .where(and(eq(conversations.id, ctx.conversation.id), isNull(conversations.welcomedAt)));
  const prepared =
    ctx.prepared ??
    (await prepareCustomerReply(
      { db: tx, log: ctx.log ?? silent, now: () => ctx.now },
      ctx.workspace,
      ctx.conversation,
      ctx.message,
    ));
  const welcome =
    isNewConversation && ctx.newCustomer
      ? welcomeText(ctx.workspace, ctx.conversation.contactName ?? prepared.extraction.facts.name ?? null)
      : null;
  return applyCustomerReply(
    tx,
    {
      workspace: ctx.workspace,
      conversation: ctx.conversation,
      message: ctx.message,
      queue: ctx.queue,
      now: ctx.now,
      welcome,
    },
    prepared,
  );
}

const silent = pino({ level: 'silent' });
