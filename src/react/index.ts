// `secours/react`: hooks over the router and the status feed (React ≥ 18, an optional peer).
// They use only useSyncExternalStore, useMemo and the stores' own subscriptions. Everything
// public is listed here.

export { usePlan } from './use-plan.js';
export { useRouterStatus } from './use-router-status.js';
export { useStatusFeed } from './use-status-feed.js';
