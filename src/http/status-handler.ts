/**
 * The status feed: the router's snapshot as JSON (with an ETag) or as Server-Sent Events.
 *
 * Built for thousands of open streams: a snapshot is serialised and encoded once when it
 * changes, and the same bytes are queued on every stream; one heartbeat timer serves them all.
 * A stream that stops reading is dropped once its queue grows, rather than holding memory for
 * every change it missed: its client reconnects and gets the latest snapshot, which is all it
 * needs (each event carries the whole status, not a delta).
 */
import { ConfigError } from '../errors.js';
import type { Snapshot } from '../snapshot.js';
import { readOptions } from '../validate.js';
import { statusHandlerSchema } from './options.js';
import { errorResponse } from './problem.js';

/** What the handler needs of a router. */
export interface StatusSource {
  getSnapshot(): Snapshot;
  subscribe(listener: () => void): () => void;
}

export interface StatusHandlerOptions {
  /**
   * How often every open stream gets a `ping` event, so proxies keep it open and clients can
   * tell a silent feed from a dead one.
   * @default 15_000
   */
  heartbeatMs?: number;
  /** `Access-Control-Allow-Origin` for pages on other origins, e.g. `'*'`. @default none */
  allowOrigin?: string;
  /**
   * Events queued for one stream before it is dropped as too slow.
   * @default 32
   */
  maxQueuedEvents?: number;
}

/** A request handler, plus what a server needs to shut it down. */
export interface StatusHandler {
  (request: Request): Promise<Response>;
  /** Streams open now. */
  readonly clients: number;
  /** Ends every stream and stops the heartbeat; later requests still get JSON, and a `503` for a stream. */
  close(): void;
}

/** The same `retry` the server suggests to native EventSource reconnections, in ms. */
const RETRY_MS = 2_000;

interface Encoded {
  readonly snapshot: Snapshot;
  readonly json: string;
  readonly etag: string;
  /** The SSE event id: the instance tag keeps a restarted server's versions from matching old ids. */
  readonly id: string;
  /** The SSE event, encoded once and shared by every stream. */
  readonly frame: Uint8Array;
}

interface Stream {
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
}

/** True when the request lists `tag` in `If-None-Match` (or says `*`). */
function matches(ifNoneMatch: string | null, tag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === tag || v === `W/${tag}`;
  });
}

/**
 * `GET` → the snapshot as JSON, `ETag` and `304 Not Modified` on a match; with
 * `Accept: text/event-stream` → a stream of `snapshot` events (id = an instance tag and the snapshot version) and
 * `ping` heartbeats. A client resuming with `Last-Event-ID` (or `?lastEventId=`, for clients
 * that open a new EventSource) equal to the current version gets no repeat of it.
 * @example
 * const status = statusHandler(router);
 * // Bun.serve({ fetch: status }), Deno.serve(status), or toNodeListener(status) from 'secours/http/node'
 */
export function statusHandler(router: StatusSource, options: StatusHandlerOptions = {}): StatusHandler {
  if (typeof router?.getSnapshot !== 'function' || typeof router.subscribe !== 'function') {
    throw new ConfigError('statusHandler', [{ path: 'router', message: 'expected a router (getSnapshot, subscribe)' }]);
  }
  const {
    heartbeatMs,
    maxQueuedEvents: maxQueued,
    allowOrigin,
  } = readOptions(statusHandlerSchema, options, 'statusHandler');
  const cors: Record<string, string> = allowOrigin
    ? { 'access-control-allow-origin': allowOrigin, 'access-control-expose-headers': 'etag' }
    : {};
  // Versions restart at 1 with each router: the instance tag keeps ETags from two processes apart.
  const instance = Math.floor(Math.random() * 2 ** 32).toString(36);
  const encoder = new TextEncoder();
  const ping = encoder.encode('event: ping\ndata: \n\n');
  const streams = new Set<Stream>();
  let encoded: Encoded | undefined;
  let unsubscribe: (() => void) | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const encode = (): Encoded => {
    const snapshot = router.getSnapshot();
    if (encoded?.snapshot !== snapshot) {
      const json = JSON.stringify(snapshot);
      const id = `${instance}-${snapshot.version}`;
      encoded = {
        snapshot,
        json,
        etag: `"${id}"`,
        id,
        frame: encoder.encode(`id: ${id}\nevent: snapshot\ndata: ${json}\n\n`),
      };
    }
    return encoded;
  };

  const send = (stream: Stream, bytes: Uint8Array) => {
    const { controller } = stream;
    // desiredSize counts queued events (the default strategy counts chunks), so this bounds memory.
    if ((controller.desiredSize ?? 0) <= -maxQueued) {
      tooSlow(stream);
      return;
    }
    try {
      controller.enqueue(bytes);
    } catch {
      drop(stream);
    }
  };

  const broadcast = () => {
    if (streams.size === 0) return;
    const { frame } = encode();
    for (const stream of streams) send(stream, frame);
  };

  const drop = (stream: Stream) => {
    if (!streams.delete(stream) || streams.size > 0) return;
    // The last stream gone: nothing to keep alive.
    unsubscribe?.();
    unsubscribe = undefined;
    if (heartbeat !== undefined) clearInterval(heartbeat);
    heartbeat = undefined;
  };

  /** Drops a stream and closes it, unless the other side already did. */
  const end = (stream: Stream) => {
    if (!streams.has(stream)) return;
    drop(stream);
    try {
      stream.controller.close();
    } catch {
      // the reader cancelled first
    }
  };

  /**
   * Drops a stream whose client stopped reading. Errored, not closed: a clean end would wait for
   * that client to read the rest, holding its socket until the peer leaves; an errored body makes
   * the server (toNodeListener, Deno, Bun) cut the connection at once.
   */
  const tooSlow = (stream: Stream) => {
    if (!streams.has(stream)) return;
    drop(stream);
    try {
      stream.controller.error(new Error('the client stopped reading the event stream'));
    } catch {
      // the reader cancelled first
    }
  };

  const open = (stream: Stream) => {
    streams.add(stream);
    unsubscribe ??= router.subscribe(broadcast);
    if (heartbeat === undefined) {
      heartbeat = setInterval(() => {
        for (const s of streams) send(s, ping);
      }, heartbeatMs);
      (heartbeat as { unref?(): void }).unref?.();
    }
  };

  const eventStream = (request: Request): Response => {
    const url = new URL(request.url);
    const lastId = request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId');
    let stream: Stream | undefined;
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          stream = { controller };
          open(stream);
          const current = encode();
          controller.enqueue(encoder.encode(`retry: ${RETRY_MS}\n\n`));
          // Every event is the whole status: a client that missed some needs only the latest.
          if (lastId !== current.id) controller.enqueue(current.frame);
        },
        cancel() {
          if (stream) drop(stream);
        },
      },
      { highWaterMark: 1 },
    );
    request.signal?.addEventListener(
      'abort',
      () => {
        if (stream) end(stream);
      },
      { once: true },
    );
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // nginx buffers responses unless told not to; an event stream must flow.
        'x-accel-buffering': 'no',
        ...cors,
      },
    });
  };

  const handler = async (request: Request): Promise<Response> => {
    if (request.method === 'OPTIONS' && allowOrigin) {
      return new Response(null, {
        status: 204,
        headers: { ...cors, 'access-control-allow-headers': 'last-event-id, if-none-match' },
      });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return errorResponse(
        405,
        'Method Not Allowed',
        `${request.method} is not allowed here; use GET`,
        {},
        {
          allow: 'GET, HEAD',
          ...cors,
        },
      );
    }
    if (request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/event-stream')) {
      // Closed for a shutdown: a new stream would keep the server open, and EventSource
      // reconnects within seconds. The status client backs off and finds another instance.
      if (closed) {
        return errorResponse(
          503,
          'Service Unavailable',
          'the status stream is closed: this server is shutting down',
          {},
          { 'retry-after': String(RETRY_MS / 1000), ...cors },
        );
      }
      return eventStream(request);
    }
    const { json, etag } = encode();
    const headers = { etag, 'cache-control': 'no-cache', vary: 'accept', ...cors };
    if (matches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
    return new Response(request.method === 'HEAD' ? null : json, {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    });
  };

  return Object.defineProperties(handler, {
    clients: { get: () => streams.size, enumerable: true },
    close: {
      value: () => {
        closed = true;
        for (const stream of [...streams]) end(stream);
      },
    },
  }) as StatusHandler;
}
