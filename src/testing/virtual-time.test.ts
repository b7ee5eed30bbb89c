import { describe, expect, it } from 'vitest';
import { configError } from '../../test/helpers/config-error.js';
import { createRouter, defineCatalog } from '../index.js';
import { createTestRouter } from './test-router.js';
import { useVirtualTime } from './virtual-time.js';
import './vitest.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'App' },
    counter: {
      kind: 'in-person',
      label: 'Counter',
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['09:00-17:00'] } },
    },
  },
  operations: { stamps: { label: 'Stamps', routes: [{ channel: 'counter' }, { channel: 'app' }] } },
});

describe('useVirtualTime', () => {
  it('moves opossum, outage expiry and opening hours together', async () => {
    const time = useVirtualTime({ now: '2026-01-05T07:30:00+01:00' });
    try {
      const router = createRouter({
        catalog,
        clock: time.clock,
        handlers: { stamps: { counter: async () => 'counter', app: async () => 'app' } },
      });
      // 07:30: the counter is closed, the app serves.
      expect(await time.settle(router.execute('stamps', {}))).toBeServedBy('app');
      router.declareOutage({ channels: ['app'], reason: 'down', until: '2026-01-05T08:30:00+01:00' });
      expect(router).toHaveChannelStatus('app', 'major_outage');
      await time.advanceTo('2026-01-05T09:00:00+01:00');
      // The outage expired by itself and the counter opened: both by the same clock.
      expect(router).toHaveChannelStatus('app', 'operational');
      expect(await time.settle(router.execute('stamps', {}))).toBeServedBy('counter');
      expect(new Date().toISOString()).toBe('2026-01-05T08:00:00.000Z');
      router.dispose();
      expect(time.pendingTimers()).toBe(0);
    } finally {
      time.uninstall();
    }
    expect(new Date().getFullYear()).toBeGreaterThanOrEqual(2026);
  });

  it('settle gives up, with a clear error, on a promise no timer will ever settle', async () => {
    const time = useVirtualTime({ now: 0 });
    try {
      await expect(time.settle(new Promise(() => {}), { limitMs: 10_000 })).rejects.toThrow(
        'virtual time: still pending after 10000 ms of virtual time',
      );
    } finally {
      time.uninstall();
    }
  });

  it('names bad input', async () => {
    expect(configError(() => useVirtualTime({ now: 'yesterday' })).issues).toEqual([
      { path: 'now', message: 'expected a Date, an ISO 8601 date-time or epoch ms, got "yesterday"' },
    ]);
    // From untyped code: refused, not read as the date string "1" (which V8 takes for 2001).
    expect(configError(() => useVirtualTime({ now: 1n as unknown as number })).issues).toEqual([
      { path: 'now', message: 'expected a Date, an ISO 8601 date-time or epoch ms, got 1' },
    ]);
    const time = useVirtualTime();
    try {
      await expect(time.advance(-1)).rejects.toMatchObject({ issues: [{ path: 'ms' }] });
    } finally {
      time.uninstall();
    }
    time.uninstall(); // idempotent
    expect(time.installed).toBe(false);
  });
});

describe('createTestRouter with real timers', () => {
  it('runs without virtual time when `now: false`', async () => {
    const { execute, time } = createTestRouter({
      catalog,
      handlers: { stamps: { app: async () => 'app' } },
      now: false,
    });
    expect(time).toBeUndefined();
    // The counter route has no handler: a referral, whatever the real hour.
    expect(await execute('stamps', {})).toBeServedBy('app');
  });
});
