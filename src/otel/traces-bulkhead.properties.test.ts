// Spans under a full bulkhead (`breaker.maxConcurrent`, `maxQueued`): calls that wait their turn,
// are aborted while waiting or running, time out, or are ended by dispose, many interleaved.
// Whatever happens: every span started is ended, one execute span per call, one attempt span
// per handler run under its own call's span, and the handler's span under its own attempt's.
// Real SDK, AsyncLocalStorage context, virtual time; fast-check, seeded.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idOf, otelSdk, parentOf } from '../../test/helpers/otel.js';
import { defineCatalog } from '../catalog.js';
import type { Outcome } from '../outcome.js';
import { createRouter } from '../router.js';
import { useVirtualTime } from '../testing/virtual-time.js';
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

type Behaviour = 'value' | 'throw' | 'resolve' | 'fail' | 'hang';
interface Step {
  op: 'balance' | 'transfer';
  app: Behaviour;
  web: Behaviour;
  ms: number;
  abortAfter: number | undefined;
  gap: number;
}
const behaviour = fc.constantFrom<Behaviour>('value', 'throw', 'resolve', 'fail', 'hang');
const step: fc.Arbitrary<Step> = fc.record({
  op: fc.constantFrom('balance' as const, 'transfer' as const),
  app: behaviour,
  web: behaviour,
  ms: fc.integer({ min: 0, max: 300 }),
  abortAfter: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
  gap: fc.integer({ min: 0, max: 40 }),
});

let contextManager: AsyncLocalStorageContextManager;
beforeAll(() => {
  contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});

it('every span ends and sits under its own parent, through queues, aborts, timeouts and dispose', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: 25 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
      async (steps, maxConcurrent, maxQueued, disposeAt) => {
        const open = new Set<string>();
        const tracker: SpanProcessor = {
          onStart: (span) => open.add(idOf(span as unknown as ReadableSpan)),
          onEnd: (span) => open.delete(idOf(span)),
          forceFlush: async () => {},
          shutdown: async () => {},
        };
        const sdk = otelSdk([tracker]);
        const time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
        const backend = sdk.tracerProvider.getTracer('backend');
        const handler = (channel: 'app' | 'web') => (input: unknown) => {
          const s = steps[input as number] as Step;
          const mark = () => backend.startSpan(`inner ${channel} ${String(input)}`).end();
          const b = s[channel];
          if (b === 'value') return mark();
          if (b === 'throw') {
            mark();
            throw new Error('sync');
          }
          if (b === 'hang') return new Promise(() => {});
          // After an await, not in a timer's callback: the virtual clock's timers do not carry
          // the async context (vitest's fake timers neither), an await does.
          return (async () => {
            await new Promise((resolve) => setTimeout(resolve, s.ms));
            mark();
            if (b === 'fail') throw new Error('later');
            return channel;
          })();
        };
        const router = createRouter({
          catalog,
          clock: time.clock,
          breaker: {
            maxConcurrent,
            maxQueued,
            timeout: 250,
            consecutiveFailures: 2,
            volumeThreshold: 2,
            resetTimeout: 100,
          },
          handlers: {
            balance: { app: handler('app'), web: handler('web') },
            transfer: { app: handler('app'), web: handler('web') },
          },
        });
        const stop = instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
        try {
          if (disposeAt !== undefined) setTimeout(() => router.dispose(), disposeAt);
          const calls: Promise<Outcome | string>[] = [];
          for (const [i, s] of steps.entries()) {
            const abort = new AbortController();
            if (s.abortAfter !== undefined) setTimeout(() => abort.abort(), s.abortAfter);
            calls.push(
              router.execute(s.op, i, { signal: abort.signal }).catch((error: Error) => `rejected ${error.name}`),
            );
            await time.advance(s.gap);
          }
          await time.advance(2_000);
          router.dispose();
          await time.advance(0);
          const outcomes = await Promise.all(calls);

          const spans = sdk.spans();
          const byId = new Map(spans.map((s) => [idOf(s), s]));
          expect(open.size).toBe(0);
          const executes = spans.filter((s) => s.name.startsWith('secours.execute'));
          // A call rejected before it started (the router already disposed) has no span.
          expect(executes.length).toBe(outcomes.filter((o) => typeof o !== 'string').length);
          const runs = outcomes.reduce(
            (n, o) => n + (typeof o === 'string' ? 0 : o.attempts.filter((a) => a.result !== 'skipped').length),
            0,
          );
          const attempts = spans.filter((s) => s.name.startsWith('secours.attempt'));
          expect(attempts.length).toBe(runs);
          for (const a of attempts) {
            const parent = byId.get(parentOf(a) ?? '');
            expect(parent?.name).toBe(`secours.execute ${a.attributes['secours.operation']}`);
          }
          for (const inner of spans.filter((s) => s.name.startsWith('inner'))) {
            const parent = byId.get(parentOf(inner) ?? '');
            expect(parent?.name).toBe(`secours.attempt ${inner.name.split(' ')[1]}`);
          }
        } finally {
          stop();
          time.uninstall();
          await sdk.shutdown();
        }
      },
    ),
    { seed: 20261202, numRuns: 60 },
  );
});
