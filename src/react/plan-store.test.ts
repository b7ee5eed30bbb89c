// usePlan's store, without React: when it computes a plan again, when it keeps the same object,
// and its one timer. What React does with it is tested in a real browser (test/react-browser.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineCatalog } from '../catalog.js';
import { MAX_DELAY } from '../deadlines.js';
import { AVAILABILITY_TTL } from '../engine/route-checks.js';
import { InvalidInputError } from '../errors.js';
import type { Plan } from '../options.js';
import { createRouter } from '../router.js';
// Not a React hook, whatever its name says.
import { type VirtualTime, useVirtualTime as virtualTime } from '../testing/virtual-time.js';
import { planContext } from './plan-key.js';
import { type PlanSource, PlanStore } from './plan-store.js';
import { nextPlanChange } from './plan-timing.js';

const weekdays = (interval: string) => ({
  timeZone: 'Europe/Paris',
  weekly: { mon: [interval], tue: [interval], wed: [interval], thu: [interval], fri: [interval] },
});

// The automated route has no hours: only the referral (3639) opens and closes.
const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    phone: { kind: 'phone', label: '3639', contact: { phone: '3639' }, hours: weekdays('08:00-20:00') },
    atm: { kind: 'self-service', label: 'ATM' },
  },
  operations: {
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'phone' }] },
    withdrawal: { label: 'Withdrawal', idempotent: true, routes: [{ channel: 'atm' }] },
  },
});

/** Monday 5 January 2026, 19:00 in Paris: 3639 closes in an hour. */
const MONDAY_19H = '2026-01-05T18:00:00Z';

let time: VirtualTime | undefined;
afterEach(() => {
  time?.uninstall();
  time = undefined;
  vi.restoreAllMocks();
});

function setup(now = MONDAY_19H) {
  time = virtualTime({ now });
  const router = createRouter({ catalog, clock: time.clock, handlers: { transfer: { app: () => 1 } } });
  const store = new PlanStore(router as unknown as PlanSource, 'transfer', { locale: 'en' });
  return { router, store, time };
}

const phone = (plan: Plan) => plan.alternatives.find((a) => a.channel === 'phone');

describe('the plan store', () => {
  it('is the same object while nothing changed, also after a change that does not touch the plan', async () => {
    const { router, store, time } = setup();
    const first = store.getSnapshot();
    expect(store.getSnapshot()).toBe(first);
    const listener = vi.fn();
    store.subscribe(listener);
    router.declareOutage({ id: 'atm-down', channels: ['atm'], reason: 'ATMs are down' });
    await time.advance(0);
    expect(listener).toHaveBeenCalledTimes(1);
    // A new snapshot, the same plan: React keeps its render.
    expect(store.getSnapshot()).toBe(first);
    router.declareOutage({ id: 'app-down', channels: ['app'], reason: 'The app is down' });
    await time.advance(0);
    const second = store.getSnapshot();
    expect(second).not.toBe(first);
    expect(second.willTry).toEqual([]);
    expect(second.reason).toBe('The app is down');
    router.dispose();
  });

  it('hears the referral’s closing at 20:00 from the router itself: nextChangeAt covers every channel', async () => {
    const { router, store, time } = setup();
    expect(router.getSnapshot().nextChangeAt).toBe('2026-01-05T19:00:00.000Z');
    const before = store.getSnapshot();
    expect(phone(before)).toMatchObject({ openNow: true, closesAt: '2026-01-05T19:00:00.000Z' });
    const listener = vi.fn();
    store.subscribe(listener);
    await time.advance(3_600_000 - 1);
    expect(listener).not.toHaveBeenCalled();
    expect(store.getSnapshot()).toBe(before);
    await time.advance(1);
    // The store's timer and the router's snapshot both fire at 20:00.
    expect(listener).toHaveBeenCalled();
    const after = store.getSnapshot();
    expect(phone(after)).toMatchObject({ openNow: false, opensAt: '2026-01-06T07:00:00.000Z' });
    expect(store.getSnapshot()).toBe(after);
    router.dispose();
  });

  it('keeps one timer, armed only while subscribed', async () => {
    const { router, store, time } = setup();
    const timers = () => time.pendingTimers();
    const alone = timers(); // the router's own
    const stop = store.subscribe(() => {});
    expect(timers()).toBe(alone + 1);
    const stopToo = store.subscribe(() => {});
    expect(timers()).toBe(alone + 1);
    stop();
    expect(timers()).toBe(alone + 1);
    stopToo();
    expect(timers()).toBe(alone);
    router.dispose();
  });

  it('reads again when subscribed again after its next change passed unsubscribed (StrictMode, <Activity>)', async () => {
    const closedForSummer = defineCatalog({
      channels: {
        app: { kind: 'digital', label: 'app' },
        office: {
          kind: 'in-person',
          label: 'office',
          hours: {
            ...weekdays('09:00-17:00'),
            closedDates: Array.from({ length: 28 }, (_, i) => `2026-08-${String(i + 1).padStart(2, '0')}`),
          },
        },
      },
      operations: { pickup: { label: 'Pickup', routes: [{ channel: 'app' }, { channel: 'office' }] } },
    });
    time = virtualTime({ now: '2026-08-03T10:00:00Z' });
    const router = createRouter({ catalog: closedForSummer, clock: time.clock });
    const store = new PlanStore(router as unknown as PlanSource, 'pickup', undefined);
    const office = () => store.getSnapshot().alternatives.find((a) => a.channel === 'office');
    const stop = store.subscribe(() => {});
    expect(office()?.opensAt).toBeUndefined();
    // Hidden (unsubscribed, no timer) while the reopening on 31 August comes within the horizon.
    stop();
    await time.advanceTo('2026-08-24T10:00:00Z');
    expect(router.plan('pickup').alternatives.find((a) => a.channel === 'office')?.opensAt).toBeDefined();
    store.subscribe(() => {});
    // React reads the snapshot again right after subscribing: it must not be the plan of 3 August.
    expect(office()?.opensAt).toBe(router.plan('pickup').alternatives.find((a) => a.channel === 'office')?.opensAt);
    router.dispose();
  });

  it('clamps a timer past setTimeout’s limit, and reads again when it fires', async () => {
    // No hours anywhere: the only change ahead is an outage declared for two months from now.
    const plain = defineCatalog({
      channels: { atm: { kind: 'self-service', label: 'ATM' } },
      operations: { withdrawal: { label: 'Withdrawal', idempotent: true, routes: [{ channel: 'atm' }] } },
    });
    time = virtualTime({ now: MONDAY_19H });
    const router = createRouter({ catalog: plain, clock: time.clock });
    const from = Date.parse('2026-03-01T00:00:00Z');
    router.declareOutage({ id: 'works', kind: 'maintenance', channels: ['atm'], reason: 'Works', from });
    await time.advance(0);
    expect(router.getSnapshot().nextChangeAt).toBe(new Date(from).toISOString());
    const store = new PlanStore(router as unknown as PlanSource, 'withdrawal', undefined);
    const delays: number[] = [];
    const real = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return real(fn, ms);
    }) as typeof setTimeout);
    const listener = vi.fn();
    store.subscribe(listener);
    spy.mockRestore();
    expect(delays).toEqual([MAX_DELAY]);
    const before = store.getSnapshot();
    await time.advance(MAX_DELAY);
    // Woken early by the clamp: read again, nothing changed, the same object.
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot()).toBe(before);
    await time.advanceTo(from);
    expect(store.getSnapshot().willTry).toEqual([]);
    expect(store.getSnapshot().skipped).toEqual([]);
    expect(store.getSnapshot().alternatives).toEqual([]);
    router.dispose();
  });

  it('reads again after the router’s hours horizon for an alternative whose next change is beyond it', () => {
    const closedForSummer = defineCatalog({
      channels: {
        app: { kind: 'digital', label: 'app' },
        office: {
          kind: 'in-person',
          label: 'office',
          hours: {
            ...weekdays('09:00-17:00'),
            closedDates: Array.from({ length: 28 }, (_, i) => `2026-08-${String(i + 1).padStart(2, '0')}`),
          },
        },
      },
      operations: { pickup: { label: 'Pickup', routes: [{ channel: 'app' }, { channel: 'office' }] } },
    });
    time = virtualTime({ now: '2026-08-03T10:00:00Z' });
    const router = createRouter({ catalog: closedForSummer, clock: time.clock });
    const plan = router.plan('pickup');
    const office = plan.alternatives.find((a) => a.channel === 'office');
    // Opens on 31 August, more than two weeks ahead: beyond what the hours look at.
    expect(office).toMatchObject({ openNow: false });
    expect(office?.opensAt).toBeUndefined();
    expect(router.getSnapshot().nextChangeAt).toBeUndefined();
    const now = Date.now();
    expect(nextPlanChange(plan, router.getSnapshot(), closedForSummer, now)).toBe(now + AVAILABILITY_TTL);
    router.dispose();
  });

  it('leaves out instants already past, so a clock behind the timers cannot make it spin', () => {
    const { router } = setup();
    const plan = router.plan('transfer');
    const snapshot = router.getSnapshot();
    const closes = Date.parse(phone(plan)?.closesAt ?? '');
    expect(nextPlanChange(plan, snapshot, catalog, closes - 1)).toBe(closes);
    expect(nextPlanChange(plan, snapshot, catalog, closes)).toBe(Number.POSITIVE_INFINITY);
    router.dispose();
  });
});

describe('the plan context', () => {
  const check = (ctx: unknown) => createRouter({ catalog }).plan('transfer', ctx as never);

  it('keys on locale, exclude, amount and scope by value; the rest does not count', () => {
    const a = planContext('transfer', { locale: 'en', exclude: ['phone'], user: { id: 1 } }, check);
    const b = planContext(
      'transfer',
      { exclude: ['phone'], locale: 'en', idempotencyKey: 'k', signal: new AbortController().signal },
      check,
    );
    expect(a.key).toBe(b.key);
    expect(b.ctx).toEqual({ locale: 'en', exclude: ['phone'] });
    expect(planContext('transfer', { locale: 'fr' }, check).key).not.toBe(a.key);
    expect(planContext('transfer', { amount: 10 }, check).key).not.toBe(
      planContext('transfer', { amount: 11 }, check).key,
    );
  });

  it('keys `exclude` as the set the router reads: order, repeats and an empty list do not count', () => {
    // The router reads `exclude` as a set: `exclude: [...selected]` from a Set or a state array
    // re-ordered between renders is the same plan, and must stay the same store and plan object.
    const key = (exclude: string[] | undefined) => planContext('transfer', { locale: 'en', exclude }, check).key;
    expect(key(['phone', 'app'])).toBe(key(['app', 'phone']));
    expect(key(['app', 'app'])).toBe(key(['app']));
    expect(key([])).toBe(key(undefined));
    expect(key(['app'])).not.toBe(key(['phone']));
  });

  it('refuses what plan refuses, with the router’s error and path', () => {
    expect(() => planContext('transfer', 'en' as never, check)).toThrow(InvalidInputError);
    const unreadable = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no');
        },
      },
    );
    let error: unknown;
    try {
      planContext('transfer', unreadable, check);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues[0]?.path).toBe('ctx');
  });
});
