// chrono parsers for clock times, parts of the day and "in 30 minutes" in Hindi, Hinglish and
// English. Clock hours are kept as written ("shaam 6 baje" → hour 6 + pod evening); the resolver
// applies the part of day or the business-hours rule, so a pod given elsewhere in the sentence
// ("Tuesday night … 7 baje") still counts.
import type { Parser } from 'chrono-node';
import { Meridiem } from 'chrono-node/en';
import {
  L,
  R,
  alt,
  key,
  pattern,
  PARTS_OF_DAY,
  POD_INDEX,
  NUMBER_WORDS,
  FRACTION_WORDS,
  CLOCK_FRACTIONS,
  BAJE,
  isQuantityNext,
} from './lexicon.ts';
import { TAG, makeResult, relativeDate } from './tags.ts';

const parser = (re: RegExp, extract: Parser['extract']): Parser => ({ pattern: () => re, extract });

const POD = alt(Object.values(PARTS_OF_DAY).flat());
const HOUR_WORDS = [...NUMBER_WORDS.entries()].filter(([w, n]) => n <= 12 && w !== 'a' && w !== 'an').map(([w]) => w);
const HALF_PAST = ['dedh', 'derh', 'dhedh', 'डेढ़', 'डेढ', 'dhai', 'dhaai', 'adhai', 'adhaai', 'ढाई'];
const CLOCK_FRACTION = alt([...CLOCK_FRACTIONS.keys()]);
const CLOCK_FRACTION_INDEX = new Map([...CLOCK_FRACTIONS].map(([w, n]) => [key(w), n]));
const NUMBER_INDEX = new Map([...NUMBER_WORDS, ...FRACTION_WORDS].map(([w, n]) => [key(w), n]));
const AMPM = '(?:(am|pm|a\\.m\\.?|p\\.m\\.?)(?![\\p{L}\\p{N}]))';

// [pod [ko|ke]] [sava|saadhe|paune] (H[:MM] | hour word | dedh | dhai) [am|pm] [baje]
const CLOCK = pattern(
  `${L}(?:(${POD})(?:\\s+(?:ko|ke|ki|mein|me|main|को|के|में))?\\s+)?(?:(${CLOCK_FRACTION})\\s+)?` +
    `(?:(\\d{1,2})(?:([:.])(\\d{2}))?|(${alt(HOUR_WORDS)})|(${alt(HALF_PAST)}))` +
    `(?:\\s*${AMPM})?(?:\\s*(${alt(BAJE)})${R})?`,
);

/** A range ("3 se 5 baje", "3-5 pm", "3 to 5") is no point in time. */
const RANGE_BEFORE = /(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)?\s*(?:-|–|to|se|till|until|से)\s*)$/iu;

export const clockParser = parser(CLOCK, (context, match) => {
  const [, podWord, fraction, digits, separator, minuteDigits, hourWord, halfPast, ampm, baje] = match;
  const quantity = isQuantityNext(context.text.slice(match.index! + match[0].length));
  // Evidence that a number is a clock time: baje, am/pm, a part of day or a clock fraction before
  // it, or a dotted/colon minute. Word hours and "dedh"/"dhai" need "baje" (dedh lakh is money).
  if ((hourWord || halfPast) && !baje) return null;
  if (digits && !baje && !ampm && !podWord && !fraction) {
    // "7:30" alone is chrono's; a dotted "7.30" alone is as likely an amount.
    return null;
  }
  if (!baje && !ampm && quantity) return null;
  let hour: number;
  let minute = 0;
  if (halfPast) {
    const value = NUMBER_INDEX.get(key(halfPast))!;
    hour = Math.floor(value);
    minute = 30;
  } else {
    hour = digits ? Number(digits) : NUMBER_INDEX.get(key(hourWord))!;
    if (minuteDigits) {
      if (separator === '.' && !baje && !ampm && !podWord) return null;
      minute = Number(minuteDigits);
    }
  }
  if (fraction) {
    if (minuteDigits || halfPast || hour < 1 || hour > 12) return null;
    const delta = CLOCK_FRACTION_INDEX.get(key(fraction))!;
    if (delta < 0) {
      hour = hour === 1 ? 12 : hour - 1;
      minute = 60 + delta;
    } else {
      minute = delta;
    }
  }
  if (hour > 23 || minute > 59) return null;
  const tags: string[] = [TAG.clock];
  if (RANGE_BEFORE.test(context.text.slice(0, match.index))) tags.push(TAG.range);
  const known: Record<string, number> = { hour, minute };
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    const pm = ampm[0].toLowerCase() === 'p';
    known.hour = (hour % 12) + (pm ? 12 : 0);
    known.meridiem = pm ? Meridiem.PM : Meridiem.AM;
  }
  if (podWord) {
    const pod = POD_INDEX.get(key(podWord))!;
    tags.push(TAG.pod + pod);
    if (key(podWord) === 'tonight') Object.assign(known, relativeDate(context, 0));
  }
  return makeResult(context, match, known, tags);
});

const POD_KO = /^\s*(?:ko|को)(?![\p{L}\p{M}\p{N}])/iu;

// A part of day on its own ("kal subah", "is afternoon", "tonight"), noon and midnight.
export const partOfDayParser = parser(
  pattern(
    `${L}(?:(this|is|iss|ye|yeh|इस)\\s+)?(?:(${POD})|(noon|midday|mid-day|12\\s+noon|midnight|aadhi\\s+raat|आधी\\s+रात))${R}`,
  ),
  (context, match) => {
    const [, thisWord, podWord, special] = match;
    if (special) {
      const midnight = /mid-?night|aadhi|आधी/iu.test(special);
      return makeResult(
        context,
        match,
        { hour: midnight ? 0 : 12, minute: 0, meridiem: midnight ? Meridiem.AM : Meridiem.PM },
        [TAG.clock, ...(midnight ? [TAG.midnight] : [])],
      );
    }
    const word = key(podWord);
    const tags = [TAG.pod + POD_INDEX.get(word)!];
    if (thisWord || word === 'tonight') tags.push(TAG.podThis);
    else if (POD_KO.test(context.text.slice(match.index! + match[0].length))) tags.push(TAG.podSoon);
    return makeResult(context, match, word === 'tonight' ? relativeDate(context, 0) : {}, tags);
  },
);

// "in 30 minutes", "30 minute mein", "abhi se 2 ghante", "3 din baad", "2 hours from now".
// A bare duration ("10 minutes ke liye snooze") is a length of time, not a point, so an anchor
// (in / after / abhi se) or a postposition (mein / baad / later) is required.
const UNITS: Array<[string[], number]> = [
  [['min', 'mins', 'minute', 'minutes', 'minut', 'minuts', 'mint', 'mints', 'minat', 'mintues', 'minte', 'मिनट'], 1],
  [
    [
      'hour',
      'hours',
      'hr',
      'hrs',
      'ghanta',
      'ghante',
      'ghantey',
      'ghanton',
      'gante',
      'ghnte',
      'घंटा',
      'घंटे',
      'घण्टे',
      'घंटों',
    ],
    60,
  ],
  [['day', 'days', 'din', 'दिन'], 1440],
  [['week', 'weeks', 'hafta', 'hafte', 'haftey', 'hafton', 'हफ्ते', 'हफ़्ते', 'हफ्ता', 'सप्ताह'], 7 * 1440],
];
const UNIT_INDEX = new Map<string, number>();
for (const [words, minutes] of UNITS) for (const w of words) UNIT_INDEX.set(key(w), minutes);
const ANCHOR = alt(['in', 'within', 'after', 'abhi se', 'ab se', 'abse', 'abhise', 'अभी से', 'अब से']);
const POST = alt([
  'mein',
  'me',
  'mei',
  'main',
  'mai',
  'men',
  'में',
  'baad',
  'bad',
  'ke baad',
  'ke bad',
  'के बाद',
  'बाद',
  'later',
  'from now',
  'hence',
  'from today',
]);
const COUNT = alt([...NUMBER_INDEX.keys()]);

export const durationParser = parser(
  pattern(`${L}(?:(${ANCHOR})\\s+)?(\\d{1,3}|${COUNT})\\s*(${alt([...UNIT_INDEX.keys()])})(?:\\s+(${POST}))?${R}`),
  (context, match) => {
    const [, anchor, count, unit, post] = match;
    if (!anchor && !post) return null;
    const n = /^\d/.test(count) ? Number(count) : NUMBER_INDEX.get(key(count))!;
    const minutes = n * UNIT_INDEX.get(key(unit))!;
    if (minutes <= 0) return null;
    if (UNIT_INDEX.get(key(unit))! >= 1440) {
      // "3 din baad" names a day, not an instant; "1.5 days" names neither.
      if (minutes % 1440 !== 0) return null;
      return makeResult(context, match, relativeDate(context, minutes / 1440), [TAG.relativeDay]);
    }
    return makeResult(context, match, {}, [TAG.offsetMinutes + Math.round(minutes)]);
  },
);

export const timeParsers: Parser[] = [clockParser, partOfDayParser, durationParser];
