// The customer path: context → profile → reply. `prepareCustomerReply` runs before the routing
// transaction (it may call an LLM for seconds); `applyCustomerReply` runs inside it and stores
// profile facts, hands over to a person when needed, and returns the replies: to the customer, and
// the notices to the team (the router queues them).
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { recordActivity } from '../crm/activities.ts';
import type { Workspace } from '../crm/workspaces.ts';
import type { DbOrTx, Tx } from '../db/client.ts';
import { conversations, messages, users } from '../db/schema/index.ts';
import { formatPhone } from '../lib/phone.ts';
import type { Reply } from '../outbound/queue.ts';
import { getCustomerContext, profileOf, temperature, type CustomerContext } from './context.ts';
import { classifyCustomerMessage, isUrgent, type CustomerIntent } from './intents.ts';
import { detectLanguage, type Lang } from '../lib/language.ts';
import { acknowledgeNotes, nextQuestion } from './profile/ask.ts';
import { extractProfileFacts } from './profile/extract-rules.ts';
import type { DeclinableField, ProfileExtraction, ProfileFacts } from './profile/facts.ts';
import { storeProfileFacts } from './profile/store.ts';
import { llmReply, type LlmOptions, type Persona } from './reply-llm.ts';
import { rulesReply, type RulesReply } from './reply-rules.ts';
import { knowledgeForCustomer, type KnowledgeMeta } from '../knowledge/answer.ts';
import type { Config } from '../config.ts';

export type BotDeps = {
  db: DbOrTx;
  log: Logger;
  now: () => Date;
  fetch?: typeof fetch;
  llm?: LlmOptions | null;
  config?: Config;
};

type Conversation = typeof conversations.$inferSelect;
type Message = typeof messages.$inferSelect;

export type PreparedReply = {
  lang: Lang;
  intent: CustomerIntent;
  urgent: boolean;
  extraction: ProfileExtraction;
  ctx: CustomerContext | null;
  reply: RulesReply;
  mode: 'rules' | 'llm';
  fallback: string | null;
  latencyMs: number;
  personalized: boolean;
  /** The knowledge chunks the reply used (rules answer or LLM prompt). */
  knowledge: KnowledgeMeta | null;
};

export function personaOf(ws: Workspace): Persona {
  const s = ws.settings as Record<string, unknown>;
  const str = (k: string) => (typeof s[k] === 'string' && s[k] ? (s[k] as string) : undefined);
  return {
    business: str('business_name') ?? ws.name,
    sells: str('sells'),
    tone: str('tone'),
    languages: str('languages'),
    hours: str('business_hours'),
  };
}

const firstName = (n: string | null | undefined) => n?.trim().split(/\s+/)[0] ?? null;

/**
 * What the bot needs to know of the conversation's channel, from the registry (the router has
 * it): its family ("whatsapp" for Maytapi and Twilio too, "facebook" for Page comments) and
 * whether its account is a built-in one (the simulator stands for the workspace's WhatsApp).
 */
export type SurfaceInfo = { family: string; builtin: boolean };

export async function prepareCustomerReply(
  deps: BotDeps,
  ws: Workspace,
  conv: Conversation,
  msg: Message,
  surface: SurfaceInfo = { family: conv.channel, builtin: false },
): Promise<PreparedReply> {
  const started = Date.now();
  const text = msg.text ?? '';
  const contact = conv.contactPhone ?? conv.contactUserId ?? conv.externalId;
  let ctx: CustomerContext | null = null;
  let fallback: string | null = null;
  try {
    ctx = await getCustomerContext(deps.db, ws.id, contact);
    if (ctx?.leadId) deps.log.info({ lead: ctx.leadId, temperature: temperature(ctx) }, 'customer context loaded');
  } catch (err) {
    fallback = 'context_unavailable';
    deps.log.warn({ err }, 'customer context failed; replying without it');
  }
  const lang = detectLanguage(text);
  const intent = classifyCustomerMessage(text);
  const profile = profileOf(ctx?.facts ?? []);
  const state = conv.state as { askedFor?: DeclinableField; failedBefore?: boolean };
  const extraction = extractProfileFacts(text, { askedFor: state.askedFor, known: profile as ProfileFacts });
  const name = firstName(ctx?.name ?? (profile.name as string | undefined) ?? extraction.facts.name);
  // Use the name when the bot has not used it in its last few replies: natural, not robotic.
  const recentBot = (ctx?.recentMessages ?? []).filter((m) => m.direction === 'out').slice(-3);
  const useName = !!name && !recentBot.some((m) => m.text?.includes(name));
  const persona = personaOf(ws);
  const input = {
    ctx,
    text,
    lang,
    intent,
    business: persona.business,
    sells: persona.sells,
    useName,
    profile: { ...profile, ...(extraction.facts.name ? { name: extraction.facts.name } : {}) },
    now: deps.now(),
    timeZone: ws.timeZone,
    failedBefore: !!state.failedBefore,
  };
  const knowledge = await knowledgeForCustomer(deps, {
    workspace: ws,
    conversation: conv,
    text,
    lang,
    intent,
    email: ctx?.email,
    surface,
  });
  let reply: RulesReply = knowledge.answer ?? rulesReply(input);
  let mode: PreparedReply['mode'] = 'rules';
  // Handoffs, upset customers and data requests stay on the rules path: they must not depend on a model.
  if (deps.llm && !reply.handoff && !['human', 'upset', 'delete_data'].includes(intent)) {
    try {
      const t = await llmReply(deps.llm, { persona, ctx, lang, text, fetch: deps.fetch, knowledge: knowledge.prompt });
      reply = { ...reply, text: t, understood: true };
      mode = 'llm';
    } catch (err) {
      fallback =
        (err as Error).name === 'TimeoutError' || /abort|timeout/i.test(String((err as Error).message))
          ? 'llm_timeout'
          : 'llm_error';
      deps.log.warn({ err: (err as Error).message, fallback }, 'LLM reply failed; using the rules responder');
    }
  }
  const latencyMs = Date.now() - started;
  deps.log.info({ mode, latencyMs, fallback, intent }, 'customer reply generated');
  return {
    lang,
    intent,
    urgent: isUrgent(text),
    extraction,
    ctx,
    reply,
    mode,
    fallback,
    latencyMs,
    personalized: !!name && reply.text.includes(name),
    knowledge: knowledge.meta(mode),
  };
}

export async function applyCustomerReply(
  tx: Tx,
  env: {
    workspace: Workspace;
    conversation: Conversation;
    message: Message;
    now: Date;
    welcome: string | null;
  },
  p: PreparedReply,
): Promise<Reply[]> {
  const { conversation: conv, message: msg, workspace: ws } = env;
  const contact = conv.contactPhone ?? conv.contactUserId ?? conv.externalId;
  const stored = await storeProfileFacts(tx, {
    workspaceId: ws.id,
    leadId: conv.leadId,
    conversationId: conv.id,
    contact,
    messageId: msg.id,
    extraction: p.extraction,
    existing: p.ctx?.facts ?? [],
  });

  const parts: string[] = [];
  if (env.welcome) parts.push(env.welcome);
  if (!(env.welcome && p.intent === 'greeting')) parts.push(p.reply.text);
  const ack = acknowledgeNotes(stored.sensitive, p.lang);
  if (ack) parts.push(ack);

  const state = conv.state as { repliesSinceAsked?: number };
  const profile = profileOf([
    ...(p.ctx?.facts ?? []),
    ...Object.entries(p.extraction.facts).map(([key, value]) => ({ key, value, confidence: 1, created_at: '' })),
  ]);
  const question = stored.sensitive.length
    ? null
    : nextQuestion({
        profile,
        knownName: !!(p.ctx?.name ?? p.extraction.facts.name),
        knownEmail: !!p.ctx?.email,
        intent: p.intent,
        urgent: p.urgent,
        handoff: !!p.reply.handoff,
        lang: p.lang,
        repliesSinceAsked: state.repliesSinceAsked ?? 3,
      });
  if (question) parts.push(question.text);

  await tx
    .update(conversations)
    .set({
      state: {
        ...(conv.state as object),
        failedBefore: !p.reply.understood,
        askedFor: question?.field ?? null,
        repliesSinceAsked: question ? 0 : (state.repliesSinceAsked ?? 3) + 1,
      },
      ...(p.reply.handoff ? { handedOffAt: env.now, handoffReason: p.reply.handoff } : {}),
    })
    .where(eq(conversations.id, conv.id));

  const notices: Reply[] = [];
  if (p.reply.handoff || p.reply.notifyTeam) {
    const who = [
      p.ctx?.name ?? conv.contactName ?? 'A customer',
      conv.contactPhone ? formatPhone(conv.contactPhone) : null,
      p.ctx?.company,
    ]
      .filter(Boolean)
      .join(', ');
    const hot = p.ctx && temperature(p.ctx) === 'hot' ? ' (hot lead)' : '';
    // Care notes (health, fears, allergies…) are for owners and admins: they get the text; anyone
    // else is told one exists, and the customer's words are not quoted when they hold one.
    const notes = [
      ...(p.ctx?.facts.filter((f) => f.key === 'special_notes').map((f) => (f.value as { text: string }).text) ?? []),
      ...stored.sensitive.map((n) => n.text),
    ];
    const reason = p.reply.handoff
      ? {
          asked_for_person: 'asked to talk to a person',
          upset: 'seems upset',
          repeated_failure: "asked something the bot couldn't answer twice",
        }[p.reply.handoff]
      : p.reply.notifyTeam;
    const compose = (readsNotes: boolean) => {
      const quote =
        stored.sensitive.length && !readsNotes
          ? '(their message holds a care note and is not shown here)'
          : `"${(msg.text ?? '').slice(0, 300)}"`;
      const alerts = !notes.length
        ? ''
        : readsNotes
          ? ` Alert: ${notes.slice(0, 3).join('; ')}.`
          : ` ${CARE_NOTE_NOTICE}.`;
      return p.reply.handoff
        ? `Handoff: ${who}${hot} ${reason}: ${quote}.${alerts} The bot is paused in this conversation until someone releases it.`
        : `${who}${hot} ${reason}: ${quote}${alerts}`;
    };
    for (const member of await recipients(tx, ws.id, p.ctx?.assigneeId ?? null))
      notices.push({
        to: { member: member.id },
        text: compose(readsCareNotes(member.role)),
        purpose: p.reply.handoff ? 'handoff' : 'notification',
      });
    if (p.reply.handoff && conv.leadId) {
      await recordActivity(tx, {
        workspaceId: ws.id,
        leadId: conv.leadId,
        actorId: null,
        type: 'conversation.handed_off',
        text: `Conversation handed to the team: the customer ${reason}`,
        changes: { handedOffAt: { old: null, new: env.now.toISOString() } },
      });
    }
  }
  const meta = {
    bot: {
      mode: p.mode,
      latency_ms: p.latencyMs,
      context_hit: !!p.ctx?.leadId,
      personalized: p.personalized,
      fallback: p.fallback,
      intent: p.intent,
      lang: p.lang,
      handoff: p.reply.handoff ?? null,
    },
    ...(p.knowledge ? { knowledge: p.knowledge } : {}),
  };
  return [{ to: 'contact', text: parts.join('\n\n'), purpose: env.welcome ? 'welcome' : 'reply', meta }, ...notices];
}

/** What a member who may not read care notes is told instead of the note. */
export const CARE_NOTE_NOTICE = '⚠️ a care note was added — ask an admin or open the lead';

/** Owners and admins read care notes (the API's rule, routes/customer-context.ts). */
export const readsCareNotes = (role: string | null | undefined) => role === 'owner' || role === 'admin';

/** The lead's assignee, or the workspace's owners and admins when nobody is assigned; with their roles. */
async function recipients(
  tx: DbOrTx,
  workspaceId: string,
  assigneeId: string | null,
): Promise<{ id: string; role: string }[]> {
  if (assigneeId) {
    const [assignee] = await tx
      .select({ role: users.role })
      .from(users)
      .where(and(eq(users.id, assigneeId), eq(users.workspaceId, workspaceId)));
    return [{ id: assigneeId, role: assignee?.role ?? 'agent' }];
  }
  const rows = await tx
    .select({ id: users.id, role: users.role, active: users.active })
    .from(users)
    .where(eq(users.workspaceId, workspaceId));
  return rows
    .filter((u) => u.active && (u.role === 'owner' || u.role === 'admin'))
    .map((u) => ({ id: u.id, role: u.role }));
}
