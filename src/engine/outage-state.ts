// Declared outages as the engine applies them: which routes each one blocks, when the next one
// starts or ends (one timer, and a check on the hot path), and the events that say so.
import type { AnyCatalog } from '../catalog.js';
import { MAX_DELAY } from '../deadlines.js';
import { ConfigError, RouterDisposedError } from '../errors.js';
import type { RouterEvents } from '../events.js';
import { type Outage, OutageBook, type OutageInput, outageChannels, parseOutage } from '../outages.js';
import type { OperationState, RouteState } from './state.js';

export interface OutageHost {
  readonly catalog: AnyCatalog;
  readonly operations: ReadonlyMap<string, OperationState>;
  readonly disposed: boolean;
  now(): number;
  emit(event: 'outage', arg: Parameters<RouterEvents['outage']>[0]): void;
  /** A breaker that half-opened while an outage held its route: the outage is over, say so. */
  releaseHeld(route: RouteState): void;
  invalidate(): void;
}

export class OutageState {
  readonly outages = new OutageBook();
  /** The active outage covering each whole channel. */
  readonly channelOutage = new Map<string, Outage>();
  private readonly started = new Set<string>();
  private nextOutageChange = Number.POSITIVE_INFINITY;
  declare private timer: ReturnType<typeof setTimeout> | undefined;

  declare private readonly host: OutageHost;

  constructor(host: OutageHost) {
    this.host = host;
    this.timer = undefined;
  }

  declare(input: OutageInput): Outage {
    if (this.host.disposed) throw new RouterDisposedError('declareOutage');
    const now = this.host.now();
    const outage = parseOutage(this.host.catalog, input, now);
    if (this.outages.get(outage.id)) {
      throw new ConfigError('outage', [
        { path: 'id', message: `an outage with id \`${outage.id}\` is already declared` },
      ]);
    }
    this.outages.add(outage);
    this.host.emit('outage', { type: 'declared', outage });
    this.apply(now);
    return outage;
  }

  end(id: string): Outage | undefined {
    if (this.host.disposed) throw new RouterDisposedError('endOutage');
    const outage = this.outages.remove(id);
    if (!outage) return undefined;
    this.started.delete(id);
    this.host.emit('outage', { type: 'ended', outage, expired: false });
    this.apply(this.host.now());
    return outage;
  }

  /** Cheap on the hot path: recomputes only when an outage started or ended since last time. */
  refresh(): void {
    if (this.nextOutageChange !== Number.POSITIVE_INFINITY) {
      const now = this.host.now();
      if (now >= this.nextOutageChange) this.apply(now);
    }
  }

  private apply(now: number): void {
    for (const outage of this.outages.expire(now)) {
      this.started.delete(outage.id);
      this.host.emit('outage', { type: 'ended', outage, expired: true });
    }
    const active = this.outages.active(now);
    for (const outage of active) {
      if (!this.started.has(outage.id)) {
        this.started.add(outage.id);
        this.host.emit('outage', { type: 'started', outage });
      }
    }
    this.channelOutage.clear();
    for (const op of this.host.operations.values()) for (const r of op.routes) r.blockedBy = undefined;
    // An outage beats maintenance: a person must hear the stronger reason.
    const ordered = active.filter((o) => o.kind === 'outage').concat(active.filter((o) => o.kind !== 'outage'));
    for (const outage of ordered) {
      const channels = outageChannels(this.host.catalog, outage);
      const allChannels = channels.size === 0;
      if (outage.operations.length === 0) {
        for (const ch of channels) if (!this.channelOutage.has(ch)) this.channelOutage.set(ch, outage);
      }
      for (const op of this.host.operations.values()) {
        if (outage.operations.length && !outage.operations.includes(op.id)) continue;
        for (const r of op.routes) if ((allChannels || channels.has(r.channel)) && !r.blockedBy) r.blockedBy = outage;
      }
    }
    for (const op of this.host.operations.values()) {
      for (const r of op.routes) {
        if (r.blockedBy) continue;
        this.host.releaseHeld(r);
      }
    }
    this.nextOutageChange = this.outages.nextChange(now);
    this.schedule(now);
    this.host.invalidate();
  }

  private schedule(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.host.disposed || !Number.isFinite(this.nextOutageChange)) return;
    // A clock that does not follow the timers (frozen in a test) must not make this spin.
    const delay = Math.min(MAX_DELAY, Math.max(1, this.nextOutageChange - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const at = this.host.now();
      if (at >= this.nextOutageChange) this.apply(at);
      else this.schedule(at);
    }, delay);
    (this.timer as { unref?(): void }).unref?.();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
