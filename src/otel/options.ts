// The options of `instrument`, checked the way every integration checks its own (readOptions: a
// strict zod/mini schema, every problem a ConfigError issue with its path).
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import * as z from 'zod/mini';

export interface InstrumentOptions {
  /**
   * Where the metrics go, e.g. the SDK's `MeterProvider`.
   * @default the global one (`metrics.getMeterProvider()` of `@opentelemetry/api`)
   */
  meterProvider?: MeterProvider | undefined;
  /**
   * Where the spans go, e.g. the SDK's `NodeTracerProvider` or `BasicTracerProvider`.
   * @default the global one (`trace.getTracerProvider()` of `@opentelemetry/api`)
   */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Record the metrics.
   * @default true
   */
  metrics?: boolean | undefined;
  /**
   * Record the spans (an `execute` span per call and one per handler run in it).
   * @default true
   */
  traces?: boolean | undefined;
  /**
   * Bucket bounds of `secours.attempt.duration`, in seconds, increasing. Passed as the
   * instrument's advice: a view the application configures wins over it.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  durationBuckets?: readonly number[] | undefined;
}

/** The same bounds as `secours/prometheus`, so dashboards of either read alike. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** An object with the method a provider must have (an SDK's, the API's no-op one, a proxy). */
const provider = <P>(method: string, what: string) =>
  z.custom<P>(
    (v) => typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[method] === 'function',
    `expected an OpenTelemetry ${what} (an object with ${method}())`,
  );

export const instrumentSchema = z.strictObject({
  meterProvider: z.optional(provider<MeterProvider>('getMeter', 'MeterProvider')),
  tracerProvider: z.optional(provider<TracerProvider>('getTracer', 'TracerProvider')),
  metrics: z._default(z.boolean(), true),
  traces: z._default(z.boolean(), true),
  durationBuckets: z.optional(
    z.array(z.number().check(z.positive('must be more than 0'))).check(
      z.minLength(1, 'expected at least one bound'),
      z.refine((b) => b.every((x, i) => i === 0 || x > (b[i - 1] as number)), 'expected increasing bounds'),
    ),
  ),
});
