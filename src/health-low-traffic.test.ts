import { afterEach, describe, expect, it } from 'vitest';
import { defineCatalog } from './catalog.js';
import { createRouter } from './router.js';
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

describe('low traffic: breaker.consecutiveFailures', () => {
  it('at 5 requests a minute, a dead app is skipped from the 4th call on', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    const router = createRouter({
      catalog,
      clock: time.clock,
      handlers: {
        balance: {
          app: () => Promise.reject(new Error('down')),
          web: () => 'ok',
        },
      },
    });
    const tried: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const outcome = await time.settle(router.execute('balance', {}));
      expect(outcome).toMatchObject({ kind: 'served', channel: 'web' });
      tried.push(outcome.attempts[0]?.result !== 'skipped');
      await time.advance(12_000);
    }
    // Open at the 3rd call (24 s); the 6th (60 s) comes after resetTimeout (30 s): the trial.
    expect(tried).toEqual([true, true, true, false, false, true]);
    router.dispose();
  });
});
