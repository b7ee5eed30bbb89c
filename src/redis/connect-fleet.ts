import type { Cluster, Redis } from 'ioredis';
import type { AnyCatalog } from '../catalog.js';
import { ConfigError } from '../errors.js';
import { SafeEmitter } from '../internal/safe-emitter.js';
import type { Router } from '../router.js';
import type { FleetContext } from './context.js';
import type { FleetEvents, FleetRoutesEvent } from './events.js';
import { type FleetKeys, fleetKeys } from './keys.js';
import { type FleetOptions, type ParsedFleetOptions, parseOptions } from './options.js';
import { OutageSync } from './outage-sync.js';
import { readEpoch, roundTrip } from './round-trip.js';
import { Subscriber } from './subscriber.js';
import { SyncLoop } from './sync-loop.js';
import { TripSync } from './trip-sync.js';
import { Warnings } from './warnings.js';

export type { FleetOptions } from './options.js';

/** The handle `connectFleet` returns. */
export interface Fleet {
  /**
   * Resolves to `true` once the subscription to the fleet's channel is confirmed and a round trip
   * begun after it completed: outages declared elsewhere are applied here, and those declared
   * from now on arrive at once. Resolves to `false` when that has not happened within
   * `readyTimeoutMs` (the fleet keeps trying in the background) or the fleet is closed first.
   * Never rejects.
   */
  readonly ready: Promise<boolean>;
  readonly namespace: string;
  readonly instanceId: string;
  /** The fleet's decision at the last round trip: routes down, quorum, live instances. */
  readonly decision: FleetRoutesEvent | undefined;
  /**
   * Stops following the fleet: timers stopped, the subscriber connection closed, the fleet's
   * word on routes withdrawn from the router. Outages declared or ended here and not yet written
   * are written first (if Redis answers within `slowAfterMs`); outages already applied stay.
   * Your client stays open.
   */
  close(): Promise<void>;
  on<E extends keyof FleetEvents>(event: E, listener: FleetEvents[E]): this;
  off<E extends keyof FleetEvents>(event: E, listener: FleetEvents[E]): this;
  once<E extends keyof FleetEvents>(event: E, listener: FleetEvents[E]): this;
}

class FleetImpl implements FleetContext, Fleet {
  /** A listener that throws must not stop the fleet: its error is a `warning`, bounded like the others. */
  private readonly events = new SafeEmitter<FleetEvents>((event, error) =>
    this.warn('listener-threw', `A listener of the fleet's \`${String(event)}\` event threw`, { error }),
  );
  private readonly warnings = new Warnings((w) => this.emit('warning', w));
  readonly keys: FleetKeys;
  readonly namespace: string;
  readonly instanceId: string;
  readonly ready: Promise<boolean>;
  private readonly redis: Redis | Cluster;
  private readonly sub: Subscriber;
  private readonly options: ParsedFleetOptions;
  private readonly outages: OutageSync;
  private readonly trips: TripSync;
  private readonly loop: SyncLoop;
  private resolveReady!: (synced: boolean) => void;
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  private epoch: string | undefined;
  private unavailable = false;
  private subscriberDown = false;
  /** A `redis-slow` was given and no round trip has been fast since. */
  private slow = false;
  private closed = false;

  constructor(
    readonly router: Router<AnyCatalog>,
    options: FleetOptions,
  ) {
    this.options = parseOptions(options);
    this.keys = fleetKeys(this.options.namespace);
    this.namespace = this.options.namespace;
    this.instanceId = this.options.instanceId;
    this.redis = this.options.redis;
    this.ready = new Promise((resolve) => {
      this.resolveReady = resolve;
    });
    this.readyTimer = setTimeout(() => this.resolveReady(false), this.options.readyTimeoutMs);
    (this.readyTimer as { unref?(): void }).unref?.();
    this.outages = new OutageSync(this, this.options.heartbeatMs);
    this.trips = new TripSync(this, {
      quorum: this.options.quorum,
      windowMs: this.options.windowMs,
      heartbeatMs: this.options.heartbeatMs,
    });
    this.loop = new SyncLoop(this.options.heartbeatMs, {
      round: () => this.syncOnce(),
      failed: (error) => this.markUnavailable(error),
      endRound: () => this.warnings.endRound(),
    });
    router.on('outage', this.outages.onRouterOutage);
    router.on('breaker', this.trips.onRouterBreaker);
    this.redis.on('ready', this.onReady);
    this.redis.on('close', this.onClose);
    this.redis.on('error', this.onError);
    this.sub = new Subscriber(this.redis, this.keys.channel, this.options.heartbeatMs, {
      message: (message) => {
        if (message !== this.instanceId) this.requestSync();
      },
      // Changes announced while not subscribed were not heard: read again.
      active: () => {
        this.subscriberDown = false;
        this.requestSync();
      },
      // Once until the subscription is active again: round trips that complete meanwhile end the
      // main connection's spell, not this one (a refused SUBSCRIBE is retried every heartbeat).
      error: (error) => {
        if (this.subscriberDown) return;
        this.subscriberDown = true;
        this.markUnavailable(error);
      },
    });
    this.loop.start();
  }

  get decision(): FleetRoutesEvent | undefined {
    return this.trips.current;
  }

  // ---- FleetContext -----------------------------------------------------------------------

  warn(code: string, message: string, options: { once?: string; error?: unknown } = {}): boolean {
    return this.warnings.warn(code, message, options);
  }

  emit<E extends keyof FleetEvents>(event: E, ...args: Parameters<FleetEvents[E]>): void {
    this.events.emit(event, args[0] as never);
  }

  on<E extends keyof FleetEvents>(event: E, listener: FleetEvents[E]): this {
    this.events.on(event, listener);
    return this;
  }

  off<E extends keyof FleetEvents>(event: E, listener: FleetEvents[E]): this {
    this.events.off(event, listener);
    return this;
  }

  once<E extends keyof FleetEvents>(event: E, listener: FleetEvents[E]): this {
    this.events.once(event, listener);
    return this;
  }

  requestSync(): void {
    if (!this.closed) this.loop.request();
  }

  // ---- connection -------------------------------------------------------------------------

  private onReady = (): void => {
    // Whatever was written while Redis was away may be gone with it: say it all again.
    this.outages.republishOwn();
    this.trips.republishOwn();
    this.loop.request({ now: true });
  };

  private onClose = (): void => {
    if (!this.closed) this.markUnavailable(undefined);
  };

  private onError = (error: unknown): void => {
    if (!this.closed) this.markUnavailable(error);
  };

  /** Warned once per spell of unavailability; the next completed round trip ends the spell. */
  private markUnavailable(error: unknown): void {
    if (this.closed || this.unavailable) return;
    this.unavailable = true;
    this.warn(
      'redis-unavailable',
      'Redis is unreachable or refuses the fleet’s commands: this instance goes on with what it knows and will catch up when it is back',
      { error },
    );
  }

  // ---- round trips ------------------------------------------------------------------------

  /** One round trip; returns whether applying what was read left writes for another one. */
  private async syncOnce(): Promise<boolean> {
    if (this.closed) return false;
    const { options } = this;
    const subscribed = this.sub.active;
    const stopped = () => this.closed;
    let late = false;
    const slow = setTimeout(() => {
      late = true;
      // Once per spell: a Redis that stays slow would otherwise warn at every round trip.
      if (this.slow) return;
      this.slow = true;
      this.warn('redis-slow', `Redis has not answered within ${options.slowAfterMs} ms; nothing waits for it`);
    }, options.slowAfterMs);
    (slow as { unref?(): void }).unref?.();
    let r: Awaited<ReturnType<typeof roundTrip>>;
    try {
      r = await roundTrip(
        { ...options, redis: this.redis, keys: this.keys, outages: this.outages, trips: this.trips, stopped },
        globalThis.crypto.randomUUID(),
      );
    } finally {
      clearTimeout(slow);
    }
    if (!late) this.slow = false;
    if (this.closed) return false;
    if (this.router.isDisposed) {
      void this.close();
      return false;
    }
    this.unavailable = false;

    const pendingBefore = this.outages.pendingWrites + this.trips.pendingWrites;
    const { epoch, wrongType } = readEpoch(r.epoch);
    if (wrongType) {
      this.warn('redis-invalid-value', `\`${this.keys.epoch}\` in Redis is not what secours writes there; replaced`);
    }
    // A candidate is fresh each round trip, so whoever writes first after a loss sets a new epoch
    // and every instance that knew the old one, itself included, sees the loss.
    const lostData = epoch !== undefined && this.epoch !== undefined && epoch !== this.epoch;
    if (epoch !== undefined) this.epoch = epoch;
    if (lostData) {
      this.warn('redis-lost-data', 'Redis came back without the fleet’s data: this instance writes back what it knows');
      this.trips.republishOwn();
    }
    try {
      this.outages.apply(r.outages, r.ended, r.nowMs, lostData);
      // An error reply to the trips' script (a key of the wrong type among them) keeps the last decision.
      this.trips.apply();
    } catch (error) {
      // A router that refuses what the fleet says must not stop the fleet from syncing.
      this.warn('fleet-apply-failed', 'Applying the fleet’s state to the router failed', { error });
    }
    this.warnings.endRound();
    this.emit('synced', { at: new Date(r.nowMs).toISOString() });
    if (subscribed) {
      clearTimeout(this.readyTimer);
      this.resolveReady(true);
    }
    return (
      lostData ||
      this.outages.tombstones.behind ||
      this.outages.pendingWrites + this.trips.pendingWrites > pendingBefore
    );
  }

  /**
   * On close: an outage declared or ended here since the last round trip is still written (a
   * shutdown right after `endOutage` would otherwise leave it down everywhere, for good).
   */
  private async flushOutages(): Promise<void> {
    if (this.outages.pendingWrites === 0) return;
    const parts = { ...this.options, redis: this.redis, keys: this.keys, outages: this.outages, trips: this.trips };
    await roundTrip(parts, globalThis.crypto.randomUUID());
  }

  // ---- lifecycle --------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.readyTimer);
    this.resolveReady(false);
    const inFlight = this.loop.stop();
    this.router.off('outage', this.outages.onRouterOutage);
    this.router.off('breaker', this.trips.onRouterBreaker);
    this.trips.clear();
    this.redis.off('ready', this.onReady);
    this.redis.off('close', this.onClose);
    this.redis.off('error', this.onError);
    this.sub.close();
    if (this.redis.status === 'ready') {
      // Best effort: leaving at once spares the others three heartbeats of counting this one.
      // After the round trip in flight, which would otherwise write this instance's liveness back.
      let timeout: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        inFlight
          .then(() => this.flushOutages())
          .catch(() => undefined)
          .then(() => this.trips.leave(this.redis))
          .catch(() => undefined),
        new Promise((resolve) => {
          timeout = setTimeout(resolve, this.options.slowAfterMs);
        }),
      ]);
      clearTimeout(timeout);
    }
    this.events.clear();
  }
}

/**
 * Joins `router` to a fleet of instances sharing one Redis: outages declared or ended on any
 * instance apply on all, and a route goes down on all when a quorum of instances saw its
 * breaker open. `execute` never waits for Redis; when Redis is away or refuses the fleet's
 * commands each instance goes on alone and catches up when it is back. Throws `ConfigError`
 * for invalid options.
 * @example
 * const fleet = connectFleet(router, { redis: new Redis(process.env.REDIS_URL), namespace: 'prod', instanceId: os.hostname() });
 * fleet.on('warning', (w) => log.warn(w));
 * await fleet.ready;
 */
export function connectFleet<C extends AnyCatalog>(router: Router<C>, options: FleetOptions): Fleet {
  if (!router || typeof router.setRemoteDown !== 'function' || typeof router.declareOutage !== 'function') {
    throw new ConfigError('connectFleet', [{ path: 'router', message: 'expected a router from createRouter' }]);
  }
  return new FleetImpl(router as unknown as Router<AnyCatalog>, options);
}
