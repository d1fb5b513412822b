// Wall-clock arithmetic in an IANA time zone using only Intl, so nothing depends on the machine's
// own zone (servers run in UTC; workspaces mostly in Asia/Kolkata).

export type YMD = { year: number; month: number; day: number }; // month 1-12

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// formatToParts costs ~30 µs, so offsets are cached per zone and 15-minute slot: zone changes
// happen on whole quarter hours of UTC in every current tz database rule.
const SLOT_MS = 15 * 60_000;
const offsetCache = new Map<string, number>();

/** The zone's UTC offset in minutes at an instant (+330 for Asia/Kolkata). */
export function offsetAt(instant: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(instant / SLOT_MS)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size > 10_000) offsetCache.clear();
    offset = computeOffset(instant, timeZone);
    offsetCache.set(key, offset);
  }
  return offset;
}

function computeOffset(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const v: Record<string, number> = {};
  for (const p of parts) if (p.type !== 'literal') v[p.type] = Number(p.value);
  const wall = Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second);
  return Math.round((wall - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * The instant of a wall-clock time in the zone. In a fall-back hour the earlier reading wins; a
 * time skipped by a spring-forward change moves forward by the gap (02:30 → 03:30).
 */
export function instantOf(date: YMD, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const first = wall - offsetAt(wall, timeZone) * 60_000;
  const second = wall - offsetAt(first, timeZone) * 60_000;
  const fits = (instant: number) => instant + offsetAt(instant, timeZone) * 60_000 === wall;
  if (fits(first) && fits(second)) return Math.min(first, second);
  if (fits(first)) return first;
  if (fits(second)) return second;
  return Math.max(first, second);
}

/** The zone's calendar date and minutes since midnight at an instant. */
export function wallAt(instant: number, timeZone: string): { date: YMD; minutes: number } {
  const shifted = new Date(instant + offsetAt(instant, timeZone) * 60_000);
  return {
    date: { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() },
    minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
  };
}

export function addDays(date: YMD, days: number): YMD {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: YMD): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

export function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

export function compareYMD(a: YMD, b: YMD): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

export function formatDate(date: YMD): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** ISO-8601 with the zone's offset at that instant, e.g. 2026-03-12T15:00:00+05:30. */
export function formatInstant(instant: number, timeZone: string): string {
  const offset = offsetAt(instant, timeZone);
  const shifted = new Date(instant + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  return (
    `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}` +
    `T${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  );
}
