/**
 * Opening hours as a person reads them, in Paris time: "ouvert jusqu'à 19:00", "opens Tuesday
 * at 09:00". The words are the library's own (`describeAvailability`); this file only picks the
 * demo's two languages and their regional tags, shared by the terminal replay and the web page.
 */
import { type Alternative, describeAvailability } from '../../src/index.js';

/** The demo speaks the two languages built into the core. */
export type DemoLocale = 'fr' | 'en';

const TZ = 'Europe/Paris';
/** France and Britain: 24-hour times, "Tuesday 7 April". */
export const tags: Record<DemoLocale, string> = { fr: 'fr-FR', en: 'en-GB' };

const timeFormat = new Map<DemoLocale, Intl.DateTimeFormat>();

/** `09:00`, in Paris, in the person's locale. */
export function hhmm(at: number | string, locale: DemoLocale = 'fr'): string {
  let f = timeFormat.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(tags[locale], { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormat.set(locale, f);
  }
  return f.format(typeof at === 'string' ? Date.parse(at) : at);
}

/** An alternative's hours: open until when, open all day, when it opens, or closed. */
export function openingHours(alt: Alternative, now: number, locale: DemoLocale): string {
  return describeAvailability(alt, { locale: tags[locale], now, timeZone: TZ });
}
