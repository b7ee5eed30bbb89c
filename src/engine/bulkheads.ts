// The bulkheads of a router (`breaker.maxConcurrent`): one per breaker slot, made on the slot's
// first call, what their filling means for the snapshot, and the waits `dispose` ends.
import type { ResolvedBreakerOptions } from '../breaker/options.js';
import { Bulkhead, type BulkheadHost } from './bulkhead.js';
import type { RouteState, Slot } from './state.js';

export interface BulkheadsHost {
  /** Something the snapshot shows changed. */
  invalidate(): void;
}

export class Bulkheads implements BulkheadHost<RouteState> {
  /** Those with calls waiting: at most one entry per slot. */
  declare private readonly waiting: Set<Bulkhead<RouteState>>;
  declare private readonly max: number;
  declare private readonly maxQueued: number;
  declare private readonly host: BulkheadsHost;

  constructor(max: number, maxQueued: number, host: BulkheadsHost) {
    this.waiting = new Set();
    this.max = max;
    this.maxQueued = maxQueued;
    this.host = host;
  }

  /** The slot's bulkhead; `slot` is one `Breakers.slotOf` made (never the frozen closed one). */
  of(slot: Slot, route: RouteState): Bulkhead<RouteState> {
    slot.bulkhead ??= new Bulkhead(this.max, this.maxQueued, this, route);
    return slot.bulkhead;
  }

  full(bulkhead: Bulkhead<RouteState>, full: boolean): void {
    bulkhead.owner.slotsFull += full ? 1 : -1;
    this.host.invalidate();
  }

  queued(bulkhead: Bulkhead<RouteState>, queued: boolean): void {
    if (queued) this.waiting.add(bulkhead);
    else this.waiting.delete(bulkhead);
  }

  /** Ends every wait: the calls end `cancelled`, as calls in flight do. */
  dispose(): void {
    // A copy: each bulkhead leaves the set as its last waiter goes.
    for (const bulkhead of [...this.waiting]) bulkhead.cancelAll('dispose');
  }
}

/** None without a limit: then no slot ever has a bulkhead, and a call pays one check. */
export function createBulkheads(options: ResolvedBreakerOptions, host: BulkheadsHost): Bulkheads | undefined {
  if (options.maxConcurrent === Number.POSITIVE_INFINITY) return undefined;
  return new Bulkheads(options.maxConcurrent, options.maxQueued, host);
}
