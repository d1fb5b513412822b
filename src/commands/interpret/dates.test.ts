import { describe, expect, it } from 'vitest';
import { impossibleDate, parseWhen, type ParsedWhen } from './dates.ts';

// Tuesday 10 March 2026, 10:00 in India.
const NOW = new Date('2026-03-10T10:00:00+05:30');
const IST = 'Asia/Kolkata';

function when(text: string, now: Date = NOW, timeZone = IST): ParsedWhen | null {
  const got = parseWhen(text, { now, timeZone });
  if (got) expect(text.slice(got.index, got.index + got.text.length)).toBe(got.text);
  return got;
}
const at = (text: string, now?: Date, timeZone?: string) => when(text, now, timeZone)?.at;
const date = (text: string, now?: Date, timeZone?: string) => when(text, now, timeZone)?.date;

describe('parseWhen: days', () => {
  it.each([
    ['today', '2026-03-10'],
    ['aaj', '2026-03-10'],
    ['aj', '2026-03-10'],
    ['आज', '2026-03-10'],
    ['tomorrow', '2026-03-11'],
    ['kal', '2026-03-11'],
    ['कल', '2026-03-11'],
    ['tommorow', '2026-03-11'],
    ['tmrw', '2026-03-11'],
    ['day after tomorrow', '2026-03-12'],
    ['parso', '2026-03-12'],
    ['परसों', '2026-03-12'],
  ])('reads %s as a date without time', (text, expected) => {
    expect(when(text)).toEqual({ date: expected, hasTime: false, text, index: 0 });
  });

  it.each([['in 3 days'], ['3 din baad'], ['teen din baad'], ['3 दिन बाद']])('counts days ahead: %s', (text) => {
    expect(when(text)).toMatchObject({ date: '2026-03-13', hasTime: false, text });
  });

  it.each([['next week'], ['agle hafte'], ['agla hafta'], ['अगले हफ्ते']])('takes %s as next week’s Monday', (text) => {
    expect(when(text)).toMatchObject({ date: '2026-03-16', hasTime: false });
  });
});

describe('parseWhen: weekdays', () => {
  it.each([
    ['monday', '2026-03-16'],
    ['somvar', '2026-03-16'],
    ['somwar', '2026-03-16'],
    ['सोमवार', '2026-03-16'],
    ['wednesday', '2026-03-11'],
    ['budhvar', '2026-03-11'],
    ['बुधवार', '2026-03-11'],
    ['thursday', '2026-03-12'],
    ['guruvar', '2026-03-12'],
    ['brihaspativar', '2026-03-12'],
    ['गुरुवार', '2026-03-12'],
    ['friday', '2026-03-13'],
    ['shukravar', '2026-03-13'],
    ['शुक्रवार', '2026-03-13'],
    ['saturday', '2026-03-14'],
    ['shanivar', '2026-03-14'],
    ['शनिवार', '2026-03-14'],
    ['sunday', '2026-03-15'],
    ['ravivar', '2026-03-15'],
    ['itvaar', '2026-03-15'],
    ['रविवार', '2026-03-15'],
  ])('takes a bare %s as the next one', (text, expected) => {
    expect(when(text)).toMatchObject({ date: expected, hasTime: false, text });
  });

  it.each([['tuesday'], ['mangalvar'], ['मंगलवार']])('takes today’s own weekday (%s) as next week’s', (text) => {
    expect(date(text)).toBe('2026-03-17');
  });

  it.each([
    ['this tuesday', '2026-03-10'],
    ['is friday', '2026-03-13'],
    ['this friday', '2026-03-13'],
    ['इस शुक्रवार', '2026-03-13'],
    ['coming friday', '2026-03-13'],
  ])('includes today for "this": %s', (text, expected) => expect(date(text)).toBe(expected));

  it.each([['next friday'], ['agle friday'], ['agla shukravar'], ['अगले शुक्रवार']])(
    'takes %s as the Friday of next week',
    (text) => {
      expect(date(text)).toBe('2026-03-20');
    },
  );

  it('takes next monday as the coming Monday (it is in next week)', () => {
    expect(date('agle somvar')).toBe('2026-03-16');
  });

  it('reads a weekday of a named week', () => {
    expect(when('is hafte friday tak quote bhejo')).toMatchObject({ date: '2026-03-13', text: 'is hafte friday tak' });
    expect(date('this week friday')).toBe('2026-03-13');
    expect(date('agle hafte ke monday')).toBe('2026-03-16');
    expect(at('agle hafte tuesday ko 3 baje')).toBe('2026-03-17T15:00:00+05:30');
  });

  it('labels an explicit date with its weekday without changing it', () => {
    expect(when('Monday, 16 March')).toMatchObject({ date: '2026-03-16', text: 'Monday, 16 March' });
  });

  it('ignores short weekday names that are English words', () => {
    expect(when('we sat down with Orbit')).toBeNull();
    expect(when('sun pharma ka lead')).toBeNull();
  });
});

describe('parseWhen: calendar dates', () => {
  it.each([
    ['14/3'],
    ['14-3'],
    ['14/03/2026'],
    ['14-03-2026'],
    ['14 March'],
    ['March 14th'],
    ['14th march'],
    ['14 मार्च'],
    ['14 मार्च 2026'],
  ])('reads %s day-first as 14 March', (text) => {
    expect(when(text)).toEqual({ date: '2026-03-14', hasTime: false, text, index: 0 });
  });

  it('moves a date already past this year to next year', () => {
    expect(date('5/3')).toBe('2027-03-05');
    expect(date('August 22 ko')).toBe('2026-08-22');
  });

  it('reads a bare day of the month as the next such day', () => {
    expect(date('11th ko meeting')).toBe('2026-03-11');
    expect(date('3 taareekh ko')).toBe('2026-04-03');
  });

  it('reads a bare "21st" after "on"/"to" or before a time, but not an ordinal of a noun', () => {
    expect(at('demo pushed to 21st, 4 pm')).toBe('2026-03-21T16:00:00+05:30');
    expect(at('call with Orbit on 14th at 11:30 am')).toBe('2026-03-14T11:30:00+05:30');
    expect(at('22nd 5pm works for them')).toBe('2026-03-22T17:00:00+05:30');
    expect(when('visit them on 18th')).toMatchObject({ date: '2026-03-18', hasTime: false, text: 'on 18th' });
    expect(when('their office is on 4th floor')).toBeNull();
    expect(when('forward it to 2nd level support')).toBeNull();
    expect(when('14th')).toBeNull();
    expect(when('from 12th to 15th')).toBeNull(); // a span of days, not one
  });

  it('reads a day of a named month', () => {
    expect(date('agle mahine ki 5 tareekh')).toBe('2026-04-05');
    expect(date('next month 5th')).toBe('2026-04-05');
    expect(date('is mahine ke 20th ko')).toBe('2026-03-20');
  });

  it('rejects impossible dates', () => {
    expect(when('31/2')).toBeNull();
  });

  it('finds impossible dates written in numbers, and leaves times and ranges alone', () => {
    expect(impossibleDate('demo on 31/02 at 11am', 2026)).toEqual({ day: 31, month: 2 });
    expect(impossibleDate('2026-02-30 at 11am', 2026)).toEqual({ day: 30, month: 2 });
    expect(impossibleDate('demo 32/12 ko', 2026)).toEqual({ day: 32, month: 12 });
    expect(impossibleDate('demo 31.06.2027', 2026)).toEqual({ day: 31, month: 6 });
    expect(impossibleDate('29/02/2027', 2026)).toEqual({ day: 29, month: 2 });
    for (const t of ['29/02/2028', 'call in 10-15 min', 'meeting 11.30 baje', '3-4 pm', '15/08', '2026-12-05 3pm'])
      expect(impossibleDate(t, 2026), t).toBeNull();
  });
});

describe('parseWhen: clock times', () => {
  it.each([
    ['3pm', '2026-03-10T15:00'],
    ['3 pm', '2026-03-10T15:00'],
    ['15:30', '2026-03-10T15:30'],
    ['3:30', '2026-03-10T15:30'],
    ['7 . 30', '2026-03-10T19:30'],
    ['4 . 30 am', '2026-03-11T04:30'],
    ['8 p . m', '2026-03-10T20:00'],
    ['7 : 25 pm', '2026-03-10T19:25'],
    ['3 baje', '2026-03-10T15:00'],
    ['3 bje', '2026-03-10T15:00'],
    ['3 bajhe', '2026-03-10T15:00'],
    ['3 बजे', '2026-03-10T15:00'],
    ['do baje', '2026-03-10T14:00'],
    ['subah 11 baje', '2026-03-10T11:00'],
    ['dopahar 2 baje', '2026-03-10T14:00'],
    ['shaam 6 baje', '2026-03-10T18:00'],
    ['sham 6 baje', '2026-03-10T18:00'],
    ['शाम 6 बजे', '2026-03-10T18:00'],
    ['raat 8 baje', '2026-03-10T20:00'],
    ['रात 8 बजे', '2026-03-10T20:00'],
    ['raat ko 8 baje', '2026-03-10T20:00'],
    ['sava 4', '2026-03-10T16:15'],
    ['savaa 4 baje', '2026-03-10T16:15'],
    ['सवा 4 बजे', '2026-03-10T16:15'],
    ['saadhe 5', '2026-03-10T17:30'],
    ['sadhe 5 baje', '2026-03-10T17:30'],
    ['साढ़े 5 बजे', '2026-03-10T17:30'],
    ['paune 6', '2026-03-10T17:45'],
    ['पौने 6 बजे', '2026-03-10T17:45'],
    ['dedh baje', '2026-03-10T13:30'],
    ['डेढ़ बजे', '2026-03-10T13:30'],
    ['dhai baje', '2026-03-10T14:30'],
    ['ढाई बजे', '2026-03-10T14:30'],
    ['tonight 8', '2026-03-10T20:00'],
    ['tonight at 8', '2026-03-10T20:00'],
    ['aaj raat 8', '2026-03-10T20:00'],
    ['noon', '2026-03-10T12:00'],
    ['dopahar 12 baje', '2026-03-10T12:00'],
    ['midnight', '2026-03-11T00:00'],
    ['aaj raat 12 baje', '2026-03-11T00:00'],
  ])('reads %s', (text, expected) => {
    expect(when(text)).toEqual({
      at: `${expected}:00+05:30`,
      date: expected.slice(0, 10),
      hasTime: true,
      text,
      index: 0,
    });
  });

  it('reads a bare hour by business hours: 1-7 pm, 8-11 am, 12 noon', () => {
    expect(at('5 baje')).toBe('2026-03-10T17:00:00+05:30');
    expect(at('11 baje')).toBe('2026-03-10T11:00:00+05:30');
    expect(at('12 baje')).toBe('2026-03-10T12:00:00+05:30');
    expect(at('kal 8 baje')).toBe('2026-03-11T08:00:00+05:30');
  });

  it('puts a time already past today on tomorrow', () => {
    expect(at('9 am')).toBe('2026-03-11T09:00:00+05:30');
    expect(at('subah 7 baje')).toBe('2026-03-11T07:00:00+05:30');
    expect(at('raat 2 baje')).toBe('2026-03-11T02:00:00+05:30');
  });

  it('keeps an explicit day even when its time has passed', () => {
    expect(at('aaj subah 9 baje')).toBe('2026-03-10T09:00:00+05:30');
  });

  it('reads the small hours after a given night', () => {
    expect(at('kal raat 2 baje')).toBe('2026-03-12T02:00:00+05:30');
  });

  it.each([
    ['in 30 minutes'],
    ['30 minute mein'],
    ['abhi se 30 minute'],
    ['30 मिनट में'],
    ['aadhe ghante mein'],
    ['half an hour mein'],
  ])('counts %s from now', (text) => expect(at(text)).toBe('2026-03-10T10:30:00+05:30'));

  it('counts hours from now', () => {
    expect(at('2 hours from now')).toBe('2026-03-10T12:00:00+05:30');
    expect(at('do ghante baad')).toBe('2026-03-10T12:00:00+05:30');
  });
});

describe('parseWhen: a day with a part of day or a time', () => {
  it.each([['kal subah'], ['tomorrow morning'], ['kal raat'], ['कल सुबह']])('gives %s as a date only', (text) => {
    expect(when(text)).toEqual({ date: '2026-03-11', hasTime: false, text, index: 0 });
  });

  it.each([['tonight'], ['is afternoon'], ['this evening']])('gives %s as today', (text) =>
    expect(date(text)).toBe('2026-03-10'),
  );

  it('takes "shaam ko" as the next evening', () => {
    expect(when('Orbit ko sham ko call karna')).toMatchObject({ date: '2026-03-10', hasTime: false, text: 'sham ko' });
    expect(date('subah ko call karna', new Date('2026-03-10T13:00:00+05:30'))).toBe('2026-03-11');
  });

  it('ignores a part of day that names no day', () => {
    expect(when('good morning')).toBeNull();
    expect(when('subah se try kar raha hoon')).toBeNull();
  });

  it.each([
    ['Schedule meeting with Orbit Textiles kal 3 baje', 'kal 3 baje', '2026-03-11T15:00'],
    ['demo for Nimbus Labs on 14/3 at 11am', 'on 14/3 at 11am', '2026-03-14T11:00'],
    ['Orbit ka meeting parso shaam 6 baje reschedule karo', 'parso shaam 6 baje', '2026-03-12T18:00'],
    ['निंबस लैब्स के साथ कल दोपहर 2 बजे मीटिंग', 'कल दोपहर 2 बजे', '2026-03-11T14:00'],
    ['Friday ko raat 8 baje ke liye reminder', 'Friday ko raat 8 baje ke liye', '2026-03-13T20:00'],
    ['8 am thursday ke liye alarm', '8 am thursday ke liye', '2026-03-12T08:00'],
    ['kal ke liye subah 10 baje', 'kal ke liye subah 10 baje', '2026-03-11T10:00'],
    ['agle monday subah 5 baje', 'agle monday subah 5 baje', '2026-03-16T05:00'],
    ['Bluewave se 3 din baad 11 baje milna hai', '3 din baad 11 baje', '2026-03-13T11:00'],
    ['book meeting w/ Pixel Prints friday 4:30 pm', 'friday 4:30 pm', '2026-03-13T16:30'],
    ['Meeting with Apex on 16 March at 2:00 pm, Rekha will attend', 'on 16 March at 2:00 pm', '2026-03-16T14:00'],
    ['somvar subah 10 baje', 'somvar subah 10 baje', '2026-03-16T10:00'],
    ['शुक्रवार सुबह 11 बजे डेमो', 'शुक्रवार सुबह 11 बजे', '2026-03-13T11:00'],
    ['Wednesday ko 6 PM me badal den', 'Wednesday ko 6 PM', '2026-03-11T18:00'],
    ['alarm for 3 pm later today', 'for 3 pm later today', '2026-03-10T15:00'],
    ['14/3 ko 12:30 baje', '14/3 ko 12:30 baje', '2026-03-14T12:30'],
    ['Orbit ko 3 baje ke baad call karna', '3 baje ke baad', '2026-03-10T15:00'],
    ['Nimbus demo Monday, 16 March 4pm', 'Monday, 16 March 4pm', '2026-03-16T16:00'],
  ])('finds the whole expression in "%s"', (input, span, expected) => {
    const got = when(input);
    expect(got).toMatchObject({ at: `${expected}:00+05:30`, hasTime: true, text: span, index: input.indexOf(span) });
  });
});

describe('parseWhen: nothing to schedule', () => {
  it.each([
    ['Orbit Textiles ka lead add karo'],
    ['New lead: Sharma Traders, Ramesh Sharma, 98765 43210, Website'],
    ['deal 2.50 lakh ka hai'],
    ['saadhe 5 lakh ka order'],
    ['Orbit ko 5 units bhejo'],
    ['call 9876543210'],
    ['PO no 1-2 bhej do'],
    ['1/2 payment advance mein'],
    ['loan at 5% interest'],
    ['priced at 5 lakh'],
    ['present at 3 locations'],
    ['mera flat number 12-12 hai'],
    ['show me the pipeline'],
    ['कंपनी का नाम निंबस लैब्स है'],
    [''],
  ])('returns null for "%s"', (text) => expect(when(text)).toBeNull());

  it.each([
    ['har tuesday shaam 5 baje'],
    ['weekly sync with Orbit'],
    ['daily 10 baje'],
    ['every monday 9am'],
    ['mondays ko subah 6 baje'],
    ['har roz'],
    ['हर सोमवार'],
  ])('gives no point for a recurrence: %s', (text) => expect(when(text)).toBeNull());

  it.each([
    ['is hafte'],
    ['this week'],
    ['next month'],
    ['next 2 weeks ke liye 9 pm'],
    ['3 se 5 baje'],
    ['3-5 pm'],
    ['from 14/3 to 16/3'],
    ['is weekend'],
    ['Mon-Fri office'],
    ['somvar se shukravar tak'],
    ['monday to friday'],
  ])('gives no point for a range: %s', (text) => expect(when(text)).toBeNull());

  it.each([['10 minutes ke liye snooze karo'], ['for 10 minutes'], ['2 ghante ki meeting']])(
    'does not read a bare duration as a point: %s',
    (text) => {
      expect(when(text)).toBeNull();
    },
  );
});

describe('parseWhen: time zones', () => {
  // 20:00 UTC on the 10th is 01:30 on the 11th in India.
  const lateUtc = new Date('2026-03-10T20:00:00Z');

  it('counts days in the workspace zone, not in UTC', () => {
    expect(date('aaj', lateUtc, IST)).toBe('2026-03-11');
    expect(date('aaj', lateUtc, 'UTC')).toBe('2026-03-10');
    expect(at('kal 3 baje', lateUtc, IST)).toBe('2026-03-12T15:00:00+05:30');
    expect(at('kal 3 baje', lateUtc, 'UTC')).toBe('2026-03-11T15:00:00+00:00');
  });

  it('changes day exactly at the zone’s midnight', () => {
    expect(date('aaj', new Date('2026-03-10T18:29:00Z'))).toBe('2026-03-10');
    expect(date('aaj', new Date('2026-03-10T18:30:00Z'))).toBe('2026-03-11');
  });

  it('uses the zone’s own weekday', () => {
    // Wednesday 01:30 in India: a bare "wednesday" is next week's.
    expect(date('wednesday', lateUtc, IST)).toBe('2026-03-18');
    expect(date('wednesday', lateUtc, 'UTC')).toBe('2026-03-11');
  });

  it('writes the offset in force at the time, across a DST change', () => {
    const saturdayNoonNY = new Date('2026-03-07T17:00:00Z'); // DST starts Sunday 8 March, 02:00
    expect(at('kal 3 baje', saturdayNoonNY, 'America/New_York')).toBe('2026-03-08T15:00:00-04:00');
    expect(at('3pm', saturdayNoonNY, 'America/New_York')).toBe('2026-03-07T15:00:00-05:00');
    expect(at('in 24 hours', saturdayNoonNY, 'America/New_York')).toBe('2026-03-08T13:00:00-04:00');
  });

  it('moves a time skipped by DST forward and takes the first of a repeated hour', () => {
    const sundayMidnightNY = new Date('2026-03-08T05:00:00Z');
    expect(at('raat 2 baje', sundayMidnightNY, 'America/New_York')).toBe('2026-03-08T03:00:00-04:00');
    const fallBackEve = new Date('2026-10-31T16:00:00Z'); // DST ends Sunday 1 November, 02:00
    expect(at('kal 1:30 am', fallBackEve, 'America/New_York')).toBe('2026-11-01T01:30:00-04:00');
  });

  it('handles zones with a quarter-hour offset', () => {
    expect(at('kal 3 baje', NOW, 'Asia/Kathmandu')).toBe('2026-03-11T15:00:00+05:45');
  });
});
