/**
 * Which of your locales a person reads, from the `Accept-Language` their browser sends
 * (RFC 9110 §12.5.4, https://www.rfc-editor.org/rfc/rfc9110#section-12.5.4).
 *
 * The header comes from anyone: whatever it holds, this never throws, reads at most
 * `MAX_ACCEPT_LANGUAGE` characters and `MAX_LANGUAGE_RANGES` ranges, and runs in time linear in
 * what it reads (two anchored regexes without nested or overlapping repeats, no backtracking).
 * Only the programmer's arguments (`available`, `options`, the kind of `request`) can be wrong,
 * and those are a `ConfigError` with a path.
 */
import { describeValue } from '../call-context.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { MAX_ISSUES } from '../validate.js';
import { headerOf, type LanguageSource, MAX_ACCEPT_LANGUAGE } from './language-source.js';

export { type HeadersLike, type LanguageSource, MAX_ACCEPT_LANGUAGE, type NodeHeaders } from './language-source.js';

/** The ranges kept, in the order sent. Browsers send a handful. */
export const MAX_LANGUAGE_RANGES = 32;

/** A `language-range` (RFC 4647 §2.1, the basic one that Accept-Language uses), or `*`. */
const RANGE = /^(?:\*|[a-z]{1,8}(?:-[a-z\d]{1,8})*)$/i;
/** RFC 9110 §12.4.2 `qvalue`. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

export interface NegotiateOptions<T extends string> {
  /**
   * The answer when no range matches (no header, an empty or garbled one, none of yours asked
   * for). One of `available`.
   * @default available[0]
   */
  default?: T | undefined;
}

interface Range {
  /** Lower case. */
  readonly tag: string;
  readonly q: number;
}

/**
 * The best of `available` for the person who sent `request`.
 *
 * For each range, highest `q` first (equal `q`: the order sent), case-insensitively:
 * 1. RFC 4647 §3.4 lookup: the range itself, then shorter and shorter (`fr-CA` → `fr`);
 * 2. then, before the next range, the tag of yours sharing the most leading subtags with it
 *    (`fr` or `fr-CA` → your `fr-FR`): someone who asks for French reads French from France
 *    sooner than the next language they listed;
 * 3. `*`: the default, else the first of yours, among those no other range asks for (by
 *    language) and no `q=0` refuses.
 *
 * A tag is wanted as much as the longest range that is it or a prefix of it says: `q=0` refuses
 * a tag and the tags it prefixes (`fr;q=0` refuses `fr` and `fr-FR`, RFC 4647 §3.3.1 basic
 * filtering) but those a longer range asks for (`en;q=0, en-GB`); a refused tag is never chosen by a range, and when nothing matched,
 * the default gives way to the first of yours not refused. A repeated range counts where it
 * first appears. When everything is refused, the header is disregarded (RFC 9110 §12.5.4
 * allows it) and the answer is the default: a person gets words rather than a `406`.
 * @example
 * negotiateLocale(request, LOCALES);                       // 'en' for `en-GB,en;q=0.9,fr;q=0.8`
 * negotiateLocale('fr-CA, en;q=0.5', ['en', 'fr-FR']);     // 'fr-FR'
 * negotiateLocale(req.headers, ['fr', 'en'], { default: 'en' }); // node:http, Express
 */
export function negotiateLocale<const T extends string>(
  request: LanguageSource,
  available: readonly T[],
  // NoInfer: `{ default: 'de' }` is checked against `available`, not added to the answer's type.
  options: NegotiateOptions<NoInfer<T>> = {},
): T {
  const tags = availableTags(available);
  const fallback = defaultIndex(available, tags, options);
  const ranges = parseRanges(headerOf(request) ?? '');
  const pick = (i: number) => available[i] as T;
  if (ranges.length === 0) return pick(fallback);
  const rated = tags.map((tag) => ratedBy(ranges, tag));
  const refused = rated.map((r) => r?.q === 0);
  for (const range of ranges) {
    // Sorted by q: the rest refuse, they do not ask.
    if (range.q === 0) break;
    const i = range.tag === '*' ? wildcard(ranges, tags, refused, fallback) : closest(range, tags, refused, rated);
    if (i >= 0) return pick(i);
  }
  if (ranges.some((r) => r.q === 0 && r.tag === '*') || !refused[fallback]) return pick(fallback);
  const other = refused.indexOf(false);
  return pick(other >= 0 ? other : fallback);
}

function fail(issue: ConfigIssue): never {
  throw new ConfigError('locale negotiation', [issue]);
}

/** `available` in lower case, once it is known to be a list of language tags. */
function availableTags(available: unknown): string[] {
  if (!Array.isArray(available) || available.length === 0) {
    fail({ path: 'available', message: `expected a non-empty list of language tags, got ${describeValue(available)}` });
  }
  const issues: ConfigIssue[] = [];
  // Array.from, not map: map skips the holes of `['fr', , 'en']`, which must be reported too.
  const tags = Array.from(available as readonly unknown[], (tag, i) => {
    // A tag you offer has the shape of a range, but `*`.
    if (typeof tag === 'string' && tag !== '*' && RANGE.test(tag)) return tag.toLowerCase();
    if (issues.length < MAX_ISSUES) {
      issues.push({
        path: `available[${i}]`,
        message: `expected a language tag such as 'fr' or 'en-GB', got ${describeValue(tag)}`,
      });
    }
    return '';
  });
  if (issues.length > 0) throw new ConfigError('locale negotiation', issues);
  return tags;
}

function defaultIndex(available: readonly string[], tags: readonly string[], options: unknown): number {
  if (options === undefined) return 0;
  if (typeof options !== 'object' || options === null) {
    fail({ path: 'options', message: `expected an object, got ${describeValue(options)}` });
  }
  for (const key of Object.keys(options)) {
    if (key !== 'default') fail({ path: `options.${key}`, message: 'unknown option; the one option is `default`' });
  }
  const wanted: unknown = (options as { default?: unknown }).default;
  if (wanted === undefined) return 0;
  const i = typeof wanted === 'string' ? tags.indexOf(wanted.toLowerCase()) : -1;
  if (i < 0) {
    fail({
      path: 'options.default',
      message: `expected one of the available locales (${available.join(', ')}), got ${describeValue(wanted)}`,
    });
  }
  return i;
}

/** The ranges, best first; the malformed ones skipped. */
function parseRanges(header: string): Range[] {
  let text = header;
  if (text.length > MAX_ACCEPT_LANGUAGE) {
    // Cut at the last comma that fits: a range cut in half (`fr-C`, `q=0.`) would say something else.
    const comma = text.lastIndexOf(',', MAX_ACCEPT_LANGUAGE);
    text = comma < 0 ? '' : text.slice(0, comma);
  }
  const ranges: Range[] = [];
  const seen = new Set<string>();
  for (let start = 0; start <= text.length && ranges.length < MAX_LANGUAGE_RANGES; ) {
    const comma = text.indexOf(',', start);
    const end = comma < 0 ? text.length : comma;
    // Empty elements are allowed (RFC 9110 §5.6.1) and cost nothing to skip.
    const range = end > start ? parseRange(text.slice(start, end)) : undefined;
    if (range && !seen.has(range.tag)) {
      seen.add(range.tag);
      ranges.push(range);
    }
    start = end + 1;
  }
  // Array#sort is stable: equal q keep the order sent.
  return ranges.sort((a, b) => b.q - a.q);
}

/** `range [ OWS ";" OWS "q=" qvalue ]`; anything else (other parameters, a bad q) is skipped. */
function parseRange(element: string): Range | undefined {
  const semicolon = element.indexOf(';');
  const tag = (semicolon < 0 ? element : element.slice(0, semicolon)).trim();
  if (!RANGE.test(tag)) return undefined;
  let q = 1;
  if (semicolon >= 0) {
    const weight = element.slice(semicolon + 1).trim();
    if (weight[0] !== 'q' && weight[0] !== 'Q') return undefined;
    if (weight[1] !== '=' || !QVALUE.test(weight.slice(2))) return undefined;
    q = Number(weight.slice(2));
  }
  return { tag: tag.toLowerCase(), q };
}

/**
 * The range that says how much `tag` is wanted: the longest one that is it or a prefix of it
 * (RFC 2616 §14.4, https://www.rfc-editor.org/rfc/rfc2616#section-14.4, kept by RFC 4647
 * filtering): `en;q=0, en-GB` refuses English but British English, not British English too.
 */
function ratedBy(ranges: readonly Range[], tag: string): Range | undefined {
  let best: Range | undefined;
  for (const r of ranges) {
    if (r.tag !== '*' && filters(r.tag, tag) && (!best || r.tag.length > best.tag.length)) best = r;
  }
  return best;
}

/** RFC 4647 §3.3.1: `range` is `tag` or a prefix of it ending at a subtag. */
function filters(range: string, tag: string): boolean {
  return tag === range || (tag.startsWith(range) && tag.charCodeAt(range.length) === 45);
}

/**
 * How many leading subtags `a` and `b` have in common, as languages: a lone singleton (`x` of
 * `x-foo`, `i` of `i-klingon`) is not a language, so `x-foo` and `x-bar` share nothing.
 */
function sharedSubtags(a: string, b: string): number {
  const shared = sharedPrefix(a, b);
  return shared === 1 && a !== b && (a.length === 1 || a.charCodeAt(1) === 45) ? 0 : shared;
}

function sharedPrefix(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  let shared = 0;
  let i = 0;
  for (; i < length && a.charCodeAt(i) === b.charCodeAt(i); i++) if (a.charCodeAt(i) === 45) shared++;
  // Both ended, or one ended where the other has a '-': that last subtag is whole in both.
  if (i === length && (a.length === b.length || (a.length > length ? a : b).charCodeAt(length) === 45)) shared++;
  return shared;
}

function subtagCount(tag: string): number {
  let count = 1;
  for (let i = 0; i < tag.length; i++) if (tag.charCodeAt(i) === 45) count++;
  return count;
}

/** Lookup, then the nearest sibling (see negotiateLocale); -1 when none of yours has its language. */
function closest(
  { tag: range }: Range,
  tags: readonly string[],
  refused: readonly boolean[],
  rated: readonly (Range | undefined)[],
): number {
  let lookup = -1;
  let lookupLength = 0;
  let sibling = -1;
  let siblingShared = 0;
  tags.forEach((tag, i) => {
    if (refused[i]) return;
    const shared = sharedSubtags(range, tag);
    if (shared === 0) return;
    // A range closer to this tag than `range` is says how much it is wanted, at its own q:
    // `en;q=0.9, en-GB;q=0.1` reaches your en-US before your en-GB.
    const own = rated[i];
    if (own && own.tag !== range && subtagCount(own.tag) > shared) return;
    const length = subtagCount(tag);
    // Lookup never stops on a single-character subtag (RFC 4647 §3.4: `x` of `en-x-foo` goes too).
    const truncation = shared === length && (tag === range || tag.charCodeAt(tag.length - 2) !== 45);
    if (truncation && length > lookupLength) {
      lookup = i;
      lookupLength = length;
    } else if (!truncation && shared > siblingShared) {
      sibling = i;
      siblingShared = shared;
    }
  });
  return lookup >= 0 ? lookup : sibling;
}

/**
 * `*` stands for every language no other range names (RFC 9110 §12.5.4): not those a range asks
 * for at its own q, nor those refused; `fr-CA;q=0, *` still takes `fr`.
 */
function wildcard(ranges: readonly Range[], tags: readonly string[], refused: readonly boolean[], fallback: number) {
  const free = (i: number) =>
    !refused[i] && !ranges.some((r) => r.q > 0 && r.tag !== '*' && sharedSubtags(r.tag, tags[i] as string) > 0);
  if (free(fallback)) return fallback;
  return tags.findIndex((_, i) => free(i));
}
