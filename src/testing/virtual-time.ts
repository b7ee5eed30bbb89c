import FakeTimers from '@sinonjs/fake-timers';
import { ConfigError } from '../errors.js';
import { type TimeInput, toMs } from '../outages.js';
import type { Clock } from '../router.js';

export interface VirtualTimeOptions {
  /** Where virtual time starts: a Date, an ISO 8601 date-time or epoch ms. @default 0 (1970) */
  now?: TimeInput;
}

/**
 * Fake timers and the router's clock, installed together so they agree: opossum's reset timers,
 * the router's timeouts and outage expiry, your handlers' `setTimeout`s and opening hours all
 * follow one virtual "now". Promises and `queueMicrotask` stay real, so `await` works.
 */
export interface VirtualTime {
  /** Pass it as `createRouter({ clock })`. */
  readonly clock: Clock;
  /** Virtual epoch ms. */
  now(): number;
  /** Runs every timer due in the next `ms`, letting promises settle between them. */
  advance(ms: number): Promise<void>;
  /** Advances to an instant (no-op if it is past). */
  advanceTo(at: TimeInput): Promise<void>;
  /**
   * Advances in steps until `promise` settles, and returns its value. Throws if it has not
   * settled after `limitMs` of virtual time (a handler that hangs without a timeout).
   */
  settle<T>(promise: Promise<T>, options?: { stepMs?: number; limitMs?: number }): Promise<T>;
  /** Timers still pending: 0 after a router's `dispose()` when nothing else runs. */
  pendingTimers(): number;
  /** Gives the real timers back. Idempotent. */
  uninstall(): void;
  readonly installed: boolean;
}

function toEpoch(at: TimeInput, path: string): number {
  // Anything else (a bigint, an object from untyped code) is refused, not read as a date string.
  const t = at instanceof Date || typeof at === 'string' || typeof at === 'number' ? toMs(at) : Number.NaN;
  if (!Number.isFinite(t)) {
    throw new ConfigError('virtual time', [
      {
        path,
        message: `expected a Date, an ISO 8601 date-time or epoch ms, got ${typeof at === 'string' ? JSON.stringify(at) : String(at)}`,
      },
    ]);
  }
  return t;
}

/**
 * Installs fake timers (`@sinonjs/fake-timers`, the library vitest itself uses) on the global
 * timers and `Date`. Call `uninstall()` when done (createTestRouter does it after each test).
 * @example
 * const time = useVirtualTime({ now: '2018-04-09T09:00:00+02:00' });
 * const router = createRouter({ catalog, handlers, clock: time.clock });
 * await time.advance(30_000); // the breaker half-opens
 */
export function useVirtualTime(options: VirtualTimeOptions = {}): VirtualTime {
  const start = toEpoch(options.now ?? 0, 'now');
  // Only the timers and Date: faking promises or queueMicrotask would stop `await` itself.
  const fake = FakeTimers.install({
    now: start,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  let installed = true;
  const now = () => fake.now;
  const advance = async (ms: number) => {
    if (!installed) throw new ConfigError('virtual time', [{ path: '', message: 'already uninstalled' }]);
    if (!(Number.isFinite(ms) && ms >= 0)) {
      throw new ConfigError('virtual time', [{ path: 'ms', message: `expected a number of ms ≥ 0, got ${ms}` }]);
    }
    await fake.tickAsync(ms);
  };
  return {
    clock: Object.freeze({ now }),
    now,
    advance,
    async advanceTo(at) {
      const t = toEpoch(at, 'at');
      if (t > fake.now) await advance(t - fake.now);
    },
    async settle<T>(promise: Promise<T>, settleOptions: { stepMs?: number; limitMs?: number } = {}): Promise<T> {
      const step = settleOptions.stepMs ?? 100;
      const limit = settleOptions.limitMs ?? 3_600_000;
      let done = false;
      const watched = promise.then(
        (value) => {
          done = true;
          return value;
        },
        (error: unknown) => {
          done = true;
          throw error;
        },
      );
      // Let a promise that needs no timer settle before time moves at all.
      await fake.tickAsync(0);
      for (let spent = 0; !done; spent += step) {
        if (spent >= limit) throw new Error(`virtual time: still pending after ${limit} ms of virtual time`);
        await fake.tickAsync(step);
      }
      return watched;
    },
    pendingTimers: () => fake.countTimers(),
    uninstall() {
      if (!installed) return;
      installed = false;
      fake.uninstall();
    },
    get installed() {
      return installed;
    },
  };
}
