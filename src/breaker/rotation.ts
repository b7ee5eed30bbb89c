/**
 * Rotates the statistics windows of every breaker of a router with one interval, running only
 * while some breaker exists. It stands in for the EventEmitter opossum expects as
 * `rotateBucketController`: opossum subscribes a breaker only when
 * `listenerCount('rotate', itsListener)` is 0, a second argument eventemitter3 ignores, so with
 * an eventemitter3 controller only the first breaker would ever rotate. This one counts per
 * listener.
 *
 * A listener marked `lazy` is not called on each tick: its breaker catches up (calls it once
 * per tick missed, at most a window's worth) when it is next read or counted in. Ten thousand
 * idle breakers then cost one counter increment a tick instead of ten thousand bucket
 * allocations, and the result is the same: a window is only ever read after catching up.
 */
export class BucketRotation {
  private readonly listeners = new Set<() => void>();
  /** Listeners called on every tick: those not marked lazy. */
  private readonly eager = new Set<() => void>();
  /** Ticks so far. */
  tick = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  declare private readonly intervalMs: number;

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  listenerCount(_event: string, listener: () => void): number {
    return this.listeners.has(listener) ? 1 : 0;
  }

  on(_event: string, listener: () => void): this {
    if (!this.listeners.has(listener)) this.eager.add(listener);
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(this.rotate, this.intervalMs);
      (this.timer as { unref?(): void }).unref?.();
    }
    return this;
  }

  removeListener(_event: string, listener: () => void): this {
    this.listeners.delete(listener);
    this.eager.delete(listener);
    if (this.listeners.size === 0) this.stop();
    return this;
  }

  get size(): number {
    return this.listeners.size;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Its owner calls it itself when behind `tick` (see the class comment). */
  lazy(listener: () => void): void {
    this.eager.delete(listener);
  }

  /**
   * Members that read `tick` themselves (breakers that are still counters, see breaker.ts): one listener for
   * all of them keeps the interval running, instead of a listener each.
   */
  private members = 0;
  private readonly member = (): void => {};

  join(): void {
    if (this.members++ === 0) {
      this.on('rotate', this.member);
      this.lazy(this.member);
    }
  }

  leave(): void {
    if (this.members > 0 && --this.members === 0) this.removeListener('rotate', this.member);
  }

  private rotate = (): void => {
    this.tick++;
    for (const listener of this.eager) listener();
  };
}
