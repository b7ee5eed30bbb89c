import { DEFAULT_LOCALE, type Locale, lookupChain } from './locale.js';

export { DEFAULT_LOCALE, LOCALES, type Locale } from './locale.js';

/** A user-facing text: the same for every locale, or one per locale (at least one), keyed by tag. */
export type Text = string | Readonly<{ [locale: string]: string | undefined }>;

/**
 * The value for `locale` in a table keyed by tags: the exact tag, then shorter ones (`fr-FR` →
 * `fr`), then `fallback` and its shorter tags. Own properties only: a locale named `constructor` must not find
 * `Object.prototype.constructor`.
 */
export function lookup<T>(
  table: Readonly<Record<string, T | undefined>>,
  locale: string,
  fallback: string,
): T | undefined {
  // The fallback's chain too (`en-GB` → `en`), as the sentences are resolved: else a catalogue
  // defaulting to `en-GB` says an English sentence around French labels.
  for (const tag of [...lookupChain(locale), ...lookupChain(fallback)]) {
    const v = Object.hasOwn(table, tag) ? table[tag] : undefined;
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * The text in `locale` (exact tag, then its language, RFC 4647 lookup), else in `defaultLocale`,
 * else the first one it has: a person gets words rather than nothing.
 * @example localise({ fr: 'Virement', en: 'Transfer' }, 'en-GB') // 'Transfer'
 */
export function localise(
  text: Text | undefined,
  locale: Locale,
  defaultLocale: Locale = DEFAULT_LOCALE,
): string | undefined {
  if (text === undefined || typeof text === 'string') return text;
  const found = lookup(text, locale, defaultLocale);
  if (found !== undefined) return found;
  for (const key of Object.keys(text)) if (typeof text[key] === 'string') return text[key];
  return undefined;
}
