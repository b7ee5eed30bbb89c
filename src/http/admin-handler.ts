/**
 * The operator's endpoint: declare an outage, end one. Behind a bearer token, with the body
 * validated by the same zod schema and catalogue checks as `router.declareOutage`.
 */
import { ConfigError, isSecoursError } from '../errors.js';
import type { Outage, OutageInput } from '../outages.js';
import type { Snapshot } from '../snapshot.js';
import { readJson } from './body.js';
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
}

const MIN_TOKEN = 16;

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
  const token = options?.token;
  if (typeof token !== 'string' || token.length < MIN_TOKEN) {
    throw configError('token', `expected a secret string of at least ${MIN_TOKEN} characters`);
  }
  const limit = options.maxBodyBytes ?? 16_384;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw configError('maxBodyBytes', `expected a positive integer, got ${String(limit)}`);
  }

  const authorised = (request: Request) => {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    // Compared even when absent, so a missing header takes as long as a wrong one.
    return sameSecret(match?.[1] ?? '', token) && match !== null;
  };

  const declare = async (request: Request): Promise<Response> => {
    const body = await readJson(request, limit);
    if (!body.ok) {
      const title = { 400: 'Bad Request', 413: 'Content Too Large', 415: 'Unsupported Media Type' }[body.status];
      return errorResponse(body.status, title, body.detail);
    }
    const id = (body.value as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && router.getSnapshot().outages.some((o) => o.id === id)) {
      return errorResponse(409, 'Conflict', `an outage with id \`${id}\` is already declared`);
    }
    try {
      const outage = router.declareOutage(body.value as OutageInput);
      const location = `${new URL(request.url).pathname.replace(/\/+$/, '')}/${encodeURIComponent(outage.id)}`;
      return json(201, outage, { location });
    } catch (error) {
      if (isSecoursError(error) && error.code === 'ERR_SECOURS_CONFIG') {
        const issues = (error as ConfigError).issues;
        return errorResponse(
          400,
          'Bad Request',
          `the outage is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'})`,
          { type: `${PROBLEM_TYPE_BASE}invalid-body`, issues },
        );
      }
      throw error;
    }
  };

  const end = (request: Request): Response => {
    const segment = new URL(request.url).pathname.split('/').filter(Boolean).pop();
    let id: string | undefined;
    try {
      id = segment === undefined ? undefined : decodeURIComponent(segment);
    } catch {
      id = undefined;
    }
    if (!id) return errorResponse(400, 'Bad Request', 'name the outage to end: DELETE …/<id>');
    const outage = router.endOutage(id);
    if (!outage) return errorResponse(404, 'Not Found', `no outage with id \`${id}\` is declared`);
    return json(200, outage);
  };

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
    if (request.method === 'POST') return declare(request);
    if (request.method === 'DELETE') return end(request);
    return errorResponse(
      405,
      'Method Not Allowed',
      `${request.method} is not allowed here; use POST or DELETE`,
      {},
      {
        allow: 'POST, DELETE',
      },
    );
  };
}
