/**
 * The trace of one failover + retry call, as OpenTelemetry's in-memory exporter saw it: the La
 * Poste preset, the app's backend refusing the connection twice (the request never left: a
 * NotExecutedError, so it is retried once on the app, 10 ms later), then the web serving. Run `npx tsx scripts/otel-trace-example.ts` to print it;
 * `test/otel-trace-example.test.ts` checks it.
 *
 * A command-line report: the console is its output (the library itself never prints).
 */
import { pathToFileURL } from 'node:url';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { NotExecutedError } from '../src/errors.js';
import { instrument } from '../src/otel/index.js';
import { laPoste } from '../src/presets/la-poste.js';
import { createRouter } from '../src/router.js';
import { describeTrace, otelSdk } from '../test/helpers/otel.js';

export async function failoverTrace(): Promise<string> {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const sdk = otelSdk();
  const http = sdk.tracerProvider.getTracer('http-client');
  // What a handler's HTTP client instrumentation would record, under whatever span is active.
  const get = async (url: string, refuse: boolean) => {
    const span = http.startSpan(`GET ${url}`);
    await Promise.resolve();
    span.end();
    if (refuse) throw new NotExecutedError('connect ECONNREFUSED 10.0.0.7:443');
    return { balance: 42 };
  };
  const router = createRouter({
    catalog: laPoste,
    retry: { maxRetries: 1, baseMs: 10, jitter: 'none' },
    handlers: {
      balance: {
        app: () => get('https://app-api.internal/balance', true),
        web: () => get('https://web-api.internal/balance', false),
      },
    },
  });
  const stop = instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
  try {
    const service = sdk.tracerProvider.getTracer('service');
    await service.startActiveSpan('POST /api/balance', async (request) => {
      try {
        await router.execute('balance', {}, { locale: 'en' });
      } finally {
        request.end();
      }
    });
    return describeTrace(sdk.spans());
  } finally {
    stop();
    router.dispose();
    await sdk.shutdown();
    context.disable();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await failoverTrace());
}
