/**
 * `secours/http/node`: serves the Fetch handlers of `secours/http` from `node:http`, so the same
 * handlers mount in Express, Fastify (through its raw request) or a bare server. Node only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type FetchHandler = (request: Request) => Promise<Response>;

export interface NodeListenerOptions {
  /** Used when the request has no Host header. @default 'localhost' */
  host?: string;
  /** Hears an error the handler threw, when no Express `next` takes it; the client got a bare 500. */
  onError?: (error: unknown) => void;
}

/** Express's `next`, when mounted there: errors thrown by the handler go to it. */
type Next = (error?: unknown) => void;

/** Requests whose body the handler stopped reading. */
const abandoned = new WeakSet<IncomingMessage>();

function toRequest(req: IncomingMessage, res: ServerResponse, fallbackHost: string): Request {
  const controller = new AbortController();
  // 'close' on the response fires when it ends or when the client goes away; only the latter aborts.
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
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
      init.body = new ReadableStream<Uint8Array>({
        start(c) {
          req.on('data', (chunk: Buffer) => c.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
          req.on('end', () => c.close());
          req.on('error', (error) => c.error(error));
        },
        cancel() {
          // The handler has read enough (a body past its limit): stop buffering, and close the
          // connection once the answer is sent rather than reading the rest.
          abandoned.add(req);
          req.removeAllListeners('data');
          req.resume();
        },
      });
      init.duplex = 'half';
    }
  }
  return new Request(url, init);
}

async function write(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  if (abandoned.has(req) && !req.readableEnded) headers.connection = 'close';
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // An event stream is long-lived: send headers now, and no Nagle delay on small events.
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  const reader = response.body.getReader();
  const stop = () => {
    reader.cancel().catch(() => {});
  };
  res.on('close', stop);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off('drain', go);
            res.off('close', go);
            resolve();
          };
          res.on('drain', go);
          res.on('close', go);
        });
      }
      if (res.destroyed) break;
    }
  } finally {
    res.off('close', stop);
    if (!res.destroyed) res.end();
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
      res.writeHead(400, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'malformed request' }));
      return;
    }
    handler(request)
      .then((response) => write(req, res, response))
      .catch((error: unknown) => {
        if (next) return next(error);
        if (!res.headersSent) {
          // Nothing internal in the answer: the error stays with the server's own logging.
          res.writeHead(500, { 'content-type': 'application/problem+json' });
          res.end(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500 }));
        } else res.destroy();
        options.onError?.(error);
      });
  };
}
