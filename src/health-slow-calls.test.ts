import { afterEach, describe, expect, it } from 'vitest';
import type { BreakerOptions } from './breaker/options.js';
import { defineCatalog } from './catalog.js';
import { ConfigError } from './errors.js';
import { createRouter } from './router.js';
import { sleep } from './testing/sleep.js';
import { useVirtualTime, type VirtualTime } from './testing/virtual-time.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    web: { kind: 'digital', label: 'web' },
  },
  operations: {
    balance: { label: 'Balance', idempotent: true, routes: [{ channel: 'app' }, { channel: 'web' }] },
  },
});

let time: VirtualTime | undefined;
afterEach(() => time?.uninstall());

function setup(breaker: BreakerOptions) {
  time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  const latency = { ms: 0 };
  const router = createRouter({
    catalog,
    clock: time.clock,
    breaker,
    handlers: {
      balance: {
        app: async (_input, ctx) => (latency.ms ? sleep(latency.ms, ctx.signal).then(() => 'app') : 'app'),
        web: () => 'web',
      },
    },
  });
  const states: string[] = [];
  router.on('breaker', (e) => states.push(e.state));
  return { router, latency, states, time };
}

describe('slow calls: breaker.slowCallMs and slowCallRate', () => {
  it('a slow success shows its channel degraded_performance, a fast one operational again', async () => {
    const { router, latency, time } = setup({ slowCallMs: 1_000 });
    latency.ms = 1_500;
    expect(await time.settle(router.execute('balance', {}))).toMatchObject({ kind: 'served', channel: 'app' });
    expect(router.getSnapshot().channels.app).toEqual({ status: 'degraded_performance' });
    // Still offered and still first: slow is not down.
    expect(router.getSnapshot().operations.balance.available).toEqual(['app', 'web']);
    latency.ms = 10;
    await time.settle(router.execute('balance', {}));
    expect(router.getSnapshot().channels.app).toEqual({ status: 'operational' });
    router.dispose();
  });

  it('past the rate in the window, the breaker opens', async () => {
    const { router, latency, states, time } = setup({ slowCallMs: 1_000, slowCallRate: 50, volumeThreshold: 5 });
    for (const ms of [10, 10, 1_500, 1_500]) {
      latency.ms = ms;
      await time.settle(router.execute('balance', {}));
    }
    expect(states).toEqual([]);
    latency.ms = 1_500;
    await time.settle(router.execute('balance', {}));
    // 3 slow of 5: 60 % > 50 %.
    expect(states).toEqual(['open']);
    expect(router.plan('balance').skipped).toEqual([{ channel: 'app', why: 'breaker-open' }]);
    router.dispose();
  });

  it('at the rate exactly, it stays closed; old slow calls leave the window', async () => {
    const { router, latency, states, time } = setup({
      slowCallMs: 1_000,
      slowCallRate: 50,
      volumeThreshold: 4,
      rollingCountTimeout: 60_000,
    });
    for (const ms of [10, 10, 1_500, 1_500]) {
      latency.ms = ms;
      await time.settle(router.execute('balance', {}));
    }
    expect(states).toEqual([]);
    await time.advance(60_000);
    latency.ms = 1_500;
    for (let i = 0; i < 2; i++) await time.settle(router.execute('balance', {}));
    // Two calls in the window now: under the volume.
    expect(states).toEqual([]);
    router.dispose();
  });

  it('off by default: slow successes change nothing', async () => {
    const { router, latency, states, time } = setup({ volumeThreshold: 1 });
    latency.ms = 9_000;
    for (let i = 0; i < 5; i++) await time.settle(router.execute('balance', {}));
    expect(states).toEqual([]);
    expect(router.getSnapshot().channels.app).toEqual({ status: 'operational' });
    router.dispose();
  });

  it.each([
    [{ slowCallMs: 0 }, 'breaker.slowCallMs'],
    [{ slowCallMs: '1s' }, 'breaker.slowCallMs'],
    [{ slowCallRate: 101 }, 'breaker.slowCallRate'],
    [{ slowCallRate: -1 }, 'breaker.slowCallRate'],
  ])('refuses %j at %s', (breaker, path) => {
    let error: unknown;
    try {
      createRouter({ catalog, breaker: breaker as BreakerOptions });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual([path]);
  });
});
