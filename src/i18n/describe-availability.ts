// An alternative's opening hours in a person's words: "open until 20:00", "opens tomorrow at
// 09:00". The instants come from the router (hours.ts, the one answer to "is it open"); this
// file only says them, in the channel's time zone and the person's locale.
import { ConfigError } from '../errors.js';
import { localDate } from '../hours.js';
import type { Alternative } from '../outcome.js';
import { isTimeZone } from '../time-zone.js';
import { checkMessages } from './check-messages.js';
import { enHours } from './en.js';
import { frHours } from './fr.js';
import { canonicalLocale, DEFAULT_LOCALE, LOCALE_EXPECTED, type Locale } from './locale.js';
import type { HoursMessages, MessagesOption } from './messages.js';
import { type BuiltIn, formatLocale, resolveMessages } from './words.js';

const BUILT_IN: BuiltIn<HoursMessages> = { fr: frHours, en: enHours };

export interface DescribeAvailabilityOptions {
  /** Any BCP 47 tag: its sentences are resolved as the router resolves them; times use its conventions. */
  locale: Locale;
  /** Epoch ms: "today" and "tomorrow" are counted from it. Pass the router's clock (`clock.now()`). */
  now: number;
  /** Catalogues for locales beyond `fr` and `en`, as `createRouter({ messages })` takes them. */
  messages?: MessagesOption | undefined;
  /** For an alternative that does not say its zone (`timeZone`). @default the runtime's zone */
  timeZone?: string | undefined;
  /** The catalogue's `defaultLocale`, so a locale without words falls back as the router's reasons do. @default 'fr' */
  defaultLocale?: Locale | undefined;
}

const OPTIONS = ['locale', 'now', 'messages', 'timeZone', 'defaultLocale'];

/** What is read of an alternative: any `Alternative` fits, or the same fields from the status feed. */
export type AvailabilityFacts = Pick<Alternative, 'openNow' | 'opensAt' | 'closesAt' | 'timeZone'>;

const DAY = 86_400_000;
const MAX_FORMATS = 64;
const formats = new Map<string, Intl.DateTimeFormat>();

/** A formatter per locale, zone and shape, in a bounded cache (tags and zones are anyone's strings). */
function format(locale: string, timeZone: string | undefined, shape: 'time' | 'weekday' | 'date') {
  const key = `${locale}|${timeZone}|${shape}`;
  let f = formats.get(key);
  if (!f) {
    const parts: Intl.DateTimeFormatOptions =
      shape === 'time'
        ? { hour: '2-digit', minute: '2-digit' }
        : shape === 'weekday'
          ? { weekday: 'long' }
          : { weekday: 'long', day: 'numeric', month: 'long' };
    const zone = timeZone ? { timeZone } : {};
    f = new Intl.DateTimeFormat(locale, { ...parts, ...zone });
    // h24 (`-u-hc-h24`) writes the midnight that starts Wednesday "Wednesday 24:00", and h11
    // "0:00 AM": read as the end of the day. Their neighbours say the same hours unambiguously.
    const cycle = f.resolvedOptions().hourCycle;
    if (cycle === 'h24' || cycle === 'h11') {
      f = new Intl.DateTimeFormat(locale, { ...parts, ...zone, hourCycle: cycle === 'h24' ? 'h23' : 'h12' });
    }
    if (formats.size >= MAX_FORMATS) formats.delete(formats.keys().next().value as string);
    formats.set(key, f);
  }
  return f;
}

/** Whole local days from `now` to `at` in the zone (0: the same date). */
function daysBetween(now: number, at: number, timeZone: string | undefined): number {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return Math.round((Date.parse(localDate(at, zone)) - Date.parse(localDate(now, zone))) / DAY);
}

function check(options: DescribeAvailabilityOptions, alternative: AvailabilityFacts) {
  const issues: { path: string; message: string }[] = [];
  const o = (options ?? {}) as Partial<DescribeAvailabilityOptions>;
  // A misspelt `timezone` would silently say the hours in the runtime's zone.
  for (const key of Object.keys(o)) {
    if (!OPTIONS.includes(key))
      issues.push({ path: `options.${key}`, message: `unknown option; known: ${OPTIONS.join(', ')}` });
  }
  const locale = canonicalLocale(o.locale);
  if (locale === undefined) issues.push({ path: 'options.locale', message: LOCALE_EXPECTED });
  const defaultLocale = o.defaultLocale === undefined ? DEFAULT_LOCALE : canonicalLocale(o.defaultLocale);
  if (defaultLocale === undefined) issues.push({ path: 'options.defaultLocale', message: LOCALE_EXPECTED });
  if (typeof o.now !== 'number' || !Number.isFinite(o.now)) {
    issues.push({ path: 'options.now', message: 'expected epoch ms (a finite number)' });
  }
  const timeZone = alternative?.timeZone ?? o.timeZone;
  if (timeZone !== undefined && (typeof timeZone !== 'string' || !isTimeZone(timeZone))) {
    issues.push({
      path: alternative?.timeZone === undefined ? 'options.timeZone' : 'alternative.timeZone',
      message: 'expected an IANA time zone such as "Europe/Paris"',
    });
  }
  for (const key of ['opensAt', 'closesAt'] as const) {
    const v = alternative?.[key];
    if (v !== undefined && !(typeof v === 'string' && Number.isFinite(Date.parse(v)))) {
      issues.push({ path: `alternative.${key}`, message: 'expected an ISO 8601 date and time' });
    }
  }
  if (typeof alternative?.openNow !== 'boolean')
    issues.push({ path: 'alternative.openNow', message: 'expected a boolean' });
  const checked = checkMessages(o.messages);
  issues.push(...checked.issues);
  if (issues.length) throw new ConfigError('describeAvailability arguments', issues);
  return {
    locale: locale as string,
    now: o.now as number,
    timeZone,
    messages: checked.messages,
    defaultLocale: defaultLocale as string,
  };
}

/**
 * An alternative's opening hours as a sentence in the person's language, in the channel's time
 * zone: "open until 20:00", "open 24/7", "opens at 14:00", "opens tomorrow at 09:00", "opens
 * Wednesday at 09:00", "closed for now" (no opening in the next two weeks). Throws ConfigError
 * for a malformed locale, `now` or alternative.
 * @example
 * import { de } from 'secours/i18n/de';
 * describeAvailability(outcome.alternatives[0], { locale: 'de-CH', now: Date.now(), messages: { de } });
 * // 'öffnet morgen um 09:00 Uhr'
 */
export function describeAvailability(alternative: AvailabilityFacts, options: DescribeAvailabilityOptions): string {
  const { locale, now, timeZone, messages, defaultLocale } = check(options, alternative);
  const say = resolveMessages(BUILT_IN, locale, messages, defaultLocale);
  // Times and weekdays in the language of the sentence: not "ouvre 木曜日 à 09:00".
  const written = formatLocale(BUILT_IN, locale, messages, defaultLocale);
  const iso = alternative.openNow ? alternative.closesAt : alternative.opensAt;
  if (iso === undefined) return alternative.openNow ? say.openAlways() : say.closedForNow();
  const at = Date.parse(iso);
  let days = daysBetween(now, at, timeZone);
  const f = format(written, timeZone, 'time');
  let time = f.format(at);
  const parts = f.formatToParts(at);
  // Open until midnight reads "until 24:00" today, not "until 00:00 tomorrow". Only a 24-hour
  // clock says `00`; in a 12-hour one ("12:00 AM") the midnight starts the next day, which is
  // then the day named.
  let dayOf = at;
  const hour = parts.find((p) => p.type === 'hour')?.value;
  if (alternative.openNow && days > 0 && hour === '00' && daysBetween(at - 1, at, timeZone) === 1) {
    days--;
    dayOf = at - 1;
    time = parts.map((p) => (p.type === 'hour' ? '24' : p.value)).join('');
  }
  const shown = days > 6 ? 'date' : 'weekday';
  const day = () => format(written, timeZone, shown).format(dayOf);
  if (alternative.openNow) {
    if (days <= 0) return say.openUntil(time);
    return days === 1 ? say.openUntilTomorrow(time) : say.openUntilDay(day(), time);
  }
  if (days <= 0) return say.opensToday(time);
  return days === 1 ? say.opensTomorrow(time) : say.opensOn(day(), time);
}
