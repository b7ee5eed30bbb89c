/**
 * The operator's endpoint: declare an outage, end one. Behind a bearer token, with the body
 * validated by the same zod schema and catalogue checks as `router.declareOutage`.
 */
import { ConfigError, type ConfigIssue, isSecoursError } from '../errors.js';
import type { Outage, OutageInput } from '../outages.js';
import type { Snapshot } from '../snapshot.js';
import { readOptions } from '../validate.js';
import { readJson } from './body.js';
import { adminHandlerSchema } from './options.js';
import { errorResponse, PROBLEM_TYPE_BASE } from './problem.js';
import { sameSecret } from './token.js';

/** What the handler needs of a router. */
export interface OutageTarget {
  declareOutage(input: OutageInput): Outage;
  endOutage(id: string): Outage | undefined;
  getSnapshot(): Snapshot;
}

export interface AdminHandlerOptions {
  /** The bearer token operators send (`Authorization: Bearer <token>`). At least 16 characters. */
  token: string;
  /** @default 16_384 */
  maxBodyBytes?: number;
  /**
   * Where the handler is mounted, as the client sees it: `POST <path>` declares,
   * `DELETE <path>/<id>` ends. Other paths get `404`.
   * @default '/admin/outages'
   */
  path?: string;
}

/** Issues listed in a 400 at most: a body with 100,000 mistakes gets a bounded answer. */
const MAX_ISSUES = 100;

/** Errors that mean the body was wrong, not the server: answered 400 with their issues. */
const CLIENT_ERRORS: ReadonlySet<string> = new Set([
  'ERR_SECOURS_CONFIG',
  'ERR_SECOURS_INVALID_INPUT',
  'ERR_SECOURS_UNKNOWN_CHANNEL',
  'ERR_SECOURS_UNKNOWN_OPERATION',
]);

type Target =
  | { readonly kind: 'collection' }
  | { readonly kind: 'item'; readonly id: string }
  | { readonly kind: 'none' };

/**
 * What a request path names, below `base`. The URL parser has already resolved `.` and `..`
 * (also as `%2e`); one trailing slash is allowed; an empty or extra segment names nothing.
 */
function target(pathname: string, base: string): Target | { readonly kind: 'bad' } {
  if (!pathname.startsWith(base)) return { kind: 'none' };
  let rest = pathname.slice(base.length);
  if (rest !== '' && !rest.startsWith('/')) return { kind: 'none' };
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest === '') return { kind: 'collection' };
  const segment = rest.slice(1);
  if (segment === '' || segment.includes('/')) return { kind: 'none' };
  try {
    const id = decodeURIComponent(segment);
    return id === '' ? { kind: 'bad' } : { kind: 'item', id };
  } catch {
    return { kind: 'bad' };
  }
}

function configError(path: string, message: string): ConfigError {
  return new ConfigError('adminHandler options', [{ path, message }]);
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });

/**
 * `POST` with the body of `declareOutage` → `201` and the outage; `DELETE …/<id>` → `200` and
 * the ended outage. `401` without the token, `400` listing every problem of a bad body, `413`
 * past `maxBodyBytes`, `404` for an unknown id, `409` for an id already declared.
 * @example
 * const admin = adminHandler(router, { token: process.env.SECOURS_ADMIN_TOKEN });
 * // POST /admin/outages  {"systems":["counter-it"],"reason":{"fr":"…","en":"…"}}
 * // DELETE /admin/outages/incident-42
 */
export function adminHandler(
  router: OutageTarget,
  options: AdminHandlerOptions,
): (request: Request) => Promise<Response> {
  if (typeof router?.declareOutage !== 'function' || typeof router.endOutage !== 'function') {
    throw configError('router', 'expected a router (declareOutage, endOutage)');
  }
  const { token, maxBodyBytes: limit, path } = readOptions(adminHandlerSchema, options, 'adminHandler');
  // One trailing slash or more is the same mount.
  const base = path.replace(/\/+$/, '');

  const authorised = (request: Request) => {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    // Compared even when absent, so a missing header takes as long as a wrong one.
    return sameSecret(match?.[1] ?? '', token) && match !== null;
  };

  const declare = async (request: Request, pathname: string): Promise<Response> => {
    const body = await readJson(request, limit);
    if (!body.ok) {
      const title =
        body.status === 413 ? 'Content Too Large' : body.status === 415 ? 'Unsupported Media Type' : 'Bad Request';
      return errorResponse(body.status, title, body.detail);
    }
    const value = body.value;
    const id =
      typeof value === 'object' && value !== null && Object.hasOwn(value, 'id')
        ? (value as { id: unknown }).id
        : undefined;
    if (typeof id === 'string' && router.getSnapshot().outages.some((o) => o.id === id)) {
      return errorResponse(409, 'Conflict', `an outage with id \`${id}\` is already declared`);
    }
    let outage: Outage;
    try {
      outage = router.declareOutage(value as OutageInput);
    } catch (error) {
      if (!isSecoursError(error) || !CLIENT_ERRORS.has(error.code)) throw error;
      const all: readonly ConfigIssue[] = (error as { issues?: readonly ConfigIssue[] }).issues ?? [
        { path: '', message: error.message },
      ];
      const listed = all.length > MAX_ISSUES ? ` (the first ${MAX_ISSUES} listed)` : '';
      return errorResponse(
        400,
        'Bad Request',
        `the outage is invalid (${all.length} problem${all.length === 1 ? '' : 's'}${listed})`,
        { type: `${PROBLEM_TYPE_BASE}invalid-body`, issues: all.slice(0, MAX_ISSUES) },
      );
    }
    return json(201, outage, { location: `${pathname.replace(/\/+$/, '')}/${encodeURIComponent(outage.id)}` });
  };

  const end = (id: string): Response => {
    const outage = router.endOutage(id);
    if (!outage) return errorResponse(404, 'Not Found', `no outage with id \`${id}\` is declared`);
    return json(200, outage);
  };

  const notAllowed = (method: string, allow: string) =>
    errorResponse(
      405,
      'Method Not Allowed',
      `${method} is not allowed here; use ${allow.replace(', ', ' or ')}`,
      {},
      { allow },
    );

  return async (request: Request): Promise<Response> => {
    if (!authorised(request)) {
      return errorResponse(
        401,
        'Unauthorized',
        'send the admin token as `Authorization: Bearer <token>`',
        {},
        {
          'www-authenticate': 'Bearer realm="secours"',
        },
      );
    }
    const { pathname } = new URL(request.url);
    const named = target(pathname, base);
    if (named.kind === 'none') {
      return errorResponse(404, 'Not Found', `nothing here: outages are declared at ${base} and ended at ${base}/<id>`);
    }
    if (named.kind === 'bad') return errorResponse(400, 'Bad Request', 'the outage id in the path is not valid');
    if (named.kind === 'collection') {
      if (request.method === 'POST') return declare(request, pathname);
      if (request.method === 'DELETE') {
        return errorResponse(400, 'Bad Request', `name the outage to end: DELETE ${base}/<id>`);
      }
      return notAllowed(request.method, 'POST, DELETE');
    }
    if (request.method === 'DELETE') return end(named.id);
    return notAllowed(request.method, 'DELETE');
  };
}
