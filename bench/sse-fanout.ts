/**
 * SSE fan-out: how long one status change takes to reach every open stream.
 *
 *   npm run bench:sse                        # 1,000 and 5,000 clients
 *   npx tsx bench/sse-fanout.ts 200 2000     # other counts
 *
 * The server (statusHandler behind toNodeListener, on loopback) runs on the main thread; the
 * clients run in a worker thread, so reading thousands of sockets does not slow the server's
 * own event loop. For each count: open every stream, wait until each has its first snapshot,
 * then declare an outage and time until the last client has the new version. Times are
 * wall-clock across threads (performance.timeOrigin + now). Five changes per count; the median
 * and the worst are printed. A measurement, not a test: the machine's load shows in it.
 * A command-line report: the console is its output (the library itself never prints).
 */
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { percentile } from './harness.js';

const wall = () => performance.timeOrigin + performance.now();

interface Job {
  port: number;
  clients: number;
}

type FromWorker =
  | { type: 'ready' }
  | { type: 'reached'; version: number; last: number; count: number }
  | { type: 'error'; message: string };
type ToWorker = { type: 'await'; version: number } | { type: 'stop' };

/**
 * Runs in the worker, from its source text (a worker cannot load TypeScript through tsx on
 * Node 20): everything it needs is required inside.
 */
async function clientSide({ port, clients }: Job) {
  const { request } = require('node:http') as typeof import('node:http');
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const wall = () => performance.timeOrigin + performance.now();
  const port$ = parentPort as NonNullable<typeof parentPort>;
  const latest = new Int32Array(clients);
  let target = -1;
  let reached = 0;
  let last = 0;
  let connected = 0;
  const requests: ReturnType<typeof request>[] = [];
  const onVersion = (i: number, version: number) => {
    latest[i] = version;
    if (target >= 0 && version >= target) {
      reached++;
      last = wall();
      if (reached === clients) port$.postMessage({ type: 'reached', version: target, last, count: reached });
    }
  };
  await new Promise<void>((ready) => {
    for (let i = 0; i < clients; i++) {
      const req = request(
        { port, host: '127.0.0.1', path: '/', headers: { accept: 'text/event-stream' }, agent: false },
        (res) => {
          let tail = '';
          let first = true;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const text = tail + chunk;
            for (const m of text.matchAll(/^id: [0-9a-z]+-(\d+)$/gm)) {
              const v = Number(m[1]);
              if (first) {
                first = false;
                latest[i] = v;
                if (++connected === clients) ready();
              } else if (v > (latest[i] as number)) onVersion(i, v);
            }
            tail = text.slice(text.lastIndexOf('\n') + 1);
          });
        },
      );
      req.on('error', (e) => port$.postMessage({ type: 'error', message: String(e) }));
      req.end();
      requests.push(req);
    }
  });
  port$.postMessage({ type: 'ready' });
  port$.on('message', (msg: ToWorker) => {
    if (msg.type === 'stop') {
      for (const r of requests) r.destroy();
      port$.close();
      return;
    }
    target = msg.version;
    reached = 0;
    for (let i = 0; i < clients; i++) if ((latest[i] as number) >= target) reached++;
    if (reached === clients) port$.postMessage({ type: 'reached', version: target, last: wall(), count: reached });
  });
}

async function serverSide(counts: number[]) {
  const { createServer } = await import('node:http');
  const { createRouter } = await import('../src/index.js');
  const { laPoste } = await import('../src/presets/la-poste.js');
  const { statusHandler } = await import('../src/http/index.js');
  const { toNodeListener } = await import('../src/http/node-adapter.js');

  console.log(`SSE fan-out on loopback, Node ${process.version}; server on the main thread, clients in a worker.`);
  for (const clients of counts) {
    const router = createRouter({ catalog: laPoste });
    const status = statusHandler(router, { heartbeatMs: 60_000 });
    const server = createServer(toNodeListener(status));
    server.maxConnections = clients + 100;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const before = process.memoryUsage();
    // tsx keeps function names with an `__name` helper that the worker's source must define.
    const source = `const __name = (f) => f; (${clientSide.toString()})(require('node:worker_threads').workerData)`;
    const worker = new Worker(source, {
      eval: true,
      workerData: { port, clients } satisfies Job,
    });
    const messages: FromWorker[] = [];
    let wake: (() => void) | undefined;
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') console.error(`  client error: ${m.message}`);
      messages.push(m);
      wake?.();
    });
    const next = async (type: FromWorker['type']) => {
      for (;;) {
        const i = messages.findIndex((m) => m.type === type);
        if (i >= 0) return messages.splice(i, 1)[0] as FromWorker;
        await new Promise<void>((r) => {
          wake = r;
        });
      }
    };
    const openedAt = wall();
    await next('ready');
    const openMs = wall() - openedAt;
    global.gc?.();
    const held = process.memoryUsage();
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      const id = `bench-${round}`;
      const t0 = wall();
      router.declareOutage({ id, channels: ['counter'], reason: 'bench' });
      const version = router.getSnapshot().version;
      worker.postMessage({ type: 'await', version } satisfies ToWorker);
      const reached = (await next('reached')) as Extract<FromWorker, { type: 'reached' }>;
      times.push(reached.last - t0);
      router.endOutage(id);
      const after = router.getSnapshot().version;
      worker.postMessage({ type: 'await', version: after } satisfies ToWorker);
      await next('reached');
    }
    times.sort((a, b) => a - b);
    const median = percentile(times, 50);
    const worst = percentile(times, 100);
    console.log(
      `${String(clients).padStart(6)} clients held (all open in ${(openMs / 1000).toFixed(1)} s, server ${status.clients} streams): ` +
        `one change reaches all in median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms of 5; ` +
        `server heap +${((held.heapUsed - before.heapUsed) / 1024 / 1024).toFixed(1)} MiB, rss +${((held.rss - before.rss) / 1024 / 1024).toFixed(1)} MiB`,
    );
    worker.postMessage({ type: 'stop' } satisfies ToWorker);
    await worker.terminate();
    status.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    router.dispose();
  }
}

const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
await serverSide(counts.length ? counts : [1_000, 5_000]);
