/**
 * Feeds a local router from a status feed, so a page computes plans and referrals itself from
 * the catalogue and the live status, without calling anything. Uses only the router's public
 * hooks: `setRemoteDown` for routes the feed says are down, `setRemoteAutomated` for the routes
 * the server runs (so `plan()` says what the server would do, not "here is where to go"), and
 * `declareOutage` with the feed's own ids so the reasons a person reads are the operator's words.
 */
import type { AnyCatalog } from '../catalog.js';
import type { OutageInput } from '../outages.js';
import type { RouteRef } from '../router.js';
import type { Snapshot } from '../snapshot.js';
import { readOptions } from '../validate.js';
import { connectStatusSchema } from './options.js';
import type { StatusState } from './status-client.js';

const isObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What `connectStatus` needs of a router. */
export interface RemoteStatusTarget {
  readonly catalog: AnyCatalog;
  setRemoteDown(source: string, routes: readonly RouteRef[]): void;
  /** Absent on an older router: plans then count only its own handlers. */
  setRemoteAutomated?(routes: readonly RouteRef[]): void;
  declareOutage(input: OutageInput): unknown;
  endOutage(id: string): unknown;
}

/** Anything with a status client's `getSnapshot`/`subscribe`. */
export interface StatusStore {
  getSnapshot(): Pick<StatusState, 'snapshot'>;
  subscribe(listener: () => void): () => void;
}

export interface ConnectStatusOptions {
  /** The name the routes are marked down under (`setRemoteDown`). @default 'status-feed' */
  source?: string | undefined;
  /** Hears an outage of the feed the local router refused (unknown channel, already over by its clock). */
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * Mirrors a status feed into `router`; returns the function that stops and clears what it set.
 * @example
 * const router = createRouter({ catalog: laPoste });
 * const stop = connectStatus(router, createStatusClient('/api/status'));
 * router.plan('transfer', { locale: 'en' }).alternatives;   // from the live status
 */
export function connectStatus(
  router: RemoteStatusTarget,
  client: StatusStore,
  options: ConnectStatusOptions = {},
): () => void {
  const { source, onError } = readOptions(connectStatusSchema, options, 'connectStatus');
  const mirrored = new Set<string>();
  let applied: Snapshot | undefined;

  const apply = () => {
    const { snapshot } = client.getSnapshot();
    if (!snapshot || snapshot === applied) return;
    applied = snapshot;
    // Any store may feed this, not only the status client: what the feed holds is read as
    // untrusted, so a `null` where a table or an outage belongs says nothing instead of throwing.
    const operations = (isObject(snapshot.operations) ? snapshot.operations : {}) as Record<
      string,
      { available?: unknown } | null | undefined
    >;
    const outages = (Array.isArray(snapshot.outages) ? snapshot.outages : []).filter(
      (o: unknown): o is Snapshot['outages'][number] => isObject(o) && typeof (o as { id?: unknown }).id === 'string',
    );
    const automatedBy = (isObject(snapshot.automated) ? snapshot.automated : {}) as Record<string, unknown>;
    const down: RouteRef[] = [];
    const automated: RouteRef[] = [];
    for (const [operation, def] of Object.entries(router.catalog.operations)) {
      // An operation the feed does not know about (an own key only: `toString` is not one it
      // knows) says nothing of it.
      const remote = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      if (!isObject(remote) || !Array.isArray(remote.available)) continue;
      const available = new Set(remote.available);
      const list = Object.hasOwn(automatedBy, operation) ? automatedBy[operation] : undefined;
      const runs = new Set(Array.isArray(list) ? list : []);
      for (const route of def.routes) {
        if (!available.has(route.channel)) down.push({ operation, channel: route.channel });
        if (runs.has(route.channel)) automated.push({ operation, channel: route.channel });
      }
    }
    router.setRemoteDown(source, down);
    router.setRemoteAutomated?.(automated);

    const current = new Set(outages.map((o) => o.id));
    for (const id of mirrored) {
      if (current.has(id)) continue;
      mirrored.delete(id);
      router.endOutage(id);
    }
    for (const o of outages) {
      if (mirrored.has(o.id)) continue;
      try {
        router.declareOutage({
          id: o.id,
          kind: o.kind,
          channels: o.channels,
          operations: o.operations,
          systems: o.systems,
          reason: o.reason,
          from: o.from,
          ...(o.until === undefined ? {} : { until: o.until }),
        });
        mirrored.add(o.id);
      } catch (error) {
        // The routes it covers are still down through `available`; only its wording is lost.
        (onError as ConnectStatusOptions['onError'])?.(error);
      }
    }
  };

  apply();
  const unsubscribe = client.subscribe(apply);
  return () => {
    unsubscribe();
    router.setRemoteDown(source, []);
    router.setRemoteAutomated?.([]);
    for (const id of mirrored) router.endOutage(id);
    mirrored.clear();
  };
}
