// zod schemas of what the API returns, shared by the routes, the OpenAPI document and the
// dashboard. Field names are snake_case as in the specs' examples.
import { z } from 'zod';
import { dealStages, leadStatuses, roles, taskPriorities, taskStatuses, taskTypes } from '../db/schema/index.ts';
import { jsonObject } from './input-rules.ts';

const ts = z.string().describe('ISO-8601 timestamp');
const id = z.uuid();

export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(500).optional(),
});

export const IdParams = z.object({ id });

export const WorkspaceSchema = z.object({
  id,
  name: z.string(),
  time_zone: z.string(),
  phone_region: z.string(),
  settings: z.record(z.string(), z.unknown()),
  created_at: ts,
});

export const UserSchema = z.object({
  id,
  workspace_id: id,
  name: z.string(),
  username: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  role: z.enum(roles),
  active: z.boolean(),
  created_at: ts,
});

export const LeadSchema = z.object({
  id,
  company: z.string().nullable(),
  contact_name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  position: z.string().nullable(),
  source: z.string().nullable(),
  status: z.enum(leadStatuses),
  score: z.number().int(),
  assignee_id: id.nullable(),
  created_by_id: id.nullable(),
  address: z.string().nullable(),
  turnover: z.string().nullable(),
  current_system: z.string().nullable(),
  challenges: z.string().nullable(),
  requirements: z.string().nullable(),
  notes: z.string().nullable(),
  last_contact_at: ts.nullable(),
  next_follow_up_at: ts.nullable(),
  custom_fields: z.record(z.string(), z.unknown()),
  created_at: ts,
  updated_at: ts,
});

export const DealSchema = z.object({
  id,
  lead_id: id,
  title: z.string(),
  value: z.number(),
  currency: z.string(),
  stage: z.enum(dealStages),
  probability: z.number().int(),
  created_by_id: id.nullable(),
  closed_at: ts.nullable(),
  created_at: ts,
  updated_at: ts,
});

export const TaskSchema = z.object({
  id,
  lead_id: id.nullable(),
  company: z.string().nullable().optional(),
  contact_name: z.string().nullable().optional(),
  type: z.enum(taskTypes),
  title: z.string(),
  description: z.string().nullable(),
  due_at: ts.nullable(),
  status: z.enum(taskStatuses),
  priority: z.enum(taskPriorities),
  assignee_id: id.nullable(),
  created_by_id: id.nullable(),
  completed_at: ts.nullable(),
  created_at: ts,
  updated_at: ts,
});

export const NoteSchema = z.object({ id, lead_id: id, author_id: id.nullable(), body: z.string(), created_at: ts });

export const ActivitySchema = z.object({
  id,
  lead_id: id.nullable(),
  actor_id: id.nullable(),
  type: z.string(),
  text: z.string(),
  changes: z.record(z.string(), z.object({ old: z.unknown(), new: z.unknown() })),
  subject_type: z.string().nullable(),
  subject_id: id.nullable(),
  created_at: ts,
});

export const HistoryItemSchema = z.object({
  kind: z.enum(['activity', 'task', 'deal', 'note', 'message']),
  id,
  at: ts,
  type: z.string(),
  text: z.string(),
  actor_id: id.nullable(),
  actor_name: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export const ApiKeySchema = z.object({
  id,
  name: z.string(),
  prefix: z.string(),
  role: z.enum(roles),
  last_used_at: ts.nullable(),
  revoked_at: ts.nullable(),
  created_at: ts,
});

// Inputs
const text = (max = 500) => z.string().trim().max(max);
const datetime = z.iso.datetime({ offset: true });

export const LeadCreateSchema = z.object({
  company: text(200).nullish(),
  contact_name: text(200).nullish(),
  phone: text(40).nullish(),
  email: z.email().nullish(),
  position: text(200).nullish(),
  source: text(200).nullish(),
  status: z.enum(leadStatuses).optional(),
  score: z.number().int().min(0).max(100).optional(),
  assignee_id: id.nullish(),
  address: text(1000).nullish(),
  turnover: text(200).nullish(),
  current_system: text(500).nullish(),
  challenges: text(4000).nullish(),
  requirements: text(4000).nullish(),
  notes: text(10000).nullish(),
  last_contact_at: datetime.nullish(),
  next_follow_up_at: datetime.nullish(),
  custom_fields: jsonObject({ maxBytes: 16 * 1024, maxDepth: 5 }).optional(),
});
export const LeadUpdateSchema = LeadCreateSchema.partial();

export const DealCreateSchema = z.object({
  title: text(200).min(1),
  value: z.number().min(0).max(1e12).optional(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'a three-letter currency code such as INR')
    .optional(),
  stage: z.enum(dealStages).optional(),
  probability: z.number().int().min(0).max(100).optional(),
});
export const DealUpdateSchema = DealCreateSchema.partial();

export const TaskCreateSchema = z.object({
  lead_id: id.nullish(),
  type: z.enum(taskTypes).optional(),
  title: text(300).optional(),
  description: text(4000).nullish(),
  due_at: datetime.nullish(),
  priority: z.enum(taskPriorities).optional(),
  assignee_id: id.nullish(),
});
export const TaskUpdateSchema = TaskCreateSchema.omit({ lead_id: true })
  .extend({ status: z.enum(taskStatuses).optional() })
  .partial();

export const RegisterSchema = z.object({
  name: text(200).min(1),
  email: z.email(),
  password: z.string().min(8, 'at least 8 characters').max(200),
  phone: text(40).nullish(),
  username: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9._-]{2,40}$/, 'letters, digits, dot, dash or underscore')
    .optional(),
  role: z.enum(roles).optional().describe('Only when an owner or admin adds a member'),
  workspace_name: text(200).optional().describe('For a new workspace'),
  time_zone: z.string().optional(),
  phone_region: z.string().optional(),
});

export const LoginSchema = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(200) });

export const MessageSchema = z.object({
  id,
  conversation_id: id,
  channel_id: id,
  direction: z.enum(['in', 'out']),
  provider_message_id: z.string().nullable(),
  type: z.string(),
  text: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  status: z.string(),
  error_code: z.string().nullable(),
  error_title: z.string().nullable(),
  fail_reason: z.string().nullable(),
  attempts: z.number().int(),
  purpose: z.string().nullable(),
  author_id: id.nullable(),
  reply_to_id: id.nullable(),
  sent_at: ts.nullable(),
  delivered_at: ts.nullable(),
  read_at: ts.nullable(),
  failed_at: ts.nullable(),
  created_at: ts,
  answered_from: z
    .array(z.object({ link_id: id, link: z.string(), record: z.string() }))
    .describe(
      "The knowledge the bot answered from: the source (a knowledge link's name) and the record; empty for other messages",
    ),
});

/** A notice to a team member (GET /api/users/{id}/notices). */
export const NoticeSchema = z.object({
  id,
  text: z.string().nullable(),
  purpose: z.string().nullable().describe('notification | handoff | reminder | digest …'),
  status: z
    .string()
    .describe("queued | held (waits for the member's window to open) | sending | sent | delivered | read | failed"),
  fail_reason: z.string().nullable().describe('Why it is held or failed: window_closed, template_failed…'),
  created_at: ts,
  sent_at: ts.nullable(),
});

export const ConversationSchema = z.object({
  id,
  channel_id: id,
  channel: z.string(),
  external_id: z.string(),
  contact_phone: z.string().nullable(),
  contact_user_id: z.string().nullable(),
  contact_name: z.string().nullable(),
  lead_id: id.nullable(),
  member_id: id.nullable(),
  handed_off_at: ts.nullable(),
  handoff_reason: z.string().nullable(),
  opted_out_at: ts.nullable(),
  last_inbound_at: ts.nullable(),
  last_outbound_at: ts.nullable(),
  last_message_at: ts.nullable(),
  created_at: ts,
});

export const ChannelSchema = z.object({
  id,
  kind: z.string(),
  name: z.string(),
  account_id: z.string(),
  settings: z.record(z.string(), z.unknown()),
  from_env: z.boolean(),
  active: z.boolean(),
  has_secrets: z.boolean(),
  created_at: ts,
});
