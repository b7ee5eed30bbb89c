// `instrument(router)`: the router's metrics and spans through `@opentelemetry/api`.
import { metrics, trace } from '@opentelemetry/api';
import { describeValue } from '../call-context.js';
import type { AnyCatalog } from '../catalog.js';
import { INSTRUMENT, type Instrumentation, type Instrumented } from '../engine/instrumentation.js';
import { ConfigError, RouterDisposedError } from '../errors.js';
import type { Router } from '../router.js';
import { readOptions } from '../validate.js';
import { recordMetrics } from './metrics.js';
import { DEFAULT_BUCKETS, type InstrumentOptions, instrumentSchema } from './options.js';
import { traceHooks } from './traces.js';

/** The instrumentation scope of the meter and the tracer. */
const SCOPE = 'secours';

type Installer = (hooks: Instrumentation | undefined) => Instrumented;

/**
 * What a provider gives, asked here, once: a provider (or its meter) that throws now is a
 * configuration problem, said before any call.
 */
function ask<T>(path: 'meterProvider' | 'tracerProvider', what: string, get: () => T): T {
  try {
    return get();
  } catch (error) {
    throw new ConfigError('instrument options', [{ path, message: `${what} threw (${describeValue(error)})` }]);
  }
}

/**
 * Routers instrumented now: one instrumentation each, since the engine has one opening for it.
 * Shared through the global object by every copy of this module (the ESM and the CJS build are
 * two, and a router made by one is often instrumented by the other): a set of this copy's own
 * would let a second copy replace the first's hooks unseen, and the first's stop remove the
 * second's. The same way `@opentelemetry/api` finds its other copies
 * (https://github.com/open-telemetry/opentelemetry-js/blob/main/api/src/internal/global-utils.ts).
 */
const REGISTRY = Symbol.for('secours.otel.instrumented');
const shared = globalThis as { [REGISTRY]?: WeakSet<object> };
shared[REGISTRY] ??= new WeakSet<object>();
const instrumented: WeakSet<object> = shared[REGISTRY];

/**
 * Records the router's metrics and spans through OpenTelemetry and returns the function that
 * stops it (idempotent: after it, no new span, no metric recorded, the gauge's callback removed).
 * A router disposed without it leaves the meter at the next collection.
 *
 * OpenTelemetry has no semantic conventions for resilience yet, so the names follow the spirit
 * of Polly's meter (https://www.pollydocs.org/advanced/telemetry.html), under `secours.`:
 * - `secours.attempt.duration` (histogram, s): each handler run, by `secours.operation`,
 *   `secours.channel`, `secours.result`, and `secours.retry` / `secours.hedge` when the run was one;
 * - `secours.outcomes` (counter): calls by `secours.operation`, `secours.outcome` and
 *   `secours.channel` (none on a referral);
 * - `secours.route.state` (observable gauge): 1 or 0 per automated route and `secours.state`
 *   (`closed`, `open`, `half-open`), its own breaker's state read at each collection;
 * - `secours.referrals` (counter): referrals by `secours.operation` and `secours.referral.code`.
 * Attribute values are ids from the catalogue and the engine's fixed words, never an error
 * message or an input: the number of series is bounded by the catalogue.
 *
 * Spans: `secours.execute <operation>` per call (INTERNAL, child of the active context), and
 * `secours.attempt <channel>` per handler run, the active context while the handler runs (with
 * a context manager registered, the handler's own spans are its children). Status ERROR on an
 * attempt that failed, timed out or did not execute, and on a call that ended `uncertain`, was
 * referred because its automated routes were down (`unavailable`, `outage`: the code is the
 * description), or rejected (the exception recorded). A referral by design (`manual`), by the
 * clock (`closed`), for the request (`not-for-this-request`) or a cancellation leaves it UNSET,
 * with `secours.referral.code`: ERROR means the operation failed.
 *
 * OpenTelemetry that throws (a provider, a processor, an exporter) costs a span or a point and
 * a `warning` event (`otel-threw`), never a call. Throws `ConfigError` for invalid options, a
 * value that is not a router, or a router already instrumented; `RouterDisposedError` for a
 * disposed one.
 * @example
 * const stop = instrument(router); // the global providers
 * const stop = instrument(router, { meterProvider, tracerProvider });
 */
export function instrument<C extends AnyCatalog>(router: Router<C>, options?: InstrumentOptions): () => void {
  const install = (router as unknown as Record<typeof INSTRUMENT, unknown> | null)?.[INSTRUMENT];
  if (typeof install !== 'function') {
    throw new ConfigError('instrument arguments', [
      { path: 'router', message: `expected a router from createRouter, got ${describeValue(router)}` },
    ]);
  }
  const opts = readOptions(instrumentSchema, options, 'instrument');
  if (router.isDisposed) throw new RouterDisposedError('instrument');
  if (instrumented.has(router)) {
    throw new ConfigError('instrument arguments', [
      { path: 'router', message: 'already instrumented: call the function the first instrument() returned first' },
    ]);
  }

  const meter = opts.metrics
    ? ask('meterProvider', 'getMeter()', () => (opts.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE))
    : undefined;
  const tracer = opts.traces
    ? ask('tracerProvider', 'getTracer()', () => (opts.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE))
    : undefined;

  let engine: Instrumented | undefined;
  const traces = tracer
    ? traceHooks(tracer, (error) =>
        engine?.events.warn('otel-threw', 'OpenTelemetry threw; the call went on without its telemetry', error),
      )
    : undefined;
  engine = (install as Installer)(traces?.hooks);
  let stopMetrics: (() => void) | undefined;
  try {
    stopMetrics = meter
      ? ask('meterProvider', 'its meter', () =>
          recordMetrics(
            router as unknown as Router<AnyCatalog>,
            engine,
            meter,
            opts.durationBuckets ?? DEFAULT_BUCKETS,
          ),
        )
      : undefined;
  } catch (error) {
    (install as Installer)(undefined);
    throw error;
  }
  instrumented.add(router);

  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    instrumented.delete(router);
    traces?.stop();
    if (traces) (install as Installer)(undefined);
    stopMetrics?.();
  };
}
