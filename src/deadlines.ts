/**
 * One timer per timeout value instead of one timer per call.
 *
 * Every call under the same timeout expires in the order it started, so the calls form a queue
 * and only its head needs a timer. Settled calls are dropped at the head at once, and behind a
 * call still in flight by compacting once they are half the queue: memory follows the calls in
 * flight, whatever one slow (or, without a timeout, hanging) call holds up. The timer is not cleared
 * when the queue empties (that would cost a timer per call again); it fires once, finds nothing
 * due, and is re-armed only if something is waiting. It is unref'd while nothing is waiting, so
 * a finished program exits at once; the unref waits for the next turn of the event loop, since
 * a queue that empties and fills again on every call would otherwise toggle it twice per call.
 */

export interface Deadline {
  /** Epoch ms (Date.now based) at which the call expires; set by `add`. */
  at: number;
  /** Set once the call settled; the queue then skips it. */
  done: boolean;
  expire(): void;
}

/** setTimeout fires at once past 2^31-1 ms; longer waits re-arm. */
export const MAX_DELAY = 2 ** 31 - 1;

interface Timer {
  ref?(): unknown;
  unref?(): unknown;
}

/** setImmediate where there is one (Node), else a macrotask through setTimeout; read at call time for fake timers. */
function nextTurn(fn: () => void): () => void {
  if (typeof globalThis.setImmediate === 'function') {
    const handle = globalThis.setImmediate(fn);
    return () => globalThis.clearImmediate(handle);
  }
  const handle = setTimeout(fn, 0);
  return () => clearTimeout(handle);
}

class Queue {
  /** Live entries are items[head..tail); slots outside are cleared so they hold no call. */
  private items: (Deadline | undefined)[] = [];
  private head = 0;
  private tail = 0;
  /** Entries in items[head..tail) not yet done. */
  private live = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = 0;
  private armed = false;
  /** Cancels the queued unref, while one is queued. */
  private unrefQueued: (() => void) | undefined;

  constructor(readonly timeoutMs: number) {}

  /** `now` is the instant `entry.at` was computed from: the timer waits the whole timeout from it. */
  add(entry: Deadline, now: number): void {
    if (this.head === this.tail) this.head = this.tail = 0;
    this.items[this.tail++] = entry;
    this.live++;
    // Without a timeout the queue only lists calls in flight, for dispose().
    if (!Number.isFinite(this.timeoutMs)) return;
    if (!this.timer) this.arm(entry.at, now);
    else if (!this.armed) {
      // The timer is due no later than this entry (it was set for an earlier one): keep it.
      this.armed = true;
      (this.timer as Timer).ref?.();
    }
  }

  /** Drops settled entries so memory follows the calls in flight. */
  settle(entry: Deadline): void {
    entry.done = true;
    this.live--;
    if (this.items[this.head] === entry) this.dropDone();
    else if (this.tail - this.head > 2 * this.live + 32) this.compact();
  }

  /** Entries held, settled or not: for tests of what the queue retains. */
  get held(): number {
    return this.tail - this.head;
  }

  /** Keeps only the entries in flight, in order: called once settled or spent ones are most of the queue. */
  private compact(): void {
    this.items = this.items.slice(this.head, this.tail).filter((e) => !e?.done);
    this.head = 0;
    this.tail = this.items.length;
  }

  pending(): Deadline[] {
    return (this.items.slice(this.head, this.tail) as Deadline[]).filter((e) => !e.done);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.unrefQueued?.();
    this.unrefQueued = undefined;
    this.items = [];
    this.head = this.tail = this.live = 0;
  }

  private dropDone(): void {
    const items = this.items;
    while (this.head < this.tail && (items[this.head] as Deadline).done) items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.tail) this.compact();
    if (this.head === this.tail && this.timer && this.armed && !this.unrefQueued) {
      this.unrefQueued = nextTurn(this.unrefIfIdle);
    }
  }

  private unrefIfIdle = (): void => {
    this.unrefQueued = undefined;
    if (this.head !== this.tail || !this.timer) return;
    this.armed = false;
    (this.timer as Timer).unref?.();
  };

  /**
   * One reading of the clock for the delay and the target: each read on a loaded machine is
   * later, and a delay shortened by the time since `at` was set fires early under fake timers
   * that leave Date alone.
   */
  private arm(at: number, now = Date.now()): void {
    const delay = Math.min(MAX_DELAY, Math.max(0, at - now));
    this.timerAt = now + delay;
    this.armed = true;
    this.timer = setTimeout(this.fire, delay);
  }

  private fire = (): void => {
    this.timer = undefined;
    // The timer firing proves its target has passed, even under fake timers that leave Date alone.
    const now = Math.max(Date.now(), this.timerAt);
    // this.items read afresh each time: an expire() callback may settle entries and compact.
    while (this.head < this.tail) {
      const entry = this.items[this.head] as Deadline;
      if (!entry.done && entry.at > now) break;
      this.items[this.head++] = undefined;
      if (!entry.done) {
        entry.done = true;
        this.live--;
        entry.expire();
      }
    }
    this.dropDone();
    const next = this.items[this.head];
    // An expire() callback may have added an entry, and armed the timer for it already.
    if (this.head < this.tail && next && !this.timer) this.arm(next.at);
  };
}

/** Past this many queues, empty ones are dropped before a new one is made. */
const MAX_IDLE_QUEUES = 32;

export class Deadlines {
  private queues = new Map<number, Queue>();
  /** The queue used last: a router mostly uses one timeout. */
  private last: Queue | undefined;

  private queueOf(timeoutMs: number): Queue | undefined {
    const last = this.last;
    if (last?.timeoutMs === timeoutMs) return last;
    const queue = this.queues.get(timeoutMs);
    if (queue) this.last = queue;
    return queue;
  }

  /** Registers a call; its `expire` runs if it is still not settled after `timeoutMs`. */
  add(timeoutMs: number, entry: Deadline, now = Date.now()): void {
    let queue = this.queueOf(timeoutMs);
    if (!queue) {
      // Per-call deadlines (`ctx.timeoutMs`) may each be a new length: a queue is kept only
      // while it holds entries, so the map follows the calls in flight, not every length seen.
      if (this.queues.size >= MAX_IDLE_QUEUES) this.dropEmpty();
      queue = new Queue(timeoutMs);
      this.queues.set(timeoutMs, queue);
      this.last = queue;
    }
    entry.at = now + timeoutMs;
    entry.done = false;
    queue.add(entry, now);
  }

  private dropEmpty(): void {
    for (const [ms, q] of this.queues) {
      if (q.held > 0) continue;
      q.clear();
      this.queues.delete(ms);
    }
  }

  /** Queues kept, busy or not: for tests of what the router retains. */
  get queueCount(): number {
    return this.queues.size;
  }

  settle(timeoutMs: number, entry: Deadline): void {
    if (entry.done) return;
    const queue = this.queueOf(timeoutMs);
    if (queue) queue.settle(entry);
    else entry.done = true;
  }

  /** Every call not yet settled, oldest first within each timeout. */
  pending(): Deadline[] {
    return [...this.queues.values()].flatMap((q) => q.pending());
  }

  /** Entries held across every timeout, settled or not: for tests of what the router retains. */
  get held(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.held;
    return n;
  }

  clear(): void {
    for (const q of this.queues.values()) q.clear();
    this.queues.clear();
    this.last = undefined;
  }
}
