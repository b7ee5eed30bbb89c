// The fleet on a real 3-master Redis Cluster: every key of a fleet on one slot (`{namespace}`),
// TIME read on its own so ioredis can follow the cluster. Propagation, a decision held by the
// quorum kept while the slot's node is down, and recovery once it is back (empty).

import { Cluster, type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, next, outageIds, startInstance, until } from './helpers/fleet.js';
import { pause } from './helpers/fleet-suite.js';
import { RedisCluster, redisClusterAvailable } from './helpers/redis-server.js';

const available = redisClusterAvailable('the Redis Cluster suite (test/redis-cluster.test.ts)');
const COUNTERS_DOWN = { fr: 'Les guichets sont en panne.', en: 'Counters are down.' };

describe.skipIf(!available)('secours/redis on a real Redis Cluster', () => {
  let cluster: RedisCluster;
  const instances: Instance[] = [];
  const start = (id: string) => {
    const client = new Cluster(cluster.startupNodes, {
      clusterRetryStrategy: () => 100,
    });
    client.on('error', () => {});
    const instance = startInstance(
      '',
      id,
      { namespace: 'cluster', heartbeatMs: 200 },
      { client: client as unknown as Redis },
    );
    instances.push(instance);
    return instance;
  };
  const skipsApp = (i: Instance) =>
    i.router.plan('balance').skipped.some((s) => s.channel === 'app' && s.why === 'remote');

  beforeAll(async () => {
    cluster = await RedisCluster.start();
  }, 40_000);
  afterAll(async () => {
    await Promise.all(instances.splice(0).map((i) => i.close()));
    await cluster?.stop();
  });

  it('propagates, keeps the quorum’s decision while the slot’s node is down, and recovers after it restarts', async () => {
    const [a, b, c] = [start('a'), start('b'), start('c')];
    expect(await Promise.all([a.fleet.ready, b.fleet.ready, c.fleet.ready])).toEqual([true, true, true]);

    const sent = performance.now();
    const arrived = next(c.fleet, 'outage');
    a.router.declareOutage({ id: 'on-cluster', channels: ['counter'], reason: COUNTERS_DOWN });
    await arrived;
    console.info(`cluster propagation a → c: ${(performance.now() - sent).toFixed(1)} ms`);

    a.appFails = true;
    b.appFails = true;
    await a.router.execute('balance', {});
    await b.router.execute('balance', {});
    await until(c.router, () => skipsApp(c), 'the quorum on c');

    const node = cluster.nodeFor('secours:{cluster}:outages');
    const down = next(c.fleet, 'warning', (w) => w.code === 'redis-unavailable');
    node.kill();
    await down;
    let synced = 0;
    c.fleet.on('synced', () => synced++);
    await pause(1_000);
    // Redis unavailable, not "nothing is down": the decision and the outage hold.
    expect(synced).toBe(0);
    expect(skipsApp(c)).toBe(true);
    expect(outageIds(c)).toEqual(['on-cluster']);
    expect(c.warnings.map((w) => w.code)).not.toContain('redis-invalid-value');

    await node.restart();
    await cluster.waitUntilOk();
    // Back empty: the loss is seen and what the instances know is written back.
    await next(c.fleet, 'synced');
    const after = next(c.fleet, 'outage', (e) => e.outage.id === 'after-restart');
    b.router.declareOutage({ id: 'after-restart', channels: ['web'], reason: 'web down' });
    await after;
    expect(outageIds(c).sort()).toEqual(['after-restart', 'on-cluster']);
  }, 50_000);
});
