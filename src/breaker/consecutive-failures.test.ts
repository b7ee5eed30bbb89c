import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors.js';
import { createBreaker, createOpossumBreaker } from './breaker.js';
import { type BreakerOptions, resolveBreakerOptions } from './options.js';
import { BucketRotation } from './rotation.js';
import type { BreakerHooks, BreakerState, RouteBreaker } from './route-breaker.js';

type Attempt = 'ok' | 'fail' | 'rejection';

let rotation: BucketRotation;
let breakers: RouteBreaker<Attempt>[];
let states: BreakerState[];

beforeEach(() => {
  vi.useFakeTimers();
  rotation = new BucketRotation(1000);
  breakers = [];
  states = [];
});

afterEach(() => {
  for (const b of breakers) b.shutdown();
  rotation.stop();
  vi.useRealTimers();
});

const hooks: BreakerHooks<Attempt> = {
  action: (a) => (a === 'ok' ? Promise.resolve('done') : Promise.reject(new Error(a))),
  isRejection: (_e, a) => a === 'rejection',
  onState: (s) => states.push(s),
};

type Factory = (options: BreakerOptions) => RouteBreaker<Attempt>;
const lazy: Factory = (o) =>
  createBreaker<Attempt, string>(
    resolveBreakerOptions(o),
    rotation,
    { breakerName: (k) => k, breakerHooks: () => hooks },
    'route',
  );
const eager: Factory = (o) => createOpossumBreaker<Attempt>('route', resolveBreakerOptions(o), rotation, hooks);

function counted(b: RouteBreaker<Attempt>, failed: boolean, times = 1): void {
  for (let i = 0; i < times; i++) {
    b.countFire();
    b.countSettled(failed);
  }
}

describe.each([
  ['lazy', lazy],
  ['opossum from the start', eager],
])('breaker.consecutiveFailures (%s breaker)', (_, factory) => {
  const make = (o: BreakerOptions = {}) => {
    const b = factory(o);
    breakers.push(b);
    return b;
  };

  it('three failures in a row open it by default, below the window volume', () => {
    const b = make();
    counted(b, true, 2);
    expect(b.opened).toBe(false);
    counted(b, true);
    expect(b.opened).toBe(true);
    expect(states).toEqual(['open']);
  });

  it('a success in between starts the streak again', () => {
    const b = make({ volumeThreshold: 100 });
    counted(b, true, 2);
    counted(b, false);
    counted(b, true, 2);
    expect(b.opened).toBe(false);
    counted(b, true);
    expect(b.opened).toBe(true);
  });

  it('counts failures through fire too, and an error the operation answered is not a failure', async () => {
    const b = make({ consecutiveFailures: 2, volumeThreshold: 100 });
    await b.fire('fail').catch(() => undefined);
    await b.fire('rejection').catch(() => undefined);
    await b.fire('fail').catch(() => undefined);
    expect(b.opened).toBe(false);
    await b.fire('fail').catch(() => undefined);
    expect(b.opened).toBe(true);
  });

  it('after it half-opened and closed, the streak starts from zero', () => {
    const b = make({ resetTimeout: 1000, volumeThreshold: 100 });
    counted(b, true, 3);
    vi.advanceTimersByTime(1000);
    expect(b.halfOpen).toBe(true);
    counted(b, false);
    expect(b.closed).toBe(true);
    counted(b, true, 2);
    expect(b.closed).toBe(true);
    counted(b, true);
    expect(b.opened).toBe(true);
  });

  it('false leaves only the rate rule', () => {
    const b = make({ consecutiveFailures: false, volumeThreshold: 10 });
    counted(b, true, 9);
    expect(b.opened).toBe(false);
    counted(b, true);
    expect(b.opened).toBe(true);
  });
});

describe('breaker.consecutiveFailures, validated', () => {
  it.each([0, -1, 1.5, Number.NaN, true, '3'])('refuses %s with its path', (value) => {
    let error: unknown;
    try {
      resolveBreakerOptions({ consecutiveFailures: value } as unknown as BreakerOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['breaker.consecutiveFailures']);
  });

  it('defaults to 3 and takes false for off', () => {
    expect(resolveBreakerOptions({}).consecutiveFailures).toBe(3);
    expect(resolveBreakerOptions({ consecutiveFailures: false }).consecutiveFailures).toBe(Number.POSITIVE_INFINITY);
    expect(resolveBreakerOptions({ consecutiveFailures: 1 }).consecutiveFailures).toBe(1);
  });
});
