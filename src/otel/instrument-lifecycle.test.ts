// secours/otel around the router's own life: a meter that throws must not take the events from
// the application's listeners, and a router disposed without stop() must not stay held (and
// reported) by the meter for as long as the program runs. The real SDK throughout.
import type { Meter, MeterProvider, ObservableCallback } from '@opentelemetry/api';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type OtelSdk, otelSdk } from '../../test/helpers/otel.js';
import { defineCatalog } from '../catalog.js';
import type { Warning } from '../events.js';
import { createRouter } from '../router.js';
import { instrument } from './index.js';

const catalog = defineCatalog({
  channels: { app: { kind: 'digital', label: 'App' }, web: { kind: 'digital', label: 'Web' } },
  operations: {
    balance: { label: 'Balance', idempotent: true, routes: [{ channel: 'app' }, { channel: 'web' }] },
  },
});

let sdk: OtelSdk;
beforeEach(() => {
  sdk = otelSdk();
});
afterEach(() => sdk.shutdown());

const newRouter = () => createRouter({ catalog, handlers: { balance: { app: () => 'app', web: () => 'web' } } });

it("a meter that throws costs its points and an otel-threw warning, never the application's own listeners", async () => {
  const boom = () => {
    throw new Error('meter broke');
  };
  // The SDK's meter, with counters and histograms whose every record throws.
  const real = sdk.meterProvider.getMeter('secours');
  const meter = {
    createCounter: () => ({ add: boom }),
    createHistogram: () => ({ record: boom }),
    createObservableGauge: real.createObservableGauge.bind(real),
  } as unknown as Meter;
  const meterProvider: MeterProvider = { getMeter: () => meter };
  const router = newRouter();
  const warnings: Warning[] = [];
  router.on('warning', (w) => warnings.push(w));
  instrument(router, { meterProvider, traces: false });
  const heard: string[] = [];
  router.on('attempt', ({ attempt }) => heard.push(`attempt ${attempt.channel}`));
  router.on('served', (o) => heard.push(`served ${o.channel}`));
  expect(await router.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'app' });
  expect(heard).toEqual(['attempt app', 'served app']);
  expect(warnings.map((w) => w.code)).toEqual(['otel-threw', 'otel-threw']);
  router.dispose();
});

it('a router disposed without stop() leaves the meter at its next collection', async () => {
  // The SDK's meter, its gauge's callbacks counted on the way in and out.
  const real = sdk.meterProvider.getMeter('secours');
  const callbacks = new Set<ObservableCallback>();
  const meter = new Proxy(real, {
    get(target, key, receiver) {
      if (key !== 'createObservableGauge') return Reflect.get(target, key, receiver);
      return (...args: Parameters<Meter['createObservableGauge']>) => {
        const gauge = real.createObservableGauge(...args);
        return {
          addCallback(cb: ObservableCallback) {
            callbacks.add(cb);
            gauge.addCallback(cb);
          },
          removeCallback(cb: ObservableCallback) {
            callbacks.delete(cb);
            gauge.removeCallback(cb);
          },
        };
      };
    },
  });
  const meterProvider: MeterProvider = { getMeter: () => meter };
  const stays = newRouter();
  const stopStays = instrument(stays, { meterProvider, traces: false });
  const goes = newRouter();
  const stop = instrument(goes, { meterProvider, traces: false });
  expect(callbacks.size).toBe(2);
  goes.dispose();
  expect((await sdk.points('secours.route.state')).length).toBeGreaterThan(0);
  await Promise.resolve();
  // The disposed router's callback is gone; the other router's is still read.
  expect(callbacks.size).toBe(1);
  stop();
  stop();
  expect(callbacks.size).toBe(1);
  stopStays();
  expect(callbacks.size).toBe(0);
  stays.dispose();
});
