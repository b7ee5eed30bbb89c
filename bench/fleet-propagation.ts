// Fleet propagation on loopback: the time from `declareOutage` on instance A until instance B's
// snapshot shows it (and the same for `endOutage`), over many trials, with a redis-server this
// script starts itself. Then 50 instances on one Redis: declare on one until all 50 snapshots
// show it, and the commands each instance sends Redis per second at rest (INFO commandstats
// deltas over a bounded window). Then the cost Redis adds to `execute`: none, whether Redis is
// healthy, paused (SIGSTOP) or dead (SIGKILL). Prints tables and writes bench/results/fleet.json.
//
//   npm run bench:fleet              (FLEET_TRIALS=1000 for more trials; FLEET50_TRIALS,
//                                     FLEET_REST_MS for the 50-instance part)
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
const FLEET_SIZE = 50;
const FLEET50_TRIALS = Number(process.env.FLEET50_TRIALS ?? 40);
/** How long the 50 instances are watched at rest: three default heartbeats. */
const REST_MS = Number(process.env.FLEET_REST_MS ?? 15_000);

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

function instance(url: string, id: string, namespace = 'bench') {
  const redis = new Redis(url, { retryStrategy: () => 50 });
  redis.on('error', () => {});
  const router = createRouter({ catalog: laPoste, handlers: { balance: { app: async () => 1 } } });
  const fleet = connectFleet(router, { redis, namespace, instanceId: id, slowAfter: 60_000 });
  return { redis, router, fleet };
}

type Member = ReturnType<typeof instance>;

async function closeAll(members: readonly Member[]): Promise<void> {
  for (const i of members) {
    await i.fleet.close();
    i.router.dispose();
    i.redis.disconnect();
  }
}

/** Calls per command since Redis started, from INFO commandstats (the INFO calls themselves left out). */
async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m && m[1] !== 'info') calls.set(m[1] as string, Number(m[2]));
  }
  return calls;
}

/** 50 instances on one Redis: declare on the first → every other snapshot shows it; commands at rest. */
async function fleetOf50(url: string) {
  const members = Array.from({ length: FLEET_SIZE }, (_, i) => instance(url, `i${i}`, 'bench50'));
  await Promise.all(members.map((m) => m.fleet.ready));
  const [first, ...others] = members as [Member, ...Member[]];
  const samples: number[] = [];
  for (let i = 0; i < FLEET50_TRIALS + 5; i++) {
    const id = `bench50-${i}`;
    const seen = Promise.all(
      others.map((m) => whenSeen(m.router, () => m.router.getSnapshot().outages.some((o) => o.id === id))),
    );
    const t0 = performance.now();
    first.router.declareOutage({ id, channels: ['counter'], reason: 'bench' });
    const last = Math.max(...(await seen));
    const gone = Promise.all(others.map((m) => whenSeen(m.router, () => m.router.getSnapshot().outages.length === 0)));
    first.router.endOutage(id);
    await gone;
    if (i >= 5) samples.push(last - t0);
  }
  // At rest: no declaration, no breaker change; only heartbeats.
  const admin = new Redis(url);
  const before = await commandCalls(admin);
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, REST_MS));
  const after = await commandCalls(admin);
  const seconds = (performance.now() - t0) / 1000;
  admin.disconnect();
  await closeAll(members);
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const [name, n] of after) {
    const delta = n - (before.get(name) ?? 0);
    if (delta <= 0) continue;
    byCommand[name] = Math.round((delta / seconds / FLEET_SIZE) * 1000) / 1000;
    total += delta;
  }
  return {
    instances: FLEET_SIZE,
    declarations: FLEET50_TRIALS,
    allSeenMs: summary(samples),
    atRest: {
      windowSeconds: Math.round(seconds * 10) / 10,
      // Commands a script runs inside Redis are counted too (under their own names, besides `eval`).
      commandsPerSecondPerInstance: Math.round((total / seconds / FLEET_SIZE) * 1000) / 1000,
      byCommandPerInstance: byCommand,
    },
  };
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
const fleet50 = await fleetOf50(server.url);
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
  fleet50,
  executeMicroseconds: { redisHealthy: summary(healthy), redisPaused: summary(paused), redisKilled: summary(dead) },
};

console.log(`\nFleet propagation on loopback, ${TRIALS} trials (A → B, ms)`);
console.table(results.propagationMs);
console.log(
  `\n${FLEET_SIZE} instances on one Redis, ${FLEET50_TRIALS} declarations: until all ${FLEET_SIZE} snapshots show it (ms)`,
);
console.table({ allSeen: fleet50.allSeenMs });
console.log(
  `Redis commands per second per instance at rest (${fleet50.atRest.windowSeconds} s): ${fleet50.atRest.commandsPerSecondPerInstance}`,
);
console.table(fleet50.atRest.byCommandPerInstance);
console.log(`execute on A, ${CALLS} sequential calls (µs): Redis is never on the call path`);
console.table(results.executeMicroseconds);

console.log(`written to ${writeResults('fleet', results)}`);

await closeAll([a, b]);
await server.stop();
