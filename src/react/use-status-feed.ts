import { useSyncExternalStore } from 'react';
import type { StatusClient, StatusState } from '../http/status-client.js';
import type { Snapshot } from '../snapshot.js';
import { checkArgument } from './check-argument.js';

/**
 * What a status client (`createStatusClient` from `secours/http`) knows: the latest snapshot,
 * the connection, and whether it is `stale`. Re-renders on every change of that state, including
 * when the feed goes stale (the stream dropped, or stayed silent for `staleAfterMs`).
 * Throws `ConfigError` (path `client`) when given something else than a status client.
 * @example
 * const { snapshot, stale, lastHeardAt } = useStatusFeed(status);
 */
export function useStatusFeed<S extends Snapshot>(client: StatusClient<S>): StatusState<S> {
  checkArgument('useStatusFeed', 'client', 'a status client (from createStatusClient)', client, [
    'getSnapshot',
    'subscribe',
  ]);
  // The server renders what a page has before its first event: 'connecting', no snapshot.
  return useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
}
