import type { AnyCatalog, ChannelIdOf, Operation } from '../catalog.js';
import { ConfigError, NotExecutedError } from '../errors.js';
import type { Handler, HandlerContext, Handlers, RouteRefOf } from '../router.js';
import { createRandom, type Random } from './random.js';
import { sleep } from './sleep.js';

/**
 * What a wrapped handler does now. Data, so a scenario file can say it too.
 * - `up`: runs the real handler.
 * - `down`: refuses at once with a `NotExecutedError` (connection refused: certainly not executed).
 * - `slow`: waits `ms`, then runs the real handler (the router's timeout may cut it short).
 * - `flaky`: with probability `rate` fails like `fail`, otherwise runs the real handler.
 * - `hang`: never settles; rejects only when `ctx.signal` aborts (timeout, caller, dispose).
 * - `fail`: rejects with `error` (default a `ChaosError`): an ambiguous failure, so a
 *   non-idempotent operation ends `uncertain`.
 * - `not-executed`: rejects with a `NotExecutedError` after `ms` (default 0): the backend answered
 *   that it did nothing (a 503 before any work), so even a non-idempotent call fails over.
 */
export type Behaviour =
  | { readonly kind: 'up' }
  | { readonly kind: 'down' }
  | { readonly kind: 'slow'; readonly ms: number }
  | { readonly kind: 'flaky'; readonly rate: number; readonly error?: unknown }
  | { readonly kind: 'hang' }
  | { readonly kind: 'fail'; readonly error?: unknown }
  | { readonly kind: 'not-executed'; readonly ms?: number };

export type BehaviourKind = Behaviour['kind'];

/** A channel (every operation on it) or one route (an operation on a channel). */
export type ChaosTarget<C extends AnyCatalog = AnyCatalog> = ChannelIdOf<C> | RouteRefOf<C>;

/** The failure `fail` and `flaky` inject unless given another. Not a secours error: it stands for the backend's. */
export class ChaosError extends Error {
  override readonly name = 'ChaosError';
  readonly code = 'ERR_SECOURS_CHAOS';
  constructor(
    readonly operation: string,
    readonly channel: string,
    readonly behaviour: BehaviourKind,
  ) {
    super(`chaos: \`${operation}\` on \`${channel}\` failed (${behaviour})`);
  }
}

/** Calls that reached a wrapped handler, and how many of them ran the real handler. */
export interface ChaosCount {
  readonly calls: number;
  readonly executed: number;
}

export interface ChaosOptions {
  /** Seed for `flaky`. @default 1 */
  seed?: number;
}

export interface ChaosController<C extends AnyCatalog = AnyCatalog> {
  /** The seed every random choice comes from. */
  readonly seed: number;
  /** Returns handlers of the same shape whose behaviour this controller switches at run time. */
  wrap<H extends Handlers<C>>(handlers: H): H;
  /** Sets a behaviour; a route's own setting beats its channel's. */
  set(target: ChaosTarget<C>, behaviour: Behaviour): this;
  down(target: ChaosTarget<C>): this;
  /**
   * Back to the real handler. On a channel it clears the channel's setting and those of its
   * routes; on a route it overrides its channel's setting for that route only.
   */
  up(target: ChaosTarget<C>): this;
  slow(target: ChaosTarget<C>, ms: number): this;
  flaky(target: ChaosTarget<C>, rate: number, error?: unknown): this;
  hang(target: ChaosTarget<C>): this;
  fail(target: ChaosTarget<C>, error?: unknown): this;
  notExecuted(target: ChaosTarget<C>, ms?: number): this;
  /** Every route back to its real handler; counts kept. */
  reset(): this;
  /** What a call on this route does now. */
  behaviourOf(operation: string, channel: string): Behaviour;
  /** Calls so far on a route, a channel, or everywhere. */
  count(target?: ChaosTarget<C>): ChaosCount;
}

const UP: Behaviour = Object.freeze({ kind: 'up' });
const key = (operation: string, channel: string) => `${operation}\u0000${channel}`;

function hang(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function checkBehaviour(behaviour: Behaviour): void {
  const bad = (path: string, message: string) => {
    throw new ConfigError('chaos behaviour', [{ path, message }]);
  };
  switch (behaviour?.kind) {
    case 'up':
    case 'down':
    case 'hang':
    case 'fail':
      return;
    case 'slow':
      if (!(Number.isFinite(behaviour.ms) && behaviour.ms >= 0))
        bad('ms', `expected a number of ms ≥ 0, got ${String(behaviour.ms)}`);
      return;
    case 'not-executed':
      if (behaviour.ms !== undefined && !(Number.isFinite(behaviour.ms) && behaviour.ms >= 0)) {
        bad('ms', `expected a number of ms ≥ 0, got ${String(behaviour.ms)}`);
      }
      return;
    case 'flaky':
      if (!(typeof behaviour.rate === 'number' && behaviour.rate >= 0 && behaviour.rate <= 1)) {
        bad('rate', `expected a share between 0 and 1, got ${String(behaviour.rate)}`);
      }
      return;
    default:
      bad('kind', `expected one of: up, down, slow, flaky, hang, fail, not-executed; got ${JSON.stringify(behaviour)}`);
  }
}

/**
 * A chaos controller for a catalogue: wrap the handlers you give the router, then switch any
 * channel or route at run time. Every random choice comes from `seed`.
 * @example
 * const chaos = createChaos(catalog, { seed: 7 });
 * const router = createRouter({ catalog, handlers: chaos.wrap(handlers) });
 * chaos.down('app').flaky({ operation: 'transfer', channel: 'web' }, 0.3);
 */
export function createChaos<const C extends AnyCatalog>(catalog: C, options: ChaosOptions = {}): ChaosController<C> {
  const seed = options.seed ?? 1;
  const root = createRandom(seed);
  const operations = catalog.operations as Record<string, Operation>;
  const channelIds = Object.keys(catalog.channels);
  const byChannel = new Map<string, Behaviour>();
  const byRoute = new Map<string, Behaviour>();
  const randoms = new Map<string, Random>();
  const counts = new Map<string, { operation: string; channel: string; calls: number; executed: number }>();

  /** Validates a target and returns the channel, and the operation when it names a route. */
  const resolve = (target: ChaosTarget): { channel: string; operation?: string } => {
    if (typeof target === 'string') {
      if (!Object.hasOwn(catalog.channels, target)) {
        throw new ConfigError('chaos target', [
          { path: 'target', message: `unknown channel \`${target}\`; known channels: ${channelIds.join(', ')}` },
        ]);
      }
      return { channel: target };
    }
    const op = target && Object.hasOwn(operations, target.operation) ? operations[target.operation] : undefined;
    if (!op) {
      throw new ConfigError('chaos target', [
        {
          path: 'target.operation',
          message: `unknown operation ${JSON.stringify(target?.operation)}; known operations: ${Object.keys(operations).join(', ')}`,
        },
      ]);
    }
    if (!op.routes.some((r) => r.channel === target.channel)) {
      throw new ConfigError('chaos target', [
        {
          path: 'target.channel',
          message: `\`${target.operation}\` has no route on channel ${JSON.stringify(target.channel)}; its routes: ${op.routes.map((r) => r.channel).join(', ')}`,
        },
      ]);
    }
    return { channel: target.channel, operation: target.operation };
  };

  const behaviourOf = (operation: string, channel: string): Behaviour =>
    byRoute.get(key(operation, channel)) ?? byChannel.get(channel) ?? UP;

  const randomOf = (operation: string, channel: string): Random => {
    const k = key(operation, channel);
    let r = randoms.get(k);
    if (!r) {
      // One stream per route: traffic on one route never changes the draws of another.
      r = root.fork(`${operation}/${channel}`);
      randoms.set(k, r);
    }
    return r;
  };

  const wrapOne =
    (operation: string, channel: string, real: Handler): Handler =>
    async (input: unknown, ctx: HandlerContext) => {
      const k = key(operation, channel);
      let count = counts.get(k);
      if (!count) {
        count = { operation, channel, calls: 0, executed: 0 };
        counts.set(k, count);
      }
      count.calls++;
      const b = behaviourOf(operation, channel);
      const runReal = () => {
        (count as { executed: number }).executed++;
        return real(input, ctx);
      };
      switch (b.kind) {
        case 'up':
          return runReal();
        case 'down':
          throw new NotExecutedError(`chaos: \`${channel}\` is down`);
        case 'slow':
          await sleep(b.ms, ctx.signal);
          return runReal();
        case 'flaky':
          if (randomOf(operation, channel).chance(b.rate)) throw b.error ?? new ChaosError(operation, channel, 'flaky');
          return runReal();
        case 'hang':
          return hang(ctx.signal);
        case 'fail':
          throw b.error ?? new ChaosError(operation, channel, 'fail');
        case 'not-executed':
          if (b.ms) await sleep(b.ms, ctx.signal);
          throw new NotExecutedError(`chaos: \`${operation}\` on \`${channel}\` was not executed`);
      }
    };

  const controller: ChaosController<C> = {
    seed,
    wrap<H extends Handlers<C>>(handlers: H): H {
      const out: Record<string, Record<string, Handler>> = {};
      for (const [operation, map] of Object.entries(handlers as Record<string, Record<string, Handler> | undefined>)) {
        if (!map) continue;
        const wrapped: Record<string, Handler> = {};
        for (const [channel, fn] of Object.entries(map)) {
          // Anything else is left for createRouter to report with its path.
          wrapped[channel] = typeof fn === 'function' ? wrapOne(operation, channel, fn) : fn;
        }
        out[operation] = wrapped;
      }
      return out as H;
    },
    set(target, behaviour) {
      const { channel, operation } = resolve(target);
      checkBehaviour(behaviour);
      const frozen = Object.freeze({ ...behaviour }) as Behaviour;
      if (operation === undefined) {
        if (frozen.kind === 'up') {
          byChannel.delete(channel);
          for (const k of [...byRoute.keys()]) if (k.endsWith(`\u0000${channel}`)) byRoute.delete(k);
        } else byChannel.set(channel, frozen);
      } else byRoute.set(key(operation, channel), frozen);
      return this;
    },
    down(target) {
      return this.set(target, { kind: 'down' });
    },
    up(target) {
      return this.set(target, { kind: 'up' });
    },
    slow(target, ms) {
      return this.set(target, { kind: 'slow', ms });
    },
    flaky(target, rate, error) {
      return this.set(target, error === undefined ? { kind: 'flaky', rate } : { kind: 'flaky', rate, error });
    },
    hang(target) {
      return this.set(target, { kind: 'hang' });
    },
    fail(target, error) {
      return this.set(target, error === undefined ? { kind: 'fail' } : { kind: 'fail', error });
    },
    notExecuted(target, ms) {
      return this.set(target, ms === undefined ? { kind: 'not-executed' } : { kind: 'not-executed', ms });
    },
    reset() {
      byChannel.clear();
      byRoute.clear();
      return this;
    },
    behaviourOf,
    count(target) {
      const t = target === undefined ? undefined : resolve(target);
      let calls = 0;
      let executed = 0;
      for (const c of counts.values()) {
        if (t && (c.channel !== t.channel || (t.operation !== undefined && c.operation !== t.operation))) continue;
        calls += c.calls;
        executed += c.executed;
      }
      return { calls, executed };
    },
  };
  return controller;
}
