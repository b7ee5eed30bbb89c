// A real HTTP server on loopback, port chosen by the system, for suites that talk HTTP.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export function serve(listener: RequestListener): Promise<Served> {
  const server = createServer(listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            // Event streams never end by themselves: cut them so close() can finish.
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface SseEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

/** Reads Server-Sent Events from a fetch response, one `next()` at a time. */
export function sseReader(response: Response) {
  if (!response.body) throw new Error('no body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: SseEvent[] = [];
  const fill = async (): Promise<boolean> => {
    const { done, value } = await reader.read();
    if (done) return false;
    buffer += decoder.decode(value, { stream: true });
    let at = buffer.indexOf('\n\n');
    while (at >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      let fields = 0;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'event') event = value;
        else if (name === 'id') id = value;
        else if (name === 'data') data.push(value);
        else continue;
        fields++;
      }
      if (fields > 0 && data.length > 0) queue.push({ event, id, data: data.join('\n') });
      at = buffer.indexOf('\n\n');
    }
    return true;
  };
  return {
    /** The next event of this type (others are skipped); rejects if the stream ends first. */
    async next(type = 'snapshot'): Promise<SseEvent> {
      for (;;) {
        const i = queue.findIndex((e) => e.event === type);
        if (i >= 0) {
          const [e] = queue.splice(0, i + 1).slice(-1);
          return e as SseEvent;
        }
        if (!(await fill())) throw new Error(`stream ended before a \`${type}\` event`);
      }
    },
    /** Events already received and not yet read. */
    pending: () => queue.slice(),
    cancel: () => reader.cancel().catch(() => {}),
  };
}
