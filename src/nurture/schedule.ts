// When things are due, in the workspace's time zone: a sequence step's instant, the next business
// opening, local dates and times. Pure functions over Intl (no machine time zone involved).
//
// Workspace settings read here (jsonb `workspaces.settings`, every key optional):
//   business_hours: { days: ["mon", …, "sat"], open: "10:00", close: "19:00" }
//   reminders: { send_time: "10:00", meeting_lead_minutes: 30, digest_time: "09:00" | "off" }
import { z } from 'zod';
import { addDays, formatDate, instantOf, wallAt, weekdayOf, type YMD } from '../lib/zone.ts';

/** When a whole-day step is sent unless the step or the workspace says otherwise. */
export const DEFAULT_SEND_TIME = '10:00';
export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

export const BusinessHoursSchema = z
  .object({ days: z.array(z.enum(weekdays)).min(1), open: hhmm, close: hhmm })
  .refine((b) => b.open < b.close, { message: 'open must be before close', path: ['close'] });
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

export const ReminderSettingsSchema = z.object({
  send_time: hhmm.optional(),
  meeting_lead_minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .optional(),
  digest_time: z.union([hhmm, z.literal('off')]).optional(),
});
export type ReminderSettings = z.infer<typeof ReminderSettingsSchema>;

/** The workspace's business hours, or null (always open) when unset or malformed. */
export function businessHoursOf(settings: Record<string, unknown> | null | undefined): BusinessHours | null {
  const r = BusinessHoursSchema.safeParse(settings?.business_hours);
  return r.success ? r.data : null;
}

export function reminderSettingsOf(settings: Record<string, unknown> | null | undefined): ReminderSettings {
  const r = ReminderSettingsSchema.safeParse(settings?.reminders ?? {});
  return r.success ? r.data : {};
}

export const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

export type StepTiming = { delayDays: number; delayHours: number; sendTime: string | null };

/**
 * When a step falls due after a trigger. Whole days: that local day at the send time (if that is
 * not after the trigger, the next day). With hours: the exact offset (days are calendar days, so
 * a DST change does not shift the wall time). Then, outside business hours, the next opening.
 */
export function stepDueAt(
  trigger: Date,
  step: StepTiming,
  opts: { timeZone: string; defaultSendTime: string; businessHours: BusinessHours | null },
): Date {
  const tz = opts.timeZone;
  const start = wallAt(trigger.getTime(), tz);
  let due: number;
  if (step.delayHours > 0) {
    const day = addDays(start.date, step.delayDays);
    due =
      instantOf(day, Math.floor(start.minutes / 60), start.minutes % 60, tz) +
      (trigger.getTime() % 60_000) +
      step.delayHours * 3600_000;
  } else {
    const m = minutesOf(step.sendTime ?? opts.defaultSendTime);
    let day = addDays(start.date, step.delayDays);
    due = instantOf(day, Math.floor(m / 60), m % 60, tz);
    if (due <= trigger.getTime()) {
      day = addDays(day, 1);
      due = instantOf(day, Math.floor(m / 60), m % 60, tz);
    }
  }
  return new Date(opts.businessHours ? nextOpening(due, tz, opts.businessHours) : due);
}

/** The instant itself when the business is open then, else the next opening (up to a week on). */
export function nextOpening(instant: number, timeZone: string, hours: BusinessHours): number {
  const open = minutesOf(hours.open);
  const close = minutesOf(hours.close);
  const days = new Set(hours.days.map((d) => weekdays.indexOf(d)));
  const now = wallAt(instant, timeZone);
  for (let i = 0; i <= 7; i++) {
    const date = addDays(now.date, i);
    if (!days.has(weekdayOf(date))) continue;
    if (i === 0 && now.minutes >= close) continue;
    if (i === 0 && now.minutes >= open) return instant;
    return instantOf(date, Math.floor(open / 60), open % 60, timeZone);
  }
  return instant;
}

/** The local calendar date ("2026-03-12") and minutes since midnight at an instant. */
export function localNow(at: Date, timeZone: string): { date: string; ymd: YMD; minutes: number } {
  const w = wallAt(at.getTime(), timeZone);
  return { date: formatDate(w.date), ymd: w.date, minutes: w.minutes };
}

/** Start and end instants of a local day. */
export function localDayBounds(ymd: YMD, timeZone: string): { start: Date; end: Date } {
  return { start: new Date(instantOf(ymd, 0, 0, timeZone)), end: new Date(instantOf(addDays(ymd, 1), 0, 0, timeZone)) };
}

/** "Tue 12 Mar, 10:00 am" — short, for reminder texts. */
export function formatShort(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-IN', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: 'numeric',
    minute: '2-digit',
    hour12: true,
  }).format(at);
}

/** "12 Mar 2026" */
export function formatDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-IN', { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(at);
}

/** "3:00 pm" */
export function formatTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-IN', { timeZone, hour: 'numeric', minute: '2-digit', hour12: true }).format(at);
}

/** "Day 3 follow-up" from the step's title or delay. */
export function stepLabel(step: { title: string | null; delayDays: number; delayHours: number }): string {
  if (step.title) return step.title;
  if (step.delayDays > 0) return `Day ${step.delayDays} follow-up`;
  return `${step.delayHours}-hour follow-up`;
}
