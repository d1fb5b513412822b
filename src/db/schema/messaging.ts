import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { leads } from './leads.ts';
import { users } from './users.ts';
import { workspaces } from './workspaces.ts';

/**
 * A connected account: a WhatsApp number, a Facebook page, a Maytapi phone, a Twilio sender, the
 * in-app channel, the simulator. `account_id` is the provider's id that webhooks name
 * (phone_number_id, page id, Maytapi phone id, Twilio number). Secrets are encrypted at rest;
 * channels configured from the environment keep theirs in the environment only.
 */
export const channels = pgTable(
  'channels',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The adapter's kind (channels/registry.ts lists them). */
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    accountId: text('account_id').notNull(),
    /** Non-secret settings (API base URL, template names, rate limit). */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** AES-256-GCM encrypted JSON of the secrets; null for environment channels. */
    secrets: text('secrets'),
    fromEnv: boolean('from_env').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('channels_kind_account_key').on(t.kind, t.accountId)],
);

/** One thread with one contact on one channel (a Page comment thread is its own conversation). */
export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    /** The surface it is on: an adapter's kind, or one of its other surfaces (facebook_comment). */
    channel: text('channel').notNull(),
    /** The contact's address on the channel: E.164 phone, provider user id, or comment thread. */
    externalId: text('external_id').notNull(),
    contactPhone: text('contact_phone'),
    contactUserId: text('contact_user_id'),
    contactName: text('contact_name'),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'set null' }),
    /** The team member speaking, when the contact is one of the team. */
    memberId: uuid('member_id').references(() => users.id, { onDelete: 'set null' }),
    handedOffAt: timestamp('handed_off_at', { withTimezone: true }),
    handoffReason: text('handoff_reason'),
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    welcomedAt: timestamp('welcomed_at', { withTimezone: true }),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    lastOutboundAt: timestamp('last_outbound_at', { withTimezone: true }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    /** Conversation memory of the bots: a pending question (missing lead details), the last lead talked about… */
    state: jsonb('state').$type<Record<string, unknown>>().notNull().default({}),
    /** For comments: where replies go. */
    thread: jsonb('thread').$type<{ postId?: string; commentId?: string }>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('conversations_channel_external_key').on(t.channelId, t.externalId),
    // The inbox's order (latest activity, then id): its first page is the start of this index.
    index('conversations_workspace_activity_idx').on(
      t.workspaceId,
      sql`coalesce(${t.lastMessageAt}, ${t.createdAt})`,
      t.id,
    ),
    // Inbox search: contact name and phone digits anywhere (pg_trgm, LIKE '%…%').
    index('conversations_contact_name_trgm_idx').using('gin', sql`lower(${t.contactName}) gin_trgm_ops`),
    index('conversations_contact_phone_trgm_idx').using('gin', sql`${t.contactPhone} gin_trgm_ops`),
    index('conversations_workspace_lead_idx').on(t.workspaceId, t.leadId),
    // Analytics: the conversations started in a range, and the team members' own chats (few).
    index('conversations_workspace_created_idx').on(t.workspaceId, t.createdAt),
    index('conversations_workspace_member_idx')
      .on(t.workspaceId, t.memberId)
      .where(sql`${t.memberId} is not null`),
    index('conversations_workspace_phone_idx').on(t.workspaceId, t.contactPhone),
  ],
);

/**
 * The order in which every transaction that locks several conversations' rows takes them:
 * (channel, external id) bytewise, the order ingest upserts them in (sorted by
 * `${channel_id}\0${external_id}`). One order everywhere, so two transactions never wait for each
 * other in a circle (bench/multi.ts found ingest, in key order, and routing, in id order,
 * deadlocking under two servers and two workers).
 */
export const conversationLockOrder = [conversations.channelId, sql`${conversations.externalId} collate "C"`] as const;

/**
 * `held`: a notice to a team member that could not go (their reply window closed, no template or
 * the template failed); outbound/held releases it when the member next writes.
 */
export const messageStatuses = [
  'received',
  'queued',
  'held',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/** Every message in and out. Inbound rows are unique on (channel, provider id): the inbox's dedupe. */
export const messages = pgTable(
  'messages',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    providerMessageId: text('provider_message_id'),
    type: text('type').notNull().default('text'),
    text: text('text'),
    /** Media, location, contacts, reply ids, template name and variables… */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: messageStatuses }).notNull(),
    errorCode: text('error_code'),
    errorTitle: text('error_title'),
    /** Why the outbox gave up: window_closed, provider_error, delivery_unknown, opted_out… */
    failReason: text('fail_reason'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** reply | notification | welcome | opt_out | reminder | … */
    purpose: text('purpose'),
    /** Makes queueing idempotent: a retried job that queues the same reply finds it queued. */
    dedupeKey: text('dedupe_key'),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    replyToId: uuid('reply_to_id'),
    /** How a bot reply was made (mode, latency, context hit, personalized, fallback), for the status summary. */
    meta: jsonb('meta').$type<Record<string, unknown>>(),
    /** Inbound: when inbound.route handled it. The route's claim, so a job that runs twice acts once. */
    routedAt: timestamp('routed_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('messages_channel_provider_id_key').on(t.channelId, t.providerMessageId),
    // Only queued (outbound) messages carry a dedupe key: inbound rows add no entry to this index.
    uniqueIndex('messages_workspace_dedupe_key')
      .on(t.workspaceId, t.dedupeKey)
      .where(sql`${t.dedupeKey} is not null`),
    // A conversation's messages in order, and keyset pages of them (created_at, id).
    index('messages_conversation_idx').on(t.conversationId, t.createdAt, t.id),
    // A range of the workspace's messages (analytics per day, first responses): with the columns
    // they count by in the key, an index-only scan (no heap page per message).
    index('messages_workspace_created_idx').on(
      t.workspaceId,
      t.createdAt,
      t.conversationId,
      t.direction,
      t.type,
      t.status,
    ),
    index('messages_sending_idx')
      .on(t.status, t.updatedAt)
      .where(sql`${t.status} in ('queued', 'sending')`),
  ],
);
