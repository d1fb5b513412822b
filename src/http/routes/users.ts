import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey } from '../../auth/sessions.ts';
import { createUser, getUser, listUsers, publicUser, updateUser } from '../../auth/users.ts';
import { isAdmin, seesAll } from '../../crm/actor.ts';
import { memberNotices } from '../../outbound/queue.ts';
import { getWorkspace, updateWorkspace } from '../../crm/workspaces.ts';
import { roles } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { forbidden } from '../../lib/errors.ts';
import { forgetChannels } from '../../channel-accounts/cache.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import {
  ApiKeySchema,
  ErrorSchema,
  IdParams,
  NoticeSchema,
  RegisterSchema,
  UserSchema,
  WorkspaceSchema,
} from '../schemas.ts';
import { toApi } from '../serialize.ts';
import { jsonObject } from '../input-rules.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export function userRoutes(app: App, deps: Deps) {
  const { db } = deps;
  app.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Team members of the workspace',
        response: { 200: z.object({ data: z.array(UserSchema) }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return { data: (await listUsers(db, actor)).map((u) => toApi(publicUser(u))) };
    },
  );
  app.post(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Add a team member (owners and admins)',
        body: RegisterSchema.omit({ workspace_name: true, time_zone: true, phone_region: true }),
        response: { 201: UserSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const b = req.body;
      const user = await createUser(
        db,
        actor.workspaceId,
        { name: b.name, email: b.email, password: b.password, phone: b.phone, username: b.username, role: b.role },
        actor,
      );
      return reply.status(201).send(toApi(publicUser(user)));
    },
  );
  app.get(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Get a team member',
        params: IdParams,
        response: { 200: UserSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(publicUser(await getUser(db, actor, req.params.id)));
    },
  );
  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Update a team member',
        params: IdParams,
        body: z.object({
          name: z.string().trim().min(1).max(200).optional(),
          phone: z.string().max(40).nullish(),
          role: z.enum(roles).optional(),
          active: z.boolean().optional(),
          password: z.string().min(8).max(200).optional(),
        }),
        response: { 200: UserSchema, ...errors },
      },
    },
    async (req) => {
      const { actor, sessionId } = requireAuth(req);
      return toApi(publicUser(await updateUser(db, actor, req.params.id, req.body, { keepSessionId: sessionId })));
    },
  );

  app.get(
    '/api/users/:id/notices',
    {
      schema: {
        tags: ['users'],
        summary:
          "A team member's notices (assignments, handoffs, reminders, digests), newest first, with their delivery status; `held` ones wait for the member's WhatsApp window to open (they go when the member next writes). The member themselves, managers and admins.",
        params: IdParams,
        querystring: z.object({
          status: z.enum(['held']).optional().describe('held: only the notices not delivered yet'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ data: z.array(NoticeSchema), held: z.number().int() }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      if (!seesAll(actor) && actor.userId !== req.params.id) throw forbidden('Agents see their own notices only');
      const member = await getUser(db, actor, req.params.id);
      const data = await memberNotices(db, actor.workspaceId, member.id, {
        held: req.query.status === 'held',
        limit: req.query.limit,
      });
      const held = await memberNotices(db, actor.workspaceId, member.id, { held: true, limit: 1000 });
      return { data: data.map(toApi), held: held.length };
    },
  );

  app.get(
    '/api/workspace',
    { schema: { tags: ['workspace'], summary: 'This workspace', response: { 200: WorkspaceSchema, ...errors } } },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(await getWorkspace(db, actor.workspaceId));
    },
  );
  app.patch(
    '/api/workspace',
    {
      schema: {
        tags: ['workspace'],
        summary: 'Update name, time zone, phone region or settings (owners and admins)',
        body: z.object({
          name: z.string().trim().min(1).max(200).optional(),
          time_zone: z.string().optional(),
          phone_region: z.string().optional(),
          settings: jsonObject({ maxBytes: 64 * 1024, maxDepth: 8 }).optional(),
        }),
        response: { 200: WorkspaceSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      if (!isAdmin(actor)) throw forbidden('Only owners and admins change the workspace');
      const b = req.body;
      const ws = await updateWorkspace(db, actor.workspaceId, {
        name: b.name,
        timeZone: b.time_zone,
        phoneRegion: b.phone_region,
        settings: b.settings,
      });
      forgetChannels(); // ingest caches the workspace's phone region
      return toApi(ws);
    },
  );

  app.get(
    '/api/api-keys',
    {
      schema: {
        tags: ['api keys'],
        summary: 'API keys (owners and admins)',
        response: { 200: z.object({ data: z.array(ApiKeySchema) }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return { data: (await listApiKeys(db, actor)).map(toApi) };
    },
  );
  app.post(
    '/api/api-keys',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key; the key is shown once',
        body: z.object({ name: z.string().trim().min(1).max(100), role: z.enum(roles).optional() }),
        response: { 201: ApiKeySchema.extend({ key: z.string() }), ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const { key, apiKey } = await createApiKey(db, actor, req.body);
      return reply.status(201).send({ ...toApi(apiKey), key });
    },
  );
  app.delete(
    '/api/api-keys/:id',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      await revokeApiKey(db, actor, req.params.id);
      return reply.status(204).send(null);
    },
  );
}
