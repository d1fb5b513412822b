import { z } from 'zod';
import { listLeadActivities } from '../../crm/lead-activities.ts';
import { getLeadHistory, getLeadHistoryPage } from '../../crm/history.ts';
import { assignLead, findLeadByPhone, getLead, listLeads, updateLead, type LeadInput } from '../../crm/leads.ts';
import { addNote, listNotes } from '../../crm/notes.ts';
import { addLead } from '../../nurture/lead-created.ts';
import { leadStatuses } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { messageHistory } from '../../conversations/linking.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import {
  ActivitySchema,
  ErrorSchema,
  HistoryItemSchema,
  IdParams,
  LeadCreateSchema,
  LeadSchema,
  LeadUpdateSchema,
  NoteSchema,
  PageQuery,
  page,
} from '../schemas.ts';
import { fromApi, toApi } from '../serialize.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const tags = ['leads'];

/** snake_case body → service input, ISO strings → Dates. */
export function leadInput(body: Record<string, unknown>): LeadInput {
  const input = fromApi(body) as Record<string, unknown>;
  for (const k of ['lastContactAt', 'nextFollowUpAt'])
    if (typeof input[k] === 'string') input[k] = new Date(input[k] as string);
  return input as LeadInput;
}

export const activityToApi = (a: { changes: Record<string, unknown> } & object) => ({
  ...toApi(a),
  changes: toApi(a.changes),
});
export const historyToApi = (i: { at: Date; data: Record<string, unknown> } & object) => ({
  ...toApi(i),
  data: JSON.parse(JSON.stringify(i.data)),
});

export function leadRoutes(app: App, deps: Deps) {
  const { db } = deps;

  app.get(
    '/api/leads',
    {
      schema: {
        tags,
        summary: 'List leads',
        description:
          'Agents see the leads assigned to them; managers, admins and owners see all. `search` is fuzzy over company and contact name; `phone` matches exactly in any format.',
        querystring: PageQuery.extend({
          status: z.enum(leadStatuses).optional(),
          assignee_id: z.uuid().optional(),
          source: z.string().max(200).optional(),
          search: z.string().trim().max(200).optional(),
          phone: z.string().max(40).optional(),
        }),
        response: { 200: page(LeadSchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const q = req.query;
      if (q.phone) {
        const lead = await findLeadByPhone(db, actor, q.phone);
        return { data: lead ? [toApi(lead)] : [], next_cursor: null };
      }
      const result = await listLeads(db, actor, {
        status: q.status,
        assigneeId: q.assignee_id,
        source: q.source,
        search: q.search,
        limit: q.limit,
        cursor: q.cursor,
      });
      return { data: result.data.map(toApi), next_cursor: result.nextCursor };
    },
  );

  app.post(
    '/api/leads',
    { schema: { tags, summary: 'Create a lead', body: LeadCreateSchema, response: { 201: LeadSchema, ...errors } } },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const { lead } = await addLead(db, deps, actor, leadInput(req.body));
      return reply.status(201).send(toApi(lead));
    },
  );

  app.get(
    '/api/leads/:id',
    { schema: { tags, summary: 'Get a lead', params: IdParams, response: { 200: LeadSchema, ...errors } } },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(await getLead(db, actor, req.params.id));
    },
  );

  app.patch(
    '/api/leads/:id',
    {
      schema: {
        tags,
        summary: 'Update a lead',
        params: IdParams,
        body: LeadUpdateSchema,
        response: { 200: LeadSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(await updateLead(db, actor, req.params.id, leadInput(req.body)));
    },
  );

  app.post(
    '/api/leads/:id/assign',
    {
      schema: {
        tags,
        summary: 'Assign a lead to a team member',
        params: IdParams,
        body: z.object({ assignee_id: z.uuid() }),
        response: { 200: LeadSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(await assignLead(db, actor, req.params.id, req.body.assignee_id));
    },
  );

  app.get(
    '/api/leads/:id/activities',
    {
      schema: {
        tags,
        summary: "A lead's activity timeline, oldest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: page(ActivitySchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const result = await listLeadActivities(db, actor, req.params.id, req.query);
      return { data: result.data.map(activityToApi), next_cursor: result.nextCursor };
    },
  );

  app.get(
    '/api/leads/:id/history',
    {
      schema: {
        tags,
        summary: "A lead's unified history: activities, tasks, deals, notes and messages",
        description:
          'With `limit` or `cursor`: one page, newest first, and `next_cursor` for the older entries (what the dashboard reads). Without: every entry, oldest first (messages: the first 2,000).',
        params: IdParams,
        querystring: PageQuery,
        response: {
          200: z.object({ data: z.array(HistoryItemSchema), next_cursor: z.string().nullable().optional() }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      if (req.query.limit !== undefined || req.query.cursor !== undefined) {
        const page = await getLeadHistoryPage(db, actor, req.params.id, [messageHistory], req.query);
        return { data: page.data.map(historyToApi), next_cursor: page.nextCursor };
      }
      return { data: (await getLeadHistory(db, actor, req.params.id, [messageHistory])).map(historyToApi) };
    },
  );

  app.get(
    '/api/leads/:id/notes',
    {
      schema: {
        tags: ['notes'],
        summary: "A lead's notes, newest first",
        params: IdParams,
        response: { 200: z.object({ data: z.array(NoteSchema) }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return { data: (await listNotes(db, actor, req.params.id)).map(toApi) };
    },
  );

  app.post(
    '/api/leads/:id/notes',
    {
      schema: {
        tags: ['notes'],
        summary: 'Add a note to a lead',
        params: IdParams,
        body: z.object({ body: z.string().trim().min(1).max(10000) }),
        response: { 201: NoteSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      return reply.status(201).send(toApi(await addNote(db, actor, req.params.id, req.body.body)));
    },
  );
}
