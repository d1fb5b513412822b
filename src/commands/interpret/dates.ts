// Finds the one date/time expression in a sales-team message — English, Hindi (Devanagari) or
// Hinglish — and resolves it against `now` in the workspace's time zone.
//
// How: text is normalized (normalize.ts), chrono-node finds pieces with its English casual parsers
// plus our Hindi/Hinglish parsers (day-parsers.ts, time-parsers.ts), neighbouring pieces are joined
// across Hindi connectors (pieces.ts) and the best group is resolved (resolve.ts).
//
// Conventions (all in the workspace's zone):
// - kal = tomorrow; parso = day after; "3 din baad" / "in 3 days" = a date without time.
// - A bare weekday is the next one after today; today's own weekday means next week's. "this" /
//   "is" / "coming" + weekday includes today. "next" / "agle" + weekday is that day of next week
//   (weeks start on Monday). "next week" / "agle hafte" = next week's Monday, date only.
// - A clock time without am/pm or part of day: 1-7 → pm, 8-11 → am, 12 → noon. "raat" 1-4 and 12
//   are the small hours (after that day's evening when a day is given).
// - A time without a day is today if still ahead of `now`, otherwise tomorrow.
// - A date without a year is the next such date (today included); "11th ko" is the next 11th.
// - A part of day alone gives a date only with a day or "this": "kal subah", "tonight", "is
//   afternoon" → date, hasTime false.
// - A range ("this week", "next 2 weeks", "3 se 5 baje") or a recurrence ("har tuesday", "weekly",
//   "daily") anywhere in the text means no single point: null. So does a bare duration ("10
//   minutes ke liye snooze"); "10 minute mein" / "abhi se 10 minute" is a point.
// - When several separate expressions remain, the most specific (date and time) wins, then the
//   first.
import { normalize, originalSpan } from './dates/normalize.ts';
import { findPieces, joinPieces, spanOf } from './dates/pieces.ts';
import { resolveGroup } from './dates/resolve.ts';
import { formatDate, formatInstant, offsetAt } from '../../lib/zone.ts';

export type WhenContext = { now: Date; timeZone: string }; // IANA zone, e.g. 'Asia/Kolkata'
export type ParsedWhen = {
  at?: string; // ISO-8601 datetime with the zone's offset, e.g. '2026-03-12T15:00:00+05:30' (when a time of day is known)
  date?: string; // 'YYYY-MM-DD' in the zone (always set when a day is known or implied)
  hasTime: boolean; // a clock time was given (or implied by "tonight 8", "subah 10 baje")
  text: string; // the matched span of the input, as written
  index: number; // where the span starts in the input
};

export function parseWhen(text: string, ctx: WhenContext): ParsedWhen | null {
  if (!text.trim()) return null;
  const normalized = normalize(text);
  const now = ctx.now.getTime();
  const pieces = findPieces(normalized.text, ctx.now, offsetAt(now, ctx.timeZone));
  if (pieces.length === 0 || pieces.some((p) => p.poison)) return null;

  let best: { when: ParsedWhen; score: number } | null = null;
  for (const group of joinPieces(normalized.text, pieces)) {
    const resolved = resolveGroup(group, now, ctx.timeZone);
    if (!resolved) continue;
    const score = (resolved.instant !== undefined ? 2 : 0) + (group.date || group.offsetMinutes !== undefined ? 1 : 0);
    if (best && score <= best.score) continue;
    const span = spanOf(normalized.text, group);
    const { index, end } = originalSpan(normalized, span.start, span.end);
    best = {
      score,
      when: {
        ...(resolved.instant !== undefined ? { at: formatInstant(resolved.instant, ctx.timeZone) } : {}),
        date: formatDate(resolved.date),
        hasTime: resolved.instant !== undefined,
        text: text.slice(index, end),
        index,
      },
    };
  }
  return best?.when ?? null;
}

const MONTHS: [RegExp, number][] = [
  [/^(?:jan(?:uary)?|जनवरी)$/u, 1],
  [/^(?:feb(?:ruary)?|फ़?फरवरी|फ़रवरी)$/u, 2],
  [/^(?:mar(?:ch)?|मार्च)$/u, 3],
  [/^(?:apr(?:il)?|अप्रैल)$/u, 4],
  [/^(?:may|मई)$/u, 5],
  [/^(?:june?|जून)$/u, 6],
  [/^(?:july?|जुलाई)$/u, 7],
  [/^(?:aug(?:ust)?|अगस्त)$/u, 8],
  [/^(?:sep(?:t(?:ember)?)?|सितंबर|सितम्बर)$/u, 9],
  [/^(?:oct(?:ober)?|अक्टूबर|अक्तूबर)$/u, 10],
  [/^(?:nov(?:ember)?|नवंबर|नवम्बर)$/u, 11],
  [/^(?:dec(?:ember)?|दिसंबर|दिसम्बर)$/u, 12],
];
const monthOf = (w: string) => MONTHS.find(([re]) => re.test(w.toLowerCase()))?.[1];
const DAY = String.raw`([0-9०-९]{1,2})(?:st|nd|rd|th)?`;
const WORD = String.raw`([\p{L}\p{M}]+)`;

/**
 * A calendar date that does not exist ("31 Feb", "February 30th", "31 अप्रैल"), which a date
 * parser would quietly roll over or drop: the day and month as said, so the bot can refuse it.
 * February 29 counts as real only in a leap year (of `year`).
 */
export function impossibleDate(text: string, year: number): { day: number; month: number } | null {
  const digits = (s: string) => Number(s.replace(/[०-९]/g, (d) => String('०१२३४५६७८९'.indexOf(d))));
  const tries: { day: number; month: number | undefined; year?: number }[] = [
    ...text.matchAll(new RegExp(String.raw`(?<![\p{L}\p{N}])${DAY}\s*(?:of\s+)?${WORD}`, 'giu')),
  ].map((m) => ({ day: digits(m[1]), month: monthOf(m[2]) }));
  tries.push(
    ...[...text.matchAll(new RegExp(String.raw`(?<![\p{L}\p{N}])${WORD}\s+${DAY}(?![\p{N}:.])`, 'giu'))].map((m) => ({
      day: digits(m[2]),
      month: monthOf(m[1]),
    })),
  );
  // Numbers: day/month the Indian way ("31/02", "30-02-2027", "31.06.2027"), and ISO "2027-02-30".
  // A dot needs the year ("11.30" is a time), and a month past 12 is no date ("10-15 min").
  const N = '[0-9०-९]';
  for (const m of text.matchAll(
    new RegExp(
      String.raw`(?<![\p{N}/.-])(${N}{1,2})(?:[/-](${N}{1,2})(?:[/-](${N}{2,4}))?|\.(${N}{1,2})\.(${N}{2,4}))(?![\p{N}/-])`,
      'gu',
    ),
  )) {
    const y = m[3] ?? m[5];
    tries.push({
      day: digits(m[1]),
      month: digits(m[2] ?? m[4]),
      year: y ? digits(y.length === 2 ? `20${y}` : y) : undefined,
    });
  }
  for (const m of text.matchAll(new RegExp(String.raw`(?<![\p{N}])(${N}{4})-(${N}{1,2})-(${N}{1,2})(?![\p{N}])`, 'gu')))
    tries.push({ day: digits(m[3]), month: digits(m[2]), year: digits(m[1]) });
  for (const t of tries) {
    if (!t.month || t.month > 12 || t.day < 1) continue;
    const last = new Date(Date.UTC(t.year ?? year, t.month, 0)).getUTCDate();
    if (t.day > last) return { day: t.day, month: t.month };
  }
  return null;
}
