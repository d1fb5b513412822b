// GET /api/bot/status-summary: is the customer bot healthy, and how well does it know customers?
// Everything is counted in SQL for the caller's workspace: messages and the `meta.bot` that every
// bot reply carries (mode, context hit, personalized, fallback, handoff), and the failed outbound
// messages; the queue depth comes from pg-boss's queue statistics. "Today" starts at
// midnight in the workspace's time zone.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '../../crm/actor.ts';
import { getWorkspace } from '../../crm/workspaces.ts';
import { rowsOf } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ErrorSchema } from '../schemas.ts';
import { routeJob } from '../../inbound/route.ts';
import type { QueueCounts } from '../../jobs/queue.ts';
import { knowledgeStatus, KnowledgeStatusSchema } from '../../knowledge/status.ts';
import { sendJob } from '../../outbound/send.ts';

const QueueCounts = z.object({ queued: z.number().int(), active: z.number().int(), failed: z.number().int() });

export const BotStatusSchema = z.object({
  mode: z.string(),
  llm: z.object({
    configured: z.boolean(),
    reachable: z.boolean().nullable().describe('null when no LLM is configured'),
  }),
  queue: z.object({ inbound_route: QueueCounts, outbound_send: QueueCounts }),
  messages_today: z.object({ in: z.number().int(), out: z.number().int() }),
  bot_replies_today: z.number().int(),
  context_hit_rate: z
    .number()
    .nullable()
    .describe('Share of bot replies today made with a CRM record of the customer; null before the first reply'),
  personalization_rate: z.number().nullable().describe('Share of bot replies today that address the customer by name'),
  knowledge_hit_rate: z
    .number()
    .nullable()
    .describe('Share of bot replies today made with knowledge chunks (a CRM link, file or FAQ)'),
  knowledge: KnowledgeStatusSchema,
  fallbacks: z
    .record(z.string(), z.number().int())
    .describe('Bot replies today that fell back, by reason (llm_timeout, llm_error, context_unavailable…)'),
  fallback_rate: z
    .number()
    .nullable()
    .describe(
      'Share of bot replies today that could not answer the customer (the "I may not be able to answer that" and repeated-failure handoff replies, rules or LLM); null before the first reply',
    ),
  handoffs_today: z.number().int(),
  last_errors: z.array(
    z.object({ at: z.string(), where: z.string(), code: z.string().nullable(), message: z.string().nullable() }),
  ),
  time_zone: z.string(),
  since: z.string(),
});
export type BotStatus = z.infer<typeof BotStatusSchema>;

/** GET {LLM_BASE_URL}/models answers within 2 s. LLM settings may not exist in the config yet: read them loosely. */
async function llmStatus(deps: Deps): Promise<BotStatus['llm']> {
  const cfg = deps.config as Record<string, unknown>;
  const base = typeof cfg.LLM_BASE_URL === 'string' && cfg.LLM_BASE_URL ? cfg.LLM_BASE_URL : null;
  if (!base) return { configured: false, reachable: null };
  const key = typeof cfg.LLM_API_KEY === 'string' ? cfg.LLM_API_KEY : undefined;
  try {
    const res = await (deps.fetch ?? fetch)(`${base.replace(/\/+$/, '')}/models`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      signal: AbortSignal.timeout(2000),
    });
    await res.body?.cancel();
    return { configured: true, reachable: res.ok };
  } catch {
    return { configured: true, reachable: false };
  }
}

const rate = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 1000 : null);

export async function botStatusSummary(deps: Deps, actor: Actor): Promise<BotStatus> {
  const { db } = deps;
  const ws = await getWorkspace(db, actor.workspaceId);
  const [since] = rowsOf<{ since: string | Date }>(
    await db.execute(
      sql`select (date_trunc('day', ${deps.now().toISOString()}::timestamptz at time zone ${ws.timeZone}) at time zone ${ws.timeZone}) as since`,
    ),
  );
  const start = new Date(since.since).toISOString();
  const today = sql`m.workspace_id = ${ws.id} and m.created_at >= ${start}::timestamptz`;

  const [llm, totals, fallbacks, jobs, errors, knowledge] = await Promise.all([
    llmStatus(deps),
    db.execute(sql`
      select count(*) filter (where m.direction = 'in')::int as in_count,
             count(*) filter (where m.direction = 'out')::int as out_count,
             count(*) filter (where m.meta->'bot' is not null)::int as replies,
             count(*) filter (where m.meta->'bot'->>'context_hit' = 'true')::int as context_hits,
             count(*) filter (where m.meta->'bot'->>'personalized' = 'true')::int as personalized,
             count(*) filter (where m.meta->'bot' is not null and jsonb_array_length(coalesce(m.meta->'knowledge'->'chunks', '[]'::jsonb)) > 0)::int as knowledge_hits,
             count(*) filter (where m.meta->'bot'->>'understood' = 'false')::int as not_understood,
             count(*) filter (where coalesce(m.meta->'bot'->>'handoff', '') <> '')::int as handoffs
      from messages m where ${today}`),
    db.execute(
      sql`select m.meta->'bot'->>'fallback' as reason, count(*)::int as n from messages m where ${today} and coalesce(m.meta->'bot'->>'fallback', '') <> '' group by 1 order by 1`,
    ),
    // The deployment's queues, from pg-boss's statistics (its workers are shared by every workspace).
    deps.queue.counts([routeJob.id, sendJob.id]).catch((err: unknown) => {
      deps.log.warn({ err }, 'status summary: job counts unavailable');
      return {} as Record<string, QueueCounts>;
    }),
    db.execute(sql`
      select coalesce(m.failed_at, m.updated_at) as at, ch.kind, m.purpose, m.error_code, m.error_title, m.fail_reason
      from messages m join channels ch on ch.id = m.channel_id
      where m.workspace_id = ${ws.id} and m.direction = 'out' and m.status = 'failed' and m.created_at >= ${deps.now().toISOString()}::timestamptz - interval '7 days'
      order by coalesce(m.failed_at, m.updated_at) desc, m.id desc limit 10`),
    knowledgeStatus(db, deps.config, ws.id),
  ]);

  const t = rowsOf<Record<string, number>>(totals)[0];
  const none = { queued: 0, active: 0, failed: 0 };
  const queue = { inbound_route: jobs[routeJob.id] ?? none, outbound_send: jobs[sendJob.id] ?? none };
  return {
    mode:
      typeof (deps.config as Record<string, unknown>).BOT_MODE === 'string'
        ? String((deps.config as Record<string, unknown>).BOT_MODE)
        : 'rules',
    llm,
    queue,
    messages_today: { in: Number(t.in_count), out: Number(t.out_count) },
    bot_replies_today: Number(t.replies),
    context_hit_rate: rate(Number(t.context_hits), Number(t.replies)),
    personalization_rate: rate(Number(t.personalized), Number(t.replies)),
    knowledge_hit_rate: rate(Number(t.knowledge_hits), Number(t.replies)),
    knowledge,
    fallbacks: Object.fromEntries(rowsOf<{ reason: string; n: number }>(fallbacks).map((f) => [f.reason, Number(f.n)])),
    fallback_rate: rate(Number(t.not_understood), Number(t.replies)),
    handoffs_today: Number(t.handoffs),
    last_errors: rowsOf<{
      at: string | Date;
      kind: string;
      purpose: string | null;
      error_code: string | null;
      error_title: string | null;
      fail_reason: string | null;
    }>(errors).map((e) => ({
      at: new Date(e.at).toISOString(),
      where: `outbound.send/${e.kind}${e.purpose ? ` (${e.purpose})` : ''}`,
      code: e.error_code ?? e.fail_reason,
      message: e.error_title ?? e.fail_reason,
    })),
    time_zone: ws.timeZone,
    since: start,
  };
}

export function botStatusRoutes(app: App, deps: Deps) {
  app.get(
    '/api/bot/status-summary',
    {
      schema: {
        tags: ['customer bot'],
        summary:
          'Customer bot health today: mode, LLM reachability, queue depth, messages, context hit and personalization rates, fallbacks, handoffs, last send errors',
        response: { 200: BotStatusSchema, 401: ErrorSchema },
      },
    },
    async (req) => botStatusSummary(deps, requireAuth(req).actor),
  );
}
