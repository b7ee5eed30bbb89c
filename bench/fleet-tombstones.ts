// The cost of remembering ended outages: CPU and event-loop stall per round trip of one instance
// when Redis holds 100,000 tombstones (10 ends a minute for a week), with a redis-server this
// script starts itself. Prints a table and writes bench/results/fleet-tombstones.json.
//
//   npm run bench:fleet              (TOMBSTONES=200000 ROUNDS=50 to change the load)
// A command-line report: the console is its output (the library itself never prints).

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { laPoste } from '../src/presets/la-poste.js';
import { connectFleet } from '../src/redis/index.js';
import { createRouter } from '../src/router.js';
import { RedisServer, redisServerBinary } from '../test/helpers/redis-server.js';
import { percentile, writeResults } from './harness.js';

const TOMBSTONES = Number(process.env.TOMBSTONES ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 30);

if (!redisServerBinary) {
  console.error('redis-server not found on PATH (Debian: apt-get install redis-server)');
  process.exit(1);
}

const server = await RedisServer.start();
const admin = new Redis(server.url);
const redis = new Redis(server.url);
const router = createRouter({ catalog: laPoste, handlers: {} });
try {
  const [seconds] = await admin.time();
  const now = Number(seconds) * 1000;
  // Ids alone, the form every version reads, ended over the last six days.
  for (let from = 0; from < TOMBSTONES; from += 10_000) {
    const members: (string | number)[] = [];
    for (let i = from; i < Math.min(from + 10_000, TOMBSTONES); i++) members.push(now - i * 5_000, `ended-${i}`);
    await admin.zadd('secours:{bench}:ended', ...members);
  }
  // Only pub/sub starts a round trip here, one at a time.
  const fleet = connectFleet(router, { redis, namespace: 'bench', instanceId: 'solo', heartbeat: 600_000 });
  await fleet.ready;
  // Versions before `ready` waited for the subscription need this to compare with them.
  while (((await admin.call('PUBSUB', 'NUMSUB', 'secours:{bench}:changes')) as [string, number])[1] < 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const cpu: number[] = [];
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  for (let round = 0; round < ROUNDS; round++) {
    const synced = new Promise((resolve) => fleet.once('synced', resolve));
    const before = process.cpuUsage();
    await admin.publish('secours:{bench}:changes', 'someone');
    await synced;
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  }
  delay.disable();
  await fleet.close();
  const sorted = [...cpu].sort((a, b) => a - b);
  const result = {
    tombstones: TOMBSTONES,
    rounds: ROUNDS,
    cpuMsPerRoundTrip: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) },
    eventLoopStallMs: { max: delay.max / 1e6, p99: delay.percentile(99) / 1e6 },
  };
  console.table({
    'CPU ms per round trip (p50)': result.cpuMsPerRoundTrip.p50.toFixed(2),
    'CPU ms per round trip (p99)': result.cpuMsPerRoundTrip.p99.toFixed(2),
    'event-loop stall ms (max)': result.eventLoopStallMs.max.toFixed(1),
  });
  writeResults('fleet-tombstones', result);
} finally {
  router.dispose();
  redis.disconnect();
  admin.disconnect();
  await server.stop();
}
