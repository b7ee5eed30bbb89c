import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineCatalog } from './catalog.js';
import { ConfigError, InvalidInputError } from './errors.js';
import type { BreakerEvent } from './events.js';
import { createRouter, type Handler } from './router.js';
import type { ScopeOptions } from './scopes.js';

// Monday 9 April 2018, 10:00 in Paris: the day every counter terminal stopped.
const MONDAY_10H = Date.parse('2018-04-09T08:00:00Z');

const catalog = defineCatalog({
  channels: {
    counter: { kind: 'in-person', label: { fr: 'le guichet', en: 'the counter' } },
    machine: { kind: 'self-service', label: { fr: "l'automate", en: 'the postage machine' } },
    web: { kind: 'digital', label: { fr: 'le site', en: 'the website' } },
    phone: { kind: 'phone', label: { fr: 'le 3639', en: '3639' }, contact: { phone: '3639' } },
  },
  operations: {
    'stamp-purchase': {
      label: { fr: 'Achat de timbres', en: 'Stamp purchase' },
      idempotent: true,
      routes: [{ channel: 'counter' }, { channel: 'machine' }, { channel: 'web' }, { channel: 'phone' }],
    },
  },
});

const routers: { dispose(): void }[] = [];
let counterDown: Set<string>;

/** The counter fails in the offices listed in `counterDown`; the machine and the website work. */
function router(scopes?: ScopeOptions<keyof typeof catalog.channels & string>) {
  const counter: Handler = async (_input, ctx) => {
    if (counterDown.has(String(ctx.user?.office))) throw new Error('terminal down');
    return `counter@${String(ctx.user?.office)}`;
  };
  const r = createRouter({
    catalog,
    handlers: { 'stamp-purchase': { counter, machine: async () => 'machine', web: async () => 'web' } },
    breaker: { volumeThreshold: 2, resetTimeout: 30_000, timeout: 1000 },
    scopes: { channels: ['counter', 'machine'], ...scopes },
  });
  routers.push(r);
  return r;
}

const at = (office: string) => ({ scope: office, user: { office } });

async function breakCounter(r: ReturnType<typeof router>, office: string): Promise<void> {
  counterDown.add(office);
  for (let i = 0; i < 2; i++) await r.execute('stamp-purchase', {}, at(office));
  expect(r.plan('stamp-purchase', at(office)).skipped).toEqual([{ channel: 'counter', why: 'breaker-open' }]);
}

beforeEach(() => {
  vi.useFakeTimers({ now: MONDAY_10H });
  counterDown = new Set();
});
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
  vi.useRealTimers();
});

describe('scopes: a breaker per scope', () => {
  it("one office's broken terminal does not close the other offices' counters", async () => {
    const r = router();
    await breakCounter(r, 'office-75001');
    const there = await r.execute('stamp-purchase', {}, at('office-75001'));
    expect(there).toMatchObject({ kind: 'served', channel: 'machine', degraded: true });
    expect(there.attempts[0]).toEqual({ channel: 'counter', result: 'skipped', why: 'breaker-open' });
    const elsewhere = await r.execute('stamp-purchase', {}, at('office-13001'));
    expect(elsewhere).toMatchObject({ kind: 'served', channel: 'counter', value: 'counter@office-13001' });
    expect(r.plan('stamp-purchase', at('office-13001'))).toMatchObject({ willTry: ['counter', 'machine', 'web'] });
  });

  it('keeps one breaker for calls without a scope and for unscoped channels', async () => {
    const r = router();
    await breakCounter(r, 'office-75001');
    // No scope: the route's own breaker, which saw none of those failures.
    expect(r.plan('stamp-purchase').willTry).toEqual(['counter', 'machine', 'web']);
    const web = vi.fn<Handler>(async () => {
      throw new Error('website down');
    });
    const r2 = createRouter({
      catalog,
      handlers: { 'stamp-purchase': { web } },
      breaker: { volumeThreshold: 2 },
      scopes: { channels: ['counter'] },
    });
    routers.push(r2);
    await r2.execute('stamp-purchase', {}, { scope: 'a' });
    await r2.execute('stamp-purchase', {}, { scope: 'b' });
    // The website is not scoped: two offices' failures open its one breaker for everyone.
    expect(r2.plan('stamp-purchase', { scope: 'c' }).skipped).toEqual([{ channel: 'web', why: 'breaker-open' }]);
  });

  it('a half-open scope lets one trial through and closes on success', async () => {
    const r = router();
    const events: BreakerEvent[] = [];
    r.on('breaker', (e) => events.push(e));
    await breakCounter(r, 'office-75001');
    counterDown.clear();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await r.execute('stamp-purchase', {}, at('office-75001'))).toMatchObject({ channel: 'counter' });
    expect(events.map((e) => [e.state, e.scope])).toEqual([
      ['open', 'office-75001'],
      ['half-open', 'office-75001'],
      ['closed', 'office-75001'],
    ]);
    expect(r.getSnapshot().channels.counter).toEqual({ status: 'operational' });
  });

  it('refers with the scope in mind: its open breaker is neither tried nor offered', async () => {
    const r = router();
    await breakCounter(r, 'office-75001');
    const plan = r.plan('stamp-purchase', { ...at('office-75001'), exclude: ['machine', 'web'] });
    expect(plan).toMatchObject({ willTry: [], code: 'unavailable' });
    expect(plan.alternatives.map((a) => a.channel)).toEqual(['phone']);
    expect(plan.retryAfter).toBe(new Date(MONDAY_10H + 30_000).toISOString());
    // Another office is offered its counter.
    const other = r.plan('stamp-purchase', { scope: 'office-13001', exclude: ['machine', 'web'] });
    expect(other.alternatives.map((a) => a.channel)).toEqual(['counter', 'phone']);
  });
});

describe('scopes: in the snapshot', () => {
  it('a channel is a partial outage while some scopes are down, a major one past the share', async () => {
    const r = router({ majorOutageShare: 0.5 });
    for (const office of ['a', 'b', 'c', 'd']) await r.execute('stamp-purchase', {}, at(office));
    expect(r.getSnapshot().channels.counter).toEqual({ status: 'operational' });
    await breakCounter(r, 'a');
    await vi.advanceTimersByTimeAsync(0);
    expect(r.getSnapshot().channels.counter).toEqual({
      status: 'partial_outage',
      since: new Date(MONDAY_10H).toISOString(),
      scopesDown: 1,
    });
    // The operation still has its counter for the other offices.
    expect(r.getSnapshot().operations['stamp-purchase']).toMatchObject({ status: 'operational' });
    await breakCounter(r, 'b');
    expect(r.getSnapshot().channels.counter).toMatchObject({ status: 'partial_outage', scopesDown: 2 });
    await breakCounter(r, 'c');
    expect(r.getSnapshot().channels.counter).toMatchObject({ status: 'major_outage', scopesDown: 3 });
    expect(r.getSnapshot().channels.machine).toEqual({ status: 'operational' });
  });

  it('the snapshot stays the same object while nothing changes, scopes or not', async () => {
    // Share 1: never major, so new live scopes do not change the status.
    const r = router({ majorOutageShare: 1 });
    await breakCounter(r, 'a');
    const first = r.getSnapshot();
    for (let i = 0; i < 5; i++) await r.execute('stamp-purchase', {}, at(`office-${i}`));
    expect(r.getSnapshot()).toBe(first);
    const listener = vi.fn();
    r.subscribe(listener);
    await breakCounter(r, 'b');
    await vi.advanceTimersByTimeAsync(0);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(r.getSnapshot()).not.toBe(first);
    expect(r.getSnapshot().version).toBe(first.version + 1);
  });
});

describe('scopes: eviction', () => {
  it('drops the breaker of a scope idle and closed, and keeps an open one', async () => {
    const r = router({ idleEvictMs: 60_000, majorOutageShare: 0.5 });
    await r.execute('stamp-purchase', {}, at('idle'));
    await breakCounter(r, 'broken');
    // One of two live scopes down: not past half.
    expect(r.getSnapshot().channels.counter).toMatchObject({ status: 'partial_outage', scopesDown: 1 });
    await vi.advanceTimersByTimeAsync(59_000);
    // Half-open since 30 s: not down, but not known to work either.
    expect(r.getSnapshot().channels.counter).toEqual({ status: 'degraded_performance' });
    await vi.advanceTimersByTimeAsync(1_000);
    // The idle scope is gone; the broken one (half-open, not closed) stays: its failed trial
    // makes it down again, now one of one.
    await r.execute('stamp-purchase', {}, at('broken'));
    expect(r.getSnapshot().channels.counter).toMatchObject({ status: 'major_outage', scopesDown: 1 });
    counterDown.clear();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await r.execute('stamp-purchase', {}, at('broken'))).toMatchObject({ channel: 'counter' });
    expect(r.getSnapshot().channels.counter).toEqual({ status: 'operational' });
  });

  it('evicted scopes stop costing a timer: a router whose scopes all went idle holds none but its own', async () => {
    const r = createRouter({
      catalog,
      handlers: { 'stamp-purchase': { counter: async () => 'x' } },
      breaker: { timeout: false },
      scopes: { idleEvictMs: 10_000 },
    });
    routers.push(r);
    for (let i = 0; i < 50; i++) await r.execute('stamp-purchase', {}, { scope: `office-${i}` });
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(20_000);
    // The sweep and the shared bucket rotation both stop once no scope breaker is left.
    expect(vi.getTimerCount()).toBe(0);
    // A scope that comes back gets a fresh breaker.
    expect(await r.execute('stamp-purchase', {}, { scope: 'office-1' })).toMatchObject({ channel: 'counter' });
  });
});

describe('scopes: bad input', () => {
  it('rejects a scope that is not a short non-empty string, naming it', async () => {
    const r = router();
    for (const scope of ['', 42, null, 'x'.repeat(201)]) {
      const error = await r.execute('stamp-purchase', {}, { scope: scope as string }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues).toEqual([{ path: 'ctx.scope', message: expect.any(String) }]);
      expect(() => r.plan('stamp-purchase', { scope: scope as string })).toThrow(InvalidInputError);
    }
    const error = await r.execute('stamp-purchase', {}, { scope: 42 as unknown as string }).catch((e: unknown) => e);
    expect((error as InvalidInputError).issues[0]?.message).toBe('expected a string, got number');
  });

  it('rejects bad scope options with the path of each problem', () => {
    const make = (scopes: unknown) => () =>
      createRouter({ catalog, handlers: {}, scopes: scopes as ScopeOptions<'counter'> });
    expect(make({ channels: ['countr'] })).toThrow(ConfigError);
    try {
      make({ channels: ['countr'], majorOutageShare: 2, idleEvictMs: -1 })();
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual([
        'scopes.majorOutageShare',
        'scopes.idleEvictMs',
      ]);
    }
    try {
      make({ channels: ['countr'] })();
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        { path: 'scopes.channels[0]', message: expect.stringContaining('unknown channel `countr`') },
      ]);
    }
    expect(make({ wat: 1 })).toThrow(/wat/);
  });
});

describe('scopes: referrals', () => {
  it("a scoped call is not told what the route's own breaker says, nor the other way round", async () => {
    const r = router();
    // Calls without a scope open the counter's own breaker.
    counterDown.add('undefined');
    for (let i = 0; i < 2; i++) await r.execute('stamp-purchase', {}, { user: {} });
    const unscoped = r.plan('stamp-purchase', { exclude: ['machine', 'web'] });
    expect(unscoped.alternatives.map((a) => a.channel)).toEqual(['phone']);
    const scoped = r.plan('stamp-purchase', { scope: 'office-13001', exclude: ['machine', 'web'] });
    expect(scoped.willTry).toEqual(['counter']);
    const scopedAgain = r.plan('stamp-purchase', { scope: 'office-13001' });
    const unscopedAgain = r.plan('stamp-purchase');
    expect(scopedAgain.alternatives.map((a) => a.channel)).toContain('counter');
    expect(unscopedAgain.alternatives.map((a) => a.channel)).not.toContain('counter');
  });
});
