// The router: its public face, and createRouter, which checks the options and wires an engine.
import { describeValue } from './call-context.js';
import type { AnyCatalog, ChannelIdOf, OperationIdOf, RouteChannelOf } from './catalog.js';
import { Engine } from './engine/engine.js';
import { INSTRUMENT, type Instrumentation } from './engine/instrumentation.js';
import { ConfigError } from './errors.js';
import type { RouterEvents } from './events.js';
import type { Handlers, InputOf, ValueOf } from './handlers.js';
import {
  type CallContext,
  type Inputs,
  type Plan,
  type RouteRef,
  type RouteRefOf,
  type RouterOptions,
  resolveRouterOptions,
} from './options.js';
import type { Outage, OutageInput } from './outages.js';
import type { Outcome } from './outcome.js';
import type { Snapshot } from './snapshot.js';

export type { Handler, HandlerContext, Handlers, InputOf, ValueOf } from './handlers.js';
export type {
  CallContext,
  Classify,
  Clock,
  ErrorClass,
  Inputs,
  Plan,
  RouteRef,
  RouteRefOf,
  RouterOptions,
} from './options.js';

/** The router's public face, typed by its catalogue and handlers. */
export interface Router<C extends AnyCatalog = AnyCatalog, H extends Handlers<C> = Handlers<C>, S = unknown> {
  /**
   * Runs the operation on its first automated route that works, failing over as its rules
   * allow, and resolves to exactly one outcome. Rejects only for programmer errors and for a
   * handler error classified as `'rejection'`.
   */
  execute<O extends OperationIdOf<C>>(
    operation: O,
    input: InputOf<C, H, O, S>,
    ctx?: CallContext<ChannelIdOf<C>>,
  ): Promise<Outcome<O, RouteChannelOf<C, O>, ValueOf<H, O>>>;
  /** The decision `execute` would take now, without running anything. */
  plan<O extends OperationIdOf<C>>(operation: O, ctx?: CallContext<ChannelIdOf<C>>): Plan<O, RouteChannelOf<C, O>>;
  /** The current status; the same object until something changes. Bound: pass it as is. */
  getSnapshot(): Snapshot<ChannelIdOf<C>, OperationIdOf<C>>;
  /** Calls `listener` once per real change; returns the unsubscribe function. Bound. */
  subscribe(listener: () => void): () => void;
  declareOutage(input: OutageInput<ChannelIdOf<C>, OperationIdOf<C>>): Outage<ChannelIdOf<C>, OperationIdOf<C>>;
  /** Ends an outage now; returns it, or undefined if no such outage is declared. */
  endOutage(id: string): Outage<ChannelIdOf<C>, OperationIdOf<C>> | undefined;
  /**
   * The routes that `source` (a fleet's quorum, a status feed) says are down, replacing what it
   * said before: they are skipped (`'remote'`) and shown down until no source names them. An
   * empty list clears the source. Throws `ConfigError` naming every unknown route.
   */
  setRemoteDown(source: string, routes: readonly RouteRefOf<C>[]): void;
  /**
   * The routes another router runs, replacing the previous list: a page that mirrors a server's
   * status (`connectStatus` calls it) then plans as the server would. `plan()` and referrals
   * count them as automated; `execute` never runs them here. Throws `ConfigError` naming every
   * unknown route.
   */
  setRemoteAutomated(routes: readonly RouteRefOf<C>[]): void;
  on<E extends keyof RouterEvents>(event: E, listener: RouterEvents<OperationIdOf<C>, ChannelIdOf<C>>[E]): this;
  off<E extends keyof RouterEvents>(event: E, listener: RouterEvents<OperationIdOf<C>, ChannelIdOf<C>>[E]): this;
  once<E extends keyof RouterEvents>(event: E, listener: RouterEvents<OperationIdOf<C>, ChannelIdOf<C>>[E]): this;
  /** Stops every timer and breaker and cancels calls in flight (they end as outcomes). */
  dispose(): void;
  readonly isDisposed: boolean;
  readonly catalog: C;
}

/** eventemitter3 throws a bare TypeError for a listener that is not a function. */
function checkListener(method: string, listener: unknown): void {
  if (typeof listener !== 'function')
    throw new ConfigError(method, [{ path: 'listener', message: 'expected a function' }]);
}

/**
 * Creates a router over a catalogue. Throws `ConfigError` listing every problem with the options.
 * @example
 * const router = createRouter({ catalog: laPoste, handlers: { transfer: { app: (input, ctx) => api.transfer(input, ctx) } } });
 */
export function createRouter<
  const C extends AnyCatalog,
  // No default: a default would replace the constraint as the contextual type of handlers.
  H extends Handlers<C>,
  const S extends Inputs<C> = Record<never, never>,
>(options: RouterOptions<C, H, S>): Router<C, H, S> {
  let impl: Engine;
  try {
    impl = new Engine(resolveRouterOptions(options as unknown as RouterOptions<AnyCatalog, Handlers<AnyCatalog>>));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // A getter that throws, a revoked proxy: options that cannot be read are bad options, and
    // the thrown value (maybe an internal message) is not repeated.
    throw new ConfigError('router options', [
      { path: '', message: `could not be read (${describeValue(error)} thrown)` },
    ]);
  }
  const executor = impl.executor;
  const router = {
    execute: (operation: string, input: unknown, ctx?: CallContext) => executor.execute(operation, input, ctx),
    plan: (operation: string, ctx?: CallContext) => impl.plan(operation, ctx),
    getSnapshot: impl.store.get,
    subscribe: impl.store.subscribe,
    declareOutage: (input: OutageInput) => impl.outages.declare(input),
    endOutage: (id: string) => impl.outages.end(id),
    setRemoteDown: (source: string, routes: readonly RouteRef[]) => impl.setRemoteDown(source, routes),
    setRemoteAutomated: (routes: readonly RouteRef[]) => impl.setRemoteAutomated(routes),
    on(event: keyof RouterEvents, listener: (...args: never[]) => void) {
      checkListener('on', listener);
      impl.events.on(event, listener as never);
      return router;
    },
    off(event: keyof RouterEvents, listener: (...args: never[]) => void) {
      impl.events.off(event, listener as never);
      return router;
    },
    once(event: keyof RouterEvents, listener: (...args: never[]) => void) {
      checkListener('once', listener);
      impl.events.once(event, listener as never);
      return router;
    },
    dispose: () => impl.dispose(),
    get isDisposed() {
      return impl.disposed;
    },
    catalog: options.catalog,
    // Internal: how `secours/otel` reaches the engine (see engine/instrumentation.ts).
    [INSTRUMENT]: (hooks: Instrumentation | undefined) => impl.instrument(hooks),
  };
  return router as unknown as Router<C, H, S>;
}
