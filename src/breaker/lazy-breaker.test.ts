import CircuitBreaker from 'opossum';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { createBreaker, createOpossumBreaker as createOpossumRoute } from './breaker.js';
import { internalsOf } from './opossum-window.js';
import { type BreakerOptions, type ResolvedBreakerOptions, resolveBreakerOptions } from './options.js';
import { BucketRotation } from './rotation.js';
import type { BreakerHooks, BreakerState, RouteBreaker } from './route-breaker.js';

type Attempt = 'ok' | 'fail';
type Factory = (
  name: string,
  options: ResolvedBreakerOptions,
  rotation: BucketRotation,
  hooks: BreakerHooks<Attempt>,
) => RouteBreaker<Attempt>;

/** A lazy breaker whose owner hands out these hooks, and counts how often it was asked. */
let asked = 0;
const lazy: Factory = (name, options, r, hooks) =>
  createBreaker<Attempt, string>(
    options,
    r,
    {
      breakerName: (key) => {
        asked++;
        return key;
      },
      breakerHooks: () => hooks,
    },
    name,
  );

let rotation: BucketRotation;
let breakers: RouteBreaker<Attempt>[];
let onState: Mock<(state: BreakerState) => void>;
let action: Mock<(attempt: Attempt) => Promise<unknown>>;

beforeEach(() => {
  vi.useFakeTimers();
  rotation = new BucketRotation(1000);
  breakers = [];
  onState = vi.fn<(state: BreakerState) => void>();
  action = vi.fn((attempt: Attempt) =>
    attempt === 'ok' ? Promise.resolve('done') : Promise.reject(new Error(attempt)),
  );
});

afterEach(() => {
  for (const b of breakers) b.shutdown();
  rotation.stop();
  vi.useRealTimers();
});

function make(factory: Factory, options: BreakerOptions = {}, r: BucketRotation = rotation): RouteBreaker<Attempt> {
  const hooks: BreakerHooks<Attempt> = { action, isRejection: () => false, onState };
  // These tests are about opossum's rate rule: the streak rule is off unless a test sets it.
  const b = factory(
    `route-${breakers.length}`,
    resolveBreakerOptions({ consecutiveFailures: false, ...options }),
    r,
    hooks,
  );
  breakers.push(b);
  return b;
}

/** What the router does on a closed breaker: count the start, run, count the end. */
function counted(b: RouteBreaker<Attempt>, failed: boolean, times = 1): void {
  for (let i = 0; i < times; i++) {
    b.countFire();
    b.countSettled(failed);
  }
}

function promoted(b: RouteBreaker<Attempt>): boolean {
  return (b as unknown as { cb?: object }).cb !== undefined;
}

describe.each([
  ['createOpossumRoute', createOpossumRoute],
  ['createLazyBreaker', lazy],
])('%s: calls counted outside fire follow opossum', (_, factory) => {
  it('opens by opossum’s rule: volumeThreshold, then more than the threshold', () => {
    const b = make(factory);
    counted(b, false, 3);
    counted(b, true, 3);
    expect(b.opened).toBe(false);
    counted(b, true);
    expect(b.opened).toBe(true);
    expect(onState).toHaveBeenCalledExactlyOnceWith('open');
    const c = make(factory, { volumeThreshold: 5 });
    counted(c, true, 4);
    expect(c.opened).toBe(false);
    counted(c, true);
    expect(c.opened).toBe(true);
  });

  it('counts what opossum’s fire would, and keeps no latency sample', async () => {
    const b = make(factory);
    counted(b, false, 3);
    counted(b, true);
    const window = (b as unknown as { cb: CircuitBreaker }).cb.status.window;
    expect(window.reduce((n, bucket) => n + bucket.latencyTimes.length, 0)).toBe(0);
    await b.fire('ok').catch(() => undefined);
    expect(b.stats).toEqual({ fires: 5, successes: 4, failures: 1 });
    expect(action).toHaveBeenCalledTimes(1);
  });

  it('a success that settles while half-open closes it; a failure reopens it', () => {
    const b = make(factory, { resetTimeout: 1000 });
    counted(b, true, 5);
    expect(b.opened).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(b.halfOpen).toBe(true);
    counted(b, true);
    expect(b.opened).toBe(true);
    vi.advanceTimersByTime(1000);
    counted(b, false);
    expect(b.closed).toBe(true);
    expect(onState.mock.calls.map(([s]) => s)).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('a call counted before the trial that fails while the trial runs opens it again', async () => {
    const b = make(factory, { resetTimeout: 1000 });
    counted(b, true, 5);
    b.countFire();
    vi.advanceTimersByTime(1000);
    let finish: (v: unknown) => void = () => {};
    action.mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
    const trial = b.fire('ok');
    expect(b.halfOpen).toBe(true);
    expect(b.pendingClose).toBe(false);
    b.countSettled(true);
    expect(b.opened).toBe(true);
    finish('late');
    await trial.catch(() => undefined);
  });

  it('a counted call cancelled by its caller changes no state', () => {
    const b = make(factory, { resetTimeout: 1000 });
    b.countFire();
    (b as unknown as { countCancelled(): void }).countCancelled();
    expect(b.closed).toBe(true);
    counted(b, true, 5);
    vi.advanceTimersByTime(1000);
    b.countFire();
    (b as unknown as { countCancelled(): void }).countCancelled();
    expect(b.halfOpen).toBe(true);
    expect(onState.mock.calls.map(([s]) => s)).toEqual(['open', 'half-open']);
  });

  it('rotates old counts out of the window', () => {
    const b = make(factory);
    counted(b, true, 4);
    vi.advanceTimersByTime(9_000);
    expect(b.stats.failures).toBe(4);
    vi.advanceTimersByTime(1_000);
    expect(b.stats.failures).toBe(0);
    counted(b, true, 4);
    expect(b.opened).toBe(false);
  });
});

describe('createLazyBreaker', () => {
  it('is counters, not an opossum breaker, until its first failure', () => {
    asked = 0;
    const b = make(lazy);
    counted(b, false, 100);
    expect(promoted(b)).toBe(false);
    // Not even its name was made.
    expect(asked).toBe(0);
    expect(b.stats).toEqual({ fires: 100, successes: 100, failures: 0 });
    expect([b.closed, b.opened, b.halfOpen, b.pendingClose, b.counting]).toEqual([true, false, false, false, true]);
    counted(b, true);
    expect(promoted(b)).toBe(true);
    expect(b.stats).toEqual({ fires: 101, successes: 100, failures: 1 });
    expect(b.opened).toBe(false);
  });

  it('forgets its counts as the window turns, with no opossum breaker to keep the rotation going', () => {
    const b = make(lazy);
    counted(b, false, 3);
    vi.advanceTimersByTime(9_000);
    counted(b, false, 2);
    expect(b.stats).toEqual({ fires: 5, successes: 5, failures: 0 });
    vi.advanceTimersByTime(1_000);
    expect(b.stats).toEqual({ fires: 2, successes: 2, failures: 0 });
    vi.advanceTimersByTime(60_000);
    expect(b.stats).toEqual({ fires: 0, successes: 0, failures: 0 });
    expect(promoted(b)).toBe(false);
  });

  it('hands its successes to opossum, so they still weigh against the first failures', () => {
    const b = make(lazy);
    counted(b, false, 10);
    counted(b, true, 5);
    // 5 failures in 15: opossum keeps it closed.
    expect(b.opened).toBe(false);
    const fresh = make(lazy);
    counted(fresh, false, 10);
    vi.advanceTimersByTime(10_000);
    counted(fresh, true, 5);
    // The successes rotated out before the failures: 5 in 5.
    expect(fresh.opened).toBe(true);
  });

  it('keeps each count in the bucket it was made in, not all in the newest', () => {
    const b = make(lazy);
    counted(b, false, 6);
    vi.advanceTimersByTime(5_000);
    counted(b, true, 5);
    expect(b.opened).toBe(false);
    // The successes' bucket leaves the window now; had they been copied into the newest bucket,
    // they would still weigh for five more seconds and keep it closed at 6 in 12.
    vi.advanceTimersByTime(5_000);
    counted(b, true);
    expect(b.opened).toBe(true);
  });

  it('counts a call that started before the first failure and ends after it', () => {
    const b = make(lazy);
    b.countFire();
    counted(b, true);
    b.countSettled(false);
    expect(b.stats).toEqual({ fires: 2, successes: 1, failures: 1 });
  });

  it('fire makes the opossum breaker and runs the action through it', async () => {
    const b = make(lazy);
    await expect(b.fire('ok')).resolves.toBe('done');
    expect(promoted(b)).toBe(true);
    expect(b.stats).toEqual({ fires: 1, successes: 1, failures: 0 });
  });

  it('keeps the one shared interval running while it counts, and leaves no timer after shutdown', () => {
    expect(vi.getTimerCount()).toBe(0);
    const all = Array.from({ length: 50 }, () => make(lazy));
    // One listener for all the lazy breakers, not one each.
    expect(rotation.size).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    counted(all[0] as RouteBreaker<Attempt>, true, 5);
    expect(all[0]?.opened).toBe(true);
    // The rotation, and opossum's reset timer.
    expect(vi.getTimerCount()).toBe(2);
    // The lazy ones' listener, and the opossum breaker's own.
    expect(rotation.size).toBe(2);
    for (const b of all) b.shutdown();
    breakers = [];
    expect(rotation.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('opossum internals', () => {
  it('are the ones read here, in the installed opossum', () => {
    const b = make(createOpossumRoute);
    expect(b.counting).toBe(true);
  });

  it('a window stored otherwise is not read', () => {
    const cb = new CircuitBreaker(() => Promise.resolve(), { rotateBucketController: rotation as never });
    expect(internalsOf(cb as never, rotation)).toBeDefined();
    const status = cb.status as unknown as Record<symbol, unknown>;
    const key = Object.getOwnPropertySymbols(status).find((s) => s.description === 'window') as symbol;
    status[Symbol('elsewhere')] = status[key];
    delete status[key];
    expect(internalsOf(cb as never, rotation)).toBeUndefined();
    cb.shutdown();
  });

  it('without them a breaker goes through fire, and still opens by opossum’s rule', async () => {
    class Foreign extends BucketRotation {
      override listenerCount(): number {
        return 0;
      }
    }
    const foreign = new Foreign(1000);
    const b = make(createOpossumRoute, {}, foreign);
    expect(b.counting).toBe(false);
    for (let i = 0; i < 5; i++) await b.fire('fail').catch(() => undefined);
    expect(b.opened).toBe(true);
    b.shutdown();
    foreign.stop();
  });

  it('without them a lazy breaker hands its first failure to fire, and then goes through fire', async () => {
    class Foreign extends BucketRotation {
      override listenerCount(): number {
        return 0;
      }
    }
    const foreign = new Foreign(1000);
    const b = make(lazy, { volumeThreshold: 1 }, foreign);
    counted(b, false, 2);
    expect(b.counting).toBe(true);
    counted(b, true);
    expect(b.counting).toBe(false);
    // The replayed failure alone: one in one, over the threshold.
    expect(b.opened).toBe(true);
    b.shutdown();
    foreign.stop();
  });
});
