import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import {
  autoLinkConversations,
  captureLeadFromConversation,
  getConversationContext,
  getVisibleConversation,
  handOff,
  linkConversationToLead,
  listConversationMessages,
  listConversations,
  releaseHandoff,
  sendAgentMessage,
  type ConversationWithLead,
} from '../../conversations/inbox.ts';
import { conversationAnalytics } from '../../conversations/analytics.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ConversationSchema, ErrorSchema, IdParams, LeadSchema, MessageSchema, PageQuery, page } from '../schemas.ts';
import { messageToApi, toApi } from '../serialize.ts';
import { messages } from '../../db/schema/index.ts';
import { resendMessage, RESENDABLE } from '../../outbound/send.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import { and, eq } from 'drizzle-orm';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const tags = ['conversations'];
const crmTags = ['whatsapp-crm'];
const CRM = '/api/whatsapp/crm-integration';

export const LeadSummarySchema = LeadSchema.pick({
  id: true,
  company: true,
  contact_name: true,
  phone: true,
  status: true,
  assignee_id: true,
});
export const ConversationItemSchema = ConversationSchema.extend({ lead: LeadSummarySchema.nullable() });

export const ConversationAnalyticsSchema = z.object({
  from: z.string(),
  to: z.string(),
  time_zone: z.string(),
  conversations: z.object({
    total: z.number().int(),
    linked: z.number().int(),
    unlinked: z.number().int(),
    conversion_rate: z.number().nullable(),
    leads_captured: z.number().int(),
  }),
  messages_per_day: z.array(z.object({ date: z.string(), inbound: z.number().int(), outbound: z.number().int() })),
  first_response: z.object({
    median_seconds: z.number().nullable(),
    responded: z.number().int(),
    unanswered: z.number().int(),
  }),
  channels: z.array(z.object({ channel: z.string(), conversations: z.number().int(), linked: z.number().int() })),
});

const itemToApi = ({ conversation, lead }: ConversationWithLead) => ({
  ...toApi(conversation),
  lead: lead
    ? {
        id: lead.id,
        company: lead.company,
        contact_name: lead.contactName,
        phone: lead.phone,
        status: lead.status,
        assignee_id: lead.assigneeId,
      }
    : null,
});

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const dateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export function conversationRoutes(app: App, deps: Deps) {
  const { db } = deps;

  app.get(
    '/api/conversations',
    {
      schema: {
        tags,
        summary: 'List conversations, latest activity first',
        description:
          'Managers and up see all; agents see conversations of leads assigned to them and their own chats with the bot. `search` matches the contact name or phone and the linked lead’s company or contact name.',
        querystring: PageQuery.extend({
          channel: z.string().max(40).optional(),
          linked: bool.optional(),
          assignee_id: z.uuid().optional(),
          unassigned: bool.optional().describe('true: no lead, or a lead nobody is assigned to'),
          handed_off: bool.optional().describe('true: waiting for a person (the bot is silent)'),
          search: z.string().trim().max(200).optional(),
        }),
        response: { 200: page(ConversationItemSchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const q = req.query;
      const result = await listConversations(db, actor, {
        channel: q.channel,
        linked: q.linked,
        assigneeId: q.assignee_id,
        unassigned: q.unassigned,
        handedOff: q.handed_off,
        search: q.search,
        limit: q.limit,
        cursor: q.cursor,
      });
      return { data: result.data.map(itemToApi), next_cursor: result.nextCursor };
    },
  );

  app.get(
    '/api/conversations/:id',
    {
      schema: {
        tags,
        summary: 'Get a conversation with its lead',
        params: IdParams,
        response: { 200: ConversationItemSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return itemToApi(await getVisibleConversation(db, actor, req.params.id));
    },
  );

  app.get(
    '/api/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: "A conversation's messages, oldest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: page(MessageSchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const result = await listConversationMessages(db, actor, req.params.id, req.query);
      return { data: result.data.map(messageToApi), next_cursor: result.nextCursor };
    },
  );

  app.post(
    '/api/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: 'Reply as a human; the message is queued and delivered by the outbox',
        description:
          'WhatsApp’s 24-hour window applies: outside it the workspace template is sent instead, or the message fails with `window_closed`. On Messenger a person’s reply may go up to 7 days after the customer’s last message (HUMAN_AGENT tag). A text longer than the channel takes in one message (WhatsApp 4,096 characters, Messenger 2,000, Twilio 1,600) goes as several messages, in order.',
        params: IdParams,
        body: z.object({ text: z.string().trim().min(1).max(20_000) }),
        response: { 201: MessageSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      return reply
        .status(201)
        .send(messageToApi(await sendAgentMessage(db, deps, actor, req.params.id, req.body.text)));
    },
  );

  app.post(
    '/api/messages/:id/retry',
    {
      schema: {
        tags,
        summary: 'Send a failed message again',
        description: `For an outbound message whose delivery is unknown (\`fail_reason\` \`delivery_unknown\`: the provider did not answer, or the process died while it waited, and the provider cannot tell us whether it arrived) or that failed for a reason a new attempt may cure (${RESENDABLE.map((r) => `\`${r}\``).join(', ')}). The message is queued again and goes once. 409 when it is not such a message, or the contact opted out.`,
        params: IdParams,
        response: { 202: MessageSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const [row] = await db
        .select()
        .from(messages)
        .where(and(eq(messages.id, req.params.id), eq(messages.workspaceId, actor.workspaceId)));
      if (!row) throw notFound('Message not found');
      // Visible to this member (an agent sees their own leads' conversations only).
      const { conversation } = await getVisibleConversation(db, actor, row.conversationId);
      if (row.direction !== 'out' || row.status !== 'failed' || !RESENDABLE.includes(row.failReason ?? ''))
        throw conflict('Only a failed outbound message whose delivery is unknown may be sent again', {
          status: row.status,
          fail_reason: row.failReason ?? '',
        });
      if (conversation.optedOutAt)
        throw conflict('This contact opted out (STOP): nothing is sent to them until they write START again', {
          conversation_id: 'the contact opted out',
        });
      const again = await resendMessage(deps, row.id);
      if (!again) throw conflict('The message was settled meanwhile; it is not sent again');
      return reply.status(202).send(messageToApi(again));
    },
  );

  app.post(
    '/api/conversations/:id/handoff',
    {
      schema: {
        tags,
        summary: 'Hand the conversation to a human: the customer bot stays silent until release',
        params: IdParams,
        body: z.object({ reason: z.string().trim().max(500).optional() }).nullish(),
        response: { 200: ConversationSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(await handOff(db, deps, actor, req.params.id, req.body?.reason));
    },
  );

  app.post(
    '/api/conversations/:id/release',
    {
      schema: {
        tags,
        summary: 'Hand the conversation back to the bot',
        params: IdParams,
        response: { 200: ConversationSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return toApi(await releaseHandoff(db, deps, actor, req.params.id));
    },
  );

  app.post(
    `${CRM}/link-conversation`,
    {
      schema: {
        tags: crmTags,
        summary: 'Link a conversation to a lead',
        body: z.object({ conversation_id: z.uuid(), lead_id: z.uuid() }),
        response: { 200: z.object({ conversation: ConversationSchema, lead: LeadSchema }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const r = await linkConversationToLead(db, deps, actor, req.body.conversation_id, req.body.lead_id);
      return { conversation: toApi(r.conversation), lead: toApi(r.lead!) };
    },
  );

  app.post(
    `${CRM}/capture-lead`,
    {
      schema: {
        tags: crmTags,
        summary: 'Create a lead from a conversation, or link it to the existing lead with its phone',
        body: z.object({
          conversation_id: z.uuid(),
          company: z.string().trim().max(200).optional(),
          contact_name: z.string().trim().max(200).optional(),
          assignee_id: z.uuid().nullish(),
        }),
        response: { 200: z.object({ lead: LeadSchema, created: z.boolean() }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const b = req.body;
      const r = await captureLeadFromConversation(db, deps, actor, b.conversation_id, {
        company: b.company || undefined,
        contactName: b.contact_name || undefined,
        assigneeId: b.assignee_id,
      });
      return { lead: toApi(r.lead), created: r.created };
    },
  );

  app.post(
    `${CRM}/auto-link`,
    {
      schema: {
        tags: crmTags,
        summary: 'Link every unlinked conversation to the lead with the same phone (managers and up)',
        response: { 200: z.object({ linked: z.number().int() }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return { linked: await autoLinkConversations(db, deps, actor) };
    },
  );

  app.get(
    `${CRM}/conversation/:id`,
    {
      schema: {
        tags: crmTags,
        summary: 'A conversation with its lead and its latest 200 messages (oldest first)',
        params: IdParams,
        response: {
          200: z.object({
            conversation: ConversationSchema,
            lead: LeadSchema.nullable(),
            messages: z.array(MessageSchema),
            more_messages: z.boolean(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const r = await getConversationContext(db, actor, req.params.id);
      return {
        conversation: toApi(r.conversation),
        lead: r.lead ? toApi(r.lead) : null,
        messages: r.messages.map(messageToApi),
        more_messages: r.moreMessages,
      };
    },
  );

  app.get(
    `${CRM}/analytics`,
    {
      schema: {
        tags: crmTags,
        summary: 'Conversation analytics: volume, linking and conversion, messages per day, median first response',
        description:
          'Over [from, to); a date is a whole day in the workspace time zone (`to` inclusive). Default: the last 30 days; at most 366 days. Team members’ own chats with the bot are not counted.',
        querystring: z.object({ from: dateOrTime.optional(), to: dateOrTime.optional() }),
        response: { 200: ConversationAnalyticsSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const a = await conversationAnalytics(db, actor, req.query);
      return {
        from: a.from.toISOString(),
        to: a.to.toISOString(),
        time_zone: a.timeZone,
        conversations: toApi(a.conversations),
        messages_per_day: a.messagesPerDay,
        first_response: toApi(a.firstResponse),
        channels: a.channels,
      };
    },
  );
}
