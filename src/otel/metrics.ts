// The metrics, from the router's events (like `secours/prometheus`) and, for the routes' breaker
// states, read from the engine at each collection. Every attribute value is an id from the
// catalogue or one of the engine's fixed words: never the handler's error, never the input.
import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import type { AnyCatalog } from '../catalog.js';
import { type Instrumented, routeState } from '../engine/instrumentation.js';
import type { AttemptEvent } from '../events.js';
import type { Referred, Served, Uncertain } from '../outcome.js';
import type { Router } from '../router.js';
import { attemptAttributes } from './attributes.js';

const STATES = ['closed', 'open', 'half-open'] as const;

/** Starts recording; returns the function that stops it. */
export function recordMetrics(
  router: Router<AnyCatalog>,
  engine: Instrumented,
  meter: Meter,
  buckets: readonly number[],
): () => void {
  const channels = router.catalog.channels as object;
  // Ids from events are the catalogue's own; checked anyway, since an attribute set is a series forever.
  const known = (operation: string, channel: string) =>
    engine.operations.has(operation) && Object.hasOwn(channels, channel);

  const durations = meter.createHistogram('secours.attempt.duration', {
    description: 'How long each handler run took, by its result',
    unit: 's',
    advice: { explicitBucketBoundaries: [...buckets] },
  });
  const outcomes = meter.createCounter('secours.outcomes', {
    description: 'Calls to execute by outcome: served, referred or uncertain',
    unit: '{call}',
  });
  const referrals = meter.createCounter('secours.referrals', {
    description: 'Calls that ended in a referral, by its code',
    unit: '{call}',
  });
  const routeStates = meter.createObservableGauge('secours.route.state', {
    description:
      "Each automated route's breaker: 1 for the state it is in (closed, open or half-open), 0 for the others",
    unit: '1',
  });

  const observeStates = (result: ObservableResult<Attributes>) => {
    // A router disposed without its instrument() stopped: the meter would hold it, and report
    // its routes, for as long as the program runs. Removed after this collection's callbacks
    // ran (removing it while the SDK goes through them would skip the one after it).
    if (router.isDisposed) {
      queueMicrotask(stop);
      return;
    }
    for (const [operation, op] of engine.operations) {
      for (const route of op.routes) {
        if (!route.automated) continue;
        const state = routeState(route);
        for (const s of STATES) {
          result.observe(s === state ? 1 : 0, {
            'secours.operation': operation,
            'secours.channel': route.channel,
            'secours.state': s,
          });
        }
      }
    }
  };
  // The router's emitter stops at a listener that throws: a meter that throws would keep the
  // application's own listeners, added after these, from hearing the event.
  const guarded =
    <A>(listener: (arg: A) => void) =>
    (arg: A) => {
      try {
        listener(arg);
      } catch (error) {
        engine.events.warn('otel-threw', 'OpenTelemetry threw; the call went on without its telemetry', error);
      }
    };
  const onServed = guarded((o: Served) => {
    if (!known(o.operation, o.channel)) return;
    outcomes.add(1, { 'secours.operation': o.operation, 'secours.outcome': 'served', 'secours.channel': o.channel });
  });
  const onUncertain = guarded((o: Uncertain) => {
    if (!known(o.operation, o.channel)) return;
    outcomes.add(1, { 'secours.operation': o.operation, 'secours.outcome': 'uncertain', 'secours.channel': o.channel });
  });
  const onReferred = guarded((o: Referred) => {
    if (!engine.operations.has(o.operation)) return;
    // No channel served it: the attribute is left out rather than given a made-up value.
    outcomes.add(1, { 'secours.operation': o.operation, 'secours.outcome': 'referred' });
    referrals.add(1, { 'secours.operation': o.operation, 'secours.referral.code': o.code });
  });
  const onAttempt = guarded(({ operation, attempt }: AttemptEvent) => {
    if (attempt.result === 'skipped' || !known(operation, attempt.channel)) return;
    durations.record(attempt.durationMs / 1000, {
      'secours.operation': operation,
      'secours.channel': attempt.channel,
      ...attemptAttributes(attempt),
    });
  });

  routeStates.addCallback(observeStates);
  router.on('served', onServed);
  router.on('uncertain', onUncertain);
  router.on('referred', onReferred);
  router.on('attempt', onAttempt);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    router.off('served', onServed);
    router.off('uncertain', onUncertain);
    router.off('referred', onReferred);
    router.off('attempt', onAttempt);
    routeStates.removeCallback(observeStates);
  };
  return stop;
}
