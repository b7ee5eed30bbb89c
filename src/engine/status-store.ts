// The snapshot as a store: a version bumped by every change of state, the snapshot recomputed
// only when read after one (and kept when it shows nothing new), subscribers told once per real
// change, in a microtask.
import { ConfigError } from '../errors.js';
import { callEach } from '../internal/safe-emitter.js';
import { computeStatus, fingerprint, type Snapshot, type SnapshotInput, sameStatus } from '../snapshot.js';

export interface StatusStoreHost {
  now(): number;
  /** What the snapshot is computed from, read afresh each time. */
  statusInput(): SnapshotInput;
  /**
   * Runs before each read: outages that started or ended since are applied, and a change by time
   * the timer has not told yet (the clock jumped) makes the status stale.
   */
  refreshStatus(): void;
  /** Told each new snapshot, before the subscribers. */
  onSnapshot(snapshot: Snapshot): void;
  onListenerError(error: unknown): void;
}

export class StatusStore {
  /** Bumped by every change of state; anything computed in an older one is stale. */
  version = 0;
  private dirty = false;
  private notifyQueued = false;
  private notifiedVersion: number;
  private snapshot: Snapshot;
  private print: string;
  private disposed = false;
  private readonly listeners = new Set<() => void>();

  declare private readonly host: StatusStoreHost;

  constructor(host: StatusStoreHost) {
    this.host = host;
    const status = computeStatus(host.statusInput());
    this.print = fingerprint(status);
    this.snapshot = Object.freeze({ version: 1, at: new Date(host.now()).toISOString(), ...status });
    this.notifiedVersion = 1;
  }

  /** Something the snapshot shows may have changed. */
  invalidate(): void {
    this.dirty = true;
    this.version++;
    if (!this.notifyQueued && !this.disposed) {
      this.notifyQueued = true;
      queueMicrotask(this.notify);
    }
  }

  private notify = (): void => {
    this.notifyQueued = false;
    if (this.disposed) return;
    const snapshot = this.get();
    if (snapshot.version === this.notifiedVersion) return;
    this.notifiedVersion = snapshot.version;
    this.host.onSnapshot(snapshot);
    callEach(this.listeners, (error) => this.host.onListenerError(error));
  };

  /** The current snapshot: the same object until something it shows changes. Bound. */
  get = (): Snapshot => {
    if (!this.disposed) this.host.refreshStatus();
    if (this.dirty) {
      this.dirty = false;
      const status = computeStatus(this.host.statusInput());
      const print = fingerprint(status);
      if (!sameStatus(this.snapshot, this.print, status, print)) {
        this.print = print;
        this.snapshot = Object.freeze({
          version: this.snapshot.version + 1,
          at: new Date(this.host.now()).toISOString(),
          ...status,
        });
      }
    }
    return this.snapshot;
  };

  /** Bound. */
  subscribe = (listener: () => void): (() => void) => {
    if (typeof listener !== 'function') {
      throw new ConfigError('subscribe', [{ path: 'listener', message: 'expected a function' }]);
    }
    // One entry per subscription: two of the same function end one at a time.
    const entry = () => listener();
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  };

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
