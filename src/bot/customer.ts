// A customer's message, answered: a new conversation gets the workspace's welcome once (with the
// customer's name when known), and every message the bot's reply (context → profile → reply).
import { and, eq, isNull } from 'drizzle-orm';
import pino, { type Logger } from 'pino';
import type { Workspace } from '../crm/workspaces.ts';
import type { Tx } from '../db/client.ts';
import { conversations, type messages } from '../db/schema/index.ts';
import type { Conversation } from '../conversations/linking.ts';
import type { Reply } from '../outbound/queue.ts';
import type { Config } from '../config.ts';
import { callName } from './names.ts';
import {
  applyCustomerReply,
  prepareCustomerReply,
  type ConversationPatch,
  type PreparedReply,
  type SurfaceInfo,
} from './respond.ts';

export const DEFAULT_WELCOME = 'Hi{name}! Thanks for messaging {business}. How can we help you today?';

export function welcomeText(workspace: Workspace, name: string | null): string {
  const s = workspace.settings as Record<string, unknown>;
  const template =
    typeof s.welcome_message === 'string' && s.welcome_message.trim() ? s.welcome_message : DEFAULT_WELCOME;
  const business = typeof s.business_name === 'string' && s.business_name ? s.business_name : workspace.name;
  const first = callName(name);
  return template
    .replace('{name}', first ? ` ${first}` : '')
    .replace('{business}', business)
    .replace(/\s+!/, '!');
}

export type CustomerTurn = {
  workspace: Workspace;
  surface: SurfaceInfo;
  config?: Config;
  conversation: Conversation;
  message: typeof messages.$inferSelect;
  now: Date;
  /** Prepared outside the transaction (context, LLM); made here with the rules when absent. */
  prepared?: PreparedReply;
  /** The customer has no CRM record from before this message (they get the welcome). */
  newCustomer: boolean;
  log?: Logger;
  /** The router's batch: the conversation's updates (welcome guard, bot state) are collected, one statement a round. */
  defer?: (patch: ConversationPatch) => void;
  memo?: Map<string, Promise<unknown>>;
};

export async function customerReplies(tx: Tx, t: CustomerTurn): Promise<Reply[]> {
  // Welcome once per new conversation: the conditional update is the guard, also against a job
  // that runs twice. A known customer gets a personal reply instead of the generic welcome.
  const isNewConversation = !t.conversation.welcomedAt;
  // Deferred (the batch): `welcomed_at` is set where still null, in the round's one update; the
  // conversation's row is locked by the batch and the message checked unrouted under that lock.
  const defer = t.defer;
  if (isNewConversation && !defer)
    await tx
      .update(conversations)
      .set({ welcomedAt: t.now })
      .where(and(eq(conversations.id, t.conversation.id), isNull(conversations.welcomedAt)));
  const prepared =
    t.prepared ??
    (await prepareCustomerReply(
      { db: tx, log: t.log ?? silent, now: () => t.now, config: t.config },
      t.workspace,
      t.conversation,
      t.message,
      t.surface,
    ));
  const welcome =
    isNewConversation && t.newCustomer
      ? welcomeText(t.workspace, t.conversation.contactName ?? prepared.extraction.facts.name ?? null)
      : null;
  return applyCustomerReply(
    tx,
    {
      workspace: t.workspace,
      conversation: t.conversation,
      message: t.message,
      now: t.now,
      welcome,
      memo: t.memo,
      defer: defer && ((p) => defer(isNewConversation ? { ...p, welcomedAt: t.now } : p)),
    },
    prepared,
  );
}

const silent = pino({ level: 'silent' });
