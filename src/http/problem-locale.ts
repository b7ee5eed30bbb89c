/**
 * The language of an answer built for a request: the one the caller names, else the best of
 * the locales secours has words in for the request's `Accept-Language`.
 */
import { describeValue } from '../call-context.js';
import { ConfigError } from '../errors.js';
import { canonicalLocale, DEFAULT_LOCALE, LOCALES, type Locale, lookupChain } from '../i18n/locale.js';
import { type LanguageSource, negotiateLocale } from './negotiate-locale.js';

export interface LocaleChoice {
  /**
   * The language of `title`; `detail` and the alternatives are in the call's own locale.
   * @default negotiated from `acceptLanguage` or `request`, else 'fr'
   */
  locale?: Locale | undefined;
  /**
   * The request being answered (a `Request`, `Headers`, a node headers object): its
   * `Accept-Language` chooses the locale when `locale` is not given. Given with `locale` (the
   * one you negotiated for `execute`), it only adds `Vary: Accept-Language`.
   */
  request?: LanguageSource;
  /** The `Accept-Language` value itself, when you have it rather than the request. */
  acceptLanguage?: string | null | undefined;
}

export interface ChosenLocale {
  readonly locale: Locale;
  /** The answer depends on the request's `Accept-Language`: it must say `Vary`. */
  readonly fromRequest: boolean;
}

/**
 * `available`: the locales with words for the answer (the built-in ones, and those the
 * `messages` option gives), read on every call: when a catalogue is added, negotiation offers it.
 */
export function chooseLocale(options: LocaleChoice, available: readonly Locale[] = LOCALES): ChosenLocale {
  // `acceptLanguage: null` (read, and absent) still makes the answer depend on the header.
  const source = options.acceptLanguage !== undefined ? options.acceptLanguage : options.request;
  const fromRequest = source !== undefined;
  if (options.locale !== undefined) {
    // A tag with no words of its own resolves as the catalogues do: exact, then its language
    // (`en-GB` → `en`), then the default; Content-Language then names the one used.
    const { locale } = options;
    if (typeof locale !== 'string') {
      throw new ConfigError('problem details', [
        {
          path: 'options.locale',
          message: `expected a language tag such as 'fr' or 'en', got ${describeValue(locale)}`,
        },
      ]);
    }
    const tag = canonicalLocale(options.locale);
    const found = tag === undefined ? undefined : lookupChain(tag).find((t) => available.includes(t));
    return { locale: found ?? DEFAULT_LOCALE, fromRequest };
  }
  const locale = fromRequest ? negotiateLocale(source, available, { default: DEFAULT_LOCALE }) : DEFAULT_LOCALE;
  return { locale, fromRequest };
}
