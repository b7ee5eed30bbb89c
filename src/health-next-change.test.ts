import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineCatalog } from './catalog.js';
import { createRouter } from './router.js';
import { useVirtualTime, type VirtualTime } from './testing/virtual-time.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    phone: {
      kind: 'phone',
      label: 'phone',
      contact: { phone: '3639' },
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['08:00-19:00'], tue: ['08:00-19:00'] } },
    },
  },
  operations: {
    balance: { label: 'Balance', idempotent: true, routes: [{ channel: 'app' }, { channel: 'phone' }] },
  },
});

let time: VirtualTime | undefined;
afterEach(() => time?.uninstall());

// Monday 5 January 2026, 18:00 in Paris.
const MONDAY_18H = '2026-01-05T17:00:00Z';

describe('snapshot.nextChangeAt: status that changes with time', () => {
  it('says when the phone closes, and tells subscribers once when it does', async () => {
    time = useVirtualTime({ now: MONDAY_18H });
    const router = createRouter({ catalog, clock: time.clock, handlers: { balance: { app: () => 1 } } });
    const first = router.getSnapshot();
    expect(first.nextChangeAt).toBe('2026-01-05T18:00:00.000Z');
    const listener = vi.fn();
    router.subscribe(listener);
    await time.advance(3_600_000 - 1);
    expect(listener).not.toHaveBeenCalled();
    await time.advance(1);
    expect(listener).toHaveBeenCalledTimes(1);
    const after = router.getSnapshot();
    expect(after.version).toBe(first.version + 1);
    // Opens again on Tuesday at 08:00 Paris.
    expect(after.nextChangeAt).toBe('2026-01-06T07:00:00.000Z');
    await time.advance(60_000);
    expect(listener).toHaveBeenCalledTimes(1);
    router.dispose();
  });

  it('says when a scheduled outage starts and ends; each is heard once', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    const router = createRouter({ catalog, clock: time.clock, handlers: { balance: { app: () => 1 } } });
    router.declareOutage({
      id: 'night-works',
      kind: 'maintenance',
      channels: ['app'],
      reason: 'Works',
      from: '2026-01-05T10:30:00Z',
      until: '2026-01-05T11:00:00Z',
    });
    expect(router.getSnapshot().nextChangeAt).toBe('2026-01-05T10:30:00.000Z');
    // The declaration's own notification goes out first.
    await time.advance(0);
    const listener = vi.fn();
    router.subscribe(listener);
    await time.advance(30 * 60_000);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(router.getSnapshot().channels.app.status).toBe('under_maintenance');
    expect(router.getSnapshot().nextChangeAt).toBe('2026-01-05T11:00:00.000Z');
    await time.advance(30 * 60_000);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(router.getSnapshot().channels.app.status).toBe('operational');
    // Next: the phone closes at 19:00 Paris.
    expect(router.getSnapshot().nextChangeAt).toBe('2026-01-05T18:00:00.000Z');
    router.dispose();
  });

  it('undefined when nothing is due, and dispose stops the timer', () => {
    time = useVirtualTime({ now: MONDAY_18H });
    const plain = defineCatalog({
      channels: { app: { kind: 'digital', label: 'app' } },
      operations: { balance: { label: 'Balance', routes: [{ channel: 'app' }] } },
    });
    const quiet = createRouter({ catalog: plain, clock: time.clock });
    expect(quiet.getSnapshot().nextChangeAt).toBeUndefined();
    expect('nextChangeAt' in quiet.getSnapshot()).toBe(false);
    quiet.dispose();
    const router = createRouter({ catalog, clock: time.clock, handlers: { balance: { app: () => 1 } } });
    expect(time.pendingTimers()).toBeGreaterThan(0);
    router.dispose();
    expect(time.pendingTimers()).toBe(0);
  });
});
