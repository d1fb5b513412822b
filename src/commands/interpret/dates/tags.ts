// Our parsers hand their meaning to the resolver through chrono's result tags, because chrono's
// components only know calendar fields. One helper builds results so every parser tags alike.
import type { ParsingContext, ParsingResult, Component } from 'chrono-node';
import { addDays, type YMD } from '../../../lib/zone.ts';

export const TAG = {
  relativeDay: 'parley/relative-day',
  weekday: 'parley/weekday:', // + 0-6
  nextWeek: 'parley/next-week',
  pod: 'parley/pod:', // + PartOfDay
  podThis: 'parley/this', // "this morning", "is afternoon", "tonight": the pod alone names a day
  podSoon: 'parley/pod-soon', // "shaam ko": the next such part of the day
  clock: 'parley/clock',
  midnight: 'parley/midnight',
  offsetMinutes: 'parley/offset-min:', // + minutes from now
  monthless: 'parley/monthless', // "11th ko": the month is the next one with that day
  range: 'parley/range',
  recurring: 'parley/recurring',
} as const;

/** The workspace's calendar date at the reference instant (chrono gets the zone's offset). */
export function todayOf(context: ParsingContext): YMD {
  const shifted = new Date(context.reference.instant.getTime() + context.reference.getTimezoneOffset() * 60_000);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

export function dateKnown(date: YMD): { [c in Component]?: number } {
  return { year: date.year, month: date.month, day: date.day };
}

export function relativeDate(context: ParsingContext, days: number) {
  return dateKnown(addDays(todayOf(context), days));
}

/** A result spanning exactly match[0] (trailing spaces trimmed) with known values and tags. */
export function makeResult(
  context: ParsingContext,
  match: RegExpMatchArray,
  known: { [c in Component]?: number },
  tags: string[],
): ParsingResult {
  const text = match[0].trimEnd();
  const result = context.createParsingResult(match.index!, text, known);
  result.addTags(tags);
  return result;
}
