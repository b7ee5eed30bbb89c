import type { BreakerOptions } from '../breaker/options.js';
import type { AnyCatalog } from '../catalog.js';
import { type Classify, createRouter, type Handlers, type Router } from '../router.js';
import { type ChaosController, createChaos } from './chaos.js';
import { useVirtualTime, type VirtualTime } from './virtual-time.js';

export interface TestRouterOptions<C extends AnyCatalog, H extends Handlers<C>> {
  catalog: C;
  /** Your handlers; the chaos controller wraps them. @default {} */
  handlers?: H;
  breaker?: BreakerOptions;
  classify?: Classify;
  /** Seed for the chaos controller. @default 1 */
  seed?: number;
  /**
   * Where virtual time starts (Date, ISO 8601 or epoch ms), or `false` to keep real timers.
   * @default '2026-01-05T10:00:00+01:00' (a Monday morning in Paris: offices open)
   */
  now?: Date | string | number | false;
}

export interface TestRouter<C extends AnyCatalog, H extends Handlers<C>> {
  readonly router: Router<C, H>;
  readonly chaos: ChaosController<C>;
  /** Undefined when `now: false`. */
  readonly time: VirtualTime | undefined;
  /**
   * `router.execute` in virtual time: advances until the call settles (a timeout, a slow
   * backend), so tests need not tick by hand.
   */
  execute: Router<C, H>['execute'];
  /** Disposes the router and gives the real timers back. Idempotent; run after each test by `secours/testing/vitest`. */
  dispose(): void;
}

// On globalThis, so that `secours/testing` and `secours/testing/vitest` share it even if a
// bundler or two module systems load two copies.
const REGISTRY = Symbol.for('secours.testing.routers');
type Registry = Set<{ dispose(): void }>;
function registry(): Registry {
  const g = globalThis as { [REGISTRY]?: Registry };
  g[REGISTRY] ??= new Set();
  return g[REGISTRY];
}

/** Disposes every test router still alive, newest first. `secours/testing/vitest` calls it after each test. */
export function disposeTestRouters(): void {
  const live = [...registry()].reverse();
  for (const t of live) t.dispose();
}

/**
 * A router, a chaos controller and virtual time in one call: the common case of a test.
 * @example
 * const { router, chaos, execute } = createTestRouter({ catalog, handlers });
 * chaos.down('app');
 * expect(await execute('transfer', input)).toBeServedBy('web');
 */
export function createTestRouter<const C extends AnyCatalog, H extends Handlers<C> = Handlers<C>>(
  options: TestRouterOptions<C, H>,
): TestRouter<C, H> {
  const chaos = createChaos(options.catalog, options.seed === undefined ? {} : { seed: options.seed });
  const time = options.now === false ? undefined : useVirtualTime({ now: options.now ?? '2026-01-05T10:00:00+01:00' });
  let router: Router<C, H>;
  try {
    router = createRouter({
      catalog: options.catalog,
      handlers: chaos.wrap((options.handlers ?? {}) as H),
      ...(options.breaker ? { breaker: options.breaker } : {}),
      ...(options.classify ? { classify: options.classify } : {}),
      ...(time ? { clock: time.clock } : {}),
    }) as Router<C, H>;
  } catch (error) {
    time?.uninstall();
    throw error;
  }
  const live = registry();
  const t: TestRouter<C, H> = {
    router,
    chaos,
    time,
    execute: ((operation: string, input: unknown, ctx?: object) => {
      const call = (router.execute as (o: string, i: unknown, c?: object) => Promise<unknown>)(operation, input, ctx);
      return time ? time.settle(call) : call;
    }) as Router<C, H>['execute'],
    dispose() {
      if (!live.has(t)) return;
      live.delete(t);
      router.dispose();
      time?.uninstall();
    },
  };
  live.add(t);
  return t;
}
