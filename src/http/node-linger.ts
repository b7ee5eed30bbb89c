/**
 * Closing a connection whose client is still sending a body nobody will read. Destroying the
 * socket at once resets it while the client is still writing, and many clients then lose the
 * answer (401, 413) they were sent. RFC 9112 §9.6 (https://www.rfc-editor.org/rfc/rfc9112#section-9.6)
 * asks for a half-close first: the answer and a FIN go out, nothing more is read (the client's
 * bytes wait in the kernel, TCP flow control stops it), and the socket is destroyed when the
 * client leaves or after a short, bounded linger. Node only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { abandonBody } from './node-body.js';

/** How long a client that keeps sending gets to read the answer before its socket is destroyed. */
export const LINGER_MS = 2_000;

/** Call before the answer is written: once it is sent, the request ends without being read. */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  req.pause();
  // Once the answer is sent, node:http reads and drops a body nobody consumed, to keep the
  // connection usable (`_dump` in lib/_http_server.js, skipped for a request marked as being
  // consumed). Marked so, the paused request stops at its buffer and the socket stops reading.
  // The one place this module touches node:http internals; if they change, the dump runs and
  // the socket is destroyed at once instead of lingering (checked below).
  (req as { _consuming?: boolean })._consuming = true;
  res.once('finish', () => {
    if (req.complete) return;
    abandonBody(req);
    const socket = req.socket;
    if (req.readableFlowing) {
      socket.destroy();
      return;
    }
    // `Connection: close` made node:http half-close the socket and plan to destroy it as soon as
    // the FIN is flushed; the destroy waits for the client instead, bounded by LINGER_MS.
    socket.removeListener('finish', socket.destroy);
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    (timer as { unref?(): void }).unref?.();
    socket.once('close', () => clearTimeout(timer));
  });
}
