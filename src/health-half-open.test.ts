import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineCatalog } from './catalog.js';
import { createRouter } from './router.js';
import { useVirtualTime, type VirtualTime } from './testing/virtual-time.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    web: { kind: 'digital', label: 'web' },
    phone: { kind: 'phone', label: 'phone', contact: { phone: '3639' } },
  },
  operations: {
    balance: {
      label: 'Balance',
      idempotent: true,
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }],
    },
  },
});

let time: VirtualTime | undefined;
afterEach(() => time?.uninstall());

function setup() {
  time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  const down = new Set<string>();
  const handler = (channel: string) => () => (down.has(channel) ? Promise.reject(new Error('down')) : `${channel}`);
  const router = createRouter({
    catalog,
    clock: time.clock,
    breaker: { resetTimeout: 30_000 },
    handlers: { balance: { app: handler('app'), web: handler('web') } },
  });
  return { router, down, time };
}

describe('half-open is not down (no probe)', () => {
  it('a half-open route is offered, listed available, and its channel degraded; its trial is the next call', async () => {
    const { router, down, time } = setup();
    down.add('app');
    for (let i = 0; i < 3; i++) await time.settle(router.execute('balance', {}));
    expect(router.getSnapshot().channels.app.status).toBe('major_outage');
    expect(router.getSnapshot().operations.balance.available).toEqual(['web', 'phone']);

    await time.advance(30_000);
    const snap = router.getSnapshot();
    expect(snap.channels.app).toMatchObject({ status: 'degraded_performance' });
    expect(snap.operations.balance).toEqual({ status: 'degraded_performance', available: ['app', 'web', 'phone'] });
    expect(router.plan('balance').willTry).toEqual(['app', 'web']);

    down.delete('app');
    const outcome = await time.settle(router.execute('balance', {}));
    expect(outcome).toMatchObject({ kind: 'served', channel: 'app' });
    expect(router.getSnapshot().channels.app).toEqual({ status: 'operational' });
    expect(router.getSnapshot().operations.balance.status).toBe('operational');
    router.dispose();
  });

  it('subscribers hear it once when a breaker half-opens by its timer', async () => {
    const { router, down, time } = setup();
    down.add('app');
    for (let i = 0; i < 3; i++) await time.settle(router.execute('balance', {}));
    const listener = vi.fn();
    router.subscribe(listener);
    const before = router.getSnapshot();
    await time.advance(30_000);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(router.getSnapshot()).not.toBe(before);
    expect(router.getSnapshot().version).toBe(before.version + 1);
    router.dispose();
  });

  it('a referral while a route is half-open offers it among the alternatives', async () => {
    const { router, down, time } = setup();
    down.add('app');
    down.add('web');
    for (let i = 0; i < 3; i++) await time.settle(router.execute('balance', {}));
    await time.advance(30_000);
    const plan = router.plan('balance', { exclude: ['web'] });
    expect(plan.willTry).toEqual(['app']);
    expect(plan.alternatives.map((a) => a.channel)).toEqual(['app', 'phone']);
    router.dispose();
  });
});
