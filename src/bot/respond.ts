// The customer path: context → profile → reply. `prepareCustomerReply` runs before the routing
// transaction (it may call an LLM for seconds); `applyCustomerReply` runs inside it and stores
// profile facts, hands over to a person when needed, and returns the replies: to the customer, and
// the notices to the team (the router queues them).
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { recordActivity } from '../crm/activities.ts';
import { systemActor } from '../crm/actor.ts';
import { createTask } from '../crm/tasks.ts';
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
import { expectationLine } from './handoff.ts';
import { callName, capitalize, withoutGreeting } from './names.ts';
import {
  answerDialogue,
  answerSlot,
  callBack,
  profileAck,
  readDialogue,
  type BotAction,
  type Dialogue,
} from './dialogue.ts';
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
  /** The customer context, when the caller looked it up already (the router's batch does, set-based). */
  context?: CustomerContext | null;
  /** false: the caller knows the workspace has no active knowledge sources (the batch looks once). */
  knowledgeSources?: boolean;
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
  /** What the answer to the bot's own question makes happen (a call requested, a demo booked). */
  action?: BotAction;
  /** The question this reply leaves open (stored as the dialogue state), or null. */
  dialogue: Dialogue | null;
  /** No bot reply in this conversation yet. */
  firstReply?: boolean;
  /** The customer is in a hurry: no profiling question. */
  hurried?: boolean;
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

const firstName = callName;

/** In a hurry: never the moment for a profiling question. */
const HURRIED =
  /\b(quick(ly)?|hurry|busy|asap|urgent(ly)?|no time|short on time|right now|fast|jaldi|turant)\b|जल्दी|तुरंत|अभी के अभी/i;
/** The bot greets once: not again within this long of its last reply. */
const GREET_AGAIN_MS = 6 * 3600_000;

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
    ctx = deps.context !== undefined ? deps.context : await getCustomerContext(deps.db, ws.id, contact);
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
  const lastBotAt = recentBot.length ? Math.max(...recentBot.map((m) => new Date(m.at).getTime())) : null;
  const greet = lastBotAt === null || deps.now().getTime() - lastBotAt > GREET_AGAIN_MS;
  const persona = personaOf(ws);
  const benefitsSetting = (ws.settings as Record<string, unknown>).benefits;
  const benefits = Array.isArray(benefitsSetting)
    ? benefitsSetting.filter((b): b is string => typeof b === 'string' && !!b.trim())
    : typeof benefitsSetting === 'string' && benefitsSetting.trim()
      ? [benefitsSetting.trim()]
      : undefined;
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
    greet,
    benefits,
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
  // An answer to the bot's own question (a call, a day and time, a profile detail) comes first.
  const now = deps.now();
  const asked = readDialogue(conv.state, now);
  const answerInput = {
    text,
    lang,
    now,
    timeZone: ws.timeZone,
    who: ctx?.assigneeId ? firstName(ctx.assigneeName) : null,
  };
  const handled = ['human', 'upset', 'delete_data', 'callback'].includes(intent);
  let answered = asked && !handled ? answerDialogue(asked, answerInput) : null;
  if (intent === 'callback') answered = callBack(answerInput);
  const booked = ctx?.tasks.some((t) => (t.type === 'demo' || t.type === 'meeting') && t.due_date);
  if (!answered && intent === 'demo' && !booked) answered = answerSlot(slotKind(text), answerInput, false);
  if (!answered && !handled && state.askedFor) {
    const ack = profileAck(state.askedFor, extraction.facts, lang);
    if (ack) answered = { reply: { text: ack, understood: true } };
  }
  // A message that only tells about the customer ("मुझे सुबह का समय ठीक रहता है", "scared of
  // needles") is acknowledged, not met with "I may not be able to answer that".
  if (!answered && intent === 'other') {
    const keys = Object.keys(extraction.facts).filter((k) => k !== 'special_notes' && k !== 'declined');
    const ack = keys.map((k) => profileAck(k, extraction.facts, lang)).find(Boolean);
    if (ack || extraction.facts.special_notes?.length) answered = { reply: { text: ack ?? '', understood: true } };
  }
  let reply: RulesReply = answered?.reply ?? knowledge.answer ?? rulesReply(input);
  let mode: PreparedReply['mode'] = 'rules';
  // Handoffs, upset customers, data requests and answers that act stay on the rules path: they
  // must not depend on a model.
  if (deps.llm && !answered && !reply.handoff && !handled) {
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
    action: answered?.action,
    firstReply: recentBot.length === 0,
    hurried: isUrgent(text) || HURRIED.test(text),
    dialogue:
      answered?.keep && asked
        ? asked
        : answered?.keep
          ? { asked: 'slot', kind: slotKind(text), askedAt: now.toISOString() }
          : mode === 'rules' && reply.asks
            ? reply.asks === 'call'
              ? { asked: 'call', askedAt: now.toISOString() }
              : { asked: 'slot', kind: reply.asks.slot, askedAt: now.toISOString() }
            : null,
  };
}

const slotKind = (text: string): 'demo' | 'meeting' =>
  /\b(meeting|appointment|visit|milna|mil sakte)\b|मीटिंग|अपॉइंटमेंट/i.test(text) ? 'meeting' : 'demo';

export async function applyCustomerReply(
  tx: Tx,
  env: {
    workspace: Workspace;
    conversation: Conversation;
    message: Message;
    now: Date;
    welcome: string | null;
    /** The router's batch: the conversation's update is handed over (one statement for the round), not run here. */
    defer?: (patch: ConversationPatch) => void;
    /** The router's batch: answers looked up once per batch (the team's notice recipients). */
    memo?: Map<string, Promise<unknown>>;
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
  // One greeting: the welcome's, and the reply after it without its own "Hi …!".
  if (env.welcome)
    parts.push(p.intent === 'greeting' ? env.welcome : env.welcome.replace(/\s*How can we help you today\?$/, ''));
  const replyText = env.welcome ? withoutGreeting(p.reply.text) : p.reply.text;
  if (!(env.welcome && p.intent === 'greeting') && replyText) parts.push(replyText);
  // Handed to a person: say when they will answer (inbound/handoff-watch follows up if nobody does).
  if (p.reply.handoff) parts.push(expectationLine(ws, env.now, p.lang));
  const ack = acknowledgeNotes(stored.sensitive, p.lang);
  if (ack) parts.push(ack);

  const state = conv.state as { repliesSinceAsked?: number; askedFields?: string[] };
  const askedFields = Array.isArray(state.askedFields) ? state.askedFields : [];
  const profile = profileOf([
    ...(p.ctx?.facts ?? []),
    ...Object.entries(p.extraction.facts).map(([key, value]) => ({ key, value, confidence: 1, created_at: '' })),
  ]);
  // Profiling: never in the first reply, never to a customer in a hurry, each field asked once.
  const question =
    stored.sensitive.length || env.welcome || p.firstReply || p.hurried || p.action
      ? null
      : nextQuestion({
          profile: { ...profile, declined: [...((profile.declined as string[] | undefined) ?? []), ...askedFields] },
          knownName: !!(p.ctx?.name ?? p.extraction.facts.name),
          knownEmail: !!p.ctx?.email,
          intent: p.intent,
          urgent: p.urgent,
          handoff: !!p.reply.handoff,
          lang: p.lang,
          repliesSinceAsked: state.repliesSinceAsked ?? 3,
        });
  if (question) parts.push(question.text);

  const patch: ConversationPatch = {
    id: conv.id,
    state: {
      ...(conv.state as object),
      failedBefore: !p.reply.understood,
      askedFor: question?.field ?? null,
      repliesSinceAsked: question ? 0 : (state.repliesSinceAsked ?? 3) + 1,
      askedFields: question ? [...askedFields, question.field] : askedFields,
      dialogue: p.dialogue,
    },
    ...(p.reply.handoff ? { handedOffAt: env.now, handoffReason: p.reply.handoff } : {}),
  };
  if (env.defer) env.defer(patch);
  else
    await tx
      .update(conversations)
      .set({
        state: patch.state,
        ...(p.reply.handoff ? { handedOffAt: env.now, handoffReason: p.reply.handoff } : {}),
      })
      .where(eq(conversations.id, conv.id));

  if (p.action) {
    // The customer answered the bot's question: a call to make, or a demo/meeting at their time.
    const call = p.action.type === 'call';
    await createTask(
      tx,
      systemActor(ws.id),
      {
        leadId: conv.leadId,
        type: p.action.type,
        dueAt: p.action.at ? new Date(p.action.at) : env.now,
        priority: call ? 'high' : undefined,
        assigneeId: p.ctx?.assigneeId ?? null,
        description: `Asked for by the customer on ${conv.channel}: "${(msg.text ?? '').slice(0, 300)}"`,
      },
      { timeZone: ws.timeZone },
    );
  }

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
    const assignee = p.ctx?.assigneeId ?? null;
    const memoKey = `recipients:${ws.id}/${assignee}`;
    if (env.memo && !env.memo.has(memoKey)) env.memo.set(memoKey, recipients(tx, ws.id, assignee));
    const team = (await (env.memo?.get(memoKey) ?? recipients(tx, ws.id, assignee))) as { id: string; role: string }[];
    for (const member of team)
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
      /** false: the bot could not answer (its "I may not be able to answer that" reply): fallback_rate. */
      understood: p.reply.understood,
    },
    ...(p.knowledge ? { knowledge: p.knowledge } : {}),
  };
  return [
    { to: 'contact', text: parts.map(capitalize).join('\n\n'), purpose: env.welcome ? 'welcome' : 'reply', meta },
    ...notices,
  ];
}

/**
 * What a customer's reply changes on its conversation: the bot's state, a handoff, the welcome
 * (set only where none was sent: the guard against a job that runs twice).
 */
export type ConversationPatch = {
  id: string;
  state: Record<string, unknown>;
  handedOffAt?: Date;
  handoffReason?: string;
  welcomedAt?: Date;
};

/**
 * Many conversations' patches in one statement (the router's batch, in the transaction that holds
 * their rows' locks).
 */
export async function applyConversationPatches(tx: Tx, patches: ConversationPatch[]): Promise<void> {
  if (!patches.length) return;
  // One row per conversation (an update joins each target row once): a later patch is newer.
  const merged = new Map<string, ConversationPatch>();
  for (const p of patches) {
    const before = merged.get(p.id);
    merged.set(p.id, before ? { ...before, ...p, welcomedAt: before.welcomedAt ?? p.welcomedAt } : p);
  }
  const rows = [...merged.values()].map((p) => ({
    id: p.id,
    state: p.state,
    handed_off_at: p.handedOffAt?.toISOString() ?? null,
    handoff_reason: p.handoffReason ?? null,
    welcomed_at: p.welcomedAt?.toISOString() ?? null,
  }));
  await tx.execute(sql`
    update conversations c set
      state = v.state,
      handed_off_at = coalesce(v.handed_off_at, c.handed_off_at),
      handoff_reason = case when v.handed_off_at is null then c.handoff_reason else v.handoff_reason end,
      welcomed_at = coalesce(c.welcomed_at, v.welcomed_at),
      updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as v(id uuid, state jsonb, handed_off_at timestamptz, handoff_reason text, welcomed_at timestamptz)
    where c.id = v.id`);
}

/** What a member who may not read care notes is told instead of the note. */
export const CARE_NOTE_NOTICE = '⚠️ a care note was added — ask an admin or open the lead';

/** Owners and admins read care notes (the API's rule, routes/customer-context.ts). */
export const readsCareNotes = (role: string | null | undefined) => role === 'owner' || role === 'admin';

/** The lead's assignee, or the workspace's owners and admins when nobody is assigned; with their roles. */
export async function recipients(
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
