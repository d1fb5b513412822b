import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { leads } from './leads.ts';
import { users } from './users.ts';
import { workspaces } from './workspaces.ts';

export const taskTypes = ['meeting', 'demo', 'follow_up', 'call', 'other'] as const;
export const taskStatuses = ['pending', 'done', 'cancelled'] as const;
export const taskPriorities = ['low', 'medium', 'high'] as const;
export type TaskType = (typeof taskTypes)[number];
export type TaskStatus = (typeof taskStatuses)[number];
export type TaskPriority = (typeof taskPriorities)[number];

export const tasks = pgTable(
  'tasks',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'cascade' }),
    type: text('type', { enum: taskTypes }).notNull().default('follow_up'),
    title: text('title').notNull(),
    description: text('description'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    status: text('status', { enum: taskStatuses }).notNull().default('pending'),
    priority: text('priority', { enum: taskPriorities }).notNull().default('medium'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('tasks_workspace_assignee_due_idx').on(t.workspaceId, t.assigneeId, t.dueAt),
    index('tasks_workspace_lead_idx').on(t.workspaceId, t.leadId),
  ],
);
