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

export class Bulkhead {
  /** Attempts in flight, and a slot passed on to a waiter that has not gone on yet. */
  declare inFlight: number;
  /** In arrival order; a Set, so a cancelled call leaves in O(1) wherever it stands. */
  declare private readonly queue: Set<WaitingCall>;
  /** Over its limit: full, and a call was turned away or waits. What the snapshot shows. */
  declare private over: boolean;
  /** A call was turned away (skipped `busy`) since the slot last had room. */
  declare private turned: boolean;
  declare private readonly max: number;
  declare private readonly maxQueued: number;
  /** Its route's count of full slots: the channel shows `degraded_performance` while above 0. */
  declare private readonly route: { slotsFull: number };
  /** The snapshot may have changed. */
  declare private readonly invalidate: () => void;
  /** Takes a waiting call back to its route, which it checks again (it may have gone down meanwhile). */
  declare private readonly proceed: (call: WaitingCall) => void;

  constructor(
    max: number,
    maxQueued: number,
    route: { slotsFull: number },
    invalidate: () => void,
    proceed: (call: WaitingCall) => void,
  ) {
    this.inFlight = 0;
    this.queue = new Set();
    this.over = false;
    this.turned = false;
    this.max = max;
    this.maxQueued = maxQueued;
    this.route = route;
    this.invalidate = invalidate;
    this.proceed = proceed;
  }

  /** Full and no room to wait: a call is skipped `busy`. The question `skipReason` asks. */
  get refusing(): boolean {
    return this.inFlight >= this.max && this.queue.size >= this.maxQueued;
  }

  /**
   * Takes a slot (true), or queues the call (false): the bulkhead is then the call's `current`.
   * Called only once `refusing` said no, so the queue has room.
   */
  enter(call: WaitingCall): boolean {
    if (this.inFlight >= this.max) {
      this.queue.add(call);
      this.changed();
      return false;
    }
    this.inFlight++;
    this.changed();
    return true;
  }

  /**
   * As the call's `current`, told by `Call.cancel` (which set `cancelledBy`), the one way a wait
   * ends early (the call's signal, later its deadline): it leaves the queue and goes on,
   * cancelled. Nothing once its wait is over.
   */
  cancel(_by: 'signal' | 'dispose', call: WaitingCall): void {
    if (!this.queue.delete(call)) return;
    this.changed();
    this.proceed(call);
  }

  /** A call found it full with no room to wait, and went elsewhere (skipped `busy`). */
  turnedAway(): void {
    this.turned = true;
    this.changed();
  }

  /**
   * The call no longer waits here, without going on: it is over, or it decided elsewhere (its
   * hedge's other runs all ended). Its place in the queue goes to the calls behind it.
   */
  leave(call: WaitingCall): void {
    // One waiter fewer may take the route back under its limit.
    if (this.queue.delete(call)) this.changed();
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
    const call: WaitingCall | undefined = this.queue.values().next().value;
    if (!call) return false;
    this.queue.delete(call);
    queueMicrotask(() => this.wake(call));
    return true;
  }

  /**
   * A waiter's turn: the slot kept for it is given back just before it checks its route again,
   * so it takes it (nothing else runs in between); if it goes elsewhere instead (the route went
   * down, the call was cancelled meanwhile), the slot goes on to the next waiter.
   */
  private wake(call: WaitingCall): void {
    this.inFlight--;
    try {
      this.proceed(call);
    } finally {
      if (this.inFlight < this.max && this.grant()) this.inFlight++;
      this.changed();
    }
  }

  /**
   * Degraded only while over the limit, not merely at it: with `maxConcurrent: 1`, every call in
   * flight fills the slot, and a status page would flip at each call for nothing anyone missed.
   */
  private changed(): void {
    const full = this.inFlight >= this.max;
    if (!full) this.turned = false;
    const over = full && (this.turned || this.queue.size > 0);
    if (over === this.over) return;
    this.over = over;
    this.route.slotsFull += over ? 1 : -1;
    this.invalidate();
  }
}
