/**
 * The language of an answer built for a request: the one the caller names, else the best of
 * the locales secours has words in for the request's `Accept-Language`.
 */
import { describeValue } from '../call-context.js';
import { ConfigError } from '../errors.js';
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from '../text.js';
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

export function chooseLocale(options: LocaleChoice): ChosenLocale {
  // `acceptLanguage: null` (read, and absent) still makes the answer depend on the header.
  const source = options.acceptLanguage !== undefined ? options.acceptLanguage : options.request;
  const fromRequest = source !== undefined;
  // LOCALES read on every call, not copied: when a catalogue is added, negotiation offers it.
  const best = (from: LanguageSource) => negotiateLocale(from, LOCALES, { default: DEFAULT_LOCALE });
  if (options.locale !== undefined) {
    // A tag secours has no words for resolves as the catalogues do: exact, then its language
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
    return { locale: isLocale(locale) ? locale : best(locale), fromRequest };
  }
  return { locale: fromRequest ? best(source) : DEFAULT_LOCALE, fromRequest };
}
