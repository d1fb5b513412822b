import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.ts';
import { leads } from './leads.ts';
import { users } from './users.ts';
import { workspaces } from './workspaces.ts';

/** What changed: field → old and new value (status, assignee, times). */
export type ActivityChanges = Record<string, { old: unknown; new: unknown }>;

/**
 * The append-only timeline. Every CRM change writes one row in the same transaction; a trigger
 * (migration 0002) rejects UPDATE so history cannot be rewritten.
 */
export const activities = pgTable(
  'activities',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** Past-tense dotted type: lead.created, status.changed, meeting.scheduled, … */
    type: text('type').notNull(),
    text: text('text').notNull(),
    changes: jsonb('changes').$type<ActivityChanges>().notNull().default({}),
    /** The task, deal or note the activity is about, when there is one. */
    subjectType: text('subject_type'),
    subjectId: uuid('subject_id'),
    createdAt: createdAt(),
  },
  // A lead's timeline newest first in keyset pages of (created_at, id): one backward index walk.
  (t) => [index('activities_workspace_lead_idx').on(t.workspaceId, t.leadId, t.createdAt, t.id)],
);
