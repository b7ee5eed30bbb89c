// Three instances of a service and one Redis on this machine: an outage declared on one reaches
// the others, a late fourth one loads it, and ending it anywhere ends it everywhere.
//
//   npx tsx examples/fleet/main.ts        (needs redis-server on PATH; starts its own)
// A program people run: the console is its story, told in a fixed order.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createRouter } from '../../src/index.js';
import { laPoste } from '../../src/presets/la-poste.js';
import { connectFleet } from '../../src/redis/index.js';

// A throwaway redis-server on a free loopback port. In production: your Redis, with persistence.
const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'secours-fleet-'));
const redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
  stdio: 'ignore',
});
const url = `redis://127.0.0.1:${port}`;

function startInstance(name: string) {
  const redis = new Redis(url, { retryStrategy: (times) => (times > 50 ? null : 100) });
  const router = createRouter({ catalog: laPoste });
  const fleet = connectFleet(router, { redis, namespace: 'example', instanceId: name });
  return { name, redis, router, fleet };
}

type Instance = ReturnType<typeof startInstance>;
/** The next outage this instance applies from the fleet, printed in a fixed order by the caller. */
const nextOutage = (i: Instance) =>
  new Promise<string>((resolve) =>
    i.fleet.once('outage', (e) => resolve(`${i.name}: outage ${e.outage.id} ${e.type} (from ${e.by})`)),
  );
const counters = (i: ReturnType<typeof startInstance>) => i.router.getSnapshot().channels.counter.status;
const instances = ['paris', 'lyon', 'lille'].map(startInstance);
await Promise.all(instances.map((i) => i.fleet.ready));
const [paris, lyon, lille] = instances as [Instance, Instance, Instance];

const reached = Promise.all([lyon, lille].map(nextOutage));
paris.router.declareOutage({
  id: 'counters-2018-04-09',
  channels: ['counter'],
  reason: { fr: 'Les guichets sont en panne dans tous les bureaux.', en: 'Counters are down in every office.' },
});
for (const line of await reached) console.log(line);
for (const i of instances) console.log(`${i.name}: counter ${counters(i)}`);

const late = startInstance('marseille');
await late.fleet.ready;
console.log(`marseille (started later): counter ${counters(late)}`);

const ended = Promise.all([paris, lyon, late].map(nextOutage));
lille.router.endOutage('counters-2018-04-09');
for (const line of await ended) console.log(line);
for (const i of [...instances, late]) console.log(`${i.name}: counter ${counters(i)}`);

for (const i of [...instances, late]) {
  await i.fleet.close();
  i.router.dispose();
  i.redis.disconnect();
}
redisServer.kill();
rmSync(dir, { recursive: true, force: true });
