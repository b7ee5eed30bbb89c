/**
 * A `node:http` request body as a pull-based `ReadableStream`: the request is read only as the
 * handler reads the stream, one chunk per read, so a body nobody reads is never buffered (the
 * socket stays paused and TCP flow control holds the client back). Node only.
 */
import type { IncomingMessage } from 'node:http';

/** How to end the body of a request whose answer is already out: as an error, never as a short body. */
const abandon = new WeakMap<IncomingMessage, () => void>();

/** Stops the body stream of `req`, if any: a reader still waiting gets an error. */
export function abandonBody(req: IncomingMessage): void {
  abandon.get(req)?.();
}

export function pullBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  // Every controller call is guarded by this: once the stream is closed, errored or cancelled,
  // later events from the request (an 'end' after a cancel, an 'error' after an 'end') are
  // ignored instead of throwing ERR_INVALID_STATE from an event listener, which would end the process.
  let settled = false;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let wake: (() => void) | undefined;

  const detach = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('close', onClose);
    // One 'error' listener stays: an error after this must not become an uncaught exception.
    req.on('error', ignore);
  };
  const settle = (action: (c: ReadableStreamDefaultController<Uint8Array>) => void) => {
    if (settled) return;
    settled = true;
    detach();
    try {
      if (controller) action(controller);
    } catch {
      // the stream was already closed by its reader
    }
    resolvePull();
  };
  const resolvePull = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  function onData(chunk: Buffer) {
    // One chunk per pull: stop the request again before anything else arrives.
    req.pause();
    if (settled || !controller) return;
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    resolvePull();
  }
  function onEnd() {
    settle((c) => c.close());
  }
  function onError(error: Error) {
    settle((c) => c.error(error));
  }
  function onClose() {
    // 'close' without 'end': the client went away mid-body.
    if (!req.complete) settle((c) => c.error(new Error('the client closed the connection before the body ended')));
  }

  abandon.set(req, () => settle((c) => c.error(new Error('the answer was sent before the body was read'))));
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        // Paused first, so that the 'data' listener does not switch the request to flowing mode.
        req.pause();
        req.on('data', onData);
        req.on('end', onEnd);
        req.on('error', onError);
        req.on('close', onClose);
        if (req.readableEnded) onEnd();
      },
      pull() {
        if (settled) return;
        return new Promise<void>((resolve) => {
          wake = resolve;
          req.resume();
        });
      },
      cancel() {
        // The handler has read enough (a body past its limit). Nothing more is read: the adapter
        // answers with `Connection: close` and ends the connection once the answer is sent.
        settled = true;
        detach();
        resolvePull();
      },
    },
    // Nothing is read ahead of the handler's own reads.
    { highWaterMark: 0 },
  );
}

function ignore(): void {}
