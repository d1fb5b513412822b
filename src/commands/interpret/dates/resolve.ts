// Turns a joined group into a calendar date and, when a clock time is known, an instant — applying
// the product's conventions (documented on parseWhen) in the workspace's zone.
import type { Group } from './pieces.ts';
import { weekdayDate } from './day-parsers.ts';
import { addDays, compareYMD, instantOf, isRealDate, wallAt, type YMD } from '../../../lib/zone.ts';

export type Resolved = { date: YMD; instant?: number };

/** The hour each part of the day is over. */
const POD_ENDS: Record<NonNullable<Group['pod']>, number> = { morning: 12, afternoon: 17, evening: 21, night: 24 };

/**
 * The 24-hour clock hour. Explicit am/pm and 24-hour readings ("15:30") win; otherwise a part of
 * the day decides ("shaam 6" → 18, "raat 2" → 2, "raat 12" → 0); a bare hour follows business
 * hours: 1-7 → pm, 8-11 → am, 12 → noon.
 */
export function clockHour(hour: number, meridiem: boolean | undefined, pod: Group['pod']): number {
  if (meridiem || hour === 0 || hour >= 13) return hour;
  switch (pod) {
    case 'morning':
      return hour;
    case 'afternoon':
      return hour <= 7 ? hour + 12 : hour;
    case 'evening':
      return hour === 12 ? 12 : hour + 12;
    case 'night':
      return hour === 12 ? 0 : hour <= 4 ? hour : hour + 12;
    default:
      return hour <= 7 ? hour + 12 : hour;
  }
}

function nextDayOfMonth(today: YMD, day: number): YMD | null {
  for (let i = 0; i < 12; i++) {
    const month = ((today.month - 1 + i) % 12) + 1;
    const year = today.year + Math.floor((today.month - 1 + i) / 12);
    if (isRealDate(year, month, day) && (i > 0 || day >= today.day)) return { year, month, day };
  }
  return null;
}

function nextDateInYear(today: YMD, month: number, day: number): YMD | null {
  for (let year = today.year; year <= today.year + 8; year++) {
    const date = { year, month, day };
    if (isRealDate(year, month, day) && compareYMD(date, today) >= 0) return date;
  }
  return null;
}

export function resolveGroup(group: Group, now: number, timeZone: string): Resolved | null {
  if (group.poison) return null;
  if (group.offsetMinutes !== undefined) {
    const instant = Math.floor(now / 60_000) * 60_000 + group.offsetMinutes * 60_000;
    return { date: wallAt(instant, timeZone).date, instant };
  }
  const today = wallAt(now, timeZone).date;

  let date = group.date;
  if (date && group.nextWeek && group.weekday !== undefined) date = weekdayDate(today, group.weekday, 'next');
  else if (date && group.monthless) date = nextDayOfMonth(today, date.day) ?? undefined;
  else if (date && group.yearless) date = nextDateInYear(today, date.month, date.day) ?? undefined;
  if (group.date && !date) return null;

  if (group.hour === undefined) {
    if (date) return { date };
    // A part of day alone names a day only when it says which: "tonight" / "is afternoon" are
    // today; "shaam ko" is the next evening (today unless it is over).
    if (group.pod && group.podThis) return { date: today };
    if (group.pod && group.podSoon)
      return { date: wallAt(now, timeZone).minutes < POD_ENDS[group.pod] * 60 ? today : addDays(today, 1) };
    return null;
  }

  const hour = clockHour(group.hour, group.meridiem, group.pod);
  const minute = group.minute ?? 0;
  if (date) {
    // "kal raat 12 baje", "Friday midnight": the small hours after that evening.
    if ((group.midnight || group.pod === 'night') && hour < 5) date = addDays(date, 1);
    return { date, instant: instantOf(date, hour, minute, timeZone) };
  }
  // A time without a day: today if it is still ahead, otherwise tomorrow.
  const todayAt = instantOf(today, hour, minute, timeZone);
  if (todayAt > now) return { date: today, instant: todayAt };
  const tomorrow = addDays(today, 1);
  return { date: tomorrow, instant: instantOf(tomorrow, hour, minute, timeZone) };
}
