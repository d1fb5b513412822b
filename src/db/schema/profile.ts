import { index, jsonb, pgTable, real, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.ts';
import { conversations, messages } from './messaging.ts';
import { leads } from './leads.ts';
import { users } from './users.ts';
import { workspaces } from './workspaces.ts';

export const profileKeys = [
  'name',
  'email',
  'preferred_staff',
  'preferred_times',
  'special_notes',
  'communication_preferences',
  'preferred_services',
  'declined',
] as const;
export type ProfileKey = (typeof profileKeys)[number];

/**
 * What the customer told us about themselves, one row per fact and time. A fact is never
 * overwritten: a correction adds a row and marks the old one superseded, so history stays.
 */
export const profileFacts = pgTable(
  'profile_facts',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    /** E.164, or the channel user id when no phone is known. */
    contact: text('contact').notNull(),
    key: text('key', { enum: profileKeys }).notNull(),
    value: jsonb('value').$type<unknown>().notNull(),
    confidence: real('confidence').notNull().default(0.8),
    sourceMessageId: uuid('source_message_id').references(() => messages.id, { onDelete: 'set null' }),
    /** active | superseded (corrected by the customer) */
    status: text('status', { enum: ['active', 'superseded'] })
      .notNull()
      .default('active'),
    createdAt: createdAt(),
  },
  (t) => [
    index('profile_facts_contact_idx').on(t.workspaceId, t.contact, t.key),
    index('profile_facts_lead_idx').on(t.workspaceId, t.leadId),
  ],
);

/** Consent given or withdrawn, append-only (profiling, marketing, …). */
export const consents = pgTable(
  'consents',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    contact: text('contact').notNull(),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'set null' }),
    kind: text('kind').notNull(),
    granted: text('granted', { enum: ['granted', 'withdrawn'] }).notNull(),
    source: text('source').notNull(),
    sourceMessageId: uuid('source_message_id').references(() => messages.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('consents_contact_idx').on(t.workspaceId, t.contact)],
);

/** Who did what with personal data (exports, erasures, special-note reads). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    /** A one-way hash of the person's phone, so the trail proves an erasure without keeping the number. */
    subjectHash: text('subject_hash'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_workspace_idx').on(t.workspaceId, t.createdAt)],
);
