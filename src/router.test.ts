import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import type { BreakerOptions } from './breaker/options.js';
import { defineCatalog } from './catalog.js';
import {
  CancelledError,
  ConfigError,
  InvalidInputError,
  NotExecutedError,
  RouterDisposedError,
  UnknownChannelError,
  UnknownOperationError,
} from './errors.js';
import { type Classify, createRouter, type Handler, type Handlers } from './router.js';

// Monday 9 April 2018, 10:00 in Paris (UTC+2).
const MONDAY_10H = Date.parse('2018-04-09T08:00:00Z');

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: { fr: "l'appli", en: 'the app' }, dependsOn: ['online-banking'] },
    web: { kind: 'digital', label: { fr: 'le site web', en: 'the website' }, dependsOn: ['online-banking'] },
    core: { kind: 'digital', label: 'core banking API', internal: true },
    phone: {
      kind: 'phone',
      label: { fr: 'le 3639', en: '3639' },
      contact: { phone: '3639' },
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['08:00-20:00'], tue: ['08:00-20:00'], sat: ['08:00-12:00'] } },
    },
    counter: {
      kind: 'in-person',
      label: { fr: 'le guichet', en: 'the counter' },
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['14:00-17:00'] } },
      dependsOn: ['counter-it'],
    },
    relay: { kind: 'in-person', label: { fr: 'le relais', en: 'the relay point' } },
  },
  operations: {
    transfer: {
      label: { fr: 'Virement', en: 'Transfer' },
      routes: [
        { channel: 'app' },
        { channel: 'web' },
        { channel: 'phone', instructions: { fr: 'Appelez le 3639.', en: 'Call 3639.' } },
        { channel: 'counter' },
      ],
    },
    balance: {
      label: { fr: 'Solde', en: 'Balance' },
      idempotent: true,
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'core' }, { channel: 'phone' }],
    },
    withdrawal: {
      label: { fr: 'Retrait', en: 'Withdrawal' },
      routes: [{ channel: 'counter' }, { channel: 'relay', limits: { maxAmount: 350 } }],
    },
  },
});

type Cat = typeof catalog;
const routers: { dispose(): void }[] = [];

interface Options {
  handlers?: Handlers<Cat>;
  classify?: Classify;
  breaker?: BreakerOptions;
}

function router(options: Options = {}) {
  const r = createRouter({
    catalog,
    handlers: options.handlers ?? {},
    classify: options.classify,
    breaker: { timeout: 1000, volumeThreshold: 2, resetTimeout: 30_000, ...options.breaker },
  });
  routers.push(r);
  return r;
}

const ok =
  (value: unknown = 'ok'): Handler =>
  async () =>
    value;
const boom = (message = 'ECONNREFUSED core-banking-7.internal:8443'): Handler =>
  vi.fn(async () => {
    throw new Error(message);
  });

beforeEach(() => {
  vi.useFakeTimers({ now: MONDAY_10H });
});
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
  vi.useRealTimers();
});

describe('execute: served', () => {
  it('serves on the first route, not degraded', async () => {
    const r = router({ handlers: { transfer: { app: ok({ id: 1 }) } } });
    const outcome = await r.execute('transfer', {});
    expect(outcome).toMatchObject({
      kind: 'served',
      operation: 'transfer',
      channel: 'app',
      value: { id: 1 },
      degraded: false,
    });
  });

  it('fails over after any failure of an idempotent operation and is served degraded', async () => {
    const app = boom();
    const r = router({ handlers: { balance: { app, web: ok(42) } } });
    const outcome = await r.execute('balance', {});
    expect(outcome).toMatchObject({ kind: 'served', channel: 'web', value: 42, degraded: true });
    expect(app).toHaveBeenCalledTimes(1);
    expect(outcome.attempts.map((a) => [a.channel, a.result])).toEqual([
      ['app', 'failure'],
      ['web', 'success'],
    ]);
  });

  it('gives each handler the context: key kept across failover, attempt counted, locale, amount, user', async () => {
    const seen: unknown[] = [];
    const record: Handler = async (_input, ctx) => {
      seen.push({
        key: ctx.idempotencyKey,
        attempt: ctx.attempt,
        channel: ctx.channel,
        op: ctx.operation,
        locale: ctx.locale,
        amount: ctx.amount,
        user: ctx.user,
      });
      if (ctx.channel === 'app') throw new NotExecutedError();
      return 'done';
    };
    const r = router({ handlers: { transfer: { app: record, web: record } } });
    await r.execute('transfer', {}, { idempotencyKey: 'k-1', locale: 'en', amount: 20, user: { hasApp: true } });
    expect(seen).toEqual([
      { key: 'k-1', attempt: 1, channel: 'app', op: 'transfer', locale: 'en', amount: 20, user: { hasApp: true } },
      { key: 'k-1', attempt: 2, channel: 'web', op: 'transfer', locale: 'en', amount: 20, user: { hasApp: true } },
    ]);
  });

  it('generates an idempotency key when none is given, the same for every attempt of the call', async () => {
    const keys: string[] = [];
    const record: Handler = async (_i, ctx) => {
      keys.push(ctx.idempotencyKey);
      throw new NotExecutedError();
    };
    const r = router({ handlers: { transfer: { app: record, web: record } } });
    await r.execute('transfer', {});
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('accepts handlers that return plain values', async () => {
    const r = router({ handlers: { balance: { app: () => 7 } } });
    expect(await r.execute('balance', {})).toMatchObject({ kind: 'served', value: 7 });
  });
});

describe('execute: non-idempotent operations never run twice', () => {
  it('a timeout gives uncertain, and the handler ran exactly once', async () => {
    const app = vi.fn(
      (_input: unknown, ctx: { signal: AbortSignal }) =>
        new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    );
    const web = vi.fn(ok());
    const r = router({ handlers: { transfer: { app, web } } });
    const pending = r.execute('transfer', {}, { idempotencyKey: 'ref-42', locale: 'en' });
    await vi.advanceTimersByTimeAsync(1000);
    const outcome = await pending;
    expect(outcome).toMatchObject({ kind: 'uncertain', channel: 'app', reference: 'ref-42' });
    expect(outcome.kind === 'uncertain' && outcome.reason).toContain('ref-42');
    expect(app).toHaveBeenCalledTimes(1);
    expect(web).not.toHaveBeenCalled();
    expect(outcome.attempts[0]).toMatchObject({ channel: 'app', result: 'timeout' });
  });

  it('an unclassified error gives uncertain and no other automated route is tried', async () => {
    const web = vi.fn(ok());
    const r = router({ handlers: { transfer: { app: boom(), web } } });
    const outcome = await r.execute('transfer', {});
    expect(outcome.kind).toBe('uncertain');
    expect(web).not.toHaveBeenCalled();
  });

  it('fails over after NotExecutedError, which still counts against the breaker', async () => {
    const app = vi.fn(async () => {
      throw new NotExecutedError('terminal offline');
    });
    const r = router({ handlers: { transfer: { app, web: ok('web') } } });
    for (let i = 0; i < 2; i++)
      expect(await r.execute('transfer', {})).toMatchObject({ kind: 'served', channel: 'web', degraded: true });
    expect(r.getSnapshot().channels.app.status).not.toBe('operational');
    const third = await r.execute('transfer', {});
    expect(app).toHaveBeenCalledTimes(2);
    expect(third.attempts[0]).toEqual({ channel: 'app', result: 'skipped', why: 'breaker-open' });
  });

  it("fails over when classify says 'not-executed'", async () => {
    const r = router({
      handlers: { transfer: { app: boom('503 before commit'), web: ok('web') } },
      classify: (e: unknown) => ((e as Error).message.startsWith('503') ? 'not-executed' : undefined),
    });
    expect(await r.execute('transfer', {})).toMatchObject({ kind: 'served', channel: 'web' });
  });

  it('a non-idempotent cancelled call is uncertain once its handler ran', async () => {
    const controller = new AbortController();
    const r = router({ handlers: { transfer: { app: () => new Promise(() => {}) } } });
    const pending = r.execute('transfer', {}, { signal: controller.signal, idempotencyKey: 'k' });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'uncertain', reference: 'k' });
  });
});

describe('execute: rejections are the operation’s own answer', () => {
  class InsufficientFunds extends Error {}
  it('rethrows the error unchanged, does not fail over and does not count against the breaker', async () => {
    const error = new InsufficientFunds('insufficient funds');
    const app = vi.fn(async () => {
      throw error;
    });
    const web = vi.fn(ok());
    const r = router({
      handlers: { transfer: { app, web } },
      classify: (e: unknown) => (e instanceof InsufficientFunds ? 'rejection' : undefined),
    });
    for (let i = 0; i < 5; i++) await expect(r.execute('transfer', {})).rejects.toBe(error);
    expect(app).toHaveBeenCalledTimes(5);
    expect(web).not.toHaveBeenCalled();
    expect(r.getSnapshot().channels.app.status).toBe('operational');
  });

  it('a classify that throws counts the error as a failure and warns', async () => {
    const warnings: string[] = [];
    const r = router({
      handlers: { balance: { app: boom(), web: ok() } },
      classify: () => {
        throw new Error('bug in classify');
      },
    });
    r.on('warning', (w) => warnings.push(w.code));
    expect(await r.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'web' });
    expect(warnings).toContain('classify-threw');
  });
});

describe('breakers', () => {
  it('opens after volumeThreshold failures and then skips the route without calling its handler', async () => {
    const app = boom();
    const r = router({ handlers: { balance: { app, web: ok() } } });
    await r.execute('balance', {});
    await r.execute('balance', {});
    expect(app).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 10; i++) {
      const outcome = await r.execute('balance', {});
      expect(outcome.attempts[0]).toEqual({ channel: 'app', result: 'skipped', why: 'breaker-open' });
    }
    expect(app).toHaveBeenCalledTimes(2);
  });

  it('half-opens after resetTimeout and lets exactly one trial through', async () => {
    let healthy = false;
    let release: () => void = () => {};
    const app = vi.fn(async () => {
      if (!healthy) throw new Error('down');
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return 'app';
    });
    const r = router({ handlers: { balance: { app, web: ok('web') } } });
    const states: string[] = [];
    r.on('breaker', (e) => states.push(e.state));
    await r.execute('balance', {});
    await r.execute('balance', {});
    expect(states).toEqual(['open']);
    healthy = true;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(states).toEqual(['open', 'half-open']);
    const trial = r.execute('balance', {});
    const during = await r.execute('balance', {});
    expect(during).toMatchObject({ channel: 'web' });
    expect(during.attempts[0]).toMatchObject({ why: 'breaker-open' });
    release();
    expect(await trial).toMatchObject({ channel: 'app', degraded: false });
    expect(states).toEqual(['open', 'half-open', 'closed']);
    expect(app).toHaveBeenCalledTimes(3);
  });

  it('a declared outage holds: no trial call reaches a route under it, whatever its breaker does', async () => {
    const app = boom();
    const r = router({ handlers: { balance: { app, web: ok() } } });
    await r.execute('balance', {});
    await r.execute('balance', {});
    r.declareOutage({ channels: ['app'], reason: 'App down' });
    await vi.advanceTimersByTimeAsync(60_000);
    for (let i = 0; i < 3; i++) expect((await r.execute('balance', {})).attempts[0]).toMatchObject({ why: 'outage' });
    expect(app).toHaveBeenCalledTimes(2);
  });

  it('a router with breakers and traffic leaves no timer after dispose', async () => {
    const r = router({ handlers: { balance: { app: boom(), web: ok() } } });
    await r.execute('balance', {});
    await r.execute('balance', {});
    r.declareOutage({ channels: ['phone'], reason: 'x', until: MONDAY_10H + 3_600_000 });
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    r.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('referrals', () => {
  it('refers to open alternatives first, then closed ones, with contact and hours, never to what failed', async () => {
    vi.setSystemTime(Date.parse('2018-04-09T08:00:00Z')); // Monday 10:00 Paris: phone open, counter opens 14:00
    const r = router({
      handlers: {
        transfer: {
          app: async () => {
            throw new NotExecutedError();
          },
          web: async () => {
            throw new NotExecutedError();
          },
        },
      },
    });
    const outcome = await r.execute('transfer', {}, { locale: 'en' });
    expect(outcome.kind).toBe('referred');
    if (outcome.kind !== 'referred') return;
    expect(outcome.code).toBe('unavailable');
    expect(outcome.reason).toBe('Transfer is unavailable right now (the app and the website).');
    expect(outcome.alternatives.map((a) => a.channel)).toEqual(['phone', 'counter']);
    expect(outcome.alternatives[0]).toEqual({
      channel: 'phone',
      kind: 'phone',
      label: '3639',
      instructions: 'Call 3639.',
      contact: { phone: '3639' },
      status: 'operational',
      openNow: true,
      closesAt: '2018-04-09T18:00:00.000Z',
      timeZone: 'Europe/Paris',
    });
    expect(outcome.alternatives[1]).toMatchObject({
      channel: 'counter',
      openNow: false,
      opensAt: '2018-04-09T12:00:00.000Z',
    });
  });

  it('ranks closed alternatives after open ones even when they come first in the operation', async () => {
    vi.setSystemTime(Date.parse('2018-04-09T13:00:00Z')); // Monday 15:00 Paris: counter open
    const r = router();
    const plan = r.plan('transfer');
    expect(plan.alternatives.map((a) => [a.channel, a.openNow])).toEqual([
      ['app', true],
      ['web', true],
      ['phone', true],
      ['counter', true],
    ]);
    vi.setSystemTime(Date.parse('2018-04-09T19:00:00Z')); // 21:00 Paris: phone and counter closed
    expect(r.plan('transfer').alternatives.map((a) => [a.channel, a.openNow])).toEqual([
      ['app', true],
      ['web', true],
      ['phone', false],
      ['counter', false],
    ]);
  });

  it('never offers an excluded channel, one over its limit, one that is down, or an internal one', async () => {
    const r = router({ handlers: { balance: { app: boom(), web: ok(), core: boom() } } });
    r.declareOutage({ channels: ['web'], reason: { fr: 'Site en panne', en: 'Website down' } });
    const outcome = await r.execute('balance', {}, { exclude: ['phone'] });
    expect(outcome.kind).toBe('referred');
    if (outcome.kind === 'referred') expect(outcome.alternatives).toEqual([]);
    const withdrawal = r.plan('withdrawal', { amount: 500 });
    expect(withdrawal.alternatives.map((a) => a.channel)).toEqual(['counter']);
    expect(r.plan('withdrawal', { amount: 300 }).alternatives.map((a) => a.channel)).toEqual(['relay', 'counter']);
  });

  it('an operation without automated routes is referred with code manual', async () => {
    const r = router();
    const outcome = await r.execute('withdrawal', {}, { locale: 'en' });
    expect(outcome).toMatchObject({ kind: 'referred', code: 'manual', reason: 'Withdrawal: here is where to go.' });
  });

  it('uses the outage reason and its end as retryAfter', async () => {
    const r = router({ handlers: { transfer: { app: ok(), web: ok() } } });
    const until = new Date(MONDAY_10H + 2 * 3_600_000);
    r.declareOutage({
      systems: ['online-banking'],
      reason: { fr: 'Banque en ligne en panne', en: 'Online banking is down' },
      until,
    });
    const outcome = await r.execute('transfer', {}, { locale: 'en' });
    expect(outcome).toMatchObject({
      kind: 'referred',
      code: 'outage',
      reason: 'Online banking is down',
      retryAfter: until.toISOString(),
    });
  });

  it('retryAfter after a breaker opened is when it half-opens', async () => {
    const r = router({ handlers: { balance: { app: boom(), web: boom() } } });
    await r.execute('balance', {});
    await r.execute('balance', {});
    const outcome = await r.execute('balance', {});
    expect(outcome).toMatchObject({ kind: 'referred', retryAfter: new Date(MONDAY_10H + 30_000).toISOString() });
  });

  it('keeps internal error text out of everything a person sees and out of the JSON form', async () => {
    const r = router({
      handlers: { transfer: { app: boom('ECONNREFUSED core-banking-7.internal:8443 at Socket.connect') } },
    });
    const outcome = await r.execute('transfer', {});
    const json = JSON.stringify(outcome);
    expect(json).not.toMatch(/ECONNREFUSED|internal|Socket|attempts/);
    expect(outcome.attempts[0]).toMatchObject({ result: 'failure' });
    expect(String((outcome.attempts[0] as { error: Error }).error.message)).toContain('ECONNREFUSED');
  });
});

describe('opening hours', () => {
  it('does not run an automated route whose channel is closed, and does not count it against the breaker', async () => {
    vi.setSystemTime(Date.parse('2018-04-09T06:00:00Z')); // Monday 08:00 Paris: the counter opens at 14:00
    const counter = vi.fn(ok('counter'));
    const r = router({ handlers: { withdrawal: { counter } } });
    for (let i = 0; i < 5; i++) {
      const outcome = await r.execute('withdrawal', {}, { locale: 'en' });
      expect(outcome).toMatchObject({ kind: 'referred', code: 'closed', retryAfter: '2018-04-09T12:00:00.000Z' });
      expect(outcome.attempts[0]).toEqual({ channel: 'counter', result: 'skipped', why: 'closed' });
      if (outcome.kind === 'referred') {
        expect(outcome.reason).toBe('Withdrawal: closed right now (the counter).');
        expect(outcome.alternatives.map((a) => [a.channel, a.openNow])).toEqual([
          ['relay', true],
          ['counter', false],
        ]);
      }
    }
    expect(counter).not.toHaveBeenCalled();
    expect(r.plan('withdrawal').willTry).toEqual([]);
    await vi.advanceTimersByTimeAsync(6 * 3_600_000);
    expect(r.plan('withdrawal').willTry).toEqual(['counter']);
    expect(await r.execute('withdrawal', {})).toMatchObject({ kind: 'served', channel: 'counter', degraded: false });
  });
});

describe('breakers and outages together', () => {
  it('a breaker that half-opens under an outage is announced half-open only when the outage ends', async () => {
    const r = router({ handlers: { balance: { app: boom(), web: ok() } } });
    const states: string[] = [];
    r.on('breaker', (e) => states.push(e.state));
    await r.execute('balance', {});
    await r.execute('balance', {});
    r.declareOutage({ channels: ['app'], reason: 'down', until: MONDAY_10H + 3_600_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(states).toEqual(['open']);
    expect(r.getSnapshot().channels.app.status).toBe('major_outage');
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(states).toEqual(['open', 'half-open']);
  });
});

describe('outages', () => {
  it('takes channels depending on a system down, and ends by itself at until', async () => {
    const r = router({ handlers: { transfer: { app: ok('app'), web: ok('web') } } });
    const events: string[] = [];
    r.on('outage', (e) => events.push(e.type));
    const outage = r.declareOutage({ systems: ['online-banking'], reason: 'down', until: MONDAY_10H + 60_000 });
    expect(outage.id).toMatch(/^out-/);
    expect(r.getSnapshot().channels).toMatchObject({
      app: { status: 'major_outage', reason: 'down' },
      web: { status: 'major_outage' },
      phone: { status: 'operational' },
    });
    expect(await r.execute('transfer', {})).toMatchObject({ kind: 'referred' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(r.getSnapshot().channels.app.status).toBe('operational');
    expect(r.getSnapshot().outages).toEqual([]);
    expect(await r.execute('transfer', {})).toMatchObject({ kind: 'served', channel: 'app' });
    expect(events).toEqual(['declared', 'started', 'ended']);
  });

  it('says whether an outage ended by running out or by endOutage', async () => {
    const r = router();
    const ended: { id: string; expired: boolean | undefined }[] = [];
    r.on('outage', (e) => {
      if (e.type === 'ended') ended.push({ id: e.outage.id, expired: e.expired });
    });
    r.declareOutage({ id: 'runs-out', channels: ['web'], reason: 'down', until: MONDAY_10H + 60_000 });
    r.declareOutage({ id: 'ended', channels: ['app'], reason: 'down' });
    r.endOutage('ended');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ended).toEqual([
      { id: 'ended', expired: false },
      { id: 'runs-out', expired: true },
    ]);
  });

  it('a maintenance scheduled later starts at from, shows under_maintenance, and can be ended early', async () => {
    const r = router({ handlers: { balance: { app: ok('app'), web: ok('web') } } });
    const m = r.declareOutage({
      channels: ['app'],
      kind: 'maintenance',
      reason: 'Mise à jour',
      from: MONDAY_10H + 1000,
      until: MONDAY_10H + 10_000,
    });
    expect(r.getSnapshot().channels.app.status).toBe('operational');
    expect(r.getSnapshot().outages.map((o) => o.id)).toEqual([m.id]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.getSnapshot().channels.app).toMatchObject({
      status: 'under_maintenance',
      until: new Date(MONDAY_10H + 10_000).toISOString(),
    });
    expect((await r.execute('balance', {})).attempts[0]).toMatchObject({ why: 'maintenance' });
    expect(r.endOutage(m.id)).toMatchObject({ id: m.id });
    expect(r.endOutage(m.id)).toBeUndefined();
    expect(r.getSnapshot().channels.app.status).toBe('operational');
  });

  it('an outage restricted to operations takes only those routes down', async () => {
    const r = router({ handlers: { transfer: { app: ok('app'), web: ok('web') }, balance: { app: ok('app') } } });
    r.declareOutage({ channels: ['app'], operations: ['transfer'], reason: 'Virements indisponibles' });
    expect(await r.execute('transfer', {})).toMatchObject({ channel: 'web' });
    expect(await r.execute('balance', {})).toMatchObject({ channel: 'app' });
    expect(r.getSnapshot().channels.app.status).toBe('partial_outage');
    expect(r.getSnapshot().operations.transfer).toEqual({
      status: 'degraded_performance',
      available: ['web', 'phone', 'counter'],
    });
  });

  it('rejects bad declarations with every problem and its path', () => {
    const r = router();
    expect(() =>
      r.declareOutage({
        channels: ['fax' as 'app'],
        operations: ['nope' as 'transfer'],
        reason: '',
        until: 'tomorrow',
      }),
    ).toThrowError(/reason[\s\S]*until|channels\[0\]/);
    try {
      r.declareOutage({ channels: ['fax' as 'app'], reason: 'x' });
    } catch (e) {
      expect((e as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['channels[0]']);
    }
  });
});

describe('snapshot', () => {
  it('is the same object until something changes, and listeners hear each real change once', async () => {
    const r = router({ handlers: { balance: { app: boom(), web: ok() } } });
    const listener = vi.fn();
    r.subscribe(listener);
    const first = r.getSnapshot();
    expect(r.getSnapshot()).toBe(first);
    await r.execute('balance', {});
    await r.execute('balance', {}); // opens the app breaker
    await Promise.resolve();
    const second = r.getSnapshot();
    expect(second).not.toBe(first);
    expect(second.version).toBe(first.version + 1);
    expect(listener).toHaveBeenCalledTimes(1);
    await r.execute('balance', {});
    await Promise.resolve();
    expect(r.getSnapshot()).toBe(second);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('one declaration touching many channels is one change', async () => {
    const r = router();
    const listener = vi.fn();
    const unsubscribe = r.subscribe(listener);
    r.declareOutage({ systems: ['online-banking', 'counter-it'], reason: 'x' });
    await Promise.resolve();
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    r.declareOutage({ channels: ['relay'], reason: 'y' });
    await Promise.resolve();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('uses the Statuspage vocabulary for operations', async () => {
    const r = router({ handlers: { transfer: { app: ok(), web: ok() } } });
    expect(r.getSnapshot().operations.transfer.status).toBe('operational');
    const a = r.declareOutage({ channels: ['app'], reason: 'x' });
    expect(r.getSnapshot().operations.transfer.status).toBe('degraded_performance');
    const b = r.declareOutage({ channels: ['web'], reason: 'x' });
    expect(r.getSnapshot().operations.transfer.status).toBe('partial_outage');
    r.declareOutage({ channels: ['phone', 'counter'], reason: 'x' });
    expect(r.getSnapshot().operations.transfer).toEqual({ status: 'major_outage', available: [] });
    r.endOutage(b.id);
    expect(r.getSnapshot().operations.transfer.status).toBe('degraded_performance');
    r.endOutage(a.id);
    expect(r.getSnapshot().operations.transfer).toEqual({ status: 'operational', available: ['app', 'web'] });
  });
});

describe('programmer errors', () => {
  it('throws typed errors with stable names and codes', async () => {
    const r = router();
    // @ts-expect-error: an unknown operation is a compile error too
    await expect(r.execute('tranfser', {})).rejects.toMatchObject({
      name: 'UnknownOperationError',
      code: 'ERR_SECOURS_UNKNOWN_OPERATION',
      message: 'Unknown operation `tranfser`; known operations: transfer, balance, withdrawal',
    });
    await expect(r.execute('transfer', {}, { exclude: ['fax' as 'app'] })).rejects.toBeInstanceOf(UnknownChannelError);
    // Any BCP 47 tag is a locale (`de` is one); `en_US` is not a tag.
    await expect(r.execute('transfer', {}, { locale: 'en_US', amount: -1 })).rejects.toMatchObject({
      name: 'InvalidInputError',
      issues: [{ path: 'ctx.locale' }, { path: 'ctx.amount' }],
    });
    expect(() => r.plan('nope' as 'transfer')).toThrow(UnknownOperationError);
    r.dispose();
    await expect(r.execute('transfer', {})).rejects.toBeInstanceOf(RouterDisposedError);
  });

  it('validates input with the operation schema before running anything', async () => {
    const app = vi.fn(ok());
    const r = createRouter({
      catalog,
      handlers: { transfer: { app } },
      inputs: { transfer: z.object({ amount: z.number().positive() }) },
    });
    routers.push(r);
    await expect(r.execute('transfer', { amount: -5 })).rejects.toMatchObject({
      name: 'InvalidInputError',
      issues: [{ path: 'input.amount' }],
    });
    await expect(r.execute('transfer', { amount: -5 })).rejects.toBeInstanceOf(InvalidInputError);
    expect(app).not.toHaveBeenCalled();
    expect(await r.execute('transfer', { amount: 5 })).toMatchObject({ kind: 'served' });
  });

  it('rejects handlers for unknown operations or channels, listing each with its path', () => {
    expect(() =>
      createRouter({
        catalog,
        handlers: { transfr: { app: ok() }, transfer: { fax: ok(), web: 'nope' } } as never,
        breaker: { timeout: -1 },
      }),
    ).toThrowError(/breaker\.timeout/);
    try {
      createRouter({ catalog, handlers: { transfr: { app: ok() }, transfer: { fax: ok(), web: 'nope' } } as never });
    } catch (e) {
      expect((e as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
        'handlers.transfr',
        'handlers.transfer.fax',
        'handlers.transfer.web',
      ]);
    }
  });

  it('types handlers by operation and channel', () => {
    // @ts-expect-error: `withdrawal` has no route on the app
    expect(() => createRouter({ catalog, handlers: { withdrawal: { app: ok() } } })).toThrowError(
      /handlers\.withdrawal\.app/,
    );
    const typed = createRouter({
      catalog,
      handlers: { transfer: { app: async (input: { amount: number }) => input.amount } },
    });
    routers.push(typed);
    // @ts-expect-error: the input type comes from the handler
    void typed.execute('transfer', { amount: 'ten' }).catch(() => {});
  });

  it('does not change the options object it is given', () => {
    const breaker = Object.freeze({ timeout: 500 });
    const options = Object.freeze({ catalog, breaker });
    routers.push(createRouter(options));
    expect(breaker).toEqual({ timeout: 500 });
  });
});

describe('dispose', () => {
  it('cancels calls in flight, which settle as outcomes, and leaves no timer', async () => {
    const r = router({
      handlers: { transfer: { app: () => new Promise(() => {}) }, balance: { app: () => new Promise(() => {}) } },
    });
    const transfer = r.execute('transfer', {}, { idempotencyKey: 'k' });
    const balance = r.execute('balance', {});
    await vi.advanceTimersByTimeAsync(1);
    r.dispose();
    expect(await transfer).toMatchObject({ kind: 'uncertain', reference: 'k' });
    expect(await balance).toMatchObject({ kind: 'referred', code: 'cancelled' });
    expect((await balance).attempts[0]).toMatchObject({ result: 'cancelled' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts the signal handlers were given', async () => {
    let signal: AbortSignal | undefined;
    const r = router({
      handlers: {
        balance: {
          app: (_i: unknown, ctx: { signal: AbortSignal }) => {
            signal = ctx.signal;
            return new Promise(() => {});
          },
        },
      },
    });
    const pending = r.execute('balance', {});
    await vi.advanceTimersByTimeAsync(1);
    r.dispose();
    await pending;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(CancelledError);
  });
});

describe('events', () => {
  it('a listener that throws does not take the outcome with it: it becomes a warning', async () => {
    const app = vi.fn(ok('paid'));
    const r = router({ handlers: { transfer: { app } } });
    const warnings: string[] = [];
    r.on('served', () => {
      throw new Error('bug in a listener');
    });
    r.on('warning', (w) => warnings.push(w.message));
    expect(await r.execute('transfer', {})).toMatchObject({ kind: 'served', value: 'paid' });
    expect(app).toHaveBeenCalledTimes(1);
    expect(warnings).toEqual(['A listener of the `served` event threw']);
  });

  it('emits attempt, served, referred and uncertain', async () => {
    const r = router({ handlers: { transfer: { app: boom() }, balance: { app: ok() } } });
    const seen: string[] = [];
    r.on('attempt', (e) => seen.push(`attempt:${e.attempt.channel}:${e.attempt.result}`));
    r.on('served', (o) => seen.push(`served:${o.channel}`));
    r.on('uncertain', (o) => seen.push(`uncertain:${o.channel}`));
    r.on('referred', (o) => seen.push(`referred:${o.operation}`));
    await r.execute('balance', {});
    await r.execute('transfer', {});
    await r.execute('withdrawal', {});
    expect(seen).toEqual([
      'attempt:app:success',
      'served:app',
      'attempt:app:failure',
      'uncertain:app',
      'referred:withdrawal',
    ]);
  });
});

describe('setRemoteDown: routes down on the word of a fleet or a status feed', () => {
  it('skips a route another source says is down, without calling it, until no source names it', async () => {
    const app = vi.fn(ok('app'));
    const r = router({ handlers: { balance: { app, web: ok('web') } } });
    r.setRemoteDown('fleet', [{ operation: 'balance', channel: 'app' }]);
    r.setRemoteDown('feed', [{ operation: 'balance', channel: 'app' }]);
    const outcome = await r.execute('balance', {});
    expect(outcome).toMatchObject({ kind: 'served', channel: 'web', degraded: true });
    expect(outcome.attempts[0]).toEqual({ channel: 'app', result: 'skipped', why: 'remote' });
    expect(app).not.toHaveBeenCalled();
    expect(r.plan('balance').skipped).toEqual([{ channel: 'app', why: 'remote' }]);
    expect(r.getSnapshot().operations.balance).toEqual({
      status: 'degraded_performance',
      available: ['web', 'core', 'phone'],
    });
    expect(r.getSnapshot().channels.app).toEqual({
      status: 'partial_outage',
      since: new Date(MONDAY_10H).toISOString(),
    });

    r.setRemoteDown('fleet', []);
    expect((await r.execute('balance', {})).kind).toBe('served');
    expect(app).not.toHaveBeenCalled(); // 'feed' still says so
    r.setRemoteDown('feed', []);
    expect(await r.execute('balance', {})).toMatchObject({ channel: 'app', degraded: false });
    expect(r.getSnapshot().channels.app.status).toBe('operational');
  });

  it('names the remote route in the referral when nothing automated is left', async () => {
    const r = router({ handlers: { transfer: { app: ok(), web: ok() } } });
    r.setRemoteDown('fleet', [
      { operation: 'transfer', channel: 'app' },
      { operation: 'transfer', channel: 'web' },
    ]);
    const outcome = await r.execute('transfer', {}, { locale: 'en' });
    expect(outcome).toMatchObject({ kind: 'referred', code: 'unavailable' });
    if (outcome.kind !== 'referred') throw new Error('expected a referral');
    expect(outcome.alternatives.map((a) => a.channel)).toEqual(['phone', 'counter']);
  });

  it('changes the snapshot only when the set of routes really changes', async () => {
    const r = router();
    const listener = vi.fn();
    r.subscribe(listener);
    r.setRemoteDown('fleet', [{ operation: 'balance', channel: 'web' }]);
    await Promise.resolve();
    const after = r.getSnapshot();
    r.setRemoteDown('fleet', [{ operation: 'balance', channel: 'web' }]);
    await Promise.resolve();
    expect(r.getSnapshot()).toBe(after);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('rejects unknown routes, listing each, and changes nothing', () => {
    const r = router();
    const before = r.getSnapshot();
    let error: unknown;
    try {
      r.setRemoteDown('fleet', [
        { operation: 'balance', channel: 'web' },
        // @ts-expect-error: withdrawal has no route on the app, and the types say so
        { operation: 'withdrawal', channel: 'app' },
        // @ts-expect-error: an unknown operation
        { operation: 'tranfser', channel: 'app' },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: 'routes[1]', message: 'operation `withdrawal` has no route on channel "app"' },
      {
        path: 'routes[2]',
        message:
          'expected { operation, channel } naming a route of the catalogue, got {"operation":"tranfser","channel":"app"}',
      },
    ]);
    expect(r.getSnapshot()).toBe(before);
    expect(() => r.setRemoteDown('', [])).toThrow(ConfigError);
  });
});

describe('referrals kept between calls', () => {
  const notExecuted: Handler = async () => {
    throw new NotExecutedError();
  };

  it('are the same while nothing changes, and new once an opening hour passes', async () => {
    vi.setSystemTime(Date.parse('2018-04-09T11:59:00Z')); // Monday 13:59 Paris: counter opens at 14:00
    // Breakers that stay closed: an opening one is a change, tested below.
    const r = router({
      handlers: { transfer: { app: notExecuted, web: notExecuted } },
      breaker: { volumeThreshold: 100 },
    });
    const first = await r.execute('transfer', {}, { locale: 'en' });
    const second = await r.execute('transfer', {}, { locale: 'en' });
    if (first.kind !== 'referred' || second.kind !== 'referred') throw new Error('expected referrals');
    expect(second.alternatives).toBe(first.alternatives);
    expect(first.alternatives.find((a) => a.channel === 'counter')).toMatchObject({ openNow: false });
    vi.setSystemTime(Date.parse('2018-04-09T12:00:00Z'));
    const third = await r.execute('transfer', {}, { locale: 'en' });
    if (third.kind !== 'referred') throw new Error('expected a referral');
    expect(third.alternatives.find((a) => a.channel === 'counter')).toMatchObject({
      openNow: true,
      closesAt: '2018-04-09T15:00:00.000Z',
    });
    // Another locale is told in its own words.
    const fr = await r.execute('transfer', {}, { locale: 'fr' });
    if (fr.kind !== 'referred') throw new Error('expected a referral');
    expect(fr.alternatives[0]?.label).toBe('le 3639');
  });

  it('are new once a route changes state, and per call for exclusions and amounts', async () => {
    const r = router({ handlers: { transfer: { app: notExecuted, web: notExecuted } } });
    const before = await r.execute('transfer', {}, { locale: 'en' });
    r.declareOutage({ channels: ['phone'], reason: 'Phone lines down' });
    const after = await r.execute('transfer', {}, { locale: 'en' });
    if (before.kind !== 'referred' || after.kind !== 'referred') throw new Error('expected referrals');
    expect(before.alternatives.map((a) => a.channel)).toContain('phone');
    expect(after.alternatives.map((a) => a.channel)).not.toContain('phone');
    const excluded = r.plan('transfer', { exclude: ['counter'] });
    expect(excluded.alternatives.map((a) => a.channel)).not.toContain('counter');
    expect(r.plan('transfer').alternatives.map((a) => a.channel)).toContain('counter');
  });
});
