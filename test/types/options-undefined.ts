// Every optional option of secours/http, secours/redis, secours/prometheus and secours/otel given as
// `T | undefined`, as a service forwards its own optional settings, under
// exactOptionalPropertyTypes: the README promises `undefined` is accepted for any optional field.
import type { Cluster, Redis } from 'ioredis';
import { register } from 'prom-client';
import { adminHandler, connectStatus, createStatusClient, statusHandler, toProblem } from '../../src/http/index.js';
import { toNodeListener } from '../../src/http/node-adapter.js';
import { createRouter, defineCatalog, type Locale } from '../../src/index.js';
import { instrument } from '../../src/otel/index.js';
import { registerMetrics } from '../../src/prometheus/index.js';
import { connectFleet } from '../../src/redis/index.js';

declare const text: string | undefined;
declare const ms: number | undefined;
declare const flag: boolean | undefined;
declare const locale: Locale | undefined;
declare const onError: ((error: unknown) => void) | undefined;
declare const redis: Redis | Cluster;

const catalog = defineCatalog({
  channels: { app: { kind: 'digital', label: 'App' } },
  operations: { transfer: { label: 'Transfer', routes: [{ channel: 'app' }] } },
});
const router = createRouter({ catalog });

export async function forwarded(): Promise<void> {
  const outcome = await router.execute('transfer', {});
  if (outcome.kind !== 'served') toProblem(outcome, { locale, instance: text, now: undefined });
  statusHandler(router, { heartbeatMs: ms, allowOrigin: text, maxQueuedEvents: ms });
  adminHandler(router, { token: 'a-token-of-16-chars', maxBodyBytes: ms, path: text });
  toNodeListener(async () => new Response(null), { host: text, onError });
  const client = createStatusClient('/status', {
    staleAfterMs: ms,
    minRetryMs: ms,
    maxRetryMs: ms,
    EventSource: undefined,
    withCredentials: flag,
    onWarning: undefined,
  });
  connectStatus(router, client, { source: text, onError });
  registerMetrics(router, { registry: register, prefix: text, buckets: undefined });
  instrument(router, {
    meterProvider: undefined,
    tracerProvider: undefined,
    metrics: flag,
    traces: flag,
    durationBuckets: undefined,
  })();
  connectFleet(router, {
    redis,
    namespace: 'prod',
    instanceId: 'a',
    quorum: ms,
    windowMs: ms,
    heartbeatMs: ms,
    slowAfterMs: ms,
    readyTimeoutMs: ms,
  });
}
