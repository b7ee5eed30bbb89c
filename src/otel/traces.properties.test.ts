// Whatever the handlers do (answer, refuse, fail, reject; at once or later), each call gives one
// ended execute span, one attempt span per handler run under it, and the handler's own span
// under its attempt; metrics count each call once. Real SDK, AsyncLocalStorage context.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOf, otelSdk, parentOf } from '../../test/helpers/otel.js';
import { defineCatalog } from '../catalog.js';
import { NotExecutedError } from '../errors.js';
import { createRouter } from '../router.js';
import { instrument } from './index.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'App' },
    web: { kind: 'digital', label: 'Web' },
    phone: { kind: 'phone', label: 'Phone', contact: { phone: '3639' } },
  },
  operations: {
    balance: {
      label: 'Balance',
      idempotent: true,
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }],
    },
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }] },
  },
});

const answer = fc.constantFrom('ok', 'not-executed', 'fail', 'reject');
const step = fc.record({
  operation: fc.constantFrom('balance' as const, 'transfer' as const),
  app: answer,
  web: answer,
  sync: fc.boolean(),
});

const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
});
afterAll(() => {
  context.disable();
});

describe('secours/otel spans, whatever the handlers do', () => {
  it('one execute span per call, one attempt span per run under it, the handler span under its attempt', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const sdk = otelSdk();
        let current = steps[0] as (typeof steps)[number];
        const ran: string[] = [];
        const handler = (channel: 'app' | 'web') => () => {
          const work = () => {
            ran.push(channel);
            sdk.tracerProvider.getTracer('backend').startSpan(`GET /${channel}`).end();
            const a = current[channel];
            if (a === 'not-executed') throw new NotExecutedError(channel);
            if (a === 'fail') throw new Error(`${channel} ${Math.random()}`);
            if (a === 'reject') throw new RangeError('refused');
            return channel;
          };
          return current.sync ? work() : Promise.resolve().then(work);
        };
        const router = createRouter({
          catalog,
          // Breakers that never open: every step runs what it says.
          breaker: { volumeThreshold: 1_000, consecutiveFailures: false },
          classify: (e) => (e instanceof RangeError ? 'rejection' : undefined),
          handlers: {
            balance: { app: handler('app'), web: handler('web') },
            transfer: { app: handler('app'), web: handler('web') },
          },
        });
        instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
        let settled = 0;
        try {
          for (const s of steps) {
            current = s;
            ran.length = 0;
            sdk.exporter.reset();
            try {
              await router.execute(s.operation, {});
              settled++;
            } catch (error) {
              expect(error).toBeInstanceOf(RangeError);
            }
            const spans = sdk.spans();
            const calls = spans.filter((x) => x.name.startsWith('secours.execute '));
            expect(calls).toHaveLength(1);
            const call = calls[0];
            const attempts = spans.filter((x) => x.name.startsWith('secours.attempt '));
            expect(attempts.map((a) => a.name)).toEqual(ran.map((c) => `secours.attempt ${c}`));
            for (const a of attempts) {
              expect(parentOf(a)).toBe(call && idOf(call));
              const own = spans.filter((x) => x.name === `GET /${a.name.slice('secours.attempt '.length)}`);
              expect(own.map(parentOf)).toContain(idOf(a));
            }
          }
          const outcomes = await sdk.points('secours.outcomes');
          expect(outcomes.reduce((n, p) => n + (p.value as number), 0)).toBe(settled);
        } finally {
          router.dispose();
          await sdk.shutdown();
        }
      }),
      { numRuns: 40 },
    );
  });
});
