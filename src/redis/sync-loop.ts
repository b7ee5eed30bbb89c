// When round trips run: at every heartbeat, soon after a local change or an announced one, never
// two at once, and never in a loop of their own: a round trip that leaves itself more to do
// gets one more at once at most once a heartbeat, and one that fails is retried with a backoff
// that grows to the heartbeat.

export interface SyncHooks {
  /** One round trip; resolves whether it left writes that call for another one at once. */
  round(): Promise<boolean>;
  failed(error: unknown): void;
  /** After each round trip, completed or not. */
  endRound(): void;
}

const FIRST_RETRY_MS = 100;

export class SyncLoop {
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private backoff: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private scheduled = false;
  private running = false;
  private again = false;
  private lastExtraAt = Number.NEGATIVE_INFINITY;
  private stopped = false;
  /** The run in flight, so `stop()` can say when its last write has landed. */
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly heartbeatMs: number,
    private readonly hooks: SyncHooks,
  ) {}

  start(): void {
    this.heartbeat = setInterval(() => this.request(), this.heartbeatMs);
    (this.heartbeat as { unref?(): void }).unref?.();
    this.request();
  }

  /**
   * A round trip soon. While retrying after a failure it waits for the retry, unless `now`
   * (the connection just came back).
   */
  request(options: { now?: boolean } = {}): void {
    if (this.stopped) return;
    if (this.backoff) {
      if (!options.now) return;
      clearTimeout(this.backoff);
      this.backoff = undefined;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    // Deferred, so a breaker event or a declaration returns at once to the code that caused it.
    setImmediate(() => {
      this.scheduled = false;
      if (!this.running && !this.stopped) this.current = this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      do {
        this.again = false;
        let more: boolean;
        try {
          more = await this.hooks.round();
          this.failures = 0;
        } catch (error) {
          this.again = false;
          if (!this.stopped) {
            this.hooks.failed(error);
            this.retryLater();
          }
          return;
        } finally {
          this.hooks.endRound();
        }
        const now = Date.now();
        if (more && now - this.lastExtraAt >= this.heartbeatMs) {
          this.lastExtraAt = now;
          this.again = true;
        }
      } while (this.again && !this.stopped);
    } finally {
      this.running = false;
    }
  }

  private retryLater(): void {
    const delay = Math.min(this.heartbeatMs, FIRST_RETRY_MS * 2 ** Math.min(this.failures++, 16));
    this.backoff = setTimeout(() => {
      this.backoff = undefined;
      this.request();
    }, delay);
    (this.backoff as { unref?(): void }).unref?.();
  }

  /**
   * No round trip starts from now on; resolves once the one in flight (if any) has ended, so
   * that nothing it writes lands after what the caller writes next (a leaving instance's
   * liveness entry written back after its removal, say).
   */
  stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.backoff);
    return this.current;
  }
}
