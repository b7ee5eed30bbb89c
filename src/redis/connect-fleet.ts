import type { Redis } from 'ioredis';
import * as z from 'zod/mini';
import type { AnyCatalog } from '../catalog.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { SafeEmitter } from '../internal/safe-emitter.js';
import type { Router } from '../router.js';
import { parseWith } from '../validate.js';
import { Batch, type Reply } from './batch.js';
import type { FleetContext } from './context.js';
import type { FleetEvents, FleetRoutesEvent } from './events.js';
import { type FleetKeys, fleetKeys, NAME, NAME_RULE } from './keys.js';
import { OutageSync } from './outage-sync.js';
import { TripSync } from './trip-sync.js';

export interface FleetOptions {
  /**
   * An ioredis client, connected or connecting. The fleet uses it for its reads and writes and
   * opens one more connection from it (`duplicate()`) to subscribe; it never closes yours.
   */
  redis: Redis;
  /** Keys are `secours:{namespace}:…`; instances of one fleet share it. 1–64 letters, digits or `. _ -`. */
  namespace: string;
  /** This instance, unique in the fleet (host name, pod name). 1–64 letters, digits or `. _ -`. */
  instanceId: string;
  /**
   * Instances that must have seen a route's breaker open within `window` for the route to go
   * down on every instance.
   * @default 2, or 1 while the fleet has a single live instance
   */
  quorum?: number;
  /**
   * How long a trip counts (ms). Also the longest a route stays down fleet-wide when no instance
   * that saw it open gets to try it again.
   * @default 60_000
   */
  window?: number;
  /**
   * Every this many ms the instance says it is alive and reads the fleet's state again (on top
   * of reading it whenever another instance announces a change). An instance silent for three
   * heartbeats no longer counts as live.
   * @default 5_000
   */
  heartbeat?: number;
  /**
   * A round trip to Redis slower than this (ms) gives a `redis-slow` warning. Nothing waits for
   * it in the meantime.
   * @default 2_000
   */
  slowAfter?: number;
}

/** The handle `connectFleet` returns. */
export interface Fleet {
  /**
   * Resolves to `true` after the first round trip with Redis (outages declared elsewhere are
   * then applied here), or to `false` if the fleet is closed first. Never rejects: while Redis
   * is unreachable it stays pending and the instance works on its own.
   */
  readonly ready: Promise<boolean>;
  readonly namespace: string;
  readonly instanceId: string;
  /** The fleet's decision at the last round trip: routes down, quorum, live instances. */
  readonly decision: FleetRoutesEvent | undefined;
  /**
   * Stops following the fleet: timers stopped, the subscriber connection closed, the fleet's
   * word on routes withdrawn from the router. Outages already applied stay. Your client stays open.
   */
  close(): Promise<void>;
  on<E extends keyof FleetEvents>(event: E, listener: FleetEvents[E]): this;
  off<E extends keyof FleetEvents>(event: E, listener: FleetEvents[E]): this;
  once<E extends keyof FleetEvents>(event: E, listener: FleetEvents[E]): this;
}

const DAY = 86_400_000;
/** Ended outages are remembered this long, so an instance away for less cannot revive one. */
const TOMBSTONE_TTL = 7 * DAY;

const ms = z.int().check(z.positive('must be more than 0'));
const optionsSchema = z.object({
  namespace: z.string().check(z.regex(NAME, `expected ${NAME_RULE}`)),
  instanceId: z.string().check(z.regex(NAME, `expected ${NAME_RULE}`)),
  quorum: z.optional(z.int().check(z.gte(1, 'must be at least 1'))),
  window: z.optional(ms),
  heartbeat: z.optional(ms),
  slowAfter: z.optional(ms),
});
const KNOWN = new Set(['redis', 'namespace', 'instanceId', 'quorum', 'window', 'heartbeat', 'slowAfter']);
const REDIS_METHODS = ['pipeline', 'duplicate', 'publish', 'zrem', 'on', 'off'] as const;

function parseOptions(options: unknown): Required<Omit<FleetOptions, 'quorum'>> & { quorum: number | undefined } {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('fleet options', [{ path: '', message: 'expected { redis, namespace, instanceId }' }]);
  }
  const raw = options as Record<string, unknown>;
  const parsed = parseWith(optionsSchema, raw);
  const issues: ConfigIssue[] = [...parsed.issues];
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) issues.push({ path: key, message: 'unknown option' });
  const redis = raw.redis as Record<string, unknown> | undefined;
  const missing = REDIS_METHODS.filter((m) => typeof redis?.[m] !== 'function');
  if (missing.length) {
    issues.push({ path: 'redis', message: `expected an ioredis client (missing ${missing.join(', ')})` });
  }
  if (!parsed.data || issues.length) throw new ConfigError('fleet options', issues);
  return {
    redis: raw.redis as Redis,
    namespace: parsed.data.namespace,
    instanceId: parsed.data.instanceId,
    quorum: parsed.data.quorum,
    window: parsed.data.window ?? 60_000,
    heartbeat: parsed.data.heartbeat ?? 5_000,
    slowAfter: parsed.data.slowAfter ?? 2_000,
  };
}

class FleetImpl implements FleetContext, Fleet {
  private readonly events = new SafeEmitter<FleetEvents>();
  readonly keys: FleetKeys;
  readonly namespace: string;
  readonly instanceId: string;
  readonly ready: Promise<boolean>;
  private readonly redis: Redis;
  private readonly sub: Redis;
  private readonly options: ReturnType<typeof parseOptions>;
  private readonly outages: OutageSync;
  private readonly trips: TripSync;
  private readonly warned = new Set<string>();
  private readonly epochCandidate = globalThis.crypto.randomUUID();
  private resolveReady!: (synced: boolean) => void;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Redis time minus local time, from the last round trip. */
  private skew = 0;
  private epoch: string | undefined;
  private scheduled = false;
  private syncing = false;
  private again = false;
  private unavailable = false;
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
    this.outages = new OutageSync(this);
    this.trips = new TripSync(this, {
      quorum: this.options.quorum,
      windowMs: this.options.window,
      heartbeatMs: this.options.heartbeat,
    });
    router.on('outage', this.outages.onRouterOutage);
    router.on('breaker', this.trips.onRouterBreaker);
    this.redis.on('ready', this.onReady);
    this.redis.on('close', this.onClose);
    this.redis.on('error', this.onError);
    this.sub = this.redis.duplicate();
    this.sub.on('error', this.onError);
    this.sub.on('message', this.onMessage);
    this.sub.subscribe(this.keys.channel).catch((error: unknown) => {
      if (!this.closed) this.warn('redis-unavailable', 'Could not subscribe to the fleet channel', { error });
    });
    this.timer = setInterval(() => this.requestSync(), this.options.heartbeat);
    (this.timer as { unref?(): void }).unref?.();
    this.requestSync();
  }

  get decision(): FleetRoutesEvent | undefined {
    return this.trips.current;
  }

  // ---- FleetContext -----------------------------------------------------------------------

  warn(code: string, message: string, options: { once?: string; error?: unknown } = {}): void {
    if (options.once !== undefined) {
      const key = `${code}\u0000${options.once}`;
      if (this.warned.has(key)) return;
      this.warned.add(key);
    }
    this.emit('warning', options.error === undefined ? { code, message } : { code, message, error: options.error });
  }

  /** A listener that throws must not stop the fleet: its error becomes a `warning`. */
  emit<E extends keyof FleetEvents>(event: E, arg: Parameters<FleetEvents[E]>[0]): void {
    this.events.emit(event, arg as never);
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
    if (this.closed || this.scheduled) return;
    this.scheduled = true;
    // Deferred, so a breaker event or a declaration returns at once to the code that caused it.
    setImmediate(() => {
      this.scheduled = false;
      // A round asked for just before close() would write this instance's liveness back.
      if (!this.closed) void this.loop();
    });
  }

  // ---- connection -------------------------------------------------------------------------

  private onReady = (): void => {
    // Whatever was written while Redis was away may be gone with it: say it all again.
    this.outages.republishOwn();
    this.trips.republishOwn();
    this.requestSync();
  };

  private onClose = (): void => {
    if (!this.closed) this.markUnavailable(undefined);
  };

  private onError = (error: unknown): void => {
    if (!this.closed) this.markUnavailable(error);
  };

  private onMessage = (channel: string, message: string): void => {
    if (channel !== this.keys.channel || message === this.instanceId) return;
    this.requestSync();
  };

  private markUnavailable(error: unknown): void {
    if (this.unavailable) return;
    this.unavailable = true;
    this.warn(
      'redis-unavailable',
      'Redis is unreachable: this instance goes on with what it knows and will catch up when it is back',
      { error },
    );
  }

  // ---- round trips ------------------------------------------------------------------------

  private async loop(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = true;
    try {
      do {
        this.again = false;
        await this.syncOnce();
      } while (this.again && !this.closed);
    } catch (error) {
      if (!this.closed) this.markUnavailable(error);
    } finally {
      this.syncing = false;
    }
  }

  private async syncOnce(): Promise<void> {
    const { keys, options } = this;
    const batch = new Batch(this.redis);
    const sentAt = Date.now();
    const now = sentAt + this.skew;
    // The trips' command also renews this instance's liveness and prunes, in Redis time.
    const changes = this.outages.collectWrites(batch, now) + this.trips.collect(batch);
    batch.add((p) => p.zremrangebyscore(keys.ended, '-inf', now - TOMBSTONE_TTL));
    if (changes > 0) batch.add((p) => p.publish(keys.channel, this.instanceId));
    batch.add((p) => p.set(keys.epoch, this.epochCandidate, 'NX'));
    let epoch: Reply = { value: undefined };
    let time: Reply = { value: undefined };
    let outages: Reply = { value: undefined };
    let ended: Reply = { value: undefined };
    batch.add(
      (p) => p.get(keys.epoch),
      (r) => {
        epoch = r;
      },
    );
    batch.add(
      (p) => p.time(),
      (r) => {
        time = r;
      },
    );
    batch.add(
      (p) => p.hgetall(keys.outages),
      (r) => {
        outages = r;
      },
    );
    batch.add(
      (p) => p.zrange(keys.ended, '0', '-1'),
      (r) => {
        ended = r;
      },
    );

    const slow = setTimeout(() => {
      this.warn('redis-slow', `Redis has not answered within ${options.slowAfter} ms; nothing waits for it`);
    }, options.slowAfter);
    (slow as { unref?(): void }).unref?.();
    try {
      await batch.exec();
    } finally {
      clearTimeout(slow);
    }
    if (this.closed) return;
    if (this.router.isDisposed) {
      void this.close();
      return;
    }
    this.unavailable = false;
    const receivedAt = Date.now();
    const serverNow = readTime(time) ?? receivedAt + this.skew;
    this.skew = serverNow - Math.round((sentAt + receivedAt) / 2);

    // Writes still pending now are ones Redis refused (WRONGTYPE on a key set by hand…): they wait
    // for the heartbeat. Only writes that applying what was read adds call for another round at once.
    const pendingBefore = this.outages.pendingWrites + this.trips.pendingWrites;
    let lostData = false;
    if (typeof epoch.value === 'string' && epoch.value.length > 0) {
      lostData = this.epoch !== undefined && epoch.value !== this.epoch;
      this.epoch = epoch.value;
    }
    if (lostData) {
      this.warn('redis-lost-data', 'Redis came back without the fleet’s data: this instance writes back what it knows');
      this.trips.republishOwn();
    }
    try {
      this.outages.apply(outages, ended, serverNow, lostData);
      this.trips.apply();
    } catch (error) {
      // A router that refuses what the fleet says must not stop the fleet from syncing.
      this.warn('fleet-apply-failed', 'Applying the fleet’s state to the router failed', { error });
    }
    if (this.outages.pendingWrites + this.trips.pendingWrites > pendingBefore) this.again = true;
    this.emit('synced', { at: new Date(serverNow).toISOString() });
    this.resolveReady(true);
  }

  // ---- lifecycle --------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.resolveReady(false);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.router.off('outage', this.outages.onRouterOutage);
    this.router.off('breaker', this.trips.onRouterBreaker);
    this.trips.clear();
    this.redis.off('ready', this.onReady);
    this.redis.off('close', this.onClose);
    this.redis.off('error', this.onError);
    this.sub.disconnect();
    if (this.redis.status === 'ready') {
      // Best effort: leaving at once spares the others three heartbeats of counting this one.
      let timeout: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.trips.leave(this.redis).catch(() => undefined),
        new Promise((resolve) => {
          timeout = setTimeout(resolve, this.options.slowAfter);
        }),
      ]);
      clearTimeout(timeout);
    }
    this.events.clear();
  }
}

function readTime(reply: Reply): number | undefined {
  const v = reply.value;
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [s, us] = v.map(Number) as [number, number];
  return Number.isFinite(s) && Number.isFinite(us) ? s * 1000 + Math.floor(us / 1000) : undefined;
}

/**
 * Joins `router` to a fleet of instances sharing one Redis: outages declared or ended on any
 * instance apply on all, and a route goes down on all when a quorum of instances saw its
 * breaker open. `execute` never waits for Redis; when Redis is away each instance goes on alone
 * and catches up when it is back. Throws `ConfigError` for invalid options.
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
