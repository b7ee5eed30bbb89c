import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hours3631 } from '../test/helpers/hours.js';
import { availability, type Hours, parseInterval } from './hours.js';

const at = (iso: string) => Date.parse(iso);

const line3631 = hours3631;

describe('parseInterval', () => {
  it('reads an interval as minutes since midnight', () => {
    expect(parseInterval('08:30-19:00')).toEqual([510, 1140]);
    expect(parseInterval('00:00-24:00')).toEqual([0, 1440]);
  });

  it.each(['25:00-26:00', '10:00-09:00', '10:00-10:00', '24:00-24:00', '8:30-19:00', '08:60-09:00', '08:30-24:30', ''])(
    'rejects %j',
    (interval) => {
      expect(parseInterval(interval)).toBeUndefined();
    },
  );
});

describe('availability', () => {
  describe('the 3631 line in Paris', () => {
    it('is open on Monday at 10:00 and closes at 19:00', () => {
      // Monday 15 June 2026, 10:00 CEST (UTC+2).
      expect(availability(line3631, at('2026-06-15T08:00:00Z'))).toEqual({
        openNow: true,
        closesAt: at('2026-06-15T17:00:00Z'),
      });
    });

    it('is closed on Sunday and opens on Monday at 08:30 Paris time', () => {
      expect(availability(line3631, at('2026-06-14T10:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-06-15T06:30:00Z'),
      });
    });

    it('opens later the same day before its first interval', () => {
      // Wednesday 17 June 2026, 07:00 CEST.
      expect(availability(line3631, at('2026-06-17T05:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-06-17T06:30:00Z'),
      });
    });

    it('opens on Saturday morning after closing on Friday evening', () => {
      // Friday 19 June 2026, 19:00 CEST exactly.
      expect(availability(line3631, at('2026-06-19T17:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-06-20T06:30:00Z'),
      });
    });

    it('is open on Saturday until 13:00 and closed at 13:00 exactly', () => {
      expect(availability(line3631, at('2026-06-20T10:59:59Z'))).toEqual({
        openNow: true,
        closesAt: at('2026-06-20T11:00:00Z'),
      });
      expect(availability(line3631, at('2026-06-20T11:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-06-22T06:30:00Z'),
      });
    });

    it('is open at its opening minute exactly', () => {
      expect(availability(line3631, at('2026-06-15T06:30:00Z')).openNow).toBe(true);
      expect(availability(line3631, at('2026-06-15T06:29:59Z')).openNow).toBe(false);
    });
  });

  describe('across daylight-saving changes', () => {
    it('opens at 08:30 CEST (06:30Z) on the Monday after clocks go forward', () => {
      // Saturday 28 March 2026, 14:00 CET; clocks go forward on Sunday 29 March.
      expect(availability(line3631, at('2026-03-28T13:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-03-30T06:30:00Z'),
      });
    });

    it('opens at 08:30 CET (07:30Z) on the Monday after clocks go back', () => {
      // Saturday 24 October 2026, 14:00 CEST; clocks go back on Sunday 25 October.
      expect(availability(line3631, at('2026-10-24T12:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-10-26T07:30:00Z'),
      });
    });

    it('closes at midnight local time on the night clocks go forward', () => {
      const hours: Hours = { timeZone: 'Europe/Paris', weekly: { sat: ['20:00-24:00'] } };
      // Saturday 28 March 2026, 21:00 CET; midnight is still CET (23:00Z).
      expect(availability(hours, at('2026-03-28T20:00:00Z'))).toEqual({
        openNow: true,
        closesAt: at('2026-03-28T23:00:00Z'),
      });
    });

    it('opens during the Sunday the clocks change at the right instant', () => {
      const hours: Hours = { timeZone: 'Europe/Paris', weekly: { sun: ['10:00-12:00'] } };
      // Sunday 29 March 2026, 01:00 CET, before the change at 02:00; opens 10:00 CEST.
      expect(availability(hours, at('2026-03-29T00:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-03-29T08:00:00Z'),
      });
      // Sunday 25 October 2026, 01:00 CEST, before the change at 03:00; opens 10:00 CET.
      expect(availability(hours, at('2026-10-24T23:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-10-25T09:00:00Z'),
      });
    });
  });

  describe('split days', () => {
    const counter: Hours = { timeZone: 'Europe/Paris', weekly: { mon: ['09:00-12:00', '14:00-17:30'] } };

    it('is closed over lunch and opens again at 14:00', () => {
      // Monday 15 June 2026, 12:30 CEST.
      expect(availability(counter, at('2026-06-15T10:30:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-06-15T12:00:00Z'),
      });
    });

    it('closes at 12:00 in the morning and at 17:30 in the afternoon', () => {
      expect(availability(counter, at('2026-06-15T08:00:00Z'))).toEqual({
        openNow: true,
        closesAt: at('2026-06-15T10:00:00Z'),
      });
      expect(availability(counter, at('2026-06-15T13:00:00Z'))).toEqual({
        openNow: true,
        closesAt: at('2026-06-15T15:30:00Z'),
      });
    });

    it('opens the next Monday after the afternoon closes', () => {
      expect(availability(counter, at('2026-06-15T15:30:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-06-22T07:00:00Z'),
      });
    });
  });

  describe('closed dates', () => {
    const hours: Hours = { ...line3631, closedDates: ['2026-12-25'] };

    it('is closed all day on a closed date and opens the next open day', () => {
      // Friday 25 December 2026, 10:00 CET.
      expect(availability(hours, at('2026-12-25T09:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-12-26T07:30:00Z'),
      });
    });

    it('skips a closed date when looking for the next opening', () => {
      // Thursday 24 December 2026, 20:00 CET.
      expect(availability(hours, at('2026-12-24T19:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-12-26T07:30:00Z'),
      });
    });

    it('closes at midnight before a closed date when open around the clock', () => {
      const allDay: Hours = {
        timeZone: 'Europe/Paris',
        weekly: { thu: ['00:00-24:00'], fri: ['00:00-24:00'], sat: ['00:00-24:00'] },
        closedDates: ['2026-12-25'],
      };
      expect(availability(allDay, at('2026-12-24T12:00:00Z'))).toEqual({
        openNow: true,
        closesAt: at('2026-12-24T23:00:00Z'),
      });
    });
  });

  describe('around the clock', () => {
    const always: Hours = {
      timeZone: 'Europe/Paris',
      weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])),
    };

    it('is open across midnight with no closing time', () => {
      expect(availability(always, at('2026-06-14T21:59:59Z'))).toEqual({ openNow: true });
      expect(availability(always, at('2026-06-14T22:00:00Z'))).toEqual({ openNow: true });
      expect(availability(always, at('2026-10-24T23:30:00Z'))).toEqual({ openNow: true });
    });

    it('follows an evening interval into the next morning', () => {
      const night: Hours = { timeZone: 'Europe/Paris', weekly: { mon: ['20:00-24:00'], tue: ['00:00-02:00'] } };
      // Monday 15 June 2026, 23:00 CEST: open until Tuesday 02:00 CEST.
      expect(availability(night, at('2026-06-15T21:00:00Z'))).toEqual({
        openNow: true,
        closesAt: at('2026-06-16T00:00:00Z'),
      });
    });
  });

  it('is always open without hours', () => {
    expect(availability(undefined, at('2026-06-14T03:00:00Z'))).toEqual({ openNow: true });
  });

  it('never opens with an empty week, and says no opening time', () => {
    expect(availability({ timeZone: 'Europe/Paris', weekly: {} }, at('2026-06-15T08:00:00Z'))).toEqual({
      openNow: false,
    });
  });

  describe('in America/New_York', () => {
    const office: Hours = {
      timeZone: 'America/New_York',
      weekly: {
        mon: ['09:00-17:00'],
        tue: ['09:00-17:00'],
        wed: ['09:00-17:00'],
        thu: ['09:00-17:00'],
        fri: ['09:00-17:00'],
      },
    };

    it('is open on Monday at 10:00 EDT and closes at 17:00 EDT', () => {
      expect(availability(office, at('2026-06-15T14:00:00Z'))).toEqual({
        openNow: true,
        closesAt: at('2026-06-15T21:00:00Z'),
      });
    });

    it('uses local time, not UTC, to find the day', () => {
      // Friday 19 June 2026, 22:00 EDT, already Saturday in UTC: closed until Monday 09:00 EDT.
      expect(availability(office, at('2026-06-20T02:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-06-22T13:00:00Z'),
      });
    });

    it('opens at 09:00 EDT on the Monday after clocks go forward', () => {
      // Saturday 7 March 2026 (EST); clocks go forward on Sunday 8 March.
      expect(availability(office, at('2026-03-07T15:00:00Z'))).toEqual({
        openNow: false,
        opensAt: at('2026-03-09T13:00:00Z'),
      });
    });
  });
});

describe('intervals that touch', () => {
  it('closes at the end of the run, not where one interval meets the next', () => {
    const hours: Hours = { timeZone: 'Europe/Paris', weekly: { mon: ['08:00-12:00', '12:00-18:00'] } };
    // Monday 15 June 2026, 10:00 CEST: open until 18:00 CEST.
    expect(availability(hours, at('2026-06-15T08:00:00Z'))).toEqual({
      openNow: true,
      closesAt: at('2026-06-15T16:00:00Z'),
    });
  });

  it('follows a chain across midnight to its end, and opens at the start of the next run after a gap', () => {
    const hours: Hours = {
      timeZone: 'Europe/Paris',
      weekly: { mon: ['18:00-20:00', '20:00-24:00'], tue: ['00:00-02:00', '02:00-03:00', '09:00-10:00'] },
    };
    // Monday 15 June 2026, 19:00 CEST: open until Tuesday 03:00 CEST.
    expect(availability(hours, at('2026-06-15T17:00:00Z'))).toEqual({
      openNow: true,
      closesAt: at('2026-06-16T01:00:00Z'),
    });
    // Tuesday 04:00 CEST: closed, opens at 09:00, not at one of the bounds inside the run.
    expect(availability(hours, at('2026-06-16T02:00:00Z'))).toEqual({
      openNow: false,
      opensAt: at('2026-06-16T07:00:00Z'),
    });
  });
});

describe('around a daylight-saving change', () => {
  const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  // Bounds inside and around the hour that is skipped or repeated, so the intervals start, end
  // or touch in it.
  const minute = fc.constantFrom(0, 60, 90, 120, 130, 150, 165, 180, 200, 240, 600, 1440);
  const day = fc
    .uniqueArray(minute, { maxLength: 6 })
    .map((bounds) => bounds.sort((a, b) => a - b))
    .map((bounds) => {
      const out: string[] = [];
      for (let i = 0; i + 1 < bounds.length; i += 2)
        out.push(`${hhmm(bounds[i] as number)}-${hhmm(bounds[i + 1] as number)}`);
      return out;
    });
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  // Changes in 2024-2027: Paris and New York change in March and in October/November, Sydney in
  // April and October (https://www.timeanddate.com/time/dst/).
  const changes: Record<string, string[]> = {
    'Europe/Paris': [
      '2024-03-31T01:00Z',
      '2024-10-27T01:00Z',
      '2025-03-30T01:00Z',
      '2025-10-26T01:00Z',
      '2026-03-29T01:00Z',
      '2026-10-25T01:00Z',
      '2027-03-28T01:00Z',
      '2027-10-31T01:00Z',
    ],
    'America/New_York': [
      '2024-03-10T07:00Z',
      '2024-11-03T06:00Z',
      '2025-03-09T07:00Z',
      '2025-11-02T06:00Z',
      '2026-03-08T07:00Z',
      '2026-11-01T06:00Z',
      '2027-03-14T07:00Z',
      '2027-11-07T06:00Z',
    ],
    'Australia/Sydney': [
      '2024-04-06T16:00Z',
      '2024-10-05T16:00Z',
      '2025-04-05T16:00Z',
      '2025-10-04T16:00Z',
      '2026-04-04T16:00Z',
      '2026-10-03T16:00Z',
      '2027-04-03T16:00Z',
      '2027-10-02T16:00Z',
    ],
  };
  const world = fc.constantFrom(...Object.keys(changes)).chain((timeZone) =>
    fc.record({
      timeZone: fc.constant(timeZone),
      weekly: fc.record(Object.fromEntries(DAYS.map((d) => [d, day])) as Record<(typeof DAYS)[number], typeof day>),
      change: fc.constantFrom(...(changes[timeZone] as string[])).map(Date.parse),
      // Up to a day and a half either side of the change, to the second.
      shift: fc.integer({ min: -36 * 3600, max: 36 * 3600 }).map((s) => s * 1000),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  );

  it('says when it opens or closes, and the state holds until then and changes exactly there', () => {
    fc.assert(
      fc.property(world, ({ timeZone, weekly, change, shift, fraction }) => {
        const hours: Hours = { timeZone, weekly };
        const t = change + shift;
        const now = availability(hours, t);
        const next = now.openNow ? now.closesAt : now.opensAt;
        expect(now.openNow ? now.opensAt : now.closesAt).toBeUndefined();
        if (next === undefined) return;
        expect(next).toBeGreaterThan(t);
        // Just before the change it is as now; at the change it is the other way.
        expect(availability(hours, next - 1).openNow).toBe(now.openNow);
        expect(availability(hours, next).openNow).toBe(!now.openNow);
        // Anywhere in between it is as now, and says the same change.
        const u = t + Math.floor((next - 1 - t) * fraction);
        const between = availability(hours, u);
        expect({ u, openNow: between.openNow }).toEqual({ u, openNow: now.openNow });
        expect(now.openNow ? between.closesAt : between.opensAt).toBe(next);
      }),
      { numRuns: 400 },
    );
  });

  it('opens when the clock jumps over the start of an interval in the spring gap', () => {
    const hours: Hours = { timeZone: 'Europe/Paris', weekly: { sun: ['02:30-05:00'] } };
    // Sunday 29 March 2026, 01:30 CET: at 02:00 CET the clock reads 03:00 CEST, inside the interval.
    expect(availability(hours, at('2026-03-29T00:30:00Z'))).toEqual({
      openNow: false,
      opensAt: at('2026-03-29T01:00:00Z'),
    });
  });

  it('opens again when the clock goes back into an interval in the autumn overlap', () => {
    const hours: Hours = { timeZone: 'Europe/Paris', weekly: { sun: ['01:30-02:30'] } };
    // Sunday 25 October 2026, 02:45 CEST: closed; at 03:00 CEST the clock reads 02:00 CET, open again.
    expect(availability(hours, at('2026-10-25T00:45:00Z'))).toEqual({
      openNow: false,
      opensAt: at('2026-10-25T01:00:00Z'),
    });
  });
});
