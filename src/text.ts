/** The languages every user-facing text of secours comes in. */
export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = Object.freeze(['fr', 'en']);
export const DEFAULT_LOCALE: Locale = 'fr';

/** A user-facing text: the same for every locale, or one per locale (at least one). */
export type Text = string | Readonly<Partial<Record<Locale, string>>>;

/**
 * The text in `locale`, else in the other locale: a person gets words rather than nothing.
 * Own properties only: a locale named `constructor` must not find `Object.prototype.constructor`.
 */
export function localise(text: Text | undefined, locale: Locale): string | undefined {
  if (text === undefined || typeof text === 'string') return text;
  return (Object.hasOwn(text, locale) ? text[locale] : undefined) ?? text.fr ?? text.en;
}

export function isLocale(value: unknown): value is Locale {
  return value === 'fr' || value === 'en';
}
