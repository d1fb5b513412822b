import { z } from 'zod';
import { createTask, getTask, listTasks, updateTask, type TaskInput } from '../../crm/tasks.ts';
import { taskStatuses, taskTypes } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ErrorSchema, IdParams, PageQuery, TaskCreateSchema, TaskSchema, TaskUpdateSchema, page } from '../schemas.ts';
import { fromApi, toApi } from '../serialize.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const tags = ['tasks'];

function taskInput(body: Record<string, unknown>): TaskInput {
  const input = fromApi(body);
  if (typeof input.dueAt === 'string') input.dueAt = new Date(input.dueAt);
  return input as TaskInput;
}

export function taskRoutes(app: App, deps: Deps) {
  const { db } = deps;
  app.get(
    '/api/tasks',
    {
      schema: {
        tags,
        summary: 'List tasks, soonest first',
        description: 'Agents see tasks assigned to them or on their leads.',
        querystring: PageQuery.extend({
          assignee_id: z.uuid().optional(),
          lead_id: z.uuid().optional(),
          status: z.enum(taskStatuses).optional(),
          type: z.enum(taskTypes).optional(),
          due_from: z.iso.datetime({ offset: true }).optional(),
          due_to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 200: page(TaskSchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const q = req.query;
      const r = await listTasks(db, actor, {
        assigneeId: q.assignee_id,
        leadId: q.lead_id,
        status: q.status,
        type: q.type,
        dueFrom: q.due_from ? new Date(q.due_from) : undefined,
        dueTo: q.due_to ? new Date(q.due_to) : undefined,
        limit: q.limit,
        cursor: q.cursor,
      });
      return { data: r.data.map(toApi), next_cursor: r.nextCursor };
    },
  );
  app.post(
    '/api/tasks',
    {
      schema: {
        tags,
        summary: 'Create a task (meeting, demo, follow-up, call)',
        body: TaskCreateSchema,
        response: { 201: TaskSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      return reply.status(201).send(toApi(await createTask(db, actor, taskInput(req.body))));
    },
  );
  app.get(
    '/api/tasks/:id',
    { schema: { tags, summary: 'Get a task', params: IdParams, response: { 200: TaskSchema, ...errors } } },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(await getTask(db, actor, req.params.id));
    },
  );
  app.patch(
    '/api/tasks/:id',
    {
      schema: {
        tags,
        summary: 'Update, reschedule, complete or cancel a task',
        params: IdParams,
        body: TaskUpdateSchema,
        response: { 200: TaskSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(await updateTask(db, actor, req.params.id, taskInput(req.body)));
    },
  );
}
