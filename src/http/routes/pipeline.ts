// GET /api/pipeline: the pipeline board's column heads — how many leads each status holds and the
// value of their deals (lost deals left out), by currency. Same visibility as GET /api/leads.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { seesAll, type Actor } from '../../crm/actor.ts';
import { rowsOf, type DbOrTx } from '../../db/client.ts';
import { leadStatuses, type LeadStatus } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ErrorSchema } from '../schemas.ts';

export const PipelineSchema = z.object({
  data: z.array(
    z.object({
      status: z.enum(leadStatuses),
      count: z.number().int(),
      values: z.array(z.object({ currency: z.string(), value: z.number() })),
    }),
  ),
});
export type Pipeline = z.infer<typeof PipelineSchema>;

export async function pipelineSummary(
  db: DbOrTx,
  actor: Actor,
  filters: { assigneeId?: string; source?: string } = {},
): Promise<Pipeline> {
  if (!seesAll(actor) && !actor.userId)
    return { data: leadStatuses.map((status) => ({ status, count: 0, values: [] })) };
  const where = [
    sql`l.workspace_id = ${actor.workspaceId}`,
    seesAll(actor) ? undefined : sql`l.assignee_id = ${actor.userId}`,
    filters.assigneeId ? sql`l.assignee_id = ${filters.assigneeId}` : undefined,
    filters.source ? sql`lower(l.source) = lower(${filters.source})` : undefined,
  ].filter(Boolean);
  const cond = sql.join(where as ReturnType<typeof sql>[], sql` and `);
  const [counts, values] = await Promise.all([
    db.execute(sql`select l.status, count(*)::int as n from leads l where ${cond} group by 1`),
    db.execute(sql`
      select l.status, d.currency, sum(d.value)::float8 as value
      from leads l join deals d on d.lead_id = l.id and d.workspace_id = l.workspace_id and d.stage <> 'lost'
      where ${cond} group by 1, 2 order by 3 desc`),
  ]);
  const n = new Map(rowsOf<{ status: LeadStatus; n: number }>(counts).map((r) => [r.status, Number(r.n)]));
  const v = rowsOf<{ status: LeadStatus; currency: string; value: number }>(values);
  return {
    data: leadStatuses.map((status) => ({
      status,
      count: n.get(status) ?? 0,
      values: v.filter((r) => r.status === status).map((r) => ({ currency: r.currency, value: Number(r.value) })),
    })),
  };
}

export function pipelineRoutes(app: App, deps: Deps) {
  app.get(
    '/api/pipeline',
    {
      schema: {
        tags: ['leads'],
        summary: 'Leads and deal value per status (the pipeline board’s columns)',
        description: 'Agents count their own leads; managers and up the whole workspace. Lost deals are not counted.',
        querystring: z.object({ assignee_id: z.uuid().optional(), source: z.string().max(200).optional() }),
        response: { 200: PipelineSchema, 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return pipelineSummary(deps.db, actor, { assigneeId: req.query.assignee_id, source: req.query.source });
    },
  );
}
