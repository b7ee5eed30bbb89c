// describeAvailability attacked: the sentence must name the instant the router computed, in
// every clock a locale reads (h23 `00:00`, h24 `24:00`, h12 `12:00 AM`), in far zones and
// across DST changes. Pure functions of `now`: no timer is involved.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availability, type Hours, WEEKDAYS } from '../hours.js';
import { describeAvailability } from './describe-availability.js';

const MON = Date.parse('2026-12-07T10:00:00Z'); // Monday 11:00 in Paris

describe('describeAvailability at midnight', () => {
  it('names the right day when a channel closes at midnight, in h12 and h24 clocks', () => {
    // Open Monday to Wednesday all day: it closes at Wednesday 24:00 = Thursday 00:00 (Paris).
    const alt = { openNow: true, closesAt: '2026-12-09T23:00:00.000Z', timeZone: 'Europe/Paris' };
    expect(describeAvailability(alt, { locale: 'fr', now: MON })).toBe("ouvert jusqu'à mercredi 24:00");
    // Not "Wednesday at 12:00 AM", which is Tuesday night.
    expect(describeAvailability(alt, { locale: 'en-US', now: MON })).toBe('open until Thursday at 12:00 AM');
    expect(describeAvailability(alt, { locale: 'en-US-u-hc-h24', now: MON })).toBe('open until Wednesday at 24:00');
  });

  it('says "until 24:00" today in an h24 clock, not "24:00 tomorrow"', () => {
    const wed = { openNow: false, opensAt: '2026-12-08T23:00:00.000Z', timeZone: 'Europe/Paris' };
    // Opens at the midnight that starts Wednesday: not "Wednesday at 24:00" (Thursday's).
    expect(describeAvailability(wed, { locale: 'en-US-u-hc-h24', now: MON })).toBe('opens Wednesday at 00:00');
    const thu = Date.parse('2026-12-10T10:00:00Z');
    const alt = { openNow: true, closesAt: '2026-12-10T23:00:00.000Z', timeZone: 'Europe/Paris' };
    expect(describeAvailability(alt, { locale: 'en-GB-u-hc-h24', now: thu })).toBe('open until 24:00');
    expect(
      describeAvailability(alt, {
        locale: 'ja-JP-u-hc-h11',
        now: thu,
        messages: { ja: { openUntilTomorrow: (t) => `明日${t}まで` } },
      }),
    ).toBe('明日午前12:00まで');
    expect(describeAvailability(alt, { locale: 'en-US', now: thu })).toBe('open until 12:00 AM tomorrow');
    expect(describeAvailability(alt, { locale: 'en-GB', now: thu })).toBe('open until 24:00');
  });
});

// The local wall clock of an instant in a zone: [days since epoch of the local date, minutes].
function wallOf(at: number, timeZone: string): [number, number] {
  const p: Record<string, string> = {};
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  return [
    Date.UTC(+(p.year as string), +(p.month as string) - 1, +(p.day as string)) / 86_400_000,
    +(p.hour as string) * 60 + +(p.minute as string),
  ];
}

const NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

describe('describeAvailability agrees with the router (property)', () => {
  it('says open exactly when open, and names the local day and time of the change', () => {
    const zones = ['Europe/Paris', 'Pacific/Kiritimati', 'America/St_Johns', 'Asia/Kathmandu', 'UTC', 'Pacific/Apia'];
    const interval = fc
      .tuple(fc.integer({ min: 0, max: 47 }), fc.integer({ min: 1, max: 48 }))
      .map(([a, n]) => [a * 30, Math.min(1440, a * 30 + n * 30)] as const)
      .map(([a, b]) => `${hm(a)}-${hm(b)}`);
    const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const week = fc.record(
      Object.fromEntries(WEEKDAYS.map((d) => [d, fc.option(fc.array(interval, { maxLength: 2 }), { nil: undefined })])),
    );
    // Around the DST changes of 2026 in Europe (29 March, 25 October) and America (8 March, 1 November).
    const instants = fc.oneof(
      fc.integer({ min: Date.parse('2026-03-05T00:00Z'), max: Date.parse('2026-04-02T00:00Z') }),
      fc.integer({ min: Date.parse('2026-10-22T00:00Z'), max: Date.parse('2026-11-05T00:00Z') }),
      fc.integer({ min: Date.parse('2026-01-01T00:00Z'), max: Date.parse('2027-01-01T00:00Z') }),
    );
    fc.assert(
      fc.property(
        week,
        fc.constantFrom(...zones),
        instants,
        fc.constantFrom('en-GB', 'en-US', 'en-US-u-hc-h24'),
        (weekly, timeZone, now, locale) => {
          const hours: Hours = { timeZone, weekly: weekly as Hours['weekly'] };
          const a = availability(hours, now);
          const alt = {
            openNow: a.openNow,
            ...(a.opensAt === undefined ? {} : { opensAt: new Date(a.opensAt).toISOString() }),
            ...(a.closesAt === undefined ? {} : { closesAt: new Date(a.closesAt).toISOString() }),
            timeZone,
          };
          const said = describeAvailability(alt, { locale, now });
          expect(said.startsWith(a.openNow ? 'open ' : 'opens ') || said === 'closed for now').toBe(true);
          const change = a.openNow ? a.closesAt : a.opensAt;
          if (change === undefined) return;
          const m = /(\d\d):(\d\d)(?: (AM|PM))?/.exec(said);
          if (!m || /\d{1,2},? /.test(said.replace(/\d\d:\d\d.*$/, ''))) return; // a date: not read back here
          let minutes = (+(m[1] as string) % (m[3] ? 12 : 100)) * 60 + +(m[2] as string) + (m[3] === 'PM' ? 720 : 0);
          const [today] = wallOf(now, timeZone);
          const named = NAMES.findIndex((n) => said.includes(n));
          let day = today;
          if (said.includes('tomorrow')) day = today + 1;
          else if (named >= 0) day = today + ((named - ((today + 3) % 7) + 7) % 7); // 1970-01-01 was a Thursday
          if (minutes === 1440) {
            day++;
            minutes = 0;
          }
          const [cDay, cMin] = wallOf(change, timeZone);
          expect([said, day, minutes]).toEqual([said, cDay, cMin]);
        },
      ),
      { numRuns: Number(process.env.RUNS ?? 400) },
    );
  });
});

describe('describeAvailability options', () => {
  const alt = { openNow: false, opensAt: '2026-12-08T08:00:00.000Z' };
  it('refuses a misspelt option rather than saying the hours in the runtime zone', () => {
    // `as never`: the misspelling is what is tested, which the compiler would refuse.
    expect(() =>
      describeAvailability(alt, { locale: 'en', now: MON, timezone: 'Pacific/Kiritimati' } as never),
    ).toThrow(/options\.timezone/);
  });

  it('falls back to the catalogue defaultLocale, as the router reasons do', () => {
    const options = { locale: 'ja', now: MON, timeZone: 'Europe/Paris', defaultLocale: 'en-GB' };
    expect(describeAvailability(alt, options)).toBe('opens tomorrow at 09:00');
    expect(() => describeAvailability(alt, { ...options, defaultLocale: 'en_GB' })).toThrow(/options\.defaultLocale/);
  });
});

describe('a messages option with very many keys', () => {
  it('is a ConfigError with a capped list, not a stack overflow', async () => {
    const { toProblem } = await import('../http/problem.js');
    const { Referred } = await import('../outcome.js');
    const big: Record<string, number> = {};
    for (let i = 0; i < 200_000; i++) big[`k${i}`] = 1;
    const error = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as { name: string; issues?: readonly unknown[] };
      }
      return undefined;
    };
    const e = error(() => describeAvailability({ openNow: true }, { locale: 'fr', now: 0, messages: { de: big } }));
    expect([e?.name, e?.issues?.length]).toEqual(['ConfigError', 21]);
    const outcome = new Referred('t', 'manual', 'x', [], undefined, []);
    const p = error(() => toProblem(outcome, { messages: { de: big } }));
    expect([p?.name, p?.issues?.length]).toEqual(['ConfigError', 21]);
  });
});
