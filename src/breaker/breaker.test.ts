import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { ConfigError, isSecoursError } from '../errors.js';
import { createOpossumBreaker as createBreaker } from './breaker.js';
import { type BreakerOptions, resolveBreakerOptions } from './options.js';
import { BucketRotation } from './rotation.js';
import type { BreakerHooks, BreakerState, RouteBreaker } from './route-breaker.js';

type Attempt = 'ok' | 'fail' | 'rejection';

describe('resolveBreakerOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveBreakerOptions(undefined)).toEqual({
      timeout: 10_000,
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      resetTimeout: 30_000,
      rollingCountTimeout: 10_000,
      rollingCountBuckets: 10,
      consecutiveFailures: 3,
      slowCallMs: Number.POSITIVE_INFINITY,
      slowCallRate: 50,
      maxConcurrent: Number.POSITIVE_INFINITY,
      maxQueued: 0,
    });
    expect(resolveBreakerOptions({})).toEqual(resolveBreakerOptions(undefined));
  });

  it("keeps the caller's values and turns `timeout: false` into no timeout", () => {
    const resolved = resolveBreakerOptions({ timeout: false, volumeThreshold: 0, resetTimeout: 5 });
    expect(resolved.timeout).toBe(Number.POSITIVE_INFINITY);
    expect(resolved.volumeThreshold).toBe(0);
    expect(resolved.resetTimeout).toBe(5);
    expect(resolved.errorThresholdPercentage).toBe(50);
  });

  it("returns a frozen copy and never changes the caller's object", () => {
    const options: BreakerOptions = Object.freeze({ timeout: 3000 });
    const resolved = resolveBreakerOptions(options);
    expect(options).toEqual({ timeout: 3000 });
    expect(resolved).not.toBe(options);
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('lists every invalid option with its path', () => {
    let error: unknown;
    try {
      resolveBreakerOptions({
        timeout: -1,
        errorThresholdPercentage: 150,
        volumeThreshold: 1.5,
        resetTimeout: 0,
        retries: 3,
      } as BreakerOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(isSecoursError(error)).toBe(true);
    const { issues, message } = error as ConfigError;
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        'breaker.timeout',
        'breaker.errorThresholdPercentage',
        'breaker.volumeThreshold',
        'breaker.resetTimeout',
      ]),
    );
    expect(issues).toHaveLength(5);
    expect(message).toContain('→ at breaker.timeout');
    expect(message).toContain('→ at breaker.errorThresholdPercentage');
  });

  it('names an unknown option', () => {
    expect(() => resolveBreakerOptions({ retries: 3 } as BreakerOptions)).toThrow(/retries/);
  });

  it.each([
    ['a string timeout', { timeout: '3000' }],
    ['an infinite timeout', { timeout: Number.POSITIVE_INFINITY }],
    ['a negative threshold', { errorThresholdPercentage: -1 }],
    ['zero buckets', { rollingCountBuckets: 0 }],
  ])('rejects %s', (_, options) => {
    expect(() => resolveBreakerOptions(options as BreakerOptions)).toThrow(ConfigError);
  });
});

describe('createBreaker', () => {
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

  function breaker(
    options: BreakerOptions = {},
    isRejection: BreakerHooks<Attempt>['isRejection'] = () => false,
  ): RouteBreaker<Attempt> {
    // These tests are about opossum's rate rule: the streak rule is off unless a test sets it.
    const resolved = resolveBreakerOptions({ consecutiveFailures: false, ...options });
    const b = createBreaker<Attempt>(`route-${breakers.length}`, resolved, rotation, {
      action,
      isRejection,
      onState,
    });
    breakers.push(b);
    return b;
  }

  async function fire(b: RouteBreaker<Attempt>, attempt: Attempt, times = 1): Promise<void> {
    for (let i = 0; i < times; i++) await b.fire(attempt).catch(() => undefined);
  }

  async function openBreaker(b: RouteBreaker<Attempt>): Promise<void> {
    await fire(b, 'fail', 5);
    expect(b.opened).toBe(true);
  }

  it('runs the action and passes its value through', async () => {
    const b = breaker();
    await expect(b.fire('ok')).resolves.toBe('done');
    await expect(b.fire('fail')).rejects.toThrow('fail');
    expect(action).toHaveBeenCalledWith('ok');
    expect(b.stats).toMatchObject({ fires: 2, successes: 1, failures: 1 });
  });

  it('opens after volumeThreshold failures over 50% and says so', async () => {
    const b = breaker();
    await fire(b, 'fail', 4);
    expect(b.opened).toBe(false);
    expect(onState).not.toHaveBeenCalled();
    await fire(b, 'fail');
    expect(b.opened).toBe(true);
    expect(onState).toHaveBeenCalledExactlyOnceWith('open');
  });

  describe('calls counted outside fire', () => {
    /** What the router does on a closed breaker: count the start, run, count the end. */
    function counted(b: RouteBreaker<Attempt>, failed: boolean, times = 1): void {
      for (let i = 0; i < times; i++) {
        b.countFire();
        b.countSettled(failed);
      }
    }

    it("counts in opossum's own window, as fire would", async () => {
      const b = breaker();
      expect(b.counting).toBe(true);
      counted(b, false, 3);
      counted(b, true);
      await fire(b, 'ok');
      expect(b.stats).toMatchObject({ fires: 5, successes: 4, failures: 1 });
      expect(action).toHaveBeenCalledTimes(1);
    });

    it('opens by the same rule as fire: volumeThreshold, then more than the threshold', () => {
      const b = breaker();
      counted(b, false, 3);
      counted(b, true, 3);
      expect(b.opened).toBe(false);
      counted(b, true);
      expect(b.opened).toBe(true);
      expect(onState).toHaveBeenCalledExactlyOnceWith('open');
      const c = breaker({ volumeThreshold: 5 });
      counted(c, true, 4);
      expect(c.opened).toBe(false);
      counted(c, true);
      expect(c.opened).toBe(true);
    });

    it('the window rotates out what was counted, so old failures stop counting', () => {
      // The shared rotation here turns every second: ten buckets are ten seconds.
      const b = breaker();
      counted(b, true, 4);
      vi.advanceTimersByTime(9_000);
      expect(b.stats.failures).toBe(4);
      vi.advanceTimersByTime(1_000);
      expect(b.stats.failures).toBe(0);
      counted(b, true, 4);
      expect(b.opened).toBe(false);
    });

    it('a success that settles while half-open closes it; a failure reopens it', async () => {
      const b = breaker({ resetTimeout: 1000 });
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

    it('leaves an idle window alone, and rotates it again once it counts something', () => {
      const b = breaker();
      const status = (b as unknown as { cb: { status: { window: object[] } } }).cb.status;
      vi.advanceTimersByTime(20_000);
      const newest = status.window[0];
      vi.advanceTimersByTime(5_000);
      // Nothing counted for the whole window: no new bucket allocated.
      expect(status.window[0]).toBe(newest);
      counted(b, true, 2);
      vi.advanceTimersByTime(1_000);
      expect(status.window[0]).not.toBe(newest);
      expect(b.stats.failures).toBe(2);
      vi.advanceTimersByTime(10_000);
      expect(b.stats.failures).toBe(0);
    });

    it('keeps no latency sample per call: the window holds counts only', () => {
      const b = breaker();
      counted(b, false, 10_000);
      const window = (b as unknown as { cb: { status: { window: { latencyTimes: number[] }[] } } }).cb.status.window;
      expect(window.reduce((n, bucket) => n + bucket.latencyTimes.length, 0)).toBe(0);
    });
  });

  it('stays closed at 50% failures and opens above 50%', async () => {
    const b = breaker();
    await fire(b, 'ok', 3);
    await fire(b, 'fail', 3);
    expect(b.opened).toBe(false);
    await fire(b, 'fail');
    expect(b.opened).toBe(true);
  });

  it('rejects calls without running the action while open', async () => {
    const b = breaker();
    await openBreaker(b);
    action.mockClear();
    await expect(b.fire('ok')).rejects.toThrow();
    expect(action).not.toHaveBeenCalled();
  });

  it('half-opens after resetTimeout and closes after a success', async () => {
    const b = breaker();
    await openBreaker(b);
    vi.advanceTimersByTime(29_999);
    expect(b.halfOpen).toBe(false);
    vi.advanceTimersByTime(1);
    expect(b.halfOpen).toBe(true);
    expect(onState).toHaveBeenLastCalledWith('half-open');
    await fire(b, 'ok');
    expect(b.opened).toBe(false);
    expect(b.halfOpen).toBe(false);
    expect(onState.mock.calls.map(([s]) => s)).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again when the trial call fails', async () => {
    const b = breaker();
    await openBreaker(b);
    vi.advanceTimersByTime(30_000);
    await fire(b, 'fail');
    expect(b.opened).toBe(true);
    expect(onState.mock.calls.map(([s]) => s)).toEqual(['open', 'half-open', 'open']);
  });

  it('does not count a failure that isRejection calls the answer, and never opens', async () => {
    const isRejection = vi.fn((error: unknown) => (error as Error).message === 'rejection');
    const b = breaker({}, isRejection);
    for (let i = 0; i < 10; i++) await expect(b.fire('rejection')).rejects.toThrow('rejection');
    expect(b.opened).toBe(false);
    expect(b.stats.failures).toBe(0);
    expect(onState).not.toHaveBeenCalled();
    expect(isRejection).toHaveBeenCalledWith(expect.objectContaining({ message: 'rejection' }), 'rejection');
  });

  it('still counts failures that isRejection does not claim', async () => {
    const b = breaker({}, (error) => (error as Error).message === 'rejection');
    await fire(b, 'rejection', 5);
    await fire(b, 'fail', 5);
    expect(b.stats.failures).toBe(5);
    expect(b.opened).toBe(false);
    await fire(b, 'fail');
    expect(b.opened).toBe(true);
  });

  describe('with a shared BucketRotation', () => {
    it("rotates every breaker's window", async () => {
      const all = [breaker(), breaker(), breaker()];
      for (const b of all) await fire(b, 'fail', 2);
      expect(all.map((b) => b.stats.failures)).toEqual([2, 2, 2]);
      vi.advanceTimersByTime(5000);
      expect(all.map((b) => b.stats.failures)).toEqual([2, 2, 2]);
      vi.advanceTimersByTime(5001);
      expect(all.map((b) => b.stats.failures)).toEqual([0, 0, 0]);
      expect(rotation.size).toBe(3);
    });

    it('forgets old failures, so they cannot open the breaker later', async () => {
      const b = breaker();
      await fire(b, 'fail', 4);
      vi.advanceTimersByTime(10_001);
      await fire(b, 'fail');
      expect(b.opened).toBe(false);
    });

    it('uses one interval for many breakers', () => {
      expect(vi.getTimerCount()).toBe(0);
      for (let i = 0; i < 50; i++) breaker();
      expect(rotation.size).toBe(50);
      expect(vi.getTimerCount()).toBe(1);
    });

    it('stops its interval when the last breaker shuts down', () => {
      const all = [breaker(), breaker(), breaker()];
      all[0]!.shutdown();
      all[1]!.shutdown();
      expect(rotation.size).toBe(1);
      expect(vi.getTimerCount()).toBe(1);
      all[2]!.shutdown();
      expect(rotation.size).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('leaves no timer when an open breaker shuts down', async () => {
      const b = breaker();
      await openBreaker(b);
      expect(vi.getTimerCount()).toBe(2);
      b.shutdown();
      expect(vi.getTimerCount()).toBe(0);
    });

    it('starts its interval again for a breaker created after the others shut down', async () => {
      breaker().shutdown();
      expect(vi.getTimerCount()).toBe(0);
      const b = breaker();
      expect(vi.getTimerCount()).toBe(1);
      await fire(b, 'fail', 2);
      vi.advanceTimersByTime(10_001);
      expect(b.stats.failures).toBe(0);
    });
  });
});

describe('BucketRotation', () => {
  let rotation: BucketRotation;

  beforeEach(() => {
    vi.useFakeTimers();
    rotation = new BucketRotation(100);
  });

  afterEach(() => {
    rotation.stop();
    vi.useRealTimers();
  });

  it('counts each listener on its own, unlike eventemitter3', () => {
    const a = vi.fn();
    const b = vi.fn();
    rotation.on('rotate', a);
    expect(rotation.listenerCount('rotate', a)).toBe(1);
    expect(rotation.listenerCount('rotate', b)).toBe(0);
  });

  it('calls every listener at each interval', () => {
    const a = vi.fn();
    const b = vi.fn();
    rotation.on('rotate', a).on('rotate', b);
    vi.advanceTimersByTime(300);
    expect(a).toHaveBeenCalledTimes(3);
    expect(b).toHaveBeenCalledTimes(3);
  });

  it('leaves a lazy listener to its owner, counting the ticks it missed', () => {
    const eager = vi.fn();
    const lazy = vi.fn();
    rotation.on('rotate', eager).on('rotate', lazy);
    rotation.lazy(lazy);
    const from = rotation.tick;
    vi.advanceTimersByTime(300);
    expect(eager).toHaveBeenCalledTimes(3);
    expect(lazy).not.toHaveBeenCalled();
    expect(rotation.tick - from).toBe(3);
    expect(rotation.listenerCount('rotate', lazy)).toBe(1);
    rotation.removeListener('rotate', eager);
    rotation.removeListener('rotate', lazy);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs no interval without listeners', () => {
    expect(vi.getTimerCount()).toBe(0);
    const a = vi.fn();
    rotation.on('rotate', a);
    expect(vi.getTimerCount()).toBe(1);
    rotation.removeListener('rotate', a);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(a).not.toHaveBeenCalled();
  });
});
