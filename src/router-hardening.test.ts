// biome-ignore-all lint/suspicious/noThenProperty: hostile thenables are what these tests are about
// The router under hostile and unlucky input: ids that are Object.prototype members, handlers
// that misbehave, bad call contexts, cancelled trials, copies of outcomes and contexts.
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineCatalog, parseCatalog } from './catalog.js';
import { ConfigError, InvalidInputError } from './errors.js';
import { createRouter, type Handler, type HandlerContext, type Router } from './router.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'the app' },
    web: { kind: 'digital', label: 'the website' },
    phone: { kind: 'phone', label: '3639', contact: { phone: '3639' } },
  },
  operations: {
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'phone' }] },
    balance: { label: 'Balance', idempotent: true, routes: [{ channel: 'app' }, { channel: 'web' }] },
  },
});

const routers: { dispose(): void }[] = [];
function track<R extends { dispose(): void }>(r: R): R {
  routers.push(r);
  return r;
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-01-05T10:00:00Z') });
});
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
  vi.useRealTimers();
});

// `__proto__` itself is refused by the catalogue (catalog.test.ts); every other member is an id like any other.
const PROTO_IDS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable'];

describe('ids that are Object.prototype members', () => {
  for (const id of PROTO_IDS) {
    it(`a referral-only route on channel \`${id}\` of operation \`${id}\` is referred, never served`, async () => {
      const channels = Object.fromEntries([
        [id, { kind: 'phone', label: 'phone' }],
        ['app', { kind: 'digital', label: 'app' }],
      ]);
      const operations = Object.fromEntries([[id, { label: 'Op', routes: [{ channel: id }] }]]);
      const cat = parseCatalog({ channels, operations });
      const r = track(createRouter({ catalog: cat, handlers: {} })) as unknown as Router;
      const outcome = await r.execute(id, {});
      expect(outcome.kind).toBe('referred');
      expect(outcome).toMatchObject({ code: 'manual' });
      expect(r.plan(id).willTry).toEqual([]);
      const snapshot = r.getSnapshot();
      expect(Object.hasOwn(snapshot.channels, id)).toBe(true);
      expect(Object.hasOwn(snapshot.operations, id)).toBe(true);
      expect((snapshot.operations as Record<string, { status: string }>)[id]?.status).toBe('operational');
    });
  }

  it('a channel named like a prototype member with a handler runs that handler', async () => {
    const cat = parseCatalog({
      channels: { constructor: { kind: 'digital', label: 'c' }, toString: { kind: 'phone', label: 't' } },
      operations: { valueOf: { label: 'v', routes: [{ channel: 'constructor' }, { channel: 'toString' }] } },
    });
    const handler = vi.fn(async () => 42);
    const r = track(
      createRouter({ catalog: cat, handlers: { valueOf: { constructor: handler } } }),
    ) as unknown as Router;
    expect(await r.execute('valueOf', {})).toMatchObject({ kind: 'served', channel: 'constructor' });
    expect(handler).toHaveBeenCalledOnce();
  });

  it('an unknown operation named like a prototype member is an UnknownOperationError', async () => {
    const r = track(createRouter({ catalog, handlers: {} })) as unknown as Router;
    await expect(r.execute('constructor', {})).rejects.toMatchObject({ name: 'UnknownOperationError' });
    expect(() => r.plan('toString')).toThrow(expect.objectContaining({ name: 'UnknownOperationError' }));
  });
});

describe('handlers that misbehave are failures like any other', () => {
  const hostile: [string, Handler][] = [
    [
      'a thenable whose then throws',
      () => ({
        then: () => {
          throw new Error('then blew up at db-7.internal');
        },
      }),
    ],
    [
      'a thenable whose then getter throws',
      () =>
        Object.defineProperty({}, 'then', {
          get: () => {
            throw new Error('getter');
          },
        }),
    ],
    [
      'a synchronous throw',
      () => {
        throw new Error('sync');
      },
    ],
    [
      'a throw of null',
      () => {
        throw null;
      },
    ],
    [
      'a throw of undefined',
      () => {
        throw undefined;
      },
    ],
    [
      'a throw of a string',
      () => {
        throw 'plain string';
      },
    ],
    [
      'a throw of an object with throwing getters',
      () => {
        throw Object.defineProperties(
          {},
          {
            message: {
              get: () => {
                throw new Error('x');
              },
            },
            name: {
              get: () => {
                throw new Error('y');
              },
            },
          },
        );
      },
    ],
    ['a rejection with null', () => Promise.reject(null)],
  ];
  for (const [what, handler] of hostile) {
    it(`${what}: an outcome, never a rejection, and nothing left running`, async () => {
      const r = track(
        createRouter({
          catalog,
          handlers: { transfer: { app: handler }, balance: { app: handler, web: async () => 'web' } },
        }),
      );
      const attempts: string[] = [];
      r.on('attempt', (e) => attempts.push(e.attempt.result));
      const transfer = await r.execute('transfer', {});
      expect(transfer.kind).toBe('uncertain');
      const balance = await r.execute('balance', {});
      expect(balance).toMatchObject({ kind: 'served', channel: 'web' });
      expect(JSON.stringify(transfer)).not.toMatch(/internal|blew/);
      expect(attempts).toEqual(['failure', 'failure', 'success']);
      // Nothing still waits on the deadline: no late timeout turns up.
      await vi.advanceTimersByTimeAsync(60_000);
      expect(attempts).toEqual(['failure', 'failure', 'success']);
      r.dispose();
      expect(vi.getTimerCount()).toBe(0);
    });
  }

  it('a thenable that never settles times out into an outcome and leaves no timer', async () => {
    const r = track(
      createRouter({ catalog, handlers: { transfer: { app: () => ({ then() {} }) } }, breaker: { timeout: 1000 } }),
    );
    const pending = r.execute('transfer', {});
    await vi.advanceTimersByTimeAsync(1000);
    expect(await pending).toMatchObject({ kind: 'uncertain' });
    r.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a thenable that settles twice, then throws, counts once', async () => {
    const handler: Handler = () => ({
      then(ok: (v: unknown) => void, fail: (e: unknown) => void) {
        ok(1);
        fail(new Error('late'));
        throw new Error('later');
      },
    });
    const r = track(createRouter({ catalog, handlers: { transfer: { app: handler } } }));
    expect(await r.execute('transfer', {})).toMatchObject({ kind: 'served', value: 1 });
  });
});

describe('the handler context is plain data', () => {
  it('is frozen, carries nothing of the router, and copies and serialises its fields', async () => {
    let seen: HandlerContext | undefined;
    const r = track(
      createRouter({
        catalog,
        handlers: {
          transfer: {
            app: (_input, ctx) => {
              seen = ctx;
              return 'ok';
            },
          },
        },
      }),
    );
    const given = { idempotencyKey: 'k-1', locale: 'en', amount: 10, user: { id: 7 }, scope: 'office-1' } as const;
    await r.execute('transfer', {}, given);
    const ctx = seen as HandlerContext;
    expect(Object.isFrozen(ctx)).toBe(true);
    const data = {
      operation: 'transfer',
      channel: 'app',
      attempt: 1,
      locale: 'en',
      amount: 10,
      user: { id: 7 },
      scope: 'office-1',
    };
    // Exactly the documented fields, all of them copied by a spread (the signal and the key
    // too: a handler forwarding `{...ctx}` forwards the key); nothing of the router.
    const copy = { ...ctx };
    expect(Object.keys(copy).sort()).toEqual([...Object.keys(data), 'idempotencyKey', 'signal'].sort());
    expect(copy).toMatchObject({ ...data, idempotencyKey: 'k-1' });
    expect(copy.signal).toBeInstanceOf(AbortSignal);
    expect(copy.signal).toBe(ctx.signal);
    // Serialisable: the signal as an empty object, everything else as given.
    expect(JSON.parse(JSON.stringify(ctx))).toEqual({ ...data, idempotencyKey: 'k-1', signal: {} });
    expect(() => {
      (ctx as { attempt: number }).attempt = 2;
    }).toThrow(TypeError);
  });
});

describe('copies of an outcome hold no handler error', () => {
  it('spread, structuredClone and JSON leave attempts out; outcome.attempts still reads them', async () => {
    const r = track(
      createRouter({
        catalog,
        handlers: {
          transfer: {
            app: async () => {
              throw new Error('ECONNREFUSED core-7.internal');
            },
          },
        },
      }),
    );
    const outcome = await r.execute('transfer', {});
    expect(outcome.attempts[0]).toMatchObject({ result: 'failure' });
    for (const copy of [{ ...outcome }, structuredClone(outcome), JSON.parse(JSON.stringify(outcome))]) {
      expect(copy).not.toHaveProperty('attempts');
      expect(JSON.stringify(copy)).not.toContain('internal');
      expect(copy).toMatchObject({ kind: 'uncertain', operation: 'transfer', channel: 'app' });
    }
    expect(Object.keys(outcome)).not.toContain('attempts');
  });
});

describe('a bad call context is an InvalidInputError with its path', () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const throwing = {
    toString: () => {
      throw new Error('no');
    },
    toJSON: () => {
      throw new Error('no');
    },
  };
  const cases: [string, () => unknown, string][] = [
    ['a plain object as signal', () => ({ signal: { aborted: false } }), 'ctx.signal'],
    ['a string as signal', () => ({ signal: 'abort' }), 'ctx.signal'],
    ['a revoked proxy as signal', () => ({ signal: revoked() }), 'ctx.signal'],
    ['a bigint locale', () => ({ locale: 10n }), 'ctx.locale'],
    ['an object locale with throwing toString', () => ({ locale: throwing }), 'ctx.locale'],
    ['a number user', () => ({ user: 5 }), 'ctx.user'],
    ['a null user', () => ({ user: null }), 'ctx.user'],
    ['a number idempotency key', () => ({ idempotencyKey: 5 }), 'ctx.idempotencyKey'],
    ['an amount with throwing toString', () => ({ amount: throwing }), 'ctx.amount'],
    ['a symbol amount', () => ({ amount: Symbol('x') }), 'ctx.amount'],
    ['a scope object', () => ({ scope: {} }), 'ctx.scope'],
    ['an exclude entry that is not a string', () => ({ exclude: [throwing] }), 'ctx.exclude[0]'],
    ['a revoked proxy as exclude', () => ({ exclude: revoked() }), 'ctx.exclude'],
    ['a revoked proxy as ctx', () => revoked(), 'ctx'],
    [
      'a ctx whose getter throws',
      () =>
        Object.defineProperty({}, 'locale', {
          get: () => {
            throw new Error('x');
          },
          enumerable: true,
        }),
      'ctx.locale',
    ],
  ];
  for (const [what, ctx, path] of cases) {
    it(`${what}: rejects at ${path}, never throws`, async () => {
      const handler = vi.fn(async () => 'ok');
      const r = track(createRouter({ catalog, handlers: { transfer: { app: handler } } })) as unknown as Router;
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = r.execute('transfer', {}, ctx() as never);
      }).not.toThrow();
      const error = await (promise as Promise<unknown>).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues.map((i) => i.path)).toContain(path);
      expect(() => r.plan('transfer', ctx() as never)).toThrow(InvalidInputError);
      expect(handler).not.toHaveBeenCalled();
    });
  }

  it('accepts undefined for every optional field', async () => {
    const r = track(createRouter({ catalog, handlers: { transfer: { app: async () => 'ok' } } }));
    const ctx = {
      locale: undefined,
      idempotencyKey: undefined,
      signal: undefined,
      exclude: undefined,
      amount: undefined,
      user: undefined,
      scope: undefined,
    };
    expect(await r.execute('transfer', {}, ctx)).toMatchObject({ kind: 'served' });
  });
});

describe('one long-lived signal shared by many calls', () => {
  it('50 concurrent calls on one signal print no MaxListenersExceededWarning, and all cancel on abort', async () => {
    vi.useRealTimers();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const r = track(
        createRouter({
          catalog,
          handlers: {
            balance: {
              app: (_i, ctx) =>
                new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
            },
          },
          breaker: { timeout: false, volumeThreshold: 1000 },
        }),
      );
      const controller = new AbortController();
      const calls = Array.from({ length: 50 }, () => r.execute('balance', {}, { signal: controller.signal }));
      // Node prints the warning on the next turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      const outcomes = await Promise.all(calls);
      expect(outcomes.every((o) => o.kind === 'referred' && o.code === 'cancelled')).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
      // Calls that ended leave nothing on a signal that lives on.
      const lasting = new AbortController();
      const served = createRouter({ catalog, handlers: { balance: { app: async () => 'ok' } } });
      track(served);
      const pending = Array.from({ length: 50 }, () => served.execute('balance', {}, { signal: lasting.signal }));
      expect(getEventListeners(lasting.signal, 'abort').length).toBeLessThanOrEqual(1);
      expect((await Promise.all(pending)).every((o) => o.kind === 'served')).toBe(true);
      expect(getEventListeners(lasting.signal, 'abort')).toHaveLength(0);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('a cancelled half-open trial proves nothing', () => {
  const hangUntilAborted: Handler = (_input, ctx) =>
    new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));

  function openBreaker() {
    let mode: 'fail' | 'hang' = 'fail';
    const app = vi.fn((input: unknown, ctx: HandlerContext) =>
      mode === 'fail' ? Promise.reject(new Error('down')) : hangUntilAborted(input, ctx),
    );
    const r = track(
      createRouter({
        catalog,
        handlers: { balance: { app, web: async () => 'web' }, transfer: { app } },
        breaker: { timeout: false, volumeThreshold: 2, resetTimeout: 30_000 },
      }),
    );
    const states: string[] = [];
    r.on('breaker', (e) => states.push(`${e.operation}/${e.state}`));
    return {
      r,
      app,
      states,
      hang: () => {
        mode = 'hang';
      },
      fail: () => {
        mode = 'fail';
      },
    };
  }

  for (const operation of ['balance', 'transfer'] as const) {
    it(`${operation}: the caller's abort leaves the breaker open, the route not announced healthy`, async () => {
      const { r, app, states, hang } = openBreaker();
      await r.execute(operation, {});
      await r.execute(operation, {});
      expect(states).toEqual([`${operation}/open`]);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(states).toEqual([`${operation}/open`, `${operation}/half-open`]);
      hang();
      const controller = new AbortController();
      const trial = r.execute(operation, {}, { signal: controller.signal });
      await vi.advanceTimersByTimeAsync(0);
      controller.abort();
      const outcome = await trial;
      expect(outcome.kind === 'uncertain' || (outcome.kind === 'referred' && outcome.code === 'cancelled')).toBe(true);
      expect(states).not.toContain(`${operation}/closed`);
      expect(r.getSnapshot().channels.app.status).not.toBe('operational');
      const calls = app.mock.calls.length;
      const next = await r.execute(operation, {});
      expect(next.attempts[0]).toMatchObject({ channel: 'app', result: 'skipped', why: 'breaker-open' });
      expect(app).toHaveBeenCalledTimes(calls);
    });
  }

  it('a call that started on a closed breaker and is cancelled once it half-opened does not close it', async () => {
    const { r, states, hang, fail } = openBreaker();
    hang();
    const controller = new AbortController();
    const early = r.execute('balance', {}, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(0);
    fail();
    await r.execute('balance', {});
    await r.execute('balance', {});
    expect(states).toEqual(['balance/open']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(states).toEqual(['balance/open', 'balance/half-open']);
    controller.abort();
    expect(await early).toMatchObject({ kind: 'referred', code: 'cancelled' });
    expect(states).toEqual(['balance/open', 'balance/half-open']);
    expect(r.getSnapshot().channels.app.status).not.toBe('operational');
  });
});

describe('the snapshot sees every change it shows', () => {
  const tomorrow = () => Date.now() + 86_400_000;

  it('an outage replaced by one with the same id, in one synchronous block, is a new snapshot', async () => {
    const r = track(createRouter({ catalog, handlers: {} }));
    const listener = vi.fn();
    r.subscribe(listener);
    r.declareOutage({ id: 'inc-1', channels: ['app'], reason: 'App down' });
    await vi.advanceTimersByTimeAsync(0);
    const before = r.getSnapshot();
    expect(listener).toHaveBeenCalledTimes(1);
    r.endOutage('inc-1');
    const replacement = r.declareOutage({ id: 'inc-1', channels: ['app'], reason: 'App down' });
    await vi.advanceTimersByTimeAsync(0);
    const after = r.getSnapshot();
    expect(after).not.toBe(before);
    expect(after.version).toBe(before.version + 1);
    expect(after.outages[0]).toBe(replacement);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('a scheduled outage replaced with another end is a new snapshot', async () => {
    const r = track(createRouter({ catalog, handlers: {} }));
    r.declareOutage({
      id: 'maint',
      kind: 'maintenance',
      channels: ['web'],
      reason: 'Maintenance',
      from: tomorrow(),
      until: tomorrow() + 3_600_000,
    });
    const before = r.getSnapshot();
    r.endOutage('maint');
    r.declareOutage({
      id: 'maint',
      kind: 'maintenance',
      channels: ['web'],
      reason: 'Maintenance',
      from: tomorrow(),
      until: tomorrow() + 7_200_000,
    });
    const after = r.getSnapshot();
    expect(after).not.toBe(before);
    expect(after.version).toBe(before.version + 1);
    expect(after.outages[0]?.until).not.toBe(before.outages[0]?.until);
  });

  it('a recomputation with nothing changed keeps the same object', async () => {
    const r = track(createRouter({ catalog, handlers: {} }));
    const o = r.declareOutage({ id: 'x', channels: ['phone'], reason: 'Phone down' });
    const first = r.getSnapshot();
    r.setRemoteDown('feed', []);
    r.setRemoteDown('feed', [{ operation: 'balance', channel: 'web' }]);
    r.setRemoteDown('feed', []);
    expect(r.getSnapshot()).toBe(first);
    expect(first.outages).toEqual([o]);
  });
});

describe('createRouter options are checked up front', () => {
  for (const [what, now] of [
    ['NaN', () => Number.NaN],
    ['Infinity', () => Number.POSITIVE_INFINITY],
    ['a string', () => '2026-01-05'],
    ['past what a Date holds', () => 1e20],
    [
      'a throw',
      () => {
        throw new Error('no clock');
      },
    ],
  ] as const) {
    it(`a clock answering ${what} is a ConfigError at clock.now`, () => {
      let error: unknown;
      try {
        createRouter({ catalog, handlers: {}, clock: { now: now as () => number } });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['clock.now']);
    });
  }

  it('a clock that starts answering NaN later: Date.now is used, one warning, no RangeError', async () => {
    let t: number = Date.now();
    const r = track(
      createRouter({ catalog, handlers: { balance: { app: async () => 'ok' } }, clock: { now: () => t } }),
    );
    const warnings: string[] = [];
    r.on('warning', (w) => warnings.push(w.code));
    t = Number.NaN;
    const outage = r.declareOutage({ channels: ['phone'], reason: 'Phone down', until: Date.now() + 60_000 });
    expect(outage.declaredAt).toBe(new Date().toISOString());
    expect(await r.execute('balance', {})).toMatchObject({ kind: 'served' });
    expect(await r.execute('transfer', {})).toMatchObject({ kind: 'referred' });
    expect(r.getSnapshot().outages).toEqual([outage]);
    expect(warnings).toEqual(['clock-invalid']);
  });

  it('a raw catalogue whose route names an unknown channel is a ConfigError with its path', () => {
    const raw = {
      channels: { app: { kind: 'digital', label: 'app' } },
      operations: { transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'nowhere' }] } },
    };
    let error: unknown;
    try {
      createRouter({ catalog: raw as never, handlers: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toContain('operations.transfer.routes[1].channel');
  });

  it('accepts undefined for every optional option, as exactOptionalPropertyTypes users pass it', async () => {
    const r = track(
      createRouter({
        catalog,
        handlers: { transfer: { app: async () => 1 } },
        breaker: { timeout: undefined, volumeThreshold: undefined, resetTimeout: undefined },
        scopes: { channels: undefined, idleEvictMs: undefined, majorOutageShare: undefined },
        clock: undefined,
        classify: undefined,
        inputs: undefined,
      }),
    );
    const outage = r.declareOutage({
      channels: ['phone'],
      reason: 'x',
      until: undefined,
      id: undefined,
      from: undefined,
    });
    expect(outage.until).toBeUndefined();
    expect(await r.execute('transfer', {})).toMatchObject({ kind: 'served' });
  });

  it('a raw catalogue that is valid works like a defined one', async () => {
    const raw = JSON.parse(JSON.stringify(catalog));
    const r = track(
      createRouter({ catalog: raw, handlers: { transfer: { app: async () => 1 } } }),
    ) as unknown as Router;
    expect(await r.execute('transfer', {})).toMatchObject({ kind: 'served', value: 1 });
  });
});
