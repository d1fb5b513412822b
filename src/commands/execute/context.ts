// What a command handler gets and gives back, and the conversation memory between two messages:
// a question the bot asked ("which Nimbus?", "what time?", "the missing details?") waits in
// `conversation.state.pending` until the member answers it or it times out.
import { eq } from 'drizzle-orm';
import type { Command } from '../command.ts';
import type { Actor } from '../../crm/actor.ts';
import type { Workspace } from '../../crm/workspaces.ts';
import type { Tx } from '../../db/client.ts';
import { conversations, type users } from '../../db/schema/index.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import type { Conversation } from '../../conversations/linking.ts';
import type { OutboxDeps, Reply } from '../../outbound/queue.ts';
import type { Lang } from '../../lib/language.ts';

/** Everything a command runs with: who sent it, where, and when. */
export type CommandEnv = {
  workspace: Workspace;
  member: typeof users.$inferSelect;
  conversation: Conversation;
  message: { id: string; text: string | null };
  /** For jobs a command schedules (follow-up reminders). */
  queue: JobQueue;
  channels: OutboxDeps['channels'];
  now: Date;
  /** Notifications to other members the command produced; returned with its reply. */
  notices: Reply[];
};

export const actorOf = (env: CommandEnv): Actor => ({
  workspaceId: env.workspace.id,
  userId: env.member.id,
  role: env.member.role,
});

/** Values an earlier answer already settled, so a re-run command does not ask again. */
export type Resolved = {
  leadId?: string;
  memberId?: string;
  /** The member said yes to the echoed command (a past time, someone else's lead). */
  confirmed?: boolean;
  /** The member chose to add another meeting (demo) beside the upcoming one. */
  another?: boolean;
};

/** A question waiting for the member's next message. */
export type Pending =
  | { kind: 'details'; leadId: string; company: string; lang: Lang; askedAt: string }
  | {
      kind: 'lead';
      options: { id: string; label: string }[];
      command: Command;
      resolved: Resolved;
      lang: Lang;
      askedAt: string;
    }
  | { kind: 'create'; company: string; command: Command; lang: Lang; askedAt: string }
  | { kind: 'time'; command: Command; resolved: Resolved; lang: Lang; askedAt: string }
  | { kind: 'assignee'; command: Command; resolved: Resolved; lang: Lang; askedAt: string }
  /** "… ? 1 yes / 2 no" (one step) or "1 move it / 2 add another" (a step per number). */
  | { kind: 'choice'; steps: { command: Command; resolved: Resolved }[]; lang: Lang; askedAt: string };

/** A handler's answer: the reply text and, when it asked something, what to remember (null forgets). */
export type Outcome = { text: string; pending?: Pending | null };

/** Details may come hours later (after a call); the other questions are answered right away. */
const TTL_MS: Record<Pending['kind'], number> = {
  details: 12 * 3600_000,
  lead: 3600_000,
  create: 3600_000,
  time: 3600_000,
  assignee: 3600_000,
  choice: 3600_000,
};

export function readPending(env: CommandEnv): Pending | undefined {
  const p = (env.conversation.state as { pending?: Pending } | null)?.pending;
  if (!p || typeof p !== 'object' || !p.kind || !p.askedAt) return undefined;
  const age = env.now.getTime() - new Date(p.askedAt).getTime();
  return age >= 0 && age <= TTL_MS[p.kind] ? p : undefined;
}

/** Stores (or, with null, clears) the pending question; other keys of the state are left alone. */
export async function writePending(tx: Tx, env: CommandEnv, pending: Pending | null): Promise<void> {
  const { pending: _old, ...rest } = (env.conversation.state ?? {}) as Record<string, unknown>;
  const state = pending ? { ...rest, pending } : rest;
  await tx.update(conversations).set({ state }).where(eq(conversations.id, env.conversation.id));
  env.conversation = { ...env.conversation, state };
}

const YES_NO = { en: '1 yes / 2 no', hinglish: '1 haan / 2 nahi', hi: '1 हाँ / 2 नहीं' } as const;

/** Echoes a risky command as one line to confirm; nothing changes until "1" (or "yes"). */
export function confirmFirst(
  env: CommandEnv,
  lang: Lang,
  question: string,
  command: Command,
  resolved: Resolved,
): Outcome {
  return {
    text: `${question} ${YES_NO[lang]}`,
    pending: {
      kind: 'choice',
      steps: [{ command, resolved: { ...resolved, confirmed: true } }],
      lang,
      askedAt: env.now.toISOString(),
    },
  };
}
