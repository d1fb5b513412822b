import { z } from 'zod';
import { createDeal, getDeal, listDeals, updateDeal } from '../../crm/deals.ts';
import { dealStages } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { DealCreateSchema, DealSchema, DealUpdateSchema, ErrorSchema, IdParams, PageQuery, page } from '../schemas.ts';
import { toApi } from '../serialize.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const tags = ['deals'];

export function dealRoutes(app: App, deps: Deps) {
  const { db } = deps;
  app.get(
    '/api/deals',
    {
      schema: {
        tags,
        summary: 'List deals',
        querystring: PageQuery.extend({ lead_id: z.uuid().optional(), stage: z.enum(dealStages).optional() }),
        response: { 200: page(DealSchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const r = await listDeals(db, actor, {
        leadId: req.query.lead_id,
        stage: req.query.stage,
        limit: req.query.limit,
        cursor: req.query.cursor,
      });
      return { data: r.data.map(toApi), next_cursor: r.nextCursor };
    },
  );
  app.get(
    '/api/leads/:id/deals',
    {
      schema: {
        tags,
        summary: "A lead's deals",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: page(DealSchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const r = await listDeals(db, actor, { leadId: req.params.id, ...req.query });
      return { data: r.data.map(toApi), next_cursor: r.nextCursor };
    },
  );
  app.post(
    '/api/leads/:id/deals',
    {
      schema: {
        tags,
        summary: 'Open a deal on a lead',
        params: IdParams,
        body: DealCreateSchema,
        response: { 201: DealSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      return reply.status(201).send(toApi(await createDeal(db, actor, req.params.id, req.body)));
    },
  );
  app.get(
    '/api/deals/:id',
    { schema: { tags, summary: 'Get a deal', params: IdParams, response: { 200: DealSchema, ...errors } } },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(await getDeal(db, actor, req.params.id));
    },
  );
  app.patch(
    '/api/deals/:id',
    {
      schema: {
        tags,
        summary: 'Update a deal',
        params: IdParams,
        body: DealUpdateSchema,
        response: { 200: DealSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(await updateDeal(db, actor, req.params.id, req.body));
    },
  );
}
