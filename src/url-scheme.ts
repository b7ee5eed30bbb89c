/**
 * The scheme of a link as a browser would read it. The WHATWG URL parser
 * (https://url.spec.whatwg.org/#concept-basic-url-parser) first strips leading and trailing C0
 * controls and spaces and removes every tab and newline, so `java\tscript:` and
 * `\u0001javascript:` are `javascript:` to it: checking the raw string misses them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters the parser drops
const STRIPPED = /[\u0000-\u0020\u007f]/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * Schemes a browser runs, reads from the device or renders itself instead of handing to an
 * app: never acceptable in a link shown to a person.
 */
const FORBIDDEN = new Set(['javascript', 'vbscript', 'data', 'file', 'blob', 'filesystem', 'about', 'view-source']);

/** The lower-case scheme (`https`, `labanquepostale`), or undefined for a relative link. */
export function schemeOf(link: string): string | undefined {
  const clean = link.replace(new RegExp(STRIPPED.source, 'g'), '');
  return SCHEME.exec(clean)?.[1]?.toLowerCase();
}

/**
 * Why `link` cannot be shown to a person, or undefined when it can. It must be absolute (an
 * app link or a web address), hold no control character or whitespace (which parsers drop or
 * read differently), and its scheme must be one of `allowed`, or any scheme but the forbidden
 * ones when `allowed` is absent (an app's own `myapp://…`).
 */
export function linkProblem(link: string, allowed?: readonly string[]): string | undefined {
  const scheme = schemeOf(link);
  if (scheme !== undefined && FORBIDDEN.has(scheme)) return `must not be a ${scheme}: link`;
  if (STRIPPED.test(link)) return 'must not contain spaces or control characters';
  if (scheme === undefined) return 'must be an absolute link with a scheme, e.g. myapp://screen';
  if (allowed && !allowed.includes(scheme)) return `expected a ${allowed.join(' or ')} URL, got ${scheme}:`;
  // What the parser reads must be what the check read (it refuses what it cannot parse).
  let parsed: URL;
  try {
    parsed = new URL(link);
  } catch {
    return 'is not a valid URL';
  }
  if (parsed.protocol !== `${scheme}:`) return `is read as a ${parsed.protocol} link`;
  // A web address needs a host: `https:foo` and `http:/x` are not one.
  if ((scheme === 'http' || scheme === 'https') && !/^https?:\/\/[^/?#]/i.test(link))
    return 'expected a URL with a host';
  return undefined;
}
