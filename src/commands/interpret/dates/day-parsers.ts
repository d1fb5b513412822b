// chrono parsers for the day part in Hindi and Hinglish (and the English forms chrono's casual
// parsers resolve differently from our conventions: weekdays, "next week", ranges, recurrences).
import type { Parser, ParsingContext } from 'chrono-node';
import { addDays, isRealDate, weekdayOf, type YMD } from '../../../lib/zone.ts';
import {
  L,
  R,
  alt,
  key,
  pattern,
  WEEKDAYS,
  WEEKDAY_INDEX,
  AMBIGUOUS_WEEKDAY,
  MONTHS_DEVANAGARI,
  MONTH_INDEX,
  NUMBER_WORDS,
} from './lexicon.ts';
import { TAG, dateKnown, makeResult, relativeDate, todayOf } from './tags.ts';

const parser = (re: RegExp, extract: Parser['extract']): Parser => ({ pattern: () => re, extract });

// aaj / kal / parso (+ Devanagari) and "day after tomorrow". "kal" is read as tomorrow: the bot
// schedules, and people rarely book something for yesterday.
const RELATIVE_DAYS: Array<[string[], number]> = [
  [['aaj', 'aj', 'आज'], 0],
  [
    ['kal', 'kall', 'कल', 'tommorow', 'tomorow', 'tommorrow', 'tomorrrow', 'tmrw', 'tmw', '2mrw', '2moro', '2morrow'],
    1,
  ],
  [
    [
      'parso',
      'parson',
      'parsoon',
      'parsun',
      'parsu',
      'parsho',
      'परसों',
      'परसो',
      'day after tomorrow',
      'day after tmrw',
      'day after tmr',
    ],
    2,
  ],
  [['narso', 'narson', 'नरसों'], 3],
];
const RELATIVE_DAY_INDEX = new Map<string, number>();
for (const [words, n] of RELATIVE_DAYS) for (const w of words) RELATIVE_DAY_INDEX.set(key(w), n);

export const relativeDayParser = parser(pattern(`${L}${alt([...RELATIVE_DAY_INDEX.keys()])}${R}`), (context, match) => {
  const days = RELATIVE_DAY_INDEX.get(key(match[0]))!;
  return makeResult(context, match, relativeDate(context, days), [TAG.relativeDay]);
});

const NEXT = ['next', 'agle', 'agla', 'agli', 'agley', 'aagle', 'agale', 'अगले', 'अगला', 'अगली'];
const THIS = [
  'this',
  'is',
  'iss',
  'ye',
  'yeh',
  'yah',
  'इस',
  'coming',
  'upcoming',
  'is aane wale',
  'aane wale',
  'aanewale',
  'is wale',
  'this coming',
];
const LAST = ['last', 'previous', 'pichle', 'pichhle', 'pichla', 'pichhla', 'पिछले', 'पिछला'];
const EVERY = ['har', 'every', 'each', 'हर', 'pratyek', 'prati'];
type Mode = 'bare' | 'next' | 'this' | 'last' | 'every';
const MODE_INDEX = new Map<string, Mode>();
for (const [words, mode] of [
  [NEXT, 'next'],
  [THIS, 'this'],
  [LAST, 'last'],
  [EVERY, 'every'],
] as const) {
  for (const w of words) MODE_INDEX.set(key(w), mode);
}
const MODIFIER = alt([...MODE_INDEX.keys()]);

/**
 * Our weekday conventions (week starts Monday, as on Indian calendars):
 * - bare "friday" / "shukravar": the next one after today; today's own weekday means a week later
 *   (someone who means today says "aaj").
 * - "this friday" / "is friday" / "coming friday": the next one, today included.
 * - "next friday" / "agle friday": the friday of next week.
 */
export function weekdayDate(today: YMD, weekday: number, mode: Mode): YMD {
  const t = weekdayOf(today);
  if (mode === 'next') {
    const mondayIndex = (d: number) => (d + 6) % 7;
    return addDays(today, 7 - mondayIndex(t) + mondayIndex(weekday));
  }
  if (mode === 'last') return addDays(today, -((t - weekday + 7) % 7 || 7));
  const ahead = (weekday - t + 7) % 7;
  return addDays(today, ahead === 0 && mode !== 'this' ? 7 : ahead);
}

// "Mon-Fri", "somvar se shukravar", "kal se friday tak": a span of days, not one.
const DAY_WORD = alt([...WEEKDAYS.flat(), ...RELATIVE_DAY_INDEX.keys(), 'today', 'tomorrow']);
const RANGE_LINK = '(?:-|–|to|till|until|through|se|से)';
const RANGE_BEFORE = pattern(`${L}${DAY_WORD}\\s*${RANGE_LINK}\\s*$`);
const RANGE_AFTER = pattern(`^\\s*${RANGE_LINK}\\s*${DAY_WORD}${R}`);

export const weekdayParser = parser(
  pattern(`${L}(?:(${MODIFIER})\\s+)?(${alt(WEEKDAYS.flat())})(s)?${R}`),
  (context, match) => {
    const mode: Mode = match[1] ? MODE_INDEX.get(key(match[1]))! : 'bare';
    const name = key(match[2]);
    if (AMBIGUOUS_WEEKDAY.has(name) && (mode === 'bare' || match[3])) return null;
    if (match[3] && !name.endsWith('day')) return null; // "tues" + "s" is not a plural
    const weekday = WEEKDAY_INDEX.get(name)!;
    if (mode === 'every' || match[3]) return makeResult(context, match, {}, [TAG.recurring]); // "har tuesday", "mondays"
    const date = weekdayDate(todayOf(context), weekday, mode);
    const before = context.text.slice(Math.max(0, match.index! - 24), match.index);
    const range = RANGE_BEFORE.test(before) || RANGE_AFTER.test(context.text.slice(match.index! + match[0].length));
    return makeResult(context, match, { ...dateKnown(date), weekday }, [
      TAG.weekday + weekday,
      ...(range ? [TAG.range] : []),
    ]);
  },
);

// "next week" is a point (the Monday of next week, a date without time) because people book
// follow-ups that way; "this week", "next month", "next 2 weeks", "weekend" are ranges.
const PERIOD_WEEK = ['week', 'hafte', 'hafta', 'haftey', 'hafton', 'हफ्ते', 'हफ़्ते', 'हफ्ता', 'सप्ताह'];
const PERIOD_OTHER = [
  'weekend',
  'month',
  'year',
  'quarter',
  'mahine',
  'mahina',
  'mahiney',
  'mahinay',
  'saal',
  'sal',
  'varsh',
  'महीने',
  'महीना',
  'साल',
  'वर्ष',
];
const DURATION_UNITS = [
  ...PERIOD_WEEK,
  ...PERIOD_OTHER,
  'weeks',
  'months',
  'years',
  'days',
  'din',
  'दिन',
  'hours',
  'ghante',
];
export const periodParser = parser(
  pattern(
    `${L}(?:(${MODIFIER}|the|for\\s+the)\\s+(?:(\\d{1,2}|${alt([...NUMBER_WORDS.keys()])})\\s+)?(${alt([...PERIOD_WEEK, ...PERIOD_OTHER, ...DURATION_UNITS])})|(weekend|month\\s+end|year\\s+end))${R}`,
  ),
  (context, match) => {
    const modifier = match[1] && key(match[1]);
    const unit = match[3] && key(match[3]);
    if (modifier && !match[2] && MODE_INDEX.get(modifier) === 'next' && PERIOD_WEEK.map(key).includes(unit)) {
      const today = todayOf(context);
      return makeResult(context, match, dateKnown(weekdayDate(today, 1, 'next')), [TAG.nextWeek]);
    }
    // "the week" / "for the day" without a count is a range; "the 3 days" is not a thing.
    if (modifier === 'the' && match[2]) return null;
    return makeResult(context, match, {}, [TAG.range]);
  },
);

// "is hafte friday", "agle hafte somvar ko": a weekday of a named week (weeks start on Monday).
export const weekOfWeekdayParser = parser(
  pattern(
    `${L}(${MODIFIER})\\s+${alt(PERIOD_WEEK)}(?:\\s+(?:ka|ki|ke|ko|wale|wala|of|,))?\\s+(${alt(WEEKDAYS.flat())})${R}`,
  ),
  (context, match) => {
    const mode = MODE_INDEX.get(key(match[1]))!;
    const weekday = WEEKDAY_INDEX.get(key(match[2]))!;
    if (mode === 'every') return makeResult(context, match, {}, [TAG.recurring]);
    const today = todayOf(context);
    const mondayIndex = (d: number) => (d + 6) % 7;
    const thisWeek = addDays(today, mondayIndex(weekday) - mondayIndex(weekdayOf(today)));
    const date = mode === 'next' ? addDays(thisWeek, 7) : mode === 'last' ? addDays(thisWeek, -7) : thisWeek;
    return makeResult(context, match, { ...dateKnown(date), weekday }, [TAG.weekday + weekday]);
  },
);

// "agle mahine ki 5 tareekh", "next month 5th", "is mahine ke 20th ko".
const MONTH_WORDS = ['month', 'mahine', 'mahina', 'mahiney', 'mahinay', 'महीने', 'महीना'];
export const dayOfMonthParser = parser(
  pattern(
    `${L}(${MODIFIER})\\s+${alt(MONTH_WORDS)}(?:\\s+(?:ki|ke|ka|ko|of|the|,))?\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?(?:\\s*(?:taareekh|tareekh|tarikh|tarik|तारीख़|तारीख))?${R}`,
  ),
  (context, match) => {
    const mode = MODE_INDEX.get(key(match[1]))!;
    if (mode === 'every') return makeResult(context, match, {}, [TAG.recurring]);
    const today = todayOf(context);
    const shift = mode === 'next' ? 1 : mode === 'last' ? -1 : 0;
    const first = new Date(Date.UTC(today.year, today.month - 1 + shift, 1));
    const year = first.getUTCFullYear();
    const month = first.getUTCMonth() + 1;
    const day = Number(match[2]);
    if (!isRealDate(year, month, day)) return null;
    return makeResult(context, match, { year, month, day }, []);
  },
);

export const recurrenceParser = parser(
  pattern(
    `${L}(?:daily|weekly|monthly|quarterly|yearly|annually|fortnightly|biweekly|bi\\s*-?\\s*(?:weekly|monthly|yearly)|every\\s*day|everyday|weekdays|roz|roj|rozana|rojana|rozaana|pratidin|har|हर|रोज़|रोज|रोजाना|रोज़ाना|प्रतिदिन)${R}`,
  ),
  (context, match) => makeResult(context, match, {}, [TAG.recurring]),
);

// "11th ko", "21st par", "on the 3rd", "3 taareekh ko", "postponed to 19th", "19th, 11 am": a day of
// the month without a month. A bare "19th" is a date only when something marks it as one: "the",
// a postposition after it, a time right after it, or "on"/"to"/"till"/"by" before it with nothing
// after it but a time or a part of day ("on 5th floor", "to 3rd party" are no dates).
const ORDINAL_POSTPOSITION = /^\s*(?:ko|par|pe|tak|ki|ke|ka|को|पर|तक|की|के|का)(?![\p{L}\p{M}])/iu;
const ORDINAL_THEN_TIME = /^\s*,?\s*(?:(?:at|@)\s*)?\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|baje|bje|बजे)(?![\p{L}\p{M}])/iu;
const ORDINAL_THEN_END =
  /^\s*(?:$|[,;.!?)]|(?:at|@|with|for|to|regarding|about|and|in|se|me|mein|morning|evening|afternoon|night|noon|subah|shaam|sham|dopahar|raat|सुबह|शाम|दोपहर|रात)(?![\p{L}\p{M}])|\d)/iu;
export const ordinalDayParser = parser(
  pattern(
    `${L}(?:(on|to|till|until|by)\\s+)?(?:(the)\\s+)?(\\d{1,2})(?:(st|nd|rd|th)|\\s*(?:taareekh|tareekh|tarikh|tarik|tareek|tarekh|तारीख़|तारीख))${R}`,
  ),
  (context, match) => {
    const day = Number(match[3]);
    const after = context.text.slice(match.index! + match[0].length);
    if (
      match[4] &&
      !match[2] &&
      !ORDINAL_POSTPOSITION.test(after) &&
      !ORDINAL_THEN_TIME.test(after) &&
      !(match[1] && ORDINAL_THEN_END.test(after))
    ) {
      return null;
    }
    if (day < 1 || day > 31) return null;
    // "from 14th to 19th", "14 till 19th": a span of days.
    if (
      match[1] &&
      !/^(?:on|by)$/i.test(match[1]) &&
      /\d(?:st|nd|rd|th)?\s*$/i.test(context.text.slice(0, match.index))
    )
      return makeResult(context, match, {}, [TAG.range]);
    return makeResult(context, match, { day }, [TAG.monthless]);
  },
);

// "14 मार्च", "14 मार्च 2026", "मार्च 14".
const DEVANAGARI_MONTH = alt(MONTHS_DEVANAGARI.flat());
export const devanagariMonthParser = parser(
  pattern(
    `${L}(?:(\\d{1,2})\\s*(${DEVANAGARI_MONTH})|(${DEVANAGARI_MONTH})\\s+(\\d{1,2})(?!\\d))(?:\\s*,?\\s*(\\d{4}))?${R}`,
  ),
  (context, match) => {
    const day = Number(match[1] ?? match[4]);
    const month = MONTH_INDEX.get(key(match[2] ?? match[3]))!;
    const year = match[5] ? Number(match[5]) : undefined;
    if (!isRealDate(year ?? 2024, month, day)) return null;
    return makeResult(context, match, year ? { day, month, year } : { day, month }, []);
  },
);

// "14-3" and "14-3-2026", day first (chrono reads "14/3" but not the dashed form).
export const dashDateParser = parser(
  /(?<![\d\-/:.])(\d{1,2})-(\d{1,2})(?:-(\d{4}|\d{2}))?(?![\d\-/:]|\s*(?:am|pm|baje|bje|bajhe|बजे)|\.\d)/iu,
  (context, match) => {
    const day = Number(match[1]);
    const month = Number(match[2]);
    const year = match[3] ? (match[3].length === 2 ? 2000 + Number(match[3]) : Number(match[3])) : undefined;
    if (month < 1 || month > 12 || !isRealDate(year ?? 2024, month, day)) return null;
    return makeResult(context, match, year ? { day, month, year } : { day, month }, []);
  },
);

// "August 22", "Sept 15th": chrono's day-first (GB) reading skips these as possible years.
const MONTHS_EN = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_EN_INDEX = new Map<string, number>();
MONTHS_EN.forEach((m, i) => {
  MONTH_EN_INDEX.set(m, i + 1);
  MONTH_EN_INDEX.set(m.slice(0, 3), i + 1);
});
MONTH_EN_INDEX.set('sept', 9);
export const monthDayParser = parser(
  pattern(
    `${L}(${alt([...MONTH_EN_INDEX.keys()])})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?${R}(?!\\s*,?\\s*\\d{4})(?!\\s*(?:[:.]\\d|am|pm|a\\.m|p\\.m|baje|bje|bajhe|बजे))`,
  ),
  (context, match) => {
    // "may" is also a verb; only "May" is the month here.
    if (key(match[1]) === 'may' && match[1] !== 'May') return null;
    const month = MONTH_EN_INDEX.get(key(match[1]))!;
    const day = Number(match[2]);
    if (!isRealDate(2024, month, day)) return null;
    return makeResult(context, match, { day, month }, []);
  },
);

// Fixed-date holidays only; movable ones (Diwali, Holi) need a calendar we do not have.
export const holidayParser = parser(
  pattern(`${L}(?:christmas(?:\\s+day)?|x-?mas|new\\s+year'?s\\s+day)${R}`),
  (context, match) => {
    const christmas = !/new/i.test(match[0]);
    return makeResult(context, match, christmas ? { day: 25, month: 12 } : { day: 1, month: 1 }, []);
  },
);

export const dayParsers: Parser[] = [
  relativeDayParser,
  weekdayParser,
  weekOfWeekdayParser,
  dayOfMonthParser,
  periodParser,
  recurrenceParser,
  ordinalDayParser,
  devanagariMonthParser,
  monthDayParser,
  dashDateParser,
  holidayParser,
];

export type { ParsingContext };
