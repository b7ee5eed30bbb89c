// One `usePlan`'s plan as a store React can read with useSyncExternalStore: the same object
// until what the plan says changes, recomputed when the router's snapshot changes or when time
// alone may change it (plan-timing.ts), with one timer at a time, armed only while subscribed.
import type { AnyCatalog } from '../catalog.js';
import { MAX_DELAY } from '../deadlines.js';
import type { CallContext, Plan } from '../options.js';
import type { Snapshot } from '../snapshot.js';
import { nextPlanChange } from './plan-timing.js';

/** What the store reads of a router. */
export interface PlanSource {
  readonly catalog: AnyCatalog;
  plan(operation: string, ctx?: CallContext): Plan;
  getSnapshot(): Snapshot;
  subscribe(listener: () => void): () => void;
}

interface Read {
  readonly snapshot: Snapshot;
  readonly epoch: number;
  readonly plan: Plan;
  /** The plan serialised: a recomputed plan equal to it keeps the object React already has. */
  readonly print: string;
}

export class PlanStore {
  declare private readonly router: PlanSource;
  declare private readonly operation: string;
  declare private readonly ctx: CallContext | undefined;
  private readonly listeners = new Set<() => void>();
  private last: Read | undefined = undefined;
  /** Bumped when time alone may have changed the plan: the next read computes it again. */
  private epoch = 0;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private unsubscribe: (() => void) | undefined = undefined;

  constructor(router: PlanSource, operation: string, ctx: CallContext | undefined) {
    this.router = router;
    this.operation = operation;
    this.ctx = ctx;
  }

  /**
   * The plan, computed again only after the snapshot changed or a timer fired, and the previous
   * object when it reads the same: React calls this on every render and compares with Object.is.
   * Throws what `plan` throws (unknown operation, bad context, a disposed router).
   */
  getSnapshot = (): Plan => {
    const snapshot = this.router.getSnapshot();
    const last = this.last;
    if (last && last.snapshot === snapshot && last.epoch === this.epoch) return last.plan;
    const plan = this.router.plan(this.operation, this.ctx);
    const print = JSON.stringify(plan);
    const kept = last && last.print === print ? last.plan : plan;
    this.last = { snapshot, epoch: this.epoch, plan: kept, print };
    return kept;
  };

  /** One router subscription and one timer for all of this store's listeners. */
  subscribe = (listener: () => void): (() => void) => {
    const entry = () => listener();
    this.listeners.add(entry);
    if (!this.unsubscribe) {
      // Unsubscribed, no timer told it of time passing (StrictMode, a hidden <Activity>): read
      // again. A plan that reads the same stays the same object, so React does not re-render.
      this.epoch++;
      this.unsubscribe = this.router.subscribe(this.changed);
      this.arm();
    }
    return () => {
      this.listeners.delete(entry);
      if (this.listeners.size > 0) return;
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      this.stop();
    };
  };

  private changed = (): void => {
    // React reads the plan in its listener; a throwing read there makes it render and throw.
    for (const l of [...this.listeners]) l();
    this.arm();
  };

  private fire = (): void => {
    this.timer = undefined;
    this.epoch++;
    this.changed();
  };

  /** Re-arms the one timer for the plan as it reads now. */
  private arm(): void {
    this.stop();
    if (this.listeners.size === 0) return;
    let at: number;
    // Timers follow the global clock, and so does the router's unless one is injected: instants
    // already past by this one are left out, so a clock that does not follow cannot make it spin.
    const now = Date.now();
    try {
      const plan = this.getSnapshot();
      at = nextPlanChange(plan, this.router.getSnapshot(), this.router.catalog, now);
    } catch {
      // A disposed router or a bad context: the render throws it; nothing to wait for.
      return;
    }
    if (!Number.isFinite(at)) return;
    // setTimeout takes at most 2^31-1 ms (about 24.8 days) and fires at once past it; a later
    // instant is waited for in steps, each one read afresh.
    this.timer = setTimeout(this.fire, Math.min(MAX_DELAY, at - now));
    // As the router's own: a component left mounted in a Node test must not keep the process up.
    (this.timer as { unref?(): void }).unref?.();
  }

  private stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
