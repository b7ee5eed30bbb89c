import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AnyCatalog } from '../catalog.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { AttemptEvent, ProbeEvent } from '../events.js';
import type { Referred, Served, Uncertain } from '../outcome.js';
import type { Router } from '../router.js';

export interface MetricsOptions {
  /** Where the metrics are registered, e.g. prom-client's default `register` or a `new Registry()`. */
  registry: Registry;
  /**
   * Prepended to every metric name.
   * @default 'secours_'
   */
  prefix?: string | undefined;
  /**
   * Bucket bounds of the attempt duration histogram, in seconds.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  buckets?: readonly number[] | undefined;
}

const PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** The channel label of a referral, which no channel served. */
const NONE = 'none';

/**
 * Registers the router's metrics in a prom-client registry and returns the function that
 * removes them (and stops listening to the router). Labels only ever hold ids from the
 * catalogue, so their number is bounded by it:
 * - `<prefix>route_up{operation,channel}`: 1 when the route is available, 0 when down (read at scrape);
 * - `<prefix>outcomes_total{operation,kind,channel}`: calls by outcome (`channel="none"` for referrals);
 * - `<prefix>attempt_duration_seconds{operation,channel,result}`: each handler run;
 * - `<prefix>referrals_total{operation,channel}`: alternatives offered to people, per target channel;
 * - `<prefix>outages{kind}`: outages declared and not over (read at scrape);
 * - `<prefix>probes_total{channel,result}`: probe runs, `result` `ok` or `failed`.
 * Throws `ConfigError` for invalid options or a name already registered.
 * @example
 * const unregister = registerMetrics(router, { registry: register });
 */
export function registerMetrics<C extends AnyCatalog>(router: Router<C>, options: MetricsOptions): () => void {
  const issues: ConfigIssue[] = [];
  if (!router || typeof router.getSnapshot !== 'function' || typeof router.on !== 'function') {
    issues.push({ path: 'router', message: 'expected a router from createRouter' });
  }
  const registry = options?.registry;
  if (typeof registry?.registerMetric !== 'function' || typeof registry?.removeSingleMetric !== 'function') {
    issues.push({ path: 'registry', message: 'expected a prom-client Registry' });
  }
  const prefix = options?.prefix ?? 'secours_';
  if (typeof prefix !== 'string' || (prefix !== '' && !PREFIX.test(prefix))) {
    issues.push({ path: 'prefix', message: 'expected a Prometheus name prefix: letters, digits, _ and :' });
  }
  const buckets = options?.buckets ?? DEFAULT_BUCKETS;
  if (!Array.isArray(buckets) || buckets.length === 0 || !buckets.every((b) => Number.isFinite(b) && b > 0)) {
    issues.push({ path: 'buckets', message: 'expected a non-empty array of positive numbers' });
  }
  const taken = ['route_up', 'outcomes_total', 'attempt_duration_seconds', 'referrals_total', 'outages', 'probes_total']
    .map((n) => prefix + n)
    .filter((n) => issues.length === 0 && registry.getSingleMetric(n) !== undefined);
  for (const name of taken) issues.push({ path: 'registry', message: `a metric named ${name} is already registered` });
  if (issues.length) throw new ConfigError('metrics options', issues);

  const catalog = router.catalog as AnyCatalog;
  const operations = catalog.operations as Record<string, { routes: readonly { channel: string }[] }>;
  // Ids from events are the catalogue's own; checked anyway, since a label is a time series forever.
  const known = (operation: string, channel: string) =>
    Object.hasOwn(operations, operation) && Object.hasOwn(catalog.channels, channel);
  const registers = [registry];

  const routeUp = new Gauge({
    name: `${prefix}route_up`,
    help: 'Whether a route (an operation on a channel) is available: 1, or down (breaker, outage, fleet): 0',
    labelNames: ['operation', 'channel'] as const,
    registers,
    collect() {
      const snapshot = router.getSnapshot();
      for (const [operation, def] of Object.entries(operations)) {
        const available = (snapshot.operations as Record<string, { available: readonly string[] }>)[operation]
          ?.available;
        for (const { channel } of def.routes) {
          this.set({ operation, channel }, available?.includes(channel) ? 1 : 0);
        }
      }
    },
  });
  const outcomes = new Counter({
    name: `${prefix}outcomes_total`,
    help: 'Calls to execute by outcome: served, referred or uncertain',
    labelNames: ['operation', 'kind', 'channel'] as const,
    registers,
  });
  const durations = new Histogram({
    name: `${prefix}attempt_duration_seconds`,
    help: 'How long each handler run took, by its result',
    labelNames: ['operation', 'channel', 'result'] as const,
    buckets: [...buckets],
    registers,
  });
  const referrals = new Counter({
    name: `${prefix}referrals_total`,
    help: 'Alternatives offered to people in referrals, per target channel',
    labelNames: ['operation', 'channel'] as const,
    registers,
  });
  const outages = new Gauge({
    name: `${prefix}outages`,
    help: 'Outages declared and not over (active or scheduled), by kind',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      const current = router.getSnapshot().outages;
      this.set({ kind: 'outage' }, current.filter((o) => o.kind === 'outage').length);
      this.set({ kind: 'maintenance' }, current.filter((o) => o.kind === 'maintenance').length);
    },
  });

  const probes = new Counter({
    name: `${prefix}probes_total`,
    help: 'Probe runs per channel: ok when the channel answered in time, failed otherwise',
    labelNames: ['channel', 'result'] as const,
    registers,
  });

  const onServed = (o: Served) => {
    if (known(o.operation, o.channel)) outcomes.inc({ operation: o.operation, kind: 'served', channel: o.channel });
  };
  const onUncertain = (o: Uncertain) => {
    if (known(o.operation, o.channel)) outcomes.inc({ operation: o.operation, kind: 'uncertain', channel: o.channel });
  };
  const onReferred = (o: Referred) => {
    if (!Object.hasOwn(operations, o.operation)) return;
    outcomes.inc({ operation: o.operation, kind: 'referred', channel: NONE });
    for (const a of o.alternatives) {
      if (known(o.operation, a.channel)) referrals.inc({ operation: o.operation, channel: a.channel });
    }
  };
  const onAttempt = ({ operation, attempt }: AttemptEvent) => {
    if (attempt.result === 'skipped' || !known(operation, attempt.channel)) return;
    durations.observe({ operation, channel: attempt.channel, result: attempt.result }, attempt.durationMs / 1000);
  };
  const onProbe = (e: ProbeEvent) => {
    if (Object.hasOwn(catalog.channels, e.channel)) probes.inc({ channel: e.channel, result: e.ok ? 'ok' : 'failed' });
  };
  router.on('served', onServed as never);
  router.on('probe', onProbe as never);
  router.on('uncertain', onUncertain as never);
  router.on('referred', onReferred as never);
  router.on('attempt', onAttempt as never);

  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    router.off('served', onServed as never);
    router.off('uncertain', onUncertain as never);
    router.off('referred', onReferred as never);
    router.off('attempt', onAttempt as never);
    router.off('probe', onProbe as never);
    for (const metric of [routeUp, outcomes, durations, referrals, outages, probes]) {
      registry.removeSingleMetric((metric as unknown as { name: string }).name);
    }
  };
}
