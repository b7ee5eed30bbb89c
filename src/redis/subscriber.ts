// The connection that listens to the fleet's channel. It subscribes each time the connection is
// ready (at start and after every reconnection), never before: with `enableOfflineQueue: false`
// a SUBSCRIBE sent while connecting is refused, and nothing would send it again.

import type { Cluster, Redis } from 'ioredis';

export class Subscriber {
  private readonly connection: Redis | Cluster;
  private confirmed = false;
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  constructor(
    redis: Redis | Cluster,
    private readonly channel: string,
    /** The longest wait between two attempts after a refusal (NOPERM…). */
    private readonly maxRetryMs: number,
    private readonly handlers: {
      readonly message: (message: string) => void;
      /** The subscription is confirmed active: changes announced from now on are heard. */
      readonly active: () => void;
      readonly error: (error: unknown) => void;
    },
  ) {
    // Subscribed again on every `ready` by this class, with its rejection handled: ioredis's own
    // re-subscription sends SUBSCRIBE with nothing to catch it, and a connection closing during
    // it (Redis restarting) is an unhandled rejection in the user's process.
    this.connection = (redis as { isCluster?: boolean }).isCluster
      ? (redis.duplicate as () => Redis | Cluster).call(redis)
      : (redis as Redis).duplicate({ autoResubscribe: false });
    this.connection.on('error', handlers.error);
    this.connection.on('message', this.onMessage);
    this.connection.on('ready', this.subscribe);
    this.connection.on('close', this.onClose);
    if (this.connection.status === 'ready') this.subscribe();
    // A client made with `lazyConnect` connects on its first command, and its duplicate would wait
    // for one for ever: nothing is sent on it before it is ready. Failures reach `error` and
    // ioredis's own retries.
    else if (this.connection.status === 'wait') this.connection.connect().catch(() => {});
  }

  /** True once Redis confirmed the SUBSCRIBE, until the connection drops. */
  get active(): boolean {
    return this.confirmed;
  }

  private subscribe = (): void => {
    if (this.closed) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    this.connection.subscribe(this.channel).then(
      () => {
        if (this.closed || this.confirmed || this.connection.status !== 'ready') return;
        this.confirmed = true;
        this.failures = 0;
        this.handlers.active();
      },
      (error: unknown) => {
        if (this.closed) return;
        this.handlers.error(error);
        // Refused while connected (a permission missing…): again later, less and less often. A
        // connection that drops instead tries again at its next `ready`.
        if (this.connection.status !== 'ready' || this.retry) return;
        const delay = Math.min(this.maxRetryMs, 100 * 2 ** Math.min(this.failures++, 16));
        this.retry = setTimeout(this.subscribe, delay);
        (this.retry as { unref?(): void }).unref?.();
      },
    );
  };

  private onMessage = (channel: string, message: string): void => {
    if (channel === this.channel) this.handlers.message(message);
  };

  private onClose = (): void => {
    this.confirmed = false;
  };

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.connection.off('ready', this.subscribe);
    this.connection.disconnect();
  }
}
