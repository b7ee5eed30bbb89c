// How long to wait before trying a route again: exponential backoff with jitter (AWS, "Exponential
// Backoff and Jitter", https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/),
// or the time the backend asked for. Whether a retry is safe at all is the engine's question.
import type { ResolvedRetry } from '../policy-options.js';
import type { CallPolicy } from './call-policy.js';

/**
 * The backend's own retry time on an error (`retryAfterMs`, as `RetryAfterError` and
 * `NotExecutedError` carry it, or a handler put it from an HTTP `Retry-After`), in ms; undefined
 * when it gave none, or one that is not a number ≥ 0 (NaN, negative, a string): then the backoff
 * decides. Read once, guarded: reading a handler's error must never throw out of the router.
 */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  let ms: unknown;
  try {
    ms = (error as { retryAfterMs?: unknown }).retryAfterMs;
  } catch {
    return undefined;
  }
  return typeof ms === 'number' && ms >= 0 ? ms : undefined;
}

/** A random draw in [0, 1): the option's, kept in range whatever it returns. */
function draw(random: () => number): number {
  let r: number;
  try {
    r = random();
  } catch {
    return Math.random();
  }
  return typeof r === 'number' && r >= 0 && r < 1 ? r : Math.random();
}

/**
 * The wait before retry `n` (1 for the first), given the previous wait; undefined when the
 * backend asked for longer than `maxMs` (Infinity included): it said "not now", and holding the
 * person that long is not a retry, so the call moves on.
 */
export function retryDelay(retry: ResolvedRetry, n: number, previous: number, error: unknown): number | undefined {
  const asked = retryAfterOf(error);
  if (asked !== undefined) return asked <= retry.maxMs ? asked : undefined;
  const { baseMs, maxMs } = retry;
  // 2^n past 2^30 only ever hits the cap: no Infinity, no NaN from Infinity × 0.
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(n, 30));
  switch (retry.jitter) {
    case 'none':
      return Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 30));
    case 'full':
      return Math.floor(draw(retry.random) * exponential);
    case 'decorrelated': {
      // Between base and three times the last wait: spread like full jitter, growing from what
      // was actually waited rather than from the try's number.
      const last = Math.max(previous, baseMs);
      return Math.min(maxMs, Math.floor(baseMs + draw(retry.random) * (last * 3 - baseMs)));
    }
  }
}

/**
 * The wait before one more try of route `index`, counted as taken; undefined when none is left,
 * the backend asked for too long, or the wait would pass the call's deadline.
 */
export function takeRetry(policy: CallPolicy, index: number, error: unknown, now: number): number | undefined {
  const retry = policy.retry as ResolvedRetry;
  const n = policy.triesOn(index) + 1;
  if (n > retry.maxRetries) return undefined;
  const wait = retryDelay(retry, n, policy.lastWait, error);
  // A wait that would end past the deadline is not taken: the call moves on while it has time.
  if (wait === undefined || !policy.fits(now, wait)) return undefined;
  policy.countTry(index);
  policy.lastWait = wait;
  return wait;
}

/** What a retry asks of the engine. */
export interface RetryHost {
  /** The route may be tried now for this call: not disposed, not skipped by route-checks. */
  /** `never`: the executor's own route and call, handed back unchanged (see HedgeHost.startNext). */
  usable(route: never, call: never): boolean;
}

/**
 * After a failure that is safe to try again: the same route again when the policy allows one
 * more and the wait fits, at once for a zero wait (undefined, with `call.next` back on the
 * route), else after it (null: the call waits). Undefined otherwise: the call moves on.
 */
export function retryStep(
  host: RetryHost,
  policy: CallPolicy,
  route: { readonly index: number },
  call: { next: number; readonly cancelledBy: unknown; readonly expired: boolean },
  error: unknown,
): undefined | null {
  // An open breaker (or anything else that makes the route unusable now) ends the retries.
  if (call.cancelledBy || call.expired || !host.usable(route as never, call as never)) return undefined;
  const wait = takeRetry(policy, route.index, error, Date.now());
  if (wait === undefined) return undefined;
  call.next = route.index;
  if (wait === 0) return undefined;
  policy.sleep(wait);
  return null;
}
