// opossum's surface, as used here: opossum 9 ships no type declarations and @types/opossum
// describes opossum 8, so the part used is declared here, and every breaker is made here.
import OpossumModule from 'opossum';
import type { ResolvedBreakerOptions } from './options.js';
import type { BucketRotation } from './rotation.js';
import type { BreakerHooks } from './route-breaker.js';

/** The part of opossum 9's `CircuitBreaker` used here (lib/circuit.js). */
export interface Opossum {
  fire(...args: unknown[]): Promise<unknown>;
  readonly closed: boolean;
  readonly opened: boolean;
  readonly halfOpen: boolean;
  readonly pendingClose: boolean;
  readonly stats: { fires: number; failures: number; successes: number };
  readonly status: object;
  open(): void;
  close(): void;
  shutdown(): void;
  on(event: 'open' | 'halfOpen' | 'close' | 'success' | 'failure', listener: () => void): unknown;
}

const CircuitBreaker = OpossumModule as unknown as new (
  action: (...args: never[]) => Promise<unknown>,
  options: Record<string, unknown>,
) => Opossum;

/** The argument of a replayed failure (see breaker.ts): never reaches the handler. */
export const REPLAYED = Symbol('secours.replayed');

/**
 * An opossum breaker set up for scale: no interval of its own (the shared rotation), no
 * snapshots, no percentiles, no timeout timer (the router enforces timeouts).
 */
export function newOpossum<A>(
  name: string,
  o: ResolvedBreakerOptions,
  rotation: BucketRotation,
  hooks: BreakerHooks<A>,
): Opossum {
  const cb = new CircuitBreaker(
    (attempt: A | typeof REPLAYED) => {
      // A replayed failure throws at once: opossum's catch runs its fail() synchronously.
      if (attempt === REPLAYED) throw REPLAYED;
      return hooks.action(attempt);
    },
    {
      name,
      // The router enforces timeouts: one shared timer per timeout value, not one per call.
      timeout: false,
      errorThresholdPercentage: o.errorThresholdPercentage,
      volumeThreshold: o.volumeThreshold,
      resetTimeout: o.resetTimeout,
      rollingCountTimeout: o.rollingCountTimeout,
      rollingCountBuckets: o.rollingCountBuckets,
      // Percentiles cost with the traffic in the window; snapshots run an interval each.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      // No interval of its own: the shared rotation (opossum calls listenerCount, on and removeListener).
      rotateBucketController: rotation,
      // opossum passes the fired arguments after the error.
      errorFilter: (error: unknown, attempt: unknown) => attempt !== REPLAYED && hooks.isRejection(error, attempt as A),
    },
  );
  cb.on('open', () => hooks.onState('open'));
  cb.on('halfOpen', () => hooks.onState('half-open'));
  cb.on('close', () => hooks.onState('closed'));
  return cb;
}
