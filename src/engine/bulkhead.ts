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
// otherwise run each in the one before, as deep as the queue is long.

/** What a bulkhead reads of a waiting call. */
export interface WaitingCall {
  cancelledBy: 'signal' | 'dispose' | undefined;
}

/** The call goes on from the route it waited for, which it checks again (it may have gone down meanwhile). */
export type Proceed<C extends WaitingCall> = (call: C) => void;

export interface BulkheadHost<O> {
  /** The slot became full, or not: its channel shows `degraded_performance` while full. */
  full(bulkhead: Bulkhead<O>, full: boolean): void;
  /** Has waiting calls now, or no longer: `dispose` ends the waits of those that have. */
  queued(bulkhead: Bulkhead<O>, queued: boolean): void;
}

/**
 * A call in a bulkhead's queue. Its `cancel` is the one way a wait ends early: the call's signal,
 * `dispose`, and later the call's deadline all go through it (it is the call's `current`).
 */
/** A waiter as its queue sees it, whatever its call. */
interface Queued {
  waiting: boolean;
  cancel(by: 'signal' | 'dispose'): void;
  proceed(): void;
}

export class Waiter<C extends WaitingCall = WaitingCall> {
  declare readonly bulkhead: Bulkhead<unknown>;
  declare readonly call: C;
  declare private readonly onEnd: Proceed<C>;
  /** In the queue; false once granted a slot or cancelled. */
  declare waiting: boolean;

  constructor(bulkhead: Bulkhead<unknown>, call: C, proceed: Proceed<C>) {
    this.bulkhead = bulkhead;
    this.call = call;
    this.onEnd = proceed;
    this.waiting = true;
  }

  /** Leaves the queue, and the call goes on as cancelled. Nothing more once the wait is over. */
  cancel(by: 'signal' | 'dispose'): void {
    this.call.cancelledBy ??= by;
    if (!this.waiting) return;
    this.bulkhead.leave(this);
    this.onEnd(this.call);
  }

  /** Its turn came. */
  proceed(): void {
    this.onEnd(this.call);
  }
}

export class Bulkhead<O> {
  /** Attempts in flight, and slots passed on to a waiter that has not gone on yet. */
  declare inFlight: number;
  /** In arrival order; a Set so a cancelled waiter leaves in O(1) wherever it stands. */
  declare private readonly queue: Set<Queued>;
  declare private wasFull: boolean;
  declare readonly max: number;
  declare readonly maxQueued: number;
  declare private readonly host: BulkheadHost<O>;
  /** Whose slot this is (the route, for its count of full slots). */
  declare readonly owner: O;

  constructor(max: number, maxQueued: number, host: BulkheadHost<O>, owner: O) {
    this.inFlight = 0;
    this.queue = new Set();
    this.wasFull = false;
    this.max = max;
    this.maxQueued = maxQueued;
    this.host = host;
    this.owner = owner;
  }

  /** Full and no room to wait: a call is skipped `busy`. The question `skipReason` asks. */
  get refusing(): boolean {
    return this.inFlight >= this.max && this.queue.size >= this.maxQueued;
  }

  /** Something in flight or waiting: a scope's slot is not evicted from under it. */
  get busy(): boolean {
    return this.inFlight > 0 || this.queue.size > 0;
  }

  get queued(): number {
    return this.queue.size;
  }

  /**
   * Takes a slot (true), or queues the call and returns its waiter (to become the call's
   * `current`). Called only once `refusing` said no, so the queue has room.
   */
  enter<C extends WaitingCall>(call: C, proceed: Proceed<C>): true | Waiter<C> {
    if (this.inFlight < this.max) {
      this.inFlight++;
      this.changed();
      return true;
    }
    const waiter = new Waiter(this as Bulkhead<unknown>, call, proceed);
    this.queue.add(waiter);
    if (this.queue.size === 1) this.host.queued(this, true);
    return waiter;
  }

  /** An attempt ended: its slot goes to the first waiter, or is free. Once per attempt. */
  release(): void {
    const next = this.first();
    if (next) this.grant(next);
    else {
      this.inFlight--;
      this.changed();
    }
  }

  /** Every waiter leaves, cancelled (dispose). */
  cancelAll(by: 'signal' | 'dispose'): void {
    // Bounded: each turn removes one waiter, and a disposed router queues no new one.
    for (let next = this.first(); next; next = this.first()) next.cancel(by);
  }

  /** Takes a waiter out of the queue (granted or cancelled). */
  leave(waiter: Queued): void {
    waiter.waiting = false;
    if (this.queue.delete(waiter) && this.queue.size === 0) this.host.queued(this, false);
  }

  private first(): Queued | undefined {
    return this.queue.values().next().value;
  }

  /** The slot, still counted, is the waiter's; it goes on in its own microtask. */
  private grant(waiter: Queued): void {
    this.leave(waiter);
    queueMicrotask(() => this.wake(waiter));
  }

  /**
   * A waiter's turn: the slot kept for it is given back just before it checks its route again,
   * so it takes it (nothing else runs in between); if it goes elsewhere instead (the route went
   * down, the call was cancelled meanwhile), the slot goes on to the next waiter.
   */
  private wake(waiter: Queued): void {
    this.inFlight--;
    try {
      waiter.proceed();
    } finally {
      const next = this.inFlight < this.max ? this.first() : undefined;
      if (next) {
        this.inFlight++;
        this.grant(next);
      }
      this.changed();
    }
  }

  private changed(): void {
    const full = this.inFlight >= this.max;
    if (full === this.wasFull) return;
    this.wasFull = full;
    this.host.full(this, full);
  }
}
