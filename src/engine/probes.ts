// Probes: a health check per channel, run from one shared timer, never on a person's call. They
// run while a route of the channel has its breaker open or half-open (to confirm recovery) and
// when the channel had no real call for an interval (so an idle fallback is known, not assumed).
// Failures in a row open the channel's routes' breakers; a success closes the half-open ones.
import { MAX_DELAY } from '../deadlines.js';
import type { RouterEvents } from '../events.js';
import type { Probe, ResolvedProbeOptions } from '../probe-options.js';
import type { OperationState, RouteState } from './state.js';

export interface ProbesHost {
  readonly operations: ReadonlyMap<string, OperationState>;
  readonly disposed: boolean;
  /** The router's clock, for the events. */
  now(): number;
  /** True while a declared outage holds every route of the channel: the outage holds. */
  heldByOutage(channel: string): boolean;
  /** The route's own breaker, made if needed. */
  breakerOf(route: RouteState): { open(): void; close(): void };
  emit(event: 'probe', arg: Parameters<RouterEvents['probe']>[0]): void;
}

/** One probed channel. */
interface ProbedChannel {
  readonly channel: string;
  readonly probe: Probe;
  readonly routes: RouteState[];
  /** Shared by its routes: Date.now of the last real call on it, and whether the probe found it down. */
  readonly record: { lastCall: number; down: boolean };
  /** Date.now of its last probe's start. */
  lastProbe: number;
  failures: number;
  running: boolean;
  /** Stops the probe in flight (dispose): aborts its signal, clears its timer. */
  stop: (() => void) | undefined;
}

export class Probes {
  declare private timer: ReturnType<typeof setTimeout> | undefined;
  declare private readonly channels: ProbedChannel[];
  declare private readonly options: ResolvedProbeOptions;
  declare private readonly threshold: number;
  declare private readonly host: ProbesHost;

  constructor(options: ResolvedProbeOptions, consecutiveFailures: number, host: ProbesHost) {
    this.options = options;
    this.threshold = consecutiveFailures === Number.POSITIVE_INFINITY ? 3 : consecutiveFailures;
    this.host = host;
    this.timer = undefined;
    this.channels = [];
    const start = Date.now();
    for (const [channel, probe] of options.probes) {
      const record = { lastCall: start, down: false };
      const routes: RouteState[] = [];
      for (const op of host.operations.values()) {
        for (const route of op.routes) {
          if (route.channel !== channel) continue;
          route.probe = record;
          route.probeCloses = route.automated && !op.def.idempotent;
          if (route.automated) routes.push(route);
        }
      }
      this.channels.push({
        channel,
        probe,
        routes,
        record,
        lastProbe: start,
        failures: 0,
        running: false,
        stop: undefined,
      });
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.channels.length === 0 || this.host.disposed) return;
    const interval = this.options.intervalMs;
    const delay = Math.min(MAX_DELAY, Math.max(1, Math.round(interval * (1 - this.options.jitter * Math.random()))));
    this.timer = setTimeout(this.tick, delay);
    (this.timer as { unref?(): void }).unref?.();
  }

  private tick = (): void => {
    this.timer = undefined;
    if (this.host.disposed) return;
    const now = Date.now();
    // A tick comes up to `jitter` early (never late: a probe runs within `intervalMs`); a channel
    // probed or called within that is not idle yet.
    const idleSince = now - this.options.intervalMs * (1 - this.options.jitter);
    for (const c of this.channels) {
      if (c.running || this.host.heldByOutage(c.channel)) continue;
      // A scope's breaker in trouble counts too: on a channel other scopes keep busy, only the
      // probe closes a scope's non-idempotent route.
      const troubled =
        c.failures > 0 ||
        c.routes.some(
          (r) => (r.breaker !== undefined && !r.breaker.closed) || r.scopesDown > 0 || r.scopesHalfOpen > 0,
        );
      const idle = c.record.lastCall <= idleSince && c.lastProbe <= idleSince;
      if (troubled || idle) this.run(c, now);
    }
    this.schedule();
  };

  private run(c: ProbedChannel, startedAt: number): void {
    c.running = true;
    c.lastProbe = startedAt;
    const controller = new AbortController();
    let done = false;
    const end = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      c.running = false;
      c.stop = undefined;
      if (!ok) controller.abort(new Error(`probe of ${c.channel} timed out`));
      this.ended(c, ok, Date.now() - startedAt);
    };
    const timer = setTimeout(() => end(false), this.options.timeoutMs);
    (timer as { unref?(): void }).unref?.();
    c.stop = () => {
      done = true;
      clearTimeout(timer);
      controller.abort(new Error('router disposed'));
    };
    try {
      const result = c.probe({ channel: c.channel, signal: controller.signal });
      if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
        // Inside the try: a `then` getter that throws is the probe failing.
        const then = (result as PromiseLike<unknown>).then;
        if (typeof then === 'function') {
          then.call(
            result,
            () => end(true),
            () => end(false),
          );
          return;
        }
      }
      end(true);
    } catch {
      end(false);
    }
  }

  private ended(c: ProbedChannel, ok: boolean, durationMs: number): void {
    if (this.host.disposed) return;
    this.host.emit('probe', { channel: c.channel, ok, durationMs, at: new Date(this.host.now()).toISOString() });
    // An outage declared meanwhile holds the channel: the probe says nothing over it.
    if (this.host.heldByOutage(c.channel)) return;
    if (ok) {
      c.failures = 0;
      c.record.down = false;
      for (const route of c.routes) {
        route.breaker?.close();
        if (route.probeCloses && route.scopes) for (const slot of route.scopes.values()) slot.breaker?.close();
      }
      return;
    }
    c.failures++;
    if (c.failures < this.threshold) return;
    // A scope's breaker never saw the probe: the record keeps its calls off the channel too.
    c.record.down = true;
    for (const route of c.routes) this.host.breakerOf(route).open();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const c of this.channels) c.stop?.();
  }
}
