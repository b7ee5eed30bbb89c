// Instances of a fleet for the Redis suites: a router over the La Poste catalogue with handlers
// the test controls, its own ioredis client and its fleet handle.

import { Redis, type RedisOptions } from 'ioredis';
import type { Warning } from '../../src/events.js';
import { laPoste } from '../../src/presets/la-poste.js';
import type { FleetEvents } from '../../src/redis/events.js';
import { connectFleet, type Fleet, type FleetOptions } from '../../src/redis/index.js';
import { type Clock, createRouter, type Router } from '../../src/router.js';

export interface Instance {
  readonly id: string;
  readonly router: Router<typeof laPoste>;
  readonly redis: Redis;
  readonly fleet: Fleet;
  readonly warnings: Warning[];
  /** When true, the `balance` handler on `app` fails. */
  appFails: boolean;
  close(): Promise<void>;
}

export function startInstance(
  url: string,
  id: string,
  options: Partial<Omit<FleetOptions, 'redis' | 'instanceId'>> = {},
  more: { redis?: RedisOptions; clock?: Clock; client?: Redis } = {},
): Instance {
  const redis = more.client ?? new Redis(url, { retryStrategy: () => 50, ...more.redis });
  // The fleet reports connection errors as warnings while connected; after close, they are dropped.
  redis.on('error', () => {});
  const instance = {
    id,
    appFails: false,
    warnings: [] as Warning[],
  } as Instance & { appFails: boolean };
  const router = createRouter({
    catalog: laPoste,
    handlers: {
      balance: {
        app: async () => {
          if (instance.appFails) throw new Error('app backend down');
          return { balance: 1, via: 'app' };
        },
        web: async () => ({ balance: 1, via: 'web' }),
      },
    },
    breaker: { volumeThreshold: 1, errorThresholdPercentage: 1, resetTimeout: 200, timeout: 5_000 },
    ...(more.clock ? { clock: more.clock } : {}),
  });
  const beat = options.heartbeat === undefined && options.heartbeatMs === undefined ? { heartbeatMs: 500 } : {};
  const fleet = connectFleet(router, { namespace: 'test', ...beat, ...options, redis, instanceId: id });
  fleet.on('warning', (w) => instance.warnings.push(w));
  Object.assign(instance, {
    router,
    redis,
    fleet,
    async close() {
      await fleet.close();
      router.dispose();
      redis.disconnect();
    },
  });
  return instance;
}

const LIMIT = 20_000;

/** Resolves once `check()` holds, re-checked at every snapshot change of `router`. */
export function until(router: Router, check: () => boolean, what = 'condition'): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, LIMIT);
    const stop = router.subscribe(() => {
      if (!check()) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/** The next `event` of `fleet` for which `accept` holds. */
export function next<E extends keyof FleetEvents>(
  fleet: Fleet,
  event: E,
  accept: (...args: Parameters<FleetEvents[E]>) => boolean = () => true,
): Promise<Parameters<FleetEvents[E]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fleet.off(event, listener as FleetEvents[E]);
      reject(new Error(`timed out waiting for the fleet's ${event} event`));
    }, LIMIT);
    const listener = (...args: Parameters<FleetEvents[E]>) => {
      if (!accept(...args)) return;
      clearTimeout(timer);
      fleet.off(event, listener as FleetEvents[E]);
      resolve(args);
    };
    fleet.on(event, listener as FleetEvents[E]);
  });
}

/** Two `synced` events: the second round trip began after this call, so it read what Redis holds now. */
export async function freshSync(fleet: Fleet): Promise<void> {
  await next(fleet, 'synced');
  await next(fleet, 'synced');
}

export const outageIds = (i: Instance) => i.router.getSnapshot().outages.map((o) => o.id);
export const channelStatus = (i: Instance, channel: keyof typeof laPoste.channels) =>
  i.router.getSnapshot().channels[channel].status;

/** Resolves once `check()` holds, re-checked after every round trip of `fleet`. */
export function untilSynced(fleet: Fleet, check: () => boolean, what = 'condition'): Promise<void> {
  if (check()) return Promise.resolve();
  return next(fleet, 'synced', check).then(
    () => undefined,
    () => Promise.reject(new Error(`timed out waiting for ${what}`)),
  );
}

/** Resolves once the `balance`/`app` breaker of `instance` is half-open, ready for its trial call. */
export function appHalfOpen(instance: Instance): Promise<void> {
  const { router } = instance;
  if (router.plan('balance').willTry[0] === 'app') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      router.off('breaker', listener);
      reject(new Error(`timed out waiting for the app breaker of ${instance.id} to half-open`));
    }, LIMIT);
    const listener = (e: { operation: string; channel: string; state: string }) => {
      if (e.operation !== 'balance' || e.channel !== 'app' || e.state !== 'half-open') return;
      clearTimeout(timer);
      router.off('breaker', listener);
      resolve();
    };
    router.on('breaker', listener);
  });
}
