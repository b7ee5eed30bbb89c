/**
 * Links read as a browser reads them. The WHATWG URL parser
 * (https://url.spec.whatwg.org/#concept-basic-url-parser) first strips leading and trailing C0
 * controls and spaces and removes every tab and newline, so `java\tscript:` and
 * `\u0001javascript:` are `javascript:` to it: checking the raw string misses them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters the parser drops
const STRIPPED = /[\u0000-\u0020\u007f]/g;

/** Schemes a browser runs or reads from the device itself: never in a link shown to a person. */
const FORBIDDEN = ['javascript', 'vbscript', 'data', 'file', 'blob', 'filesystem'];

/**
 * Why `link` cannot be shown to a person, or undefined when it can. It must be absolute (an
 * app link or a web address) and hold no control character or space, which parsers drop or
 * read differently. Its scheme must be one of `allowed` (then it needs a host, as a web address
 * does), or, without `allowed`, any scheme but the forbidden ones (an app's own `myapp://…`).
 */
export function linkProblem(link: string, allowed?: readonly string[]): string | undefined {
  const clean = link.replace(STRIPPED, '');
  const scheme = /^([a-z][a-z\d+.-]*):/i.exec(clean)?.[1]?.toLowerCase();
  if (scheme && FORBIDDEN.includes(scheme)) return `must not be a ${scheme}: link`;
  if (clean !== link) return 'must not contain spaces or control characters';
  if (!scheme || (allowed && !allowed.includes(scheme))) {
    return allowed ? `expected a ${allowed.join(' or ')} URL` : 'must be an absolute link, e.g. myapp://screen';
  }
  try {
    // What the parser reads must be what this check read.
    if (new URL(link).protocol === `${scheme}:` && (!allowed || /^[a-z]+:\/\/[^/?#]/i.test(link))) return undefined;
  } catch {}
  return 'is not a valid link';
}
