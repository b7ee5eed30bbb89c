// An adversarial review of the router through its public entry points: values thrown by handlers
// whose every property read throws, a snapshot someone writes to, copies of a handler's context,
// timer lengths past what setTimeout can hold, bad arguments to setRemoteDown and createRouter.
// Everything time-related runs in virtual time.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, defineCatalog, type HandlerContext, UnknownOperationError } from './index.js';
import { useVirtualTime, type VirtualTime } from './testing/index.js';

const SECRET = 'SECRET-ledger.internal:5432';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'the app' },
    web: { kind: 'digital', label: 'the website' },
    phone: { kind: 'phone', label: '3639', contact: { phone: '3639' } },
  },
  operations: {
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }] },
    balance: {
      label: 'Balance',
      idempotent: true,
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }],
    },
  },
});

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f();
});
function virtualTime(): VirtualTime {
  const time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  cleanup.push(() => time.uninstall());
  return time;
}
function track<R extends { dispose(): void }>(r: R): R {
  cleanup.push(() => r.dispose());
  return r;
}

/** A value every read of which throws: `error.code`, `error[symbol]`, `instanceof`… */
function hostile(): object {
  const boom = () => {
    throw new Error(SECRET);
  };
  return new Proxy({}, { get: boom, has: boom, getPrototypeOf: boom, ownKeys: boom, getOwnPropertyDescriptor: boom });
}
function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('a handler that throws a value whose property reads throw', () => {
  const throws = {
    'a proxy, thrown synchronously': () => {
      throw hostile();
    },
    'a proxy, as a rejection': async () => {
      await null;
      throw hostile();
    },
    'a revoked proxy, as a rejection': () => Promise.reject(revoked()),
  };
  for (const [name, handler] of Object.entries(throws)) {
    it(`${name}: an idempotent call fails over, a non-idempotent one is uncertain, nothing crashes`, async () => {
      const time = virtualTime();
      const r = track(
        createRouter({
          catalog,
          clock: time.clock,
          handlers: { balance: { app: handler, web: () => 'web' }, transfer: { app: handler, web: () => 'web' } },
        }),
      );
      const balance = await time.settle(r.execute('balance', {}));
      expect(balance.kind).toBe('served');
      expect(balance).toMatchObject({ channel: 'web' });
      const transfer = await time.settle(r.execute('transfer', {}, { idempotencyKey: 'k-1' }));
      expect(transfer.kind).toBe('uncertain');
      expect(JSON.stringify(transfer)).not.toContain(SECRET);
    });
  }

  it('as the rejection of a half-open trial: the breaker opens again and the call ends', async () => {
    const time = virtualTime();
    let broken = true;
    const r = track(
      createRouter({
        catalog,
        clock: time.clock,
        breaker: { volumeThreshold: 1, resetTimeout: 1000 },
        handlers: {
          balance: {
            app: () => (broken ? Promise.reject(hostile()) : 'app'),
            web: () => 'web',
          },
        },
      }),
    );
    broken = false;
    await time.settle(r.execute('balance', {}));
    broken = true;
    // A first failure opens the breaker (volumeThreshold 1); the trial after resetTimeout fails too.
    await time.settle(r.execute('balance', {}));
    await time.advance(1000);
    const trial = await time.settle(r.execute('balance', {}));
    expect(trial).toMatchObject({ kind: 'served', channel: 'web' });
    expect(r.plan('balance').skipped).toEqual([{ channel: 'app', why: 'breaker-open' }]);
  });
});

describe('the snapshot is immutable', () => {
  it('its channels and operations tables cannot be written to', () => {
    const r = track(createRouter({ catalog, handlers: { balance: { app: () => 1 } } }));
    const snapshot = r.getSnapshot();
    expect(Object.isFrozen(snapshot.channels)).toBe(true);
    expect(Object.isFrozen(snapshot.operations)).toBe(true);
    expect(() => {
      (snapshot.channels as Record<string, unknown>).app = { status: 'major_outage' };
    }).toThrow(TypeError);
    expect(r.getSnapshot().channels.app.status).toBe('operational');
  });
});

describe('copies of a handler context', () => {
  it('`{...ctx}` carries the idempotency key: a backend called with the copy cannot run the call twice', async () => {
    let copy: Record<string, unknown> | undefined;
    const r = track(
      createRouter({
        catalog,
        handlers: {
          transfer: {
            app: (_input: unknown, ctx: HandlerContext) => {
              copy = { ...ctx };
              return 'ok';
            },
          },
        },
      }),
    );
    await r.execute('transfer', {}, { idempotencyKey: 'key-42' });
    expect(copy?.idempotencyKey).toBe('key-42');
    expect(copy?.signal).toBeInstanceOf(AbortSignal);
  });
});

describe('timer lengths past what setTimeout holds (2^31-1 ms)', () => {
  it('breaker.resetTimeout of 3e9 ms is refused, not turned into a half-open after 1 ms', async () => {
    const time = virtualTime();
    let r: ReturnType<typeof createRouter> | undefined;
    try {
      r = track(
        createRouter({
          catalog,
          clock: time.clock,
          breaker: { resetTimeout: 3e9, volumeThreshold: 1 },
          handlers: { balance: { app: () => Promise.reject(new Error('down')) } },
        }),
      );
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return;
    }
    const states: string[] = [];
    r.on('breaker', (e) => states.push(e.state));
    await time.settle(r.execute('balance', {}));
    await time.advance(10);
    expect(states).toEqual(['open']);
  });

  it('breaker.resetTimeout of 1e16 ms is a ConfigError, never a RangeError from execute', async () => {
    const time = virtualTime();
    let r: ReturnType<typeof createRouter> | undefined;
    try {
      r = track(
        createRouter({
          catalog,
          clock: time.clock,
          breaker: { resetTimeout: 1e16, volumeThreshold: 1 },
          handlers: { balance: { app: () => Promise.reject(new Error('down')) } },
        }),
      );
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return;
    }
    await expect(time.settle(r.execute('balance', {}))).resolves.toMatchObject({ kind: 'referred' });
  });

  it('scopes.idleEvictMs of 1e12 ms does not make the sweep run every millisecond', async () => {
    const time = virtualTime();
    let r: ReturnType<typeof createRouter> | undefined;
    try {
      r = track(
        createRouter({
          catalog,
          clock: time.clock,
          scopes: { idleEvictMs: 1e12 },
          handlers: { balance: { app: () => 1 } },
        }),
      );
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return;
    }
    await time.settle(r.execute('balance', {}, { scope: 'office-1' }));
    let armed = 0;
    const original = globalThis.setTimeout;
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      armed++;
      return original(...args);
    }) as typeof setTimeout;
    try {
      await time.advance(1000);
    } finally {
      globalThis.setTimeout = original;
    }
    expect(armed).toBeLessThan(10);
  });

  it('breaker.rollingCountBuckets is bounded: a million buckets per breaker is a ConfigError', () => {
    expect(() => createRouter({ catalog, breaker: { rollingCountBuckets: 1_000_000 } }).dispose()).toThrow(ConfigError);
  });
});

describe('setRemoteDown refuses bad lists with a ConfigError, never a TypeError', () => {
  const circular: unknown[] = [];
  circular.push(circular);
  const lists: Record<string, () => unknown> = {
    'a bigint channel': () => [{ operation: 'balance', channel: 1n }],
    'a bigint entry': () => [1n],
    'a circular entry': () => [circular],
    'a revoked proxy entry': () => [revoked()],
    'a revoked proxy list': () => revoked(),
    'an entry whose getter throws': () => [
      {
        get operation() {
          throw new Error(SECRET);
        },
        channel: 'app',
      },
    ],
  };
  for (const [name, list] of Object.entries(lists)) {
    it(name, () => {
      const r = track(createRouter({ catalog, handlers: { balance: { app: () => 1 } } }));
      const before = r.getSnapshot();
      expect(() => r.setRemoteDown('feed', list() as never)).toThrow(ConfigError);
      expect(r.getSnapshot()).toBe(before);
    });
  }
});

describe('createRouter refuses unreadable options with a ConfigError', () => {
  const boom = () => {
    throw new Error(SECRET);
  };
  const options: Record<string, () => unknown> = {
    'options are a revoked proxy': () => revoked(),
    'the catalog getter throws': () => ({
      get catalog() {
        return boom();
      },
    }),
    'the clock getter throws': () => ({
      catalog,
      get clock() {
        return boom();
      },
    }),
    'the clock is a revoked proxy': () => ({ catalog, clock: revoked() }),
    'clock.now is a getter that throws': () => ({
      catalog,
      clock: {
        get now() {
          return boom();
        },
      },
    }),
    'handlers are a revoked proxy': () => ({ catalog, handlers: revoked() }),
    'a handler getter throws': () => ({
      catalog,
      handlers: {
        balance: {
          get app() {
            return boom();
          },
        },
      },
    }),
    'a breaker option getter throws': () => ({
      catalog,
      breaker: {
        get timeout() {
          return boom();
        },
      },
    }),
    'classify is not a function': () => ({ catalog, classify: 5 }),
  };
  for (const [name, make] of Object.entries(options)) {
    it(name, () => {
      let thrown: unknown;
      try {
        createRouter(make() as never).dispose();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect(String((thrown as Error).message)).not.toContain(SECRET);
    });
  }
});

describe('an operation argument that cannot be turned into a string', () => {
  const op = {
    toString() {
      throw new Error(SECRET);
    },
  };
  it('execute rejects with UnknownOperationError', async () => {
    const r = track(createRouter({ catalog }));
    await expect(r.execute(op as never, {} as never)).rejects.toBeInstanceOf(UnknownOperationError);
  });
  it('plan throws UnknownOperationError', () => {
    const r = track(createRouter({ catalog }));
    expect(() => r.plan(op as never)).toThrow(UnknownOperationError);
  });
});

describe('declareOutage refuses unreadable input with a ConfigError', () => {
  const boom = () => {
    throw new Error(SECRET);
  };
  class BadDate extends Date {
    override getTime(): number {
      return boom();
    }
  }
  const inputs: Record<string, () => unknown> = {
    'a revoked proxy': () => revoked(),
    'a reason whose every read throws': () => ({ channels: ['app'], reason: hostile() }),
    'an until Date whose getTime throws': () => ({ channels: ['app'], reason: 'down', until: new BadDate() }),
  };
  for (const [name, make] of Object.entries(inputs)) {
    it(name, () => {
      const r = track(createRouter({ catalog, handlers: { balance: { app: () => 1 } } }));
      const before = r.getSnapshot();
      let thrown: unknown;
      try {
        r.declareOutage(make() as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect(String((thrown as Error).message)).not.toContain(SECRET);
      expect(r.getSnapshot()).toBe(before);
    });
  }
});

describe('event listeners', () => {
  it('`on` with something that is not a function is a ConfigError, not a TypeError from the emitter', () => {
    const r = track(createRouter({ catalog }));
    expect(() => r.on('served', 5 as never)).toThrow(ConfigError);
    expect(() => r.once('served', 5 as never)).toThrow(ConfigError);
  });
});

describe('snapshot subscriptions', () => {
  it('one of two subscriptions of the same function ended: the other still hears changes', async () => {
    const r = track(createRouter({ catalog, handlers: { balance: { app: () => 1 } } }));
    let heard = 0;
    const listener = () => {
      heard++;
    };
    const first = r.subscribe(listener);
    r.subscribe(listener);
    first();
    r.setRemoteDown('feed', [{ operation: 'balance', channel: 'app' }]);
    await Promise.resolve();
    await Promise.resolve();
    expect(heard).toBe(1);
  });

  it('a listener unsubscribed by another during a notification is not called after its unsubscribe returned', async () => {
    const r = track(createRouter({ catalog, handlers: { balance: { app: () => 1 } } }));
    let late = 0;
    let stopSecond: () => void = () => {};
    r.subscribe(() => stopSecond());
    stopSecond = r.subscribe(() => {
      late++;
    });
    r.setRemoteDown('feed', [{ operation: 'balance', channel: 'app' }]);
    await Promise.resolve();
    await Promise.resolve();
    expect(late).toBe(0);
  });
});

describe('a clock at the edge of what a Date holds', () => {
  // Opening hours are read through Intl, which cannot format a year past 9999.
  const hoursCatalog = defineCatalog({
    channels: {
      app: { kind: 'digital', label: 'the app' },
      counter: {
        kind: 'in-person',
        label: 'the counter',
        hours: { timeZone: 'Europe/Paris', weekly: { mon: ['09:00-17:00'] } },
      },
    },
    operations: {
      balance: { label: 'Balance', idempotent: true, routes: [{ channel: 'app' }, { channel: 'counter' }] },
    },
  });
  for (const at of [Date.parse('9999-12-31T23:59:59.999Z'), 8.64e15 - 1000, -8.64e15 + 1000]) {
    it(`a clock at ${at} is refused up front or read as Date.now, never a RangeError from execute`, async () => {
      let r: ReturnType<typeof createRouter<typeof hoursCatalog, Record<never, never>>> | undefined;
      try {
        r = track(createRouter({ catalog: hoursCatalog, clock: { now: () => at } }));
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
      }
      let now = Date.parse('2026-01-05T10:00:00Z');
      const later = track(createRouter({ catalog: hoursCatalog, clock: { now: () => now } }));
      now = at;
      await expect(later.execute('balance', {})).resolves.toMatchObject({ kind: 'referred' });
      if (r) await expect(r.execute('balance', {})).resolves.toMatchObject({ kind: 'referred' });
    });
  }
});

describe('bounds on what a call and the options may carry', () => {
  const cat = defineCatalog({
    channels: { app: { kind: 'digital', label: 'App' }, phone: { kind: 'phone', label: 'Phone' } },
    operations: { transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'phone' }] } },
  });

  it('an idempotency key longer than 255 characters is an InvalidInputError at ctx.idempotencyKey', async () => {
    const r = track(createRouter({ catalog: cat, handlers: { transfer: { app: () => 'ok' } } }));
    const error = await r.execute('transfer', {}, { idempotencyKey: 'k'.repeat(10_000_000) }).catch((e) => e);
    expect(error).toMatchObject({ name: 'InvalidInputError', issues: [{ path: 'ctx.idempotencyKey' }] });
    expect(String(error.message).length).toBeLessThan(2_000);
    await expect(r.execute('transfer', {}, { idempotencyKey: 'k'.repeat(255) })).resolves.toMatchObject({
      kind: 'served',
    });
  });

  it('100,000 bad exclude entries give a bounded list of problems, not 100,000', async () => {
    const r = track(createRouter({ catalog: cat, handlers: { transfer: { app: () => 'ok' } } }));
    const many = await r
      .execute('transfer', {}, { exclude: Array(100_000).fill(1) as unknown as ['app'] })
      .catch((e) => e);
    expect(many).toMatchObject({ name: 'InvalidInputError', issues: [{ path: 'ctx.exclude' }] });
    const some = await r.execute('transfer', {}, { exclude: Array(500).fill(1) as unknown as ['app'] }).catch((e) => e);
    expect(some.name).toBe('InvalidInputError');
    expect(some.issues.length).toBeLessThanOrEqual(21);
    expect(some.issues[0].path).toBe('ctx.exclude[0]');
  });

  it('handlers given as a Map are a ConfigError, not silently no handlers', () => {
    const asMap = new Map([['transfer', { app: () => 'ok' }]]);
    expect(() => createRouter({ catalog: cat, handlers: asMap as never })).toThrow(ConfigError);
    const inner = { transfer: new Map([['app', () => 'ok']]) };
    expect(() => createRouter({ catalog: cat, handlers: inner as never })).toThrow(/handlers\.transfer/);
  });
});
