// Option checks need no Redis: they throw before any connection is opened.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { configError } from '../../test/helpers/config-error.js';
import { laPoste } from '../presets/la-poste.js';
import { createRouter } from '../router.js';
import { connectFleet } from './connect-fleet.js';
import { fleetKeys } from './keys.js';

const router = createRouter({ catalog: laPoste, handlers: {} });
const fakeClient = {} as Redis;

describe('connectFleet options', () => {
  it('names every wrong option with its path', () => {
    const error = configError(() =>
      connectFleet(router, {
        redis: fakeClient,
        namespace: 'prod:*',
        instanceId: '',
        quorum: 0,
        window: -1,
        heartbeat: 1.5,
        // @ts-expect-error an unknown option
        heartbeats: 3,
      }),
    );
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      'heartbeat',
      'heartbeats',
      'instanceId',
      'namespace',
      'quorum',
      'redis',
      'window',
    ]);
    expect(error.message).toContain('expected an ioredis client');
    expect(error.message).toContain('letters, digits');
  });

  it('refuses what is not a router', () => {
    // @ts-expect-error not a router
    const error = configError(() => connectFleet({}, { redis: fakeClient, namespace: 'n', instanceId: 'i' }));
    expect(error.issues).toEqual([{ path: 'router', message: 'expected a router from createRouter' }]);
  });
});

describe('fleetKeys', () => {
  it('keeps every key of a namespace under one hash tag', () => {
    const keys = fleetKeys('prod-eu.1');
    for (const key of Object.values(keys)) expect(key.startsWith('secours:{prod-eu.1}:')).toBe(true);
  });

  it('refuses a namespace that could reach into other keys', () => {
    for (const bad of ['', 'a:b', 'a*', '{x}', 'a b', '-x', 'x'.repeat(65)]) {
      expect(configError(() => fleetKeys(bad)).issues[0]?.path).toBe('namespace');
    }
  });
});
