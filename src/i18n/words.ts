// The words of one locale: its sentences, each from the most specific catalogue that has it,
// and its texts from the catalogue. One place resolves both, so `detail`, `title` and the
// alternatives of one call agree on the language.
import { enCall } from './en.js';
import { frCall } from './fr.js';
import { DEFAULT_LOCALE, type Locale, lookupChain } from './locale.js';
import type { CallMessages, Messages, MessagesOption } from './messages.js';
import { localise, type Text } from './text.js';

/** A part of the built-in catalogues, by locale: French always has every sentence of it. */
export type BuiltIn<T> = { readonly fr: T; readonly [locale: string]: T | undefined };

/** What the router says, built in; the other locales are imported by the application and passed in. */
const CALL: BuiltIn<CallMessages> = { fr: frCall, en: enCall };

export interface Words {
  /** The tag asked for, canonical (`en-GB`); lists are written in it when its language has words (`formatLocale`). */
  readonly locale: Locale;
  readonly messages: CallMessages;
  /** A catalogue text in this locale (see `localise`). */
  text(text: Text | undefined): string | undefined;
  /** "A, B and C" in this locale. */
  list(items: readonly string[]): string;
}

/**
 * Every sentence for `locale`: from the first tag of its lookup chain (`de-CH` → `de`) whose
 * catalogue, given or built in, has it, then from `defaultLocale`'s, then from French. A
 * partial catalogue thus falls back sentence by sentence. Own properties only.
 *
 * A given sentence that throws or says nothing gives way to the built-in one: a person is
 * always told something, and `execute` never throws because of a translation.
 */
export function resolveMessages<T extends Partial<Messages>>(
  builtIns: BuiltIn<T>,
  locale: Locale,
  given: MessagesOption | undefined,
  defaultLocale: Locale = DEFAULT_LOCALE,
): T {
  const chain = [...lookupChain(locale), ...lookupChain(defaultLocale), DEFAULT_LOCALE];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(builtIns.fr) as (keyof T & keyof Messages)[]) {
    let own: unknown;
    let builtIn: unknown;
    for (const tag of chain) {
      const table = given && Object.hasOwn(given, tag) ? given[tag] : undefined;
      own ??= table && Object.hasOwn(table, key) ? table[key] : undefined;
      builtIn = Object.hasOwn(builtIns, tag) ? builtIns[tag]?.[key] : undefined;
      if (builtIn !== undefined) break;
    }
    out[key] =
      typeof own === 'function'
        ? guarded(own as (...args: unknown[]) => unknown, builtIn as (...args: unknown[]) => string)
        : (own ?? builtIn);
  }
  return Object.freeze(out) as T;
}

function guarded(f: (...args: unknown[]) => unknown, fallback: (...args: unknown[]) => string) {
  return (...args: unknown[]): string => {
    try {
      const said = f(...args);
      if (typeof said === 'string' && said.trim() !== '') return said;
    } catch {}
    return fallback(...args);
  };
}

/**
 * The tag dates, times and lists are written in: the one asked for when a catalogue, given or
 * built in, speaks its language (`de-CH` with `de`), else the fallback whose sentences are
 * said. A French sentence takes no Japanese list: not "(l'appli、le site)".
 */
export function formatLocale(
  builtIns: BuiltIn<unknown>,
  locale: Locale,
  given: MessagesOption | undefined,
  defaultLocale: Locale = DEFAULT_LOCALE,
): Locale {
  const speaks = (tag: string) => Object.hasOwn(builtIns, tag) || (given !== undefined && Object.hasOwn(given, tag));
  // The whole tag either way: `en-GB` has words through `en`, and writes dates the British way.
  if (lookupChain(locale).some(speaks)) return locale;
  return lookupChain(defaultLocale).some(speaks) ? defaultLocale : DEFAULT_LOCALE;
}

/** "A, B and C" through Intl where the runtime has it and knows the tag; commas otherwise. */
export function formatList(locale: Locale, items: readonly string[]): string {
  try {
    return new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

/** A function giving each locale's words, remembered for a few dozen tags (bounded). */
export function wordsFor(given: MessagesOption | undefined, defaultLocale: Locale = DEFAULT_LOCALE) {
  const known = new Map<string, Words>();
  return (locale: Locale): Words => {
    let w = known.get(locale);
    if (!w) {
      const written = formatLocale(CALL, locale, given, defaultLocale);
      w = Object.freeze({
        locale,
        messages: resolveMessages(CALL, locale, given, defaultLocale),
        text: (text: Text | undefined) => localise(text, locale, defaultLocale),
        list: (items: readonly string[]) => formatList(written, items),
      });
      // Tags come from callers: any number of them. The oldest goes first.
      if (known.size >= 64) known.delete(known.keys().next().value as string);
      known.set(locale, w);
    }
    return w;
  };
}
