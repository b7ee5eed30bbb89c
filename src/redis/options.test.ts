// The fleet's options: names with their unit, the old names still accepted, defaults.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { configError } from '../../test/helpers/config-error.js';
import { parseOptions } from './options.js';

const client = Object.fromEntries(
  ['pipeline', 'duplicate', 'publish', 'zrem', 'time', 'on', 'off'].map((m) => [m, () => {}]),
) as unknown as Redis;
const base = { redis: client, namespace: 'prod', instanceId: 'a' };

describe('fleet options', () => {
  it('defaults every duration, each named with its unit', () => {
    expect(parseOptions(base)).toMatchObject({
      windowMs: 60_000,
      heartbeatMs: 5_000,
      slowAfterMs: 2_000,
      readyTimeoutMs: 5_000,
      quorum: undefined,
    });
  });

  it('still takes the deprecated names without the unit', () => {
    expect(parseOptions({ ...base, window: 1_000, heartbeat: 200, slowAfter: 50 })).toMatchObject({
      windowMs: 1_000,
      heartbeatMs: 200,
      slowAfterMs: 50,
    });
  });

  it('refuses an old and a new name for the same option, and a wait that is not a positive integer', () => {
    const error = configError(() => parseOptions({ ...base, heartbeat: 200, heartbeatMs: 300, readyTimeoutMs: 0 }));
    expect(error.issues.map((i) => i.path).sort()).toEqual(['heartbeat', 'readyTimeoutMs']);
  });
});
