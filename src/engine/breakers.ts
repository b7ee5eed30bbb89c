// The breakers of a router: a route's own, one per scope on scoped routes (made on a scope's
// first call, dropped once idle and closed), what their state changes mean for the routes, and
// the events that say so.
import { type BreakerOwner, createBreaker } from '../breaker/breaker.js';
import type { ResolvedBreakerOptions } from '../breaker/options.js';
import { BucketRotation } from '../breaker/rotation.js';
import type { BreakerHooks, BreakerState, RouteBreaker } from '../breaker/route-breaker.js';
import type { RouterEvents } from '../events.js';
import type { ResolvedScopeOptions } from '../scopes.js';
import type { AttemptRun } from './attempt.js';
import type { OperationState, RouteState, ScopeSlot, Slot } from './state.js';

export interface BreakersHost {
  readonly operations: ReadonlyMap<string, OperationState>;
  readonly disposed: boolean;
  now(): number;
  emit(event: 'breaker', arg: Parameters<RouterEvents['breaker']>[0]): void;
  invalidate(): void;
}

export class Breakers implements BreakerOwner<AttemptRun, Slot> {
  declare private readonly rotation: BucketRotation;
  declare private sweepTimer: ReturnType<typeof setTimeout> | undefined;

  declare private readonly options: ResolvedBreakerOptions;
  declare private readonly scopeOptions: ResolvedScopeOptions;
  declare private readonly host: BreakersHost;

  constructor(options: ResolvedBreakerOptions, scopeOptions: ResolvedScopeOptions, host: BreakersHost) {
    this.options = options;
    this.scopeOptions = scopeOptions;
    this.host = host;
    this.sweepTimer = undefined;
    this.rotation = new BucketRotation(
      Math.max(1, Math.floor(options.rollingCountTimeout / options.rollingCountBuckets)),
    );
  }

  /** The slot a call uses on a route, made on a scope's first call; see `slotFor` for reads. */
  slotOf(route: RouteState, scope: string | undefined): Slot {
    if (scope === undefined || !route.scoped) return route;
    let slot = route.scopes?.get(scope);
    if (slot) return slot;
    slot = {
      scope,
      route,
      breaker: undefined,
      breakerDownSince: undefined,
      breakerHalfOpen: false,
      halfOpenHeld: false,
      lastUsed: 0,
    };
    route.scopes ??= new Map();
    route.scopes.set(scope, slot);
    this.scheduleSweep();
    // The share of the channel's scopes that are down changed.
    if (this.scopesDownOn(route.channel)) this.host.invalidate();
    return slot;
  }

  /** A breaker that is counters until its first failure: most scopes never fail. */
  breakerOf(slot: Slot): RouteBreaker<AttemptRun> {
    if (slot.breaker) return slot.breaker;
    const breaker = createBreaker<AttemptRun, Slot>(this.options, this.rotation, this, slot);
    breaker.closedOnlyByProbe = routeOfSlot(slot).probeCloses;
    slot.breaker = breaker;
    return breaker;
  }

  breakerName(slot: Slot): string {
    const route = routeOfSlot(slot);
    const scope = (slot as ScopeSlot).scope;
    return scope === undefined ? `${route.op.id}/${route.channel}` : `${route.op.id}/${route.channel}@${scope}`;
  }

  breakerHooks(slot: Slot): BreakerHooks<AttemptRun> {
    const route = routeOfSlot(slot);
    return {
      action: (run) => run.start(),
      // The run is classified when it ends, before opossum reads how.
      isRejection: (_error, run) => run.result === 'rejection',
      onState: (state) => this.onState(route, state, slot),
    };
  }

  /** An outage over `route` ended: breakers that half-opened under it say so now. */
  releaseHeld(route: RouteState): void {
    if (route.halfOpenHeld) this.onState(route, 'half-open', route);
    if (route.scopes)
      for (const slot of route.scopes.values()) if (slot.halfOpenHeld) this.onState(route, 'half-open', slot);
  }

  private onState(route: RouteState, state: BreakerState, slot: Slot): void {
    // An outage holds: the breaker may half-open underneath, but the route stays down and the
    // half-open is announced when the outage ends (see releaseHeld).
    if (state === 'half-open' && route.blockedBy) {
      slot.halfOpenHeld = true;
      return;
    }
    slot.halfOpenHeld = false;
    const now = this.host.now();
    // Half-open is not down (see isDown): a scope counts as down only while its breaker is open.
    const wasDown = slot.breakerDownSince !== undefined && !slot.breakerHalfOpen;
    const wasHalfOpen = slot.breakerHalfOpen;
    if (state === 'closed') slot.breakerDownSince = undefined;
    else slot.breakerDownSince = slot.breakerDownSince ?? now;
    // A breaker only its probe closes is not offered half-open: no person's call is its trial.
    slot.breakerHalfOpen = state === 'half-open' && !route.probeCloses;
    const scope = (slot as ScopeSlot).scope;
    if (scope !== undefined) {
      const down = slot.breakerDownSince !== undefined && !slot.breakerHalfOpen;
      if (down !== wasDown) {
        route.scopesDown += down ? 1 : -1;
        if (route.scopesDown === 0) route.scopesDownSince = undefined;
        else route.scopesDownSince ??= now;
      }
      if (slot.breakerHalfOpen !== wasHalfOpen) route.scopesHalfOpen += slot.breakerHalfOpen ? 1 : -1;
    }
    if (this.host.disposed) return;
    this.host.emit('breaker', {
      operation: route.op.id,
      channel: route.channel,
      state,
      at: new Date(now).toISOString(),
      ...(scope === undefined ? {} : { scope }),
    });
    this.host.invalidate();
  }

  /**
   * Some route on this channel has a scope down. The share the snapshot shows is the channel's,
   * over every operation on it: a scope appearing on one whose own scopes are all closed changes it.
   */
  private scopesDownOn(channel: string): boolean {
    for (const op of this.host.operations.values()) {
      for (const r of op.routes) if (r.scopesDown > 0 && r.channel === channel) return true;
    }
    return false;
  }

  /** Drops the breakers of scopes that are closed and saw no call for `idleEvictMs`. */
  private sweep = (): void => {
    this.sweepTimer = undefined;
    const idleBefore = Date.now() - this.scopeOptions.idleEvictMs;
    let kept = 0;
    for (const op of this.host.operations.values()) {
      for (const route of op.routes) {
        if (!route.scopes) continue;
        for (const [scope, slot] of route.scopes) {
          if (slot.lastUsed > idleBefore || slot.breakerDownSince !== undefined || slot.halfOpenHeld) continue;
          // A new slot for the scope would start a second count beside the calls still on this one.
          if (slot.bulkhead?.inFlight) continue;
          if (slot.breaker && !slot.breaker.closed) continue;
          slot.breaker?.shutdown();
          route.scopes.delete(scope);
          // The share of the channel's scopes that are down changed.
          if (this.scopesDownOn(route.channel)) this.host.invalidate();
        }
        kept += route.scopes.size;
      }
    }
    if (kept > 0) this.scheduleSweep();
  };

  /** One unref'd timer while some scope has a breaker; none otherwise: called only when one exists. */
  private scheduleSweep(): void {
    if (this.sweepTimer || this.host.disposed) return;
    this.sweepTimer = setTimeout(this.sweep, Math.max(1000, Math.floor(this.scopeOptions.idleEvictMs / 2)));
    (this.sweepTimer as { unref?(): void }).unref?.();
  }

  dispose(): void {
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const op of this.host.operations.values()) {
      for (const r of op.routes) {
        r.breaker?.shutdown();
        if (r.scopes) for (const slot of r.scopes.values()) slot.breaker?.shutdown();
      }
    }
    this.rotation.stop();
  }
}

/** The route a slot belongs to: itself, or the route of a scope's slot. */
function routeOfSlot(slot: Slot): RouteState {
  return (slot as ScopeSlot).scope === undefined ? (slot as RouteState) : (slot as ScopeSlot).route;
}
