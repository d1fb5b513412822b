// The routes of the original WhatsApp CRM bot (spec 002 §5), at the root and exactly as written
// there, for frontends built against that system. Same services and shapes as the /api routes.
import { z } from 'zod';
import { getUser, findUserByUsername } from '../../auth/users.ts';
import { listLeadActivities } from '../../crm/lead-activities.ts';
import { seesAll } from '../../crm/actor.ts';
import { getLeadHistory } from '../../crm/history.ts';
import { listLeads } from '../../crm/leads.ts';
import { listUpcomingTasks } from '../../crm/tasks.ts';
import type { Deps } from '../../deps.ts';
import { messageHistory } from '../../conversations/linking.ts';
import { forbidden } from '../../lib/errors.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ActivitySchema, ErrorSchema, HistoryItemSchema, LeadSchema, PageQuery, TaskSchema, page } from '../schemas.ts';
import { toApi } from '../serialize.ts';
import { activityToApi, historyToApi } from './leads.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const tags = ['compat'];

export function compatRoutes(app: App, deps: Deps) {
  const { db } = deps;
  app.get(
    '/leads/:user_id',
    {
      schema: {
        tags,
        summary: 'Leads assigned to a user',
        params: z.object({ user_id: z.uuid() }),
        querystring: PageQuery,
        response: { 200: page(LeadSchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const user = await getUser(db, actor, req.params.user_id);
      if (!seesAll(actor) && user.id !== actor.userId) throw forbidden('Agents see only their own leads');
      const r = await listLeads(db, actor, { assigneeId: user.id, ...req.query });
      return { data: r.data.map(toApi), next_cursor: r.nextCursor };
    },
  );
  app.get(
    '/tasks/:username',
    {
      schema: {
        tags,
        summary: "A user's upcoming tasks with the company name",
        params: z.object({ username: z.string().min(1).max(100) }),
        querystring: PageQuery,
        response: { 200: page(TaskSchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const user = await findUserByUsername(db, actor, req.params.username);
      if (!seesAll(actor) && user.id !== actor.userId) throw forbidden('Agents see only their own tasks');
      const r = await listUpcomingTasks(db, actor, user.id, deps.now(), req.query);
      return { data: r.data.map(toApi), next_cursor: r.nextCursor };
    },
  );
  app.get(
    '/activities/:lead_id',
    {
      schema: {
        tags,
        summary: "A lead's activities",
        params: z.object({ lead_id: z.uuid() }),
        querystring: PageQuery,
        response: { 200: page(ActivitySchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const r = await listLeadActivities(db, actor, req.params.lead_id, req.query);
      return { data: r.data.map(activityToApi), next_cursor: r.nextCursor };
    },
  );
  app.get(
    '/history/:lead_id',
    {
      schema: {
        tags,
        summary: "A lead's complete, chronological history",
        params: z.object({ lead_id: z.uuid() }),
        response: { 200: z.object({ data: z.array(HistoryItemSchema) }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return { data: (await getLeadHistory(db, actor, req.params.lead_id, [messageHistory])).map(historyToApi) };
    },
  );
}
