import { describe, expect, it } from 'vitest';
import { configError } from '../../test/helpers/config-error.js';
import { defineCatalog, NotExecutedError } from '../index.js';
import { ChaosError, createChaos } from './chaos.js';
import { createRandom } from './random.js';
import { createTestRouter } from './test-router.js';
import './vitest.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'App' },
    web: { kind: 'digital', label: 'Website' },
    phone: { kind: 'phone', label: 'Phone', contact: { phone: '3639' } },
  },
  operations: {
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }] },
    balance: { label: 'Balance', idempotent: true, routes: [{ channel: 'app' }, { channel: 'web' }] },
  },
});

const handlers = {
  transfer: { app: async () => 'app-ok', web: async () => 'web-ok' },
  balance: { app: async () => 1, web: async () => 2 },
};

describe('createRandom', () => {
  it('gives the same sequence for the same seed, another for another seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => createRandom(43).next())).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  it('forks streams that do not depend on draws made before', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    b.next();
    b.next();
    expect(a.fork('x').next()).toBe(b.fork('x').next());
    expect(a.fork('x').next()).not.toBe(a.fork('y').next());
  });

  it('rejects a seed that is not an integer', () => {
    expect(configError(() => createRandom(1.5)).issues).toEqual([
      { path: 'seed', message: 'expected an integer, got 1.5' },
    ]);
  });
});

describe('chaos controller', () => {
  it('runs the real handler while up', async () => {
    const { execute, chaos } = createTestRouter({ catalog, handlers });
    expect(await execute('transfer', {})).toBeServedBy('app');
    expect(chaos.count()).toEqual({ calls: 1, executed: 1 });
  });

  it('down: refuses without executing, so even a transfer fails over', async () => {
    const { execute, chaos } = createTestRouter({ catalog, handlers });
    chaos.down('app');
    const outcome = await execute('transfer', {});
    expect(outcome).toBeServedBy('web');
    expect(outcome.attempts[0]).toMatchObject({ channel: 'app', result: 'not-executed' });
    expect(chaos.count('app')).toEqual({ calls: 1, executed: 0 });
  });

  it('a route setting beats its channel setting; up on the channel clears both', async () => {
    const { execute, chaos } = createTestRouter({ catalog, handlers });
    chaos.down('app').up({ operation: 'balance', channel: 'app' });
    expect(chaos.behaviourOf('transfer', 'app').kind).toBe('down');
    expect(chaos.behaviourOf('balance', 'app').kind).toBe('up');
    expect(await execute('balance', {})).toBeServedBy('app');
    expect(await execute('transfer', {})).toBeServedBy('web');
    chaos.fail({ operation: 'balance', channel: 'app' });
    chaos.up('app');
    expect(chaos.behaviourOf('balance', 'app').kind).toBe('up');
    expect(await execute('transfer', {})).toBeServedBy('app');
  });

  it('fail: an ambiguous failure leaves a transfer uncertain, an idempotent read fails over', async () => {
    const { execute, chaos } = createTestRouter({ catalog, handlers });
    chaos.fail('app');
    const transfer = await execute('transfer', {}, { idempotencyKey: 'k-1' });
    expect(transfer).toBeUncertain('k-1');
    expect(transfer.attempts[0]).toMatchObject({ result: 'failure' });
    expect((transfer.attempts[0] as { error: unknown }).error).toBeInstanceOf(ChaosError);
    expect(await execute('balance', {})).toBeServedBy('web');
  });

  it('fail with your own error, classified by the router', async () => {
    const { execute, chaos } = createTestRouter({ catalog, handlers });
    chaos.fail('app', new NotExecutedError('503 before any work'));
    expect(await execute('transfer', {})).toBeServedBy('web');
  });

  it('notExecuted: waits, then says it did nothing', async () => {
    const { execute, chaos, time } = createTestRouter({ catalog, handlers });
    chaos.notExecuted('app', 2_000);
    const start = time?.now() ?? 0;
    expect(await execute('transfer', {})).toBeServedBy('web');
    expect((time?.now() ?? 0) - start).toBeGreaterThanOrEqual(2_000);
  });

  it('slow: the router times it out (virtual time), then the call is uncertain', async () => {
    const { execute, chaos } = createTestRouter({ catalog, handlers, breaker: { timeout: 1_000 } });
    chaos.slow('app', 5_000);
    const outcome = await execute('transfer', {});
    expect(outcome).toBeUncertain();
    expect(outcome.attempts[0]).toMatchObject({ channel: 'app', result: 'timeout' });
    expect(chaos.count('app')).toEqual({ calls: 1, executed: 0 });
  });

  it('slow under the timeout still serves', async () => {
    const { execute, chaos } = createTestRouter({ catalog, handlers, breaker: { timeout: 10_000 } });
    chaos.slow('app', 5_000);
    expect(await execute('transfer', {})).toBeServedBy('app');
  });

  it('hang: never settles, but honours the abort signal (timeout and dispose)', async () => {
    const t = createTestRouter({ catalog, handlers, breaker: { timeout: 3_000 } });
    t.chaos.hang('app');
    expect(await t.execute('balance', {})).toBeServedBy('web');
    t.chaos.hang('web');
    const pending = t.router.execute('balance', {});
    t.dispose();
    const outcome = await pending;
    expect(outcome).toBeReferredTo();
    expect(outcome).toMatchObject({ code: 'cancelled' });
  });

  it('flaky: fails a seeded share of calls, the same ones for the same seed', async () => {
    const runOnce = async (seed: number) => {
      const t = createTestRouter({
        catalog,
        handlers,
        seed,
        // Never opens: every draw is seen.
        breaker: { volumeThreshold: 1_000, consecutiveFailures: false },
      });
      t.chaos.flaky({ operation: 'balance', channel: 'app' }, 0.3);
      const served: string[] = [];
      for (let i = 0; i < 200; i++) {
        const o = await t.execute('balance', {});
        served.push(o.kind === 'served' ? o.channel : o.kind);
      }
      t.dispose();
      return served;
    };
    const a = await runOnce(5);
    expect(await runOnce(5)).toEqual(a);
    expect(await runOnce(6)).not.toEqual(a);
    const failed = a.filter((c) => c === 'web').length;
    // 200 draws at 30 %: far from 0 and from 200 for any reasonable generator.
    expect(failed).toBeGreaterThan(30);
    expect(failed).toBeLessThan(90);
  });

  it('names an unknown target or a bad behaviour with its path', () => {
    const chaos = createChaos(catalog);
    expect(configError(() => chaos.down('fax' as 'app')).issues).toEqual([
      { path: 'target', message: 'unknown channel `fax`; known channels: app, web, phone' },
    ]);
    expect(configError(() => chaos.down({ operation: 'balance', channel: 'phone' } as never)).issues[0]?.path).toBe(
      'target.channel',
    );
    expect(configError(() => chaos.flaky('app', 2)).issues).toEqual([
      { path: 'rate', message: 'expected a share between 0 and 1, got 2' },
    ]);
    expect(configError(() => chaos.slow('app', -1)).issues[0]?.path).toBe('ms');
  });
});

describe('createTestRouter', () => {
  it('disposes itself and gives the real timers back after each test', () => {
    const t = createTestRouter({ catalog, handlers });
    expect(t.time?.installed).toBe(true);
    lastRouter = t;
  });

  it('…as the previous test shows', () => {
    expect(lastRouter?.router.isDisposed).toBe(true);
    expect(lastRouter?.time?.installed).toBe(false);
    // Real Date again, not 2026-01-05 frozen.
    expect(Math.abs(Date.now() - performance.timeOrigin - performance.now())).toBeLessThan(60_000);
  });
});

let lastRouter: ReturnType<typeof createTestRouter> | undefined;
