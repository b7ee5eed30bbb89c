import { describe, expect, it } from 'vitest';
import type { ResolvedRetry } from '../policy-options.js';
import { retryAfterOf, retryDelay } from './retry.js';

const retry = (o: Partial<ResolvedRetry>): ResolvedRetry => ({
  maxRetries: 3,
  baseMs: 100,
  maxMs: 5_000,
  jitter: 'none',
  random: () => 0.5,
  ...o,
});

describe('retryDelay', () => {
  it('none: baseMs doubling, capped at maxMs, even for a huge try number', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(retry({}), n, 0, undefined))).toEqual([100, 200, 400, 800]);
    expect(retryDelay(retry({}), 1_000, 0, undefined)).toBe(5_000);
  });

  it('full: a draw up to min(maxMs, baseMs·2ⁿ), never NaN or Infinity', () => {
    expect(retryDelay(retry({ jitter: 'full' }), 1, 0, undefined)).toBe(100);
    expect(retryDelay(retry({ jitter: 'full', random: () => 0 }), 5, 0, undefined)).toBe(0);
    expect(retryDelay(retry({ jitter: 'full', random: () => 0.999 }), 1_000, 0, undefined)).toBeLessThan(5_000);
  });

  it('decorrelated: between baseMs and three times the last wait, capped', () => {
    expect(retryDelay(retry({ jitter: 'decorrelated', random: () => 0 }), 2, 400, undefined)).toBe(100);
    expect(retryDelay(retry({ jitter: 'decorrelated', random: () => 0.999 }), 2, 400, undefined)).toBe(1_198);
    expect(retryDelay(retry({ jitter: 'decorrelated', random: () => 0.999 }), 9, 4_000, undefined)).toBe(5_000);
  });

  it('a random source that throws or answers out of [0, 1) falls back to Math.random', () => {
    for (const random of [
      () => Number.NaN,
      () => 2,
      () => -1,
      () => 'x' as unknown as number,
      () => {
        throw new Error('x');
      },
    ]) {
      const wait = retryDelay(retry({ jitter: 'full', random }), 3, 0, undefined) as number;
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(800);
    }
  });

  it("the backend's retry time wins when it is a number ≥ 0 and within maxMs", () => {
    expect(retryDelay(retry({}), 1, 0, { retryAfterMs: 1_234 })).toBe(1_234);
    expect(retryDelay(retry({}), 1, 0, { retryAfterMs: 0 })).toBe(0);
    expect(retryDelay(retry({}), 1, 0, { retryAfterMs: 5_001 })).toBeUndefined();
    expect(retryDelay(retry({}), 1, 0, { retryAfterMs: Number.POSITIVE_INFINITY })).toBeUndefined();
    for (const bad of [Number.NaN, -1, '100', null])
      expect(retryDelay(retry({}), 1, 0, { retryAfterMs: bad })).toBe(100);
  });

  it('reading retryAfterMs never throws, whatever was thrown', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no');
        },
      },
    );
    expect(retryAfterOf(hostile)).toBeUndefined();
    expect(retryAfterOf(null)).toBeUndefined();
    expect(retryAfterOf('503')).toBeUndefined();
  });
});
