// The contract between "what a salesperson typed" and "what the executor does": one zod union on
// `intent`. The rules interpreter, the LLM interpreter and the executor all speak this shape.
// Free-text fields keep the user's own words (trimmed, no honorifics); a field the user did not
// give stays absent, so the executor can ask for it instead of inventing it.
import { z } from 'zod';

const text = z.string().trim().min(1);
/** ISO-8601 datetime with the workspace's offset, e.g. 2026-03-12T15:00:00+05:30. */
const at = z.iso.datetime({ offset: true, local: false });
/** A calendar date in the workspace's time zone, YYYY-MM-DD. */
const day = z.iso.date();

export const CreateLeadSchema = z.object({
  intent: z.literal('create_lead'),
  company: text,
  contact_name: text.optional(),
  phone: text.optional(),
  email: text.optional(),
  source: text.optional(),
  assignee: text.optional(),
});
export const QualifyLeadSchema = z.object({ intent: z.literal('qualify_lead'), company: text });
export const ProvideDetailsSchema = z.object({
  intent: z.literal('provide_details'),
  company: text.optional(),
  address: text.optional(),
  turnover: text.optional(),
  current_system: text.optional(),
  challenges: text.optional(),
});
export const ScheduleMeetingSchema = z.object({
  intent: z.literal('schedule_meeting'),
  company: text,
  at: at.optional(),
  assignee: text.optional(),
});
export const ScheduleDemoSchema = z.object({
  intent: z.literal('schedule_demo'),
  company: text,
  at: at.optional(),
  assignee: text.optional(),
});
export const RescheduleMeetingSchema = z.object({ intent: z.literal('reschedule_meeting'), company: text, at });
export const RescheduleDemoSchema = z.object({ intent: z.literal('reschedule_demo'), company: text, at });
export const MeetingDoneSchema = z.object({ intent: z.literal('meeting_done'), company: text, note: text.optional() });
export const DemoDoneSchema = z.object({ intent: z.literal('demo_done'), company: text, note: text.optional() });
/** The pending meeting (demo) will not take place; `note` is the reason, when the user gave one. */
export const CancelMeetingSchema = z.object({
  intent: z.literal('cancel_meeting'),
  company: text,
  note: text.optional(),
});
export const CancelDemoSchema = z.object({ intent: z.literal('cancel_demo'), company: text, note: text.optional() });
export const AddActivitySchema = z.object({ intent: z.literal('add_activity'), company: text, note: text });
export const ReassignLeadSchema = z.object({ intent: z.literal('reassign_lead'), company: text, assignee: text });
/**
 * The deal is won (or lost); `note` is what the user said about it (for lost, the reason);
 * `amount` what it was won for, in the workspace's currency ("won for 2.5 lakh" → 250000).
 */
export const MarkWonSchema = z.object({
  intent: z.literal('mark_won'),
  company: text,
  note: text.optional(),
  amount: z.number().positive().max(1e12).optional(),
  /** The amount's currency when said ("$5000"): otherwise the deal's default (INR). */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
});
export const MarkLostSchema = z.object({ intent: z.literal('mark_lost'), company: text, note: text.optional() });
/** A call to make: a task of type `call`. */
export const ScheduleCallSchema = z.object({
  intent: z.literal('schedule_call'),
  company: text,
  at: at.optional(),
  assignee: text.optional(),
});
export const SetScoreSchema = z.object({
  intent: z.literal('set_score'),
  company: text,
  score: z.number().int().min(0).max(100),
});
/** New values for the lead's own fields, as the user wrote them ("Orbit ka email orbit@x.in kar do"). */
export const UpdateLeadSchema = z.object({
  intent: z.literal('update_lead'),
  company: text,
  contact_name: text.optional(),
  phone: text.optional(),
  email: text.optional(),
  source: text.optional(),
  address: text.optional(),
});
export const ListLeadsSchema = z.object({ intent: z.literal('list_leads'), assignee: text.optional() });
export const ListTasksSchema = z.object({
  intent: z.literal('list_tasks'),
  assignee: text.optional(),
  when: day.optional(),
});
export const LeadHistorySchema = z.object({ intent: z.literal('lead_history'), company: text });
export const StopFollowupsSchema = z.object({ intent: z.literal('stop_followups'), company: text });
/** Hand the lead's paused (handed-off) conversations back to the customer bot; `company` may be a phone. */
export const ReleaseBotSchema = z.object({ intent: z.literal('release_bot'), company: text });
export const HelpSchema = z.object({ intent: z.literal('help') });
export const UnknownSchema = z.object({ intent: z.literal('unknown') });

export const CommandSchema = z.discriminatedUnion('intent', [
  CreateLeadSchema,
  QualifyLeadSchema,
  ProvideDetailsSchema,
  ScheduleMeetingSchema,
  ScheduleDemoSchema,
  RescheduleMeetingSchema,
  RescheduleDemoSchema,
  MeetingDoneSchema,
  DemoDoneSchema,
  CancelMeetingSchema,
  CancelDemoSchema,
  AddActivitySchema,
  ReassignLeadSchema,
  MarkWonSchema,
  MarkLostSchema,
  ScheduleCallSchema,
  SetScoreSchema,
  UpdateLeadSchema,
  ListLeadsSchema,
  ListTasksSchema,
  LeadHistorySchema,
  StopFollowupsSchema,
  ReleaseBotSchema,
  HelpSchema,
  UnknownSchema,
]);

export type Command = z.infer<typeof CommandSchema>;
export type Intent = Command['intent'];
export type CreateLeadCommand = z.infer<typeof CreateLeadSchema>;
export type QualifyLeadCommand = z.infer<typeof QualifyLeadSchema>;
export type ProvideDetailsCommand = z.infer<typeof ProvideDetailsSchema>;
export type ScheduleMeetingCommand = z.infer<typeof ScheduleMeetingSchema>;
export type ScheduleDemoCommand = z.infer<typeof ScheduleDemoSchema>;
export type RescheduleMeetingCommand = z.infer<typeof RescheduleMeetingSchema>;
export type RescheduleDemoCommand = z.infer<typeof RescheduleDemoSchema>;
export type MeetingDoneCommand = z.infer<typeof MeetingDoneSchema>;
export type DemoDoneCommand = z.infer<typeof DemoDoneSchema>;
export type CancelMeetingCommand = z.infer<typeof CancelMeetingSchema>;
export type CancelDemoCommand = z.infer<typeof CancelDemoSchema>;
export type AddActivityCommand = z.infer<typeof AddActivitySchema>;
export type ReassignLeadCommand = z.infer<typeof ReassignLeadSchema>;
export type MarkWonCommand = z.infer<typeof MarkWonSchema>;
export type MarkLostCommand = z.infer<typeof MarkLostSchema>;
export type ScheduleCallCommand = z.infer<typeof ScheduleCallSchema>;
export type SetScoreCommand = z.infer<typeof SetScoreSchema>;
export type UpdateLeadCommand = z.infer<typeof UpdateLeadSchema>;
export type ListLeadsCommand = z.infer<typeof ListLeadsSchema>;
export type ListTasksCommand = z.infer<typeof ListTasksSchema>;
export type LeadHistoryCommand = z.infer<typeof LeadHistorySchema>;
export type StopFollowupsCommand = z.infer<typeof StopFollowupsSchema>;
export type ReleaseBotCommand = z.infer<typeof ReleaseBotSchema>;
export type HelpCommand = z.infer<typeof HelpSchema>;
export type UnknownCommand = z.infer<typeof UnknownSchema>;

export const INTENTS = CommandSchema.options.map((o) => o.shape.intent.value) as Intent[];

/** Every field any intent can carry, in the order the union lists them. */
export const COMMAND_FIELDS = [
  'company',
  'contact_name',
  'phone',
  'email',
  'source',
  'assignee',
  'address',
  'turnover',
  'current_system',
  'challenges',
  'at',
  'note',
  'when',
  'score',
] as const;
export type CommandField = (typeof COMMAND_FIELDS)[number];

const nullableText = z.string().nullable();

/**
 * The flat shape the LLM fills in: one object, every field present and nullable. Structured-output
 * APIs (OpenAI strict mode and compatible servers) accept this more reliably than a oneOf union;
 * `commandFromLlm` turns it into a `Command`. `z.toJSONSchema(CommandLlmSchema)` gives the schema.
 */
export const CommandLlmSchema = z.object({
  intent: z.enum(INTENTS as [Intent, ...Intent[]]).describe('What the salesperson wants done.'),
  company: nullableText.describe("The lead's company, in the user's own words."),
  contact_name: nullableText.describe('Contact person at the company, without honorifics (Mr., ji, sir).'),
  phone: nullableText.describe('Phone number as written.'),
  email: nullableText,
  source: nullableText.describe('Where the lead came from (trade fair, Google Ads, referral...).'),
  assignee: nullableText.describe('Team member the lead, meeting or list is for, without honorifics.'),
  address: nullableText,
  turnover: nullableText.describe('Turnover as written, e.g. "5 Cr".'),
  current_system: nullableText.describe('Software or process the company uses today.'),
  challenges: nullableText,
  at: nullableText.describe('ISO-8601 datetime with offset, only when the user gave a date or time.'),
  note: nullableText.describe(
    "The user's remark about the meeting, demo or activity, or why it was cancelled, in their words.",
  ),
  when: nullableText.describe('YYYY-MM-DD, for list_tasks only when the user gave a day.'),
  score: z.number().int().nullable().describe('0–100, for set_score only.'),
});
export type CommandLlm = z.infer<typeof CommandLlmSchema>;

/**
 * Keeps the fields the intent allows and drops nulls and blanks; an answer that still does not
 * fit the union (say, reassign_lead without an assignee) becomes `unknown`.
 */
export function commandFromLlm(raw: CommandLlm): Command {
  const option = CommandSchema.options.find((o) => o.shape.intent.value === raw.intent);
  if (!option) return { intent: 'unknown' };
  const out: Record<string, unknown> = { intent: raw.intent };
  for (const key of Object.keys(option.shape)) {
    if (key === 'intent') continue;
    const value = raw[key as CommandField];
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
    else if (typeof value === 'number') out[key] = value;
  }
  const parsed = CommandSchema.safeParse(out);
  return parsed.success ? parsed.data : { intent: 'unknown' };
}
