/**
 * The browser side of the status feed: one EventSource, reconnected with backoff, as a store
 * that `useSyncExternalStore` (or any UI) can read. It knows when what it holds may be out of
 * date: the stream dropped, or nothing (not even a heartbeat) came for `staleAfterMs`.
 */
import { ConfigError } from '../errors.js';
import type { Warning } from '../events.js';
import { callEach } from '../internal/safe-emitter.js';
import type { Snapshot } from '../snapshot.js';
import { readOptions } from '../validate.js';
import { statusClientSchema } from './options.js';

export type Connection = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What the client knows. A new object on every change, so `Object.is` tells one. */
export interface StatusState<S extends Snapshot = Snapshot> {
  readonly connection: Connection;
  /** The latest status received; kept while reconnecting, as the last known one. */
  readonly snapshot: S | undefined;
  /** When anything (a snapshot or a heartbeat) was last heard: "last known status at 14:02". Epoch ms, this page's clock. */
  readonly lastHeardAt: number | undefined;
  /** True when the snapshot may no longer be the truth: no live stream, or a silent one. */
  readonly stale: boolean;
  /** Connection attempts that failed in a row. */
  readonly failures: number;
  /** While reconnecting: when the next attempt is due (epoch ms). */
  readonly retryAt?: number;
}

export interface StatusClientOptions {
  /** Stale after this long without a snapshot or heartbeat; twice the server's heartbeat is safe. @default 40_000 */
  staleAfterMs?: number;
  /** The first reconnection delay; it doubles with each failure, with jitter. @default 1_000 */
  minRetryMs?: number;
  /** @default 30_000 */
  maxRetryMs?: number;
  /** For runtimes without a global `EventSource` (Node < 22): any WHATWG-compatible class. */
  EventSource?: EventSourceLike;
  /** @default { withCredentials: false } */
  withCredentials?: boolean;
  /**
   * Hears what went wrong and was recovered from, as the router's `warning` event does: a
   * subscriber that threw (`listener-threw`; the others were still called). @default none
   */
  onWarning?: (warning: Warning) => void;
}

/** The part of the WHATWG EventSource the client uses. */
export type EventSourceLike = new (
  url: string,
  init?: { withCredentials?: boolean },
) => {
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
};

export interface StatusClient<S extends Snapshot = Snapshot> {
  /** Bound: pass it to `useSyncExternalStore` as is. */
  getSnapshot(): StatusState<S>;
  /** Bound. Calls `listener` after each change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Drops the current connection and opens a new one now (e.g. when the page becomes visible). */
  reconnect(): void;
  /** Closes the stream and stops every timer. */
  close(): void;
}

const isObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The shape every reader of a snapshot relies on. A feed is another server's word: `null` where
 * a table, an entry or an outage belongs (`typeof null` is `'object'`) must not reach
 * `connectStatus` or a UI, which read `snapshot.operations.transfer.status` without a check.
 */
function isSnapshot(value: unknown): value is Snapshot {
  if (!isObject(value)) return false;
  const v = value as Partial<Snapshot>;
  return (
    typeof v.version === 'number' &&
    isObject(v.operations) &&
    Object.values(v.operations).every(isObject) &&
    isObject(v.channels) &&
    Object.values(v.channels).every(isObject) &&
    Array.isArray(v.outages) &&
    v.outages.every((o: unknown) => isObject(o) && typeof (o as { id?: unknown }).id === 'string')
  );
}

/**
 * Follows a `statusHandler` feed.
 * @example
 * const status = createStatusClient('/api/status');
 * const state = useSyncExternalStore(status.subscribe, status.getSnapshot);
 * if (state.stale && state.lastHeardAt) show(`last known status at ${formatTime(state.lastHeardAt)}`);
 */
export function createStatusClient<S extends Snapshot = Snapshot>(
  url: string | URL,
  options: StatusClientOptions = {},
): StatusClient<S> {
  const o = readOptions(statusClientSchema, options, 'createStatusClient');
  const ES: EventSourceLike | undefined =
    (o.EventSource as EventSourceLike | undefined) ?? (globalThis as { EventSource?: EventSourceLike }).EventSource;
  if (typeof ES !== 'function') {
    throw new ConfigError('createStatusClient options', [
      { path: 'EventSource', message: 'this runtime has no EventSource: pass one as `EventSource`' },
    ]);
  }
  const EventSourceClass: EventSourceLike = ES;
  const href = String(url);
  const { staleAfterMs: staleAfter, minRetryMs: minRetry, maxRetryMs: maxRetry } = o;
  const onWarning = o.onWarning as StatusClientOptions['onWarning'];
  const listeners = new Set<() => void>();
  let state: StatusState<S> = Object.freeze({
    connection: 'connecting',
    snapshot: undefined,
    lastHeardAt: undefined,
    stale: true,
    failures: 0,
  });
  let source: InstanceType<EventSourceLike> | undefined;
  let lastEventId: string | undefined;
  let silence: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const set = (next: Partial<StatusState<S>>) => {
    const merged: Record<string, unknown> = { ...state, ...next };
    if (next.connection !== undefined && next.connection !== 'reconnecting') delete merged.retryAt;
    state = Object.freeze(merged) as unknown as StatusState<S>;
    callEach(listeners, (error) =>
      onWarning?.({ code: 'listener-threw', message: 'A status client subscriber threw', error }),
    );
  };

  const clearTimers = () => {
    if (silence !== undefined) clearTimeout(silence);
    if (retry !== undefined) clearTimeout(retry);
    silence = retry = undefined;
  };

  const heard = (patch: Partial<StatusState<S>> = {}) => {
    if (silence !== undefined) clearTimeout(silence);
    // A connection that stays open but says nothing is as good as dead (a sleeping laptop, a proxy).
    silence = setTimeout(() => drop(), staleAfter);
    set({ connection: 'open', stale: false, failures: 0, lastHeardAt: Date.now(), ...patch });
  };

  const drop = () => {
    source?.close();
    source = undefined;
    if (closed) return;
    const failures = state.failures + 1;
    // Full jitter on an exponential delay: thousands of pages must not come back in step.
    const ceiling = Math.min(maxRetry, minRetry * 2 ** (failures - 1));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    clearTimers();
    retry = setTimeout(connect, delay);
    set({ connection: 'reconnecting', stale: true, failures, retryAt: Date.now() + delay });
  };

  function connect(): void {
    clearTimers();
    if (closed) return;
    let target = href;
    if (lastEventId !== undefined) {
      const u = new URL(href, (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost');
      u.searchParams.set('lastEventId', lastEventId);
      target = /^[a-z][a-z0-9+.-]*:/i.test(href) ? u.href : `${u.pathname}${u.search}`;
    }
    const es = new EventSourceClass(target, { withCredentials: o.withCredentials });
    source = es;
    // Until the first event, a silent server counts as a failed attempt.
    silence = setTimeout(() => drop(), staleAfter);
    es.addEventListener('snapshot', (event) => {
      if (es !== source) return;
      let data: unknown;
      try {
        data = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (!isSnapshot(data)) return;
      if (event.lastEventId) lastEventId = event.lastEventId;
      heard({ snapshot: data as S });
    });
    es.addEventListener('ping', () => {
      if (es === source) heard();
    });
    es.addEventListener('open', () => {
      // Resumed at the version we hold, the server sends nothing until the next change: the
      // stream is live again. Failures are reset by a real event, not by a server that accepts
      // and then dies.
      if (es === source && state.snapshot) heard({ failures: state.failures });
    });
    es.addEventListener('error', () => {
      // EventSource would retry by itself at a fixed pace; backoff is ours to do.
      if (es === source) drop();
    });
  }

  connect();

  return {
    getSnapshot: () => state,
    subscribe: (listener) => {
      if (typeof listener !== 'function') {
        throw new ConfigError('subscribe', [{ path: 'listener', message: 'expected a function' }]);
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    reconnect: () => {
      if (closed) return;
      source?.close();
      source = undefined;
      set({ connection: 'connecting' });
      connect();
    },
    close: () => {
      if (closed) return;
      closed = true;
      clearTimers();
      source?.close();
      source = undefined;
      set({ connection: 'closed', stale: true });
      listeners.clear();
    },
  };
}
