// Differential attack on the engine redesign: worlds run on the engine before it (tag
// hardening-landed) and after, compared call by call. Each test is a minimal world where the two
// differed, stated against the engine as it is now, in virtual time.
import { afterEach, describe, expect, it } from 'vitest';
import { defineCatalog } from './catalog.js';
import { createRouter } from './router.js';
import { useVirtualTime, type VirtualTime } from './testing/virtual-time.js';

let time: VirtualTime | undefined;
afterEach(() => {
  time?.uninstall();
  time = undefined;
});

const catalog = defineCatalog({
  channels: { counter: { kind: 'in-person', label: 'Counter' } },
  operations: { pickup: { label: 'Pickup', idempotent: true, routes: [{ channel: 'counter' }] } },
});

describe('a scope swept while its call is in flight', () => {
  it('does not leave its channel down for ever once the call fails after the sweep', async () => {
    time = useVirtualTime({ now: '2026-01-05T08:00:00Z' });
    let calls = 0;
    const router = createRouter({
      catalog,
      handlers: {
        pickup: {
          // The first call fails after 2 s, past the sweep at 1 s; every later one succeeds.
          counter: () =>
            calls++ === 0
              ? new Promise((_, reject) => setTimeout(() => reject(new Error('terminal')), 2000))
              : Promise.resolve('ok'),
        },
      },
      breaker: { timeout: 5000, volumeThreshold: 0, errorThresholdPercentage: 0, resetTimeout: 100 },
      scopes: { idleEvictMs: 1000 },
      clock: time.clock,
    });
    const first = await time.settle(router.execute('pickup', undefined, { scope: 'office-b' }));
    expect(first.kind).toBe('referred');
    await time.advance(10_000);
    // The same office again, and its terminal works: before the redesign the counter was
    // operational here; after it, a breaker the sweep had dropped opened on the late failure and
    // counted its scope as down in a share no call could ever bring back.
    const second = await time.settle(router.execute('pickup', undefined, { scope: 'office-b' }));
    expect(second.kind).toBe('served');
    await time.advance(10_000);
    expect(router.getSnapshot().channels.counter.status).toBe('operational');
    router.dispose();
  });
});

describe('the share of a channel\'s scopes that are down', () => {
  it('is shown again when a scope appears on another operation of the channel', async () => {
    time = useVirtualTime({ now: '2026-01-05T08:00:00Z' });
    const twoOps = defineCatalog({
      channels: { counter: { kind: 'in-person', label: 'Counter' } },
      operations: {
        pickup: { label: 'Pickup', idempotent: true, routes: [{ channel: 'counter' }] },
        deposit: { label: 'Deposit', idempotent: true, routes: [{ channel: 'counter' }] },
      },
    });
    const router = createRouter({
      catalog: twoOps,
      handlers: {
        pickup: { counter: () => Promise.reject(new Error('terminal')) },
        deposit: { counter: () => Promise.resolve('ok') },
      },
      breaker: { volumeThreshold: 0, errorThresholdPercentage: 0 },
      clock: time.clock,
    });
    await router.execute('pickup', undefined, { scope: 'office-a' });
    // One scope of one down: more than half.
    expect(router.getSnapshot().channels.counter.status).toBe('major_outage');
    await router.execute('deposit', undefined, { scope: 'office-a' });
    // Two live scopes on the counter, one down: not more than half. Before the redesign the
    // snapshot kept major_outage (it was not told the share changed) and so did the referral's
    // alternative; after it, the alternative says partial_outage while the snapshot still says
    // major_outage. The share is per channel: both must say partial_outage.
    const counter = router.plan('pickup').alternatives.find((a) => a.channel === 'counter');
    expect(counter?.status).toBe('partial_outage');
    expect(router.getSnapshot().channels.counter.status).toBe('partial_outage');
    router.dispose();
  });
});
