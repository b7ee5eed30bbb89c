// secours/otel against the real SDK: metrics read by a MetricReader, spans through a
// SimpleSpanProcessor into an InMemorySpanExporter, and the AsyncLocalStorage context manager,
// so that a span the handler makes is the attempt span's child as it would be in a service.
import {
  type Context,
  type ContextManager,
  context,
  metrics,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { idOf, type OtelSdk, otelSdk, parentOf, valueAt } from '../../test/helpers/otel.js';
import { defineCatalog } from '../catalog.js';
import { ConfigError, NotExecutedError, RouterDisposedError } from '../errors.js';
import type { Warning } from '../events.js';
import { createRouter } from '../router.js';
import { useVirtualTime, type VirtualTime } from '../testing/virtual-time.js';
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
    advice: { label: 'Advice', routes: [{ channel: 'phone' }] },
  },
});

/** How each route answers, changed by the tests. */
type Behaviour = 'ok' | 'not-executed' | 'fail' | 'reject';

function setup(options: { clock?: VirtualTime['clock']; classifyReject?: boolean } = {}) {
  const behaviour: Record<string, Behaviour> = { app: 'ok', web: 'ok' };
  const runs: string[] = [];
  const backend = () => sdk.tracerProvider.getTracer('backend');
  const handler = (channel: string) => async () => {
    runs.push(channel);
    await Promise.resolve();
    // What a handler's HTTP client does: a span under whatever is active. (Its own telemetry
    // failing is not ours to test: a throwing span processor below would throw here too.)
    try {
      backend().startSpan(`GET /${channel}`).end();
    } catch {}
    const b = behaviour[channel];
    if (b === 'not-executed') throw new NotExecutedError(`${channel} refused`);
    if (b === 'fail') throw new Error(`${channel} broke ${Math.random()}`);
    if (b === 'reject') throw new RangeError('amount too large');
    return `${channel}-value`;
  };
  const router = createRouter({
    catalog,
    ...(options.clock ? { clock: options.clock } : {}),
    breaker: { resetTimeout: 30_000 },
    classify: (error) => (error instanceof RangeError ? 'rejection' : undefined),
    handlers: {
      balance: { app: handler('app'), web: handler('web') },
      transfer: { app: handler('app'), web: handler('web') },
    },
  });
  const warnings: Warning[] = [];
  router.on('warning', (w) => warnings.push(w));
  routers.push(router);
  return { router, behaviour, runs, warnings };
}

let sdk: OtelSdk;
const routers: { dispose(): void }[] = [];
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});
beforeEach(() => {
  sdk = otelSdk();
});
afterEach(async () => {
  for (const r of routers.splice(0)) r.dispose();
  await sdk.shutdown();
});

const ours = (spans: readonly ReadableSpan[]) => spans.filter((s) => s.name.startsWith('secours.'));
const named = (spans: readonly ReadableSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as ReadableSpan;
};

describe('instrument: traces', () => {
  it('a call served by its first route: an execute span, its attempt span, the handler span under that', async () => {
    const { router } = setup();
    instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    const outcome = await router.execute('balance', {});
    expect(outcome).toMatchObject({ kind: 'served', channel: 'app' });

    const spans = sdk.spans();
    const call = named(spans, 'secours.execute balance');
    const attempt = named(spans, 'secours.attempt app');
    const http = named(spans, 'GET /app');
    expect(call.kind).toBe(SpanKind.INTERNAL);
    expect(attempt.kind).toBe(SpanKind.INTERNAL);
    expect(parentOf(call)).toBeUndefined();
    expect(parentOf(attempt)).toBe(idOf(call));
    expect(parentOf(http)).toBe(idOf(attempt));
    expect(call.spanContext().traceId).toBe(http.spanContext().traceId);
    expect(call.attributes).toEqual({
      'secours.operation': 'balance',
      'secours.outcome': 'served',
      'secours.channel': 'app',
      'secours.degraded': false,
    });
    expect(attempt.attributes).toEqual({
      'secours.operation': 'balance',
      'secours.channel': 'app',
      'secours.attempt': 1,
      'secours.result': 'success',
    });
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    expect(attempt.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('failover: two attempt spans under the execute span, which is the caller’s child', async () => {
    const { router, behaviour } = setup();
    instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    behaviour.app = 'not-executed';
    const caller = sdk.tracerProvider.getTracer('service');
    const outcome = await caller.startActiveSpan('POST /balance', async (request) => {
      try {
        return await router.execute('balance', {});
      } finally {
        request.end();
      }
    });
    expect(outcome).toMatchObject({ kind: 'served', channel: 'web', degraded: true });

    const spans = sdk.spans();
    const request = named(spans, 'POST /balance');
    const call = named(spans, 'secours.execute balance');
    const first = named(spans, 'secours.attempt app');
    const second = named(spans, 'secours.attempt web');
    expect(parentOf(call)).toBe(idOf(request));
    expect(parentOf(first)).toBe(idOf(call));
    expect(parentOf(second)).toBe(idOf(call));
    expect(parentOf(named(spans, 'GET /app'))).toBe(idOf(first));
    expect(parentOf(named(spans, 'GET /web'))).toBe(idOf(second));
    expect(first.status).toEqual({ code: SpanStatusCode.ERROR, message: 'not-executed' });
    // The SDK names an exception by its `code` when it has one.
    expect(
      first.events.map((e) => [e.name, e.attributes?.['exception.type'], e.attributes?.['exception.message']]),
    ).toEqual([['exception', 'ERR_SECOURS_NOT_EXECUTED', 'app refused']]);
    expect(second.attributes).toMatchObject({ 'secours.attempt': 2, 'secours.result': 'success' });
    expect(call.attributes).toMatchObject({ 'secours.channel': 'web', 'secours.degraded': true });
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('referred: ERROR with the code when the automated routes were down, UNSET when manual by design', async () => {
    const { router, behaviour } = setup();
    instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    behaviour.app = 'not-executed';
    behaviour.web = 'not-executed';
    expect(await router.execute('balance', {})).toMatchObject({ kind: 'referred', code: 'unavailable' });
    const down = named(sdk.spans(), 'secours.execute balance');
    expect(down.status).toEqual({ code: SpanStatusCode.ERROR, message: 'unavailable' });
    expect(down.attributes).toMatchObject({ 'secours.outcome': 'referred', 'secours.referral.code': 'unavailable' });

    expect(await router.execute('advice', {})).toMatchObject({ kind: 'referred', code: 'manual' });
    const manual = named(sdk.spans(), 'secours.execute advice');
    expect(manual.status.code).toBe(SpanStatusCode.UNSET);
    expect(manual.attributes).toMatchObject({ 'secours.outcome': 'referred', 'secours.referral.code': 'manual' });
    // Nothing ran: no attempt span.
    expect(ours(sdk.spans())).toHaveLength(4);

    router.declareOutage({ channels: ['app', 'web'], reason: 'maintenance of the bank' });
    sdk.exporter.reset();
    expect(await router.execute('balance', {})).toMatchObject({ kind: 'referred', code: 'outage' });
    const [held] = sdk.spans();
    expect(held?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'outage' });
    expect(held?.attributes['secours.skipped']).toEqual(['app:outage', 'web:outage']);
  });

  it('uncertain: ERROR, and the attempt span records the error', async () => {
    const { router, behaviour, runs } = setup();
    instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    behaviour.app = 'fail';
    expect(await router.execute('transfer', {})).toMatchObject({ kind: 'uncertain', channel: 'app' });
    expect(runs).toEqual(['app']);
    const call = named(sdk.spans(), 'secours.execute transfer');
    const attempt = named(sdk.spans(), 'secours.attempt app');
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: 'uncertain' });
    expect(call.attributes).toMatchObject({ 'secours.outcome': 'uncertain', 'secours.channel': 'app' });
    expect(attempt.status).toEqual({ code: SpanStatusCode.ERROR, message: 'failure' });
    expect(attempt.events[0]?.attributes?.['exception.message']).toMatch(/^app broke /);
  });

  it('a rejection: the execute span records the exception, and the call rejects as without telemetry', async () => {
    const { router, behaviour } = setup();
    instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    behaviour.app = 'reject';
    await expect(router.execute('transfer', {})).rejects.toThrow(RangeError);
    const call = named(sdk.spans(), 'secours.execute transfer');
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: 'rejection' });
    expect(
      call.events.map((e) => [e.name, e.attributes?.['exception.type'], e.attributes?.['exception.message']]),
    ).toEqual([['exception', 'RangeError', 'amount too large']]);
    expect(named(sdk.spans(), 'secours.attempt app').status.message).toBe('rejection');
  });

  it('synchronous handlers, one returning and one throwing, run once each inside their spans', async () => {
    const runs: string[] = [];
    const router = createRouter({
      catalog,
      handlers: {
        balance: {
          app: () => {
            runs.push('app');
            sdk.tracerProvider.getTracer('backend').startSpan('sync work').end();
            throw new NotExecutedError('app off');
          },
          web: () => {
            runs.push('web');
            return 'web-value';
          },
        },
      },
    });
    routers.push(router);
    instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    expect(await router.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'web' });
    expect(runs).toEqual(['app', 'web']);
    expect(parentOf(named(sdk.spans(), 'sync work'))).toBe(idOf(named(sdk.spans(), 'secours.attempt app')));
  });
});

describe('instrument: metrics', () => {
  let time: VirtualTime | undefined;
  afterEach(() => {
    time?.uninstall();
    time = undefined;
  });

  it('outcomes, referrals and attempt durations by catalogue ids; route states 0/1 from the breakers', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    const { router, behaviour } = setup({ clock: time.clock });
    instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    await time.settle(router.execute('balance', {}));
    behaviour.app = 'not-executed';
    await time.settle(router.execute('balance', {}));
    behaviour.web = 'not-executed';
    await time.settle(router.execute('balance', {}));
    behaviour.app = 'fail';
    await time.settle(router.execute('transfer', {}));
    await time.settle(router.execute('advice', {}));

    expect(await sdk.names()).toEqual(
      expect.arrayContaining([
        'secours.attempt.duration',
        'secours.outcomes',
        'secours.route.state',
        'secours.referrals',
      ]),
    );
    const outcomes = await sdk.points('secours.outcomes');
    const op = (o: string, kind: string, channel?: string) => ({
      'secours.operation': o,
      'secours.outcome': kind,
      ...(channel ? { 'secours.channel': channel } : {}),
    });
    expect(valueAt(outcomes, op('balance', 'served', 'app'))).toBe(1);
    expect(valueAt(outcomes, op('balance', 'served', 'web'))).toBe(1);
    expect(valueAt(outcomes, op('balance', 'referred'))).toBe(1);
    expect(valueAt(outcomes, op('transfer', 'uncertain', 'app'))).toBe(1);
    expect(valueAt(outcomes, op('advice', 'referred'))).toBe(1);
    expect(outcomes).toHaveLength(5);

    const referrals = await sdk.points('secours.referrals');
    expect(valueAt(referrals, { 'secours.operation': 'balance', 'secours.referral.code': 'unavailable' })).toBe(1);
    expect(valueAt(referrals, { 'secours.operation': 'advice', 'secours.referral.code': 'manual' })).toBe(1);

    const durations = await sdk.points('secours.attempt.duration');
    const at = (channel: string, result: string, o = 'balance') =>
      valueAt(durations, { 'secours.operation': o, 'secours.channel': channel, 'secours.result': result }) as
        | { count: number }
        | undefined;
    expect(at('app', 'success')?.count).toBe(1);
    expect(at('app', 'not-executed')?.count).toBe(2);
    expect(at('web', 'success')?.count).toBe(1);
    expect(at('web', 'not-executed')?.count).toBe(1);
    expect(at('app', 'failure', 'transfer')?.count).toBe(1);

    // Three failures in a row on balance/app: its breaker opens, then half-opens after resetTimeout.
    const state = async (o: string, channel: string) =>
      Object.fromEntries(
        (await sdk.points('secours.route.state'))
          .filter((p) => p.attributes['secours.operation'] === o && p.attributes['secours.channel'] === channel)
          .map((p) => [p.attributes['secours.state'], p.value]),
      );
    expect(await state('balance', 'app')).toEqual({ closed: 1, open: 0, 'half-open': 0 });
    behaviour.app = 'fail';
    for (let i = 0; i < 3; i++) await time.settle(router.execute('balance', {}));
    expect(await state('balance', 'app')).toEqual({ closed: 0, open: 1, 'half-open': 0 });
    await time.advance(30_000);
    expect(await state('balance', 'app')).toEqual({ closed: 0, open: 0, 'half-open': 1 });
    // Only automated routes have a state: the phone is a referral.
    expect(await state('balance', 'phone')).toEqual({});
    expect((await sdk.points('secours.route.state')).length).toBe(4 * 3);
  });

  it('an error message never makes a new series: attribute values are catalogue ids and fixed words', async () => {
    const { router, behaviour } = setup();
    instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    behaviour.app = 'fail';
    behaviour.web = 'fail';
    // Each failure message is random (see `setup`): 40 calls, 80 distinct messages.
    for (let i = 0; i < 40; i++) await router.execute('balance', {});
    const durations = await sdk.points('secours.attempt.duration');
    expect(durations.map((p) => p.attributes)).toEqual(
      expect.arrayContaining([
        { 'secours.operation': 'balance', 'secours.channel': 'app', 'secours.result': 'failure' },
        { 'secours.operation': 'balance', 'secours.channel': 'web', 'secours.result': 'failure' },
      ]),
    );
    const allowed = new Set([
      ...Object.keys(catalog.channels),
      ...Object.keys(catalog.operations),
      ...['success', 'failure', 'timeout', 'not-executed', 'rejection', 'cancelled'],
      ...['served', 'referred', 'uncertain', 'unavailable', 'closed', 'open', 'half-open'],
    ]);
    const series = new Set<string>();
    for (const name of await sdk.names()) {
      for (const p of await sdk.points(name)) {
        series.add(`${name} ${JSON.stringify(p.attributes)}`);
        for (const value of Object.values(p.attributes)) expect(allowed, `${name}`).toContain(value);
      }
    }
    // app and web histograms, referred + referrals; route states: 4 automated routes × 3 states.
    expect(series.size).toBe(2 + 2 + 12);
    // The messages are in the spans' exception events, never in an attribute.
    for (const span of sdk.spans()) {
      for (const value of Object.values(span.attributes)) expect(String(value)).not.toMatch(/broke/);
    }
  });
});

describe('instrument: lifecycle and failures', () => {
  it('stop() stops: no span, no point, no gauge callback; idempotent; the router can be instrumented again', async () => {
    const { router, behaviour } = setup();
    const stop = instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    await router.execute('balance', {});
    expect(ours(sdk.spans())).toHaveLength(2);
    expect((await sdk.points('secours.route.state')).length).toBe(12);
    expect(
      valueAt(await sdk.points('secours.outcomes'), {
        'secours.operation': 'balance',
        'secours.outcome': 'served',
        'secours.channel': 'app',
      }),
    ).toBe(1);

    stop();
    stop();
    await router.execute('balance', {});
    expect(ours(sdk.spans())).toHaveLength(2);
    expect(
      valueAt(await sdk.points('secours.outcomes'), {
        'secours.operation': 'balance',
        'secours.outcome': 'served',
        'secours.channel': 'app',
      }),
    ).toBe(1);
    // The gauge's callback is gone: the SDK repeats the last value it was given (cumulative),
    // and the breaker that opens now is not seen.
    behaviour.app = 'fail';
    for (let i = 0; i < 3; i++) await router.execute('balance', {});
    const appState = (await sdk.points('secours.route.state')).filter(
      (p) => p.attributes['secours.operation'] === 'balance' && p.attributes['secours.channel'] === 'app',
    );
    expect(Object.fromEntries(appState.map((p) => [p.attributes['secours.state'], p.value]))).toEqual({
      closed: 1,
      open: 0,
      'half-open': 0,
    });
    behaviour.app = 'ok';
    // The handler still runs inside no span of ours.
    expect(parentOf(sdk.spans().filter((s) => s.name === 'GET /app')[1] as ReadableSpan)).toBeUndefined();

    const again = instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    await router.execute('balance', {});
    expect(ours(sdk.spans())).toHaveLength(4);
    again();
  });

  it('OpenTelemetry that throws (processor, exporter, tracer, meter) costs the telemetry, never the call', async () => {
    const boom = () => {
      throw new Error('telemetry down');
    };
    const throwing: SpanProcessor = {
      onStart: boom,
      onEnd: boom,
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    await sdk.shutdown();
    sdk = otelSdk([throwing]);
    const { router, behaviour, runs, warnings } = setup();
    instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    behaviour.app = 'not-executed';
    expect(await router.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'web' });
    expect(runs).toEqual(['app', 'web']);
    expect(warnings.map((w) => w.code)).toContain('otel-threw');

    // A tracer whose every span method throws, and a meter whose every instrument throws.
    const brokenSpan = new Proxy({}, { get: () => boom });
    const tracerProvider = { getTracer: () => ({ startSpan: () => brokenSpan, startActiveSpan: boom }) };
    const instrumentThat = { add: boom, record: boom, addCallback: () => {}, removeCallback: () => {} };
    const meterProvider = { getMeter: () => new Proxy({}, { get: () => () => instrumentThat }) };
    const other = setup();
    instrument(other.router, { meterProvider, tracerProvider } as never);
    other.behaviour.app = 'not-executed';
    expect(await other.router.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'web' });
    other.behaviour.app = 'reject';
    await expect(other.router.execute('transfer', {})).rejects.toThrow(RangeError);
    other.behaviour.app = 'fail';
    expect(await other.router.execute('transfer', {})).toMatchObject({ kind: 'uncertain' });
    expect(other.runs).toEqual(['app', 'web', 'app', 'app']);
    const codes = new Set(other.warnings.map((w) => w.code));
    // The meter's throws are caught by secours/otel itself, not by the router's emitter (which
    // would stop at them: see instrument-lifecycle.test.ts).
    expect([...codes].sort()).toEqual(['otel-threw']);

    // A tracer whose startSpan throws: no span at all, the handler still runs once.
    const third = setup();
    instrument(third.router, { metrics: false, tracerProvider: { getTracer: () => ({ startSpan: boom }) } as never });
    expect(await third.router.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'app' });
    expect(third.runs).toEqual(['app']);
  });

  it('a handler runs exactly once when the attempt span fails to start, or its context fails after it ran', async () => {
    const attemptsOnly: SpanProcessor = {
      onStart: (span) => {
        if ((span as unknown as ReadableSpan).name.startsWith('secours.attempt')) throw new Error('no attempt span');
      },
      onEnd: () => {},
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    await sdk.shutdown();
    sdk = otelSdk([attemptsOnly]);
    const { router, behaviour, runs, warnings } = setup();
    instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    behaviour.app = 'not-executed';
    expect(await router.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'web' });
    expect(runs).toEqual(['app', 'web']);
    expect(warnings.filter((w) => w.code === 'otel-threw')).toHaveLength(2);
    // The call's span is there; its attempts are not.
    expect(ours(sdk.spans()).map((s) => s.name)).toEqual(['secours.execute balance']);

    // A context manager that runs the handler, then throws: the handler's answer stands.
    context.disable();
    context.setGlobalContextManager({
      active: () => ROOT_CONTEXT,
      with: (_ctx: Context, fn: () => unknown) => {
        fn();
        throw new Error('context lost');
      },
      bind: <T>(_ctx: Context, target: T) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    } as ContextManager);
    try {
      runs.length = 0;
      behaviour.app = 'ok';
      expect(await router.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'app', value: 'app-value' });
      behaviour.app = 'reject';
      await expect(router.execute('transfer', {})).rejects.toThrow(RangeError);
      expect(runs).toEqual(['app', 'app']);
    } finally {
      context.disable();
      context.setGlobalContextManager(contextManager.enable());
    }
  });

  it('defaults to the global providers', async () => {
    metrics.setGlobalMeterProvider(sdk.meterProvider);
    trace.setGlobalTracerProvider(sdk.tracerProvider);
    try {
      const { router } = setup();
      const stop = instrument(router);
      await router.execute('balance', {});
      expect(ours(sdk.spans()).map((s) => s.name)).toEqual(['secours.attempt app', 'secours.execute balance']);
      expect(await sdk.points('secours.outcomes')).toHaveLength(1);
      stop();
    } finally {
      metrics.disable();
      trace.disable();
    }
  });

  it('refuses what is not a router, bad options, a second instrumentation and a disposed router', () => {
    const { router } = setup();
    const error = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      throw new Error('did not throw');
    };
    const notRouter = error(() => instrument({} as never)) as ConfigError;
    expect(notRouter).toBeInstanceOf(ConfigError);
    expect(notRouter.issues).toEqual([{ path: 'router', message: 'expected a router from createRouter, got object' }]);

    const bad = error(() =>
      instrument(router, {
        meterProvider: {},
        tracerProvider: 'global',
        traces: 'yes',
        durationBuckets: [1, 0.5],
        metricz: true,
      } as never),
    ) as ConfigError;
    expect(bad).toBeInstanceOf(ConfigError);
    expect(bad.issues.map((i) => i.path).sort()).toEqual([
      '',
      'durationBuckets',
      'meterProvider',
      'tracerProvider',
      'traces',
    ]);

    const throwingProvider = error(() =>
      instrument(router, {
        meterProvider: {
          getMeter() {
            throw new Error('no');
          },
        },
      } as never),
    ) as ConfigError;
    expect(throwingProvider.issues).toEqual([{ path: 'meterProvider', message: 'getMeter() threw (object)' }]);

    const stop = instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
    const twice = error(() => instrument(router, { tracerProvider: sdk.tracerProvider })) as ConfigError;
    expect(twice.issues[0]?.message).toMatch(/^already instrumented/);
    stop();
    router.dispose();
    expect(error(() => instrument(router))).toBeInstanceOf(RouterDisposedError);
  });
});
