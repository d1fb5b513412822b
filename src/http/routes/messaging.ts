import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { messages } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { createChannel, listChannels, publicChannel, updateChannel } from '../../channel-accounts/accounts.ts';
import { routeInbound } from '../../inbound/route.ts';
import { appInbound, simulateInbound, simulatorMessages } from '../../inbound/simulator.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ChannelSchema, ConversationSchema, ErrorSchema, IdParams, MessageSchema } from '../schemas.ts';
import { messageToApi, toApi } from '../serialize.ts';
import { jsonObject } from '../input-rules.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export function messagingRoutes(app: App, deps: Deps) {
  const { db } = deps;

  app.post(
    '/api/simulator/messages',
    {
      schema: {
        tags: ['simulator'],
        summary: 'Send a message to the bot as if from a WhatsApp number',
        description:
          'Goes through exactly the same pipeline as a WhatsApp message (ingest, route, reply, outbox). Read the replies with GET.',
        body: z.object({
          from: z.string().min(1).max(40),
          name: z.string().trim().max(200).optional(),
          text: z.string().min(1).max(4096),
        }),
        response: { 202: z.object({ message_id: z.uuid(), conversation_id: z.uuid(), phone: z.string() }), ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const r = await simulateInbound(deps, actor, req.body);
      return reply.status(202).send({ message_id: r.messageId, conversation_id: r.conversationId, phone: r.phone });
    },
  );

  app.get(
    '/api/simulator/messages',
    {
      schema: {
        tags: ['simulator'],
        summary: 'The simulator conversation with one phone, oldest first',
        querystring: z.object({ phone: z.string().min(1).max(40) }),
        response: {
          200: z.object({ conversation: ConversationSchema.nullable(), data: z.array(MessageSchema) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const r = await simulatorMessages(db, deps, actor, req.query.phone);
      return { conversation: r.conversation ? toApi(r.conversation) : null, data: r.messages.map(messageToApi) };
    },
  );

  app.post(
    '/app',
    {
      schema: {
        tags: ['compat'],
        summary: "A team member's command from a web or mobile app; the bot's reply comes back in the response",
        body: z
          .object({
            text: z.string().trim().min(1).max(4096).optional(),
            message: z.string().trim().min(1).max(4096).optional(),
          })
          .refine((b) => b.text ?? b.message, { message: 'text is required', path: ['text'] }),
        response: {
          200: z.object({ message_id: z.uuid(), reply: z.string(), replies: z.array(MessageSchema) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const { messageId } = await appInbound(deps, actor, (req.body.text ?? req.body.message)!);
      const { replies } = await routeInbound(deps, messageId);
      const rows = replies.length ? await db.select().from(messages).where(inArray(messages.id, replies)) : [];
      const ordered = replies.map((id) => rows.find((r) => r.id === id)!).filter(Boolean);
      return {
        message_id: messageId,
        reply: ordered.map((r) => r.text ?? '').join('\n\n'),
        replies: ordered.map(messageToApi),
      };
    },
  );

  app.get(
    '/api/channels',
    {
      schema: {
        tags: ['channels'],
        summary: "The workspace's channels (secrets are never returned)",
        response: { 200: z.object({ data: z.array(ChannelSchema) }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return { data: (await listChannels(db, actor)).map((c) => toApi(publicChannel(c))) };
    },
  );

  app.post(
    '/api/channels',
    {
      schema: {
        tags: ['channels'],
        summary: 'Connect a channel (owners and admins); secrets are encrypted at rest',
        body: z.object({
          kind: z.enum(deps.channels.connectable as [string, ...string[]]),
          name: z.string().trim().min(1).max(100),
          account_id: z.string().trim().min(1).max(100),
          settings: jsonObject({ maxBytes: 16 * 1024, maxDepth: 5 }).optional(),
          secrets: z.record(z.string(), z.string()).optional(),
        }),
        response: { 201: ChannelSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const b = req.body;
      const row = await createChannel(db, deps, actor, {
        kind: b.kind,
        name: b.name,
        accountId: b.account_id,
        settings: b.settings,
        secrets: b.secrets,
      });
      return reply.status(201).send(toApi(publicChannel(row)));
    },
  );

  app.patch(
    '/api/channels/:id',
    {
      schema: {
        tags: ['channels'],
        summary: 'Rename, pause, or change settings or secrets of a channel',
        params: IdParams,
        body: z.object({
          name: z.string().trim().min(1).max(100).optional(),
          active: z.boolean().optional(),
          settings: jsonObject({ maxBytes: 16 * 1024, maxDepth: 5 }).optional(),
          secrets: z.record(z.string(), z.string()).optional(),
        }),
        response: { 200: ChannelSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(publicChannel(await updateChannel(db, deps, actor, req.params.id, req.body)));
    },
  );
}
