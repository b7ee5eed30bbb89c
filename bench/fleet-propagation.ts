// Fleet propagation on loopback: the time from `declareOutage` on instance A until instance B's
// snapshot shows it (and the same for `endOutage`), over many trials, with a redis-server this
// script starts itself. Then the cost Redis adds to `execute`: none, whether Redis is healthy,
// paused (SIGSTOP) or dead (SIGKILL). Prints a table and writes bench/results/fleet.json.
//
//   npm run bench:fleet              (FLEET_TRIALS=1000 for more trials)
// A command-line report: the console is its output (the library itself never prints).

import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { laPoste } from '../src/presets/la-poste.js';
import { connectFleet } from '../src/redis/index.js';
import { createRouter, type Router } from '../src/router.js';
import { RedisServer, redisServerBinary } from '../test/helpers/redis-server.js';
import { percentile, writeResults } from './harness.js';

const TRIALS = Number(process.env.FLEET_TRIALS ?? 300);
const CALLS = 5_000;

if (!redisServerBinary) {
  console.error('redis-server not found on PATH (Debian: apt-get install redis-server)');
  process.exit(1);
}

function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p99: round(percentile(s, 99)),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
    max: round(s.at(-1) as number),
  };
}

function instance(url: string, id: string) {
  const redis = new Redis(url, { retryStrategy: () => 50 });
  redis.on('error', () => {});
  const router = createRouter({ catalog: laPoste, handlers: { balance: { app: async () => 1 } } });
  const fleet = connectFleet(router, { redis, namespace: 'bench', instanceId: id, slowAfter: 60_000 });
  return { redis, router, fleet };
}

/** Resolves with the time (ms, performance.now) at which `check` first holds on `router`. */
function whenSeen(router: Router, check: () => boolean): Promise<number> {
  return new Promise((resolve) => {
    const stop = router.subscribe(() => {
      if (!check()) return;
      const at = performance.now();
      stop();
      resolve(at);
    });
  });
}

async function executeLatencies(router: Router, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await router.execute('balance', {});
    out.push((performance.now() - t) * 1000);
  }
  return out;
}

const server = await RedisServer.start();
const a = instance(server.url, 'a');
const b = instance(server.url, 'b');
await Promise.all([a.fleet.ready, b.fleet.ready]);

const declare: number[] = [];
const end: number[] = [];
const has = (id: string) => () => b.router.getSnapshot().outages.some((o) => o.id === id);
for (let i = 0; i < TRIALS + 20; i++) {
  const id = `bench-${i}`;
  const seen = whenSeen(b.router, has(id));
  const t0 = performance.now();
  a.router.declareOutage({ id, channels: ['counter'], reason: 'bench' });
  const t1 = await seen;
  const gone = whenSeen(b.router, () => !has(id)());
  const t2 = performance.now();
  a.router.endOutage(id);
  const t3 = await gone;
  // The first trials warm up the JIT and the connections.
  if (i >= 20) {
    declare.push(t1 - t0);
    end.push(t3 - t2);
  }
}

await executeLatencies(a.router, CALLS);
const healthy = await executeLatencies(a.router, CALLS);
server.pause();
a.router.declareOutage({ id: 'while-paused', channels: ['web'], reason: 'bench' });
const paused = await executeLatencies(a.router, CALLS);
server.resume();
server.kill();
const dead = await executeLatencies(a.router, CALLS);

const results = {
  cpus: cpus().length,
  trials: TRIALS,
  propagationMs: { declare: summary(declare), end: summary(end) },
  executeMicroseconds: { redisHealthy: summary(healthy), redisPaused: summary(paused), redisKilled: summary(dead) },
};

console.log(`\nFleet propagation on loopback, ${TRIALS} trials (A → B, ms)`);
console.table(results.propagationMs);
console.log(`execute on A, ${CALLS} sequential calls (µs): Redis is never on the call path`);
console.table(results.executeMicroseconds);

console.log(`written to ${writeResults('fleet', results)}`);

for (const i of [a, b]) {
  await i.fleet.close();
  i.router.dispose();
  i.redis.disconnect();
}
await server.stop();
