import { useSyncExternalStore } from 'react';
import type { AnyCatalog, ChannelIdOf, OperationIdOf } from '../catalog.js';
import type { Handlers } from '../handlers.js';
import type { Router } from '../router.js';
import type { Snapshot } from '../snapshot.js';
import { checkArgument } from './check-argument.js';

/**
 * The router's status snapshot, re-rendering once per real change (the router tells its
 * subscribers, and the snapshot is the same object until something changes). On the server the
 * snapshot is the router's own, so it renders the same.
 * Throws `ConfigError` (path `router`) when given something else than a router.
 * @example
 * const status = useRouterStatus(router);
 * status.operations.transfer.status; // 'operational', 'partial_outage', …
 */
export function useRouterStatus<C extends AnyCatalog, H extends Handlers<C>, S>(
  router: Router<C, H, S>,
): Snapshot<ChannelIdOf<C>, OperationIdOf<C>> {
  checkArgument('useRouterStatus', 'router', 'a router (from createRouter)', router, ['getSnapshot', 'subscribe']);
  // Both are bound and stable for the router's life: React subscribes once.
  return useSyncExternalStore(router.subscribe, router.getSnapshot, router.getSnapshot);
}
