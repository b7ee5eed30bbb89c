/**
 * A locale is any well-formed BCP 47 language tag (`fr`, `en-GB`, `de-CH`, `zh-Hant-TW`), as
 * the runtime's `Intl` reads it. The literal names only help an editor complete them.
 */
// `string & {}` keeps the literals in an editor's completion list without refusing other tags.
export type Locale = 'fr' | 'en' | (string & {});

/** The locales whose sentences are built into the core; others come from `secours/i18n/*`. */
export const LOCALES: readonly Locale[] = Object.freeze(['fr', 'en']);
export const DEFAULT_LOCALE = 'fr';

/**
 * RFC 5646 §4.4.1 asks implementations to support tags of at least 35 characters; a longer
 * one is a payload, not a language, and every lookup walks its subtags.
 */
export const MAX_LOCALE_LENGTH = 35;

/**
 * The canonical form of a well-formed tag (`EN` → `en`, `fr-fr` → `fr-FR`), or undefined for
 * anything else (`en_US`, `__proto__`, a number, a tag over 35 characters).
 */
export function canonicalLocale(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LOCALE_LENGTH) return undefined;
  // `Intl.getCanonicalLocales` takes ~0.6 µs, more than a whole call through the router: the
  // few tags a service sees are read once. A Map (no prototype to find), bounded: a flood of
  // distinct tags clears it rather than growing it.
  const known = canonical.get(value);
  if (known !== undefined || canonical.has(value)) return known;
  let tag: string | undefined;
  try {
    tag = Intl.getCanonicalLocales(value)[0];
  } catch {
    tag = undefined;
  }
  if (canonical.size >= MAX_CANONICAL) canonical.clear();
  canonical.set(value, tag);
  return tag;
}

const MAX_CANONICAL = 256;
const canonical = new Map<string, string | undefined>();

/** What a caller is told when a tag is not one. */
export const LOCALE_EXPECTED = 'expected a BCP 47 language tag such as "fr", "en-GB" or "de-CH"';

/**
 * The tags to try for `tag`, most specific first: RFC 4647 §3.4 lookup, dropping the last
 * subtag each time, and a single-letter subtag (an extension, `x-` private use) with what
 * follows it. `zh-Hant-TW` → `zh-Hant-TW`, `zh-Hant`, `zh`. Bounded by the tag's length.
 */
export function lookupChain(tag: string): string[] {
  const chain = [tag];
  let rest = tag;
  for (let cut = rest.lastIndexOf('-'); cut > 0; cut = rest.lastIndexOf('-')) {
    rest = rest.slice(0, cut);
    // `de-CH-x` is no tag: a singleton goes with the subtag it introduces.
    if (rest.length - rest.lastIndexOf('-') === 2) continue;
    chain.push(rest);
  }
  return chain;
}
