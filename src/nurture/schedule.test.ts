import { describe, expect, it } from 'vitest';
import { businessHoursOf, localNow, nextOpening, stepDueAt, type BusinessHours } from './schedule.ts';

const IST = 'Asia/Kolkata';
const monSat: BusinessHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], open: '10:00', close: '19:00' };
const day = (d: number) => ({ delayDays: d, delayHours: 0, sendTime: null });
const opts = (businessHours: BusinessHours | null = null, timeZone = IST) => ({
  timeZone,
  defaultSendTime: '10:00',
  businessHours,
});

describe('stepDueAt', () => {
  it('sends Day 1 / 3 / 7 at 10:00 local on those days after a Monday-afternoon demo', () => {
    const demo = new Date('2027-03-08T16:00:00+05:30');
    expect([1, 3, 7].map((d) => stepDueAt(demo, day(d), opts()).toISOString())).toEqual([
      '2027-03-09T04:30:00.000Z',
      '2027-03-11T04:30:00.000Z',
      '2027-03-15T04:30:00.000Z',
    ]);
  });

  it('uses the step’s own time of day, and never a time before the trigger', () => {
    const demo = new Date('2027-03-08T16:00:00+05:30');
    expect(stepDueAt(demo, { delayDays: 2, delayHours: 0, sendTime: '18:30' }, opts()).toISOString()).toBe(
      '2027-03-10T13:00:00.000Z',
    );
    // Day 0 at 10:00 after a 16:00 demo is tomorrow morning.
    expect(stepDueAt(demo, day(0), opts()).toISOString()).toBe('2027-03-09T04:30:00.000Z');
  });

  it('sends a step with hours at the exact offset', () => {
    const demo = new Date('2027-03-08T11:20:00+05:30');
    expect(stepDueAt(demo, { delayDays: 0, delayHours: 2, sendTime: null }, opts()).toISOString()).toBe(
      '2027-03-08T07:50:00.000Z',
    );
    expect(stepDueAt(demo, { delayDays: 1, delayHours: 3, sendTime: '10:00' }, opts()).toISOString()).toBe(
      '2027-03-09T08:50:00.000Z',
    );
  });

  it('moves a step outside business hours to the next opening', () => {
    // Saturday demo: Day 1 is a Sunday, closed → Monday 10:00.
    const sat = new Date('2027-03-13T16:00:00+05:30');
    expect(stepDueAt(sat, day(1), opts(monSat)).toISOString()).toBe('2027-03-15T04:30:00.000Z');
    // 2 hours after a 17:30 demo is 19:30, after closing → next day 10:00.
    const late = new Date('2027-03-09T17:30:00+05:30');
    expect(stepDueAt(late, { delayDays: 0, delayHours: 2, sendTime: null }, opts(monSat)).toISOString()).toBe(
      '2027-03-10T04:30:00.000Z',
    );
    // Before opening → opening the same day.
    expect(new Date(nextOpening(Date.parse('2027-03-10T08:00:00+05:30'), IST, monSat)).toISOString()).toBe(
      '2027-03-10T04:30:00.000Z',
    );
    // Inside hours → unchanged.
    expect(new Date(nextOpening(Date.parse('2027-03-10T12:00:00+05:30'), IST, monSat)).toISOString()).toBe(
      '2027-03-10T06:30:00.000Z',
    );
  });

  it('keeps the local time across a daylight-saving change', () => {
    // New York springs forward on 14 Mar 2027: 10:00 EST (-5) before, 10:00 EDT (-4) after.
    const trigger = new Date('2027-03-12T15:00:00-05:00');
    expect(stepDueAt(trigger, day(3), opts(null, 'America/New_York')).toISOString()).toBe('2027-03-15T14:00:00.000Z');
  });
});

describe('settings', () => {
  it('ignores malformed business hours rather than blocking every reminder', () => {
    expect(businessHoursOf({ business_hours: monSat })).toEqual(monSat);
    expect(businessHoursOf({ business_hours: { days: ['mon'], open: '19:00', close: '10:00' } })).toBeNull();
    expect(businessHoursOf({ business_hours: 'weekdays' })).toBeNull();
    expect(businessHoursOf({})).toBeNull();
  });

  it('gives the local date and minutes of an instant', () => {
    expect(localNow(new Date('2027-03-08T20:00:00Z'), IST)).toMatchObject({ date: '2027-03-09', minutes: 90 });
  });
});
