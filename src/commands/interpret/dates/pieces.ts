// chrono finds the pieces (English through its own casual parsers, Hindi and Hinglish through
// ours); this file turns its results into plain pieces and joins neighbours that Hindi word order
// splits: "kal" + "subah 9 baje", "Friday ko" + "raat 8 baje", "8 am" + "thursday ke liye".
// The English locale alone: importing 'chrono-node' loads every language (~200 ms at startup).
import { GB, type Chrono, type ParsedResult } from 'chrono-node/en';
import { dayParsers } from './day-parsers.ts';
import { timeParsers } from './time-parsers.ts';
import { TAG } from './tags.ts';
import { isQuantityNext, type PartOfDay } from './lexicon.ts';
import type { YMD } from '../../../lib/zone.ts';

export type Piece = {
  start: number; // in the normalized text
  end: number;
  date?: YMD;
  yearless?: boolean; // "14 March": the next such date
  monthless?: boolean; // "11th ko": the next such day of a month
  weekday?: number;
  nextWeek?: boolean;
  hour?: number; // as written, 0-23
  minute?: number;
  meridiem?: boolean; // am/pm was explicit, so hour is final
  pod?: PartOfDay;
  podThis?: boolean;
  podSoon?: boolean;
  midnight?: boolean;
  offsetMinutes?: number;
  poison?: boolean; // a range or a recurrence: the message names no single point
};

// English parsers whose readings we keep. Weekdays, "next week", parts of the day and durations
// are ours (our conventions differ); month-only and "end of month" are ranges, not points.
const KEEP_PARSERS = new Set([
  'ENYearMonthDayParser',
  'ISOFormatParser',
  'SlashDateFormatParser',
  'ENMonthNameLittleEndianParser',
  'ENMonthNameMiddleEndianParser',
  'ENTimeExpressionParser',
  'ENTimeUnitAgoFormatParser',
  'ENCasualDateParser',
]);
// Refiners we need: overlap removal, "14/3 to 16/3" ranges, a year after a date, validity filters.
// chrono's date+time merge applies its own am/pm guesses, so joinPieces merges instead; zone
// abbreviations ("3pm EST") are not read: too many short Hinglish words collide with them.
const KEEP_REFINERS = new Set([
  'OverlapRemovalRefiner',
  'UnlikelyFormatFilter',
  'ENExtractYearSuffixRefiner',
  'ENMergeDateRangeRefiner',
  'ENUnlikelyFormatFilter',
]);

function buildEngine(): Chrono {
  const engine = GB.clone(); // day-first: 14/3 is 14 March
  const kept = engine.parsers.filter((p) => KEEP_PARSERS.has(p.constructor.name));
  if (kept.length !== KEEP_PARSERS.size)
    throw new Error('chrono-node parsers changed; review KEEP_PARSERS in dates/pieces.ts');
  // Ours first: on equal-length overlaps chrono keeps the earlier parser's reading.
  engine.parsers = [...dayParsers, ...timeParsers, ...kept];
  engine.refiners = engine.refiners.filter((r) => KEEP_REFINERS.has(r.constructor.name));
  if (new Set(engine.refiners.map((r) => r.constructor.name)).size !== KEEP_REFINERS.size) {
    throw new Error('chrono-node refiners changed; review KEEP_REFINERS in dates/pieces.ts');
  }
  return engine;
}

const engine = buildEngine();

const CHRONO_PODS: Record<string, PartOfDay> = {
  'casualReference/morning': 'morning',
  'casualReference/afternoon': 'afternoon',
  'casualReference/evening': 'evening',
  'casualReference/tonight': 'night',
};

function toPiece(result: ParsedResult): Piece | null {
  const tags = result.tags();
  if (tags.has('casualReference/now')) return null; // "now"/"abhi" alone schedules nothing
  const piece: Piece = { start: result.index, end: result.index + result.text.length };
  if (result.end || tags.has(TAG.range) || tags.has(TAG.recurring)) piece.poison = true;
  const c = result.start;
  if (c.isCertain('day')) {
    piece.date = { year: c.get('year')!, month: c.get('month')!, day: c.get('day')! };
    piece.yearless = !c.isCertain('year');
    piece.monthless = tags.has(TAG.monthless);
  }
  if (c.isCertain('hour')) {
    piece.hour = c.get('hour')!;
    piece.minute = c.get('minute') ?? 0;
    piece.meridiem = c.isCertain('meridiem');
  }
  for (const tag of tags) {
    if (tag.startsWith(TAG.pod)) piece.pod = tag.slice(TAG.pod.length) as PartOfDay;
    else if (tag.startsWith(TAG.weekday)) piece.weekday = Number(tag.slice(TAG.weekday.length));
    else if (tag.startsWith(TAG.offsetMinutes)) piece.offsetMinutes = Number(tag.slice(TAG.offsetMinutes.length));
    else if (tag === TAG.nextWeek) piece.nextWeek = true;
    else if (tag === TAG.podThis) piece.podThis = true;
    else if (tag === TAG.podSoon) piece.podSoon = true;
    else if (tag === TAG.midnight) piece.midnight = true;
    else if (CHRONO_PODS[tag]) {
      piece.pod = CHRONO_PODS[tag];
      if (tag === 'casualReference/tonight') piece.podThis = true;
    }
  }
  return piece;
}

// "PO no 1-2", "flat 12/3", "order #14-3", "1/2 payment": numbers that only look like dates.
const NUMERIC_DATE = /^\d{1,2}[-/.]\d{1,2}(?:[-/.]\d{2,4})?$/;
const FRACTION = /^(?:1\/2|1\/3|2\/3|1\/4|3\/4)$/;
const DATE_CONTEXT_BEFORE = /(?<![\p{L}\p{N}])(?:on|by|till|until|date|dated|before|after)\s*:?\s*$/iu;
const DATE_CONTEXT_AFTER = /^\s*(?:ko|tak|par|pe|को|तक|पर|at|,)(?![\p{L}\p{M}\p{N}])/iu;
// chrono reads "at 5" as a time; "at 5 lakh", "at 5%" are prices.
const BARE_AT_HOUR = /^(?:at\s+)?\d{1,2}$/i;
const NOT_A_DATE_BEFORE =
  /(?<![\p{L}\p{N}])(?:no\.?|nos|number|num|#|ref|room|flat|plot|sector|block|phase|gate|floor|version|ver|v|unit|units|order|invoice no|bill no|po|qty|score|ratio|pin|code|sku|model|item|lot|batch|row|table|page|id|size|rs\.?|₹)\s*:?\s*$/iu;

export function findPieces(text: string, now: Date, offsetMinutes: number): Piece[] {
  const results = engine.parse(text, { instant: now, timezone: offsetMinutes });
  const pieces: Piece[] = [];
  for (const r of results) {
    const before = text.slice(Math.max(0, r.index - 16), r.index);
    const after = text.slice(r.index + r.text.length);
    if (NUMERIC_DATE.test(r.text) && NOT_A_DATE_BEFORE.test(before)) continue;
    if (FRACTION.test(r.text) && !DATE_CONTEXT_BEFORE.test(before) && !DATE_CONTEXT_AFTER.test(after)) continue;
    if (BARE_AT_HOUR.test(r.text) && isQuantityNext(after)) continue;
    const p = toPiece(r);
    if (p) pieces.push(p);
  }
  return pieces;
}

/** Words that may stand between two parts of one expression: "Friday ko raat", "kal ke liye subah". */
const CONNECTOR =
  /^[\s,]*(?:(?:ko|ke|ki|ka|ke\s+din|din|par|pe|at|on|around|about|by|later|of|liye|को|के|की|का|दिन|पर|पे|लिए)(?![\p{L}\p{M}\p{N}])[\s,]*)*$/iu;

export type Group = Piece & { pieces: Piece[] };

function fits(group: Group, next: Piece): boolean {
  if (group.poison || next.poison) return true; // keep poison attached; the whole group is dropped
  if (group.offsetMinutes !== undefined || next.offsetMinutes !== undefined) return false;
  if (group.date && next.date) {
    // "agle hafte" + "somvar": the weekday of next week.
    if ((group.nextWeek && next.weekday !== undefined) || (group.weekday !== undefined && next.nextWeek)) return true;
    // "Monday, 16 March": a weekday labelling an explicit date.
    return (
      group.pieces.length === 1 &&
      group.weekday !== undefined &&
      !group.nextWeek &&
      next.weekday === undefined &&
      !next.nextWeek
    );
  }
  if (group.hour !== undefined && next.hour !== undefined) return false;
  if (group.pod && next.pod && group.pod !== next.pod) return false;
  return true;
}

function absorb(group: Group, next: Piece): void {
  group.pieces.push(next);
  group.end = next.end;
  if (next.poison) group.poison = true;
  if (next.date) {
    if (group.date && (group.nextWeek || next.nextWeek)) {
      group.weekday = group.weekday ?? next.weekday;
      group.nextWeek = true;
    } else if (group.date) {
      Object.assign(group, { date: next.date, yearless: next.yearless, monthless: next.monthless, weekday: undefined });
    } else {
      Object.assign(group, {
        date: next.date,
        yearless: next.yearless,
        monthless: next.monthless,
        weekday: next.weekday,
      });
    }
  }
  if (next.hour !== undefined)
    Object.assign(group, { hour: next.hour, minute: next.minute, meridiem: next.meridiem, midnight: next.midnight });
  if (next.pod) group.pod = next.pod;
  if (next.podThis) group.podThis = true;
  if (next.podSoon) group.podSoon = true;
}

/** Adjacent pieces joined through connector words, in text order. */
export function joinPieces(text: string, pieces: Piece[]): Group[] {
  const groups: Group[] = [];
  for (const piece of pieces) {
    const last = groups[groups.length - 1];
    if (last && CONNECTOR.test(text.slice(last.end, piece.start)) && fits(last, piece)) absorb(last, piece);
    else groups.push({ ...piece, pieces: [piece] });
  }
  return groups;
}

const LEADING = /(?<![\p{L}\p{M}\p{N}])(?:on|at|by|for|before|after|till|until|around|about)\s+(?:the\s+)?$/iu;
const TRAILING =
  /^\s*(?:ke\s+liye|ke\s+liey|ke\s+lie|ki\s+liye|ke\s+din|ke\s+baad|ke\s+bad|ke\s+pehle|se\s+pehle|se\s+pahle|के\s+लिए|के\s+दिन|के\s+बाद|से\s+पहले|ko|ka|ki|ke(?!\s+(?:bajaye|bajay|jagah|saath|sath))|tak|par|pe|को|का|की|के|तक|पर|पे)(?![\p{L}\p{M}\p{N}])/iu;

/** Widens a group's span over the connecting words that belong to it ("on", "ko", "ke liye"). */
export function spanOf(text: string, group: Group): { start: number; end: number } {
  let start = group.start;
  let end = group.end;
  const lead = LEADING.exec(text.slice(0, start));
  if (lead) start -= lead[0].length;
  for (let i = 0; i < 2; i++) {
    const trail = TRAILING.exec(text.slice(end));
    if (!trail) break;
    end += trail[0].length;
  }
  return { start, end };
}
