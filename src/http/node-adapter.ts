/**
 * `secours/http/node`: serves the Fetch handlers of `secours/http` from `node:http`, so the same
 * handlers mount in Express, Fastify (through its raw request) or a bare server. Node only.
 *
 * Nothing a client sends may end the process or make it hold memory: a body is read only as the
 * handler reads it (`pullBody`), an answer sent before the body was read closes the connection
 * rather than reading the rest, and every failure becomes an answer or a destroyed socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pullBody } from './node-body.js';
import { closeAfterAnswer } from './node-linger.js';
import { PROBLEM_JSON } from './problem.js';

export type FetchHandler = (request: Request) => Promise<Response>;

export interface NodeListenerOptions {
  /** Used when the request has no Host header. @default 'localhost' */
  host?: string | undefined;
  /** Hears an error the handler threw, when no Express `next` takes it; the client got a bare 500. */
  onError?: ((error: unknown) => void) | undefined;
}

/** Express's `next`, when mounted there: errors thrown by the handler go to it. */
type Next = (error?: unknown) => void;

function toRequest(req: IncomingMessage, res: ServerResponse, fallbackHost: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  // Express rewrites req.url under a mount path; originalUrl keeps the full one.
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const url = new URL(path, `${proto}://${req.headers.host ?? fallbackHost}`);
  const method = req.method ?? 'GET';
  const controller = new AbortController();
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal: controller.signal };
  if (method !== 'GET' && method !== 'HEAD') {
    const parsed = (req as { body?: unknown }).body;
    if (req.readableEnded && parsed !== undefined) {
      // A body parser (express.json()) got there first: hand its result on as JSON.
      init.body =
        typeof parsed === 'string'
          ? parsed
          : parsed instanceof Uint8Array
            ? new Uint8Array(parsed)
            : JSON.stringify(parsed);
    } else {
      init.body = pullBody(req);
      init.duplex = 'half';
    }
  }
  const request = new Request(url, init);
  // 'close' on the response fires when it ends or when the client goes away; only the latter aborts.
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return request;
}

/**
 * An answer sent while the client may still be sending its body closes the connection, so the
 * rest is neither queued nor read (`closeAfterAnswer` lets the client read the answer first).
 */
function closeIfUnread(req: IncomingMessage, res: ServerResponse, headers: Record<string, string | string[]>): void {
  if (req.complete) return;
  headers.connection = 'close';
  closeAfterAnswer(req, res);
}

function bare(req: IncomingMessage, res: ServerResponse, status: 400 | 500, title: string, detail?: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | string[]> = {
    'content-type': PROBLEM_JSON,
    'cache-control': 'no-store',
    // The titles below are English, whatever the request asked for.
    'content-language': 'en',
  };
  closeIfUnread(req, res, headers);
  res.writeHead(status, headers);
  res.end(JSON.stringify({ type: 'about:blank', title, status, ...(detail ? { detail } : {}) }));
}

/** Both lists of field names, each once (case aside), the earlier ones first. */
function mergeVary(before: string, ours: string | string[]): string {
  const names = `${before},${ours}`.split(',').map((name) => name.trim());
  if (names.includes('*')) return '*';
  const seen = new Set<string>();
  return names.filter((name) => name && !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase())).join(', ');
}

async function write(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  if (res.destroyed) {
    await response.body?.cancel().catch(() => {});
    return;
  }
  // Null prototype: a header named `__proto__` is a header, not the object's prototype.
  const headers: Record<string, string | string[]> = Object.create(null);
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  // writeHead replaces what a middleware set before us (cors's `Vary: Origin`): a list, so merge
  // it, or a shared cache serves one origin's answer to another.
  const before = res.getHeader('vary');
  if (before !== undefined && headers.vary !== undefined) headers.vary = mergeVary(String(before), headers.vary);
  closeIfUnread(req, res, headers);
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // An event stream is long-lived: send headers now, and no Nagle delay on small events.
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  const reader = response.body.getReader();
  // A body that errors (an event stream dropped as too slow) must end the connection at once,
  // even while a write waits for a client that stopped reading: ending it cleanly would wait for
  // that client to read the final chunk, i.e. hold the socket until the peer leaves.
  let failed = false;
  const failure = reader.closed.then(
    () => {},
    () => {
      failed = true;
    },
  );
  const stop = () => {
    reader.cancel().catch(() => {});
  };
  res.on('close', stop);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        await Promise.race([
          failure,
          new Promise<void>((resolve) => {
            const go = () => {
              res.off('drain', go);
              res.off('close', go);
              resolve();
            };
            res.on('drain', go);
            res.on('close', go);
          }),
        ]);
      }
      if (res.destroyed || failed) break;
    }
  } catch {
    failed = true;
  } finally {
    res.off('close', stop);
    if (failed) res.destroy();
    else if (!res.destroyed) res.end();
  }
}

/**
 * A `node:http` request listener (and Express middleware) serving a Fetch handler.
 * @example
 * import { statusHandler } from 'secours/http';
 * import { toNodeListener } from 'secours/http/node';
 * http.createServer(toNodeListener(statusHandler(router))).listen(8080);
 * app.get('/status', toNodeListener(statusHandler(router)));   // Express
 */
export function toNodeListener(
  handler: FetchHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse, next?: Next) => void {
  const host = options.host ?? 'localhost';
  return (req, res, next) => {
    let request: Request;
    try {
      request = toRequest(req, res, host);
    } catch {
      bare(req, res, 400, 'Bad Request', 'malformed request');
      return;
    }
    // A listener must never throw nor reject unhandled: whatever fails here ends as an answer.
    Promise.resolve()
      .then(() => handler(request))
      .then((response) => write(req, res, response))
      .catch((error: unknown) => {
        if (next) return next(error);
        // Nothing internal in the answer: the error stays with the server's own logging.
        bare(req, res, 500, 'Internal Server Error');
        options.onError?.(error);
      })
      .catch(() => {
        res.destroy();
      });
  };
}
