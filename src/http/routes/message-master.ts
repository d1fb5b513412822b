// The Message Master (follow-up sequences and their steps) and a lead's reminders.
import { z } from 'zod';
import { attachmentTypes, nurtureTriggers, reminderKinds, reminderStatuses } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { cancelReminder, enrollManually, listLeadReminders, stopLeadFollowups } from '../../nurture/reminders.ts';
import {
  addStep,
  createSequence,
  deleteSequence,
  deleteStep,
  getSequence,
  listSequences,
  updateSequence,
  updateStep,
  type SequenceWithSteps,
  type Step,
  type StepInput,
} from '../../nurture/sequences.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ErrorSchema, IdParams } from '../schemas.ts';
import { toApi } from '../serialize.ts';

const ts = z.string().describe('ISO-8601 timestamp');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const tags = ['message-master'];

const AttachmentSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).describe('A public link the provider downloads'),
  media_type: z.enum(attachmentTypes).describe('Guessed from the extension when omitted (else document)'),
  caption: z.string().max(1024).optional(),
  filename: z.string().max(240).optional(),
});
const AttachmentInputSchema = AttachmentSchema.extend({ media_type: z.enum(attachmentTypes).optional() });

export const StepSchema = z.object({
  id: z.uuid(),
  sequence_id: z.uuid(),
  position: z.number().int(),
  delay_days: z.number().int(),
  delay_hours: z.number().int(),
  send_time: hhmm.nullable(),
  title: z.string().nullable(),
  text: z.string(),
  attachments: z.array(AttachmentSchema),
  created_at: ts,
  updated_at: ts,
});
export const SequenceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  trigger: z.enum(nurtureTriggers),
  active: z.boolean(),
  steps: z.array(StepSchema),
  created_at: ts,
  updated_at: ts,
});

const stepFields = {
  position: z.number().int().min(0).max(1000).optional(),
  delay_days: z.number().int().min(0).max(365).default(0),
  delay_hours: z
    .number()
    .int()
    .min(0)
    .max(24 * 30)
    .default(0)
    .describe('With hours the step is sent at the exact offset; without, on that day at send_time'),
  send_time: hhmm.nullable().optional().describe('Local time for whole-day delays; default the workspace’s (10:00)'),
  title: z
    .string()
    .trim()
    .max(120)
    .nullable()
    .optional()
    .describe('Header label, e.g. "Day 3 follow-up" (derived from the delay when empty)'),
  text: z
    .string()
    .trim()
    .min(1)
    .max(4096)
    .describe('Sent as written; {company} {contact_name} {assignee} {demo_date} are filled in'),
  attachments: z.array(AttachmentInputSchema).max(10).optional(),
};
const StepCreateSchema = z.object(stepFields);
const StepUpdateSchema = z.object({
  ...stepFields,
  delay_days: z.number().int().min(0).max(365).optional(),
  delay_hours: z
    .number()
    .int()
    .min(0)
    .max(24 * 30)
    .optional(),
  text: stepFields.text.optional(),
});
const SequenceCreateSchema = z.object({
  name: z.string().trim().min(1).max(120),
  trigger: z.enum(nurtureTriggers).default('demo_done'),
  active: z.boolean().default(true),
  steps: z.array(StepCreateSchema).max(50).default([]),
});
const SequenceUpdateSchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  trigger: z.enum(nurtureTriggers).optional(),
  active: z.boolean().optional(),
});

export const ReminderSchema = z.object({
  id: z.uuid(),
  lead_id: z.uuid().nullable(),
  kind: z.enum(reminderKinds),
  label: z.string(),
  sequence_id: z.uuid().nullable(),
  sequence_name: z.string().nullable(),
  enrollment_id: z.uuid().nullable(),
  step_id: z.uuid().nullable(),
  task_id: z.uuid().nullable(),
  assignee_id: z.uuid().nullable(),
  due_at: ts,
  status: z.enum(reminderStatuses),
  late: z.boolean(),
  sent_at: ts.nullable(),
  cancelled_at: ts.nullable(),
  reason: z
    .string()
    .nullable()
    .describe(
      'Why it was cancelled or failed: lead_won, lead_lost, opted_out, stopped, cancelled, step_deleted, unassigned, assignee_inactive…',
    ),
  deliveries: z
    .array(z.object({ id: z.uuid(), status: z.string(), fail_reason: z.string().nullable() }))
    .describe('The WhatsApp messages it produced (header, text, attachments)'),
});

const stepInput = (b: Partial<z.infer<typeof StepUpdateSchema>>): Partial<StepInput> => ({
  position: b.position,
  delayDays: b.delay_days,
  delayHours: b.delay_hours,
  sendTime: b.send_time,
  title: b.title,
  text: b.text,
  attachments: b.attachments?.map((a) => ({
    url: a.url,
    mediaType: a.media_type,
    caption: a.caption,
    filename: a.filename,
  })),
});
const stepToApi = (s: Step) => ({
  ...toApi(s),
  attachments: s.attachments.map((a) => ({
    url: a.url,
    media_type: a.mediaType,
    ...(a.caption ? { caption: a.caption } : {}),
    ...(a.filename ? { filename: a.filename } : {}),
  })),
});
const sequenceToApi = (s: SequenceWithSteps) => ({ ...toApi(s), steps: s.steps.map(stepToApi) });

export function messageMasterRoutes(app: App, deps: Deps) {
  const { db } = deps;
  const q = z.object({ trigger: z.enum(nurtureTriggers).optional(), active: z.enum(['true', 'false']).optional() });
  app.get(
    '/api/message-master',
    {
      schema: {
        tags,
        summary: 'List follow-up sequences with their steps',
        querystring: q,
        response: { 200: z.object({ data: z.array(SequenceSchema) }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const rows = await listSequences(db, actor, {
        trigger: req.query.trigger,
        active: req.query.active === undefined ? undefined : req.query.active === 'true',
      });
      return { data: rows.map(sequenceToApi) };
    },
  );
  app.post(
    '/api/message-master',
    {
      schema: {
        tags,
        summary: 'Create a sequence (owners and admins)',
        body: SequenceCreateSchema,
        response: { 201: SequenceSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const b = req.body;
      const seq = await createSequence(db, actor, {
        name: b.name,
        trigger: b.trigger,
        active: b.active,
        steps: b.steps.map((s) => stepInput(s) as StepInput),
      });
      return reply.status(201).send(sequenceToApi(seq));
    },
  );
  app.get(
    '/api/message-master/:id',
    { schema: { tags, summary: 'Get a sequence', params: IdParams, response: { 200: SequenceSchema, ...errors } } },
    async (req) => {
      const { actor } = requireAuth(req);
      return sequenceToApi(await getSequence(db, actor, req.params.id));
    },
  );
  app.patch(
    '/api/message-master/:id',
    {
      schema: {
        tags,
        summary: 'Rename, retrigger or switch a sequence on/off (owners and admins)',
        params: IdParams,
        body: SequenceUpdateSchema,
        response: { 200: SequenceSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return sequenceToApi(await updateSequence(db, actor, req.params.id, req.body));
    },
  );
  app.delete(
    '/api/message-master/:id',
    {
      schema: {
        tags,
        summary: 'Delete a sequence and its pending reminders (owners and admins)',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      await deleteSequence(db, actor, req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/message-master/:id/steps',
    {
      schema: {
        tags,
        summary: 'Add a step (owners and admins)',
        params: IdParams,
        body: StepCreateSchema,
        response: { 201: StepSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      return reply
        .status(201)
        .send(stepToApi(await addStep(db, actor, req.params.id, stepInput(req.body) as StepInput)));
    },
  );
  app.patch(
    '/api/message-master/steps/:id',
    {
      schema: {
        tags,
        summary: 'Edit a step; pending reminders send the new text (owners and admins)',
        params: IdParams,
        body: StepUpdateSchema,
        response: { 200: StepSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return stepToApi(await updateStep(db, actor, req.params.id, stepInput(req.body)));
    },
  );
  app.delete(
    '/api/message-master/steps/:id',
    {
      schema: {
        tags,
        summary: 'Delete a step and cancel its pending reminders (owners and admins)',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      await deleteStep(db, actor, req.params.id, deps.now());
      return reply.status(204).send(null);
    },
  );

  const leadTags = ['reminders'];
  app.get(
    '/api/leads/:id/reminders',
    {
      schema: {
        tags: leadTags,
        summary: "A lead's follow-up and meeting reminders, soonest first",
        params: IdParams,
        response: { 200: z.object({ data: z.array(ReminderSchema) }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const rows = await listLeadReminders(db, actor, req.params.id);
      return { data: rows.map((r) => ({ ...toApi(r), deliveries: r.deliveries.map(toApi) })) };
    },
  );
  app.post(
    '/api/leads/:id/enrollments',
    {
      schema: {
        tags: leadTags,
        summary: 'Start a sequence for the lead now (manual trigger)',
        params: IdParams,
        body: z.object({ sequence_id: z.uuid() }),
        response: {
          201: z.object({
            enrollment_id: z.uuid(),
            sequence_name: z.string(),
            reminders: z.array(z.object({ id: z.uuid(), label: z.string(), due_at: ts })),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const done = await enrollManually(
        db,
        deps.queue,
        actor,
        req.params.id,
        req.body.sequence_id,
        deps.now(),
        uuidv7(),
      );
      return reply.status(201).send({
        enrollment_id: done.enrollment.id,
        sequence_name: done.sequenceName,
        reminders: done.reminders.map((r) => ({ id: r.id, label: r.label, due_at: r.dueAt.toISOString() })),
      });
    },
  );
  app.post(
    '/api/leads/:id/followups/stop',
    {
      schema: {
        tags: leadTags,
        summary: "Stop the lead's follow-up sequences (or one enrollment)",
        params: IdParams,
        body: z.object({ enrollment_id: z.uuid().optional() }).optional(),
        response: { 200: z.object({ cancelled: z.number().int() }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      return { cancelled: await stopLeadFollowups(db, actor, req.params.id, deps.now(), req.body?.enrollment_id) };
    },
  );
  app.post(
    '/api/reminders/:id/cancel',
    {
      schema: {
        tags: leadTags,
        summary: 'Cancel one pending reminder',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      await cancelReminder(db, actor, req.params.id, deps.now());
      return reply.status(204).send(null);
    },
  );
}
