import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { users } from './users.ts';
import { workspaces } from './workspaces.ts';

export const leadStatuses = [
  'new',
  'contacted',
  'qualified',
  'meeting_scheduled',
  'demo_scheduled',
  'demo_done',
  'proposal',
  'negotiation',
  'won',
  'lost',
  'customer',
] as const;
export type LeadStatus = (typeof leadStatuses)[number];

/** A contact and the sales opportunity around them (one row: small teams think of them as one). */
export const leads = pgTable(
  'leads',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    company: text('company'),
    contactName: text('contact_name'),
    phone: text('phone'),
    email: text('email'),
    position: text('position'),
    source: text('source'),
    status: text('status', { enum: leadStatuses }).notNull().default('new'),
    score: integer('score').notNull().default(0),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    address: text('address'),
    turnover: text('turnover'),
    currentSystem: text('current_system'),
    challenges: text('challenges'),
    requirements: text('requirements'),
    notes: text('notes'),
    lastContactAt: timestamp('last_contact_at', { withTimezone: true }),
    nextFollowUpAt: timestamp('next_follow_up_at', { withTimezone: true }),
    /** The contact asked for no more messages (STOP); only direct replies reach them. */
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    customFields: jsonb('custom_fields').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('leads_workspace_phone_key').on(t.workspaceId, t.phone),
    // Ending in id: a filtered list is a backward walk of one index (keyset, newest first).
    index('leads_workspace_assignee_idx').on(t.workspaceId, t.assigneeId, t.id),
    index('leads_workspace_status_idx').on(t.workspaceId, t.status, t.id),
    index('leads_company_trgm_idx').using('gin', sql`lower(${t.company}) gin_trgm_ops`),
    index('leads_contact_name_trgm_idx').using('gin', sql`lower(${t.contactName}) gin_trgm_ops`),
    check('leads_score_range', sql`${t.score} BETWEEN 0 AND 100`),
  ],
);
