import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { leads } from './leads.ts';
import { tasks } from './tasks.ts';
import { users } from './users.ts';
import { workspaces } from './workspaces.ts';

export const nurtureTriggers = ['demo_done', 'meeting_done', 'lead_created', 'manual'] as const;
export type NurtureTrigger = (typeof nurtureTriggers)[number];
export const attachmentTypes = ['image', 'document', 'video', 'audio'] as const;
/** A file sent after a step's text: a public URL the provider fetches, with an optional caption. */
export type StepAttachment = {
  url: string;
  mediaType: (typeof attachmentTypes)[number];
  caption?: string;
  filename?: string;
};

/** The "Message Master": pre-written follow-up sequences a trigger starts for a lead. */
export const messageMaster = pgTable(
  'message_master',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    trigger: text('trigger', { enum: nurtureTriggers }).notNull().default('demo_done'),
    active: boolean('active').notNull().default(true),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('message_master_workspace_trigger_idx').on(t.workspaceId, t.trigger)],
);

/**
 * One message of a sequence. Whole-day delays send at `send_time` local (null: the workspace
 * default, 10:00); a delay with hours sends at the exact offset. Business hours apply to both.
 */
export const messageMasterSteps = pgTable(
  'message_master_steps',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    sequenceId: uuid('sequence_id')
      .notNull()
      .references(() => messageMaster.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    delayDays: integer('delay_days').notNull().default(0),
    delayHours: integer('delay_hours').notNull().default(0),
    /** Local "HH:MM". */
    sendTime: text('send_time'),
    /** Shown in the header ("Day 3 follow-up"); derived from the delay when empty. */
    title: text('title'),
    /** The exact text to forward, with {company} {contact_name} {assignee} {demo_date}. */
    text: text('text').notNull(),
    attachments: jsonb('attachments').$type<StepAttachment[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('message_master_steps_sequence_idx').on(t.sequenceId, t.position),
    check('message_master_steps_delay', sql`${t.delayDays} >= 0 AND ${t.delayHours} >= 0`),
  ],
);

export const enrollmentStatuses = ['active', 'completed', 'stopped'] as const;

/** A lead in a sequence, once per trigger event (`trigger_key`), and at most once at a time. */
export const nurtureEnrollments = pgTable(
  'nurture_enrollments',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    sequenceId: uuid('sequence_id')
      .notNull()
      .references(() => messageMaster.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    trigger: text('trigger', { enum: nurtureTriggers }).notNull(),
    /** The event that enrolled: the command message id, `manual:<request>`… */
    triggerKey: text('trigger_key').notNull(),
    triggeredAt: timestamp('triggered_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: enrollmentStatuses }).notNull().default('active'),
    stopReason: text('stop_reason'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('nurture_enrollments_event_key').on(t.sequenceId, t.leadId, t.triggerKey),
    uniqueIndex('nurture_enrollments_active_key')
      .on(t.sequenceId, t.leadId)
      .where(sql`status = 'active'`),
    index('nurture_enrollments_workspace_lead_idx').on(t.workspaceId, t.leadId),
  ],
);

export const reminderStatuses = ['scheduled', 'sent', 'cancelled', 'failed'] as const;
export type ReminderStatus = (typeof reminderStatuses)[number];
export const reminderKinds = ['sequence', 'task'] as const;

/**
 * What the assignee is (or was) reminded of, and when: a sequence step (scheduled at enrollment,
 * one pg-boss job each) or a meeting/demo coming up (made when it is sent). The status change
 * scheduled → sent commits with the outbox rows, so a reminder is delivered at most once.
 */
export const reminders = pgTable(
  'reminders',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: reminderKinds }).notNull(),
    enrollmentId: uuid('enrollment_id').references(() => nurtureEnrollments.id, { onDelete: 'cascade' }),
    stepId: uuid('step_id').references(() => messageMasterSteps.id, { onDelete: 'set null' }),
    taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'cascade' }),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: reminderStatuses }).notNull().default('scheduled'),
    /** Sent well after its time (the server was down). */
    late: boolean('late').notNull().default(false),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /** cancelled: lead_won | lead_lost | opted_out | stopped | step_deleted | unassigned | cancelled; failed: assignee_inactive | error */
    reason: text('reason'),
    /** The outbound messages it produced (header, text, attachments). */
    messageIds: jsonb('message_ids').$type<string[]>().notNull().default([]),
    /** When its job was last queued; the sweep re-queues a reminder whose job was lost. */
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('reminders_workspace_lead_idx').on(t.workspaceId, t.leadId, t.dueAt),
    index('reminders_scheduled_due_idx')
      .on(t.dueAt)
      .where(sql`status = 'scheduled'`),
    uniqueIndex('reminders_enrollment_step_key').on(t.enrollmentId, t.stepId),
    uniqueIndex('reminders_task_due_key').on(t.taskId, t.dueAt),
  ],
);

/** One row per workspace and local day whose morning digest went out (the sweep's claim). */
export const digestRuns = pgTable(
  'digest_runs',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    localDate: text('local_date').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.localDate] })],
);
