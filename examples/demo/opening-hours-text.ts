/**
 * Opening hours as a person reads them, in Paris time: "ouvert jusqu'à 19:00", "opens Tuesday
 * 09:00". Shared by the terminal replay and the web page, so both say it the same way.
 */
import type { Alternative, Locale } from '../../src/index.js';

const TZ = 'Europe/Paris';
export const tags: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };

const timeFormat = new Map<Locale, Intl.DateTimeFormat>();
const weekdayFormat = new Map<Locale, Intl.DateTimeFormat>();
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

/** `09:00`, in Paris, in the person's locale. */
export function hhmm(at: number | string, locale: Locale = 'fr'): string {
  let f = timeFormat.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(tags[locale], { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormat.set(locale, f);
  }
  return f.format(typeof at === 'string' ? Date.parse(at) : at);
}

function weekday(at: number, locale: Locale): string {
  let f = weekdayFormat.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(tags[locale], { timeZone: TZ, weekday: 'long' });
    weekdayFormat.set(locale, f);
  }
  return f.format(at);
}

const sameDay = (a: number, b: number) => dayFormat.format(a) === dayFormat.format(b);

/** "ouvre à 14:00", "opens Tuesday 09:00": the day only when it is not today. */
function opens(at: number, now: number, locale: Locale): string {
  const time = hhmm(at, locale);
  if (sameDay(at, now)) return locale === 'fr' ? `ouvre à ${time}` : `opens at ${time}`;
  return locale === 'fr' ? `ouvre ${weekday(at, locale)} à ${time}` : `opens ${weekday(at, locale)} ${time}`;
}

/** An alternative's hours: open until when, open all day, when it opens, or closed. */
export function openingHours(alt: Alternative, now: number, locale: Locale): string {
  if (alt.openNow) {
    if (!alt.closesAt) return locale === 'fr' ? 'ouvert 24 h/24' : 'open 24/7';
    return locale === 'fr'
      ? `ouvert jusqu'à ${hhmm(alt.closesAt, locale)}`
      : `open until ${hhmm(alt.closesAt, locale)}`;
  }
  if (!alt.opensAt) return locale === 'fr' ? 'fermé' : 'closed';
  return opens(Date.parse(alt.opensAt), now, locale);
}
