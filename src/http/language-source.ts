/**
 * Where `Accept-Language` is read from: whatever carries it in the frameworks people use, read
 * through own properties only and never past what negotiation reads.
 */
import { describeValue } from '../call-context.js';
import { ConfigError } from '../errors.js';

/** The characters read. Browsers send well under 200; past this, the rest is dropped at a comma. */
export const MAX_ACCEPT_LANGUAGE = 4096;

/**
 * What carries `Accept-Language`: a `Request` (or anything with `headers`: node's
 * `IncomingMessage`), `Headers` (or anything with its `get`: Express's `req`), a node headers
 * object, the value or its repeated lines.
 */
export type LanguageSource =
  | string
  | readonly string[]
  | null
  | undefined
  | HeadersLike
  | NodeHeaders
  | { readonly headers: HeadersLike | NodeHeaders };

/** `Headers`, or anything with its `get` (Express's `req.get`). */
export interface HeadersLike {
  get(name: string): string | null | undefined;
}

/** `IncomingMessage#headers` (lower-case names), or any plain headers object (names in any case). */
export type NodeHeaders = Readonly<Record<string, string | readonly string[] | number | undefined>>;

/** The header's value; undefined when there is none. */
export function headerOf(source: unknown, depth = 0): string | undefined {
  if (source === undefined || source === null) return undefined;
  if (typeof source === 'string') return source;
  if (Array.isArray(source)) return joined(source);
  if (typeof source === 'object') {
    const { get } = source as { get?: unknown };
    if (typeof get === 'function') {
      const value: unknown = get.call(source, 'accept-language');
      return typeof value === 'string' ? value : undefined;
    }
    // A Request, an IncomingMessage or Express's req; one level only, a header named `headers`
    // (a string) is not followed.
    const { headers } = source as { headers?: unknown };
    if (depth === 0 && typeof headers === 'object' && headers !== null) return headerOf(headers, 1);
    const name = headerName(source);
    if (name === undefined) return undefined;
    const value: unknown = (source as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : Array.isArray(value) ? joined(value) : undefined;
  }
  throw new ConfigError('locale negotiation', [
    {
      path: 'request',
      message: `expected a Request, Headers, a headers object or the Accept-Language value, got ${describeValue(source)}`,
    },
  ]);
}

/**
 * The own key naming the header. Field names are case-insensitive (RFC 9110 §5.1): node writes
 * them in lower case, a hand-made object or an AWS API Gateway event as they were sent.
 */
function headerName(headers: object): string | undefined {
  if (Object.hasOwn(headers, 'accept-language')) return 'accept-language';
  return Object.keys(headers).find((key) => key.length === 15 && key.toLowerCase() === 'accept-language');
}

/** Repeated header lines as one list (RFC 9110 §5.3), no longer than what is read of it. */
function joined(values: readonly unknown[]): string {
  let out = '';
  for (const value of values) {
    if (out.length > MAX_ACCEPT_LANGUAGE) break;
    if (typeof value === 'string') out = out ? `${out},${value}` : value;
  }
  return out;
}
