// Profile facts: what a customer tells us about themselves, one message at a time (issue 5,
// "Progressive profiling"). These shapes are the contract between the extractors (rules now, LLM
// later), the CLI (`parley extract-profile`) and the storage layer.
//
// Conventions
// - Weekdays are lowercase English names ("monday"); "weekend" → saturday + sunday, "weekdays" →
//   monday…friday.
// - `before` / `after` are 24-hour "HH:MM" bounds on when the customer can come: "busy after 2pm"
//   → before "14:00", "I work until 5" → after "17:00", "not mornings" → after "12:00".
// - `part_of_day` only from an explicit word (morning, subah, morgens…), never guessed from a clock.
// - `communication_preferences.language` is an ISO 639-1 code ("en", "de", "hi") and only from an
//   explicit request; the language a message is written in is not a fact.
// - `preferred_staff` keeps a title ("Dr. Keller") and drops honorifics (ma'am, sir, ji, Frau, Mr).
// - `declined` names the field the customer refused to give ("email").
// - A key is absent when nothing was found; facts about other people are never the customer's.
import { z } from 'zod';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const WeekdaySchema = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof WeekdaySchema>;

export const PARTS_OF_DAY = ['morning', 'afternoon', 'evening'] as const;
export const PartOfDaySchema = z.enum(PARTS_OF_DAY);
export type PartOfDay = z.infer<typeof PartOfDaySchema>;

/** "HH:MM", 24-hour clock. */
export const ClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)');

export const PreferredTimesSchema = z
  .object({
    part_of_day: PartOfDaySchema.optional(),
    before: ClockTimeSchema.optional(),
    after: ClockTimeSchema.optional(),
    days: z.array(WeekdaySchema).min(1).optional(),
  })
  .strict();
export type PreferredTimes = z.infer<typeof PreferredTimesSchema>;

export const NOTE_CATEGORIES = ['fear', 'physical', 'allergy', 'medical', 'request', 'cultural'] as const;
export const NoteCategorySchema = z.enum(NOTE_CATEGORIES);
export type NoteCategory = z.infer<typeof NoteCategorySchema>;

export const SpecialNoteSchema = z.object({ category: NoteCategorySchema, text: z.string().min(1).max(500) }).strict();
export type SpecialNote = z.infer<typeof SpecialNoteSchema>;

export const CHANNELS = ['whatsapp', 'sms', 'email', 'phone'] as const;
export const CommunicationPreferencesSchema = z
  .object({
    channel: z.enum(CHANNELS).optional(),
    /** Present (true) only when the customer asked not to be called. */
    no_calls: z.literal(true).optional(),
    /** ISO 639-1, lowercase. */
    language: z
      .string()
      .regex(/^[a-z]{2}$/, 'expected an ISO 639-1 code')
      .optional(),
  })
  .strict();
export type CommunicationPreferences = z.infer<typeof CommunicationPreferencesSchema>;

/** Fields a customer may refuse to give; the bot never asks for a declined field again. */
export const DECLINABLE_FIELDS = [
  'name',
  'email',
  'phone',
  'address',
  'date_of_birth',
  'preferred_staff',
  'preferred_times',
  'special_notes',
  'communication_preferences',
  'preferred_services',
] as const;
export const DeclinableFieldSchema = z.enum(DECLINABLE_FIELDS);
export type DeclinableField = z.infer<typeof DeclinableFieldSchema>;

export const PROFILE_FACT_KEYS = [
  'name',
  'email',
  'preferred_staff',
  'preferred_times',
  'special_notes',
  'communication_preferences',
  'preferred_services',
  'declined',
] as const;
export const ProfileFactKeySchema = z.enum(PROFILE_FACT_KEYS);
export type ProfileFactKey = z.infer<typeof ProfileFactKeySchema>;

export const ProfileFactsSchema = z
  .object({
    name: z.string().min(1).max(120).optional(),
    email: z.email().optional(),
    preferred_staff: z.string().min(1).max(120).optional(),
    preferred_times: PreferredTimesSchema.optional(),
    special_notes: z.array(SpecialNoteSchema).min(1).optional(),
    communication_preferences: CommunicationPreferencesSchema.optional(),
    preferred_services: z.array(z.string().min(1).max(120)).min(1).optional(),
    declined: DeclinableFieldSchema.optional(),
  })
  .strict();
export type ProfileFacts = z.infer<typeof ProfileFactsSchema>;

/** What an extractor returns for one message; the storage layer keeps time and source itself. */
export const ProfileExtractionSchema = z.object({
  facts: ProfileFactsSchema,
  /** 0…1 per key present in `facts`. */
  confidence: z.partialRecord(ProfileFactKeySchema, z.number().min(0).max(1)),
  /** Keys the customer explicitly corrected ("actually my name is …", "sorry, I meant Tuesday"). */
  corrects: z.array(ProfileFactKeySchema).optional(),
});
export type ProfileExtraction = z.infer<typeof ProfileExtractionSchema>;

/** Optional conversation context that sharpens extraction of one message. */
export type ExtractProfileContext = {
  /** The detail the bot asked for in its previous message: "I'd rather not say" then declines it,
   *  and a bare "Rahul" answers a name question. */
  askedFor?: DeclinableField;
  /** Facts already stored: a changed value after "sorry"/"no," counts as a correction. */
  known?: ProfileFacts;
};
