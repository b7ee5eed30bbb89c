// The engine of one router: its state and its parts, wired together. Each part knows the others
// only through the small host interface it declares.
import type { AnyCatalog, Channel } from '../catalog.js';
import { Deadlines } from '../deadlines.js';
import { InvalidInputError, RouterDisposedError, UnknownOperationError } from '../errors.js';
import type { RouterEvents } from '../events.js';
import { SafeEmitter } from '../internal/safe-emitter.js';
import { type CallContext, type Plan, type ResolvedRouterOptions, type RouteRef, readClock } from '../options.js';
import type { Outage, OutageInput } from '../outages.js';
import type { Outcome } from '../outcome.js';
import { channelSnapshot, type RouteView, type Snapshot, type SnapshotInput } from '../snapshot.js';
import { type StandardSchemaV1, validateSync } from '../standard-schema.js';
import type { AttemptRun } from './attempt.js';
import { Breakers } from './breakers.js';
import { type Call, parseCall } from './call.js';
import { Executor } from './execute.js';
import { OutageState } from './outage-state.js';
import { planCall } from './plan.js';
import { Referrals } from './referral.js';
import { setRemoteDown } from './remote-down.js';
import { OpeningHours } from './route-checks.js';
import { SignalWatch } from './signals.js';
import { buildOperations, type OperationState } from './state.js';
import { StatusStore } from './status-store.js';

export class Engine {
  readonly events = new SafeEmitter<RouterEvents>();
  readonly catalog: AnyCatalog;
  readonly deadlines = new Deadlines();
  readonly operations: ReadonlyMap<string, OperationState>;
  readonly hours = new OpeningHours();
  readonly signals = new SignalWatch();
  readonly breakers: Breakers;
  readonly referrals: Referrals;
  readonly timeout: number;
  readonly classify: ResolvedRouterOptions['classify'];
  disposed = false;
  private readonly options: ResolvedRouterOptions;
  private readonly channelIds: string[];
  /** Each operation's routes, as the snapshot reads them. */
  private readonly routeViews = new Map<string, readonly RouteView[]>();
  /** Each channel's routes, whichever operation they serve: a channel's status reads them. */
  private readonly routesByChannel = new Map<string, RouteView[]>();
  private readonly outages: OutageState;
  private readonly store: StatusStore;
  private readonly executor: Executor;
  private clockWarned = false;

  constructor(options: ResolvedRouterOptions) {
    this.options = options;
    this.catalog = options.catalog;
    this.timeout = options.breaker.timeout;
    this.classify = options.classify;
    this.channelIds = Object.keys(this.catalog.channels);
    this.operations = buildOperations(this.catalog, options.handlers, options.inputs, options.scopes);
    for (const [id, op] of this.operations) {
      this.routeViews.set(id, op.routes);
      for (const route of op.routes) {
        const list = this.routesByChannel.get(route.channel);
        if (list) list.push(route);
        else this.routesByChannel.set(route.channel, [route]);
      }
    }
    const engine = this;
    const invalidate = () => this.store.invalidate();
    this.breakers = new Breakers(options.breaker, options.scopes, {
      operations: this.operations,
      get disposed() {
        return engine.disposed;
      },
      now: () => this.now(),
      emit: (event, arg) => this.events.emit(event, arg),
      invalidate,
    });
    this.outages = new OutageState({
      catalog: this.catalog,
      operations: this.operations,
      get disposed() {
        return engine.disposed;
      },
      now: () => this.now(),
      emit: (event, arg) => this.events.emit(event, arg),
      releaseHeld: (route) => this.breakers.releaseHeld(route),
      invalidate,
    });
    this.store = new StatusStore({
      now: () => this.now(),
      statusInput: () => this.statusInput(),
      beforeRead: () => this.outages.refresh(),
      onSnapshot: (snapshot) => this.events.emit('snapshot', snapshot),
      onListenerError: (error) => this.events.warn('listener-threw', 'A snapshot listener threw', error),
    });
    this.referrals = new Referrals(
      {
        resetTimeout: options.breaker.resetTimeout,
        now: () => this.now(),
        version: () => this.store.version,
        refreshOutages: () => this.outages.refresh(),
        channelStatus: (channel) =>
          channelSnapshot(
            this.routesByChannel.get(channel) ?? [],
            this.outages.channelOutage.get(channel),
            options.scopes.majorOutageShare,
          ).status,
      },
      this.hours,
    );
    this.executor = new Executor(this);
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

  execute(operation: string, input: unknown, ctx: CallContext | undefined): Promise<Outcome> {
    return this.executor.execute(operation, input, ctx);
  }

  plan(operation: string, ctx: CallContext | undefined): Plan {
    if (this.disposed) throw new RouterDisposedError('plan');
    const call = this.parse(operation, ctx, 'plan');
    this.outages.refresh();
    return planCall(call, this.hours, this.referrals, () => this.now());
  }

  parse(operation: string, ctx: CallContext | undefined, method: string): Call {
    const op = typeof operation === 'string' ? this.operations.get(operation) : undefined;
    if (!op) throw new UnknownOperationError(String(operation), [...this.operations.keys()]);
    return parseCall(op, ctx, method, this.catalog.channels as Record<string, Channel>, this.channelIds);
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

  declareOutage(input: OutageInput): Outage {
    return this.outages.declare(input);
  }

  endOutage(id: string): Outage | undefined {
    return this.outages.end(id);
  }

  setRemoteDown(source: string, routes: readonly RouteRef[]): void {
    if (this.disposed) throw new RouterDisposedError('setRemoteDown');
    if (setRemoteDown(this.operations, source, routes, this.now())) this.store.invalidate();
  }

  private statusInput(): SnapshotInput {
    return {
      channelIds: this.channelIds,
      operations: this.routeViews,
      channelOutage: this.outages.channelOutage,
      outages: this.outages.outages.current(this.now()),
      majorOutageShare: this.options.scopes.majorOutageShare,
    };
  }

  getSnapshot = (): Snapshot => this.store.get();

  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);

  /** Stops every timer and breaker and cancels calls in flight (they end as outcomes). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
    this.outages.dispose();
    for (const entry of this.deadlines.pending()) (entry as AttemptRun).cancel('dispose');
    this.deadlines.clear();
    this.breakers.dispose();
    this.events.clear();
  }
}
