// Differential attack on the engine redesign: worlds run on the engine before it (tag
// hardening-landed) and after, compared call by call. Each test is a minimal world where the two
// differed, stated against the engine as it is now, in virtual time.
import fc from 'fast-check';
import CircuitBreaker from 'opossum';
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

describe("the share of a channel's scopes that are down", () => {
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

/** A route run call by call beside a bare opossum breaker with the same options and results. */
async function againstOpossum(
  breaker: {
    volumeThreshold: number;
    errorThresholdPercentage: number;
    resetTimeout: number;
    rollingCountTimeout: number;
    rollingCountBuckets: number;
  },
  successesFirst: number,
  steps: readonly ({ fail: boolean; n: number } | { advance: number })[],
): Promise<{ router: string[]; opossum: string[] }> {
  time = useVirtualTime({ now: '2026-01-05T08:00:00Z' });
  const t = time;
  let fail = false;
  const router = createRouter({
    catalog,
    handlers: { pickup: { counter: () => (fail ? Promise.reject(new Error('terminal')) : Promise.resolve('ok')) } },
    // Opossum's rule alone: failures in a row (the router's own addition) would open it sooner.
    breaker: { ...breaker, consecutiveFailures: false },
    clock: t.clock,
  });
  const seen: string[] = [];
  router.on('breaker', (e) => seen.push(`${e.state}@${Date.parse(e.at) - Date.parse('2026-01-05T08:00:00Z')}`));
  // Made at the router's first call, when the router makes its breaker and window rotation.
  const bare = new CircuitBreaker((f: boolean) => (f ? Promise.reject(new Error('terminal')) : Promise.resolve('ok')), {
    ...breaker,
    timeout: false,
    rollingPercentilesEnabled: false,
    enableSnapshots: false,
  });
  const expected: string[] = [];
  const at = () => t.now() - Date.parse('2026-01-05T08:00:00Z');
  bare.on('open', () => expected.push(`open@${at()}`));
  bare.on('halfOpen', () => expected.push(`half-open@${at()}`));
  bare.on('close', () => expected.push(`closed@${at()}`));
  const call = async (f: boolean) => {
    fail = f;
    const outcome = await router.execute('pickup', undefined);
    // The router skips an open breaker without firing it (opossum would count a fire for it).
    if (outcome.attempts[0]?.result !== 'skipped') await bare.fire(f).catch(() => undefined);
  };
  for (let i = 0; i < successesFirst; i++) await call(false);
  for (const step of steps) {
    if ('advance' in step) await t.advance(step.advance);
    else for (let i = 0; i < step.n; i++) await call(step.fail);
  }
  bare.shutdown();
  router.dispose();
  t.uninstall();
  time = undefined;
  return { router: seen, opossum: expected };
}

describe("a route's breaker, counters until its first failure", () => {
  it('opens, half-opens and closes when a bare opossum breaker fed the same calls does (fast-check, seeded)', async () => {
    const optionsArb = fc.record({
      volumeThreshold: fc.integer({ min: 0, max: 12 }),
      errorThresholdPercentage: fc.constantFrom(0, 1, 10, 50, 90, 100),
      resetTimeout: fc.integer({ min: 1, max: 20_000 }),
      rollingCountTimeout: fc.constantFrom(1000, 3000, 10_000),
      rollingCountBuckets: fc.constantFrom(1, 2, 3, 10),
    });
    const stepArb = fc.oneof(
      fc.record({ fail: fc.boolean(), n: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ advance: fc.oneof(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 30_000 })) }),
    );
    await fc.assert(
      fc.asyncProperty(optionsArb, fc.array(stepArb, { maxLength: 30 }), async (options, steps) => {
        const { router, opossum } = await againstOpossum(options, 0, steps);
        expect(router).toEqual(opossum);
      }),
      { seed: 20261201, numRuns: 150 },
    );
  });

  it('opens on the first failure after 100,000 successes exactly when opossum does', async () => {
    const options = {
      volumeThreshold: 5,
      errorThresholdPercentage: 50,
      resetTimeout: 30_000,
      rollingCountTimeout: 10_000,
      rollingCountBuckets: 10,
    };
    const { router, opossum } = await againstOpossum(options, 100_000, [
      // The successes are carried into opossum's window at the first failure: 10 failures in
      // 100,010 calls do not open it.
      { advance: 9_000 },
      { fail: true, n: 10 },
      // One bucket later the successes have rotated out, the failures have not.
      { advance: 1_000 },
      { fail: true, n: 1 },
      // Half-open after resetTimeout, closed by a success, open again on failures.
      { advance: 30_000 },
      { fail: false, n: 1 },
      { fail: true, n: 6 },
    ]);
    expect(opossum).toEqual(['open@10000', 'half-open@40000', 'closed@40000', 'open@40000']);
    expect(router).toEqual(opossum);
  }, 60_000);
});
