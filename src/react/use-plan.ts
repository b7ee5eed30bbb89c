import { useMemo, useSyncExternalStore } from 'react';
import type { AnyCatalog, ChannelIdOf, OperationIdOf, RouteChannelOf } from '../catalog.js';
import type { Handlers } from '../handlers.js';
import type { CallContext, Plan } from '../options.js';
import type { Router } from '../router.js';
import { checkArgument } from './check-argument.js';
import { planContext } from './plan-key.js';
import { type PlanSource, PlanStore } from './plan-store.js';

/**
 * `router.plan(operation, ctx)`, kept current: computed again when the router's status changes
 * and when time alone changes the answer (a channel opening or closing, an outage starting or
 * ending), and the same object as long as what it says is the same, so it can be a dependency.
 *
 * Of `ctx` only `locale`, `exclude`, `amount` and `scope` count, compared by value: a context
 * written inline (`{ locale: 'en' }`) is a new object on each render and changes nothing.
 * `idempotencyKey`, `user` and `signal` are for `execute` and are not read.
 *
 * Throws `ConfigError` (path `router`) when given something else than a router, and what `plan`
 * throws for an unknown operation or a bad context.
 * @example
 * const { willTry, alternatives, reason } = usePlan(router, 'transfer', { locale: 'en' });
 */
export function usePlan<C extends AnyCatalog, H extends Handlers<C>, S, O extends OperationIdOf<C>>(
  router: Router<C, H, S>,
  operation: O,
  ctx?: CallContext<ChannelIdOf<C>>,
): Plan<O, RouteChannelOf<C, O>> {
  checkArgument('usePlan', 'router', 'a router (from createRouter)', router, ['plan', 'getSnapshot', 'subscribe']);
  // Read through its untyped face (plan's generics are per operation); the plan is typed back below.
  const source = router as unknown as PlanSource;
  const { key, ctx: picked } = planContext(operation, ctx, (c) => source.plan(operation, c));
  // A new store (and subscription) only when what the plan depends on changes; `picked` is
  // equal whenever `key` is, so it is left out of the dependencies on purpose.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the context's value, see above
  const store = useMemo(() => new PlanStore(source, operation, picked), [source, operation, key]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot) as Plan<O, RouteChannelOf<C, O>>;
}
