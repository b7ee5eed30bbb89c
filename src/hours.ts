import type { Hours } from './catalog.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const INTERVAL = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$/;

/** `"08:30-19:00"` → minutes since midnight `[510, 1140]`; undefined when malformed or empty. */
export function parseInterval(interval: string): [number, number] | undefined {
  const m = INTERVAL.exec(interval);
  if (!m) return undefined;
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  return to > from && to <= 1440 ? [from, to] : undefined;
}

interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  weekday: Weekday;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(at: number, timeZone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) out[p.type] = p.value;
  return out;
}

function localTime(at: number, timeZone: string): LocalTime {
  const p = parts(at, timeZone);
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: (p.weekday ?? 'Mon').slice(0, 3).toLowerCase() as Weekday,
    minutes: Number(p.hour) * 60 + Number(p.minute),
  };
}

/** The zone's offset from UTC at `at`, in ms (Paris in summer: +2 h). */
function offset(at: number, timeZone: string): number {
  const p = parts(at, timeZone);
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return asUtc - (at - (at % 1000));
}

/**
 * The instant of a local wall-clock time. Corrected twice because the offset can differ
 * between the guess and the answer across a daylight-saving change.
 */
function instant(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
  let guess = wall - offset(wall, timeZone);
  guess = wall - offset(guess, timeZone);
  return guess;
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7] as Weekday;
}

function intervalsOn(hours: Hours, date: string, weekday: Weekday): [number, number][] {
  if (hours.closedDates?.includes(date)) return [];
  const out: [number, number][] = [];
  for (const s of hours.weekly[weekday] ?? []) {
    const i = parseInterval(s);
    if (i) out.push(i);
  }
  return out;
}

export interface Availability {
  openNow: boolean;
  /** When it closes next, if open and known within a week (epoch ms). */
  closesAt?: number;
  /** When it opens next, if closed (epoch ms); absent when it never opens within two weeks. */
  opensAt?: number;
}

const ALWAYS: Availability = Object.freeze({ openNow: true });

/** Whether a channel is open at `at`, and when that changes. No hours: always open. */
export function availability(hours: Hours | undefined, at: number): Availability {
  if (!hours) return ALWAYS;
  const now = localTime(at, hours.timeZone);
  const today = intervalsOn(hours, now.date, now.weekday);
  const current = today.find(([from, to]) => now.minutes >= from && now.minutes < to);
  if (current) {
    // An interval ending at 24:00 may go on at 00:00 the next day: follow it for up to a week.
    let end = current[1];
    let date = now.date;
    for (let i = 0; i < 7 && end === 1440; i++) {
      date = addDays(date, 1);
      const next = intervalsOn(hours, date, weekdayOf(date))[0];
      if (next?.[0] !== 0) return { openNow: true, closesAt: instant(date, 0, hours.timeZone) };
      end = next[1];
    }
    return end === 1440 ? { openNow: true } : { openNow: true, closesAt: instant(date, end, hours.timeZone) };
  }
  const later = today.find(([from]) => from > now.minutes);
  if (later) return { openNow: false, opensAt: instant(now.date, later[0], hours.timeZone) };
  for (let i = 1; i <= 14; i++) {
    const date = addDays(now.date, i);
    const first = intervalsOn(hours, date, weekdayOf(date))[0];
    if (first) return { openNow: false, opensAt: instant(date, first[0], hours.timeZone) };
  }
  return { openNow: false };
}
