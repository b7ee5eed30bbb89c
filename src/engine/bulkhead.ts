// The bulkhead of one breaker slot (`breaker.maxConcurrent`, `breaker.maxQueued`): how many
// attempts are in flight on it, and the calls waiting, first come first served, for one to end.
//
// Per slot, as the breaker is: a route's own, or one scope's on a scoped route, so one office's
// busy counter terminal does not hold up the others. Made on a slot's first call only when a
// limit is set: without one, no slot has a bulkhead and a call pays one `undefined` check.
//
// A slot that frees while calls wait passes straight to the first of them (the count does not
// drop), so no call arriving meanwhile takes it first. The waiter goes on in a microtask of its
// own, never inside the stack of the attempt that ended: a queue of synchronous handlers would
// otherwise run each inside the one before, as deep as the queue is long.
//
// `dispose()` needs nothing here: a waiter exists only while its slot is full, so behind attempts
// in flight, which dispose cancels; each passes its slot on, and each waiter in turn finds the
// router disposed and ends `cancelled`.

/** What a bulkhead reads of a waiting call. */
export interface WaitingCall {
  cancelledBy: 'signal' | 'dispose' | undefined;
}

/**
 * A call in a bulkhead's queue, and the call's `current` while it waits: `cancel` is the one way
 * a wait ends early (the call's signal, and later its deadline). `proceed` takes the call back to
 * the route it waited for, which it checks again (it may have gone down meanwhile).
 */
export class Waiter {
  declare readonly queue: Set<Waiter>;
  declare readonly call: WaitingCall;
  declare readonly proceed: (call: WaitingCall) => void;

  constructor(queue: Set<Waiter>, call: WaitingCall, proceed: (call: WaitingCall) => void) {
    this.queue = queue;
    this.call = call;
    this.proceed = proceed;
  }

  /** Leaves the queue and the call goes on, cancelled. Nothing more once its wait is over. */
  cancel(by: 'signal' | 'dispose'): void {
    this.call.cancelledBy ??= by;
    if (this.queue.delete(this)) this.proceed(this.call);
  }
}

/** What a bulkhead tells of its slot's route: how many of its slots are full. */
export interface FullCount {
  slotsFull: number;
}

export class Bulkhead {
  /** Attempts in flight, and a slot passed on to a waiter that has not gone on yet. */
  declare inFlight: number;
  /** In arrival order; a Set, so a cancelled waiter leaves in O(1) wherever it stands. */
  declare readonly queue: Set<Waiter>;
  declare private full: boolean;
  declare private readonly max: number;
  declare private readonly maxQueued: number;
  declare private readonly route: FullCount;
  /** The snapshot may have changed. */
  declare private readonly invalidate: () => void;

  constructor(max: number, maxQueued: number, route: FullCount, invalidate: () => void) {
    this.inFlight = 0;
    this.queue = new Set();
    this.full = false;
    this.max = max;
    this.maxQueued = maxQueued;
    this.route = route;
    this.invalidate = invalidate;
  }

  /** Full and no room to wait: a call is skipped `busy`. The question `skipReason` asks. */
  get refusing(): boolean {
    return this.inFlight >= this.max && this.queue.size >= this.maxQueued;
  }

  /**
   * Takes a slot (true), or queues the call and returns its waiter (to become the call's
   * `current`). Called only once `refusing` said no, so the queue has room.
   */
  enter<C extends WaitingCall>(call: C, proceed: (call: C) => void): true | Waiter {
    if (this.inFlight < this.max) {
      this.inFlight++;
      this.changed();
      return true;
    }
    // The waiter calls `proceed` with this very call only.
    const waiter = new Waiter(this.queue, call, proceed as (call: WaitingCall) => void);
    this.queue.add(waiter);
    return waiter;
  }

  /** An attempt ended (once per attempt): its slot goes to the first waiter, or is free. */
  release(): void {
    if (!this.grant()) {
      this.inFlight--;
      this.changed();
    }
  }

  /** The slot, still counted, goes to the first waiter, who goes on in its own microtask. */
  private grant(): boolean {
    const waiter: Waiter | undefined = this.queue.values().next().value;
    if (!waiter) return false;
    this.queue.delete(waiter);
    queueMicrotask(() => this.wake(waiter));
    return true;
  }

  /**
   * A waiter's turn: the slot kept for it is given back just before it checks its route again,
   * so it takes it (nothing else runs in between); if it goes elsewhere instead (the route went
   * down, the call was cancelled meanwhile), the slot goes on to the next waiter.
   */
  private wake(waiter: Waiter): void {
    this.inFlight--;
    try {
      waiter.proceed(waiter.call);
    } finally {
      if (this.inFlight < this.max && this.grant()) this.inFlight++;
      this.changed();
    }
  }

  private changed(): void {
    const full = this.inFlight >= this.max;
    if (full === this.full) return;
    this.full = full;
    this.route.slotsFull += full ? 1 : -1;
    this.invalidate();
  }
}
