// The engine of one router: its state and its parts, wired together. Each part knows the others
// only through the small host interface it declares.
import { describeValue } from '../call-context.js';
import type { AnyCatalog, Channel } from '../catalog.js';
import { Deadlines } from '../deadlines.js';
import { InvalidInputError, RouterDisposedError, UnknownOperationError } from '../errors.js';
import type { RouterEvents } from '../events.js';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locale.js';
import { wordsFor } from '../i18n/words.js';
import { type Arg, SafeEmitter } from '../internal/safe-emitter.js';
import { type CallContext, type Plan, type ResolvedRouterOptions, type RouteRef, readClock } from '../options.js';
import { type ChannelStatus, channelSnapshot, type RouteView, type Snapshot, type SnapshotInput } from '../snapshot.js';
import { type StandardSchemaV1, validateSync } from '../standard-schema.js';
import { Breakers, type BreakersHost } from './breakers.js';
import { type Call, parseCall } from './call.js';
import { type ExecuteHost, Executor } from './execute.js';
import type { Instrumentation, Instrumented } from './instrumentation.js';
import { NextChangeTimer, nextHoursChange } from './next-change.js';
import { type OutageHost, OutageState } from './outage-state.js';
import { planCall } from './plan.js';
import { Probes } from './probes.js';
import { type ReferralHost, Referrals } from './referral.js';
import { setRemoteAutomated, setRemoteDown } from './remote-down.js';
import { OpeningHours } from './route-checks.js';
import { SignalWatch } from './signals.js';
import { buildOperations, type OperationState, type RouteState } from './state.js';
import { StatusStore, type StatusStoreHost } from './status-store.js';

/** Every entry in the deadline queues: a run, a call's deadline, a retry's wait, a hedge timer. */
interface Cancellable {
  cancel(by: 'dispose'): void;
}

/**
 * The engine is each part's host: the parts see it only through the interface each declares.
 */
export class Engine implements BreakersHost, OutageHost, StatusStoreHost, ReferralHost, ExecuteHost {
  readonly events = new SafeEmitter<RouterEvents>();
  declare readonly catalog: AnyCatalog;
  /** A call's locale when it names none: the catalogue's `defaultLocale`, else 'fr'. */
  declare private readonly locale: Locale;
  readonly deadlines = new Deadlines();
  declare readonly operations: ReadonlyMap<string, OperationState>;
  readonly hours = new OpeningHours();
  readonly signals = new SignalWatch();
  declare readonly breakers: Breakers;
  /** Infinite without a bulkhead. */
  declare readonly maxConcurrent: number;
  declare readonly maxQueued: number;
  declare readonly referrals: Referrals;
  declare readonly timeout: number;
  declare readonly slowCallMs: number;
  declare readonly resetTimeout: number;
  declare readonly classify: ResolvedRouterOptions['classify'];
  disposed = false;
  declare private readonly options: ResolvedRouterOptions;
  declare private readonly channelIds: string[];
  /** Each operation's routes, as the snapshot reads them. */
  private readonly routeViews = new Map<string, readonly RouteView[]>();
  /** Each channel's routes, whichever operation they serve: a channel's status reads them. */
  private readonly routesByChannel = new Map<string, RouteView[]>();
  declare readonly outages: OutageState;
  declare readonly store: StatusStore;
  /** execute's own part: `router.execute` calls it directly. */
  declare readonly executor: Executor;
  /** The one timer for changes by time alone (hours, outages starting or ending). */
  declare private readonly nextChange: NextChangeTimer;
  declare private readonly probes: Probes;
  private clockWarned = false;

  constructor(options: ResolvedRouterOptions) {
    const engine = this;
    this.options = options;
    this.catalog = options.catalog;
    this.locale = options.catalog.defaultLocale ?? DEFAULT_LOCALE;
    this.timeout = options.breaker.timeout;
    this.slowCallMs = options.breaker.slowCallMs;
    this.resetTimeout = options.breaker.resetTimeout;
    this.classify = options.classify;
    this.channelIds = Object.keys(this.catalog.channels);
    this.operations = buildOperations(this.catalog, options.handlers, options.inputs, options.scopes, options.policies);
    for (const [id, op] of this.operations) {
      this.routeViews.set(id, op.routes);
      for (const route of op.routes) {
        const list = this.routesByChannel.get(route.channel);
        if (list) list.push(route);
        else this.routesByChannel.set(route.channel, [route]);
      }
    }
    this.breakers = new Breakers(options.breaker, options.scopes, this);
    this.maxConcurrent = options.breaker.maxConcurrent;
    this.maxQueued = options.breaker.maxQueued;
    this.outages = new OutageState(this);
    this.nextChange = new NextChangeTimer({
      get disposed() {
        return engine.disposed;
      },
      now: () => this.now(),
      changed: () => {
        this.outages.refresh();
        this.store.invalidate();
      },
    });
    this.store = new StatusStore(this);
    this.referrals = new Referrals(this, this.hours, wordsFor(options.messages, this.catalog.defaultLocale));
    this.executor = new Executor(this);
    this.probes = new Probes(options.probe, options.breaker.consecutiveFailures, {
      operations: this.operations,
      get disposed() {
        return engine.disposed;
      },
      now: () => this.now(),
      heldByOutage: (channel) => this.heldByOutage(channel),
      breakerOf: (route) => this.breakers.breakerOf(route),
      emit: (event, arg) => this.events.emit(event, arg),
    });
  }

  /** A declared outage covers the whole channel, or every route on it. */
  private heldByOutage(channel: string): boolean {
    this.outages.refresh();
    if (this.outages.channelOutage.has(channel)) return true;
    const routes = this.routesByChannel.get(channel);
    return routes !== undefined && routes.length > 0 && routes.every((r) => r.blockedBy !== undefined);
  }

  /**
   * The injected clock, checked: a clock that starts answering NaN, Infinity or a non-number
   * (or throws) is a programmer error that must not turn into a RangeError in the middle of a
   * call. The engine warns once (`clock-invalid`) and reads Date.now instead until the clock
   * answers sensibly again.
   */
  now(): number {
    const t = readClock(this.options.clock);
    if (t !== undefined) return t;
    if (!this.clockWarned) {
      this.clockWarned = true;
      this.events.warn(
        'clock-invalid',
        'The clock option returned something other than epoch ms; Date.now is used instead',
      );
    }
    return Date.now();
  }

  plan(operation: string, ctx: CallContext | undefined): Plan {
    if (this.disposed) throw new RouterDisposedError('plan');
    const call = this.parse(operation, ctx, 'plan');
    this.outages.refresh();
    return planCall(call, this.hours, this.referrals, () => this.now());
  }

  parse(operation: string, ctx: CallContext | undefined, method: string): Call {
    const op = typeof operation === 'string' ? this.operations.get(operation) : undefined;
    if (!op) {
      // describeValue, not String(): an object whose toString throws is still an unknown operation.
      const name =
        typeof operation === 'string' || typeof operation === 'symbol' ? String(operation) : describeValue(operation);
      throw new UnknownOperationError(name, [...this.operations.keys()]);
    }
    return parseCall(op, ctx, method, this.catalog.channels as Record<string, Channel>, this.channelIds, this.locale);
  }

  validate(op: OperationState, input: unknown): unknown {
    if (!op.schema) return input;
    const result = validateSync(op.schema as StandardSchemaV1, input);
    if (result.issues) throw new InvalidInputError(op.id, result.issues);
    return result.value;
  }

  refreshOutages(): void {
    this.outages.refresh();
  }

  refreshStatus(): void {
    this.outages.refresh();
    // Read with the snapshot only, not on each call: the clock is asked once more per read.
    if (this.nextChange.stale(this.now())) this.store.invalidate();
  }

  markSlow(route: RouteState, slow: boolean): void {
    if (route.slow === slow) return;
    route.slow = slow;
    this.store.invalidate();
  }

  setRemoteDown(source: string, routes: readonly RouteRef[]): void {
    if (this.disposed) throw new RouterDisposedError('setRemoteDown');
    if (setRemoteDown(this.operations, source, routes, this.now())) this.store.invalidate();
  }

  setRemoteAutomated(routes: readonly RouteRef[]): void {
    if (this.disposed) throw new RouterDisposedError('setRemoteAutomated');
    // The version moves: referrals kept from before are stale.
    if (setRemoteAutomated(this.operations, routes)) this.store.invalidate();
  }

  /** Installs telemetry hooks, or removes them given undefined (see instrumentation.ts). */
  instrument(hooks: Instrumentation | undefined): Instrumented {
    this.executor.instrumentation = hooks;
    return this;
  }

  // ---- what the parts ask of their host ----------------------------------------------------

  emit<E extends keyof RouterEvents>(event: E, arg: Arg<RouterEvents, E>): void {
    this.events.emit(event, arg);
  }

  invalidate(): void {
    this.store.invalidate();
  }

  version(): number {
    return this.store.version;
  }

  releaseHeld(route: RouteState): void {
    this.breakers.releaseHeld(route);
  }

  onSnapshot(snapshot: Snapshot): void {
    this.events.emit('snapshot', snapshot);
  }

  onListenerError(error: unknown): void {
    this.events.warn('listener-threw', 'A snapshot listener threw', error);
  }

  channelStatus(channel: string): ChannelStatus {
    const routes = this.routesByChannel.get(channel) ?? [];
    return channelSnapshot(routes, this.outages.channelOutage.get(channel), this.options.scopes.majorOutageShare)
      .status;
  }

  statusInput(): SnapshotInput {
    const now = this.now();
    const channels = this.catalog.channels as Record<string, Channel>;
    const next = Math.min(
      nextHoursChange(channels, this.channelIds, this.hours, now),
      this.outages.outages.nextChange(now),
    );
    // Read by the store each time it computes the status: the timer follows what it shows.
    this.nextChange.arm(next);
    return {
      channelIds: this.channelIds,
      operations: this.routeViews,
      channelOutage: this.outages.channelOutage,
      outages: this.outages.outages.current(now),
      majorOutageShare: this.options.scopes.majorOutageShare,
      nextChangeAt: next,
    };
  }

  /** Stops every timer and breaker and cancels calls in flight (they end as outcomes). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
    this.outages.dispose();
    this.nextChange.stop();
    this.probes.dispose();
    // Runs, call deadlines, retry waits and hedge timers: each cancels what it stands for.
    for (const entry of this.deadlines.pending()) (entry as unknown as Cancellable).cancel('dispose');
    this.deadlines.clear();
    this.breakers.dispose();
    this.events.clear();
  }
}
