import { zoneFormatter } from './time-zone.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Weekly opening hours in an IANA time zone. A day that is absent or empty is closed.
 * @example { timeZone: 'Europe/Paris', weekly: { mon: ['08:30-12:00', '13:30-18:00'] }, closedDates: ['2026-12-25'] }
 */
export interface Hours {
  readonly timeZone: string;
  /** Intervals as `HH:MM-HH:MM`, in order, not overlapping; `24:00` ends a day. */
  readonly weekly: Readonly<Partial<Record<Weekday, readonly string[]>>>;
  /** Local dates (`YYYY-MM-DD`) on which the channel is closed all day. */
  readonly closedDates?: readonly string[];
}

const INTERVAL = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$/;

/** `"08:30-19:00"` → minutes since midnight `[510, 1140]`; undefined when malformed or empty. */
export function parseInterval(interval: string): [number, number] | undefined {
  const m = INTERVAL.exec(interval);
  if (!m) return undefined;
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  return to > from && to <= 1440 ? [from, to] : undefined;
}

const DAY = 86_400_000;

interface Wall {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  minutes: number;
  /** The wall-clock time read as if it were UTC, in ms (whole seconds). */
  asUtc: number;
}

function wall(at: number, timeZone: string): Wall {
  const p: Record<string, string> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(at)) p[part.type] = part.value;
  const [y, mo, d, h, mi, s] = [p.year, p.month, p.day, p.hour, p.minute, p.second].map(Number) as number[];
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    minutes: (h as number) * 60 + (mi as number),
    asUtc: Date.UTC(y as number, (mo as number) - 1, d, h, mi, s),
  };
}

/** The local date (`YYYY-MM-DD`) at `at` in `timeZone`. */
export function localDate(at: number, timeZone: string): string {
  return wall(at, timeZone).date;
}

/** The zone's offset from UTC at `at`, in ms (Paris in summer: +2 h). */
function offset(at: number, timeZone: string): number {
  return wall(at, timeZone).asUtc - Math.floor(at / 1000) * 1000;
}

function dayStart(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function dateOf(utcMidnight: number): string {
  return new Date(utcMidnight).toISOString().slice(0, 10);
}

function intervalsOn(hours: Hours, date: string): [number, number][] {
  if (hours.closedDates?.includes(date)) return [];
  const weekday = WEEKDAYS[(new Date(dayStart(date)).getUTCDay() + 6) % 7] as Weekday;
  const out: [number, number][] = [];
  const day = Object.hasOwn(hours.weekly, weekday) ? hours.weekly[weekday] : undefined;
  for (const s of Array.isArray(day) ? day : []) {
    const i = typeof s === 'string' ? parseInterval(s) : undefined;
    if (i) out.push(i);
  }
  return out;
}

/**
 * The one answer to "is it open at `at`": the local wall-clock minute falls in an interval of
 * the local date. `openNow`, `opensAt` and `closesAt` are all read from it, so they agree even
 * where the wall clock skips or repeats an hour.
 */
function isOpen(hours: Hours, at: number): boolean {
  const now = wall(at, hours.timeZone);
  return intervalsOn(hours, now.date).some(([from, to]) => now.minutes >= from && now.minutes < to);
}

/** A function remembered for one computation: neighbouring days ask the same questions. */
function memo<K, V>(f: (key: K) => V): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key) as V;
    const value = f(key);
    known.set(key, value);
    return value;
  };
}

/** The instant the offset changes between `from` (offset `a`) and `to`, to the millisecond (27 steps for a day). */
function transition(from: number, to: number, a: number, timeZone: string): number {
  let lo = from;
  let hi = to;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offset(mid, timeZone) === a) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Every instant of the local date `date` at which `isOpen` may change: where the wall clock
 * reads midnight or an interval's bound (twice when the clock goes back, never in a gap), and
 * where the clock jumps. Between two of them the wall clock runs on without crossing a bound.
 * Assumes at most one offset change in three days, as in every zone today.
 */
function candidates(hours: Hours, date: string, offsetAt: (at: number) => number): number[] {
  const start = dayStart(date);
  const before = offsetAt(start - DAY);
  const after = offsetAt(start + 2 * DAY);
  const bounds = new Set([0]);
  for (const [from, to] of intervalsOn(hours, date)) {
    bounds.add(from);
    if (to < 1440) bounds.add(to);
  }
  const out: number[] = [];
  for (const minutes of bounds) {
    const target = start + minutes * 60_000;
    for (const o of new Set([before, after])) {
      const t = target - o;
      if (before === after || wall(t, hours.timeZone).asUtc === target) out.push(t);
    }
  }
  if (before !== after) {
    const day = [start - DAY, start, start + DAY].find((from) => offsetAt(from) !== offsetAt(from + DAY));
    if (day !== undefined) out.push(transition(day, day + DAY, offsetAt(day), hours.timeZone));
  }
  return out;
}

/**
 * The first instant after `at`, on a local date up to `days` after today's, where `isOpen` is
 * `open`. Days are read one at a time, and an answer holds once it comes before every instant
 * of the next day (the clock never goes back a whole day, so no later day can come before it).
 */
function nextWhen(hours: Hours, at: number, open: boolean, days: number): number | undefined {
  const offsetAt = memo((t: number) => offset(t, hours.timeZone));
  const today = dayStart(wall(at, hours.timeZone).date);
  const stateAt = memo((t: number) => isOpen(hours, t));
  const seen = new Set<number>();
  let found: number | undefined;
  // From yesterday: where the clock goes back over midnight, its instants come after today's first.
  for (let i = -1; i <= days + 1; i++) {
    const day = candidates(hours, dateOf(today + i * DAY), offsetAt).filter((t) => t > at);
    if (found !== undefined && day.length > 0 && found < Math.min(...day)) return found;
    if (i > days) break;
    for (const t of day) seen.add(t);
    found = [...seen].sort((x, y) => x - y).find((t) => stateAt(t) === open);
  }
  return found;
}

export interface Availability {
  openNow: boolean;
  /** When it closes next, if open and known within a week (epoch ms). */
  closesAt?: number;
  /** When it opens next, if closed (epoch ms); absent when it never opens within two weeks. */
  opensAt?: number;
}

const ALWAYS: Availability = Object.freeze({ openNow: true });

/**
 * Whether a channel is open at `at`, and when that changes. No hours: always open. Intervals
 * that touch (`08:00-12:00` and `12:00-18:00`, or `20:00-24:00` and the next day's
 * `00:00-02:00`) are one opening: it closes at the end of the run.
 */
export function availability(hours: Hours | undefined, at: number): Availability {
  if (!hours) return ALWAYS;
  if (isOpen(hours, at)) {
    const closesAt = nextWhen(hours, at, false, 7);
    return closesAt === undefined ? { openNow: true } : { openNow: true, closesAt };
  }
  const opensAt = nextWhen(hours, at, true, 14);
  return opensAt === undefined ? { openNow: false } : { openNow: false, opensAt };
}
